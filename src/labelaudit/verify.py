"""`labelaudit verify RECORD AUDIT`: does this record follow, byte for byte, from these inputs?

The committee's check that a decision record was not edited and that the audit folder, the
rulesets and the plugins it was made from are the ones at hand. The decision is recomputed with
`workflow.score_audit` (decision date: the record's own `decided_on`; same plugins options and
`--rulesets`), then compared: first the inputs the record names (audit.toml digest, each
evidence file, each ruleset file, scheme id and version, plugin versions), so that a difference
is traced to its cause by file name, then the record's bytes against the canonical text of the
recomputed record. When the bytes differ, the JSON key paths whose values differ are listed,
the outcome first.

Exit codes: 0 verified (identical bytes); 3 NOT verified (something differs: a verification
that fails is a result, not an input error); 2 bad input (unreadable or malformed record or
audit); 1 an internal failure.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from attrs import frozen

from labelaudit.collect import DEFAULT_TIMEOUT, OnPluginError
from labelaudit.documents.explain import from_record
from labelaudit.documents.trace import align
from labelaudit.errors import InputError
from labelaudit.i18n import current_lang, tr
from labelaudit.model import Lang
from labelaudit.plugins import Plugins
from labelaudit.record import canonical_bytes, read_record
from labelaudit.tomlfiles import digest, where
from labelaudit.workflow import score_audit

EXIT_VERIFIED, EXIT_MISMATCH = 0, 3
MAX_PATHS = 20
# Top-level sections in the order a committee reads them: what was decided, then why, then what from.
SECTION_ORDER = (
    "outcome", "stability", "gates", "majors", "findings", "tree", "sites",
    "audit", "scheme", "inputs", "plugins", "decided_on", "format",
)



class _Absent:
    """A key or list item present on one side only."""

    def __repr__(self) -> str:
        return "ABSENT"


ABSENT = _Absent()


@frozen
class Difference:
    """One key path whose value differs: the record's value, then the recomputed one."""

    path: str
    old: Any
    new: Any


# --- Walking two records -----------------------------------------------------------------------


def differences(old: Any, new: Any, path: str = "") -> Iterator[Difference]:
    """Every leaf key path where the two JSON values differ, dict keys sorted, lists by id."""
    if isinstance(old, dict) and isinstance(new, dict):
        for key in _keys(old, new, top=not path):
            sub = f"{path}.{key}" if path else str(key)
            yield from _pair(old.get(key, ABSENT), new.get(key, ABSENT), sub)
    elif isinstance(old, list) and isinstance(new, list):
        yield from _list_differences(old, new, path)
    elif type(old) is not type(new) or old != new:
        yield Difference(path, old, new)


def _keys(old: Mapping[str, Any], new: Mapping[str, Any], *, top: bool) -> list[str]:
    """Sorted keys; at the top, the committee's order (outcome first)."""
    keys = sorted(set(old) | set(new))
    if not top:
        return keys
    rank = {k: i for i, k in enumerate(SECTION_ORDER)}
    return sorted(keys, key=lambda k: (rank.get(k, len(rank)), k))


def _pair(old: Any, new: Any, path: str) -> Iterator[Difference]:
    """A value present on one side only is one difference; otherwise walk into it."""
    if old is ABSENT or new is ABSENT:
        yield Difference(path, old, new)
    else:
        yield from differences(old, new, path)


def _list_differences(old: list[Any], new: list[Any], path: str) -> Iterator[Difference]:
    """Lists of identified items are matched by id (`[vision.1]`), others by position (`[3]`)."""
    old_ids, new_ids = _ids(old), _ids(new)
    if old_ids is not None and new_ids is not None:
        old_by, new_by = dict(zip(old_ids, old)), dict(zip(new_ids, new))
        order = old_ids + [i for i in new_ids if i not in old_by]
        for item in order:
            yield from _pair(old_by.get(item, ABSENT), new_by.get(item, ABSENT), f"{path}[{item}]")
        if [i for i in old_ids if i in new_by] != [i for i in new_ids if i in old_by]:
            yield Difference(f"{path} (order)", old_ids, new_ids)
        return
    for index in range(max(len(old), len(new))):
        left = old[index] if index < len(old) else ABSENT
        right = new[index] if index < len(new) else ABSENT
        yield from _pair(left, right, f"{path}[{index}]")


