"""Turning one cell into a scale point, "no answer", or a clear rejection; and a site value into a site.

Survey tools export answers as numbers ("4", "4,0"), as the scale's own labels, or as labels of
their own. Labels are compared after normalising case, spacing and apostrophes, because the
same answer comes out as "Tout à fait d'accord", "tout à fait d’accord " or "TOUT À FAIT D'ACCORD"
depending on the tool.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Mapping
from decimal import Decimal
from fractions import Fraction

from labelaudit import Scale, Site, Text

from labelaudit_surveys import _messages as msg

_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?")
NO_ANSWER = -1  # `AnswerReader.code` of a blank cell or a no-answer label
MEMO_SIZE = 4096  # distinct cells an AnswerReader remembers: a scale has a handful, a hostile export millions


class Unusable(ValueError):
    """A cell that is neither a usable answer nor "no answer"; `why` says what was expected.

    `why` is bilingual so that the problem follows the user's language; the exception's own
    message is its English text.
    """

    def __init__(self, why: Text) -> None:
        super().__init__(why.en)
        self.why = why


def normalise(text: str) -> str:
    """A label as compared: NFC, typographic apostrophes straightened, spaces collapsed, casefolded."""
    text = unicodedata.normalize("NFC", text).replace("\u2019", "'").replace("\u02bc", "'")
    return " ".join(text.split()).casefold()


def cell_text(value: object) -> str:
    """A cell as a person reads it: `7` for the number 7.0, stripped text, "" for an empty cell."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


class AnswerReader:
    """Reads the answers to one item: its scale's points and labels, the audit's answer labels."""

    def __init__(
        self,
        scale: Scale,
        answers: Mapping[str, Fraction],
        no_answer: Iterable[str],
        answers_key: str,
    ) -> None:
        self.scale = scale
        self.points = frozenset(scale.values)
        self.answers = {normalise(label): Fraction(value) for label, value in answers.items()}
        self.labels = {
            normalise(text): point.value
            for point in scale.points
            for text in (point.label.fr, point.label.en)
        }
        self.no_answer = frozenset(normalise(label) for label in no_answer)
        self.answers_key = answers_key  # `[sources.customer.answers]`, for messages
        self.codes = {value: code for code, value in enumerate(scale.values)}
        # Each distinct cell, by type and value (the number 1 and True are equal keys otherwise),
        # read once: its point's code, or why it is unusable.
        self._memo: dict[tuple[type, object], int | Text] = {}

    def code(self, value: object) -> int:
        """`read` as a small integer: the point's index in the scale's values, NO_ANSWER for no
        answer. Raises `Unusable` as `read` does. A workbook's million cells take a handful of
        distinct values: each is read once (up to MEMO_SIZE of them), and a tally counts codes,
        which hash faster than Fractions."""
        key = (type(value), value)
        try:
            found = self._memo[key]
        except (KeyError, TypeError):  # not read yet, or a cell that cannot be a key
            try:
                point = self.read(value)
                found = NO_ANSWER if point is None else self.codes[point]
            except Unusable as exc:
                found = exc.why
            if len(self._memo) < MEMO_SIZE:
                try:
                    self._memo[key] = found
                except TypeError:
                    pass
        if isinstance(found, Text):
            raise Unusable(found)
        return found

    def value_of(self, code: int) -> Fraction:
        """The scale point a code (`code`, not NO_ANSWER) stands for."""
        return self.scale.values[code]

    def read(self, value: object) -> Fraction | None:
        """The scale point of a cell, None for no answer (blank or a no-answer label).

        Raises `Unusable` for anything else. An explicit mapping in the audit wins over the
        scale's labels, which win over the scheme's no-answer labels.
        """
        if isinstance(value, bool) or (isinstance(value, float) and not math.isfinite(value)):
            raise Unusable(self._expected(cell_text(value)))
        if isinstance(value, (int, float)):
            return self._on_scale(Fraction(value), cell_text(value))
        text = cell_text(value)
        if not text:
            return None
        label = normalise(text)
        if label in self.answers:
            return self._mapped(self.answers[label], text)
        if _NUMBER.fullmatch(text):
            return self._on_scale(Fraction(Decimal(text.replace(",", "."))), text)
        if label in self.labels:
            return self.labels[label]
        if label in self.no_answer:
            return None
        raise Unusable(self._expected(text))

    def _on_scale(self, number: Fraction, text: str) -> Fraction:
        if number not in self.points:
            raise Unusable(self._expected(text))
        return number

    def _mapped(self, number: Fraction, text: str) -> Fraction:
        if number not in self.points:
            raise Unusable(msg.mapped_off_scale(text, number, self.answers_key, self.scale))
        return number

    def _expected(self, text: str) -> Text:
        return msg.unexpected_answer(text, self.scale, self.answers_key)


class SiteReader:
    """Reads the site column: a value of `site_names`, or an audit site's id or name."""

    def __init__(self, sites: Iterable[Site], site_names: Mapping[str, str], site_names_key: str) -> None:
        self.sites = tuple(sites)
        self.known: dict[str, str] = {}
        for site in self.sites:
            self.known[normalise(site.name)] = site.id
            self.known[normalise(site.id)] = site.id
        self.known.update({normalise(value): site_id for value, site_id in site_names.items()})
        self.site_names_key = site_names_key

    def read(self, value: object) -> str:
        """The site id of a cell; raises `Unusable` for a blank or unknown site."""
        text = cell_text(value)
        site_id = self.known.get(normalise(text)) if text else None
        if site_id is not None:
            return site_id
        raise Unusable(msg.unexpected_site(text, [site.id for site in self.sites], self.site_names_key))
