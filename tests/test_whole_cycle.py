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
reinstates it once the corrective actions are checked (`label reinstate`). In between, the
mutual appeals the failed surveillance (`appeal lodge`); members who took no part in that
decision hear it (a member who voted on it is refused) and uphold it (`appeal vote`, `appeal
close`). At every step the certification body writes the public directory (`register directory`).

The cycle runs once (the module's fixture `cycle`), as a sequence of named steps, each with the
day it happens on (the commands' clock is set to it) and what `register due` and `label show`
said then; the tests below check one thing each. Every sample is drawn with `--cover-cycle`:
IAF MD1's minimum sizes alone (8 + 5 + 5 visits for 60 sites) cannot see every site within a
cycle, so each plan is raised to visit its share of the agencies not yet seen in the cycle
(docs/cycle.md), and the first cycle ends with all 60 seen.
"""

from __future__ import annotations

import contextvars
import csv
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
from labelaudit.committee import appeal_commands, commands, label_commands, register_commands
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
          ("pmartin", "Pierre Martin", ("member",)), ("jmartin", "Jeanne Martin", ("member",)),
          ("lbernard", "Lucie Bernard", ("chair", "member")), ("tmoreau", "Thomas Moreau", ("member",)),
          ("ngirard", "Nadia Girard", ("member",)))
APPEAL_PANEL = ("lbernard", "tmoreau", "ngirard")  # took no part in the decision appealed
APPEAL_GROUNDS = "la non-conformité relevée concerne une seule agence sur soixante"
APPEAL_RATIONALE = "le registre des réclamations de l'agence était bien interrompu : la décision est fondée"
AUDITORS = (("cdubois", "Claire Dubois"), ("mlefevre", "Marc Lefèvre"), ("sgarnier", "Sophie Garnier"))
SUSPENSION_REASON = "non-conformité majeure à l'agence visitée en 2027 (réclamations non enregistrées)"
REINSTATEMENT_REASON = "actions correctives vérifiées sur pièces : registre des réclamations rétabli"

# The committee's days: each session a few days after the record's decision date.
SESSIONS = {INITIAL: dt.date(2026, 12, 1), SURVEILLANCE_1: dt.date(2027, 11, 18),
            SURVEILLANCE_2: dt.date(2028, 11, 16), RENEWAL: dt.date(2029, 11, 8)}
SUSPENDED_ON, SUSPENDED_UNTIL, REINSTATED_ON = dt.date(2027, 11, 25), dt.date(2028, 3, 31), dt.date(2028, 3, 20)
APPEALED_ON, APPEAL_HEARD_ON, APPEAL_CLOSED_ON = dt.date(2027, 12, 6), dt.date(2028, 1, 17), dt.date(2028, 1, 24)


@dataclass
class Step:
    """One step of the cycle: its day, and what the register and the label said that day."""

    name: str
    today: dt.date
    due: list[str] = field(default_factory=list)  # `register due --before HORIZON`, one line an audit
    label: list[str] = field(default_factory=list)  # `label show LABEL`
    directory: list[dict[str, str]] = field(default_factory=list)  # `register directory --csv`, its rows


@dataclass
class Cycle:
    root: Path
    steps: dict[str, Step] = field(default_factory=dict)
    records: dict[str, Path] = field(default_factory=dict)  # audit id → decision record
    sampling: dict[str, dict[str, Any]] = field(default_factory=dict)  # audit id → its [sampling] table
    sample_out: dict[str, str] = field(default_factory=dict)  # audit id → what `sample` printed
    grids: dict[str, list[str]] = field(default_factory=dict)  # audit id → the sites of its blank grid
    appeal_votes: dict[str, tuple[int, str, str]] = field(default_factory=dict)  # member → (code, out, err)
    appeal_closed: str = ""
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
        listing = self.root / "directory" / f"{len(self.steps):02d}.csv"
        listing.parent.mkdir(exist_ok=True)
        self.ok("register", "directory", "--csv", listing, "--register", self.db)
        with listing.open(encoding="utf-8", newline="") as rows:
            directory = list(csv.DictReader(rows))
        self.steps[name] = Step(name, today, due, label, directory)

    # -- the certification body's acts --

    def audit(self, audit_id: str) -> Path:
        """An audit from its plan to its record: folder, sample, blank grid, filled grid, score."""
        audit = AUDITS[audit_id]
        self.today = audit.decision
        folder = self.root / audit_id
        folder.mkdir()
        make_cycle.write_audit(folder, audit)
        previous = [a for r in self.records.values() for a in ("--previous", r)]
        self.sample_out[audit_id] = self.ok("sample", folder, "--stage", audit.kind, *previous, "--cover-cycle", "--write")
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

    def appeal(self) -> None:
        """The mutual appeals the failed surveillance; an independent panel hears it and upholds it."""
        self.today = APPEALED_ON
        self.ok("appeal", "lodge", SURVEILLANCE_1, "--by", make_cycle.ORGANISATION, "--grounds", APPEAL_GROUNDS,
                "--member", CHAIR, "--key", self.key(CHAIR), "--on", APPEALED_ON.isoformat(), "--register", self.db)
        self.step("appeal lodged", APPEALED_ON)
        self.today = APPEAL_HEARD_ON
        for member in (MEMBERS[0], *APPEAL_PANEL):  # the first voted on the decision: refused
            self.appeal_votes[member] = self.run("appeal", "vote", "1", "--uphold", "--rationale", APPEAL_RATIONALE,
                                                 "--member", member, "--key", self.key(member),
                                                 "--on", APPEAL_HEARD_ON.isoformat(), "--register", self.db)
        self.today = APPEAL_CLOSED_ON
        self.appeal_closed = self.ok("appeal", "close", "1", "--chair", APPEAL_PANEL[0], "--key", self.key(APPEAL_PANEL[0]),
                                     "--on", APPEAL_CLOSED_ON.isoformat(), "--register", self.db)
        self.step("appeal closed", APPEAL_CLOSED_ON)

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
            cycle.appeal()
            cycle.label_act("reinstate", REINSTATED_ON, "--reason", REINSTATEMENT_REASON)
            cycle.step("reinstated", REINSTATED_ON)


@pytest.fixture(scope="module")
def cycle(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cycle]:
    """The whole cycle, run once; the commands' clock is the day of the step being run."""
    found = Cycle(tmp_path_factory.mktemp("cycle"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LABELAUDIT_LANG", "en")
        patch.delenv("LABELAUDIT_REGISTER", raising=False)
        for module in (appeal_commands, commands, label_commands, register_commands):
            patch.setattr(module, "_today", lambda: found.today)
        run_cycle(found)
        yield found


STEPS = ["roster", *(f"{a} {what}" for a in AUDITS for what in ("scored", "decided"))]
STEPS.insert(STEPS.index(f"{SURVEILLANCE_1} decided") + 1, "suspended")
STEPS.insert(STEPS.index("suspended") + 1, "appeal lodged")
STEPS.insert(STEPS.index("appeal lodged") + 1, "appeal closed")
STEPS.insert(STEPS.index("appeal closed") + 1, "reinstated")


def test_the_cycle_ran_every_step_in_order(cycle: Cycle) -> None:
    assert list(cycle.steps) == STEPS
    days = [s.today for s in cycle.steps.values()]
    assert days == sorted(days)


# --- the sampling plans -------------------------------------------------------------------------


def picks(cycle: Cycle, audit_id: str, reason: str) -> list[str]:
    return [p["site"] for p in cycle.sampling[audit_id]["picks"] if p["reason"] == reason]


def visits(cycle: Cycle) -> dict[str, list[str]]:
    return {a: list(cycle.sampling[a]["visited"]) for a in AUDITS}


def test_each_plan_covers_its_share_of_the_cycle_above_iaf_md1_with_a_random_quarter(cycle: Cycle) -> None:
    seen: set[str] = set()
    for number, (audit_id, audit) in enumerate(AUDITS.items()):
        plan = cycle.sampling[audit_id]
        if audit.kind == "renewal":
            seen = set()  # the renewal starts the next cycle
        unseen = [a.id for a in make_cycle.AGENCIES if a.id not in seen]
        left = 3 - (number if audit.kind != "renewal" else 0)
        assert plan["cover"] == {"unseen": len(unseen), "audits_left": left, "audits_in_cycle": 3}
        assert plan["stage"] == audit.kind and plan["rule"] == md1_size(60, audit.kind) < plan["size"]
        assert plan["size"] == len(plan["visited"])
        assert len(picks(cycle, audit_id, "random")) == random_part(plan["size"])
        assert len(set(plan["visited"]) & set(unseen)) >= -(-len(unseen) // left)
        seen |= set(plan["visited"])
    sizes = {a: cycle.sampling[a]["size"] for a in AUDITS}
    assert sizes == {INITIAL: 20, SURVEILLANCE_1: 20, SURVEILLANCE_2: 26, RENEWAL: 20}  # this cycle's seeds
    assert "1 earlier record(s), by decision date:" in cycle.sample_out[SURVEILLANCE_1]
    assert "3 earlier record(s), by decision date:" in cycle.sample_out[RENEWAL]
    assert "at least ⌈20/1⌉ = 20 of them now; this plan visits 20" in cycle.sample_out[SURVEILLANCE_2]


def test_every_agency_is_visited_within_the_first_cycle(cycle: Cycle) -> None:
    first_cycle = (INITIAL, SURVEILLANCE_1, SURVEILLANCE_2)
    seen = [s for a in first_cycle for s in cycle.sampling[a]["visited"]]
    assert set(seen) == {a.id for a in make_cycle.AGENCIES}
    # A site is seen again within the cycle only when the random quarter draws it, or to check
    # the correction of the open major finding at the next audit.
    major = picks(cycle, SURVEILLANCE_2, "risk")[0]
    earlier: set[str] = set()
    for audit_id in first_cycle:
        reasons = {p["site"]: p["reason"] for p in cycle.sampling[audit_id]["picks"]}
        again = [s for s in cycle.sampling[audit_id]["visited"] if s in earlier]
        assert all(reasons[s] == "random" or (audit_id, s) == (SURVEILLANCE_2, major) for s in again), audit_id
        earlier |= set(cycle.sampling[audit_id]["visited"])


def test_the_blank_grid_and_the_record_hold_exactly_the_visited_sites(cycle: Cycle) -> None:
    for audit_id, visited in visits(cycle).items():
        assert cycle.grids[audit_id] == visited  # `grid --audit` wrote the plan's sites, in the audit's order
        record = json.loads(cycle.records[audit_id].read_text("utf-8"))
        assert [s["id"] for s in record["sites"] if s["visited"]] == visited
        assert len(record["sites"]) == 60  # every agency is scored, on its surveys at least
        carried = record["audit"]["sampling"]  # the plan itself, as the audit file gives it
        assert {k: carried[k] for k in ("stage", "visited", "seed", "rule", "size", "cover")} == {
            k: cycle.sampling[audit_id][k] for k in ("stage", "visited", "seed", "rule", "size", "cover")}
        assert [(p["site"], p["reason"]) for p in carried["picks"]] == [
            (p["site"], p["reason"]) for p in cycle.sampling[audit_id]["picks"]]


def test_the_record_verifies_with_its_plan_and_not_with_another(cycle: Cycle) -> None:
    # The initial audit's: `verify` reads the committee's chain on the real day, and the later
    # audits' sessions are in the future.
    folder, record = cycle.root / INITIAL, cycle.records[INITIAL]
    code, out, err = cycle.run("verify", record, folder, "--register", cycle.db)
    assert code == 0, (out, err)
    audit_toml = folder / "audit.toml"
    kept = audit_toml.read_bytes()
    try:  # the plan's seed changed by hand after the decision: the record no longer verifies
        audit_toml.write_bytes(kept.replace(b"seed = ", b"seed = 1", 1))
        code, out, err = cycle.run("verify", record, folder, "--register", cycle.db)
        assert code != 0 and "audit" in out + err, (out, err)
    finally:
        audit_toml.write_bytes(kept)


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
    random_picks = len(picks(cycle, SURVEILLANCE_2, "random"))
    first = cycle.sampling[SURVEILLANCE_2]["picks"][random_picks]  # the first risk pick
    assert (first["site"], first["reason"]) == (major["site"], "risk")
    assert f"open major non-conformities in {SURVEILLANCE_1}: 1" in first["detail"]


def test_the_risk_part_takes_sites_not_yet_seen_in_the_cycle_the_weakest_first(cycle: Cycle) -> None:
    """In the first cycle, the risk part goes (but for the major's check) only to sites never
    visited, none with a better survey result than one left; the renewal starts a new cycle and
    goes back to the sites visited longest ago."""
    seen: dict[str, int] = {}  # site → the number of the latest audit that visited it
    results: dict[str, Fraction] = {}  # each site's weakest result in the latest record having one
    for number, audit_id in enumerate(AUDITS):
        risky = picks(cycle, audit_id, "risk")
        rechecked = risky[:1] if audit_id == SURVEILLANCE_2 else []  # the open major (test above)
        fresh = [s for s in risky if s not in rechecked]
        visited = set(cycle.sampling[audit_id]["visited"])
        if audit_id == RENEWAL:
            left = set(seen) - visited
            assert max(seen[s] for s in fresh) <= min(seen[s] for s in left)
        else:
            assert not set(fresh) & set(seen), (audit_id, sorted(set(fresh) & set(seen)))
            if audit_id != INITIAL:  # the initial audit knows no result yet: the seed's order decides
                left = {a.id for a in make_cycle.AGENCIES} - set(seen) - visited
                assert max(results[s] for s in fresh) <= min((results[s] for s in left), default=Fraction(1))
                assert all("never visited on site; weakest result: " in d["detail"]
                           for d in cycle.sampling[audit_id]["picks"] if d["site"] in fresh)
            never = 60 - len(seen)
            if audit_id != INITIAL:  # what `sample` said it read from the earlier records
                assert f"{never} of 60 site(s) never visited on site" in cycle.sample_out[audit_id]
        seen |= dict.fromkeys(visited, number)
        results |= weakest(json.loads(cycle.records[audit_id].read_text("utf-8")))


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
        "appeal lodged": cycle_1[1:],
        "appeal closed": cycle_1[1:],  # upheld: the failed surveillance stays decided
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
    appealed = f"  Nov 18, 2027  surveillance failed ({CHAIR}) — appeal 1: open  [{SURVEILLANCE_1}]"
    upheld = f"  Nov 18, 2027  surveillance failed ({CHAIR}) — appeal 1: upheld (the decision stands)  [{SURVEILLANCE_1}]"
    suspended = f"  Nov 25, 2027  suspended ({CHAIR}) — until March 31, 2028: {SUSPENSION_REASON}  [event 1]"
    lodged = (f"  Dec 6, 2027  appeal lodged ({CHAIR}) — brought by {make_cycle.ORGANISATION} against {SURVEILLANCE_1}:"
              f" {APPEAL_GROUNDS}  [appeal 1]")
    closed = f"  Jan 24, 2028  appeal upheld (decision stands) ({APPEAL_PANEL[0]})  [appeal 1]"
    reinstated = f"  Mar 20, 2028  reinstated ({CHAIR}) — {REINSTATEMENT_REASON}  [event 2]"
    passed = f"  Nov 16, 2028  surveillance passed ({CHAIR}) — Confirmed  [{SURVEILLANCE_2}]"
    renewed = f"  Nov 8, 2029  renewed ({CHAIR}) — Confirmed valid until October 30, 2032  [{RENEWAL}]"
    head = f"Label {LABEL}: "
    after_appeal = [granted, upheld, suspended, lodged, closed, reinstated]
    expected = {
        "roster": [],
        f"{INITIAL} scored": [head + "not granted"],
        f"{INITIAL} decided": [head + "active", granted],
        f"{SURVEILLANCE_1} scored": [head + "active", granted],
        f"{SURVEILLANCE_1} decided": [head + "active", granted, failed],
        "suspended": [head + "suspended", granted, failed, suspended],
        "appeal lodged": [head + "suspended", granted, appealed, suspended, lodged],
        "appeal closed": [head + "suspended", granted, upheld, suspended, lodged, closed],
        "reinstated": [head + "active", *after_appeal],
        f"{SURVEILLANCE_2} scored": [head + "active", *after_appeal],
        f"{SURVEILLANCE_2} decided": [head + "active", *after_appeal, passed],
        f"{RENEWAL} scored": [head + "active", *after_appeal, passed],
        f"{RENEWAL} decided": [head + "active", *after_appeal, passed, renewed],
    }
    assert {name: step.label for name, step in cycle.steps.items()} == expected


def test_the_appeal_is_heard_only_by_members_who_took_no_part(cycle: Cycle) -> None:
    code, out, err = cycle.appeal_votes[MEMBERS[0]]
    assert code == 2 and out == ""
    assert f"'{MEMBERS[0]}' took part in the decision appealed (audit {SURVEILLANCE_1}, session 1" in err
    assert "nothing was written" in err and "Traceback" not in err
    for number, member in enumerate(APPEAL_PANEL, start=2):
        assert cycle.appeal_votes[member] == (0, f"Appeal 1: vote of {member} recorded (entry {number}): uphold the decision\n", "")
    assert cycle.appeal_closed == ("Appeal 1 closed (January 24, 2028, 3 vote(s), majority): upheld (the decision stands);"
                                   " the decision appealed stands\n")


def test_the_public_directory_at_each_step(cycle: Cycle) -> None:
    """The label is listed while it is valid and not suspended, with the cycle's validity."""
    agencies = "; ".join(a.name for a in make_cycle.AGENCIES)

    def listed(valid_until: str) -> list[dict[str, str]]:
        return [{"label": LABEL, "organisation": make_cycle.ORGANISATION, "scope": make_cycle.SCOPE, "level": "confirme",
                 "level_title": "Confirmed", "sites": agencies, "valid_until": valid_until}]

    first, second = listed("2029-11-20"), listed("2032-10-30")
    off = ("roster", f"{INITIAL} scored", "suspended", "appeal lodged", "appeal closed")
    expected = {name: [] if name in off else first for name in STEPS}
    expected[f"{RENEWAL} decided"] = second
    assert {name: step.directory for name, step in cycle.steps.items()} == expected


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

