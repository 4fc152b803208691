"""The forgery suite: each attack on the committee's decisions, as a test that fails the day it is
no longer detected. Every attack is tried the way a person with write access to the sidecar
would (by hand, hashes recomputed, lines re-signed with whatever key they hold), and each test
checks both that the rule is named by line and that no final decision is left standing."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from committee_helpers import DAY, TODAY, Desk, demo, desk  # noqa: F401  (fixtures)

from labelaudit.committee.chain import Rule, canonical, entry_hash, sha256_text, sidecar_path
from labelaudit.committee.register import open_register
from labelaudit.committee.roster import retire
from labelaudit.committee.schema import transaction
from labelaudit.errors import InputError


def lines_of(record: Path) -> list[str]:
    return sidecar_path(record).read_text("utf-8").splitlines()


def write_lines(record: Path, lines: list[str]) -> None:
    sidecar_path(record).write_text("".join(line + "\n" for line in lines), "utf-8")


def assert_undecided(desk: Desk, record: Path) -> None:
    chain = desk.read(record)
    assert not chain.valid
    assert chain.reading.final is None


def test_a_decided_session_is_final_and_valid(desk: Desk, demo: Path) -> None:
    desk.decide(demo)
    chain = desk.read(demo)
    assert chain.valid, chain.problems
    final = chain.reading.final
    assert final is not None
    assert (final.status, final.level, final.reason, final.votes, final.chair) == ("granted", "confirme", "majority", 3, "pmartin")


def test_deleted_last_line_is_detected_by_the_register(desk: Desk, demo: Path) -> None:
    desk.decide(demo)
    write_lines(demo, lines_of(demo)[:-1])  # the closing removed: the file alone shows an open session
    assert desk.read(demo, register=False).reading.final is None
    assert desk.rules(demo) == [(5, "missing")]
    assert "the register holds entry 5" in str(desk.read(demo).problems[0])
    assert_undecided(desk, demo)


def test_removed_sidecar_is_detected(desk: Desk, demo: Path) -> None:
    desk.decide(demo)
    sidecar_path(demo).unlink()
    assert desk.rules(demo) == [(0, "sidecar_missing")]
    assert "the reviews file is gone, but the register holds 5 of its entries" in str(desk.read(demo).problems[0])
    assert_undecided(desk, demo)
    with pytest.raises(InputError, match="the reviews file is gone"):
        desk.open(demo)  # and nothing starts again over the loss
    assert not sidecar_path(demo).exists()


def test_rewritten_entry_with_recomputed_hashes_fails_its_signature(desk: Desk, demo: Path) -> None:
    desk.decide(demo)
    lines = lines_of(demo)
    data = json.loads(lines[1])
    data.update(verdict="override", level="excellence", rationale="Exemplaire")  # hvasseur's vote, rewritten
    data["hash"] = entry_hash(data)
    lines[1] = canonical(data)
    for i in range(2, len(lines)):  # every later link recomputed too: the hash chain alone is whole again
        later = json.loads(lines[i])
        later["previous"] = sha256_text(lines[i - 1])
        later["hash"] = entry_hash(later)
        lines[i] = canonical(later)
    write_lines(demo, lines)
    rules = desk.rules(demo, register=True)
    assert (2, "signature") in rules
    assert all(rule in ("signature", "differs", "close_votes", "close_result") for _, rule in rules)
    assert_undecided(desk, demo)


def test_backdated_hand_written_entry_by_the_auditor_with_an_unknown_level(desk: Desk, demo: Path) -> None:
    """The audit's own auditor, backdated to 2020, a level the scheme does not have, as the final word."""
    desk.decide(demo)
    desk.forge(demo, None, kind="vote", session=1, member="mlefevre", date=dt.date(2020, 1, 1),
               verdict="override", status="granted", level="platine", rationale="x")
    rules = {rule for _, rule in desk.rules(demo)}
    assert {"unknown_key", "before_decision", "date_order", "unknown_level", "after_close"} <= rules
    assert_undecided(desk, demo)


