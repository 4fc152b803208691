"""The limits on what labelaudit reads: file sizes, nesting depths, and the digits of a number.

Every input file may be written by an adversary, or by a slip of the hand. Without bounds,
`weight = 1e100000000` becomes a hundred-million-digit integer (`Fraction` is exact: it keeps
every digit), a 5,000-digit integer trips Python's int-string limit, and `[[[[…` 200,000 deep
makes tomllib or json recurse until it fails. Each limit below is a named constant with its
reason; each refusal is a message that names the file and the place, in the user's language.
The limits are far above what any real scheme, audit, grid or record holds.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

from labelaudit.errors import InputError
from labelaudit.i18n import tr

MIB = 1024 * 1024

MAX_READ_BYTES = 512 * MIB
"""No file is read whole past this: a decision record of a 2,000-site network is tens of
megabytes; a larger file is refused before it is read, not after memory is spent on it."""

MAX_TOML_BYTES = 32 * MIB
"""A scheme, an audit.toml or an on-site grid is written by hand or by `labelaudit grid`; a grid
of a 2,000-site network is a few megabytes. tomllib holds several times a file's size in
objects, so a larger TOML file would only cost memory and time."""

MAX_TOML_DEPTH = 20
"""Arrays and tables nested in one another. labelaudit's deepest key path
(`sites[0].criteria[0].findings.minor[0]`, `scales.X.points[0].label.fr`) is five levels;
tomllib recurses once per level and would fail with a RecursionError past about 300."""

MAX_NUMBER_CHARS = 100
"""A number written with more characters than this (digits, underscores, exponent) is refused
before tomllib reads it: its `int()` raises past 4,300 digits, and Decimal refuses huge exponents."""

MAX_WHOLE_DIGITS = 15
"""A number read from a TOML file is below 10^15 in magnitude: weights, points, percentages,
levels, floors, targets and seeds are all far smaller."""

MAX_DECIMALS = 15
"""…and has at most 15 digits after the decimal point, so no Fraction read from a file has a
denominator above 10^15 (the engine multiplies a handful of them)."""

NUMBER_LIMIT = 10**MAX_WHOLE_DIGITS

MAX_RECORD_BYTES = 512 * MIB
"""A decision record: tens of megabytes for a large network; json holds it whole in memory."""

MAX_RECORD_DEPTH = 32
"""A record written by labelaudit nests 13 levels deep; json.loads recurses once per level."""

MAX_RECORD_NUMBER_DIGITS = 4000
"""An exact fraction in a record (`"exact": "7/12"`) may have long terms (a mean over many
sites has the least common multiple of their denominators), but each stays under Python's
int-string limit (4,300 digits), so `Fraction(text)` never raises nor takes long."""

MAX_REPORTED = 20
"""Bound problems listed for one file: a file holding a million bad numbers gets 20 lines and a count."""

RECORD_NUMBER_KEYS = frozenset(
    {"exact", "shown", "percent", "weight", "floor", "target", "min_points", "max_points", "min_percent",
     "points", "coverage", "minimum", "confidence", "min_coverage"}
)
"""The keys under which a record writes a number as text, read back with `Fraction(text)`."""

# What Fraction(text) would read as a number (the gate `target` key also names a source: a
# text that is no number is not this module's concern), and the forms labelaudit writes.
_NUMBER_LIKE = re.compile(r"\s*[-+]?(?:[0-9]|\.[0-9]).*", re.DOTALL)
_RECORD_NUMBER = re.compile(rf"-?[0-9]{{1,{MAX_RECORD_NUMBER_DIGITS}}}(?:[./][0-9]{{1,{MAX_RECORD_NUMBER_DIGITS}}})?")



def too_large(path: Path | str, limit: int) -> InputError:
    """The refusal of a file over `limit` bytes, with the reason for that limit."""
    reason = {MAX_TOML_BYTES: "bounds.too_large_toml", MAX_RECORD_BYTES: "bounds.too_large_record"}
    what = tr(reason.get(limit, "bounds.too_large_any"))
    return InputError.at(path, "", tr("bounds.too_large", size=f"{limit / MIB:g}", what=what))


def shown(value: object, most: int = 40) -> str:
    """A value as a message shows it, cut short: a number may have millions of digits."""
    if isinstance(value, int) and value.bit_length() > 4 * most:
        return f"{str(value)[:12] if value.bit_length() < 10_000 else '…'}… ({value.bit_length()} bits)"
    text = str(value)
    return text if len(text) <= most else text[: most - 1] + "…"


# --- Numbers -----------------------------------------------------------------------------------


def number_problem(value: object) -> str | None:
    """Why a number read from a file is out of bounds (a placed message's text), or None.

    Accepts what TOML and the converters hold: int, Decimal (TOML floats), Fraction, float.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        ok = -NUMBER_LIMIT < value < NUMBER_LIMIT
    elif isinstance(value, Decimal):
        ok = _decimal_ok(value)
    elif isinstance(value, Fraction):
        ok = -NUMBER_LIMIT < value < NUMBER_LIMIT and value.denominator <= NUMBER_LIMIT
    elif isinstance(value, float):
        ok = value == value and abs(value) < NUMBER_LIMIT  # NaN and infinities fail too
    else:
        return None
    if ok:
        return None
    return tr("bounds.number", digits=MAX_WHOLE_DIGITS, decimals=MAX_DECIMALS, found=shown(value))


def _decimal_ok(value: Decimal) -> bool:
    if not value.is_finite():
        return False
    if value.is_zero():
        return True
    if value.adjusted() >= MAX_WHOLE_DIGITS:  # adjusted(): the exponent of the leading digit
        return False
    sign, digits, exponent = value.as_tuple()
    trailing = len(digits) - len("".join(map(str, digits)).rstrip("0"))
    return int(exponent) + trailing >= -MAX_DECIMALS


class OutOfBounds(ValueError):
    """A number, but outside the bounds of `number_problem` (its message says which)."""


def typed_number(text: str) -> Fraction:
    """A number a person typed (an option such as `--source-weight customer=1.5`), exactly.

    Raises `OutOfBounds`, with the bounds of a number read from a file as its message, for a
    number out of them; and ValueError, as `Fraction` does, for a text that is no number. The exponent is
    looked at before `Fraction` sees it: `Fraction("1e100000000")` alone takes minutes.
    """
    refused = tr("bounds.number", digits=MAX_WHOLE_DIGITS, decimals=MAX_DECIMALS, found=shown(text))
    if len(text) > MAX_NUMBER_CHARS:
        raise OutOfBounds(refused)
    if "e" in text.lower() and "/" not in text:
        try:
            exponent_form = Decimal(text.strip().replace("_", ""))
        except ArithmeticError:
            raise OutOfBounds(refused) from None
        if not _decimal_ok(exponent_form):
            raise OutOfBounds(refused)
    value = Fraction(text)
    if number_problem(value):
        raise OutOfBounds(refused)
    return value


# --- TOML --------------------------------------------------------------------------------------

# Strings and comments are skipped whole (a bracket or a digit in a text is not structure);
# what is left and counted: brackets and braces, and numbers written too long.
_TOML_TOKENS = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"{3,5}'
    r"|'''(?:[^']|'(?!''))*'{3,5}"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'[^'\n]*'"
    r"|#[^\n]*"
    r"|[\[\]{}]"
    rf"|(?<![\w.+-])[0-9][\w.+-]{{{MAX_NUMBER_CHARS},}}",
    re.DOTALL,
)


