"""A whole certification cycle of a 60-agency network, driven through the real commands.

The certification body audits the Mutuelle du Val de Saône (fixtures/cycle/make_cycle.py) over
the three years of its label: the initial audit (2026), two surveillance audits (2027, 2028) and
the renewal (2029). At each audit it draws the agencies to visit (`sample --write`, the
surveillances and the renewal reading the earlier decision records), writes the blank grid of
the visited agencies (`grid --audit`), the auditors fill it in, and it scores the audit
(`score`). The committee (a roster with keys: `member keygen`, `member add`) decides each
record in a signed session (`review --open`, `--vote`, `--close`) and registers it (`register
add`, with `--label` for the later audits). Surveillance 1 finds a major non-conformity: the
surveillance fails, the committee suspends the label with a deadline (`label suspend`), then
reinstates it once the corrective actions are checked (`label reinstate`).

The cycle runs once (the module's fixture `cycle`), as a sequence of named steps, each with the
day it happens on (the commands' clock is set to it) and what `register due` and `label show`
said then; the tests below check one thing each. Sixty sites cannot all be seen in four audits
of IAF MD1's minimum size (8 + 5 + 5 + 7 = 25 visits), so the rotation is checked as the sample
promises it (docs/cycle.md): the risk-based part takes an open major finding first and then
only sites never visited, the weakest of them by their survey results; only the random quarter
may see a site again; and the number of distinct sites seen is exactly 25 less the second
visits these allow (a random pick of a site already seen, the return to the major's site).
"""

from __future__ import annotations

import contextvars
import datetime as dt
import importlib.util
import io
import json
import re
import sys
import tomllib
from collections.abc import Iterator
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

import labelaudit.cli
from labelaudit.committee import commands, label_commands, register_commands
from labelaudit.cycle.sampling import md1_size, random_part

REPO = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("make_cycle", REPO / "fixtures" / "cycle" / "make_cycle.py")
assert _spec is not None and _spec.loader is not None
make_cycle = importlib.util.module_from_spec(_spec)
sys.modules["make_cycle"] = make_cycle
_spec.loader.exec_module(make_cycle)

LABEL = "2026-MVS-001"
AUDITS = {a.id: a for a in make_cycle.AUDITS}
INITIAL, SURVEILLANCE_1, SURVEILLANCE_2, RENEWAL = AUDITS
HORIZON = "2033-12-31"  # `register due --before`: every audit a cycle can call for
CHAIR = "hvasseur"
MEMBERS = ("aroux", "pmartin", "jmartin")
ROSTER = (("hvasseur", "Hélène Vasseur", ("chair", "member")), ("aroux", "Anne Roux", ("member",)),
          ("pmartin", "Pierre Martin", ("member",)), ("jmartin", "Jeanne Martin", ("member",)))
AUDITORS = (("cdubois", "Claire Dubois"), ("mlefevre", "Marc Lefèvre"), ("sgarnier", "Sophie Garnier"))
SUSPENSION_REASON = "non-conformité majeure à l'agence visitée en 2027 (réclamations non enregistrées)"
REINSTATEMENT_REASON = "actions correctives vérifiées sur pièces : registre des réclamations rétabli"

# The committee's days: each session a few days after the record's decision date.
SESSIONS = {INITIAL: dt.date(2026, 12, 1), SURVEILLANCE_1: dt.date(2027, 11, 18),
            SURVEILLANCE_2: dt.date(2028, 11, 16), RENEWAL: dt.date(2029, 11, 8)}
SUSPENDED_ON, SUSPENDED_UNTIL, REINSTATED_ON = dt.date(2027, 11, 25), dt.date(2028, 3, 31), dt.date(2028, 3, 20)


@dataclass
class Step:
    """One step of the cycle: its day, and what the register and the label said that day."""

    name: str
    today: dt.date
    due: list[str] = field(default_factory=list)  # `register due --before HORIZON`, one line an audit
    label: list[str] = field(default_factory=list)  # `label show LABEL`


