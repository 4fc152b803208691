"""The reasons a record's text alone used to carry (sites without a result or a visit, a source
skipped) are written again from their values in the reader's language, German too."""

from __future__ import annotations

import json
from typing import Any

from committee_helpers import GOLDEN
from labelaudit.documents.reasons import reason_text


def _deferred() -> dict[str, Any]:
    return json.loads((GOLDEN / "deferred.json").read_text("utf-8"))


def _reason(record: dict[str, Any], code: str) -> dict[str, Any]:
    return next(r for r in record["outcome"]["reasons"] if r["code"] == code)


def test_sites_without_result_in_french_english_and_german() -> None:
    record = _deferred()
    reason = _reason(record, "sites_without_result")
    assert reason_text(record, reason, "fr") == reason["fr"]  # the same words as the engine's
    assert reason_text(record, reason, "en") == reason["en"]
    german = reason_text(record, reason, "de")
    assert german.startswith("2 ") and german.endswith("vierzon, romorantin") and "70 %" in german
    assert german not in (reason["fr"], reason["en"])


def test_more_than_twenty_sites_are_named_with_a_count() -> None:
    record = _deferred()
    ids = [f"s{i:02}" for i in range(25)]
    record["sites"] = [{"id": i, "has_result": False, "visited": True} for i in ids]
    reason = {"code": "sites_without_result", "params": {"count": "25", "minimum": "70", "sites": ", ".join(ids)}}
    assert reason_text(record, reason, "fr").endswith("s19 et 5 autre(s) (voir sites dans l'enregistrement)")


def test_sites_the_record_does_not_bear_out_keep_the_record_words() -> None:
    record = _deferred()
    reason = dict(_reason(record, "sites_without_result"), params={"count": "3", "minimum": "70", "sites": "a, b, c"})
    assert reason_text(record, reason, "de") == reason["en"]


def test_a_skipped_source_in_german() -> None:
    reason = {"code": "plugin_skipped", "params": {"plugin": "flaky", "source": "visits"}, "fr": "…", "en": "…"}
    german = reason_text(_deferred(), reason, "de")
    assert "visits" in german and "flaky" in german and german != "…"
    assert reason_text(_deferred(), reason, "fr").startswith("source visits laissée de côté")