def check_text(path: Path | str, text: str) -> None:
    """Refuse, before tomllib reads it, a TOML text nested too deep or with a number too long."""
    depth = 0
    for match in _TOML_TOKENS.finditer(text):
        token = match.group()
        first = token[0]
        if first in "[{":
            depth += 1
            if depth > MAX_TOML_DEPTH:
                raise _placed(path, text, match.start(), tr("bounds.too_deep", most=MAX_TOML_DEPTH))
        elif first in "]}":
            depth = max(depth - 1, 0)
        elif first.isdigit():
            what = tr("bounds.number_text", most=MAX_NUMBER_CHARS, digits=MAX_WHOLE_DIGITS, decimals=MAX_DECIMALS)
            raise _placed(path, text, match.start(), what)


def _placed(path: Path | str, text: str, offset: int, what: str) -> InputError:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return InputError.at(path, tr("place.line_column", line=line, column=column), what)


def data_problems(data: Any, most_depth: int = MAX_TOML_DEPTH) -> Iterator[tuple[str, str]]:
    """(key path, what) for every number out of bounds and every value nested too deep.

    Iterative, so a deep value is reported, never recursed into; a too-deep value's children
    are not visited. Key paths are kept as linked trails and written out only for a problem.
    """
    stack: list[tuple[Any, int, Any]] = [(data, 0, None)]
    while stack:
        value, depth, trail = stack.pop()
        if depth > most_depth:  # the file's own table is depth 0
            yield _trail_path(trail), tr("bounds.too_deep", most=most_depth)
            continue
        pairs = value.items() if type(value) is dict else enumerate(value)
        children = []
        for key, item in pairs:
            kind = type(item)
            if kind is dict or kind is list:
                children.append((item, depth + 1, (trail, key)))
            elif kind is not str:
                problem = number_problem(item)
                if problem:
                    yield _trail_path((trail, key)), problem
        stack.extend(reversed(children))