def _ids(items: Sequence[Any]) -> list[str] | None:
    """The items' unique `id` (or `site`, `name`, `criterion`) values, or None when they have none."""
    for key in ("id", "site", "name", "criterion"):
        if items and all(isinstance(i, dict) and isinstance(i.get(key), str) for i in items):
            ids = [i[key] for i in items]
            if len(set(ids)) == len(ids):
                return ids
    return None


def show(value: Any, lang: Lang, width: int = 72) -> str:
    """A JSON value on one line: strings bare, the rest as JSON, long ones cut."""
    if value is ABSENT:
        return tr("verify.absent", lang=lang)
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= width else text[: width - 1] + "…"


def difference_lines(diffs: Sequence[Difference], lang: Lang, limit: int = MAX_PATHS) -> list[str]:
    """At most `limit` lines `path: old → new`, then how many more there are."""
    lines = [f"{d.path}: {show(d.old, lang)} → {show(d.new, lang)}" for d in diffs[:limit]]
    if len(diffs) > limit:
        lines.append(tr("verify.more", lang=lang, count=len(diffs) - limit))
    return lines


# --- Comparing what the record was made from ---------------------------------------------------


def digest_lines(old: Mapping[str, str], new: Mapping[str, str], lang: Lang) -> str:
    """Files by name: changed, added, removed; or `same (n)`."""
    changed = sorted(k for k in old.keys() & new.keys() if old[k] != new[k])
    added = sorted(new.keys() - old.keys())
    removed = sorted(old.keys() - new.keys())
    parts = [
        tr(key, lang=lang, names=", ".join(names))
        for key, names in (("verify.changed", changed), ("verify.added", added), ("verify.removed", removed))
        if names
    ]
    return "; ".join(parts) if parts else tr("verify.same_count", lang=lang, count=len(old))


def input_rows(record: dict[str, Any], new: dict[str, Any], lang: Lang) -> list[list[str]]:
    """One row per kind of input: audit.toml, evidence, rulesets, scheme, plugins."""
    same = tr("verify.same", lang=lang)
    old_digest, new_digest = record["audit"]["digest"], new["audit"]["digest"]
    audit = same if old_digest == new_digest else tr("verify.digest_changed", lang=lang, old=_short(old_digest), new=_short(new_digest))
    old_scheme = f"{record['scheme']['id']} {record['scheme']['version']}"
    new_scheme = f"{new['scheme']['id']} {new['scheme']['version']}"
    if old_scheme == new_scheme:
        scheme = tr("verify.scheme_same", lang=lang, scheme=old_scheme)
    else:
        scheme = tr("verify.scheme_changed", lang=lang, old=old_scheme, new=new_scheme)
    return [
        [tr("verify.audit_file", lang=lang), audit],
        [tr("verify.evidence", lang=lang), digest_lines(record["inputs"], new["inputs"], lang)],
        [tr("verify.rulesets", lang=lang), digest_lines(record["scheme"]["rulesets"], new["scheme"]["rulesets"], lang)],
        [tr("verify.scheme", lang=lang), scheme],
        [tr("verify.plugins", lang=lang), _plugins(record["plugins"], new["plugins"], lang)],
    ]


def _short(digest: str) -> str:
    """`sha256:4c74a1fd0ff8…`: enough to tell two digests apart on a terminal line."""
    return digest[:19] + "…" if len(digest) > 20 else digest


def _plugins(old: Sequence[dict[str, Any]], new: Sequence[dict[str, Any]], lang: Lang) -> str:
    """Plugin versions by name: `same (…)`, or each one that changed, appeared or went."""
    before = {p["name"]: p["version"] for p in old}
    after = {p["name"]: p["version"] for p in new}
    if before == after:
        listed = ", ".join(f"{n} {v}" for n, v in sorted(before.items()))
        return f"{tr('verify.same', lang=lang)} ({listed})"
    parts = [f"{n} {before.get(n, '—')} → {after.get(n, '—')}" for n in sorted(before.keys() | after.keys()) if before.get(n) != after.get(n)]
    return "; ".join(parts)


# --- The check ---------------------------------------------------------------------------------


@frozen
class Verification:
    """The result: the lines to print and whether the record matched byte for byte."""

    verified: bool
    lines: tuple[str, ...]


