"""The report as a committee dossier: what decided first on page 1, the committee's votes, a
four-page body in the reader's locale, the detail in the appendix, a radar that leaves a gap.

The PDFs are written by the real `labelaudit report` command on the demo record reviewed by a
committee (the worst case for page 1), and read back with pypdf: the pages of the body (before
the appendix's bookmark), and the text of page 1 in French and English.
"""

from __future__ import annotations

import json
import math
import re
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from committee_helpers import Desk, demo, desk  # noqa: F401  (fixtures)
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pypdf import PdfReader
from test_report import Page, load

from labelaudit.committee.chain import sidecar_path
from labelaudit.documents.commands import render
from labelaudit.documents.html import CX, CY, axis_point, clear_of_the_chart, overlaps, radar_labels, runs, source_values
from labelaudit.documents.votes import committee_blocks

LANGS = ("fr", "en")
RECORDS = ("capped", "deferred", "demo", "excellence", "refused", "service-commitments")
BODY_PAGES = 4
APPENDIX = {"fr": "Annexes", "en": "Appendix"}
FRACTION = re.compile(r"(?<![\d/])-?\d+/\d+(?![\d/])")  # 3/2, 1/2 → 9/10; not a date 15/09/2026
SIX_DECIMALS = re.compile(r"\d[.,]\d{6}")


def body_and_appendix(html: str) -> tuple[str, str]:
    """The visible text before the appendix and after it."""
    head, _, tail = html.partition('<div class="appendix" id="appendix">')
    assert tail, "the report has an appendix"
    return Page(head + "</body>").text, Page("<div>" + tail).text


def section(html: str, anchor: str) -> str:
    match = re.search(rf'<section id="{anchor}">.*?</section>', html, flags=re.S)
    assert match, anchor
    return match.group(0)


# ---------------------------------------------------------------- the PDF, read back


@pytest.fixture
def reviewed(demo: Path, desk: Desk, cli: Any, monkeypatch: pytest.MonkeyPatch) -> Path:  # noqa: F811
    """The demo record, decided by a committee session (three confirmations), its register known
    (after `cli`, which clears LABELAUDIT_REGISTER)."""
    desk.decide(demo)
    monkeypatch.setenv("LABELAUDIT_REGISTER", str(desk.db))
    return demo


def write_pdf(cli: Any, record: Path, lang: str) -> PdfReader:
    out = record.with_suffix(f".{lang}.pdf")
    code, _, err = cli("report", record, "--format", "pdf", "-o", out, "--lang", lang)
    assert code == 0, err
    return PdfReader(out)


def appendix_page(reader: PdfReader, lang: str) -> int:
    """The 1-based page the appendix starts on, from the PDF's own outline."""
    for item in reader.outline:
        if not isinstance(item, list) and item.title == APPENDIX[lang]:
            return reader.get_destination_page_number(item) + 1
    raise AssertionError(f"no {APPENDIX[lang]!r} bookmark")


@pytest.mark.parametrize("lang", LANGS)
def test_the_demo_body_fits_four_a4_pages_and_page_one_has_the_decision_and_the_votes(reviewed: Path, cli: Any, lang: str) -> None:
    reader = write_pdf(cli, reviewed, lang)
    start = appendix_page(reader, lang)
    assert start - 1 <= BODY_PAGES, start  # the body: pages 1 to 4 at most
    assert len(reader.pages) <= BODY_PAGES + 26, len(reader.pages)  # and the appendix: criteria, notes, provenance
    first = " ".join(reader.pages[0].extract_text().split())
    appendix_first = " ".join(reader.pages[start - 1].extract_text().split())
    assert APPENDIX[lang] in appendix_first and "2026-MTR-001" in first
    if lang == "fr":
        expected = ("ACCORDÉ — niveau Confirmé", "Décision du comité de labellisation", "Chaîne des revues vérifiée", "Hélène Vasseur (hvasseur)",
                    "Paul Roux (proux)", "Jeanne Martin (jmartin)", "confirme la proposition",
                    "Décision finale du comité (séance 1 close le 21 novembre 2026 par Pierre Martin (pmartin), 3 vote(s)) : ACCORDÉ — niveau Confirmé")
    else:
        expected = ("GRANTED — level Confirmed", "The label committee's decision", "Reviews chain verified", "Hélène Vasseur (hvasseur)",
                    "Paul Roux (proux)", "Jeanne Martin (jmartin)", "confirms the proposal",
                    "The committee's final decision (session 1 closed on November 21, 2026 by Pierre Martin (pmartin), 3 vote(s)): GRANTED — level Confirmed")
    for text in expected:
        assert text in first, text
    footer = f"Audit 2026-MTR-001 — Mutuelle des Trois Rivières page 1 {'sur' if lang == 'fr' else '/'} {len(reader.pages)}"
    assert footer in first


