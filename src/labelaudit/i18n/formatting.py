"""Numbers, percentages and dates as the reader's language writes them (CLDR, through Babel).

French writes `733,9`, `72,0 %` (a no-break space before the sign) and `20 novembre 2026`;
English `733.9`, `72.0%` and `November 20, 2026`. The values come already rounded (the one
rounding rule of `labelaudit.numbers`): these functions only write them, keeping every decimal
they have, so that the number a person reads is the number that decided. Records never use
them: a record is locale-free.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import lru_cache

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_decimal, format_percent


@lru_cache(maxsize=None)
def _locale(lang: str) -> Locale:
    return Locale.parse(lang)


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
    pattern = _with_places("#,##0", _places(decimal))
    return format_decimal(decimal, format=pattern, locale=_locale(lang), decimal_quantization=True)


def percent(value: Decimal, lang: str) -> str:
    """A percentage already in percent (`Decimal("72.0")`) as `72,0 %` / `72.0%`."""
    decimal = Decimal(value)
    base = _locale(lang).percent_formats[None].pattern
    pattern = _with_places(base, _places(decimal))
    return format_percent(decimal / 100, format=pattern, locale=_locale(lang), decimal_quantization=True)


def date(day: dt.date, lang: str) -> str:
    """`20 novembre 2026` / `November 20, 2026`."""
    return format_date(day, format="long", locale=_locale(lang))
