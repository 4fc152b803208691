"""`labelaudit map`: proposing a survey source's columns table from its export's header."""

from __future__ import annotations

import json
import re
import shutil
import tomllib
from pathlib import Path

import pytest

from labelaudit.exports import fold_header
from labelaudit.mapping.propose import propose
from labelaudit.model import Item, Text

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "fixtures" / "demo"
GOLDEN = ROOT / "tests" / "golden" / "demo.json"
COLUMNS = re.compile(r"\[sources\.customer\.columns\]\n(?:.+\n)+\n")


def _items() -> tuple[Item, ...]:
    def item(key: str, fr: str, en: str) -> Item:
        return Item(key, "agree5", Text(fr=fr, en=en))

    return (
        item("C01", "J'ai été accueilli(e) en agence de manière courtoise.", "I was welcomed courteously at the branch."),
        item("C02", "Les engagements pris envers moi ont été tenus.", "The commitments made to me were kept."),
        item("C03", "Les informations étaient claires et exactes.", "The information was clear and accurate."),
    )


def _demo_with_item_headers(tmp_path: Path) -> Path:
    """The demo, its customer `columns` table deleted, its CSV headers those an export of the
    scheme's questionnaire would have: codes for some, item texts (curly apostrophes) for others."""
    folder = tmp_path / "demo"
    shutil.copytree(DEMO, folder)
    audit = folder / "audit.toml"
    text = audit.read_text(encoding="utf-8")
    old = dict(re.findall(r'^"(Q[^"]+)" = "(C[0-9x]+)"$', COLUMNS.search(text).group(0), re.M))  # type: ignore[union-attr]
    audit.write_text(COLUMNS.sub("", text, count=1), encoding="utf-8")
    from labelaudit.plugins import load_plugins

    items = {i.key: i for i in load_plugins([], []).scheme("en16880", []).questionnaires["customer"].items}
    csv = folder / "surveys" / "clients.csv"
    raw = csv.read_bytes()
    newline = "\r\n" if b"\r\n" in raw else "\n"
    header, rest = raw.decode("cp1252").split(newline, 1)

    def renamed(cell: str) -> str:
        key = old.get(cell)
        if key is None:
            return cell
        if int(key[1:3]) <= 9:
            return f"{key} - {cell.split(' - ', 1)[1]}"
        return items[key].text.fr.replace("'", "\u2019")

    # Written back as UTF-8, which the encoding detector reads as well as the original cp1252.
    csv.write_bytes((";".join(renamed(c) for c in header.split(";")) + newline + rest).encode("utf-8"))
    return folder


def test_demo_mapped_then_scored_gives_the_golden_points(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    folder = _demo_with_item_headers(tmp_path)
    code, out, err = cli("map", folder, "customer", "--write")
    assert code == 0, err
    assert "20 headers" in out and out.rstrip().endswith("(20 columns)")
    assert out.index("Proposed") < out.index("written")
    code, out, err = cli("score", folder, "-o", tmp_path / "record.json")
    assert code == 0, err
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))["outcome"]
    scored = json.loads((tmp_path / "record.json").read_text(encoding="utf-8"))["outcome"]
    assert scored["points"] == golden["points"] and scored["level"] == golden["level"]


def test_typographic_apostrophes_and_reordered_words_match() -> None:
    proposal = propose(
        ["Q1 - J\u2019ai été accueilli(e) en agence de manière courtoise", "kept were me to made commitments The"],
        _items(),
    )
    assert proposal.columns() == {
        "Q1 - J\u2019ai été accueilli(e) en agence de manière courtoise": "C01",
        "kept were me to made commitments The": "C02",
    }
    assert all(m.confidence >= 95 for m in proposal.proposed)
    assert [i.key for i in proposal.unmatched] == ["C03"]


def test_a_header_in_any_of_the_scheme_s_languages_matches() -> None:
    """A German export's headers match the items' German wording (a scheme text's other language)."""
    items = (
        Item("C01", "agree5", Text(fr="J'ai été accueilli(e) de manière courtoise", en="I was greeted courteously",
                                   others={"de": "Ich wurde in der Filiale höflich empfangen"})),
        Item("C02", "agree5", Text(fr="Les engagements pris ont été tenus", en="The commitments made were kept",
                                   others={"de": "Die gemachten Zusagen wurden eingehalten"})),
    )
    proposal = propose(["F1 - Ich wurde in der Filiale höflich empfangen", "Die gemachten Zusagen wurden eingehalten"], items)
    assert proposal.columns() == {"F1 - Ich wurde in der Filiale höflich empfangen": "C01",
                                  "Die gemachten Zusagen wurden eingehalten": "C02"}
    assert all(m.confidence >= 90 for m in proposal.proposed)


def test_a_code_prefix_matches_only_its_own_code() -> None:
    items = (*_items(), Item("C01x", "agree5", Text(fr="Importance de l'accueil", en="Importance of the welcome")))
    proposal = propose(["C01x Importance", "C01: accueil"], items)
    assert proposal.columns() == {"C01x Importance": "C01x", "C01: accueil": "C01"}
    assert all(m.by_code and m.confidence == 100 for m in proposal.proposed)


def test_two_headers_for_one_item_is_a_conflict_the_better_proposed() -> None:
    proposal = propose(["Les informations étaient claires et exactes", "Informations claires"], _items())
    assert proposal.columns() == {"Les informations étaient claires et exactes": "C03"}
    assert [m.header for m in proposal.conflicts] == ["Informations claires"]


