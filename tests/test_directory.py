"""`register directory`: the labels valid on a day, read from the label lifecycle, as a
self-contained HTML page and a formula-safe CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest

from committee_helpers import Desk, desk  # noqa: F401  (fixture)

from labelaudit.committee.directory import csv_text, directory, html_page
from labelaudit.committee.labels import act
from labelaudit.committee.register import add_record, open_register
from test_register import variant

TODAY = dt.date(2030, 1, 1)
DAY = dt.date(2028, 6, 1)
SCOPE = "Accueil, conseil et suivi des adhérents dans les agences de Lyon Part-Dieu, Grenoble et Valence"
SITES = ("Agence de Lyon Part-Dieu", "Agence de Grenoble", "Agence de Valence")


def label(tmp_path: Path, desk: Desk, audit: str, organisation: str, **changes: Any) -> str:
    """A granted label: the demo record as audit `audit`, decided by a closed session on 2026-12-01."""
    record = variant(tmp_path, "demo", audit, {"audit.id": audit, "audit.organisation": organisation, **changes})
    desk.decide(record, on=dt.date(2026, 12, 1))
    with open_register(desk.db) as conn:
        add_record(conn, record, today=TODAY)
    return audit


def do(desk: Desk, audit: str, kind: Any, on: str, **options: Any) -> None:
    with open_register(desk.db) as conn:
        act(conn, audit, kind, member="pmartin", key=desk.keys["pmartin"], on=dt.date.fromisoformat(on),
            reason=options.pop("reason", "décision du comité"), today=TODAY, place=str(desk.db), **options)


@pytest.fixture
def labels(tmp_path: Path, desk: Desk) -> Path:
    """Five labels: granted, suspended (until after DAY), withdrawn, expired (a one-year validity)
    and one whose scope was reduced; the first's organisation carries markup and a formula."""
    label(tmp_path, desk, "2026-GRA-001", '<b>Mutuelle</b> & "Cie" =HYPERLINK("http://x")')
    label(tmp_path, desk, "2026-SUS-002", "Suspendue SA")
    label(tmp_path, desk, "2026-WIT-003", "Retirée SARL")
    label(tmp_path, desk, "2026-EXP-004", "Expirée SCOP", **{"scheme.policies.validity_years": 1})
    label(tmp_path, desk, "2026-RED-005", "=Réduite")
    do(desk, "2026-SUS-002", "suspended", "2028-02-01", until=dt.date(2028, 12, 31))
    do(desk, "2026-WIT-003", "withdrawn", "2027-03-01")
    do(desk, "2026-RED-005", "scope_reduced", "2027-05-01", scope="Accueil téléphonique")
    return desk.db


def rows(db: Path, day: dt.date) -> list[tuple[str, str, str | None, tuple[str, ...], str]]:
    with open_register(db) as conn:
        found, broken = directory(conn, day, today=TODAY)
    assert broken == []
    return [(r.label, r.scope, r.level, r.sites, r.valid_until.isoformat()) for r in found]


def test_only_valid_labels_are_listed_with_a_reduced_scope(labels: Path) -> None:
    assert rows(labels, DAY) == [  # by organisation, folded: "<b>Mutuelle…", then "=Réduite"
        ("2026-GRA-001", SCOPE, "confirme", SITES, "2029-11-20"),
        ("2026-RED-005", "Accueil téléphonique", "confirme", SITES, "2029-11-20"),
    ]
    before = rows(labels, dt.date(2027, 1, 15))  # before the withdrawal, the suspension, the reduction and the expiry
    assert [(r[0], r[1]) for r in before] == [
        ("2026-GRA-001", SCOPE), ("2026-RED-005", SCOPE), ("2026-EXP-004", SCOPE),
        ("2026-WIT-003", SCOPE), ("2026-SUS-002", SCOPE),
    ]
    assert dict((r[0], r[4]) for r in before)["2026-EXP-004"] == "2027-11-20"
    assert rows(labels, dt.date(2026, 11, 30)) == []  # nothing decided yet


def test_markup_is_escaped_and_formulas_neutralised(labels: Path) -> None:
    with open_register(labels) as conn:
        found, _ = directory(conn, DAY, today=TODAY)
    page = html_page(found, DAY, "fr")
    assert "<b>" not in page and "&lt;b&gt;Mutuelle&lt;/b&gt; &amp; &quot;Cie&quot;" in page
    assert '<html lang="fr">' in page and "Valide jusqu’au" in page and "20 novembre 2029" in page
    # self-contained: no script, no link, no external resource other than the escaped text
    assert "<script" not in page and "<link" not in page and "src=" not in page and "url(" not in page
    assert "default-src 'none'" in page
    table = list(csv.reader(io.StringIO(csv_text(found, "en"))))
    assert table[0] == ["label", "organisation", "scope", "level", "level_title", "sites", "valid_until"]
    assert table[2][1] == "'=Réduite" and table[1][1].startswith("<b>Mutuelle")
    assert table[1][4] == "Confirmed" and table[1][5] == "; ".join(SITES)


def test_cli_writes_both_files_and_refuses_to_overwrite(labels: Path, tmp_path: Path, cli: Any,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from labelaudit.committee import register_commands

    monkeypatch.setattr(register_commands, "_today", lambda: TODAY)
    page, table = tmp_path / "annuaire.html", tmp_path / "annuaire.csv"
    args = ("register", "directory", "--on", "2028-06-01", "--html", page, "--csv", table, "--register", labels)
    code, out, err = cli(*args)
    assert code == 0, err
    assert out.splitlines() == [f"Directory on 2028-06-01 (2 labels) written to {page}",
                                f"Directory on 2028-06-01 (2 labels) written to {table}"]
    assert table.read_bytes().decode("utf-8").count("\r\n") == 3
    code, out, err = cli(*args)
    assert (code, out) == (2, "") and "already exists" in err and str(page) in err
    assert cli(*args, "--force")[0] == 0
    code, _, err = cli("register", "directory", "--register", labels)
    assert code == 2 and "nothing to write: give --html FILE, --csv FILE or both" in err


def test_a_label_whose_events_do_not_verify_is_left_out_and_named(labels: Path) -> None:
    import sqlite3

    with sqlite3.connect(labels) as raw:  # an attacker edits the reduction's line in the register
        raw.execute("UPDATE label_events SET line = replace(line, 'téléphonique', 'complet') WHERE label_id = '2026-RED-005'")
    with open_register(labels) as conn:
        found, broken = directory(conn, DAY, today=TODAY)
    assert broken == ["2026-RED-005"] and [r.label for r in found] == ["2026-GRA-001"]