def test_an_auditor_with_a_key_cannot_vote_on_their_own_audit(desk: Desk, demo: Path) -> None:
    desk.enrol("mlefevre2", "Marc Lefevre (Lyon)", ("member",))
    record = json.loads(demo.read_text("utf-8"))
    record["audit"]["auditors"] = ["Claire Dubois", "mlefevre2"]  # named by roster id in audit.toml
    demo.write_text(json.dumps(record, ensure_ascii=False, indent=2, sort_keys=True) + "\n", "utf-8")
    desk.open(demo)
    with pytest.raises(InputError, match="one of the auditors of this audit"):
        desk.vote(demo, "mlefevre2")
    desk.forge(demo, desk.keys["mlefevre2"], member="mlefevre2", verdict="confirm", status="granted", level="confirme")
    assert desk.rules(demo) == [(2, "auditor")]


def test_unknown_level_in_a_signed_vote(desk: Desk, demo: Path) -> None:
    desk.open(demo)
    with pytest.raises(InputError, match="unknown level 'platine'"):
        desk.vote(demo, "hvasseur", "override", level="platine", rationale="x")
    desk.forge(demo, desk.keys["hvasseur"], verdict="override", status="granted", level="platine", rationale="x")
    assert desk.rules(demo) == [(2, "unknown_level")]


@pytest.mark.parametrize("name", ["Сlaire Dubois", "Claire\u200bDubois", "Clai\u200dre Dubois", "CLAIRE DUBOIS", "Clàire  Dubois"])
def test_a_look_alike_of_a_roster_name_is_refused(desk: Desk, name: str) -> None:
    with pytest.raises(InputError, match="looks like 'Claire Dubois' \\(cdubois\\)"):
        desk.enrol("claire2", name)


@pytest.mark.parametrize("name", ["Маrc Lefèvre", "Marc\u200bLefèvre", "Marc Lefe\u0300vre"])
def test_a_look_alike_of_a_roster_less_auditor_cannot_vote(tmp_path: Path, demo: Path, name: str) -> None:
    """Marc Lefèvre is not on this roster: his folded name still blocks a member who looks like him."""
    desk = Desk(tmp_path)
    desk.enrol("pmartin", "Pierre Martin", ("chair", "member"))
    desk.enrol("marc", name)  # Cyrillic М and а, or a zero-width space: accepted on the roster …
    desk.open(demo)
    with pytest.raises(InputError, match="one of the auditors of this audit"):
        desk.vote(demo, "marc")  # … refused as a voter
    desk.forge(demo, desk.keys["marc"], member="marc", verdict="confirm", status="granted", level="confirme")
    assert desk.rules(demo) == [(2, "auditor")]


def test_a_review_dated_before_the_decision_is_refused_and_flagged(desk: Desk, demo: Path) -> None:
    with pytest.raises(InputError, match="before the proposed decision of November 20, 2026"):
        desk.open(demo, on=dt.date(2026, 11, 19))
    assert not sidecar_path(demo).exists()
    desk.open(demo)
    desk.forge(demo, desk.keys["hvasseur"], date=dt.date(2026, 11, 19), verdict="confirm", status="granted", level="confirme")
    assert (2, "before_decision") in desk.rules(demo)


def test_a_far_future_date_is_refused_and_blocks_nothing(desk: Desk, demo: Path) -> None:
    desk.open(demo)
    with pytest.raises(InputError, match="dated December 31, 9999, after December 1, 2026: a date in the future"):
        desk.vote(demo, "hvasseur", on=dt.date(9999, 12, 31))
    desk.vote(demo, "hvasseur", on=DAY)  # the next review is not blocked
    assert desk.read(demo).valid
    desk.forge(demo, desk.keys["proux"], member="proux", date=dt.date(9999, 12, 31), verdict="confirm",
               status="granted", level="confirme")
    assert desk.rules(demo) == [(3, "future")]


def test_an_unsigned_forged_final_line_is_detected(desk: Desk, demo: Path) -> None:
    desk.open(demo)
    for member in ("hvasseur", "proux", "jmartin"):
        desk.vote(demo, member)
    votes = [json.loads(line)["hash"] for line in lines_of(demo)[1:]]
    desk.forge(demo, None, kind="close", member="pmartin", key=json.loads(lines_of(demo)[0])["key"], verdict=None,
               votes=tuple(votes), count=3, rule=Rule(), status="granted", level="excellence", reason="majority")
    rules = desk.rules(demo)
    assert (5, "signature") in rules and (5, "close_result") in rules
    assert_undecided(desk, demo)


