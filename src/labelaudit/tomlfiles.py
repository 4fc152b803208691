"""Reading TOML exactly: floats as `Decimal`, every error placed at a line, every size bounded.

tomllib gives a line and column only for syntax errors; for a problem found later (an unknown
key, a bad weight) `line_of` finds the line of a key path such as `criteria[2].weight` in the
text, so that messages can still point at it.

A TOML file is input an adversary may write, so `load_toml` bounds what it reads before any
number reaches a `Fraction` (see `labelaudit.bounds`): the file's size, how deep it nests, and each
number's digits. Without them `weight = 1e100000000` became a hundred-million-digit integer,
and `[[[[…` a `RecursionError`.
"""

from __future__ import annotations

import hashlib
import os
import re
import tomllib
from decimal import Decimal
from pathlib import Path
from typing import Any

from labelaudit.errors import InputError, Problem
from labelaudit.i18n import tr
from labelaudit.bounds import MAX_READ_BYTES, MAX_REPORTED, MAX_TOML_BYTES, check_text, data_problems, too_large

_SYNTAX_AT = re.compile(r"^(?P<detail>.*?)\s*\(at line (?P<line>\d+), column (?P<col>\d+)\)$")
_SEGMENT = re.compile(r"([^.\[\]]+)((?:\[\d+\])*)")


def read_bytes(path: Path, limit: int = MAX_READ_BYTES) -> bytes:
    """A whole file, refused (placed, translated) when missing, unreadable or over `limit` bytes.

    The size is asked first, so a gigabyte is never read to be refused; then at most one byte
    past the limit is read, for a file whose size the system does not know (a pipe, /dev/zero).
    """
    try:
        with path.open("rb") as handle:
            if _size(handle) > limit:
                raise too_large(path, limit)
            data = handle.read(limit + 1)
    except FileNotFoundError:
        raise InputError.at(path, "", tr("file.missing")) from None
    except OSError as exc:
        raise InputError.at(path, "", tr("file.unreadable", detail=exc.strerror)) from None
    if len(data) > limit:
        raise too_large(path, limit)
    return data


def _size(handle: Any) -> int:
    return os.fstat(handle.fileno()).st_size


def digest(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def load_toml(path: Path) -> tuple[dict[str, Any], str, str]:
    """Parse a TOML file; return its data, its text and the digest of its bytes."""
    raw = read_bytes(path, MAX_TOML_BYTES)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError.at(path, tr("place.byte", byte=exc.start), tr("toml.encoding")) from None
    check_text(path, text)  # before tomllib: it recurses on nesting, and int() has a digit limit
    try:
        data = tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as exc:
        match = _SYNTAX_AT.match(str(exc))
        if match:
            where = tr("place.line_column", line=match["line"], column=match["col"])
            raise InputError.at(path, where, tr("toml.syntax", detail=match["detail"])) from None
        raise InputError.at(path, "", tr("toml.syntax", detail=str(exc))) from None
    except (ValueError, ArithmeticError, RecursionError) as exc:
        # What check_text did not foresee: int()'s digit limit, an exponent Decimal refuses.
        raise InputError.at(path, "", tr("bounds.unreadable", detail=_short(exc))) from None
    _check_data(path, text, data)
    return data, text, digest(raw)


def _check_data(path: Path, text: str, data: dict[str, Any]) -> None:
    """Every number within bounds and no table nested too deep, each problem at its line."""
    problems: list[Problem] = []
    for count, (key_path, what) in enumerate(data_problems(data)):
        if count == MAX_REPORTED:
            more = sum(1 for _ in data_problems(data)) - MAX_REPORTED
            raise InputError(problems, truncated=more)
        problems.append(Problem(str(path), where(text, key_path), what))
    if problems:
        raise InputError(problems)


def _short(exc: BaseException, most: int = 120) -> str:
    text = str(exc) or type(exc).__name__
    return text if len(text) <= most else text[: most - 1] + "…"


def _segments(key_path: str) -> list[tuple[str, list[int]]]:
    return [
        (name, [int(i) for i in re.findall(r"\d+", indexes)])
        for name, indexes in _SEGMENT.findall(key_path)
    ]


def line_of(text: str, key_path: str) -> int | None:
    """The 1-based line where `key_path` (as cattrs or a validator names it) is written.

    A best effort over the usual TOML layouts: `[[a.b]]` arrays of tables, `[a.b]` tables,
    dotted and inline keys. None when the key cannot be placed (it is then named by path only).
    """
    lines = text.splitlines()
    position, prefix, found = 0, "", None
    for name, indexes in _segments(key_path):
        dotted = f"{prefix}.{name}" if prefix else name
        header = re.compile(rf"^\s*\[\[\s*{re.escape(dotted)}\s*\]\]")
        if indexes and any(header.match(line) for line in lines[position:]):
            count = -1
            for number in range(position, len(lines)):
                if header.match(lines[number]):
                    count += 1
                    if count == indexes[0]:
                        position, found = number + 1, number + 1
                        break
            else:
                return found
            prefix = dotted
            continue
        # `[a.b]` also places `a`, which TOML lets one write only through its subtables.
        table = re.compile(rf"^\s*\[+\s*{re.escape(dotted)}\s*(?:\]|\.)")
        key = re.compile(rf'^\s*(?:"{re.escape(name)}"|{re.escape(name)})\s*=')
        # `[a.c]` may come after a sibling `[a.b]`: its own header, where written, places it.
        own = next((n for n in range(max(position - 1, 0), len(lines)) if table.match(lines[n])), None)
        if own is not None and prefix:
            position, found, prefix = own + 1, own + 1, dotted
            continue
        for number in range(max(position - 1, 0), len(lines)):
            if table.match(lines[number]) or key.match(lines[number]):
                position, found = number + 1, number + 1
                break
            if prefix and number >= position and lines[number].lstrip().startswith("["):
                return found  # the key is not in its table: point at the table itself
        else:
            return found
        prefix = dotted
    return found


def where(text: str | None, key_path: str) -> str:
    """`line N, key PATH`, or `key PATH` where the line cannot be found (in the user's language)."""
    line = line_of(text, key_path) if text and key_path else None
    if line is None:
        return tr("place.key", key=key_path) if key_path else ""
    return tr("place.line_key", line=line, key=key_path)
