"""Languages are catalogs: German complete and checked, a fourth language added as one file
without a code change, scheme and plugin texts in any language with a fallback to English, and
the language asked for checked where it enters (`--lang`, `LABELAUDIT_LANG`, `LANG`)."""

from __future__ import annotations

import json
import os
import re
import string
import subprocess
import sys
from pathlib import Path

import pytest

from clirun import FIXTURES, REPO, Result, run
from labelaudit.convert import structure
from labelaudit.errors import InputError
from labelaudit.i18n import LANGS, MESSAGES, catalog_path, tr
from labelaudit.languages import WORKING, fallbacks
from labelaudit.model import Text
from labelaudit.tomlfiles import load_toml

# Messages whose German is, rightly, the English: codes, symbols, names and words both
# languages share. Any other German msgstr equal to its English one is a text left untranslated.
SAME_IN_GERMAN = frozenset({
    "appeal.show.head", "format.list_separator", "report.committee.member_named", "appeal.show.vote", "appeal.timeline.source", "desk.dossiers.what", "desk.field.bounds", "desk.field.whatif",
    "desk.filter.title", "desk.nav.dossiers", "directory.col.organisation", "report.dossier.element_no",
    "report.dossier.level_threshold", "report.dossier.min_percent",
    "committee.member.name", "compare.none", "cycle.col_n", "cycle.family_nps", "expected.site_option",
    "explain.dimension", "explain.gate_line", "explain.none", "explain.site_line", "explain.site_n",
    "label.show.head", "register.list.audit", "register.list.organisation", "report.audit",
    "report.dimension", "report.element", "report.element_criteria", "report.n", "report.name",
    "report.plugin", "report.plugins", "report.pyramid", "report.text", "report.version",
    "report_pdf.running", "summary.labelled", "verify.audit_file", "verify.scheme_changed",
})

RAW_KEY = re.compile(r"\b(?:report|reason|summary|outcome|help|explain|review|lang)\.[a-z_]+\.?[a-z_]*\b")


def _fields(text: str) -> list[tuple[str, str]]:
    """A message's placeholders with their format spec (`{confidence:>3}`), in order of first
    use; the conversion (`!r`) is the translator's typography (French quotes « » instead)."""
    seen: list[tuple[str, str]] = []
    for _, name, spec, _ in string.Formatter().parse(text):
        if name is not None and (name, spec or "") not in seen:
            seen.append((name, spec or ""))
    return sorted(seen)


# ---------------------------------------------------------------- the catalogs


def test_german_is_a_language_and_the_working_ones_come_first() -> None:
    assert LANGS[:2] == WORKING and "de" in LANGS
    assert catalog_path("de").is_file() and catalog_path("de", domain="argparse").is_file()


@pytest.mark.parametrize("lang", [lang for lang in LANGS if lang != "en"])
def test_every_catalog_keeps_exactly_the_english_placeholders(lang: str) -> None:
    differ = [
        f"{key}: en {_fields(texts['en'])} / {lang} {_fields(texts[lang])}"
        for key, texts in MESSAGES.items()
        if lang in texts and _fields(texts[lang]) != _fields(texts["en"])
    ]
    assert not differ, f"{lang} changes the placeholders of:\n" + "\n".join(differ)


def test_every_german_message_is_translated() -> None:
    """Fails on an English key missing from the German catalog (a message added since) or a
    German text identical to the English one outside SAME_IN_GERMAN, listing each with its
    English and French, ready to translate."""
    left = [
        f"{key}\n    en: {texts['en']}\n    fr: {texts['fr']}"
        for key, texts in MESSAGES.items()
        if not texts.get("de") or (texts["de"] == texts["en"] and key not in SAME_IN_GERMAN)
    ]
    assert not left, f"{len(left)} message(s) to translate in src/labelaudit/locale/de/LC_MESSAGES/labelaudit.po:\n" + "\n".join(left)


def test_same_in_german_lists_only_messages_that_are_the_same() -> None:
    stale = sorted(k for k in SAME_IN_GERMAN if k not in MESSAGES or MESSAGES[k].get("de") != MESSAGES[k]["en"])
    assert not stale, f"no longer identical in German (drop them from SAME_IN_GERMAN): {stale}"


def test_a_message_missing_from_a_partial_catalog_reads_in_english() -> None:
    key = "outcome.refused"
    partial = {"fr": MESSAGES[key]["fr"], "en": MESSAGES[key]["en"]}
    MESSAGES["test.partial"] = partial
    try:
        assert tr("test.partial", lang="it") == partial["en"]
        assert tr("test.partial", lang="de") == partial["en"]
    finally:
        del MESSAGES["test.partial"]
    assert fallbacks("de_AT") == ("de_AT", "de", "en", "fr")


# ---------------------------------------------------------------- scheme and plugin texts


def _text(toml: str) -> Text:
    data = {"title": load_toml_text(toml)}
    return structure(data["title"], Text, file="scheme.toml", text=toml, at="title")


