"""Names compared as people see them: the TR39 skeleton of a name, for independence checks.

Two roster entries (or a member and an auditor) whose names *look* alike must compare equal:
`Claire Dubois`, `CLAIRE DUBOIS`, `Сlaire Dubois` (a Cyrillic С), `Claire\u200bDubois` (a
zero-width space) and `Clàire Dubois` all fold to the same key. `fold_name`:

1. NFKC (compatibility forms: fullwidth letters, ligatures, superscripts);
2. removes the Default_Ignorable code points (zero-width space and joiners, soft hyphen,
   bidirectional controls, variation selectors, tag characters…), which are invisible;
3. maps every character to its prototype from Unicode's confusables.txt (UTS #39 §4, the
   *skeleton*: Cyrillic М → M), drops the combining marks (accent-insensitive, as before),
   case-folds, and maps again (a lower-case letter has its own prototype), until nothing
   changes;
5. removes whitespace (a zero-width space in place of a space, or none, looks the same).

Skeletons are case-sensitive (upper-case `I` is a prototype `l`, Cyrillic `М` is `M` but `м`
is not `m`), so a name has two keys: `fold_name` (case-folded, then mapped) and `shape_key`
(mapped, case-folded, mapped again); two names look alike when they share either key.

The key is for comparison only (`l`, `I` and `1` share a prototype); people are shown the name
as written. The mapping ships as package data (`confusables.tsv`, with Unicode's licence line):
no library on the package index computes TR39 skeletons from current data (see the docs).
Python's `unicodedata` has no Default_Ignorable property; `is_default_ignorable` derives it as
Unicode does (DerivedCoreProperties.txt): Other_Default_Ignorable_Code_Point + Cf + the
variation selectors, less White_Space, the interlinear annotation characters and the
Prepended_Concatenation_Mark characters.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Callable
from importlib import resources

# Other_Default_Ignorable_Code_Point (PropList.txt) and the variation selectors, as ranges.
_OTHER_IGNORABLE = (
    (0x034F, 0x034F), (0x115F, 0x1160), (0x17B4, 0x17B5), (0x2065, 0x2065), (0x3164, 0x3164),
    (0xFFA0, 0xFFA0), (0xFFF0, 0xFFF8), (0xE0000, 0xE0000), (0xE0002, 0xE001F), (0xE0080, 0xE00FF),
    (0xE01F0, 0xE0FFF),
    (0x180B, 0x180D), (0x180F, 0x180F), (0xFE00, 0xFE0F), (0xE0100, 0xE01EF),
)
# Cf characters that are visible or structural, hence not Default_Ignorable.
_NOT_IGNORABLE = (
    (0xFFF9, 0xFFFB), (0x13430, 0x1343F),
    (0x0600, 0x0605), (0x06DD, 0x06DD), (0x070F, 0x070F), (0x0890, 0x0891), (0x08E2, 0x08E2),
    (0x110BD, 0x110BD), (0x110CD, 0x110CD),
)


def _within(code: int, ranges: tuple[tuple[int, int], ...]) -> bool:
    return any(low <= code <= high for low, high in ranges)


@functools.lru_cache(maxsize=4096)
def is_default_ignorable(char: str) -> bool:
    """Unicode's Default_Ignorable_Code_Point property, derived as DerivedCoreProperties.txt does."""
    code = ord(char)
    if char.isspace() or _within(code, _NOT_IGNORABLE):
        return False
    return unicodedata.category(char) == "Cf" or _within(code, _OTHER_IGNORABLE)


@functools.cache
def _prototypes() -> dict[str, str]:
    """confusables.txt's source → prototype mapping, read once from the package data."""
    mapping: dict[str, str] = {}
    text = resources.files("labelaudit.committee").joinpath("confusables.tsv").read_text("utf-8")
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        source, target = line.split("\t")
        mapping[chr(int(source, 16))] = "".join(chr(int(c, 16)) for c in target.split())
    return mapping


def _bare(text: str) -> str:
    """NFD without combining marks."""
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


def skeleton(text: str) -> str:
    """UTS #39 skeleton: NFD, each character replaced by its prototype, NFD again."""
    table = _prototypes()
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFD", "".join(table.get(c, c) for c in decomposed))


def _fixed_point(text: str, step: Callable[[str], str]) -> str:
    for _ in range(4):  # a prototype may decompose or case-fold further: iterate to a fixed point
        after = step(text)
        if after == text:
            break
        text = after
    return "".join(text.split())


def _visible(name: str) -> str:
    """NFKC, without the Default_Ignorable code points."""
    return "".join(c for c in unicodedata.normalize("NFKC", name) if not is_default_ignorable(c))


def fold_name(name: str) -> str:
    """The comparison key of a name, case-folded first: `CLAIRE DUBOIS` = `Сlaire Dubois` = `claire dubois`."""
    return _fixed_point(_visible(name), lambda t: _bare(skeleton(_bare(t.casefold()))))


def shape_key(name: str) -> str:
    """The key of a name's shapes as written, mapped before case-folding: an upper-case homoglyph
    keeps its look (Cyrillic `М` is `M`, while its lower case `м` is a small capital, not `m`)."""
    return _fixed_point(_visible(name), lambda t: _bare(skeleton(_bare(skeleton(t)).casefold())))


def name_keys(name: str) -> tuple[str, str]:
    """Both keys of a name: two names that share either look alike."""
    return fold_name(name), shape_key(name)


def looks_alike(a: str, b: str) -> bool:
    return bool(set(name_keys(a)) & set(name_keys(b)))