# --- JSON records ------------------------------------------------------------------------------


class _Refused(ValueError):
    """Raised from json's hooks: a number the record may not hold (carries its text)."""

    def __init__(self, what: str, text: str) -> None:
        super().__init__(what)
        self.what, self.text = what, text


def _record_int(text: str) -> int:
    digits = len(text.lstrip("-"))
    if digits > MAX_RECORD_NUMBER_DIGITS:
        raise _Refused(tr("bounds.record_integer", digits=MAX_RECORD_NUMBER_DIGITS), text)
    return int(text)


def _record_float(text: str) -> float:
    value = float(text)
    if value != value or value in (float("inf"), float("-inf")):
        raise _Refused(tr("bounds.record_constant", found=shown(text)), text)
    return value


def _record_constant(text: str) -> float:
    raise _Refused(tr("bounds.record_constant", found=text), text)


def load_record_json(path: Path | str, raw: bytes) -> Any:
    """`json.loads` of a record's bytes with its size, depth and numbers bounded.

    Raises `InputError` for what is out of bounds, `UnicodeDecodeError` and `JSONDecodeError`
    as json does (the caller words them).
    """
    if len(raw) > MAX_RECORD_BYTES:
        raise too_large(path, MAX_RECORD_BYTES)
    text = raw.decode("utf-8")
    try:
        data = json.loads(
            text, parse_int=_record_int, parse_float=_record_float, parse_constant=_record_constant
        )
    except RecursionError:
        raise InputError.at(path, "", tr("bounds.too_deep", most=MAX_RECORD_DEPTH)) from None
    except _Refused as exc:
        offset = text.find(exc.text)
        where = _placed(path, text, offset, "").problems[0].where if offset >= 0 else ""
        raise InputError.at(path, where, exc.what) from None
    problems = list(_record_problems(data))
    if problems:
        from labelaudit.errors import Problem

        shown_problems = [Problem(str(path), tr("place.key", key=key) if key else "", what) for key, what in problems]
        raise InputError(shown_problems[:MAX_REPORTED], truncated=max(0, len(shown_problems) - MAX_REPORTED))
    return data


def _record_problems(data: Any) -> Iterator[tuple[str, str]]:
    """Too deep, or a number written as text that `Fraction(text)` could not read quickly.

    A network's record holds millions of values: the key path of each is kept as a linked
    trail (parent, key) and written out only for a problem.
    """
    Trail = tuple[Any, Any] | None
    stack: list[tuple[Any, int, Trail]] = [(data, 0, None)]
    keys, is_bad = RECORD_NUMBER_KEYS, _bad_number
    while stack:
        value, depth, trail = stack.pop()
        if depth > MAX_RECORD_DEPTH:
            yield _trail_path(trail), tr("bounds.too_deep", most=MAX_RECORD_DEPTH)
            continue
        if type(value) is dict:
            for key, item in value.items():
                kind = type(item)
                if kind is str:
                    if key in keys and is_bad(item):
                        found = shown(item)
                        yield _trail_path((trail, key)), tr("bounds.record_number", digits=MAX_RECORD_NUMBER_DIGITS, found=found)
                elif kind is dict or kind is list:
                    stack.append((item, depth + 1, (trail, key)))
        else:  # a list: json gives nothing else that holds values
            for i, item in enumerate(value):
                if type(item) is dict or type(item) is list:
                    stack.append((item, depth + 1, (trail, i)))


def _trail_path(trail: Any) -> str:
    parts: list[Any] = []
    while trail is not None:
        trail, key = trail
        parts.append(key)
    path = ""
    for key in reversed(parts):
        path += f"[{key}]" if isinstance(key, int) else (f".{key}" if path else str(key))
    return path


def _bad_number(text: str) -> bool:
    return _RECORD_NUMBER.fullmatch(text) is None and _NUMBER_LIKE.fullmatch(text) is not None
