"""The gettext catalogs: every message in every language, the same placeholders, and the
compiled `.mo` saying exactly what the `.po` says."""

from __future__ import annotations

import string
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

from labelaudit.i18n import MESSAGES, catalog_path
from labelaudit.model import LANGS


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_every_message_exists_in_every_language() -> None:
    missing = sorted(f"{key} ({lang})" for key, texts in MESSAGES.items() for lang in LANGS if not texts.get(lang))
    assert not missing


def test_every_language_has_the_same_placeholders() -> None:
    differ = [
        key for key, texts in MESSAGES.items()
        if len({frozenset(_placeholders(texts[lang])) for lang in LANGS if lang in texts}) > 1
    ]
    assert not differ


@pytest.mark.parametrize("lang", LANGS)
def test_the_compiled_catalog_says_what_the_po_says(lang: str, tmp_path: Path) -> None:
    with catalog_path(lang).open("rb") as handle:
        po = read_po(handle, locale=lang)
    compiled = tmp_path / "labelaudit.mo"
    with compiled.open("wb") as handle:
        write_mo(handle, po)
    with compiled.open("rb") as handle:
        mo = read_mo(handle)
    assert {m.id: m.string for m in mo if m.id} == {m.id: m.string for m in po if m.id}
    assert po.locale is not None and str(po.locale) == lang


@pytest.mark.parametrize("lang", LANGS)
def test_labelaudit_reads_every_message_of_the_po(lang: str) -> None:
    """The catalogs are read by the standard library's gettext, faster than Babel's reader:
    every message of the `.po`, with exactly its text."""
    from labelaudit.i18n import _read_catalog

    with catalog_path(lang).open("rb") as handle:
        po = read_po(handle, locale=lang)
    assert _read_catalog(lang) == {m.id: m.string for m in po if m.id and m.string}


ARGPARSE_ENGLISH = ("usage:", "options:", "positional arguments", "show this help message", "error:", "invalid choice")


def test_argparse_speaks_french() -> None:
    """argparse's own texts (usage, section titles, its errors) follow --lang too."""
    from clirun import run

    helped = run("score", "--help", "--lang", "fr")
    wrong = run("score", "--lang", "fr", "--bogus")
    assert helped.code == 0 and wrong.code == 2
    shown = helped.out + wrong.err
    assert "usage : labelaudit score" in helped.out and "options\u00a0:" in helped.out
    assert "les arguments suivants sont obligatoires" in wrong.err or "arguments non reconnus" in wrong.err
    assert not [w for w in ARGPARSE_ENGLISH if w in shown], shown


def test_argparse_stays_english_in_english() -> None:
    from clirun import run

    assert "usage: labelaudit score" in run("score", "--help", "--lang", "en").out
