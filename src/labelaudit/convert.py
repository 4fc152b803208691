"""cattrs for every (un)structuring, with its errors turned into readable, placed messages."""

from __future__ import annotations

import datetime as dt
import difflib
import typing
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any, TypeVar

import cattrs
from cattrs.errors import AttributeValidationNote, ClassValidationError, ForbiddenExtraKeysError, IterableValidationError
from cattrs.v import transform_error

from labelaudit.bounds import number_problem
from labelaudit.errors import InputError, Problem
from labelaudit.i18n import LANGS, tr
from labelaudit.languages import WORKING, is_language_code
from labelaudit.model import Text
from labelaudit.tomlfiles import where

T = TypeVar("T")


converter = cattrs.Converter(detailed_validation=True, forbid_extra_keys=True)


def _structure_fraction(value: Any, _type: type) -> Fraction:
    # bool is an int in Python, but `weight = true` is a mistake, not 1.
    if isinstance(value, bool) or not isinstance(value, (int, Decimal, Fraction)):
        raise ValueError(tr("value.expected", expected=tr("expected.number"), found=value))
    # load_toml bounds what it reads; this bounds what else is structured (a plugin's options,
    # data built in code), so that no Fraction is made of a hundred-million-digit number.
    problem = number_problem(value)
    if problem:
        raise ValueError(problem)
    return Fraction(value)


def _structure_str(value: Any, _type: type) -> str:
    if not isinstance(value, str):
        raise ValueError(tr("value.expected", expected=tr("expected.text"), found=value))
    return value


def _structure_int(value: Any, _type: type) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(tr("value.expected", expected=tr("expected.whole_number"), found=value))
    problem = number_problem(value)
    if problem:
        raise ValueError(problem)
    return value


def _structure_bool(value: Any, _type: type) -> bool:
    if not isinstance(value, bool):
        raise ValueError(tr("value.expected", expected=tr("expected.boolean"), found=value))
    return value


def _structure_date(value: Any, _type: type) -> dt.date:
    if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
        raise ValueError(tr("value.expected", expected=tr("expected.date"), found=value))
    return value


converter.register_structure_hook(Fraction, _structure_fraction)
converter.register_structure_hook(str, _structure_str)
converter.register_structure_hook(int, _structure_int)
converter.register_structure_hook(bool, _structure_bool)
converter.register_structure_hook(dt.date, _structure_date)
converter.register_structure_hook(Path, lambda value, _t: Path(_structure_str(value, str)))


def _is_sequence_of_text(type_: Any) -> bool:
    origin = getattr(type_, "__origin__", None)
    return origin in (tuple, list) and getattr(type_, "__args__", (None,))[0] is str


def _structure_text_sequence(value: Any, type_: Any) -> Any:
    # A lone string is itself a sequence: without this check `ignore = "Id"` became ("I", "d").
    if isinstance(value, str) or not isinstance(value, (list, tuple)):
        raise ValueError(tr("value.expected", expected=tr("expected.texts"), found=value))
    items = [_structure_str(v, str) for v in value]
    return tuple(items) if type_.__origin__ is tuple else items


converter.register_structure_hook_func(_is_sequence_of_text, _structure_text_sequence)


def _noted(exc: Exception, key: str) -> Exception:
    """`exc` as cattrs notes a class's attribute error, so that it is placed at `….title.key`."""
    exc.__notes__ = [*getattr(exc, "__notes__", []), AttributeValidationNote(f"Structuring Text @ attribute {key}", key, str)]
    return exc


def _language_text(key: Any, value: Any) -> str:
    if not isinstance(key, str) or not is_language_code(key):
        shown = tr("key.unknown_named", keys=key)
        close = closest(str(key), list(dict.fromkeys((*WORKING, *LANGS))))
        shown = tr("convert.did_you_mean", what=shown, close=close) if close else shown
        raise ValueError(tr("lang.text_key", problem=shown))
    text = _structure_str(value, str)
    if not text:
        raise ValueError(tr("lang.text_empty"))
    return text


def _structure_text(value: Any, _type: type) -> Text:
    """`{fr = "…", en = "…", de = "…"}`: French and English required, any other language code
    allowed; each problem placed at its key (`title.eng`: unknown key, did you mean `en`?)."""
    if not isinstance(value, dict):
        raise ValueError(tr("value.expected", expected=tr("lang.expected_text"), found=value))
    texts: dict[str, str] = {}
    errors: list[Exception] = []
    for key, text in value.items():
        try:
            texts[key] = _language_text(key, text)
        except ValueError as exc:
            errors.append(_noted(exc, str(key)))
    errors += [_noted(KeyError(code), code) for code in WORKING if code not in value]
    if errors:
        raise ClassValidationError("While structuring Text", errors, Text)
    return Text(fr=texts["fr"], en=texts["en"], others={k: v for k, v in texts.items() if k not in WORKING})