def load_toml_text(toml: str) -> object:
    import tomllib

    return tomllib.loads(toml)["title"]


def test_a_text_takes_any_language_code_and_falls_back_to_english() -> None:
    text = _text('title = { fr = "Niveau", en = "Level", de = "Stufe", it = "Livello" }\n')
    assert (text.get("fr"), text.get("en"), text.get("de"), text.get("it"), text.get("es")) == ("Niveau", "Level", "Stufe", "Livello", "Level")
    assert text.get("de_CH") == "Stufe"
    assert text.by_language() == {"fr": "Niveau", "en": "Level", "de": "Stufe", "it": "Livello"}
    assert Text(fr="a", en="b") == Text(fr="a", en="b", others={}) and hash(Text(fr="a", en="b", others={"de": "c"}))


@pytest.mark.parametrize(
    ("toml", "expected"),
    [
        ('title = { fr = "Niveau", eng = "Level" }\n', ["title.eng: unknown key: eng; did you mean 'en'?", "title.en: required key missing"]),
        ('title = { fr = "Niveau", en = "Level", de = "" }\n', ["title.de: empty text"]),
        ('title = { fr = "Niveau", en = "Level", de = 3 }\n', ["title.de: expected text, got 3"]),
        ('title = "Level"\n', ["title: expected a table of texts by language ({fr = \"…\", en = \"…\"}), got 'Level'"]),
    ],
)
def test_a_bad_text_names_its_key(toml: str, expected: list[str]) -> None:
    with pytest.raises(InputError) as raised:
        _text(toml)
    shown = [f"{p.where.split(', key ')[-1]}: {p.what}" for p in raised.value.problems]
    assert [any(e in s for s in shown) for e in expected] == [True] * len(expected), shown
    assert all("line 1" in p.where for p in raised.value.problems)


def test_the_bundled_scheme_has_every_person_read_text_in_german() -> None:
    """Every `{fr, en}` table of rulesets/en16880 has its `de`."""
    missing = []

    def walk(value: object, path: str) -> None:
        if isinstance(value, dict):
            if {"fr", "en"} <= set(value) and not value.get("de"):
                missing.append(path)
            for key, inner in value.items():
                walk(inner, f"{path}.{key}")
        elif isinstance(value, list):
            for i, inner in enumerate(value):
                walk(inner, f"{path}[{i}]")

    for path in sorted((REPO / "rulesets" / "en16880").rglob("*.toml")):
        data, _, _ = load_toml(path)
        walk(data, path.relative_to(REPO).as_posix())
    assert not missing, "no German text:\n" + "\n".join(missing)


# ---------------------------------------------------------------- the commands in German