def test_a_legacy_line_after_signed_ones_is_detected(desk: Desk, demo: Path) -> None:
    desk.decide(demo)
    last = lines_of(demo)[-1]
    _, digest = json.loads(last)["seq"], json.loads(last)["record_digest"]
    legacy = {"seq": 6, "record_digest": digest, "previous": sha256_text(last), "member": "Paul Roux",
              "verdict": "override", "status": "granted", "level": "excellence", "rationale": "x", "date": "2026-11-22"}
    legacy["hash"] = sha256_text(canonical(legacy))
    with sidecar_path(demo).open("a", encoding="utf-8") as handle:
        handle.write(canonical(legacy) + "\n")
    assert desk.rules(demo) == [(6, "legacy_after_signed")]
    assert_undecided(desk, demo)


def test_a_signature_by_a_retired_key_does_not_verify(desk: Desk, demo: Path) -> None:
    desk.open(demo)
    proux_key = desk.read(demo).reading.entries[0]  # noqa: F841  (the chain so far is valid)
    with open_register(desk.db) as conn, transaction(conn):
        retire(conn, "proux", on=dt.date(2026, 11, 22))
    with pytest.raises(InputError, match="was not on the committee on November 23, 2026"):
        desk.vote(demo, "proux", on=dt.date(2026, 11, 23))
    desk.forge(demo, desk.keys["proux"], member="proux", date=dt.date(2026, 11, 23), verdict="confirm",
               status="granted", level="confirme")
    rules = desk.rules(demo)
    assert (2, "key_not_in_force") in rules and (2, "member_not_in_force") in rules


def test_a_retirement_cannot_invalidate_an_accepted_entry(desk: Desk, demo: Path) -> None:
    desk.decide(demo)
    with open_register(desk.db) as conn, transaction(conn), pytest.raises(InputError, match="cannot invalidate it"):
        retire(conn, "proux", on=DAY)
    assert desk.read(demo).valid


def test_a_vote_by_a_non_member_is_detected(desk: Desk, demo: Path) -> None:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    desk.open(demo)
    intruder = Ed25519PrivateKey.generate()
    with pytest.raises(InputError, match="intrus is not on the committee roster"):
        desk.vote(demo, "intrus", key=intruder)
    with pytest.raises(InputError, match="cdubois \\(roles: auditor\\) cannot write a 'vote' entry"):
        desk.vote(demo, "cdubois", key=intruder)  # an auditor entry has no key, and no vote
    desk.forge(demo, intruder, member="intrus", verdict="confirm", status="granted", level="confirme")
    assert desk.rules(demo) == [(2, "unknown_member")]


def test_closing_without_quorum_is_refused_and_flagged(desk: Desk, demo: Path) -> None:
    desk.open(demo)
    desk.vote(demo, "hvasseur")
    desk.vote(demo, "proux")
    with pytest.raises(InputError, match="no quorum: 2 member\\(s\\) voted, 3 are needed"):
        desk.close(demo)
    votes = tuple(json.loads(line)["hash"] for line in lines_of(demo)[1:])
    desk.forge(demo, desk.keys["pmartin"], kind="close", member="pmartin", votes=votes, count=2, rule=Rule(),
               status="granted", level="confirme", reason="majority")
    assert desk.rules(demo) == [(4, "quorum")]
    assert_undecided(desk, demo)


def test_a_closing_that_omits_a_vote_is_detected(desk: Desk, demo: Path) -> None:
    desk.open(demo)
    desk.vote(demo, "hvasseur", "override", refuse=True, rationale="Écart majeur")
    desk.vote(demo, "proux")
    desk.vote(demo, "jmartin")
    desk.vote(demo, "pmartin", "override", refuse=True, rationale="Écart majeur")
    votes = tuple(json.loads(line)["hash"] for line in lines_of(demo)[1:])
    kept = votes[1:]  # hvasseur's refusal left out: 3 votes, a clean majority for the proposal
    desk.forge(demo, desk.keys["pmartin"], kind="close", member="pmartin", votes=kept, count=3, rule=Rule(),
               status="granted", level="confirme", reason="majority")
    rules = desk.rules(demo)
    assert (6, "close_votes") in rules and (6, "close_count") in rules and (6, "close_result") in rules
    assert "votes left out, lines: 2" in str(desk.read(demo).problems[0])
    assert_undecided(desk, demo)