converter.register_structure_hook(Text, _structure_text)
converter.register_unstructure_hook(Text, lambda text: text.by_language())


def _is_literal(type_: Any) -> bool:
    return typing.get_origin(type_) is typing.Literal


def _structure_literal(value: Any, type_: Any) -> Any:
    # cattrs's own message ("luck not in literal typing.Literal[...]") is neither placed nor translated.
    allowed = typing.get_args(type_)
    if isinstance(value, bool) or value not in allowed:
        expected = tr("convert.one_of", values=", ".join(str(a) for a in allowed))
        raise ValueError(tr("value.expected", expected=expected, found=value))
    return value


converter.register_structure_hook_func(_is_literal, _structure_literal)


_UNKNOWN_KEYS = "\x00unknown keys:"  # a marker, not a text: `_path_problems` words it and places it
_SEP, _SEP2 = "\x01", "\x02"  # between unknown keys, and between a key and its closest known key

OMITTED: dict[type, frozenset[str]] = {}
"""Fields a class's structure hook does not read from a file (set where the hook is made):
they are not offered as the key someone meant."""


def known_keys(cls: Any) -> list[str]:
    """The keys a file may give for `cls` (an attrs class or a dataclass)."""
    import dataclasses

    import attrs

    if attrs.has(cls):
        names = [f.alias or f.name for f in attrs.fields(cls)]
    elif dataclasses.is_dataclass(cls):
        names = [f.name for f in dataclasses.fields(cls)]
    else:
        return []
    return [n for n in names if n not in OMITTED.get(cls, frozenset())]


def closest(name: str, known: list[str] | tuple[str, ...]) -> str | None:
    """The known name `name` most likely stands for (a typo, a case slip), or None."""
    by_case = [k for k in known if k.casefold() == name.casefold()]
    if by_case:
        return by_case[0]
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    return close[0] if close else None


def _format_exception(exc: BaseException, type_: Any) -> str:
    if isinstance(exc, KeyError):
        return tr("key.missing")
    if isinstance(exc, ForbiddenExtraKeysError):
        known = known_keys(exc.cl)
        return _UNKNOWN_KEYS + _SEP.join(f"{key}{_SEP2}{closest(key, known) or ''}" for key in sorted(exc.extra_fields))
    if isinstance(exc, (ValueError, TypeError)) and exc.args:
        return str(exc.args[0])
    return str(exc) or type(exc).__name__


def _joined(prefix: str, key_path: str) -> str:
    if not prefix or not key_path:
        return prefix or key_path
    return f"{prefix}{key_path}" if key_path.startswith("[") else f"{prefix}.{key_path}"


def _path_problems(exc: BaseException, file: str, text: str | None, at: str) -> list[Problem]:
    problems = []
    for message in transform_error(exc, path="$", format_exception=_format_exception):
        what, _, found_at = message.rpartition(" @ ")
        key_path = found_at.removeprefix("$").removeprefix(".")
        if what.startswith(_UNKNOWN_KEYS):
            # cattrs places them at their table: one problem a key, each at its own line
            for entry in what.removeprefix(_UNKNOWN_KEYS).split(_SEP):
                key, _, suggestion = entry.partition(_SEP2)
                shown = tr("key.unknown_named", keys=key)
                if suggestion:
                    shown = tr("convert.did_you_mean", what=shown, close=suggestion)
                problems.append(Problem(file, where(text, _joined(at, _joined(key_path, key))), shown))
            continue
        problems.append(Problem(file, where(text, _joined(at, key_path)), what))
    return problems


def structure(data: Any, cls: type[T], *, file: str | Path, text: str | None = None, at: str = "") -> T:
    """Structure `data` into `cls`, or raise one `InputError` listing every problem.

    Problems are placed at their key path in `text` (the file's TOML); `at` is where `data`
    itself is written, such as `sources.customer` for a source's options in audit.toml.
    """
    try:
        return converter.structure(data, cls)
    except (ClassValidationError, IterableValidationError) as exc:
        raise InputError(_path_problems(exc, str(file), text, at)) from None
    except (ValueError, TypeError) as exc:
        raise InputError.at(file, where(text, at), _format_exception(exc, cls)) from None
