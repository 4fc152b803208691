"""`labelaudit sample`: IAF MD1 sizes, the random quarter, reproducibility, rotation over a
cycle from real decision records, and `--write` keeping audit.toml as it was."""

from __future__ import annotations

import math
import random
import shutil
import tomllib
from collections.abc import Callable, Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
import tomli_w

from clirun import FIXTURES, run
from labelaudit.cycle import sampling
from labelaudit.cycle.auditfile import write_plan
from labelaudit.cycle.history import EarlierRecord, History, Weakest, audits_in_cycle, current_cycle, history_of
from labelaudit.cycle.sampling import Cover, SamplingPlan, derived_seed, draw, md1_size, random_part, sample_size
from labelaudit.record import canonical_bytes, load_record
from labelaudit.testing import audit_document
from labelaudit.workflow import score_audit

NETWORK = [f"p{i:02d}" for i in range(1, 61)]  # a 60-office network
# --- Sizes ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sites", "stage", "size"),
    [
        (1400, "initial", 38),  # √1400 = 37.42
        (1400, "surveillance", 23),  # 0.6·37.42 = 22.45
        (1400, "renewal", 30),  # 0.8·37.42 = 29.93
        (1, "initial", 1),
        (1, "surveillance", 1),
        (1, "renewal", 1),
        (60, "initial", 8),  # √60 = 7.75
        (60, "surveillance", 5),  # 4.65
        (60, "renewal", 7),  # 6.20
        (100, "surveillance", 6),  # exactly 6: a float 0.6·10.0 is 6.000000000000001, and would give 7
        (25, "renewal", 4),  # exactly 4 (0.8·5)
        (3, "initial", 2),
    ],
)
def test_iaf_md1_sizes(sites: int, stage: str, size: int) -> None:
    assert md1_size(sites, stage) == size  # type: ignore[arg-type]


def test_sizes_are_the_smallest_whole_number_at_or_above_the_rule() -> None:
    for sites in range(1, 3000):
        for stage, c2 in (("initial", 1), ("surveillance", 0.36), ("renewal", 0.64)):
            y = md1_size(sites, stage)  # type: ignore[arg-type]
            assert y * y * 100 >= round(c2 * 100) * sites > (y - 1) * (y - 1) * 100 or y == 1


def test_extra_raises_the_size_never_lowers_it_and_required_sites_make_room() -> None:
    assert sample_size(60, "surveillance", 0, 0) == (5, 2)
    assert sample_size(60, "surveillance", 3, 0) == (8, 2)
    # four required sites and a random quarter do not fit in 5: the sample grows to 6
    assert sample_size(60, "surveillance", 0, 4) == (6, 2)
    assert sample_size(3, "initial", 10, 0) == (3, 1)  # never more sites than there are
    assert sample_size(1, "initial", 0, 1) == (1, 0)


# --- The draw ------------------------------------------------------------------------------------


def test_random_quarter_is_drawn_from_sorted_ids_with_the_seed() -> None:
    plan = draw(audit="NET-1", sites=NETWORK, stage="initial", seed=7, required=["p60"])
    assert plan.size == 8 and plan.random_size == random_part(8) == 2
    others = sorted(set(NETWORK) - {"p60"})
    assert [p.site for p in plan.by_reason("random")] == random.Random(7).sample(others, 2)
    assert [p.site for p in plan.by_reason("required")] == ["p60"]
    assert len(plan.by_reason("risk")) == 5
    assert len(set(plan.visited)) == 8 and list(plan.visited) == [s for s in NETWORK if s in plan.visited]
    for extra in range(0, 53):  # every size from 8 to 60
        plan = draw(audit="NET-1", sites=NETWORK, stage="initial", seed=extra, extra=extra)
        assert plan.size == 8 + extra
        assert len(plan.by_reason("random")) == math.ceil(plan.size / 4)
        assert len(plan.by_reason("risk")) == plan.size - math.ceil(plan.size / 4)


def test_same_seed_same_plan_and_the_derived_seed_is_the_audits_own() -> None:
    one = draw(audit="NET-1", sites=NETWORK, stage="surveillance", seed=20261120)
    two = draw(audit="NET-1", sites=list(reversed(NETWORK))[::-1], stage="surveillance", seed=20261120)
    assert one.picks == two.picks
    assert draw(audit="NET-1", sites=NETWORK, stage="surveillance", seed=1).picks != one.picks
    derived = draw(audit="NET-1", sites=NETWORK, stage="surveillance")
    assert derived.seed == derived_seed("NET-1", "surveillance") and derived.seed_derived
    assert derived.picks == draw(audit="NET-1", sites=NETWORK, stage="surveillance").picks
    assert derived_seed("NET-1", "surveillance") != derived_seed("NET-1", "renewal")


