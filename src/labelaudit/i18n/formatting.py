"""Numbers, percentages and dates as the reader's language writes them (CLDR, through Babel).

French writes `733,9`, `72,0 %` (a no-break space before the sign) and `20 novembre 2026`;
English `733.9`, `72.0%` and `November 20, 2026`. The values come already rounded (the one
rounding rule of `labelaudit.numbers`): these functions only write them, keeping every decimal
they have, so that the number a person reads is the number that decided. Records never use
them: a record is locale-free.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import TYPE_CHECKING

from attrs import frozen

if TYPE_CHECKING:  # Babel is imported on the first number or date written (a command's --help needs none)
    from babel import Locale


@lru_cache(maxsize=None)
def _locale(lang: str) -> Locale:
    from babel import Locale

    return Locale.parse(lang)


def writes_decimal_comma(lang: str) -> bool:
    """Whether `lang` writes a decimal comma (French, German … by CLDR); False for a code Babel
    does not know."""
    from babel import UnknownLocaleError
    from babel.numbers import get_decimal_symbol

    try:
        return bool(get_decimal_symbol(_locale(lang)) == ",")
    except (UnknownLocaleError, ValueError):
        return False


def _places(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def _with_places(pattern: str, places: int) -> str:
    """`#,##0 %` with two places is `#,##0.00 %`: the integer part's last 0 takes the decimals."""
    if places == 0:
        return pattern
    at = pattern.rfind("0") + 1
    return pattern[:at] + "." + "0" * places + pattern[at:]


def number(value: Decimal | int, lang: str) -> str:
    """`733,9` / `733.9`, with the locale's grouping (`12 733,9`), every given decimal kept."""
    decimal = Decimal(value)
    from babel.numbers import format_decimal

    pattern = _with_places("#,##0", _places(decimal))
    return format_decimal(decimal, format=pattern, locale=_locale(lang), decimal_quantization=True)


def percent(value: Decimal, lang: str) -> str:
    """A percentage already in percent (`Decimal("72.0")`) as `72,0 %` / `72.0%`."""
    decimal = Decimal(value)
    base = _locale(lang).percent_formats[None].pattern
    pattern = _with_places(base, _places(decimal))
    from babel.numbers import format_percent

    return format_percent(decimal / 100, format=pattern, locale=_locale(lang), decimal_quantization=True)


def date(day: dt.date, lang: str) -> str:
    """`20 novembre 2026` / `November 20, 2026`; French writes the first of a month `1er`."""
    from babel.dates import format_date

    text = format_date(day, format="long", locale=_locale(lang))
    return "1er" + text[1:] if lang == "fr" and day.day == 1 and text.startswith("1 ") else text


# --- what the outputs read from records: locale-free strings, written for a reader -------------


@frozen
class Figure:
    """A quantity kept locale-free (`"733.9"`, `"650"`) that a message writes in its reader's
    language: `tr` formats a Figure (and a Decimal) per language, a record stores its string.

    Counts, seeds, line numbers and ids stay plain strings or ints: only a quantity is written
    with the locale's decimal mark and grouping.
    """

    value: str

    def __str__(self) -> str:
        return self.value


def _decimal(value: object) -> Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (Decimal, int)):
        return Decimal(value)
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def written(value: object, lang: str) -> str:
    """A record's locale-free number (`"733.9"`, `"-0.306122"`, a Decimal, a Figure) as `lang`
    writes it; `—` for None, and anything that is not a number (`—`, `absent`) as it is."""
    if value is None:
        return NONE
    decimal = _decimal(value)
    if decimal is None or not decimal.is_finite():
        return str(value)
    return number(decimal, lang)


def written_percent(value: object, lang: str) -> str:
    """A record's percentage (`"72.0"`, already in percent) as `72,0 %` / `72.0%`; `—` for none."""
    decimal = None if value is None else _decimal(value)
    if decimal is None or not decimal.is_finite():
        return NONE if value is None else str(value)
    return percent(decimal, lang)


def written_signed(value: Decimal, lang: str) -> str:
    """A change: `+7,3` / `-6,4` / `0,0`; the sign always shown but for zero."""
    text = number(value, lang)
    return f"+{text}" if value > 0 else text


def written_date(value: object, lang: str) -> str:
    """An ISO date (`"2026-11-20"` or a date) as `20 novembre 2026`; `—` for None; any other
    text as it is."""
    if value is None or value == "":
        return NONE
    if isinstance(value, dt.date):
        return date(value, lang)
    try:
        return date(dt.date.fromisoformat(str(value)), lang)
    except ValueError:
        return str(value)


def short_date(value: object, lang: str) -> str:
    """A date in a table's column: `20 nov. 2026` / `Nov 20, 2026` (CLDR's medium form)."""
    if value is None or value == "":
        return NONE
    try:
        day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
    except ValueError:
        return str(value)
    from babel.dates import format_date

    return format_date(day, format="medium", locale=_locale(lang))


def _localized(value: object, lang: str) -> object:
    if isinstance(value, (Decimal, Figure)):
        return written(value, lang)
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return date(value, lang)
    return value


def localized(params: dict[str, object], lang: str) -> dict[str, object]:
    """A message's values as `lang` writes them: a Decimal or a Figure as a number (`733,9`),
    a date as a date (`20 novembre 2026`); anything else as it is."""
    return {k: _localized(v, lang) for k, v in params.items()}


NONE = "—"
