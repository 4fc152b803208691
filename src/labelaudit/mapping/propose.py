"""Matching an export's headers to a questionnaire's items, and sorting the matches.

A header matches an item by its code (`C01 …`: the header starts with the item's key, then a
non-alphanumeric character, so `C05x` is not `C05`) with confidence 100, or by its text: the
header, without a leading question number (`Q1 -`, `5a.`), against the item's text in each
language of the scheme, both folded by `fold_header` and compared with rapidfuzz's
`token_sort_ratio` (words sorted first, so reordered words still match). A header combined from
several rows (`Parent question / Sub-question`, see `combine_header`) is also compared by its
sub-question alone, since a matrix's shared stem says nothing about which item a column is. The best item of each
header is kept; two headers whose best item is the same are a conflict, the better one wins.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

from attrs import frozen
from rapidfuzz import fuzz, utils

from labelaudit.exports import JOIN, fold_header
from labelaudit.model import Item

DEFAULT_THRESHOLD = 80  # below, a match is only a suggestion: the auditor decides
SUGGESTION_FLOOR = 50  # below, a header is left unmapped: no item is anything like it
# A question number an export puts before the text: `Q1 - `, `5a. `, `12) `, `Q8b: `.
_NUMBERING = re.compile(r"^(?:q\s?)?\d+[a-z]?\s*[-.:)]?\s+")


@frozen
class Match:
    """One header and the item it most resembles, with the confidence in percent (0–100)."""

    header: str
    item: Item
    confidence: int
    by_code: bool


@frozen
class Proposal:
    """What `map` proposes: matches at or above the threshold (one per item), suggestions below
    it, conflicts (headers that lost their item to a better one), and what matched nothing."""

    proposed: tuple[Match, ...]
    suggestions: tuple[Match, ...]
    conflicts: tuple[Match, ...]
    unmapped: tuple[str, ...]
    unmatched: tuple[Item, ...]

    def columns(self) -> dict[str, str]:
        """The `columns` table: header → item key, in the export's order."""
        return {m.header: m.item.key for m in self.proposed}


def _text_key(text: str) -> str:
    """A text as compared: folded, then lowercased with punctuation made spaces (rapidfuzz)."""
    return utils.default_process(fold_header(text))


def _code_match(header: str, item: Item) -> bool:
    folded, code = fold_header(header), fold_header(item.key)
    return folded.startswith(code) and (len(folded) == len(code) or not folded[len(code)].isalnum())


# Between a matrix question's stem and its sub-question, in one header cell: ours (`combine_header`)
# and Qualtrics' question-text row (`Dans quelle mesure … ? - J'ai été accueilli(e) …`).
_STEM_SEPARATORS = (JOIN, " - ")


def _wordings(header: str, texts: Sequence[str]) -> set[str]:
    """What of a header is compared with the items' texts: the whole of it and each of its
    header rows' texts, and of each its last part after a stem separator (the sub-question),
    without its numbering."""
    parts = {header, *texts}
    parts |= {part.rsplit(sep, 1)[-1] for part in tuple(parts) for sep in _STEM_SEPARATORS if sep in part}
    return {_text_key(_NUMBERING.sub("", fold_header(part))) for part in parts}


def best_match(header: str, items: Sequence[Item], texts: Sequence[str] = ()) -> Match | None:
    """The item `header` (whose header rows read `texts`, if several) most resembles: a code
    first, then the best text score; None without items."""
    for item in items:
        if _code_match(header, item):
            return Match(header, item, 100, True)
    wordings = _wordings(header, texts)
    best: Match | None = None
    for item in items:
        wordings_of_item = {_text_key(text) for text in item.text.by_language().values()}  # every language the scheme gives
        score = round(max(fuzz.token_sort_ratio(wording, text) for wording in wordings for text in wordings_of_item))
        if best is None or score > best.confidence:
            best = Match(header, item, score, False)
    return best


def propose(
    headers: Iterable[str], items: Sequence[Item], *, threshold: int = DEFAULT_THRESHOLD,
    texts: Mapping[str, Sequence[str]] | None = None,
) -> Proposal:
    """Sort every header's best match into proposed, suggestion, conflict or unmapped; `texts`
    gives, for a header spread over several rows, each row's text of its column."""
    unmapped: list[str] = []
    by_item: dict[str, list[Match]] = {}
    order: list[Match] = []
    for header in headers:
        match = best_match(header, items, (texts or {}).get(header, ()))
        if match is None or match.confidence < SUGGESTION_FLOOR:
            unmapped.append(header)
            continue
        by_item.setdefault(match.item.key, []).append(match)
        order.append(match)
    winners = {key: max(matches, key=lambda m: m.confidence) for key, matches in by_item.items()}
    proposed, suggestions, conflicts = [], [], []
    for match in order:  # the export's order, so that the table reads like the file
        if winners[match.item.key] is not match:
            conflicts.append(match)
        elif match.confidence >= threshold:
            proposed.append(match)
        else:
            suggestions.append(match)
    taken = {m.item.key for m in proposed}
    unmatched = tuple(i for i in items if i.key not in taken)
    return Proposal(tuple(proposed), tuple(suggestions), tuple(conflicts), tuple(unmapped), unmatched)