def test_the_cli_plan_is_reproducible_and_writes_nothing(tmp_path: Path) -> None:
    audit = tmp_path / "demo"
    shutil.copytree(FIXTURES / "demo", audit)
    before = (audit / "audit.toml").read_bytes()
    first = run("sample", audit, "--seed", "20261120")
    assert first.code == 0, first
    assert run("sample", audit, "--seed", "20261120").out == first.out
    assert "seed 20261120 (--seed)" in first.out
    assert "Nothing was written" in first.out
    assert (audit / "audit.toml").read_bytes() == before
    derived = run("sample", audit, "--lang", "fr")
    assert f"graine {derived_seed('2026-MTR-001', 'initial')}, dérivée de sha256" in derived.out, derived


# --- Writing [sampling] --------------------------------------------------------------------------


def test_write_keeps_every_comment_and_adds_the_table(tmp_path: Path) -> None:
    audit = tmp_path / "demo"
    shutil.copytree(FIXTURES / "demo", audit)
    before = (audit / "audit.toml").read_text("utf-8")
    result = run("sample", audit, "--seed", "20261120", "--require", "grenoble", "--write")
    assert result.code == 0, result
    after = (audit / "audit.toml").read_text("utf-8")
    assert after.startswith(before)  # the auditor's file, comments and layout, byte for byte
    added = tomllib.loads(after[len(before):])
    assert tomllib.loads(before) | added == tomllib.loads(after)
    sampling = added["sampling"]
    assert sampling["stage"] == "initial" and sampling["seed"] == 20261120
    picked = {p["site"] for p in sampling["picks"]}
    assert sampling["visited"] == [s for s in ("lyon", "grenoble", "valence") if s in picked]  # the audit's order
    assert [p["reason"] for p in sampling["picks"]] == ["required", "random"]
    assert sampling["picks"][0] == {"site": "grenoble", "reason": "required", "detail": "required (--require)"}
    assert len(picked) == len(sampling["picks"]) == 2
    assert "# Sites visited on site, drawn by `labelaudit sample` (IAF MD1): 2 of 3, stage initial." in after


def test_write_refuses_to_replace_a_plan_without_force(tmp_path: Path) -> None:
    audit = tmp_path / "demo"
    shutil.copytree(FIXTURES / "demo", audit)
    assert run("sample", audit, "--write").code == 0
    written = (audit / "audit.toml").read_bytes()
    refused = run("sample", audit, "--write", "--stage", "surveillance")
    assert refused.code == 2, refused
    assert "key sampling: the audit already has a [sampling] table: nothing was written (--force replaces it)" in refused.err
    assert (audit / "audit.toml").read_bytes() == written


def test_force_replaces_the_table_in_place(tmp_path: Path) -> None:
    """At the library level: a plan in the middle of the file is replaced where it stands, and
    the text before and after it stays byte for byte."""
    audit = tmp_path / "demo"
    shutil.copytree(FIXTURES / "demo", audit)
    file = audit / "audit.toml"
    sites = ["lyon", "grenoble", "valence"]
    write_plan(file, draw(audit="2026-MTR-001", sites=sites, stage="initial", seed=1), "en")
    text = file.read_text("utf-8")
    head, plan = text[: text.index("\n[sampling]")], text[text.index("\n[sampling]") :]
    body, tail = head[: head.index("[[exclusions]]")], head[head.index("[[exclusions]]") :]
    file.write_text(body + plan.lstrip("\n") + "\n" + tail, encoding="utf-8")  # the plan before [[exclusions]]
    write_plan(file, draw(audit="2026-MTR-001", sites=sites, stage="renewal", seed=2, extra=1), "fr", force=True)
    again = file.read_text("utf-8")
    assert again.startswith(body + "[sampling]\n") and again.endswith(tail)
    data = tomllib.loads(again)
    assert data["sampling"]["stage"] == "renewal" and data["sampling"]["seed"] == 2
    assert len(data["sampling"]["visited"]) == 3
    assert "jamais visité sur site" in again
    assert {k: v for k, v in data.items() if k != "sampling"} == {k: v for k, v in tomllib.loads(text).items() if k != "sampling"}