def test_below_the_threshold_a_match_is_only_a_suggestion() -> None:
    proposal = propose(["Les engagements ont été tenus"], _items(), threshold=95)
    assert proposal.proposed == () and [m.item.key for m in proposal.suggestions] == ["C02"]


def test_nothing_matched(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "demo"
    shutil.copytree(DEMO, folder)
    audit = folder / "audit.toml"
    audit.write_text(COLUMNS.sub("", audit.read_text(encoding="utf-8"), count=1), encoding="utf-8")
    (folder / "surveys" / "clients.csv").write_text("Agence;Xyzzy;Plugh\nAgence de Grenoble;1;2\n", encoding="utf-8")
    before = audit.read_bytes()
    code, out, err = cli("map", folder, "customer", "--write")
    assert code == 2 and "nothing to write" in err and "Traceback" not in err
    assert "'Xyzzy'" in out and "'Plugh'" in out and "C18" in out
    assert audit.read_bytes() == before


def test_write_twice_is_refused_without_force_and_keeps_the_comments(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    folder = _demo_with_item_headers(tmp_path)
    audit = folder / "audit.toml"
    before = audit.read_text(encoding="utf-8")
    assert cli("map", folder, "customer", "--write")[0] == 0
    after = audit.read_text(encoding="utf-8")
    table = COLUMNS.search(after)
    assert table is not None and after[: table.start()] + after[table.end():] == before
    code, _, err = cli("map", folder, "customer", "--write")
    assert code == 2 and "--force" in err and audit.read_text(encoding="utf-8") == after
    code, out, err = cli("map", folder, "customer", "--write", "--force", "--threshold", "100")
    assert code == 0, err
    assert audit.read_text(encoding="utf-8").count("[sources.customer.columns]") == 1


@pytest.mark.parametrize("lang, words", [("fr", "Proposées"), ("en", "Proposed")])
def test_the_proposal_is_in_the_users_language(tmp_path: Path, cli, monkeypatch, lang: str, words: str) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = cli("map", DEMO, "employee", "--lang", lang)
    assert code == 0 and words in out


EXPORTS = ROOT / "fixtures" / "exports"
ANY_COLUMNS = re.compile(r"\[sources\.customer\.columns\]\n(?:.+\n)+")


def _without_columns(tmp_path: Path, shape: str) -> tuple[Path, dict[str, str]]:
    """A copy of one survey-export fixture without its hand-written customer `columns`, and
    those columns, folded as the survey reader compares them."""
    folder = tmp_path / shape
    shutil.copytree(EXPORTS / shape, folder)
    audit = folder / "audit.toml"
    text = audit.read_text(encoding="utf-8")
    written = tomllib.loads(text)["sources"]["customer"]["columns"]
    audit.write_text(ANY_COLUMNS.sub("", text, count=1), encoding="utf-8")
    return audit, {fold_header(k): v for k, v in written.items()}


# Each tool's header shape: one row (Google Forms), title rows above the header (Microsoft
# Forms XLSX), three rows with the names in the first (Qualtrics), two rows with a matrix's stem
# carried over its sub-questions (SurveyMonkey). `map` proposes what an auditor wrote by hand.
@pytest.mark.parametrize("shape", ["google-forms", "microsoft-forms", "qualtrics", "surveymonkey"])
def test_map_proposes_the_hand_written_columns_of_each_tools_export(tmp_path: Path, cli, shape: str) -> None:  # type: ignore[no-untyped-def]
    audit, by_hand = _without_columns(tmp_path, shape)
    code, out, err = cli("map", audit, "customer", "--write")
    assert code == 0, err
    proposed = tomllib.loads(audit.read_text(encoding="utf-8"))["sources"]["customer"]["columns"]
    assert {fold_header(k): v for k, v in proposed.items()} == by_hand
    assert cli("score", audit, "-o", tmp_path / "record.json")[0] == 0


# Codes of the tool's own (LimeSurvey's `Q01[SQ001]`) and short labels unlike the questionnaire's
# wording (Sphinx) carry nothing to match: map says so and writes nothing; the auditor maps them.
@pytest.mark.parametrize("shape", ["limesurvey", "sphinx"])
def test_map_writes_nothing_where_headers_do_not_carry_the_items_wording(tmp_path: Path, cli, shape: str) -> None:  # type: ignore[no-untyped-def]
    audit, _ = _without_columns(tmp_path, shape)
    before = audit.read_bytes()
    code, out, err = cli("map", audit, "customer", "--write")
    assert code == 2 and "nothing to write" in err and audit.read_bytes() == before


@pytest.mark.parametrize("option, value", [("header_rows", "0"), ("header_rows", '"2"'), ("match_row", "4")])
def test_a_bad_header_option_is_named_in_the_audit_file(tmp_path: Path, cli, option: str, value: str) -> None:  # type: ignore[no-untyped-def]
    audit, _ = _without_columns(tmp_path, "qualtrics")
    text = re.sub(rf"^{option} = .*$", f"{option} = {value}", audit.read_text(encoding="utf-8"), count=1, flags=re.M)
    audit.write_text(text, encoding="utf-8")
    code, _, err = cli("map", audit, "customer")
    assert code == 2 and "Traceback" not in err
    assert str(audit) in err and f"sources.customer.{option}" in err
