"""Which languages labelaudit speaks: one for each message catalog it finds.

A language is one file a translator writes, `<lang>/LC_MESSAGES/labelaudit.po`, in the package's
`locale/` folder or in a folder named by the `LABELAUDIT_LOCALE_PATH` environment variable
(several folders separated as in `PATH`; theirs come first, so a translator can try a catalog
without touching the installed package). French and English are the working languages: every
message exists in both and every scheme text has both. Any other catalog may be partial: a
message it lacks is shown in English (`FALLBACK`), never as its key.

`Text` is a text people read in every language it has. This module imports nothing of
labelaudit, so that the domain (`labelaudit.model`, which re-exports `Text`) and the catalogs
(`labelaudit.i18n`) can both read it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from attrs import field, frozen, validators

WORKING: tuple[str, ...] = ("fr", "en")
"""The languages every message and every scheme text has."""

FALLBACK: tuple[str, ...] = ("en", "fr")
"""Where a text missing in the reader's language is taken from, in order."""

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
PATH_ENV = "LABELAUDIT_LOCALE_PATH"
DOMAIN = "labelaudit"

# `de`, `pt_BR`, `sr_Latn`: a CLDR language code as gettext folders name them.
_CODE = re.compile(r"[a-z]{2,3}(?:_[A-Z][a-z]{3})?(?:_(?:[A-Z]{2}|[0-9]{3}))?")


def is_language_code(code: str) -> bool:
    """`de`, `pt_BR`: the shape of a language code, and a language Babel (CLDR) knows."""
    from babel.localedata import exists

    return bool(_CODE.fullmatch(code)) and exists(code)


def locale_dirs() -> tuple[Path, ...]:
    """The folders searched for catalogs: `LABELAUDIT_LOCALE_PATH`'s first, the package's last."""
    extra = [Path(part) for part in os.environ.get(PATH_ENV, "").split(os.pathsep) if part]
    return (*extra, LOCALE_DIR)


def find_catalog(lang: str, domain: str = DOMAIN, suffix: str = ".po") -> Path | None:
    """The first `<dir>/<lang>/LC_MESSAGES/<domain><suffix>` of `locale_dirs()`, or None."""
    for folder in locale_dirs():
        path = folder / lang / "LC_MESSAGES" / f"{domain}{suffix}"
        if path.is_file():
            return path
    return None


@lru_cache(maxsize=None)
def _available(dirs: tuple[Path, ...]) -> tuple[str, ...]:
    found: set[str] = set()
    for folder in dirs:
        if not folder.is_dir():
            continue
        for child in folder.iterdir():
            catalog = child / "LC_MESSAGES" / f"{DOMAIN}.po"
            compiled = catalog.with_suffix(".mo")
            if (catalog.is_file() or compiled.is_file()) and is_language_code(child.name):
                found.add(child.name)
    return (*WORKING, *sorted(found - set(WORKING)))


def available() -> tuple[str, ...]:
    """Every language with a catalog: French and English first, then the others by code."""
    return _available(locale_dirs())


@lru_cache(maxsize=64)
def fallbacks(lang: str) -> tuple[str, ...]:
    """Where to look for a text in `lang`, in order: `de_AT`, `de`, then English, then French."""
    chain = [lang]
    if "_" in lang:
        chain.append(lang.split("_", 1)[0])
    chain += [code for code in FALLBACK if code not in chain]
    return tuple(chain)


Lang = str
"""A language code (`fr`, `en`, `de`): one with a catalog (`LANGS`) where a person reads it."""
LANGS: tuple[Lang, ...] = available()
"""The languages labelaudit speaks, French and English first: see labelaudit.languages."""


def _other_languages(value: Mapping[str, str] | Iterable[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    """A text's other languages as sorted (code, text) pairs: frozen, hashable, one order."""
    pairs = dict(value.items() if isinstance(value, Mapping) else value)
    return tuple(sorted((code, text) for code, text in pairs.items() if code not in ("fr", "en")))


def _non_empty_texts(instance: object, attribute: Any, value: tuple[tuple[str, str], ...]) -> None:
    empty = [code for code, text in value if not text]
    if empty:
        raise ValueError(f"empty text for {', '.join(empty)}")


@frozen
class Text:
    """A text shown to people: in both working languages, and in any other a scheme or a
    plugin gives (`Text(fr=…, en=…, others={"de": …})`; `{fr = "…", en = "…", de = "…"}` in
    TOML). A language it lacks reads its English (see `labelaudit.languages.fallbacks`)."""

    fr: str = field(validator=validators.min_len(1))
    en: str = field(validator=validators.min_len(1))
    others: tuple[tuple[str, str], ...] = field(default=(), converter=_other_languages, validator=_non_empty_texts)

    def get(self, lang: Lang) -> str:
        if lang == "fr":  # the usual cases first: `get` is called for every title shown
            return self.fr
        if lang == "en" or not self.others:
            return self.en
        texts = dict(self.others)
        return next((texts[code] for code in fallbacks(lang) if code in texts), self.en)

    def by_language(self) -> dict[str, str]:
        """Every language this text has: code → text."""
        return {"fr": self.fr, "en": self.en, **dict(self.others)}
