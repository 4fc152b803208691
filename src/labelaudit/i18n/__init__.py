"""Every text labelaudit shows a person, in French and English, from gettext catalogs.

The messages live in standard gettext catalogs, one per language:
`labelaudit/locale/<lang>/LC_MESSAGES/labelaudit.po`, where msgid is the message's key
(`review.show.valid`) and msgstr its text with `{placeholders}`. A translator edits one `.po`
file; the build compiles each to `.mo` (Babel, see hatch_build.py), and a source checkout whose
`.mo` is missing or older than its `.po` reads the `.po` itself. A test checks that every
language has every message with the same placeholders. The language is chosen once per run
(`--lang`, or the `LABELAUDIT_LANG` / `LANG` environment) and held in a context variable.
"""

from __future__ import annotations

import argparse
import contextvars
import gettext
import io
import os
from pathlib import Path
from typing import Any

from labelaudit.i18n.formatting import localized
from labelaudit.model import LANGS, Lang, Text

_current: contextvars.ContextVar[Lang] = contextvars.ContextVar("labelaudit_lang", default="en")

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
DOMAIN = "labelaudit"


def catalog_path(lang: str, suffix: str = ".po", domain: str = DOMAIN) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{domain}{suffix}"


def _compiled(lang: str, domain: str) -> bytes | None:
    """A catalog's compiled bytes: the `.mo` when it is current, else its `.po` compiled here
    (a source checkout), else None (no catalog for that language and domain)."""
    po, mo = catalog_path(lang, domain=domain), catalog_path(lang, ".mo", domain)
    if mo.is_file() and (not po.is_file() or mo.stat().st_mtime >= po.stat().st_mtime):
        return mo.read_bytes()
    if not po.is_file():
        return None
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po.open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def _translations(lang: str, domain: str) -> gettext.NullTranslations:
    data = _compiled(lang, domain)
    return gettext.GNUTranslations(io.BytesIO(data)) if data is not None else gettext.NullTranslations()


def _read_catalog(lang: str) -> dict[str, str]:
    """key → text for one language."""
    from babel.messages.mofile import read_mo

    data = _compiled(lang, DOMAIN)
    if data is None:
        return {}
    return {str(m.id): str(m.string) for m in read_mo(io.BytesIO(data)) if m.id and m.string}


def _load_catalogs() -> dict[str, dict[str, str]]:
    """Every message in every shipped language: key → {lang → text}."""
    merged: dict[str, dict[str, str]] = {}
    for lang in LANGS:
        for key, text in _read_catalog(lang).items():
            merged.setdefault(key, {})[lang] = text
    return merged


MESSAGES: dict[str, dict[str, str]] = _load_catalogs()


def translate_argparse(lang: str) -> None:
    """argparse's own texts (`usage:`, `options`, its error messages) in the reader's language.

    argparse looks each of its texts up through its module's `_` and `ngettext` (gettext), as
    the translation how-to of its documentation says: they are pointed at the `argparse`
    catalog of `lang` (none for English: argparse's own texts).
    """
    translations = _translations(lang, "argparse")
    argparse._ = translations.gettext  # type: ignore[attr-defined]
    argparse.ngettext = translations.ngettext  # type: ignore[attr-defined]


def catalog(messages: dict[str, dict[Lang, str]]) -> None:
    """Add a module's own messages (report, review …); a key may be defined only once."""
    clash = sorted(set(messages) & set(MESSAGES))
    if clash:
        raise ValueError(f"messages defined twice: {', '.join(clash)}")
    MESSAGES.update(messages)


def set_lang(lang: Lang) -> None:
    _current.set(lang)


def current_lang() -> Lang:
    return _current.get()


def lang_from_environment() -> Lang:
    """`LABELAUDIT_LANG`, else the locale's language where it is French, else English."""
    explicit = os.environ.get("LABELAUDIT_LANG", "")
    if explicit in ("fr", "en"):
        return explicit  # type: ignore[return-value]
    return "fr" if os.environ.get("LANG", "").lower().startswith("fr") else "en"


def tr(key: str, /, lang: Lang | None = None, **params: Any) -> str:
    """The message `key` in `lang` (default: the run's), a Decimal or `Figure` value written
    as that language writes numbers (`733,9` / `733.9`)."""
    chosen = lang or _current.get()
    return MESSAGES[key][chosen].format(**localized(params, chosen))


def unknown_thing(what: str) -> str:
    """`unknown scale` / `échelle inconnue`: the noun of a `ref.unknown` message, with its gender."""
    return tr(f"unknown.{what}")


def both(key: str, /, **params: Any) -> Text:
    """A message in both languages, for what outlives the run (a record) or crosses a thread;
    each language's text writes its Decimal and `Figure` values its own way."""
    return Text(fr=tr(key, lang="fr", **params), en=tr(key, lang="en", **params))
