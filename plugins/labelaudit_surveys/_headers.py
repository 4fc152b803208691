"""When a header the audit names is not in the export: the export's header most like it, and
the first character where the two differ as `labelaudit.fold_header` compares them.

An auditor who copies `Q1 - Accueil de l'agence` from a questionnaire cannot see that the export
writes `l′agence` (a prime) or `Accueil  de` with a non-breaking space folding does not cover:
the message names the character and its code point, so that the fix is obvious.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence

from labelaudit import fold_header

LIKE_ENOUGH = 0.6  # difflib's ratio from which a header is shown as the likely one


def closest_header(wanted: str, headers: Sequence[tuple[int, str]]) -> tuple[int, str] | None:
    """The file's header (position, text) most like `wanted`, among those nothing matched, if one
    is like enough to be the likely typo (difflib's ratio of the folded texts)."""
    folded = fold_header(wanted)
    scored = [(difflib.SequenceMatcher(None, folded, fold_header(text)).ratio(), -position, position, text)
              for position, text in headers]
    best = max(scored, default=None)
    return (best[2], best[3]) if best is not None and best[0] >= LIKE_ENOUGH else None


def first_difference(wanted: str, got: str) -> tuple[int, str, str]:
    """Where two headers first differ as `fold_header` compares them: (1-based character of
    `wanted`, its character, the file's character), "" for the end of a text."""
    ours, theirs = _folded_chars(wanted), _folded_chars(got)
    for (mine, mine_folded), (other, other_folded) in zip(ours, theirs):
        if mine_folded != other_folded:
            return mine[0] + 1, mine[1], other[1]
    index = min(len(ours), len(theirs))
    mine = ours[index][0] if index < len(ours) else (len(wanted), "")
    other = theirs[index][0] if index < len(theirs) else (len(got), "")
    return mine[0] + 1, mine[1], other[1]


def _folded_chars(text: str) -> list[tuple[tuple[int, str], str]]:
    """((position, character), folded character) of each character that folding keeps, a run of
    spaces as one space; leading and trailing spaces dropped as `fold_header` drops them."""
    out: list[tuple[tuple[int, str], str]] = []
    for position, char in enumerate(text):
        folded = fold_header(f"x{char}x")[1:-1]  # between letters, so that a space stays a space
        if folded == " " and (not out or out[-1][1] == " "):
            continue
        if folded:
            out.append(((position, char), folded))
    while out and out[-1][1] == " ":
        out.pop()
    return out