def test_a_second_vote_by_the_same_member_is_refused_and_flagged(desk: Desk, demo: Path) -> None:
    desk.open(demo)
    desk.vote(demo, "hvasseur")
    with pytest.raises(InputError, match="already voted in this session \\(line 2\\)"):
        desk.vote(demo, "hvasseur", "defer", rationale="Finalement non")
    desk.forge(demo, desk.keys["hvasseur"], verdict="defer", status="deferred", level=None, rationale="Non")
    assert desk.rules(demo) == [(3, "second_vote")]


def test_a_plain_review_refuses_a_chain_the_register_knows_is_longer(desk: Desk, demo: Path) -> None:
    desk.open(demo)
    desk.vote(demo, "hvasseur")
    write_lines(demo, lines_of(demo)[:1])
    with pytest.raises(InputError, match="nothing was appended"):
        desk.vote(demo, "proux")
    assert len(lines_of(demo)) == 1


def test_the_register_views_treat_a_forged_chain_as_undecided(desk: Desk, demo: Path) -> None:
    from labelaudit.committee.views import all_records

    desk.decide(demo)
    with open_register(desk.db) as conn:
        (before,) = all_records(conn, today=TODAY)
    assert (before.status, before.final_level, before.valid_until) == ("granted", "confirme", "2029-11-20")
    write_lines(demo, lines_of(demo)[:-1])
    with open_register(desk.db) as conn:
        (after,) = all_records(conn, today=TODAY)
    assert (after.status, after.final_status, after.valid_until, after.chain) == ("undecided", None, None, "broken")


def test_an_auditor_of_the_same_label_in_its_cycle_cannot_vote(tmp_path: Path, desk: Desk, demo: Path) -> None:
    """Paul Roux audited this label's surveillance (in the register): he may not decide its initial audit."""
    from labelaudit.committee.register import add_record
    from labelaudit.record import dumps

    record = json.loads(demo.read_text("utf-8"))
    record["audit"].update(id="2027-MTR-002", kind="surveillance", auditors=["Paul Roux"])
    record["decided_on"] = "2027-11-10"
    surveillance = tmp_path / "surveillance.json"
    surveillance.write_text(dumps(record), "utf-8")
    with open_register(desk.db) as conn:
        add_record(conn, surveillance, today=TODAY)
    desk.open(demo)
    with pytest.raises(InputError, match="Paul Roux \\(proux\\) is one of the auditors of this audit or of this label"):
        desk.vote(demo, "proux")
    desk.vote(demo, "hvasseur")  # a member who audited neither may


def test_an_auditor_of_the_same_label_id_cannot_vote_whatever_the_scope_says(tmp_path: Path, desk: Desk, demo: Path) -> None:
    """A surveillance whose scope is worded differently but which names the label by its id
    (`audit.label`) is the same label: its auditor may not decide the label's initial audit."""
    from labelaudit.committee.register import add_record
    from labelaudit.record import dumps

    record = json.loads(demo.read_text("utf-8"))
    record["audit"].update(id="2027-MTR-002", kind="surveillance", auditors=["Paul Roux"], label="2026-MTR-001",
                           scope="Accueil et réclamations (périmètre reformulé)")
    record["decided_on"] = "2027-11-10"
    surveillance = tmp_path / "surveillance.json"
    surveillance.write_text(dumps(record), "utf-8")
    with open_register(desk.db) as conn:
        add_record(conn, surveillance, today=TODAY)
        add_record(conn, demo, today=TODAY)
    desk.open(demo)
    with pytest.raises(InputError, match="Paul Roux \\(proux\\) is one of the auditors of this audit or of this label"):
        desk.vote(demo, "proux")
