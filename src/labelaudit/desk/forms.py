"""Every form field of the desk checked, each problem a message next to its field.

A check returns the cleaned values and a `Fields` of the messages (field name → text in the
reader's language); a form with any message is shown again with what was typed, never acted
on. Numbers are read exactly (`bounds.typed_number`, `1,5` as well as `1.5`), as the command
line reads them.
"""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Mapping
from fractions import Fraction
from pathlib import Path
from typing import Any

from attrs import define, field

from labelaudit.bounds import OutOfBounds, typed_number
from labelaudit.committee.chain import VERDICTS, level_ids
from labelaudit.committee.roster import ID_PATTERN
from labelaudit.documents.trace import num
from labelaudit.errors import InputError
from labelaudit.i18n import tr
from labelaudit.model import Lang, Scheme
from labelaudit.whatif import Changes, parse_changes

MAX_TEXT = 4000  # a rationale: a few paragraphs
MAX_SHORT = 200
STATUSES = ("pending", "granted", "refused", "deferred", "undecided")


@define
class Fields:
    """The messages of one form, by field, in one language."""

    lang: Lang
    errors: dict[str, str] = field(factory=dict)

    def add(self, name: str, key: str, **params: Any) -> None:
        self.errors.setdefault(name, tr(f"desk.field.{key}", lang=self.lang, **params))

    def __bool__(self) -> bool:
        return bool(self.errors)


def text(form: Mapping[str, Any], name: str, fields: Fields, *, required: bool = False, most: int = MAX_SHORT) -> str:
    value = str(form.get(name) or "").strip()
    if required and not value:
        fields.add(name, "required")
    elif len(value) > most:
        fields.add(name, "too_long", most=most)
    return value


def choice(form: Mapping[str, Any], name: str, allowed: tuple[str, ...], fields: Fields, *, required: bool = True) -> str:
    value = str(form.get(name) or "").strip()
    if not value and not required:
        return ""
    if value not in allowed:
        fields.add(name, "choice" if value else "required", allowed=", ".join(allowed))
    return value


def day(form: Mapping[str, Any], name: str, fields: Fields) -> dt.date | None:
    value = str(form.get(name) or "").strip()
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        fields.add(name, "date", value=value[:40])
        return None


def _typed(form: Mapping[str, Any], name: str, default: str) -> str:
    return str(form.get(name) or default).strip()


def number(form: Mapping[str, Any], name: str, fields: Fields, default: str) -> Fraction | None:
    raw = _typed(form, name, default).removesuffix("%").strip().replace(",", ".")
    try:
        return typed_number(raw)
    except OutOfBounds as exc:
        fields.add(name, "bounds", detail=str(exc))
    except (ValueError, ZeroDivisionError):
        fields.add(name, "number", value=raw[:40])
    return None


# --- the forms ---------------------------------------------------------------------------------


def signin(form: Mapping[str, Any], fields: Fields) -> tuple[str, str]:
    account = text(form, "account", fields, required=True, most=64)
    if account and not ID_PATTERN.fullmatch(account):
        fields.add("account", "account_id")
    password = str(form.get("password") or "")
    if not password:
        fields.add("password", "required")
    elif len(password) > 1024:
        fields.add("password", "too_long", most=1024)
    return account, password


def filters(query: Mapping[str, Any], fields: Fields) -> tuple[str, str, dt.date | None]:
    organisation = text(query, "organisation", fields)
    status = choice(query, "status", STATUSES, fields, required=False)
    return organisation, status, day(query, "due_before", fields)


def vote(form: Mapping[str, Any], record: dict[str, Any], fields: Fields) -> dict[str, Any]:
    """The vote's verdict, level or refusal, and rationale, as `writer.cast_vote` takes them."""
    verdict = choice(form, "verdict", VERDICTS, fields)
    target = str(form.get("target") or "").strip()
    rationale = text(form, "rationale", fields, most=MAX_TEXT)
    level, refuse = None, False
    if verdict == "override":
        if target == "refuse":
            refuse = True
        elif target in level_ids(record):
            level = target
        else:
            fields.add("target", "choice" if target else "required", allowed=", ".join([*level_ids(record), "refuse"]))
    if verdict in ("override", "defer") and not rationale:
        fields.add("rationale", "rationale", verdict=tr(f"desk.verdict.{verdict}", lang=fields.lang))
    return {"verdict": verdict, "level": level, "refuse": refuse, "rationale": rationale or None}


def remark(form: Mapping[str, Any], fields: Fields) -> str | None:
    return text(form, "rationale", fields, most=MAX_TEXT) or None


def registration(form: Mapping[str, Any], fields: Fields) -> tuple[Path | None, Path | None]:
    """A record file on the desk's machine, and optionally its audit folder (for the what-if)."""
    record_text = text(form, "record", fields, required=True, most=1000)
    folder_text = text(form, "audit_dir", fields, most=1000)
    record = Path(record_text) if record_text else None
    if record is not None and not record.is_file():
        fields.add("record", "no_file", path=record_text)
    folder = Path(folder_text) if folder_text else None
    if folder is not None and not (folder / "audit.toml").is_file():
        fields.add("audit_dir", "no_audit", path=folder_text)
    return record, folder


def whatif(query: Mapping[str, Any], scheme: Scheme, fields: Fields) -> Changes | None:
    """Source weights, exclusions on or off, level thresholds; None when a field is wrong."""
    weights = []
    for source in sorted(scheme.sources):
        factor = number(query, f"weight.{source}", fields, "1")
        if factor is not None and factor <= 0:
            fields.add(f"weight.{source}", "positive")
        elif factor is not None and factor != 1:
            weights.append(f"{source}={_typed(query, f'weight.{source}', '1')}")
    thresholds = []
    for level in scheme.levels:
        points = number(query, f"threshold.{level.id}", fields, num(level.min_points))
        if points is not None and points < 0:
            fields.add(f"threshold.{level.id}", "not_negative")
        elif points is not None and points != level.min_points:
            thresholds.append(f"{level.id}={_typed(query, f'threshold.{level.id}', '')}")
    exclusions = choice(query, "exclusions", ("on", "off"), fields, required=False) or "on"
    if fields:
        return None
    args = argparse.Namespace(source_weight=weights, min_coverage=None, level_threshold=thresholds, gate_off=[],
                              drop_source=[], without_exclusions=exclusions == "off")
    try:
        return parse_changes(args, scheme)
    except InputError as exc:  # the levels' order: a rule across the threshold fields
        fields.add("thresholds", "whatif", detail="; ".join(str(p.what) for p in exc.problems))
        return None