def test_a_large_committee_keeps_its_final_decision_on_page_one(demo: Path, desk: Desk, cli: Any,  # noqa: F811
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """Eleven voters, each with a rationale: whether the chain verifies and the final decision
    stay on page 1, and the votes table goes on overleaf with its header (the box used to move
    to page 2 whole, leaving page 1 without the committee)."""
    voters = ["hvasseur", "proux", "jmartin"]
    for number in range(8):
        desk.enrol(f"m{number}", f"Membre Numéro-{number} Longuenom", since=desk.enrolled[0][3])
        voters.append(f"m{number}")
    desk.open(demo)
    for voter in voters:
        desk.vote(demo, voter, rationale="Les constats sur site et les deux enquêtes concordent ; rien ne s'y oppose.")
    desk.close(demo)
    monkeypatch.setenv("LABELAUDIT_REGISTER", str(desk.db))
    reader = write_pdf(cli, demo, "fr")
    first, second = (" ".join(reader.pages[n].extract_text().split()) for n in (0, 1))
    assert "Chaîne des revues vérifiée" in first
    assert "Décision finale du comité (séance 1 close le 21 novembre 2026 par Pierre Martin (pmartin), 11 vote(s)) : ACCORDÉ" in first
    assert first.index("Décision finale du comité") < first.index("Hélène Vasseur (hvasseur)")
    assert all(f"Membre Numéro-{n} Longuenom (m{n})" in first + second for n in range(8))
    assert "Membre Numéro-7 Longuenom (m7)" in second and "Motivation" in second  # the table's header again


def test_page_one_marks_a_tampered_chain_unverified(reviewed: Path, cli: Any) -> None:
    lines = sidecar_path(reviewed).read_text("utf-8").splitlines()
    vote = json.loads(lines[1])
    vote["rationale"] = "edited afterwards"
    lines[1] = json.dumps(vote, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    sidecar_path(reviewed).write_text("\n".join(lines) + "\n", "utf-8")
    first = " ".join(write_pdf(cli, reviewed, "en").pages[0].extract_text().split())
    assert "CHAIN NOT VERIFIED" in first and "line 2:" in first
    assert "Final decision: none while the chain does not verify." in first
    assert "The committee's final decision" not in first and "Reviews chain verified" not in first


def test_no_chain_no_committee_box(demo: Path, cli: Any) -> None:  # noqa: F811
    out = demo.with_suffix(".html")
    assert cli("report", demo, "-o", out)[0] == 0
    assert 'class="committee"' not in out.read_text("utf-8")


# ---------------------------------------------------------------- page 1: the members by their names

BY = {"fr": "par", "en": "by", "de": "von"}  # the final decision's "closed … by {member}"
NAMED = ["Pierre Martin (pmartin)", "Hélène Vasseur (hvasseur)", "Paul Roux (proux)", "Jeanne Martin (jmartin)",
         "Pierre Martin (pmartin)"]


def committee_html(record: Path, chain: Any, lang: str) -> str:
    return str(render(json.loads(record.read_text("utf-8")), "html", lang, committee_blocks(chain, lang)))


def member_cells(html: str) -> list[str]:
    """The votes table's member column, as the reader sees it (entities decoded)."""
    table = re.search(r'<table class="votes">.*?</table>', html, flags=re.S)
    assert table, "a votes table"
    return [unescape(m) for m in re.findall(r"<tr[^>]*><td>[^<]*</td><td>([^<]*)</td>", table.group(0))]


def final_line(html: str) -> str:
    found = re.search(r'<div class="final [a-z]+" id="final-decision">([^<]*)</div>', html)
    assert found, "a final decision"
    return unescape(found.group(1))


@pytest.mark.parametrize("lang", ("fr", "en", "de"))
def test_the_votes_and_the_chair_are_shown_by_the_roster_s_names(demo: Path, desk: Desk, lang: str) -> None:  # noqa: F811
    desk.decide(demo)
    chain = desk.read(demo)
    html = committee_html(demo, chain, lang)
    assert member_cells(html) == NAMED
    assert f" {BY[lang]} Pierre Martin (pmartin), 3 " in final_line(html)
    markdown = str(render(json.loads(demo.read_text("utf-8")), "md", lang, committee_blocks(chain, lang)))
    assert "| Hélène Vasseur (hvasseur) |" in markdown and f" {BY[lang]} Pierre Martin (pmartin), 3 " in markdown


def test_without_a_roster_a_member_is_shown_by_the_id_alone(demo: Path, desk: Desk) -> None:  # noqa: F811
    desk.decide(demo)
    html = committee_html(demo, desk.read(demo, register=False), "en")  # read without a register
    box = html.partition('<div class="committee"')[2].partition("<section")[0]
    assert member_cells(html) == ["pmartin", "hvasseur", "proux", "jmartin", "pmartin"]
    assert "Martin" not in box and "Vasseur" not in box and 'id="final-decision"' not in box


def test_a_member_off_the_roster_is_shown_by_the_id_alone(demo: Path, desk: Desk) -> None:  # noqa: F811
    desk.open(demo)
    desk.vote(demo, "hvasseur")
    desk.forge(demo, Ed25519PrivateKey.generate(), member="intrus", verdict="confirm", status="granted", level="confirme")
    html = committee_html(demo, desk.read(demo), "en")
    assert member_cells(html) == ["Pierre Martin (pmartin)", "Hélène Vasseur (hvasseur)", "intrus"]
    assert "CHAIN NOT VERIFIED" in html and 'id="final-decision"' not in html


def test_a_roster_name_is_escaped_as_every_other_cell(demo: Path, desk: Desk) -> None:  # noqa: F811
    desk.enrol("aruiz", 'Ana <b>Ruiz</b> & "Co"')
    desk.decide(demo, voters=("hvasseur", "proux", "aruiz"))
    html = committee_html(demo, desk.read(demo), "fr")
    assert "<td>Ana &lt;b&gt;Ruiz&lt;/b&gt; &amp; &quot;Co&quot; (aruiz)</td>" in html and "<b>Ruiz" not in html
    assert member_cells(html)[3] == 'Ana <b>Ruiz</b> & "Co" (aruiz)'
    markdown = str(render(json.loads(demo.read_text("utf-8")), "md", "fr", committee_blocks(desk.read(demo), "fr")))
    assert '| Ana &lt;b&gt;Ruiz&lt;/b&gt; &amp; "Co" (aruiz) |' in markdown


# ---------------------------------------------------------------- page 1: what decided first


@pytest.mark.parametrize(
    ("name", "first"),
    [
        ("refused", "gate “No open major nonconformity”: refusal — 1 open major non-conformities"),
        ("capped", "gate “No criterion at an unacceptable level”: capped at level “Committed”"),
        ("deferred", "coverage 25.3% below the minimum 70%"),
    ],
)
def test_the_reason_that_decided_comes_before_the_points_line(name: str, first: str) -> None:
    html = render(load(name), "html", "en")
    outcome = section(html, "outcome")
    items = re.findall(r"<li[^>]*>(.*?)</li>", re.search(r'<ol class="reasons".*?</ol>', outcome, flags=re.S).group(0))  # type: ignore[union-attr]
    texts = [Page(i).text for i in items]
    assert texts[0].startswith(first), texts
    points = next(i for i, t in enumerate(texts) if " points: level " in t)
    assert points > 0
    assert re.search(r'<li class="decisive"><strong>', outcome)  # marked as the cause, not only first
    assert outcome.index('id="verdict"') < outcome.index('class="reasons"') < outcome.index('class="kv figures"')


def test_the_french_refusal_first_too() -> None:
    text = Page(section(render(load("refused"), "html", "fr"), "outcome")).text
    assert text.index("porte « Aucune non-conformité majeure ouverte » : refus") < text.index("684,7 points : niveau")


# ---------------------------------------------------------------- the body: no fraction, no six decimals


@pytest.mark.parametrize("name", RECORDS)
@pytest.mark.parametrize("lang", LANGS)
def test_no_fraction_or_six_decimal_value_in_the_body(name: str, lang: str) -> None:
    body, appendix = body_and_appendix(render(load(name), "html", lang))
    assert not FRACTION.findall(body), FRACTION.findall(body)
    assert not SIX_DECIMALS.findall(body), SIX_DECIMALS.findall(body)
    if name == "demo":
        assert "3/2" in appendix and "1/2 → 9/10" in appendix and SIX_DECIMALS.search(appendix)  # they moved, not vanished


def test_the_appendix_has_the_observations_with_their_cells_and_the_provenance() -> None:
    record = load("demo")
    _, appendix = body_and_appendix(render(record, "html", "en"))
    assert "grid.xlsx, cell lyon!E2" in appendix
    assert record["audit"]["digest"] in appendix
    _, appendix_fr = body_and_appendix(render(record, "html", "fr"))
    assert "E. Observations de l'auditeur et leurs cellules" in appendix_fr
    assert "grid.xlsx, cellule lyon!E2" in appendix_fr and "cell lyon" not in appendix_fr  # the place in French
    _, appendix_de = body_and_appendix(render(record, "html", "de"))
    assert "grid.xlsx, Zelle lyon!E2" in appendix_de


def test_provenance_places_in_the_reader_s_language() -> None:
    from labelaudit.documents.accessors import place_text

    assert place_text("cell lyon!E2", "fr") == "cellule lyon!E2"
    assert place_text("column 'Q1 - l'accueil'", "fr") == "colonne « Q1 - l'accueil »"
    assert place_text("columns 'Q5a' and 'Q5b'", "de") == "Spalten „Q5a“ und „Q5b“"
    assert place_text("columns 'Q5a' and 'Q5b'", "en") == "columns 'Q5a' and 'Q5b'"
    for own_words in ("criteria[3]", "sites[1].criteria[0]", "ticket export, lines 3-9", "cell A1"):
        assert place_text(own_words, "fr") == own_words  # a key path, a plugin's own words: as written


# ---------------------------------------------------------------- numbers in the reader's locale


def test_numbers_percentages_and_dates_follow_the_locale() -> None:
    record = load("demo")
    before = json.dumps(record, sort_keys=True)
    fr = Page(render(record, "html", "fr")).text
    en = Page(render(record, "html", "en")).text
    for text in ("733,9 sur 1\u202f000", "72,0\u00a0%", "100,0\u00a0% (minimum 70\u00a0%)", "20 novembre 2026", "5 octobre 2026", "1,5"):
        assert text in fr, text
    for text in ("733.9 of 1,000", "72.0%", "100.0% (minimum 70%)", "November 20, 2026", "October 5, 2026", "1.5"):
        assert text in en, text
    assert "733.9" not in fr and "72.0" not in fr and "2026-11-20" not in fr
    md = render(record, "md", "fr")
    assert "733,9 points : niveau « Confirmé » atteint (seuil 650)" in md
    assert json.dumps(record, sort_keys=True) == before  # the record stays locale-free, untouched


# ---------------------------------------------------------------- the radar


def vertices(d: str) -> list[list[tuple[float, float]]]:
    """The subpaths of an SVG path `M x,y L x,y … [Z]` as lists of points."""
    return [[tuple(map(float, p.split(","))) for p in re.findall(r"-?\d+\.\d,-?\d+\.\d", part)] for part in d.split("M")[1:]]  # type: ignore[misc]


def test_the_radar_leaves_a_gap_where_a_source_has_no_data() -> None:
    record = load("demo")
    html = render(record, "html", "en")
    reqs = [r for d in record["tree"]["dimensions"] for r in d["requirements"]]
    paths = dict((s, d) for d, s in re.findall(r'<path class="series" d="([^"]+)"[^>]*data-source="([^"]+)"', html))
    customer = source_values(reqs, "customer")
    assert customer[:2] == [None, None] and all(v is not None for v in customer[2:])  # no data on elements 1 and 2
    subpaths = vertices(paths["customer"])
    assert "Z" not in paths["customer"] and len(subpaths) == len(runs(customer)) == 1
    expected = [tuple(float(f"{c:.1f}") for c in axis_point(i, 9, float(customer[i]) / 100)) for i in range(2, 9)]  # type: ignore[arg-type]
    assert subpaths[0] == expected  # from element 3 to element 9: no line through elements 1 and 2
    assert all(math.hypot(x - CX, y - CY) > 1 for x, y in subpaths[0])  # no point at the centre (0 %)
    employee = source_values(reqs, "employee")
    assert [i for i, v in enumerate(employee) if v is None] == [4, 5, 6]
    assert runs(employee) == [[7, 8, 0, 1, 2, 3]]  # one line around the top, the gap at elements 5 to 7
    assert paths["onsite"].endswith(" Z") and len(vertices(paths["onsite"])[0]) == 9  # complete: closed
    assert 'data-source="customer"' in html and 'fill="none"' in re.search(r'<path class="series"[^>]*data-source="customer"', html).group(0)  # type: ignore[union-attr]
    assert 'class="nodata"' not in html


def test_runs_split_at_every_gap_around_the_circle() -> None:
    assert runs(["1", None, "2", "3", None, None, "4"]) == [[2, 3], [6, 0]]
    assert runs(["1", "2", "3"]) == [[0, 1, 2]]
    assert runs([None, "5", None]) == [[1]]


@pytest.mark.parametrize("name", RECORDS)
@pytest.mark.parametrize("lang", LANGS)
def test_radar_labels_overlap_neither_the_data_nor_each_other(name: str, lang: str) -> None:
    labels = radar_labels(load(name), lang)
    for i, label in enumerate(labels):
        assert clear_of_the_chart(label.box), (i, label.lines)
        for other in labels[i + 1:]:
            assert not overlaps(label.box, other.box), (label.lines, other.lines)


@pytest.mark.parametrize(("lang", "rows"), [
    ("fr", ("| **Niveau de confiance des intervalles** | 95 % |", "| **Preuve manquante** | preuve manquante laissée de côté |",
            "| **Combinaison des sites** | sites regroupés |")),
    ("de", ("| **Konfidenzniveau der Intervalle** | 95 % |", "| **Fehlende Nachweise** | fehlende Nachweise ausgelassen |",
            "| **Mindestabdeckung** | 70 % |")),
])
def test_the_policies_are_named_and_valued_in_the_reader_s_language(lang: str, rows: tuple[str, ...]) -> None:
    """The appendix's policies read as words and percentages, not `confidence 19/20`, `missing
    renormalize` or `sites pooled`."""
    text = str(render(load("demo"), "md", lang))
    for row in rows:
        assert row in text, row
    for raw in ("| 19/20 |", "| renormalize |", "| pooled |", "| **sites** |", "min\\_coverage"):
        assert raw not in text, raw