@dataclass
class Cycle:
    root: Path
    steps: dict[str, Step] = field(default_factory=dict)
    records: dict[str, Path] = field(default_factory=dict)  # audit id → decision record
    sampling: dict[str, dict[str, Any]] = field(default_factory=dict)  # audit id → its [sampling] table
    sample_out: dict[str, str] = field(default_factory=dict)  # audit id → what `sample` printed
    grids: dict[str, list[str]] = field(default_factory=dict)  # audit id → the sites of its blank grid
    today: dt.date = dt.date(2026, 1, 5)

    @property
    def db(self) -> Path:
        return self.root / "register.sqlite"

    def run(self, *args: str | Path) -> tuple[int, str, str]:
        """`labelaudit ARGS` in this process (so that its clock is the cycle's day)."""
        out, err = io.StringIO(), io.StringIO()
        with redirect_stdout(out), redirect_stderr(err):
            try:
                code = contextvars.copy_context().run(labelaudit.cli.main, [str(a) for a in args])
            except SystemExit as exc:  # an argparse usage error
                code = int(exc.code or 0)
        return code, out.getvalue(), err.getvalue()

    def ok(self, *args: str | Path) -> str:
        code, out, err = self.run(*args)
        assert code == 0, (args, out, err)
        return out

    def key(self, member: str) -> Path:
        return self.root / "keys" / f"{member}.key"

    def step(self, name: str, today: dt.date) -> None:
        """What the register says on `today`, after the step's commands ran."""
        self.today = today
        due = self.ok("register", "due", "--before", HORIZON, "--register", self.db).splitlines()
        label = self.ok("label", "show", LABEL, "--register", self.db).splitlines() if self.records else []
        self.steps[name] = Step(name, today, due, label)

    # -- the certification body's acts --

    def audit(self, audit_id: str) -> Path:
        """An audit from its plan to its record: folder, sample, blank grid, filled grid, score."""
        audit = AUDITS[audit_id]
        self.today = audit.decision
        folder = self.root / audit_id
        folder.mkdir()
        make_cycle.write_audit(folder, audit)
        previous = [a for r in self.records.values() for a in ("--previous", r)]
        self.sample_out[audit_id] = self.ok("sample", folder, "--stage", audit.kind, *previous, "--write")
        self.sampling[audit_id] = tomllib.loads((folder / "audit.toml").read_text("utf-8"))["sampling"]
        self.ok("grid", "--audit", folder, "-o", folder / make_cycle.GRID)
        self.grids[audit_id] = make_cycle.fill_grid(folder, audit)
        record = self.root / f"{audit_id}.json"
        self.ok("score", folder, "-o", record)
        self.records[audit_id] = record
        return record

    def register(self, audit_id: str) -> str:
        label = () if audit_id == INITIAL else ("--label", LABEL)
        return self.ok("register", "add", self.records[audit_id], *label, "--register", self.db)

    def session(self, audit_id: str) -> None:
        """The chair opens, three members confirm the proposal, the chair closes."""
        record, on = self.records[audit_id], SESSIONS[audit_id].isoformat()
        self.today = SESSIONS[audit_id]
        common = ("--on", on, "--register", self.db)
        self.ok("review", record, "--open", "--chair", CHAIR, "--key", self.key(CHAIR), *common)
        for member in MEMBERS:
            self.ok("review", record, "--vote", "confirm", "--member", member, "--key", self.key(member), *common)
        self.ok("review", record, "--close", "--chair", CHAIR, "--key", self.key(CHAIR), *common)

    def label_act(self, verb: str, on: dt.date, *options: str) -> str:
        self.today = on
        return self.ok("label", verb, LABEL, *options, "--on", on.isoformat(), "--member", CHAIR,
                       "--key", self.key(CHAIR), "--register", self.db)


def run_cycle(cycle: Cycle) -> None:
    # The committee's roster: a chair and three members with their own keys, the auditors without.
    (cycle.root / "keys").mkdir()
    for member, name, roles in ROSTER:
        cycle.ok("member", "keygen", "--id", member, "-o", cycle.key(member))
        role_options = [a for r in roles for a in ("--role", r)]
        cycle.ok("member", "add", member, "--name", name, *role_options, "--public-key", f"{cycle.key(member)}.pub",
                 "--since", "2026-01-01", "--register", cycle.db)
    for member, name in AUDITORS:
        cycle.ok("member", "add", member, "--name", name, "--role", "auditor", "--no-key", "--since", "2026-01-01",
                 "--register", cycle.db)
    cycle.step("roster", dt.date(2026, 1, 5))

    for audit_id in AUDITS:
        cycle.audit(audit_id)
        cycle.register(audit_id)  # registered, not decided yet
        cycle.step(f"{audit_id} scored", AUDITS[audit_id].decision)
        cycle.session(audit_id)
        cycle.register(audit_id)  # brings in the session's entries
        cycle.step(f"{audit_id} decided", SESSIONS[audit_id])
        if audit_id == SURVEILLANCE_1:  # the surveillance failed: suspended, then reinstated
            until = ("--until", SUSPENDED_UNTIL.isoformat(), "--reason", SUSPENSION_REASON)
            cycle.label_act("suspend", SUSPENDED_ON, *until)
            cycle.step("suspended", SUSPENDED_ON)
            cycle.label_act("reinstate", REINSTATED_ON, "--reason", REINSTATEMENT_REASON)
            cycle.step("reinstated", REINSTATED_ON)


