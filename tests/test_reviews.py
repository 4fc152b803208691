"""Committee reviews: independence, verdict rules, the hash chain and its tamper detection, the CLI."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest

from labelaudit.errors import InputError
from labelaudit.i18n import MESSAGES
from labelaudit.reviews import (
    ENTRY_KEYS,
    append_review,
    canonical,
    fold_name,
    read_chain,
    sidecar_path,
)

GOLDEN = Path(__file__).resolve().parent / "golden"
DAY = dt.date(2026, 11, 21)


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    """The demo record (auditors Claire Dubois and Marc Lefèvre), granted at level confirme."""
    path = tmp_path / "demo.json"
    shutil.copyfile(GOLDEN / "demo.json", path)
    return path


def review(record: Path, member: str = "Hélène Vasseur", verdict: str = "confirm", **options: Any) -> Any:
    options.setdefault("on", DAY)
    return append_review(record, member=member, verdict=verdict, **options)  # type: ignore[arg-type]


def three_reviews(record: Path) -> list[str]:
    """A chain of three entries; returns its lines."""
    review(record, "Hélène Vasseur", "confirm")
    review(record, "Paul Roux", "defer", rationale="Attendre la clôture des écarts de Valence")
    review(record, "Paul Roux", "override", level="engage", rationale="Écarts non clos", on=DAY + dt.timedelta(days=7))
    return sidecar_path(record).read_text("utf-8").splitlines()


def write_lines(record: Path, lines: list[str]) -> None:
    sidecar_path(record).write_text("".join(line + "\n" for line in lines), "utf-8")


def problems(record: Path) -> list[tuple[int, str]]:
    return [(p.line, p.code.removeprefix("review.chain.")) for p in read_chain(record).problems]


# --- names and independence --------------------------------------------------------------------


def test_fold_name_ignores_case_accents_and_spacing() -> None:
    assert fold_name("  Marc   LEFÈVRE ") == fold_name("marc lefevre") == "marc lefevre"
    assert fold_name("Hélène") != fold_name("Helen")


@pytest.mark.parametrize("member", ["marc lefevre", "MARC LEFÈVRE", "  claire   dubois  ", "Claire Dubois"])
def test_an_auditor_of_the_audit_cannot_review_it(demo: Path, member: str) -> None:
    with pytest.raises(InputError) as caught:
        review(demo, member)
    assert "one of this audit's auditors" in str(caught.value)
    assert "independent of the evaluation" in str(caught.value)
    assert not sidecar_path(demo).exists()


def test_an_empty_member_name_is_refused(demo: Path) -> None:
    with pytest.raises(InputError, match="name is empty"):
        review(demo, "   ")


# --- verdict rules -----------------------------------------------------------------------------


def test_confirm_takes_the_proposal_and_writes_one_canonical_line(demo: Path) -> None:
    entry = review(demo)
    line = sidecar_path(demo).read_text("utf-8")
    assert line.endswith("\n") and line.count("\n") == 1
    data = json.loads(line)
    assert set(data) == ENTRY_KEYS
    assert line.rstrip("\n") == canonical(data)
    assert data["record_digest"] == "sha256:" + hashlib.sha256(demo.read_bytes()).hexdigest()
    assert data["previous"] is None and data["seq"] == 1
    assert (data["verdict"], data["status"], data["level"], data["date"]) == ("confirm", "granted", "confirme", "2026-11-21")
    body = {k: v for k, v in data.items() if k != "hash"}
    assert data["hash"] == "sha256:" + hashlib.sha256(canonical(body).encode()).hexdigest()
    assert entry.hash == data["hash"]


def test_each_entry_links_to_the_previous_canonical_line(demo: Path) -> None:
    lines = three_reviews(demo)
    for before, after in zip(lines, lines[1:]):
        assert json.loads(after)["previous"] == "sha256:" + hashlib.sha256(before.encode()).hexdigest()


def test_override_to_another_level_or_to_a_refusal(demo: Path) -> None:
    up = review(demo, verdict="override", level="excellence", rationale="Dossier exemplaire")
    assert (up.status, up.level) == ("granted", "excellence")
    down = review(demo, verdict="override", refuse=True, rationale="Écart majeur découvert après l'audit")
    assert (down.status, down.level) == ("refused", None)


def test_defer_leads_to_deferred(demo: Path) -> None:
    entry = review(demo, verdict="defer", rationale="Pièces complémentaires demandées")
    assert (entry.status, entry.level) == ("deferred", None)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"verdict": "override", "rationale": "x"}, "needs --level LEVEL or --refuse"),
        ({"verdict": "override", "level": "platine", "rationale": "x"}, "unknown level 'platine'"),
        ({"verdict": "override", "level": "confirme", "rationale": "x"}, "the proposal is already GRANTED"),
        ({"verdict": "override", "level": "excellence"}, "--rationale is required for --verdict override"),
        ({"verdict": "override", "level": "excellence", "rationale": "   "}, "--rationale is required"),
        ({"verdict": "defer"}, "--rationale is required for --verdict defer"),
        ({"verdict": "confirm", "level": "excellence"}, "only for --verdict override"),
        ({"verdict": "defer", "refuse": True, "rationale": "x"}, "only for --verdict override"),
    ],
)
def test_verdict_rules(demo: Path, options: dict[str, Any], message: str) -> None:
    with pytest.raises(InputError) as caught:
        review(demo, **options)
    assert message in str(caught.value)
    assert not sidecar_path(demo).exists()


def test_a_review_cannot_be_dated_before_the_latest_one(demo: Path) -> None:
    review(demo, on=DAY)
    with pytest.raises(InputError, match="before the latest review's date 2026-11-21"):
        review(demo, "Paul Roux", on=DAY - dt.timedelta(days=1))
    assert len(read_chain(demo).entries) == 1


# --- the final decision ------------------------------------------------------------------------


def test_no_review_is_pending_and_valid(demo: Path) -> None:
    chain = read_chain(demo)
    assert chain.valid and chain.entries == () and chain.final is None


def test_the_latest_entry_wins(demo: Path) -> None:
    three_reviews(demo)
    chain = read_chain(demo)
    assert chain.valid
    final = chain.final
    assert final is not None
    assert (final.status, final.level, final.member, final.seq, final.date) == (
        "granted", "engage", "Paul Roux", 3, dt.date(2026, 11, 28)
    )


def test_read_chain_accepts_the_sidecar_path(demo: Path) -> None:
    three_reviews(demo)
    assert read_chain(sidecar_path(demo)).entries == read_chain(demo).entries


# --- tampering ---------------------------------------------------------------------------------


def test_an_edited_line_is_named(demo: Path) -> None:
    lines = three_reviews(demo)
    lines[1] = lines[1].replace("Attendre", "Ne pas attendre")
    write_lines(demo, lines)
    assert problems(demo) == [(2, "hash")]  # only the edited line: the next is not judged on it
    assert read_chain(demo).final is None


def test_an_edited_line_with_a_recomputed_hash_breaks_the_next_link(demo: Path) -> None:
    lines = three_reviews(demo)
    data = json.loads(lines[1])
    data["rationale"] = "Autre motif"
    body = {k: v for k, v in data.items() if k != "hash"}
    data["hash"] = "sha256:" + hashlib.sha256(canonical(body).encode()).hexdigest()
    lines[1] = canonical(data)
    write_lines(demo, lines)
    assert problems(demo) == [(3, "link")]
    assert "'previous' does not match line 2" in str(read_chain(demo).problems[0])


def test_a_line_rewritten_in_another_form_is_named(demo: Path) -> None:
    lines = three_reviews(demo)
    lines[0] = json.dumps(json.loads(lines[0]), sort_keys=True)  # same content, not canonical
    write_lines(demo, lines)
    assert problems(demo) == [(1, "not_canonical")]


def test_a_deleted_line_is_named(demo: Path) -> None:
    lines = three_reviews(demo)
    write_lines(demo, [lines[0], lines[2]])
    assert problems(demo) == [(2, "seq")]
    assert "entry 3 found where entry 2 was expected" in str(read_chain(demo).problems[0])


def test_a_deleted_first_line_is_named(demo: Path) -> None:
    lines = three_reviews(demo)
    write_lines(demo, lines[1:])
    assert problems(demo) == [(1, "seq")]


def test_reordered_lines_are_named(demo: Path) -> None:
    lines = three_reviews(demo)
    write_lines(demo, [lines[0], lines[2], lines[1]])
    assert problems(demo) == [(2, "seq"), (3, "seq")]


def test_a_changed_record_is_detected_on_every_line(demo: Path) -> None:
    three_reviews(demo)
    record = json.loads(demo.read_text("utf-8"))
    record["outcome"]["level"] = "excellence"
    demo.write_text(json.dumps(record, sort_keys=True, ensure_ascii=False, indent=2) + "\n", "utf-8")
    assert problems(demo) == [(1, "record_changed"), (2, "record_changed"), (3, "record_changed")]
    assert "the record changed since this review" in str(read_chain(demo).problems[0])


def test_a_cut_last_line_is_named(demo: Path) -> None:
    three_reviews(demo)
    side = sidecar_path(demo)
    side.write_bytes(side.read_bytes()[:-40])
    assert problems(demo) == [(3, "truncated")]


def test_blank_and_foreign_lines_are_named(demo: Path) -> None:
    lines = three_reviews(demo)
    write_lines(demo, [lines[0], "", lines[1], '{"note": "ajout"}', lines[2]])
    assert problems(demo) == [(2, "blank"), (4, "keys")]


def test_a_broken_chain_refuses_appends_and_is_never_rewritten(demo: Path) -> None:
    lines = three_reviews(demo)
    write_lines(demo, [lines[0], lines[2]])
    before = sidecar_path(demo).read_bytes()
    with pytest.raises(InputError) as caught:
        review(demo, "Jeanne Martin", on=DAY + dt.timedelta(days=30))
    message = str(caught.value)
    assert "the reviews chain is broken: nothing was appended" in message
    assert "demo.json.reviews.jsonl: line 2: entry 3 found where entry 2 was expected" in message
    assert sidecar_path(demo).read_bytes() == before


def test_concurrent_appends_all_land_in_one_valid_chain(demo: Path) -> None:
    script = textwrap.dedent(
        """
        import datetime, sys, time
        from pathlib import Path
        from labelaudit.reviews import append_review
        go = Path(sys.argv[2])
        Path(f"{go}.ready.{sys.argv[3]}").touch()  # imports done: ready to start
        while not go.exists():
            time.sleep(0.005)
        for i in range(8):
            append_review(Path(sys.argv[1]), member=sys.argv[3], verdict="confirm", on=datetime.date(2026, 11, 21))
        """
    )
    go = demo.parent / "go"
    workers = [
        subprocess.Popen([sys.executable, "-c", script, str(demo), str(go), name])
        for name in ("Hélène Vasseur", "Paul Roux")
    ]
    deadline = time.monotonic() + 60
    while len(list(demo.parent.glob("go.ready.*"))) < 2 and time.monotonic() < deadline:
        time.sleep(0.005)
    go.touch()  # both released at once
    assert [w.wait(timeout=120) for w in workers] == [0, 0]
    chain = read_chain(demo)
    assert chain.valid, chain.problems
    assert [e.seq for e in chain.entries] == list(range(1, 17))
    assert sorted(e.member for e in chain.entries) == ["Hélène Vasseur"] * 8 + ["Paul Roux"] * 8


# --- the command -------------------------------------------------------------------------------




def test_cli_refuses_an_auditor_with_exit_2(demo: Path, cli: Any) -> None:
    code, out, err = cli("review", demo, "--member", "marc lefevre", "--verdict", "confirm", "--on", "2026-11-21")
    assert code == 2
    assert err == (
        f"error: {demo}: audit.auditors: marc lefevre is one of this audit's auditors (Marc Lefèvre): the committee's "
        "decision must be independent of the evaluation, an auditor cannot review it\n"
    )
    assert not sidecar_path(demo).exists()


def test_cli_records_and_shows_the_chain(demo: Path, cli: Any) -> None:
    code, out, _ = cli("review", demo, "--member", "Hélène Vasseur", "--verdict", "confirm", "--on", "2026-11-21")
    assert code == 0
    assert out == (
        "Review 1 recorded: Hélène Vasseur, confirm → GRANTED — level Confirmed, on 2026-11-21 "
        f"({sidecar_path(demo)})\n"
    )
    code, _, _ = cli("review", demo, "--member", "Paul Roux", "--verdict", "override", "--refuse",
                     "--rationale", "Écart majeur", "--on", "2026-11-22")
    assert code == 0
    code, out, _ = cli("review", demo, "--show")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "Committee reviews — Mutuelle des Trois Rivières (2026-MTR-001)"
    assert lines[2] == "Proposal: GRANTED — level Confirmed"
    assert lines[3] == "1. 2026-11-21 Hélène Vasseur: confirm → GRANTED — level Confirmed"
    assert lines[4] == "2. 2026-11-22 Paul Roux: override → REFUSED"
    assert lines[5] == '     "Écart majeur"'
    assert lines[6] == f"Chain valid: {sidecar_path(demo)} (2 entries)"
    assert lines[7] == "Final decision (the latest entry wins): REFUSED — entry 2, Paul Roux, 2026-11-22"


def test_cli_show_in_french(demo: Path, cli: Any) -> None:
    code, out, _ = cli("review", demo, "--show", "--lang", "fr")
    assert code == 0
    assert out.splitlines()[-1] == "Décision finale : en attente (aucune revue du comité)"


def test_cli_review_date_defaults_to_today_and_is_stored(demo: Path, cli: Any) -> None:
    code, _, _ = cli("review", demo, "--member", "Hélène Vasseur", "--verdict", "confirm")
    assert code == 0
    assert read_chain(demo).entries[0].date == dt.date.today()


def test_cli_show_names_the_broken_line_and_exits_2(demo: Path, cli: Any) -> None:
    lines = three_reviews(demo)
    write_lines(demo, [lines[0], lines[2]])
    code, out, _ = cli("review", demo, "--show")
    assert code == 2
    assert f"CHAIN BROKEN: {sidecar_path(demo)} (1 problem(s))" in out
    assert "  - line 2: entry 3 found where entry 2 was expected: a line was deleted, inserted or moved" in out
    assert out.splitlines()[-1] == "Final decision: none while the chain is broken"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--show", "--member", "Paul Roux"], "--show cannot be combined"),
        (["--verdict", "confirm"], "--member and --verdict are required"),
        (["--member", "Paul Roux", "--verdict", "override", "--rationale", "x"], "needs --level LEVEL or --refuse"),
    ],
)
def test_cli_usage_mistakes_exit_2(demo: Path, cli: Any, args: list[str], message: str) -> None:
    code, _, err = cli("review", demo, *args)
    assert code == 2
    assert message in err


def test_cli_level_and_refuse_are_exclusive(demo: Path, cli: Any) -> None:
    code, _, err = cli("review", demo, "--member", "P", "--verdict", "override", "--level", "engage", "--refuse")
    assert code == 2 and "not allowed with argument" in err


def test_cli_a_missing_record_exits_2(tmp_path: Path, cli: Any) -> None:
    code, _, err = cli("review", tmp_path / "none.json", "--show")
    assert code == 2 and "file not found" in err


# --- messages ----------------------------------------------------------------------------------


def test_every_review_message_exists_in_both_languages_with_the_same_placeholders() -> None:
    keys = [k for k in MESSAGES if k.startswith("review.")]
    assert len(keys) > 40
    for key in keys:
        fr, en = MESSAGES[key]["fr"], MESSAGES[key]["en"]
        assert fr and en, key
        assert sorted(re.findall(r"{(\w+)", fr)) == sorted(re.findall(r"{(\w+)", en)), key