def compare_record(record: dict[str, Any], raw: bytes, new: dict[str, Any], lang: Lang) -> Verification:
    """The record as read (parsed and raw bytes) against the recomputed one."""
    rows = input_rows(record, new, lang)
    canonical = canonical_bytes(new)
    extra: list[str] = []
    if raw == canonical:
        rows.append([tr("verify.record", lang=lang), tr("verify.bytes_same", lang=lang)])
    else:
        diffs = list(differences(record, new))
        if diffs:
            rows.append([tr("verify.record", lang=lang), tr("verify.paths", lang=lang, count=len(diffs))])
            extra = ["    " + line for line in difference_lines(diffs, lang)]
        else:
            rows.append([tr("verify.record", lang=lang), tr("verify.reformatted", lang=lang)])
    verified = raw == canonical
    lines = [*align(rows), *extra, tr("verify.ok" if verified else "verify.failed", lang=lang)]
    return Verification(verified, tuple(lines))


def decided_on(record: dict[str, Any], path: Path) -> dt.date:
    """The record's decision date: the one input the audit folder cannot give back."""
    value = record.get("decided_on")
    try:
        return dt.date.fromisoformat(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise InputError.at(path, where(None, "decided_on"), tr("verify.bad_date", value=value)) from None


def verify(
    record_path: Path,
    audit: Path,
    plugins: Plugins,
    *,
    rulesets: Sequence[Path] = (),
    max_errors: int = 50,
    on_plugin_error: OnPluginError = "stop",
    plugin_timeout: float = DEFAULT_TIMEOUT,
    lang: Lang = "en",
    read: tuple[dict[str, Any], bytes] | None = None,
) -> Verification:
    """Recompute the decision of `audit` and compare it with the record at `record_path`.

    The plugin options are those `score` takes: a record made with `--on-plugin-error skip`
    is reproduced only with the same option (and the same plugin failing). `read`: the record
    and its bytes (`record.read_record`), when the caller has read them.
    """
    record, raw = read if read is not None else read_record(record_path)
    date = decided_on(record, record_path)
    scored = score_audit(
        audit, plugins, rulesets=rulesets, decided_on=date, max_errors=max_errors,
        on_plugin_error=on_plugin_error, plugin_timeout=plugin_timeout, warn=warn,
    )
    title = tr("verify.title", lang=lang, record=record_path, audit=audit, date=date.isoformat())
    result = from_record(record_path, lambda: compare_record(record, raw, scored.record, lang))
    return Verification(result.verified, (title, *result.lines))


def warn(message: str) -> None:
    """A plugin's source left out (`--on-plugin-error skip`): said on stderr, the check goes on."""
    print(message, file=sys.stderr, flush=True)


def handle(args: argparse.Namespace, plugins: Plugins, out: Callable[[str], None]) -> int:
    """`labelaudit verify`: 0 when verified, 3 when something differs (a result, not an error)."""
    record, raw = read_record(args.record)  # once, for the comparison and the committee's chain
    result = verify(
        args.record, args.audit, plugins, rulesets=args.rulesets, max_errors=args.max_errors,
        on_plugin_error=args.on_plugin_error, plugin_timeout=args.plugin_timeout, lang=current_lang(),
        read=(record, raw),
    )
    from labelaudit.committee.display import committee_block

    # every committee rule re-checked, against the bytes compared above
    committee, sound = committee_block(args.record, register=args.register, loaded=(record, digest(raw)))
    out("\n".join((*result.lines, *committee)))
    return EXIT_VERIFIED if result.verified and sound else EXIT_MISMATCH


def add_parser(commands: Any, common: argparse.ArgumentParser, lang: Lang) -> None:
    """The `verify` subcommand (see cli.COMMANDS)."""
    parser = commands.add_parser("verify", parents=[common], help=tr("verify.help", lang=lang), description=tr("verify.help", lang=lang))
    parser.add_argument("record", type=Path, metavar="RECORD", help=tr("verify.help_record", lang=lang))
    parser.add_argument("audit", type=Path, metavar="AUDIT", help=tr("verify.help_audit", lang=lang))
    import labelaudit.committee  # noqa: F401  (its messages: the --register help)

    parser.add_argument("--register", type=Path, metavar="DB", help=tr("review.help.register", lang=lang))
    parser.set_defaults(handler=handle)