@pytest.fixture(scope="module")
def record(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("de") / "demo.json"
    result = run("score", FIXTURES / "demo", "-o", out, "--lang", "de")
    assert result.code == 0, result
    return out


def _untranslated(english: str, german: str) -> list[str]:
    """Catalog phrases (whole, without placeholders) the English output shows and the German
    one shows too where German has its own words: words left in English. Single words are left
    out: a record's codes (`unacceptable`, `deferred`) are shown as they are in any language."""
    found = []
    for key, texts in MESSAGES.items():
        en, de = texts["en"], texts.get("de", "")
        if "{" in en or " " not in en or en == de or key in SAME_IN_GERMAN:  # one word: maybe a code
            continue
        if en in english and en in german and de not in german:
            found.append(f"{key}: {en}")
    return found


def test_score_speaks_german(record: Path, tmp_path: Path) -> None:
    german = run("score", FIXTURES / "demo", "-o", tmp_path / "r.json", "--lang", "de")
    english = run("score", FIXTURES / "demo", "-o", tmp_path / "e.json", "--lang", "en")
    assert german.code == 0 == english.code, german
    assert (tmp_path / "r.json").read_bytes() == (tmp_path / "e.json").read_bytes() == record.read_bytes()
    assert "Ergebnis: ERTEILT — Stufe Bestätigt" in german.out
    assert "Vision, Mission und Strategie der Service-Exzellenz" in german.out
    assert not _untranslated(english.out, german.out)
    assert not RAW_KEY.findall(german.out + german.err)
    # With a decimal comma the ends of an interval are parted by a semicolon, not a comma.
    assert re.search(r"\[\d+,\d{6}; \d+,\d{6}\]", german.out), german.out
    assert re.search(r"\[\d+\.\d{6}, \d+\.\d{6}\]", english.out), english.out


@pytest.mark.parametrize("fmt", ["html", "md"])
def test_the_report_speaks_german(record: Path, tmp_path: Path, fmt: str) -> None:
    outs = {}
    for lang in ("de", "en"):
        out = tmp_path / f"report.{lang}.{fmt}"
        result = run("report", record, "--format", fmt, "-o", out, "--lang", lang)
        assert result.code == 0, result
        outs[lang] = out.read_text("utf-8")
    german = outs["de"]
    assert tr("report.reasons", lang="de") in german and tr("report.reasons", lang="en") not in german
    assert "Bestätigt" in german and "Vision, Mission und Strategie der Service-Exzellenz" in german
    assert not _untranslated(outs["en"], german)
    assert not RAW_KEY.findall(re.sub(r"<[^>]+>", " ", german))
    if fmt == "html":
        assert '<html lang="de">' in german


def test_a_german_record_reason_is_written_again_in_german(record: Path) -> None:
    """The record keeps its reasons in French and English (its bytes must not depend on the
    catalogs installed); a German document writes them from their code and values."""
    from labelaudit.documents.reasons import reason_text

    data = json.loads(record.read_text("utf-8"))
    first = data["outcome"]["reasons"][0]
    assert set(first) == {"code", "params", "fr", "en"}
    assert reason_text(data, first, "de") == "733,9 Punkte: Stufe „Bestätigt“ erreicht (Schwellenwert 650)"
    assert data["scheme"]["levels"][1]["title"] == {"de": "Bestätigt", "en": "Confirmed", "fr": "Confirmé"}


def test_plugins_and_help_speak_german() -> None:
    plugins = run("plugins", "--lang", "de")
    assert plugins.code == 0, plugins
    assert "  Quellenart  survey: Wahrnehmungsbefragung (CSV oder XLSX)" in plugins.out
    assert "  Indikator   mean: Mittelwert" in plugins.out and "source kind" not in plugins.out
    helped = run("score", "--help", "--lang", "de")
    assert helped.code == 0 and "Verwendung: labelaudit score" in helped.out and "Optionen:" in helped.out
    assert "Entscheidung berechnen" in helped.out and "usage:" not in helped.out
    wrong = run("score", "--lang", "de", "--bogus")
    assert wrong.code == 2 and "Fehler:" in wrong.err and "error:" not in wrong.err


def _env_run(*args: str, **env: str) -> Result:
    base = {k: v for k, v in os.environ.items() if k not in ("LABELAUDIT_LANG", "LANG", "LC_ALL")}
    done = subprocess.run(
        [sys.executable, "-m", "labelaudit", *args], capture_output=True, text=True, encoding="utf-8",
        cwd=REPO, env={**base, **env, "PYTHONWARNINGS": "error"}, timeout=120,
    )
    return Result(done.returncode, done.stdout, done.stderr)


@pytest.mark.parametrize("env", [{"LABELAUDIT_LANG": "de"}, {"LANG": "de_DE.UTF-8"}, {"LANG": "de_AT.UTF-8"}])
def test_the_environment_chooses_german(env: dict[str, str]) -> None:
    result = _env_run("check", "--help", **env)
    assert result.code == 0 and "Verwendung: labelaudit check" in result.out, result


def test_lang_option_beats_the_environment_and_an_unknown_system_language_reads_english() -> None:
    assert "usage: labelaudit check" in _env_run("check", "--help", "--lang", "en", LABELAUDIT_LANG="de").out
    assert "usage: labelaudit check" in _env_run("check", "--help", LANG="ja_JP.UTF-8").out


# ---------------------------------------------------------------- a fourth language, one file

ITALIAN = """\
msgid ""
msgstr ""
"Language: it\\n"
"Content-Type: text/plain; charset=utf-8\\n"

msgid "help.description"
msgstr "Valuta gli audit del label di eccellenza del servizio"

msgid "help.score"
msgstr "calcola la decisione, la mostra e scrive il registro"

msgid "outcome.granted"
msgstr "CONCESSO — livello {level}"
"""


def test_a_fourth_language_is_one_file_without_a_code_change(tmp_path: Path) -> None:
    """An Italian catalog, partial, in a folder named by LABELAUDIT_LOCALE_PATH: `--lang it`
    is accepted, its messages shown, every other one in English, never a key."""
    catalog = tmp_path / "locale" / "it" / "LC_MESSAGES" / "labelaudit.po"
    catalog.parent.mkdir(parents=True)
    catalog.write_text(ITALIAN, "utf-8")
    env = {"LABELAUDIT_LOCALE_PATH": str(tmp_path / "locale")}
    helped = _env_run("score", "--help", "--lang", "it", **env)
    assert helped.code == 0, helped
    assert "calcola la decisione" in helped.out and "{fr,en,de,it}" in helped.out
    scored = _env_run("score", str(FIXTURES / "demo"), "-o", str(tmp_path / "r.json"), "--lang", "it", **env)
    assert scored.code == 0, scored
    assert "CONCESSO — livello Confirmed" in scored.out  # the scheme has no Italian: its English
    assert tr("summary.points", lang="en").split("{")[0] in scored.out  # a message Italian lacks
    assert not RAW_KEY.findall(scored.out)
    assert _env_run("check", str(FIXTURES / "demo"), "--lang", "it").code == 2  # without the folder: no Italian
    assert (tmp_path / "r.json").read_bytes() == (REPO / "tests" / "golden" / "demo.json").read_bytes()