@pytest.fixture(scope="module")
def cycle(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cycle]:
    """The whole cycle, run once; the commands' clock is the day of the step being run."""
    found = Cycle(tmp_path_factory.mktemp("cycle"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LABELAUDIT_LANG", "en")
        patch.delenv("LABELAUDIT_REGISTER", raising=False)
        for module in (commands, label_commands, register_commands):
            patch.setattr(module, "_today", lambda: found.today)
        run_cycle(found)
        yield found


STEPS = ["roster", *(f"{a} {what}" for a in AUDITS for what in ("scored", "decided"))]
STEPS.insert(STEPS.index(f"{SURVEILLANCE_1} decided") + 1, "suspended")
STEPS.insert(STEPS.index("suspended") + 1, "reinstated")


def test_the_cycle_ran_every_step_in_order(cycle: Cycle) -> None:
    assert list(cycle.steps) == STEPS
    days = [s.today for s in cycle.steps.values()]
    assert days == sorted(days)


# --- the sampling plans -------------------------------------------------------------------------


def picks(cycle: Cycle, audit_id: str, reason: str) -> list[str]:
    return [p["site"] for p in cycle.sampling[audit_id]["picks"] if p["reason"] == reason]


def visits(cycle: Cycle) -> dict[str, list[str]]:
    return {a: list(cycle.sampling[a]["visited"]) for a in AUDITS}


def test_each_plan_has_iaf_md1_size_and_a_random_quarter(cycle: Cycle) -> None:
    sizes = {a: len(v) for a, v in visits(cycle).items()}
    assert sizes == {INITIAL: 8, SURVEILLANCE_1: 5, SURVEILLANCE_2: 5, RENEWAL: 7}
    for audit_id, audit in AUDITS.items():
        plan = cycle.sampling[audit_id]
        assert plan["stage"] == audit.kind and len(plan["visited"]) == md1_size(60, audit.kind)
        assert len(picks(cycle, audit_id, "random")) == random_part(len(plan["visited"])) == 2
        assert len(picks(cycle, audit_id, "risk")) == len(plan["visited"]) - 2
    assert "1 earlier record(s), by decision date:" in cycle.sample_out[SURVEILLANCE_1]
    assert "3 earlier record(s), by decision date:" in cycle.sample_out[RENEWAL]


def test_the_blank_grid_and_the_record_hold_exactly_the_visited_sites(cycle: Cycle) -> None:
    for audit_id, visited in visits(cycle).items():
        assert cycle.grids[audit_id] == visited  # `grid --audit` wrote the plan's sites, in the audit's order
        record = json.loads(cycle.records[audit_id].read_text("utf-8"))
        assert [s["id"] for s in record["sites"] if s["visited"]] == visited
        assert len(record["sites"]) == 60  # every agency is scored, on its surveys at least


def weakest(record: dict[str, Any]) -> dict[str, Fraction]:
    """Each site's lowest attainment from a source other than the on-site grid, in one record."""
    found = {}
    for site in record["sites"]:
        values = [Fraction(s["exact"]) for name, s in site["sources"].items() if name != "onsite" and s["exact"]]
        if values:
            found[site["id"]] = min(values)
    return found


def test_the_open_major_finding_is_checked_first_at_the_next_audit(cycle: Cycle) -> None:
    record = json.loads(cycle.records[SURVEILLANCE_1].read_text("utf-8"))
    (major,) = [f for f in record["findings"] if f["kind"] == "major"]
    assert major["site"] == make_cycle.major_site(AUDITS[SURVEILLANCE_1], visits(cycle)[SURVEILLANCE_1])
    assert record["outcome"]["status"] == "refused"
    first = cycle.sampling[SURVEILLANCE_2]["picks"][2]  # after the two random picks
    assert (first["site"], first["reason"]) == (major["site"], "risk")
    assert f"open major non-conformities in {SURVEILLANCE_1}: 1" in first["detail"]


def test_the_risk_part_takes_only_sites_never_visited_the_weakest_first(cycle: Cycle) -> None:
    """No site is seen twice by risk while others were never seen, but for the major's check;
    among those never seen, no site picked has a better survey result than one left."""
    seen: set[str] = set()
    results: dict[str, Fraction] = {}  # each site's weakest result in the latest record having one
    for audit_id in AUDITS:
        risky = picks(cycle, audit_id, "risk")
        rechecked = risky[:1] if audit_id == SURVEILLANCE_2 else []  # the open major (test above)
        fresh = [s for s in risky if s not in rechecked]
        assert not set(fresh) & seen, (audit_id, sorted(set(fresh) & seen))
        if audit_id != INITIAL:  # the initial audit knows no result yet: the seed's order decides
            left = {a.id for a in make_cycle.AGENCIES} - seen - set(cycle.sampling[audit_id]["visited"])
            assert max(results[s] for s in fresh) <= min(results[s] for s in left)
            assert all("never visited on site; weakest result: " in d["detail"]
                       for d in cycle.sampling[audit_id]["picks"] if d["site"] in fresh)
        seen |= set(cycle.sampling[audit_id]["visited"])
        results |= weakest(json.loads(cycle.records[audit_id].read_text("utf-8")))


def test_sites_seen_over_the_cycle_are_every_visit_but_the_repeats_the_sample_allows(cycle: Cycle) -> None:
    """25 visits in all; a site is seen a second time only when the random quarter draws it again,
    or to check the correction of its open major finding: so exactly 25 less those are seen."""
    seen: set[str] = set()
    again = []
    for audit_id, visited in visits(cycle).items():
        reasons = {p["site"]: p["reason"] for p in cycle.sampling[audit_id]["picks"]}
        never = 60 - len(seen)
        if audit_id != INITIAL:  # what `sample` said it read from the earlier records
            assert f"{never} of 60 site(s) never visited on site" in cycle.sample_out[audit_id]
        again += [(audit_id, s, reasons[s]) for s in visited if s in seen]
        seen |= set(visited)
    major = picks(cycle, SURVEILLANCE_2, "risk")[0]
    assert all(reason == "random" or (audit_id, site) == (SURVEILLANCE_2, major) for audit_id, site, reason in again)
    assert len(seen) == 25 - len(again)
    # This cycle (its seeds are derived from the audit ids): surveillance 1's and the renewal's
    # random quarters each drew an agency already seen, surveillance 2 went back to the major's.
    assert again == [(SURVEILLANCE_1, "givry", "random"), (SURVEILLANCE_2, "digoin", "risk"),
                     (RENEWAL, "buxy", "random")]
    assert len(seen) == 22  # 38 agencies are left for the next cycle, never visited on site


# --- what is due, and the label's state, at each step -------------------------------------------


def test_register_due_at_each_step(cycle: Cycle) -> None:
    first = ("granted — Confirmed", "November 20, 2029")
    renewed = ("granted — Confirmed", "October 30, 2032")

    def row(day: str, what: str, audit: str, decision: tuple[str, str]) -> list[str]:
        return [day, what, audit, make_cycle.ORGANISATION, decision[0], f"valid until {decision[1]}"]

    cycle_1 = [row("Nov 20, 2027", "surveillance 1/2", INITIAL, first), row("Nov 20, 2028", "surveillance 2/2", INITIAL, first),
               row("Nov 20, 2029", "renewal", INITIAL, first)]
    cycle_2 = [row("Oct 30, 2030", "surveillance 1/2", RENEWAL, renewed), row("Oct 30, 2031", "surveillance 2/2", RENEWAL, renewed),
               row("Oct 30, 2032", "renewal", RENEWAL, renewed)]
    nothing = [["Nothing is due on or before December 31, 2033."]]  # HORIZON, as the reader reads a date
    expected = {
        "roster": nothing,
        f"{INITIAL} scored": nothing,  # registered, not decided: no label runs yet
        f"{INITIAL} decided": cycle_1,
        f"{SURVEILLANCE_1} scored": cycle_1,  # registered but not decided: still due
        f"{SURVEILLANCE_1} decided": cycle_1[1:],  # decided (failed): done
        "suspended": cycle_1[1:],
        "reinstated": cycle_1[1:],
        f"{SURVEILLANCE_2} scored": cycle_1[1:],
        f"{SURVEILLANCE_2} decided": cycle_1[2:],
        f"{RENEWAL} scored": cycle_1[2:],
        f"{RENEWAL} decided": cycle_2,  # the renewal starts the next cycle
    }
    found = {name: [re.split(" {2,}", line.strip()) for line in step.due] for name, step in cycle.steps.items()}
    assert found == expected


def test_label_show_at_each_step(cycle: Cycle) -> None:
    granted = f"  Dec 1, 2026  granted ({CHAIR}) — Confirmed valid until November 20, 2029  [{INITIAL}]"
    failed = f"  Nov 18, 2027  surveillance failed ({CHAIR})  [{SURVEILLANCE_1}]"
    suspended = f"  Nov 25, 2027  suspended ({CHAIR}) — until March 31, 2028: {SUSPENSION_REASON}  [event 1]"
    reinstated = f"  Mar 20, 2028  reinstated ({CHAIR}) — {REINSTATEMENT_REASON}  [event 2]"
    passed = f"  Nov 16, 2028  surveillance passed ({CHAIR}) — Committed  [{SURVEILLANCE_2}]"
    renewed = f"  Nov 8, 2029  renewed ({CHAIR}) — Confirmed valid until October 30, 2032  [{RENEWAL}]"
    head = f"Label {LABEL}: "
    expected = {
        "roster": [],
        f"{INITIAL} scored": [head + "not granted"],
        f"{INITIAL} decided": [head + "active", granted],
        f"{SURVEILLANCE_1} scored": [head + "active", granted],
        f"{SURVEILLANCE_1} decided": [head + "active", granted, failed],
        "suspended": [head + "suspended", granted, failed, suspended],
        "reinstated": [head + "active", granted, failed, suspended, reinstated],
        f"{SURVEILLANCE_2} scored": [head + "active", granted, failed, suspended, reinstated],
        f"{SURVEILLANCE_2} decided": [head + "active", granted, failed, suspended, reinstated, passed],
        f"{RENEWAL} scored": [head + "active", granted, failed, suspended, reinstated, passed],
        f"{RENEWAL} decided": [head + "active", granted, failed, suspended, reinstated, passed, renewed],
    }
    assert {name: step.label for name, step in cycle.steps.items()} == expected


# --- the generator ------------------------------------------------------------------------------


def test_the_generator_writes_the_same_bytes_every_time(cycle: Cycle, tmp_path: Path) -> None:
    audit = AUDITS[SURVEILLANCE_1]
    for name in ("a", "b"):
        folder = tmp_path / name
        folder.mkdir()
        make_cycle.write_audit(folder, audit)
        (folder / make_cycle.GRID).write_bytes((cycle.root / SURVEILLANCE_1 / make_cycle.GRID).read_bytes())
        make_cycle.fill_grid(folder, audit)  # reads the sites of the grid it is given, fills them
    for path in ("audit.toml", make_cycle.GRID, make_cycle.CUSTOMER_FILE, make_cycle.EMPLOYEE_FILE):
        assert (tmp_path / "a" / path).read_bytes() == (tmp_path / "b" / path).read_bytes(), path
    assert (tmp_path / "a" / make_cycle.GRID).read_bytes() == (cycle.root / SURVEILLANCE_1 / make_cycle.GRID).read_bytes()
    rows = (tmp_path / "a" / make_cycle.CUSTOMER_FILE).read_text("utf-8").splitlines()[1:]
    assert 60 * 30 <= len(rows) <= 60 * 36  # 30 to 36 customers an agency


def test_the_standalone_script_gives_the_same_plans_and_records(cycle: Cycle, tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    assert make_cycle.main([str(tmp_path / "out")]) == 0
    capsys.readouterr()
    for audit_id in AUDITS:
        written = tomllib.loads((tmp_path / "out" / audit_id / "audit.toml").read_text("utf-8"))["sampling"]
        assert written == cycle.sampling[audit_id]
        ours = json.loads(cycle.records[audit_id].read_text("utf-8"))
        theirs = json.loads((tmp_path / "out" / f"{audit_id}.json").read_text("utf-8"))
        assert theirs["outcome"] == ours["outcome"]
