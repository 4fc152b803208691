"""Every text labelaudit shows a person, in each language it has a catalog for.

The messages live in standard gettext catalogs, one per language:
`labelaudit/locale/<lang>/LC_MESSAGES/labelaudit.po`, where msgid is the message's key
(`review.show.valid`) and msgstr its text with `{placeholders}`. A translator edits one `.po`
file; the build compiles each to `.mo` (Babel, see hatch_build.py), and a source checkout whose
`.mo` is missing or older than its `.po` reads the `.po` itself. The languages are the catalogs
found (`labelaudit.languages`): French and English have every message (a test checks it, and
that every catalog keeps the English placeholders); another language may lack some, which then
read in English. The language is chosen once per run (`--lang`, or the `LABELAUDIT_LANG` /
`LANG` environment) and held in a context variable.
"""

from __future__ import annotations

import argparse
import contextvars
import gettext
import io
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from labelaudit.i18n.formatting import localized
from labelaudit.languages import DOMAIN, LANGS, LOCALE_DIR, Lang, Text, fallbacks, find_catalog

_current: contextvars.ContextVar[Lang] = contextvars.ContextVar("labelaudit_lang", default="en")

__all__ = ["DOMAIN", "LANGS", "LOCALE_DIR"]


def catalog_path(lang: str, suffix: str = ".po", domain: str = DOMAIN) -> Path:
    """Where `lang`'s catalog is read from: the first of the locale folders that has it (see
    labelaudit.languages), else where the package would hold it."""
    found = find_catalog(lang, domain, ".po") or find_catalog(lang, domain, ".mo")
    folder = found.parent if found is not None else LOCALE_DIR / lang / "LC_MESSAGES"
    return folder / f"{domain}{suffix}"


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
    """key → text for one language, read by the standard library's gettext (three times faster
    than Babel's reader, and every command reads every catalog when it starts)."""
    data = _compiled(lang, DOMAIN)
    if data is None:
        return {}
    texts = gettext.GNUTranslations(io.BytesIO(data))._catalog  # type: ignore[attr-defined]  # msgid → msgstr
    return {key: text for key, text in texts.items() if isinstance(key, str) and key and text}


def _load_catalogs() -> dict[str, dict[str, str]]:
    """Every message in every language found: key → {lang → text}."""
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


def known_lang(code: str) -> Lang | None:
    """`code` as a language with a catalog: `de`, `de_DE.UTF-8` → `de`, `pt_BR` → `pt_BR` (or
    `pt`); None when labelaudit has no catalog for it."""
    bare = code.split(".", 1)[0].split("@", 1)[0].replace("-", "_")
    if bare in LANGS:
        return bare
    language = bare.split("_", 1)[0].lower()
    return language if language in LANGS else None


def lang_from_environment() -> Lang:
    """`LABELAUDIT_LANG` when labelaudit speaks it, else the locale's language (`LANG`, such as
    `de_DE.UTF-8`) when it does, else English. A `LABELAUDIT_LANG` it does not speak is refused
    by the command line (`environment_problem`), not silently replaced."""
    for variable in ("LABELAUDIT_LANG", "LANG"):
        found = known_lang(os.environ.get(variable, ""))
        if found is not None:
            return found
    return "en"


def lang_problem(code: str) -> str | None:
    """Why `code` is not a language labelaudit can speak (with the one meant, when it is
    clear), or None when it is one."""
    if code in LANGS:
        return None
    return tr("lang.unknown", code=code, langs=", ".join(LANGS), hint=_lang_hint(code))


def _lang_hint(code: str) -> str:
    meant = _meant_lang(code)
    return tr("lang.did_you_mean", code=meant) if meant else ""


def _meant_lang(code: str) -> str | None:
    """`DE`, `de-DE`, `ger`, `German`, `Deutsch` → `de`: a code's case, region or name."""
    import difflib

    from babel import Locale

    if known_lang(code) is not None:
        return known_lang(code)
    folded = code.strip().casefold()
    for lang in LANGS:
        locale = Locale.parse(lang)
        names = {lang.casefold(), str(locale.english_name).casefold(), str(locale.display_name).casefold()}
        if folded in names or (len(folded) == 3 and folded[:2] == lang.casefold()):
            return lang
    close = difflib.get_close_matches(code.casefold(), list(LANGS), n=1, cutoff=0.5)
    return close[0] if close else None


def environment_problem() -> str | None:
    """A `LABELAUDIT_LANG` set to a language without catalog (`LANG` is the system's: a
    language labelaudit lacks there simply reads English)."""
    explicit = os.environ.get("LABELAUDIT_LANG", "")
    if not explicit or known_lang(explicit) is not None:
        return None
    return tr("lang.environment", variable="LABELAUDIT_LANG", problem=lang_problem(explicit))


def tr(key: str, /, lang: Lang | None = None, **params: Any) -> str:
    """The message `key` in `lang` (the run's language by default), its English where that
    catalog lacks it, a Decimal, `Figure` or date value written as that language writes it
    (`733,9` / `733.9`); a key no catalog has is a KeyError (a bug, or a third party's key)."""
    texts = MESSAGES[key]
    wanted = lang or _current.get()
    text = texts.get(wanted)
    if text is None:
        text = next((texts[code] for code in fallbacks(wanted) if code in texts), None)
        if text is None:
            raise KeyError(key)
    return text.format(**localized(params, wanted))


def pick(texts: Mapping[str, str], lang: Lang | None = None) -> str:
    """A record's `{fr, en, …}` text in `lang`, else in the first fallback it has."""
    wanted = lang or _current.get()
    return next((texts[code] for code in fallbacks(wanted) if texts.get(code)), "")


def unknown_thing(what: str) -> str:
    """`unknown scale` / `échelle inconnue`: the noun of a `ref.unknown` message, with its gender."""
    return tr(f"unknown.{what}")


def both(key: str, /, **params: Any) -> Text:
    """A message in every language, for what outlives the run or crosses a thread (a problem
    found in a worker, shown later in the reader's language)."""
    others = {lang: tr(key, lang=lang, **params) for lang in LANGS if lang not in ("fr", "en") and lang in MESSAGES[key]}
    return Text(fr=tr(key, lang="fr", **params), en=tr(key, lang="en", **params), others=others)
