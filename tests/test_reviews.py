"""Committee reviews: names and independence, vote rules, sessions and the final decision, the hash
chain and its tamper detection, legacy chains, the CLI."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from pathlib import Path
from typing import Any

import pytest
from committee_helpers import DAY, TODAY, Desk, copy, demo, desk  # noqa: F401  (fixtures)

from labelaudit.committee.chain import ENTRY_KEYS, canonical, sidecar_path
from labelaudit.committee.names import fold_name, looks_alike
from labelaudit.committee.sessions import tally
from labelaudit.committee.chain import Rule
from labelaudit.errors import InputError
from labelaudit.i18n import MESSAGES


def session(desk: Desk, record: Path, *verdicts: tuple[str, dict[str, Any]], close: bool = True) -> list[str]:
    """A session with one vote per (verdict, options), by hvasseur, proux, jmartin, pmartin in turn,
    closed on the day of the last vote."""
    desk.open(record)
    last = DAY
    for member, (verdict, options) in zip(("hvasseur", "proux", "jmartin", "pmartin"), verdicts, strict=False):
        last = desk.vote(record, member, verdict, **options).date
    if close:
        desk.close(record, on=last)
    return sidecar_path(record).read_text("utf-8").splitlines()


def three_votes(desk: Desk, record: Path) -> list[str]:
    """Open, a confirm, a defer and an override, closed: five lines."""
    return session(desk, record, ("confirm", {}), ("defer", {"rationale": "Attendre la clôture des écarts de Valence"}),
                   ("override", {"level": "engage", "rationale": "Écarts non clos", "on": DAY + dt.timedelta(days=7)}))


def write_lines(record: Path, lines: list[str]) -> None:
    sidecar_path(record).write_text("".join(line + "\n" for line in lines), "utf-8")


def problems(desk: Desk, record: Path) -> list[tuple[int, str]]:
    return desk.rules(record)


# --- names and independence --------------------------------------------------------------------


def test_fold_name_ignores_case_accents_spacing_and_look_alikes() -> None:
    assert fold_name("  Marc   LEFÈVRE ") == fold_name("marc lefevre")
    assert fold_name("Hélène") != fold_name("Helen")
    assert looks_alike("Claire Dubois", "Сlaire Dubois")  # a Cyrillic С
    assert looks_alike("Claire Dubois", "Clai\u200bre Dubois")  # a zero-width space
    assert looks_alike("Marc Lefèvre", "Маrc Lefèvre")  # Cyrillic М and а
    assert not looks_alike("Claire Dubois", "Claire Dupont")


@pytest.mark.parametrize("name", ["marc lefevre", "MARC LEFÈVRE", "  claire   dubois  ", "Claire Dubois"])
def test_an_auditor_of_the_audit_cannot_review_it(tmp_path: Path, demo: Path, name: str) -> None:
    desk = Desk(tmp_path)
    desk.enrol("pmartin", "Pierre Martin", ("chair", "member"))
    desk.enrol("someone", name)
    desk.open(demo)
    before = sidecar_path(demo).read_bytes()
    with pytest.raises(InputError) as caught:
        desk.vote(demo, "someone")
    assert "one of the auditors of this audit" in str(caught.value)
    assert "independent of the evaluation" in str(caught.value)
    assert sidecar_path(demo).read_bytes() == before


def test_an_auditor_cannot_chair_either(tmp_path: Path, demo: Path) -> None:
    desk = Desk(tmp_path)
    desk.enrol("claire", "Claire Dubois", ("chair",))
    with pytest.raises(InputError, match="one of the auditors of this audit"):
        desk.open(demo, chair="claire")
    assert not sidecar_path(demo).exists()  # a refused first entry leaves no file


def test_an_empty_member_name_is_refused(desk: Desk) -> None:
    with pytest.raises(InputError, match="name is empty"):
        desk.enrol("nobody", " \u200b ")


# --- vote rules --------------------------------------------------------------------------------


def test_an_opening_writes_one_canonical_signed_line(desk: Desk, demo: Path) -> None:
    entry = desk.open(demo)
    line = sidecar_path(demo).read_text("utf-8")
    assert line.endswith("\n") and line.count("\n") == 1
    data = json.loads(line)
    assert set(data) == ENTRY_KEYS
    assert line.rstrip("\n") == canonical(data)
    assert data["record_digest"] == "sha256:" + hashlib.sha256(demo.read_bytes()).hexdigest()
    assert (data["previous"], data["seq"], data["session"], data["kind"], data["member"]) == (None, 1, 1, "open", "pmartin")
    assert data["key"].startswith("ed25519:") and len(data["signature"]) == 88
    body = {k: v for k, v in data.items() if k != "hash"}
    assert data["hash"] == "sha256:" + hashlib.sha256(canonical(body).encode()).hexdigest()
    assert entry.hash == data["hash"]


def test_each_entry_links_to_the_previous_canonical_line(desk: Desk, demo: Path) -> None:
    lines = three_votes(desk, demo)
    assert len(lines) == 5
    for before, after in zip(lines, lines[1:]):
        assert json.loads(after)["previous"] == "sha256:" + hashlib.sha256(before.encode()).hexdigest()


def test_a_confirm_takes_the_proposal(desk: Desk, demo: Path) -> None:
    desk.open(demo)
    entry = desk.vote(demo, "hvasseur")
    assert (entry.verdict, entry.status, entry.level, entry.date) == ("confirm", "granted", "confirme", DAY)


def test_override_to_another_level_or_to_a_refusal(desk: Desk, demo: Path) -> None:
    desk.open(demo)
    up = desk.vote(demo, "hvasseur", "override", level="excellence", rationale="Dossier exemplaire")
    assert (up.status, up.level) == ("granted", "excellence")
    down = desk.vote(demo, "proux", "override", refuse=True, rationale="Écart majeur découvert après l'audit")
    assert (down.status, down.level) == ("refused", None)


def test_defer_leads_to_deferred(desk: Desk, demo: Path) -> None:
    desk.open(demo)
    entry = desk.vote(demo, "hvasseur", "defer", rationale="Pièces complémentaires demandées")
    assert (entry.status, entry.level) == ("deferred", None)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"verdict": "override", "rationale": "x"}, "needs --level LEVEL or --refuse"),
        ({"verdict": "override", "level": "platine", "rationale": "x"}, "unknown level 'platine'"),
        ({"verdict": "override", "level": "confirme", "rationale": "x"}, "an override must differ from the proposal"),
        ({"verdict": "override", "level": "excellence"}, "--rationale is required for --vote override"),
        ({"verdict": "override", "level": "excellence", "rationale": "   "}, "--rationale is required"),
        ({"verdict": "defer"}, "--rationale is required for --vote defer"),
        ({"verdict": "confirm", "level": "excellence"}, "only for --vote override"),
        ({"verdict": "defer", "refuse": True, "rationale": "x"}, "only for --vote override"),
    ],
)
def test_vote_rules(desk: Desk, demo: Path, options: dict[str, Any], message: str) -> None:
    desk.open(demo)
    before = sidecar_path(demo).read_bytes()
    with pytest.raises(InputError) as caught:
        desk.vote(demo, "hvasseur", **options)
    assert message in str(caught.value)
    assert sidecar_path(demo).read_bytes() == before


def test_an_entry_cannot_be_dated_before_the_previous_one(desk: Desk, demo: Path) -> None:
    desk.open(demo, on=DAY + dt.timedelta(days=1))
    with pytest.raises(InputError, match="dated November 21, 2026, before the previous entry \\(November 22, 2026\\)"):
        desk.vote(demo, "proux", on=DAY)
    assert len(desk.read(demo).entries) == 1


def test_a_vote_needs_an_open_session(desk: Desk, demo: Path) -> None:
    with pytest.raises(InputError, match="no session is open on this record"):
        desk.vote(demo, "hvasseur")
    desk.decide(demo)
    with pytest.raises(InputError, match="no session is open"):
        desk.vote(demo, "pmartin")
    with pytest.raises(InputError, match="no session is open"):
        desk.close(demo)


def test_only_the_chair_opens_and_closes(desk: Desk, demo: Path) -> None:
    with pytest.raises(InputError, match="hvasseur \\(roles: member\\) cannot write a 'open' entry"):
        desk.open(demo, chair="hvasseur")


# --- sessions and the final decision -----------------------------------------------------------


def test_no_entry_is_pending_and_valid(desk: Desk, demo: Path) -> None:
    chain = desk.read(demo)
    assert chain.valid and chain.entries == () and chain.reading.final is None


def test_an_open_session_is_pending(desk: Desk, demo: Path) -> None:
    session(desk, demo, ("confirm", {}), ("confirm", {}), ("confirm", {}), close=False)
    chain = desk.read(demo)
    assert chain.valid and chain.reading.final is None
    assert chain.reading.pending is not None and len(chain.reading.pending.votes) == 3


def test_the_majority_decides_and_the_closing_states_it(desk: Desk, demo: Path) -> None:
    three_votes(desk, demo)  # confirm, defer, override engage: no majority
    final = desk.read(demo).reading.final
    assert final is not None
    assert (final.status, final.level, final.reason, final.votes, final.session, final.closing_seq) == (
        "deferred", None, "no_majority", 3, 1, 5)


def test_the_chair_breaks_an_exact_tie(desk: Desk, demo: Path) -> None:
    session(desk, demo, ("override", {"refuse": True, "rationale": "Écart"}), ("confirm", {}), ("confirm", {}),
            ("override", {"refuse": True, "rationale": "Écart"}))
    final = desk.read(demo).reading.final
    assert final is not None and (final.status, final.reason) == ("refused", "chair_casting")  # pmartin refused


def test_tally_rules() -> None:
    granted, refused = ("granted", "confirme"), ("refused", None)
    assert tally([granted, granted, refused], Rule(), None) == (granted, "majority")
    assert tally([granted, granted, refused], Rule(majority="two_thirds"), None) == (granted, "majority")
    assert tally([granted, refused, refused, granted, granted], Rule(majority="two_thirds"), None) == (("deferred", None), "no_majority")
    assert tally([granted, refused], Rule(), refused) == (refused, "chair_casting")
    assert tally([granted, refused], Rule(chair_breaks_tie=False), refused) == (("deferred", None), "no_majority")
    assert tally([granted, refused], Rule(), None) == (("deferred", None), "no_majority")


def test_a_later_session_supersedes_the_earlier_one(desk: Desk, demo: Path) -> None:
    desk.decide(demo)
    appeal = desk.open(demo, on=DAY + dt.timedelta(days=3), rationale="Recours de l'organisme")
    assert appeal.supersedes == 1
    for member in ("hvasseur", "proux", "jmartin"):
        desk.vote(demo, member, "override", level="excellence", rationale="Recours fondé", on=DAY + dt.timedelta(days=3))
    desk.close(demo, on=DAY + dt.timedelta(days=3))
    final = desk.read(demo).reading.final
    assert final is not None and (final.status, final.level, final.session) == ("granted", "excellence", 6)


def test_read_chain_accepts_the_sidecar_path(desk: Desk, demo: Path) -> None:
    three_votes(desk, demo)
    assert desk.read(sidecar_path(demo)).entries == desk.read(demo).entries


# --- tampering ---------------------------------------------------------------------------------


def test_an_edited_line_is_named(desk: Desk, demo: Path) -> None:
    lines = three_votes(desk, demo)
    lines[2] = lines[2].replace("Attendre", "Ne pas attendre")
    write_lines(demo, lines)
    assert (3, "hash") in problems(desk, demo)
    assert desk.read(demo).reading.final is None


def test_an_edited_line_with_a_recomputed_hash_breaks_the_next_link_and_its_signature(desk: Desk, demo: Path) -> None:
    lines = three_votes(desk, demo)
    data = json.loads(lines[2])
    data["rationale"] = "Autre motif"
    data["hash"] = "sha256:" + hashlib.sha256(canonical({k: v for k, v in data.items() if k != "hash"}).encode()).hexdigest()
    lines[2] = canonical(data)
    write_lines(demo, lines)
    found = problems(desk, demo)
    assert (3, "signature") in found and (4, "link") in found
    assert "'previous' does not match line 3" in " ".join(str(p) for p in desk.read(demo).problems)


def test_a_line_rewritten_in_another_form_is_named(desk: Desk, demo: Path) -> None:
    lines = three_votes(desk, demo)
    lines[0] = json.dumps(json.loads(lines[0]), sort_keys=True)  # same content, not canonical
    write_lines(demo, lines)
    assert problems(desk, demo) == [(1, "not_canonical")]


def test_a_deleted_line_is_named(desk: Desk, demo: Path) -> None:
    lines = three_votes(desk, demo)
    write_lines(demo, [lines[0], *lines[2:]])
    found = problems(desk, demo)
    assert (2, "seq") in found
    assert "entry 3 found where entry 2 was expected" in str(desk.read(demo).problems[0])


def test_a_deleted_first_line_is_named(desk: Desk, demo: Path) -> None:
    lines = three_votes(desk, demo)
    write_lines(demo, lines[1:])
    assert (1, "seq") in problems(desk, demo)


def test_reordered_lines_are_named(desk: Desk, demo: Path) -> None:
    lines = three_votes(desk, demo)
    write_lines(demo, [lines[0], lines[2], lines[1], *lines[3:]])
    found = problems(desk, demo)
    assert (2, "seq") in found and (3, "seq") in found


def test_a_changed_record_is_detected_on_every_line(desk: Desk, demo: Path) -> None:
    three_votes(desk, demo)
    record = json.loads(demo.read_text("utf-8"))
    record["outcome"]["level"] = "excellence"
    demo.write_text(json.dumps(record, sort_keys=True, ensure_ascii=False, indent=2) + "\n", "utf-8")
    found = problems(desk, demo)
    assert [line for line, rule in found if rule == "record_changed"] == [1, 2, 3, 4, 5]
    assert "the record changed since this review" in " ".join(str(p) for p in desk.read(demo).problems)


def test_a_cut_last_line_is_named(desk: Desk, demo: Path) -> None:
    three_votes(desk, demo)
    side = sidecar_path(demo)
    side.write_bytes(side.read_bytes()[:-40])
    assert (5, "truncated") in problems(desk, demo)


def test_blank_and_foreign_lines_are_named(desk: Desk, demo: Path) -> None:
    lines = three_votes(desk, demo)
    write_lines(demo, [lines[0], "", lines[1], '{"note": "ajout"}', *lines[2:]])
    found = problems(desk, demo)
    assert (2, "blank") in found and (4, "keys") in found


def test_a_broken_chain_refuses_appends_and_is_never_rewritten(desk: Desk, demo: Path) -> None:
    lines = session(desk, demo, ("confirm", {}), close=False)
    write_lines(demo, [lines[0], lines[1].replace("confirm", "defer")])
    before = sidecar_path(demo).read_bytes()
    with pytest.raises(InputError) as caught:
        desk.vote(demo, "jmartin")
    message = str(caught.value)
    assert "the reviews chain is broken: nothing was appended" in message
    assert "demo.json.reviews.jsonl: line 2: the hash no longer matches the content" in message
    assert sidecar_path(demo).read_bytes() == before


# --- legacy chains -----------------------------------------------------------------------------


def legacy_line(record: Path, seq: int, previous: str | None, member: str, day: str) -> str:
    data = {"seq": seq, "record_digest": "sha256:" + hashlib.sha256(record.read_bytes()).hexdigest(), "previous": previous,
            "member": member, "verdict": "confirm", "status": "granted", "level": "confirme", "rationale": None, "date": day}
    data["hash"] = "sha256:" + hashlib.sha256(canonical(data).encode()).hexdigest()
    return canonical(data)


def test_a_legacy_chain_is_shown_as_unsigned_and_never_decides(desk: Desk, demo: Path, cli: Any) -> None:
    first = legacy_line(demo, 1, None, "Hélène Vasseur", "2026-11-21")
    second = legacy_line(demo, 2, "sha256:" + hashlib.sha256(first.encode()).hexdigest(), "Paul Roux", "2026-11-22")
    write_lines(demo, [first, second])
    chain = desk.read(demo)
    assert chain.valid and len(chain.reading.legacy) == 2 and chain.reading.final is None
    code, out, _ = cli("review", demo, "--show", "--register", desk.db)
    assert code == 0
    assert "1. November 21, 2026 Hélène Vasseur: confirm → GRANTED — level Confirmed (unsigned, legacy)" in out
    assert "2 unsigned (legacy) entries: shown, never a decision" in out
    assert out.splitlines()[-1] == "Final decision: pending (no closed session)"
    desk.decide(demo, on=dt.date(2026, 11, 23))  # a signed session may follow the legacy lines
    final = desk.read(demo).reading.final
    assert final is not None and final.session == 3


# --- the command -------------------------------------------------------------------------------


def cli_review(cli: Any, desk: Desk, record: Path, *args: str | Path) -> tuple[int, str, str]:
    return cli("review", record, "--register", desk.db, "--on", "2026-11-21", *args)  # type: ignore[no-any-return]


def test_cli_refuses_an_auditor_with_exit_2(tmp_path: Path, demo: Path, cli: Any) -> None:
    desk = Desk(tmp_path)
    desk.enrol("pmartin", "Pierre Martin", ("chair", "member"))
    desk.enrol("marc", "marc lefevre")
    desk.open(demo)
    code, _, err = cli_review(cli, desk, demo, "--vote", "confirm", "--member", "marc", "--key", desk.key_file("marc"))
    assert code == 2
    assert err.splitlines() == [
        f"error: {sidecar_path(demo)}: entry 2 would break a committee rule: nothing was appended",
        f"{sidecar_path(demo)}: line 2: marc lefevre (marc) is one of the auditors of this audit or of this label in "
        "its cycle: the committee's decision must be independent of the evaluation",
    ]
    assert len(sidecar_path(demo).read_text("utf-8").splitlines()) == 1


def test_cli_records_and_shows_a_session(desk: Desk, demo: Path, cli: Any) -> None:
    code, out, _ = cli_review(cli, desk, demo, "--open", "--chair", "pmartin", "--key", desk.key_file("pmartin"))
    assert (code, out) == (0, f"Entry 1 recorded (opening): pmartin, on November 21, 2026 ({sidecar_path(demo)})\n")
    for member in ("hvasseur", "jmartin"):
        assert cli_review(cli, desk, demo, "--vote", "confirm", "--member", member, "--key", desk.key_file(member))[0] == 0
    code, _, _ = cli_review(cli, desk, demo, "--vote", "override", "--refuse", "--rationale", "Écart majeur",
                            "--member", "proux", "--key", desk.key_file("proux"))
    assert code == 0
    code, out, _ = cli_review(cli, desk, demo, "--close", "--chair", "pmartin", "--key", desk.key_file("pmartin"))
    assert code == 0 and out.splitlines()[-1] == "Session 1 closed: 3 vote(s), majority → GRANTED — level Confirmed"
    code, out, _ = cli("review", demo, "--show", "--register", desk.db)
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "Label committee — Mutuelle des Trois Rivières (2026-MTR-001)"
    assert lines[2] == "Proposal: GRANTED — level Confirmed"
    assert lines[3] == "1. November 21, 2026 session opened by pmartin"
    assert lines[4] == "2. November 21, 2026 vote by hvasseur: confirm → GRANTED — level Confirmed"
    assert lines[6] == "4. November 21, 2026 vote by proux: override → REFUSED"
    assert lines[7] == '     "Écart majeur"'
    assert lines[8] == "5. November 21, 2026 session closed by pmartin: 3 vote(s), majority → GRANTED — level Confirmed"
    assert lines[9] == f"Chain valid, signatures verified: {sidecar_path(demo)} (5 entries)"
    assert lines[10] == "Final decision (session 1 closed on November 21, 2026 by pmartin, 3 vote(s)): GRANTED — level Confirmed"
    code, out, _ = cli("review", demo, "--show", "--register", desk.db, "--lang", "fr")
    assert "4. 21 novembre 2026 vote de proux : autre décision → REFUSÉ" in out.splitlines()


def test_cli_key_from_the_environment(desk: Desk, demo: Path, cli: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LABELAUDIT_KEY", str(desk.key_file("pmartin")))
    assert cli_review(cli, desk, demo, "--open", "--chair", "pmartin")[0] == 0
    monkeypatch.delenv("LABELAUDIT_KEY")
    code, _, err = cli_review(cli, desk, demo, "--vote", "confirm", "--member", "proux")
    assert code == 2 and "--key FILE (or LABELAUDIT_KEY) is required to sign" in err


def test_cli_a_key_that_is_not_the_members_is_refused(desk: Desk, demo: Path, cli: Any) -> None:
    desk.open(demo)
    code, _, err = cli_review(cli, desk, demo, "--vote", "confirm", "--member", "proux", "--key", desk.key_file("hvasseur"))
    assert code == 2 and "is not one of proux's keys on the roster" in err


def test_cli_show_without_a_register_cannot_verify_signatures(desk: Desk, demo: Path, cli: Any,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    desk.decide(demo)
    monkeypatch.chdir(demo.parent.parent)
    code, out, _ = cli("review", demo, "--show")
    assert code == 2
    assert "no register, hence no roster: the signatures cannot be verified" in out
    assert out.splitlines()[-1] == "Final decision: none while the chain is broken"


def test_cli_show_in_french(desk: Desk, demo: Path, cli: Any) -> None:
    code, out, _ = cli("review", demo, "--show", "--register", desk.db, "--lang", "fr")
    assert code == 0
    assert out.splitlines()[-1] == "Décision finale : en attente (aucune séance close)"


def test_cli_entry_date_defaults_to_today_and_future_dates_are_refused(desk: Desk, demo: Path, cli: Any) -> None:
    code, _, _ = cli("review", demo, "--open", "--chair", "pmartin", "--key", desk.key_file("pmartin"), "--register", desk.db)
    assert code == 0
    assert desk.read(demo, today=dt.date.today()).entries[0].date == dt.date.today()
    code, _, err = cli("review", demo, "--vote", "confirm", "--member", "proux", "--key", desk.key_file("proux"),
                       "--register", desk.db, "--on", "9999-12-31")
    assert code == 2 and "--on 9999-12-31 is after today" in err


def test_cli_show_names_the_broken_line_and_exits_2(desk: Desk, demo: Path, cli: Any) -> None:
    lines = three_votes(desk, demo)
    write_lines(demo, [lines[0], *lines[2:]])
    code, out, _ = cli("review", demo, "--show", "--register", desk.db)
    assert code == 2
    assert f"CHAIN BROKEN: {sidecar_path(demo)} (" in out
    assert "  - line 2: entry 3 found where entry 2 was expected: a line was deleted, inserted or moved" in out
    assert out.splitlines()[-1] == "Final decision: none while the chain is broken"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--show", "--member", "proux"], "--show goes only with --register"),
        (["--member", "proux"], "give --open, --vote, --close or --show"),
        (["--open", "--close", "--chair", "pmartin"], "are exclusive"),
        (["--vote", "confirm"], "--vote needs --member ID"),
        (["--open"], "--open needs --chair ID"),
        (["--vote", "override", "--member", "proux", "--rationale", "x"], "needs --level LEVEL or --refuse"),
        (["--open", "--chair", "Pierre Martin"], "invalid id 'Pierre Martin'"),
    ],
)
def test_cli_usage_mistakes_exit_2(desk: Desk, demo: Path, cli: Any, args: list[str], message: str) -> None:
    code, _, err = cli("review", demo, "--register", desk.db, "--key", desk.key_file("proux"), *args)
    assert code == 2
    assert message in err


def test_cli_level_and_refuse_are_exclusive(demo: Path, cli: Any) -> None:
    code, _, err = cli("review", demo, "--member", "p", "--vote", "override", "--level", "engage", "--refuse")
    assert code == 2 and "not allowed with argument" in err


def test_cli_a_missing_record_exits_2(tmp_path: Path, cli: Any) -> None:
    code, _, err = cli("review", tmp_path / "none.json", "--show")
    assert code == 2 and "file not found" in err


def test_cli_writing_needs_a_register(demo: Path, cli: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(demo.parent)
    code, _, err = cli("review", demo, "--open", "--chair", "pmartin", "--key", "k")
    assert code == 2 and "no register: the roster and its keys are there" in err


# --- messages ----------------------------------------------------------------------------------


def test_every_review_message_exists_in_both_languages_with_the_same_placeholders() -> None:
    keys = [k for k in MESSAGES if k.startswith(("review.", "committee."))]
    assert len(keys) > 100
    for key in keys:
        fr, en = MESSAGES[key]["fr"], MESSAGES[key]["en"]
        assert fr and en, key
        assert sorted(re.findall(r"{(\w+)", fr)) == sorted(re.findall(r"{(\w+)", en)), key


def test_today_is_an_input_of_every_read(desk: Desk, demo: Path) -> None:
    desk.decide(demo)
    assert desk.read(demo, today=TODAY).valid
    assert [rule for _, rule in desk.rules(demo, today=DAY - dt.timedelta(days=1))] == ["future"] * 5
