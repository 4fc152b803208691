"""The register's facts as the committee reads them: levels by their titles, decisions in words,
dates in the reader's language.

The register keeps ids (a level `confirme`, a status `granted`, ISO dates); the titles of a
record's levels are in the record itself, read once per record (the register's views read each
record anyway to re-verify its chain). A record that cannot be read now shows its level ids.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from functools import lru_cache
from pathlib import Path

from labelaudit.committee.chain import load_record_digest
from labelaudit.errors import InputError
from labelaudit.i18n import current_lang, pick, words
from labelaudit.model import Lang


@lru_cache(maxsize=256)
def _level_titles(record_file: str, digest: str) -> dict[str, dict[str, str]]:
    """level id → {lang → title} of the record at `record_file` (the digest keys the cache)."""
    try:
        record, _ = load_record_digest(Path(record_file))
    except InputError:
        return {}
    return {str(lv["id"]): dict(lv.get("title") or {}) for lv in record["scheme"]["levels"]}


def level(level_id: str | None, record_file: str, digest: str, lang: Lang | None = None) -> str:
    """A level's title (`Confirmé`), its id when the record is gone, `` for none."""
    if not level_id:
        return ""
    titles = _level_titles(record_file, digest).get(level_id, {})
    return pick(titles, lang) or level_id


def decision(status: str | None, level_id: str | None, record_file: str, digest: str) -> str:
    """`accordé — Confirmé`, `refusé`, `en attente` …"""
    word = words.status(status)
    name = level(level_id, record_file, digest)
    return f"{word} — {name}" if name else word


def decision_on(conn: sqlite3.Connection, record_digest: str | None, status: str | None, level_id: str | None) -> str:
    """`decision` for a decision the register names by its record's digest (an appeal's, a
    vote's): the level's title from that record's file; its id when the register has no such
    record or its file is gone."""
    row = conn.execute("SELECT record_file FROM records WHERE record_digest = ?", (record_digest or "",)).fetchone()
    if row is None:
        word = words.status(status)
        return f"{word} — {level_id}" if level_id else word
    return decision(status, level_id, str(row[0]), str(record_digest))


def day(value: str | dt.date | None) -> dt.date | None:
    """An ISO date of the register as a date (which `tr` writes in the reader's language)."""
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(value)
