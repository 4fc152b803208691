"""The survey tools' exports under fixtures/exports/, read end to end as an auditor reads them.

Each folder holds the same 100 respondents as one tool exports them (see its generator,
fixtures/exports/make_exports.py): `labelaudit check` must read 100 rows at 3 sites and count
the incomplete responses it leaves out, and `labelaudit score` must give every shape exactly the
same per-site samples, which the Sphinx CSV, counted here with the csv module, confirms.
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from clirun import FIXTURES, run

EXPORTS = FIXTURES / "exports"

# What `check` says it read: the note of each shape, in English and in French.
NOTES = {
    "qualtrics": ("qualtrics.csv: 100 rows, 3 sites, 6 rows left out by the filter ('Finished' not 'True')",
                  "qualtrics.csv : 100 lignes, 3 sites, 6 lignes écartées par le filtre (« Finished » autre que « True »)"),
    "surveymonkey": ("surveymonkey.csv: 100 rows, 3 sites", "surveymonkey.csv : 100 lignes, 3 sites"),
    "limesurvey": ("limesurvey.csv: 100 rows, 3 sites, 9 rows left out by the filter ('submitdate' blank)",
                   "limesurvey.csv : 100 lignes, 3 sites, 9 lignes écartées par le filtre (« submitdate » vide)"),
    "google-forms": ("google-forms.csv: 100 rows, 3 sites", "google-forms.csv : 100 lignes, 3 sites"),
    "microsoft-forms": ("microsoft-forms.xlsx: 100 rows, 3 sites", "microsoft-forms.xlsx : 100 lignes, 3 sites"),
    "sphinx": ("sphinx.csv: 100 rows, 3 sites, 7 rows left out by the filter ('Statut' not 'Complet')",
               "sphinx.csv : 100 lignes, 3 sites, 7 lignes écartées par le filtre (« Statut » autre que « Complet »)"),
}
# 18 customer bindings of en16880 × 3 sites.
EVIDENCE = "54 pieces of evidence read"


@pytest.mark.parametrize("shape", list(NOTES))
def test_check_reads_every_shape(shape: str) -> None:
    result = run("check", EXPORTS / shape)
    assert result.code == 0, result
    assert f"note: {NOTES[shape][0]}" in result.out + result.err, result
    assert EVIDENCE in result.out, result
    french = run("check", EXPORTS / shape, lang="fr")
    assert french.code == 0, french
    assert f"note : {NOTES[shape][1]}" in french.out + french.err, french


def customer_samples(record: dict[str, Any]) -> dict[tuple[str, str], tuple[int, str]]:
    """(binding, site) → (n, exact value) of every customer binding in a decision record."""
    found: dict[tuple[str, str], tuple[int, str]] = {}

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if node.get("source") == "customer" and "sites" in node and "evidence" in node:
                for site in node["sites"]:
                    found[(node["id"], site["site"])] = (site["n"], site["value"]["exact"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(record["tree"])
    return found


@pytest.fixture(scope="module")
def scored(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[tuple[str, str], tuple[int, str]]]:
    out = tmp_path_factory.mktemp("records")
    samples = {}
    for shape in NOTES:
        record = out / f"{shape}.json"
        result = run("score", EXPORTS / shape, "-o", record)
        assert result.code == 0, result
        samples[shape] = customer_samples(json.loads(record.read_text("utf-8")))
    return samples


def test_score_gives_every_shape_the_same_samples(scored: dict[str, dict[tuple[str, str], tuple[int, str]]]) -> None:
    reference = scored["sphinx"]
    assert len(reference) == 54
    assert {site for _, site in reference} == {"lyon", "grenoble", "valence"}
    for shape, samples in scored.items():
        assert samples == reference, shape


def test_the_samples_are_those_of_the_file(scored: dict[str, dict[tuple[str, str], tuple[int, str]]]) -> None:
    """The mean of C03 at Lyon, counted independently from the Sphinx CSV's complete rows."""
    with (EXPORTS / "sphinx" / "sphinx.csv").open(encoding="cp1252", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    header, body = rows[0], rows[1:]
    status, site = header.index("Statut"), header.index("Agence")
    column = next(i for i, name in enumerate(header) if name.startswith("Q3 - "))
    answers = [int(r[column]) for r in body
               if r[status] == "Complet" and r[site] == "Agence de Lyon Part-Dieu" and r[column].isdigit()]
    incomplete = sum(1 for r in body if r[status] != "Complet")
    assert (len(body), incomplete) == (107, 7)
    mean = scored["sphinx"][("customer/C03/mean", "lyon")]
    assert mean == (len(answers), str(Fraction(sum(answers), len(answers))))


def test_the_generator_is_deterministic(tmp_path: Path) -> None:
    subprocess.run([sys.executable, str(EXPORTS / "make_exports.py"), str(tmp_path)], check=True,
                   capture_output=True)
    for shape in NOTES:
        for generated in (tmp_path / shape).iterdir():
            assert generated.read_bytes() == (EXPORTS / shape / generated.name).read_bytes(), generated