def test_force_on_the_command_line(tmp_path: Path) -> None:
    audit = tmp_path / "demo"
    shutil.copytree(FIXTURES / "demo", audit)
    assert run("sample", audit, "--write").code == 0
    replaced = run("sample", audit, "--write", "--force", "--stage", "renewal", "--extra", "1")
    assert replaced.code == 0, replaced
    assert tomllib.loads((audit / "audit.toml").read_text("utf-8"))["sampling"]["stage"] == "renewal"


# --- A 60-site network over a cycle, from real decision records ----------------------------------


class Network:
    """A 60-office network scored stage after stage: each audit visits the plan's sites."""

    def __init__(self, tmp_path: Path, minimal_scheme: Callable[..., Any], make_plugins: Callable[..., Any]) -> None:
        self.tmp_path = tmp_path
        self.scheme = minimal_scheme(
            sources={"onsite": "grid", "customer": {"kind": "survey", "min_sample": 5}}, items={"customer": ["Q1"]}
        )
        self.rulesets = [tmp_path / "schemes"]
        self.plugins = make_plugins()
        self.records: list[Path] = []

    def audit(self, number: int, kind: str) -> Path:
        folder = self.tmp_path / f"audit-{number:02d}"
        document = audit_document(
            "minimal",
            {"onsite": ["grid.toml"], "customer": {"files": ["customer.csv"], "site_column": "site", "columns": {"Q1": "Q1"}}},
            NETWORK,
        )
        document.update(id=f"NET-{number:02d}", kind=kind)
        folder.mkdir()
        (folder / "audit.toml").write_text(tomli_w.dumps(document), encoding="utf-8")
        return folder

    def score(self, folder: Path, visited: Sequence[str], findings: dict[str, dict[str, list[str]]], weak: str) -> Path:
        """The grid of the visited sites, ten answers per site (`weak` answers 1, others 4)."""
        grid = {
            "sites": [
                {"site": s, "criteria": [{"id": "onsite.1", "level": 3, "findings": findings.get(s, {})}]} for s in visited
            ]
        }
        (folder / "grid.toml").write_text(tomli_w.dumps(grid), encoding="utf-8")
        rows = ["site,Q1"] + [f"{s},{1 if s == weak else 4}" for s in NETWORK for _ in range(10)]
        (folder / "customer.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
        record = score_audit(folder, self.plugins, rulesets=self.rulesets).record
        path = self.tmp_path / f"{folder.name}.json"
        path.write_bytes(canonical_bytes(record))
        self.records.append(path)
        return path

    def history(self) -> History:
        loaded = [(p, load_record(p)) for p in self.records]
        return history_of(loaded, sites=NETWORK, scheme="minimal", onsite_sources=["onsite"])


@pytest.fixture
def network(tmp_path: Path, minimal_scheme: Callable[..., Any], make_plugins: Callable[..., Any]) -> Network:
    return Network(tmp_path, minimal_scheme, make_plugins)


def test_three_stages_prefer_sites_never_visited(network: Network) -> None:
    """Initial, surveillance, renewal through the command line, each with the earlier records."""
    rulesets = ["--rulesets", str(network.tmp_path / "schemes")]
    seen: set[str] = set()
    for number, stage in enumerate(("initial", "surveillance", "renewal"), start=1):
        folder = network.audit(number, stage)
        previous = [a for p in network.records for a in ("--previous", str(p))]
        result = run("sample", folder, "--seed", str(number), "--write", *previous, *rulesets)
        assert result.code == 0, result
        sampling = tomllib.loads((folder / "audit.toml").read_text("utf-8"))["sampling"]
        assert sampling["stage"] == stage and len(sampling["visited"]) == md1_size(60, stage)  # type: ignore[arg-type]
        risky = [p["site"] for p in sampling["picks"] if p["reason"] == "risk"]
        assert risky and not set(risky) & seen, (risky, seen)  # never-visited sites first
        assert all("never visited on site" in p["detail"] for p in sampling["picks"] if p["reason"] == "risk")
        if number > 1:
            assert f"{len(network.records)} earlier record(s), by decision date:" in result.out
        seen |= set(sampling["visited"])
        network.score(folder, sampling["visited"], {}, weak="")
    assert len(seen) >= 8 + 3 + 5  # the risk parts never repeated a site


def test_a_cycle_of_surveillances_visits_every_site(network: Network) -> None:
    plan = draw(audit="NET-01", sites=NETWORK, stage="initial", seed=11)
    major_site = plan.visited[0]
    network.score(network.audit(1, "initial"), plan.visited, {major_site: {"major": ["Accueil non assuré"]}}, weak="p42")
    seen = set(plan.visited)
    stages = 1
    while len(seen) < len(NETWORK):
        stages += 1
        history = network.history()
        plan = draw(audit=f"NET-{stages:02d}", sites=NETWORK, stage="surveillance", seed=stages, history=history)
        risky = [p for p in plan.picks if p.reason == "risk"]
        if stages == 2:  # the open major finding is checked first, then the weakest unvisited site
            assert risky[0].site == major_site and "open major non-conformities in NET-01: 1" in risky[0].detail.en
            assert "p42" in seen or risky[1].site == "p42", risky
        never = [s for s in NETWORK if history.sites[s].last_visit is None]
        fresh = [p.site for p in risky if history.sites[p.site].last_visit is None]
        assert len(fresh) >= min(len(never), len(risky) - (stages == 2)), (stages, risky)
        seen |= set(plan.visited)
        network.score(network.audit(stages, "surveillance"), plan.visited, {}, weak="")
        # 3 risk picks a surveillance, all never visited while any are left (one went to the major)
        assert stages <= 2 + math.ceil((60 - 8 - 2) / 3)
    assert seen == set(NETWORK)


def test_history_reads_visits_findings_and_weakest_results(network: Network) -> None:
    network.score(network.audit(1, "initial"), ["p01", "p02"], {"p02": {"minor": ["a", "b"], "major": ["c"]}}, weak="")
    network.score(network.audit(2, "surveillance"), ["p01"], {}, weak="p03")
    history = network.history()
    assert [r.audit for r in history.records] == ["NET-01", "NET-02"]
    assert history.sites["p01"].visits == 2 and history.sites["p01"].last_visit == "NET-02"
    p02 = history.sites["p02"]
    assert (p02.last_visit, p02.open_major, p02.open_minor, p02.findings_in) == ("NET-01", 1, 2, "NET-01")
    assert history.sites["p03"].last_visit is None
    assert history.sites["p03"].weakest is not None and history.sites["p03"].weakest.audit == "NET-02"
    assert history.sites["p03"].weakest.value == 0  # every answer 1 on the mean's curve from 1 to 5
    assert history.sites["p04"].weakest == Weakest("customer", Fraction(3, 4), "NET-02")  # answers of 4
    # the major found at p02 stays open: p02 was not visited again, nobody checked its correction
    plan = draw(audit="NET-03", sites=NETWORK, stage="surveillance", seed=3, history=history)
    risky = plan.by_reason("risk")
    assert [p.site for p in plan.by_reason("random")] == random.Random(3).sample(NETWORK, 2)
    assert "p03" not in {p.site for p in plan.by_reason("random")}  # so the ranking must place it
    assert risky[0].site == "p02" and risky[1].site == "p03"
    assert risky[1].detail is not None
    assert risky[1].detail.en == "never visited on site; weakest result: customer 0.0% in NET-02"
    assert risky[1].detail.fr == "jamais visité sur site ; résultat le plus faible : customer 0,0\u00a0% dans NET-02"


def test_the_documented_table_is_what_write_writes(tmp_path: Path) -> None:
    doc = (FIXTURES.parent / "docs" / "cycle.md").read_text("utf-8")
    block = doc[doc.index("```toml\n[sampling]") + len("```toml\n") :]
    block = block[: block.index("```")]
    audit = tmp_path / "demo"
    shutil.copytree(FIXTURES / "demo", audit)
    assert run("sample", audit, "--seed", "20261120", "--write").code == 0
    assert (audit / "audit.toml").read_text("utf-8").endswith("\n" + block)


def test_a_record_of_another_organisation_is_noted_and_read(tmp_path: Path) -> None:
    import json

    record = tmp_path / "other.json"
    assert run("score", FIXTURES / "demo", "-o", record).code == 0
    data = json.loads(record.read_text("utf-8"))
    data["audit"]["organisation"] = "Mutuelle des Deux Rivières"
    record.write_bytes(canonical_bytes(data))
    result = run("sample", FIXTURES / "demo", "--stage", "surveillance", "--previous", record, "--extra", "1")
    assert result.code == 0, result
    assert f"note: {record} is a record of Mutuelle des Deux Rivières, the audit is of Mutuelle des Trois Rivières" in result.err
    assert "  +1 site(s) added for risk (--extra)" in result.out.splitlines()
    # valence has the demo's one open minor finding and its weakest customer result: first by risk
    risk = [line.split() for line in result.out.splitlines() if line.split()[1:2] == ["risk"]]
    assert risk[0][0] == "valence" and "open minor non-conformities in 2026-MTR-001: 1" in " ".join(risk[0])


# --- Covering the cycle ---------------------------------------------------------------------------


def covered_cycle(seed_of: Callable[[int], int], audits: int = 3) -> list[SamplingPlan]:
    """One cycle of `audits` plans over NETWORK with --cover-cycle, each seen by the next."""
    plans: list[SamplingPlan] = []
    for number in range(audits):
        seen = {s for p in plans for s in p.visited}
        cover = Cover(tuple(s for s in NETWORK if s not in seen), audits - number, audits)
        stage = "initial" if number == 0 else "surveillance"
        plans.append(draw(audit=f"NET-{number}", sites=NETWORK, stage=stage, seed=seed_of(number), cover=cover))
    return plans


def test_a_covered_cycle_visits_every_site_with_the_smallest_sizes_that_do() -> None:
    for seed in range(40):
        plans = covered_cycle(lambda n: seed * 10 + n)
        assert {s for p in plans for s in p.visited} == set(NETWORK), seed
        for plan in plans:
            assert plan.cover is not None and plan.unseen_visited >= plan.cover.target
            assert plan.size >= plan.rule_size and len(plan.by_reason("random")) == random_part(plan.size)
            if plan.size > plan.rule_size:  # one site fewer would not have been enough
                asked = sampling._Asked(plan.audit, tuple(NETWORK), plan.stage, plan.seed, False, 0, (), None, plan.cover)
                assert sampling._plan(asked, plan.size - 1).unseen_visited < plan.cover.target
        assert plans[0].size == 20  # ⌈60/3⌉ sites, all unseen: the random quarter cannot repeat


def test_the_last_audit_of_a_cycle_takes_every_site_left() -> None:
    cover = Cover(tuple(NETWORK[:17]), 1, 3)
    plan = draw(audit="NET-2", sites=NETWORK, stage="surveillance", seed=5, cover=cover)
    assert set(NETWORK[:17]) <= set(plan.visited)
    risky = [p.site for p in plan.by_reason("risk")]
    assert set(risky) <= set(NETWORK[:17])  # the risk part goes to the unseen sites only
    assert plan.size == 17 + sum(1 for p in plan.by_reason("random") if p.site not in NETWORK[:17])


def test_a_cycle_has_the_audits_the_register_calls_for() -> None:
    assert audits_in_cycle(3, 12) == 3  # initial, surveillances at 12 and 24 months
    assert audits_in_cycle(3, 6) == 6
    assert audits_in_cycle(1, 12) == 1
    assert audits_in_cycle(5, 18) == 4  # 18, 36, 54 months


def test_the_cycle_starts_at_the_latest_initial_audit_or_renewal() -> None:
    def record(audit: str, kind: str) -> EarlierRecord:
        return EarlierRecord(audit, "2026-01-01", f"{audit}.json", (), "sampling", kind)

    records = (record("A", "initial"), record("B", "surveillance"), record("C", "renewal"), record("D", "surveillance"))
    history = History(records, {})
    assert current_cycle(history, "surveillance") == records[2:]
    assert current_cycle(history, "renewal") == ()
    assert current_cycle(History(records[1:2], {}), "surveillance") is None
    assert current_cycle(None, "initial") == ()


def test_cover_cycle_needs_the_record_that_started_the_cycle(tmp_path: Path) -> None:
    audit = tmp_path / "demo"
    shutil.copytree(FIXTURES / "demo", audit)
    result = run("sample", audit, "--stage", "surveillance", "--cover-cycle", "--lang", "fr")
    assert result.code == 2
    assert "--cover-cycle" in result.err and "audit initial ou renouvellement" in result.err
    assert "Traceback" not in result.err
    shown = run("sample", audit, "--cover-cycle", "--seed", "4", "--write")
    assert shown.code == 0 and "covering the cycle: 3 of 3 site(s) not yet visited in it" in shown.out
    table = tomllib.loads((audit / "audit.toml").read_text("utf-8"))["sampling"]
    assert table["cover"] == {"unseen": 3, "audits_left": 3, "audits_in_cycle": 3}
    assert (table["rule"], table["size"]) == (2, 2)
