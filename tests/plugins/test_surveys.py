"""The built-in `surveys` plugin: reading exports into tallies, its problems, its indicators.

The tests under "Through the engine" use labelaudit's own plugin fixtures (labelaudit.testing),
as a third-party plugin's tests would: a minimal scheme, an audit folder, the loaded plugin.

Every test runs twice, once with each CSV reader (column by column with Polars, and row by row),
so that both are held to the same tallies, notes and problems; the `test_readers_*` tests compare
the two readers themselves and run once.
"""

from __future__ import annotations

import contextvars
import csv
import functools
import io
import sys
import tempfile
import tracemalloc
from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

import labelaudit_surveys
from labelaudit_surveys import _collect, _columnar
from labelaudit.exports import EMPTY, ENCODING
from labelaudit import (
    Audit,
    Binding,
    Collection,
    CollectRequest,
    Criterion,
    Indicator,
    IndicatorContext,
    InputError,
    Problem,
    ProblemCollector,
    Sample,
    Scheme,
    Site,
    SourceInputs,
    SourceKind,
    Text,
)
from labelaudit.i18n import set_lang
from labelaudit.model import AuditDates, Lang
from labelaudit.rulesets import load_scheme
from labelaudit.testing import assert_evidence, unless_installed

pytest_plugins = unless_installed()

SITES = (Site("lyon", "Agence de Lyon"), Site("evry", "Agence d'Évry"))
F = Fraction
READERS = {"columns": True, "rows": False}  # _collect.COLUMNAR


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Each test with both CSV readers, except the `test_readers_*` ones, which compare them."""
    if "csv_reader" in metafunc.fixturenames:
        both = not metafunc.definition.name.startswith("test_readers_")
        metafunc.parametrize("csv_reader", list(READERS) if both else ["columns"], indirect=True)


@pytest.fixture(autouse=True)
def csv_reader(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setattr(_collect, "COLUMNAR", READERS[request.param])
    return str(request.param)


@pytest.fixture(scope="module")
def scheme() -> Scheme:
    return load_scheme(Path("rulesets/en16880"))


def binding(item: str, indicator: str, **extra: Any) -> Binding:
    return Binding(source="customer", weight=F(1), item=item, indicator=indicator, floor=F(0), target=F(1), **extra)


def criterion(criterion_id: str, *bindings: Binding) -> Criterion:
    return Criterion(id=criterion_id, weight=F(1), pyramid=1, title=Text(fr="t", en="t"), bindings=bindings)


DEFAULT_BINDINGS = (
    criterion("c.1", binding("C01", "top2box")),
    criterion("c.2", binding("C02", "mean")),
)


def request(
    scheme: Scheme,
    folder: Path,
    files: Sequence[str],
    options: Mapping[str, Any],
    criteria: Iterable[Criterion] = DEFAULT_BINDINGS,
    max_errors: int = 50,
) -> CollectRequest:
    inputs = SourceInputs(files=tuple(folder / f for f in files), options=dict(options))
    audit = Audit(
        id="A-1", scheme="en16880", organisation="Org", scope="Scope", kind="initial", auditors=("X",),
        dates=AuditDates(), sites=SITES, sources={"customer": inputs}, folder=folder,
        file=folder / "audit.toml",
    )
    return CollectRequest(
        scheme=scheme, audit=audit, source=scheme.sources["customer"], inputs=inputs,
        bindings=tuple((c, b) for c in criteria for b in c.bindings), max_errors=max_errors,
    )


def collect(req: CollectRequest) -> Collection:
    return labelaudit_surveys.collect(req)


def samples(collection: Collection) -> dict[tuple[str, str, str], dict[Fraction, int]]:
    """(criterion, binding, site) → tally, for exact comparison."""
    return {(e.criterion, e.binding, e.site): dict(e.sample.counts) for e in collection.evidence if e.sample}


def problems_of(req: CollectRequest) -> tuple[Problem, ...]:
    with pytest.raises(InputError) as caught:
        collect(req)
    return caught.value.problems


def english(what: str | Text) -> str:
    """The English text of one of the plugin's messages, which must all be bilingual."""
    assert isinstance(what, Text), f"not bilingual: {what!r}"
    return what.en


def in_english(problems: Iterable[Problem]) -> list[tuple[str, str, str]]:
    """(file, place, English message) of each problem."""
    return [(p.file, p.where, english(p.what)) for p in problems]


def write_xlsx(path: Path, rows: Sequence[Sequence[object]], title: str = "Réponses") -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = title
    for row in rows:
        sheet.append(list(row))
    workbook.save(path)
    return path


SITE_OPTIONS = {
    "columns": {"Q1 - Accueil": "C01", "Q2 - Engagements": "C02"},
    "site_column": "Agence",
    "ignore": ["Commentaire"],
}


# --- Reading exports -------------------------------------------------------------------------


def test_semicolon_cp1252_csv_with_decimal_commas(scheme: Scheme, tmp_path: Path) -> None:
    text = (
        "Agence;Q1 - Accueil;Q2 - Engagements;Commentaire\r\n"
        "Agence de Lyon;4,0;5;Très bien\r\n"
        "Agence de Lyon;3;;Accueil agréable\r\n"
        "Agence d'Évry;5;2,0;Déçu\r\n"
        "evry;4;4;\r\n"
    )
    (tmp_path / "clients.csv").write_bytes(text.encode("cp1252"))
    result = collect(request(scheme, tmp_path, ["clients.csv"], SITE_OPTIONS))
    assert samples(result) == {
        ("c.1", "customer/C01/top2box", "lyon"): {F(3): 1, F(4): 1},
        ("c.1", "customer/C01/top2box", "evry"): {F(4): 1, F(5): 1},
        ("c.2", "customer/C02/mean", "lyon"): {F(5): 1},
        ("c.2", "customer/C02/mean", "evry"): {F(2): 1, F(4): 1},
    }
    assert result.notes == (
        Text(
            fr="clients.csv : 4 lignes, 2 sites",
            en="clients.csv: 4 rows, 2 sites",
            others={"de": "clients.csv: 4 Zeilen, 2 Standorte"},
        ),
    )


def test_utf8_bom_comma_csv_every_row_at_the_first_site(scheme: Scheme, tmp_path: Path) -> None:
    text = "Q1 - Accueil,Q2 - Engagements,Id\n5,4,r1\n5,,r2\n\n1,2,r3\n"
    (tmp_path / "clients.csv").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    options = {"columns": {"Q1 - Accueil": "C01", "Q2 - Engagements": "C02"}, "ignore": ["Id"]}
    result = collect(request(scheme, tmp_path, ["clients.csv"], options))
    assert samples(result) == {
        ("c.1", "customer/C01/top2box", "lyon"): {F(1): 1, F(5): 2},
        ("c.2", "customer/C02/mean", "lyon"): {F(2): 1, F(4): 1},
    }
    assert result.notes == (
        Text(
            fr="clients.csv : 3 lignes, 1 site",
            en="clients.csv: 3 rows, 1 site",
            others={"de": "clients.csv: 3 Zeilen, 1 Standort"},
        ),
    )


def test_delimiter_option_overrides_the_sniffed_one(scheme: Scheme, tmp_path: Path) -> None:
    (tmp_path / "c.csv").write_text("Q1, accueil;Q2, engagements\n4;2\n", encoding="utf-8")
    options = {"columns": {"Q1, accueil": "C01", "Q2, engagements": "C02"}, "delimiter": ";"}
    result = collect(request(scheme, tmp_path, ["c.csv"], options))
    assert samples(result) == {
        ("c.1", "customer/C01/top2box", "lyon"): {F(4): 1},
        ("c.2", "customer/C02/mean", "lyon"): {F(2): 1},
    }


def test_site_option_puts_every_row_at_that_site(scheme: Scheme, tmp_path: Path) -> None:
    (tmp_path / "evry.csv").write_text("Q1 - Accueil\n4\n", encoding="utf-8")
    result = collect(request(scheme, tmp_path, ["evry.csv"], {"columns": {"Q1 - Accueil": "C01"}, "site": "evry"}))
    assert samples(result) == {("c.1", "customer/C01/top2box", "evry"): {F(4): 1}}


def test_xlsx_with_title_rows_above_the_header(scheme: Scheme, tmp_path: Path) -> None:
    write_xlsx(tmp_path / "Export.XLSX", [
        ["Enquête satisfaction 2026"],
        ["Exporté le 2026-09-30"],
        [],
        ["Agence", "Q1 - Accueil", "Q2 -\nEngagements", "Commentaire"],
        ["Agence de Lyon", 5, 4.0, "Parfait"],
        ["lyon", "4", None, None],
        ["Agence d'Évry", 2, 3, None],
    ])
    result = collect(request(scheme, tmp_path, ["Export.XLSX"], SITE_OPTIONS))
    assert samples(result) == {
        ("c.1", "customer/C01/top2box", "lyon"): {F(4): 1, F(5): 1},
        ("c.1", "customer/C01/top2box", "evry"): {F(2): 1},
        ("c.2", "customer/C02/mean", "lyon"): {F(4): 1},
        ("c.2", "customer/C02/mean", "evry"): {F(3): 1},
    }
    evidence = result.evidence[0]
    assert (evidence.provenance.file, evidence.provenance.location) == ("Export.XLSX", "column 'Q1 - Accueil'")


def test_xlsx_named_sheet_and_header_row(scheme: Scheme, tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    workbook.active.append(["not this sheet"])
    data = workbook.create_sheet("Données")
    for row in (["Q1 - Accueil"], ["Q1 - Accueil"], [3]):  # row 1 would match; header_row says 2
        data.append(row)
    workbook.save(tmp_path / "export.xlsx")
    options = {"columns": {"Q1 - Accueil": "C01"}, "sheet": "Données", "header_row": 2}
    result = collect(request(scheme, tmp_path, ["export.xlsx"], options))
    assert samples(result) == {("c.1", "customer/C01/top2box", "lyon"): {F(3): 1}}


def test_labels_of_the_scale_of_the_audit_and_no_answer(scheme: Scheme, tmp_path: Path) -> None:
    rows = [
        "Q1 - Accueil",
        "Tout à fait d'accord",
        "  TOUT À FAIT D’ACCORD ",  # case, spaces and a typographic apostrophe
        "Strongly disagree",
        "Très satisfait",  # mapped by the audit's [answers]
        "Ne sait pas / Don't know",
        "nsp",
        "",
    ]
    (tmp_path / "clients.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    options = {"columns": {"Q1 - Accueil": "C01"}, "answers": {"Très satisfait": 4}}
    result = collect(request(scheme, tmp_path, ["clients.csv"], options))
    [evidence] = result.evidence
    assert dict(evidence.sample.counts) == {F(1): 1, F(4): 1, F(5): 2}
    assert evidence.sample.n == 4  # "don't know" answers are not usable


def test_tallies_pool_every_file_per_site(scheme: Scheme, tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text("Agence,Q1 - Accueil,Q2 - Engagements\nlyon,5,5\nevry,1,3\n", encoding="utf-8")
    write_xlsx(tmp_path / "b.xlsx", [["Agence", "Q1 - Accueil", "Q2 - Engagements"], ["lyon", 5, 2], ["lyon", 4, 2]])
    result = collect(request(scheme, tmp_path, ["a.csv", "b.xlsx"], SITE_OPTIONS))
    assert samples(result) == {
        ("c.1", "customer/C01/top2box", "lyon"): {F(4): 1, F(5): 2},
        ("c.1", "customer/C01/top2box", "evry"): {F(1): 1},
        ("c.2", "customer/C02/mean", "lyon"): {F(2): 2, F(5): 1},
        ("c.2", "customer/C02/mean", "evry"): {F(3): 1},
    }
    files = {e.site: e.provenance.file for e in result.evidence}
    assert files == {"lyon": "a.csv, b.xlsx", "evry": "a.csv"}
    assert [note.en for note in result.notes] == ["a.csv: 2 rows, 2 sites", "b.xlsx: 2 rows, 1 site"]


def test_gap_tallies_paired_differences(scheme: Scheme, tmp_path: Path) -> None:
    text = (
        "Agence;Perception;Attente\n"
        "lyon;4;5\n"   # -1
        "lyon;5;3\n"   # +2
        "lyon;3;\n"    # not paired: left out of the gap, kept for C05 alone
        "lyon;Ne sait pas;4\n"
        "evry;2;5\n"   # -3
    )
    (tmp_path / "clients.csv").write_text(text, encoding="utf-8")
    gap = binding("C05", "gap", paired="C05x")
    criteria = [criterion("u.3", gap), criterion("u.1", binding("C05", "mean"))]
    options = {"columns": {"Perception": "C05", "Attente": "C05x"}, "site_column": "Agence"}
    result = collect(request(scheme, tmp_path, ["clients.csv"], options, criteria))
    assert samples(result) == {
        ("u.3", "customer/C05/gap", "lyon"): {F(-1): 1, F(2): 1},
        ("u.3", "customer/C05/gap", "evry"): {F(-3): 1},
        ("u.1", "customer/C05/mean", "lyon"): {F(3): 1, F(4): 1, F(5): 1},
        ("u.1", "customer/C05/mean", "evry"): {F(2): 1},
    }
    assert result.evidence[0].provenance.location == "columns 'Perception' and 'Attente'"


def test_binding_without_a_mapped_column_has_no_evidence_and_a_note(scheme: Scheme, tmp_path: Path) -> None:
    (tmp_path / "c.csv").write_text("Q1 - Accueil\n4\n", encoding="utf-8")
    result = collect(request(scheme, tmp_path, ["c.csv"], {"columns": {"Q1 - Accueil": "C01"}}))
    assert [e.binding for e in result.evidence] == ["customer/C01/top2box"]
    assert result.notes[-1] == Text(
        fr="customer : aucune colonne associée aux items C02 ; leurs liaisons n'ont pas de preuve",
        en="customer: no column mapped for item(s) C02; their bindings have no evidence",
        others={"de": "customer: keine Spalte für Item(s) C02 zugeordnet; ihre Zuordnungen sind ohne Nachweis"},
    )


def test_rows_are_streamed_not_kept(scheme: Scheme, tmp_path: Path) -> None:
    """Peak memory while reading 20 000 rows is about that of 2 000: only tallies are kept."""
    def peak(rows: int) -> int:
        path = tmp_path / f"big{rows}.csv"
        with path.open("w", encoding="utf-8") as handle:
            handle.write("Q1 - Accueil,Commentaire\n")
            for i in range(rows):
                handle.write(f"{i % 5 + 1},un commentaire libre assez long pour peser {i}\n")
        req = request(scheme, tmp_path, [path.name], {"columns": {"Q1 - Accueil": "C01"}, "ignore": ["Commentaire"]})
        tracemalloc.start()
        try:
            result = collect(req)
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
            assert result.evidence[0].sample.n == rows

    peak(100)  # the first read imports modules: keep that out of the comparison
    small, large = peak(2_000), peak(20_000)
    assert large < small + 200_000


# --- Problems --------------------------------------------------------------------------------


def test_unknown_header_is_placed_in_the_header_row(scheme: Scheme, tmp_path: Path) -> None:
    (tmp_path / "c.csv").write_text("Q1 - Accueil;Verbatim\n4;bien\n", encoding="utf-8")
    path = str(tmp_path / "c.csv")
    assert in_english(problems_of(request(scheme, tmp_path, ["c.csv"], {"columns": {"Q1 - Accueil": "C01"}}))) == [
        (path, "row 1, column 'Verbatim' (B)",
         "unknown header 'Verbatim' (map it in [sources.customer.columns] or list it in ignore)"),
    ]


def test_missing_mapped_header_and_site_column(scheme: Scheme, tmp_path: Path) -> None:
    (tmp_path / "c.csv").write_text("Q1 - Accueil,Commentaire\n4,x\n", encoding="utf-8")
    path = str(tmp_path / "c.csv")
    assert in_english(problems_of(request(scheme, tmp_path, ["c.csv"], SITE_OPTIONS))) == [
        (path, "row 1", "header 'Q2 - Engagements' not found in the file"),
        (path, "row 1", "header 'Agence' not found in the file"),
    ]


def test_out_of_scale_answers_name_row_and_column(scheme: Scheme, tmp_path: Path) -> None:
    text = "Agence;Q1 - Accueil;Q2 - Engagements;Commentaire\nlyon;4;5;\nlyon;7;4,5;\nlyon;bof;3;\n"
    (tmp_path / "c.csv").write_text(text, encoding="utf-8")
    path = str(tmp_path / "c.csv")
    expected = (
        "expected one of 1, 2, 3, 4, 5 or a label ('Pas du tout d'accord' = 1, …, "
        "'Tout à fait d'accord' = 5, or one in [sources.customer.answers]), got '{}'"
    )
    assert in_english(problems_of(request(scheme, tmp_path, ["c.csv"], SITE_OPTIONS))) == [
        (path, "row 3, column 'Q1 - Accueil' (B)", expected.format("7")),
        (path, "row 3, column 'Q2 - Engagements' (C)", expected.format("4,5")),
        (path, "row 4, column 'Q1 - Accueil' (B)", expected.format("bof")),
    ]


def test_audit_answer_label_off_the_item_scale(scheme: Scheme, tmp_path: Path) -> None:
    (tmp_path / "c.csv").write_text("Résolu\nOui\nTrès\n", encoding="utf-8")
    options = {"columns": {"Résolu": "C18"}, "answers": {"Très": 4}}
    criteria = [criterion("p.2", binding("C18", "share", points=(F(1),)))]
    assert in_english(problems_of(request(scheme, tmp_path, ["c.csv"], options, criteria))) == [
        (str(tmp_path / "c.csv"), "row 3, column 'Résolu' (A)",
         "'Très' maps to 4 in [sources.customer.answers], which is not a point of scale 'yesno' (0, 1)"),
    ]


def test_xlsx_problems_name_the_cell(scheme: Scheme, tmp_path: Path) -> None:
    write_xlsx(tmp_path / "e.xlsx", [["Titre"], [], ["Agence", "Q1 - Accueil", "Q2 - Engagements"],
                                     ["lyon", 6, 1], ["Paris", 1, 1]], title="Mes réponses")
    problems = problems_of(request(scheme, tmp_path, ["e.xlsx"], SITE_OPTIONS))
    assert [(p.file, p.where) for p in problems] == [
        (str(tmp_path / "e.xlsx"), "cell 'Mes réponses'!B4, column 'Q1 - Accueil'"),
        (str(tmp_path / "e.xlsx"), "cell 'Mes réponses'!A5, column 'Agence'"),
    ]
    assert english(problems[1].what) == (
        "expected a site id or name (lyon, evry) or a value mapped in [sources.customer.site_names], got 'Paris'"
    )


def test_unknown_and_blank_sites(scheme: Scheme, tmp_path: Path) -> None:
    (tmp_path / "c.csv").write_text("Agence,Q1 - Accueil,Q2 - Engagements\nLYON ,4,4\nParis,4,4\n,5,5\n",
                                    encoding="utf-8")
    path = str(tmp_path / "c.csv")
    options = {**SITE_OPTIONS, "site_names": {"Lyon Part-Dieu": "lyon"}}
    problems = problems_of(request(scheme, tmp_path, ["c.csv"], options))
    assert [(p.file, p.where) for p in problems] == [
        (path, "row 3, column 'Agence' (A)"),
        (path, "row 4, column 'Agence' (A)"),
    ]
    assert english(problems[0].what).endswith("got 'Paris'")
    assert english(problems[1].what).endswith("the cell is empty")


def test_site_names_map_export_values(scheme: Scheme, tmp_path: Path) -> None:
    (tmp_path / "c.csv").write_text("Agence,Q1 - Accueil\nLyon Part-Dieu,4\n", encoding="utf-8")
    options = {"columns": {"Q1 - Accueil": "C01"}, "site_column": "Agence", "site_names": {"Lyon Part-Dieu": "lyon"}}
    result = collect(request(scheme, tmp_path, ["c.csv"], options))
    assert samples(result) == {("c.1", "customer/C01/top2box", "lyon"): {F(4): 1}}


@pytest.mark.parametrize("content", [b"", b"\r\n  \r\n", b"\xef\xbb\xbf", b";;;\n"], ids=["0 bytes", "blank lines", "bom only", "separators only"])
def test_empty_csv(scheme: Scheme, tmp_path: Path, content: bytes) -> None:
    (tmp_path / "c.csv").write_bytes(content)
    assert problems_of(request(scheme, tmp_path, ["c.csv"], SITE_OPTIONS)) == (
        Problem(str(tmp_path / "c.csv"), "", EMPTY),
    )


def test_empty_xlsx(scheme: Scheme, tmp_path: Path) -> None:
    write_xlsx(tmp_path / "e.xlsx", [])
    (tmp_path / "zero.xlsx").write_bytes(b"")
    assert problems_of(request(scheme, tmp_path, ["e.xlsx", "zero.xlsx"], SITE_OPTIONS)) == (
        Problem(str(tmp_path / "e.xlsx"), "", EMPTY),
        Problem(str(tmp_path / "zero.xlsx"), "", EMPTY),
    )


@pytest.mark.parametrize(
    ("content", "where"),
    [
        ("Q1 - Accueil\n4\n".encode("utf-16"), "byte 3"),  # NUL bytes (0-based offset): UTF-16
        (b"Q1 - Accueil\n4\n\xe9\x81\n", "byte 16"),  # not UTF-8, and 0x81 is undefined in cp1252
    ],
    ids=["utf-16", "undefined cp1252 byte"],
)
def test_unrecognised_encoding(scheme: Scheme, tmp_path: Path, content: bytes, where: str) -> None:
    (tmp_path / "c.csv").write_bytes(content)
    assert problems_of(request(scheme, tmp_path, ["c.csv"], {"columns": {"Q1 - Accueil": "C01"}})) == (
        Problem(str(tmp_path / "c.csv"), where, ENCODING),
    )


def test_utf8_bytes_that_are_undefined_in_cp1252_are_fine(scheme: Scheme, tmp_path: Path) -> None:
    # "Ł" is C5 81 in UTF-8: valid UTF-8 holding a byte Windows-1252 does not define.
    (tmp_path / "c.csv").write_text("Q1 - Accueil,Nom\n4,Łukasz\n", encoding="utf-8")
    result = collect(request(scheme, tmp_path, ["c.csv"], {"columns": {"Q1 - Accueil": "C01"}, "ignore": ["Nom"]}))
    assert result.evidence[0].sample.n == 1


def test_not_a_workbook_and_unsupported_files(scheme: Scheme, tmp_path: Path) -> None:
    (tmp_path / "fake.xlsx").write_text("Q1 - Accueil\n4\n", encoding="utf-8")
    (tmp_path / "c.ods").write_bytes(b"PK")
    problems = problems_of(request(scheme, tmp_path, ["fake.xlsx", "c.ods", "missing.csv"], SITE_OPTIONS))
    assert [(p.file, p.where) for p in problems] == [
        (str(tmp_path / "fake.xlsx"), ""), (str(tmp_path / "c.ods"), ""), (str(tmp_path / "missing.csv"), ""),
    ]
    assert english(problems[0].what).startswith("not an XLSX workbook (an XLSX file is a zip archive")
    assert english(problems[1].what) == "unsupported file type '.ods' (expected .csv or .xlsx)"
    assert english(problems[2].what) == "file not found"


def test_unknown_item_and_option_problems_are_placed_in_the_audit_file(scheme: Scheme, tmp_path: Path) -> None:
    (tmp_path / "c.csv").write_text("Q1 - Accueil\n4\n", encoding="utf-8")
    options = {"columns": {"Q1 - Accueil": "C99"}, "site": "paris", "site_names": {"Paris": "paris"}}
    audit = str(tmp_path / "audit.toml")
    problems = problems_of(request(scheme, tmp_path, ["c.csv"], options))
    assert [(p.file, p.where) for p in problems] == [
        (audit, 'key sources.customer.columns."Q1 - Accueil"'),
        (audit, 'key sources.customer.site_names."Paris"'),
        (audit, "key sources.customer.site"),
    ]
    assert english(problems[0].what).startswith("unknown item 'C99' of questionnaire 'customer' (known: C01, C02,")


def test_option_types_are_placed_under_the_source(scheme: Scheme, tmp_path: Path) -> None:
    options = {"columns": {"Q1": 3}, "colums": {}, "header_row": "4"}
    problems = problems_of(request(scheme, tmp_path, [], options))
    assert {p.where for p in problems} == {
        "key sources.customer.columns['Q1']", "key sources.customer.header_row", "key sources.customer.colums",
    }
    assert problems_of(request(scheme, tmp_path, [], {"columns": {"Q1": "C01"}, "ignore": "Id"}))[0].where == (
        "key sources.customer.ignore"
    )


def test_max_errors_keeps_the_report_short(scheme: Scheme, tmp_path: Path) -> None:
    """`max_errors` counts messages: three different wrong answers are three messages, the rest
    of the file's wrong answers (each a message of its own) are counted, not shown."""
    answers = "".join(f"{9 + row}\n" for row in range(10))
    (tmp_path / "c.csv").write_text("Q1 - Accueil\n" + answers, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        collect(request(scheme, tmp_path, ["c.csv"], {"columns": {"Q1 - Accueil": "C01"}}, max_errors=3))
    assert [p.where for p in caught.value.problems] == [
        "row 2, column 'Q1 - Accueil' (A)", "row 3, column 'Q1 - Accueil' (A)", "row 4, column 'Q1 - Accueil' (A)",
    ]
    assert caught.value.truncated == 7


@pytest.mark.parametrize("rows", [10, 761, 20_000])
def test_one_mistake_repeated_down_a_column_is_one_message(scheme: Scheme, tmp_path: Path, rows: int) -> None:
    """The same out-of-scale answer on many rows: one message, its first rows and the count,
    read the same by both readers (the columnar one counts the rows without building them)."""
    body = "".join("9\n" if row % 3 == 0 else "3\n" for row in range(rows))
    (tmp_path / "c.csv").write_text("Q1 - Accueil\n" + body, encoding="utf-8")
    wrong = len(range(0, rows, 3))
    with pytest.raises(InputError) as caught:
        collect(request(scheme, tmp_path, ["c.csv"], {"columns": {"Q1 - Accueil": "C01"}}, max_errors=3))
    (problem,) = caught.value.problems
    assert problem.where == f"rows 2, 5, 8 … and {wrong - 3} more, column 'Q1 - Accueil' (A)"
    assert caught.value.truncated == 0


# --- Problems in French and in English ------------------------------------------------------------


def told(req: CollectRequest, lang: Lang) -> list[str]:
    """What a user reading `lang` is told of each problem of the request, after its file and place.

    The request is collected and printed with labelaudit's language set (`set_lang`), in a copied
    context so that the other tests stay in English.
    """

    def run() -> list[str]:
        set_lang(lang)
        return [str(p).removeprefix(f"{p.file}: {p.where}: " if p.where else f"{p.file}: ") for p in problems_of(req)]

    return contextvars.copy_context().run(run)


def test_header_problems_in_both_languages(scheme: Scheme, tmp_path: Path) -> None:
    (tmp_path / "c.csv").write_text("Agence;Q1 - Accueil;Q1 - Accueil;Verbatim\nlyon;4;4;bien\n", encoding="utf-8")
    req = request(scheme, tmp_path, ["c.csv"], SITE_OPTIONS)
    assert told(req, "fr") == [
        "l'en-tête « Q1 - Accueil » figure deux fois",
        "en-tête « Verbatim » inconnu (l'associer à un élément dans [sources.customer.columns] "
        "ou l'ajouter à ignore)",
        "en-tête « Q2 - Engagements » introuvable dans le fichier",
    ]
    assert told(req, "en") == [
        "header 'Q1 - Accueil' appears twice",
        "unknown header 'Verbatim' (map it in [sources.customer.columns] or list it in ignore)",
        "header 'Q2 - Engagements' not found in the file",
    ]


def test_answer_and_site_problems_in_both_languages(scheme: Scheme, tmp_path: Path) -> None:
    """Run with each CSV reader: the columnar one gives each distinct raw string's reason in both languages."""
    (tmp_path / "c.csv").write_text("Agence;Q1 - Accueil;Q2 - Engagements\nlyon;7;Très\nParis;4;5\n;bof;4\n", "utf-8")
    req = request(scheme, tmp_path, ["c.csv"], {**SITE_OPTIONS, "answers": {"Très": 9}})
    scale_fr = (
        "valeur attendue : 1, 2, 3, 4, 5 ou un libellé (« Pas du tout d'accord » = 1, …, "
        "« Tout à fait d'accord » = 5, ou un libellé défini dans [sources.customer.answers]) ; "
        "valeur reçue : « {} »"
    )
    site_fr = (
        "site attendu : identifiant ou nom d'un site de l'audit (lyon, evry) ou valeur associée dans "
        "[sources.customer.site_names] ; {}"
    )
    assert told(req, "fr") == [
        scale_fr.format("7"),
        "« Très » est associé à 9 dans [sources.customer.answers], valeur absente de l'échelle « agree5 » "
        "(1, 2, 3, 4, 5)",
        site_fr.format("valeur reçue : « Paris »"),
        site_fr.format("la cellule est vide"),
        scale_fr.format("bof"),
    ]
    scale_en = (
        "expected one of 1, 2, 3, 4, 5 or a label ('Pas du tout d'accord' = 1, …, 'Tout à fait d'accord' = 5, "
        "or one in [sources.customer.answers]), got '{}'"
    )
    site_en = "expected a site id or name (lyon, evry) or a value mapped in [sources.customer.site_names], {}"
    assert told(req, "en") == [
        scale_en.format("7"),
        "'Très' maps to 9 in [sources.customer.answers], which is not a point of scale 'agree5' (1, 2, 3, 4, 5)",
        site_en.format("got 'Paris'"),
        site_en.format("the cell is empty"),
        scale_en.format("bof"),
    ]


def test_option_problems_in_both_languages(scheme: Scheme, tmp_path: Path) -> None:
    options = {
        "columns": {"Q1 - Accueil": "C99", "Q2 - Engagements": "C01", "Q2 bis": "C01", "Commentaire": "C02"},
        "ignore": ["Commentaire"], "site_column": "Agence", "site": "paris", "site_names": {"Paris": "paris"},
        "header_row": 0, "delimiter": "\t;",
    }
    req = request(scheme, tmp_path, [], options)
    items = ", ".join(item.key for item in scheme.questionnaires["customer"].items)
    assert told(req, "fr") == [
        f"élément « C99 » inconnu du questionnaire « customer » (éléments connus : {items})",
        "l'élément « C01 » est déjà associé à l'en-tête « Q2 - Engagements »",
        "l'en-tête « Commentaire » est aussi la colonne de site (site_column) ou figure dans ignore",
        "site « paris » inconnu (sites de l'audit : lyon, evry)",
        "site « paris » inconnu (sites de l'audit : lyon, evry)",
        "indiquer site ou site_column, pas les deux",
        "numéro de ligne attendu à partir de 1, reçu 0",
        "un seul caractère attendu, reçu « \\t; »",
    ]
    assert told(req, "en") == [
        f"unknown item 'C99' of questionnaire 'customer' (known: {items})",
        "item 'C01' is already mapped from header 'Q2 - Engagements'",
        "header 'Commentaire' is also the site column or in ignore",
        "unknown site 'paris' (known: lyon, evry)",
        "unknown site 'paris' (known: lyon, evry)",
        "give site or site_column, not both",
        "expected a row number from 1, got 0",
        "expected one character, got '\\t;'",
    ]


@pytest.mark.parametrize(
    ("options", "fr", "en"),
    [
        ({"columns": {}}, "associer au moins un en-tête de l'export à la clé d'un élément du questionnaire",
         "map at least one export header to an item key"),
        ({"columns": {"Q1": "C01"}, "ignore": "Id"}, "liste d'en-têtes attendue, par exemple ignore = ['Id']",
         "expected a list of headers, e.g. ignore = ['Id']"),
    ],
    ids=["no columns", "ignore not a list"],
)
def test_option_shape_problems_in_both_languages(scheme: Scheme, tmp_path: Path, options: dict[str, Any],
                                                 fr: str, en: str) -> None:
    req = request(scheme, tmp_path, [], options)
    assert (told(req, "fr"), told(req, "en")) == ([fr], [en])


def test_file_and_xlsx_problems_in_both_languages(scheme: Scheme, tmp_path: Path) -> None:
    (tmp_path / "fake.xlsx").write_text("Q1 - Accueil\n4\n", encoding="utf-8")
    (tmp_path / "c.ods").write_bytes(b"PK")
    write_xlsx(tmp_path / "titles.xlsx", [[f"Titre {n}"] for n in range(25)])
    req = request(scheme, tmp_path, ["fake.xlsx", "c.ods", "missing.csv", "titles.xlsx"], SITE_OPTIONS)
    fake, *rest = told(req, "fr")
    assert fake == ("ce n'est pas un classeur XLSX (un fichier XLSX est une archive zip ; "
                    "enregistrer le fichier au format .xlsx depuis le tableur)")
    assert rest == [
        "type de fichier « .ods » non pris en charge (attendu : .csv ou .xlsx)",
        "fichier introuvable",
        "aucune ligne d'en-tête trouvée (attendu : une ligne contenant l'un des en-têtes « Q1 - Accueil », "
        "« Q2 - Engagements » ; sinon, indiquer header_row)",
    ]
    fake, *rest = told(req, "en")
    assert fake.startswith("not an XLSX workbook (an XLSX file is a zip archive; ")
    assert rest == [
        "unsupported file type '.ods' (expected .csv or .xlsx)",
        "file not found",
        "no header row found (expected a row with one of 'Q1 - Accueil', 'Q2 - Engagements'; or set header_row)",
    ]


def test_xlsx_sheet_and_header_row_problems_in_both_languages(scheme: Scheme, tmp_path: Path) -> None:
    write_xlsx(tmp_path / "other.xlsx", [["Q1 - Accueil"], [4]])
    write_xlsx(tmp_path / "short.xlsx", [["Q1 - Accueil"], [4]], title="Données")
    options = {"columns": {"Q1 - Accueil": "C01"}, "sheet": "Données", "header_row": 10}
    req = request(scheme, tmp_path, ["other.xlsx", "short.xlsx"], options)
    assert told(req, "fr") == [
        "aucune feuille « Données » dans le classeur (feuilles : Réponses)",
        "la ligne d'en-tête indiquée par header_row se trouve après la dernière ligne de la feuille",
    ]
    assert told(req, "en") == [
        "no sheet 'Données' (sheets: Réponses)",
        "the header row named by header_row is past the last row",
    ]


# --- Indicators and registration -------------------------------------------------------------


def indicators() -> dict[str, Indicator]:
    registered: list[Indicator] = []
    labelaudit_surveys.labelaudit_register_indicators(register=registered.append)
    return {i.name: i for i in registered}


def context(scheme: Scheme, scale: str | None, **extra: Any) -> IndicatorContext:
    return IndicatorContext(binding=binding("C01", "x", **extra), scale=scheme.scales[scale] if scale else None, z=1.96)


def test_registered_indicators() -> None:
    found = indicators()
    assert sorted(found) == ["gap", "mean", "nps", "share", "top2box"]
    assert [name for name, i in found.items() if i.needs_pair] == ["gap"]
    assert all(i.title.fr and i.title.en for i in found.values())


def test_the_loaded_plugin_provides_survey_and_the_indicators(labelaudit_plugins: Any) -> None:
    assert labelaudit_plugins.kinds["survey"].plugin == "surveys"
    assert {i.plugin for i in labelaudit_plugins.indicators.values() if i.name in indicators()} == {"surveys"}
    assert [p.api for p in labelaudit_plugins.info if p.name == "surveys"] == [labelaudit_surveys.LABELAUDIT_API]


def test_registered_source_kind() -> None:
    registered: list[SourceKind] = []
    labelaudit_surveys.labelaudit_register_sources(register=registered.append)
    assert [(k.name, k.collect) for k in registered] == [("survey", labelaudit_surveys.collect)]


def test_indicator_values(scheme: Scheme) -> None:
    found = indicators()
    three = Sample.of({F(3): 1, F(4): 1, F(5): 1})
    mean = found["mean"].compute(three, context(scheme, "agree5"))
    assert (mean.value, mean.n) == (F(4), 3)
    assert mean.low < 4 < mean.high
    tally = Sample.of({F(1): 2, F(3): 3, F(4): 4, F(5): 1})
    assert found["top2box"].compute(tally, context(scheme, "agree5")).value == F(5, 10)
    assert found["share"].compute(tally, context(scheme, "agree5", points=(F(1), F(3)))).value == F(5, 10)
    nps = Sample.of({F(10): 5, F(9): 1, F(8): 2, F(6): 1, F(0): 1})
    assert found["nps"].compute(nps, context(scheme, "nps11")).value == 100 * (F(6, 10) - F(2, 10))
    differences = Sample.of({F(-1): 1, F(2): 1, F(-3): 1})
    assert found["gap"].compute(differences, context(scheme, "agree5")).value == F(-2, 3)


def test_top2box_needs_a_scale(scheme: Scheme) -> None:
    with pytest.raises(ValueError, match="top2box needs the item's scale"):
        indicators()["top2box"].compute(Sample.of({F(1): 1}), context(scheme, None))


# --- Through the engine (labelaudit.testing) -----------------------------------------------------

CUSTOMERS = {"customer": {"kind": "survey"}}
EXPORT = "Agence;Q1;Q2\nlyon;5;4\nlyon;4;\nevry;2;Ne sait pas\n"
OPTIONS = {"files": ["clients.csv"], "site_column": "Agence", "columns": {"Q1": "C1", "Q2": "C2"}}


def test_an_export_in_an_audit_folder(minimal_scheme: Any, make_audit: Any, collect_source: Any) -> None:
    scheme = minimal_scheme(CUSTOMERS, items={"customer": ["C1", "C2"]}, extra={"policies": {"no_answer": ["Ne sait pas"]}})
    audit = make_audit(scheme, sites=["lyon", "evry"], sources={"customer": OPTIONS}, files={"clients.csv": EXPORT})
    collection = collect_source(audit, "customer")
    assert assert_evidence(collection, criterion="customer.C1", site="lyon", n=2).sample == Sample.of({F(4): 1, F(5): 1})
    assert_evidence(collection, criterion="customer.C1", site="evry", n=1)
    assert_evidence(collection, criterion="customer.C2", site="lyon", n=1)
    assert [e.site for e in collection.evidence if e.criterion == "customer.C2"] == ["lyon"]


def test_an_unmapped_header_through_the_engine(minimal_scheme: Any, make_audit: Any, collect_source: Any) -> None:
    scheme = minimal_scheme(CUSTOMERS, items={"customer": ["C1"]})
    options = {"files": ["clients.csv"], "columns": {"Q1": "C1"}}
    audit = make_audit(scheme, sources={"customer": options}, files={"clients.csv": "Q1,Verbatim\n4,ok\n"})
    with pytest.raises(InputError) as caught:
        collect_source(audit, "customer")
    assert [(p.where, english(p.what)) for p in caught.value.problems] == [
        ("row 1, column 'Verbatim' (B)",
         "unknown header 'Verbatim' (map it in [sources.customer.columns] or list it in ignore)")
    ]


def test_an_export_scored_with_the_mean_indicator(minimal_scheme: Any, make_audit: Any, score_record: Any) -> None:
    scheme = minimal_scheme(CUSTOMERS, items={"customer": ["C1"]})
    options = {"files": ["clients.csv"], "columns": {"Q1": "C1"}}
    audit = make_audit(scheme, sources={"customer": options}, files={"clients.csv": "Q1\n5\n4\n3\n"})
    record = score_record(audit)
    assert record["outcome"]["points"]["shown"] == "750.0"  # mean 4 on a 1 → 5 curve


# --- The two CSV readers agree -----------------------------------------------------------------


def outcome(req: CollectRequest, columnar: bool) -> object:
    """What one reader makes of a request: the collection, or the problems and how many more."""
    previous, _collect.COLUMNAR = _collect.COLUMNAR, columnar
    try:
        return collect(req)
    except InputError as exc:
        return exc.problems, exc.truncated
    finally:
        _collect.COLUMNAR = previous


def read_by(req: CollectRequest, path: Path) -> str:
    """Which reader `read_columns` would use for an export: "columns" or "rows"."""
    plan = _collect.make_plan(req, _collect.load_options(req))
    got = _collect.read_columns(plan, path, str(path), path.name, _collect.Tallies(), ProblemCollector(50))
    return "rows" if got is _collect.ROWS else "columns"


GAP_CRITERIA = (
    criterion("u.3", binding("C05", "gap", paired="C05x")),
    criterion("c.1", binding("C05", "top2box")),
    criterion("c.2", binding("C05x", "mean")),
)
ANSWERS = (
    "1", "2", "3", "4", "5", "4,0", "5.0", " 3 ", "", "  ", "\u00a0", "Ne sait pas", "NSP", "Sans opinion",
    "Tout à fait d'accord", "  tout à fait d’accord ", "Strongly disagree", "Très satisfait", "Plutôt d'accord",
    "7", "0", "4,5", "bof", "a;b,c", "deux\nlignes", 'dit "bien"', "Oui",
)
SITE_VALUES = ("lyon", "LYON ", "Agence de Lyon", "Agence d'Évry", "evry", "Lyon Part-Dieu", "Paris", "", "  ", "x\ny")


@st.composite
def exports(draw: st.DrawFn) -> tuple[str, str, str, bool, bool, int]:
    """A survey export as text: (text, encoding, delimiter option, read by rows, site column, max_errors)."""
    with_site = draw(st.booleans())
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    header = (["Agence"] if with_site else []) + ["Perception", "Attente", "Commentaire"]
    cells = st.lists(st.sampled_from(ANSWERS), min_size=3, max_size=3)
    row = st.one_of(
        st.tuples(st.sampled_from(SITE_VALUES), cells).map(lambda r: [r[0], *r[1]] if with_site else r[1]),
        st.sampled_from(["", "   ", delimiter * (len(header) - 1)]),  # blank lines
    )
    rows = draw(st.lists(row, max_size=25))
    cut = False
    buffer = io.StringIO()
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    buffer.write(draw(st.sampled_from(["", newline, " " + newline])))  # blank lines above the header
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=newline)
    writer.writerow(header)
    for cells_or_blank in rows:
        if isinstance(cells_or_blank, str):
            buffer.write(cells_or_blank + newline)
        else:
            short = draw(st.integers(0, 2)) if draw(st.integers(0, 9)) == 0 else 0  # a row cut short
            written = cells_or_blank[: len(cells_or_blank) - short]
            writer.writerow(written)
            # A row cut short is the row reader's to report; so is a record that spans lines and
            # ends in an empty cell (the columnar reader cannot count its cells line by line).
            spans = any("\n" in str(cell) for cell in written) and not str(written[-1]).strip()
            cut = cut or bool(short) or spans
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]))
    option = draw(st.sampled_from([None, delimiter]))
    return buffer.getvalue(), encoding, option or "", cut, with_site, draw(st.sampled_from([2, 50]))


@functools.cache
def bundled_scheme() -> Scheme:
    return load_scheme(Path("rulesets/en16880"))


@given(exports(), st.sampled_from([16, 100, 1 << 23]))
def test_readers_agree_on_any_export(export: tuple[str, str, str, bool, bool, int], block: int) -> None:
    """Same tallies, notes and problems (places, order, count beyond max_errors), in small blocks too.
    A row cut short is an error the row reader reports: the columnar reader hands such a file over."""
    scheme = bundled_scheme()
    text, encoding, delimiter, cut, with_site, max_errors = export
    options: dict[str, Any] = {"columns": {"Perception": "C05", "Attente": "C05x"}, "ignore": ["Commentaire"],
                               "answers": {"Très satisfait": 4}}
    if with_site:
        options |= {"site_column": "Agence", "site_names": {"Lyon Part-Dieu": "lyon"}}
    if delimiter:
        options["delimiter"] = delimiter
    previous = _columnar.BLOCK
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "c.csv").write_bytes(text.encode(encoding))
        req = request(scheme, Path(folder), ["c.csv"], options, GAP_CRITERIA, max_errors=max_errors)
        try:
            _columnar.BLOCK = block
            assert read_by(req, Path(folder) / "c.csv") == ("rows" if cut else "columns")
            assert outcome(req, columnar=True) == outcome(req, columnar=False)
        finally:
            _columnar.BLOCK = previous


@pytest.mark.parametrize(
    "content",
    [
        b"Q1 - Accueil\r4\r5\r",  # a carriage return alone ends a line for the csv module
        b"Q1 - Accueil,Id\n4,r1\n5,r2,extra\n",  # a row longer than the header
        b'Q1 - Accueil,Id\n4,a"b\n',  # a quote inside an unquoted field
        b'Q1 - Accueil,Id\n"4"5,x\n',  # text after a closing quote
        b'Q1 - Accueil,Id\n4,"never closed\n',
    ],
    ids=["lone CR", "ragged", "quote inside", "after quote", "unclosed"],
)
def test_readers_odd_csv_goes_to_the_row_reader(scheme: Scheme, tmp_path: Path, content: bytes) -> None:
    """What Polars could read differently from the csv module is read row by row, as before."""
    (tmp_path / "c.csv").write_bytes(content)
    req = request(scheme, tmp_path, ["c.csv"], {"columns": {"Q1 - Accueil": "C01"}, "ignore": ["Id"]})
    assert read_by(req, tmp_path / "c.csv") == "rows"
    assert outcome(req, columnar=True) == outcome(req, columnar=False)


def test_readers_field_over_the_csv_limit_goes_to_the_row_reader(scheme: Scheme, tmp_path: Path) -> None:
    (tmp_path / "c.csv").write_text("Q1 - Accueil,Id\n4," + "x" * (csv.field_size_limit() + 1) + "\n", "utf-8")
    req = request(scheme, tmp_path, ["c.csv"], {"columns": {"Q1 - Accueil": "C01"}, "ignore": ["Id"]})
    assert read_by(req, tmp_path / "c.csv") == "rows"
    problems, _ = outcome(req, columnar=True)  # type: ignore[misc]
    assert problems == outcome(req, columnar=False)[0]  # type: ignore[index]
    assert str(problems[0]).split(": ", 2)[-1].startswith("unreadable CSV")


def test_readers_rows_after_multiline_cells_are_numbered_as_records(scheme: Scheme, tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """A row number counts records, blank ones included, across blocks: not lines."""
    text = 'Agence;Q1 - Accueil;Commentaire\n\nlyon;4;"deux\nlignes"\n   \nlyon;9;\n;;\nParis;4;"x\n\ny"\n;5;\n'
    (tmp_path / "c.csv").write_text(text, encoding="utf-8")
    monkeypatch.setattr(_columnar, "BLOCK", 8)
    options = {"columns": {"Q1 - Accueil": "C01"}, "site_column": "Agence", "ignore": ["Commentaire"]}
    problems, truncated = outcome(request(scheme, tmp_path, ["c.csv"], options), columnar=True)  # type: ignore[misc]
    assert [p.where for p in problems] == [
        "row 5, column 'Q1 - Accueil' (B)", "row 7, column 'Agence' (A)", "row 8, column 'Agence' (A)",
    ]
    assert english(problems[2].what).endswith("the cell is empty")
    assert truncated == 0


def test_readers_max_errors_over_many_blocks(scheme: Scheme, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rows = "".join(f"{'lyon' if i % 7 else 'Paris'},{9 if i % 3 == 0 else 4}\n" for i in range(3_000))
    (tmp_path / "c.csv").write_text("Agence,Q1 - Accueil\n" + rows, encoding="utf-8")
    monkeypatch.setattr(_columnar, "BLOCK", 1_000)
    options = {"columns": {"Q1 - Accueil": "C01"}, "site_column": "Agence"}
    req = request(scheme, tmp_path, ["c.csv"], options, max_errors=40)
    columns, rows_ = outcome(req, columnar=True), outcome(req, columnar=False)
    assert columns == rows_
    problems, truncated = columns  # type: ignore[misc]
    assert len(problems) == 2 and truncated == 0  # every third answer, every seventh site: one message each
    assert [p.where for p in problems] == [
        "rows 2, 9, 16 … and 426 more, column 'Agence' (A)", "rows 2, 5, 8 … and 997 more, column 'Q1 - Accueil' (B)",
    ]


def test_readers_many_rows_in_small_blocks(scheme: Scheme, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lines = [f"{('Agence de Lyon', 'evry', 'Lyon Part-Dieu')[i % 3]};{i % 5 + 1};{(i * 7) % 5 + 1};note {i}"
             for i in range(5_000)]
    (tmp_path / "c.csv").write_bytes(("Agence;Perception;Attente;Commentaire\n" + "\n".join(lines)).encode("cp1252"))
    monkeypatch.setattr(_columnar, "BLOCK", 4_096)
    options = {"columns": {"Perception": "C05", "Attente": "C05x"}, "site_column": "Agence",
               "site_names": {"Lyon Part-Dieu": "lyon"}, "ignore": ["Commentaire"]}
    req = request(scheme, tmp_path, ["c.csv"], options, GAP_CRITERIA)
    result = outcome(req, columnar=True)
    assert result == outcome(req, columnar=False)
    assert isinstance(result, Collection) and [note.en for note in result.notes] == ["c.csv: 5000 rows, 2 sites"]
    assert sum(e.sample.n for e in result.evidence if e.binding == "customer/C05/gap") == 5_000


def test_readers_without_polars_rows_are_read_one_by_one(scheme: Scheme, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "c.csv").write_text("Q1 - Accueil\n4\n", encoding="utf-8")
    req = request(scheme, tmp_path, ["c.csv"], {"columns": {"Q1 - Accueil": "C01"}})
    monkeypatch.setitem(sys.modules, "labelaudit_surveys._columnar", None)  # as if Polars were missing
    assert read_by(req, tmp_path / "c.csv") == "rows"
    assert samples(collect(req)) == {("c.1", "customer/C01/top2box", "lyon"): {F(4): 1}}


def test_readers_columns_keep_memory_flat_over_many_blocks(scheme: Scheme, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """Python's peak memory is that of a block and the tallies, however many blocks are read."""
    monkeypatch.setattr(_columnar, "BLOCK", 1 << 16)

    def peak(rows: int) -> int:
        path = tmp_path / f"big{rows}.csv"
        with path.open("w", encoding="utf-8") as handle:
            handle.write("Agence,Q1 - Accueil,Commentaire\n")
            for i in range(rows):
                handle.write(f"{('lyon', 'evry')[i % 2]},{i % 5 + 1},un commentaire libre assez long {i}\n")
        options = {"columns": {"Q1 - Accueil": "C01"}, "site_column": "Agence", "ignore": ["Commentaire"]}
        req = request(scheme, tmp_path, [path.name], options)
        tracemalloc.start()
        try:
            result = collect(req)
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
            assert sum(e.sample.n for e in result.evidence if e.binding == "customer/C01/top2box") == rows

    peak(100)
    small, large = peak(5_000), peak(50_000)
    assert large < small + 200_000


def test_readers_whitespace_is_what_str_strip_removes() -> None:
    assert _columnar.WHITESPACE == "".join(chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace())


# --- Rows that do not fit the header, options for the other kind of file (issue 10) -------------


def test_rows_longer_or_shorter_than_the_header(scheme: Scheme, tmp_path: Path) -> None:
    """Both readers: a record with another number of cells than the header is an error at its
    row (its cells are not tallied), with the likely delimiter when it fits the header."""
    (tmp_path / "c.csv").write_text(
        "Q1 - Accueil;Q2 - Engagements tenus;Commentaire\n4;5;bien\n4;5\n4;5;x;y\n3,4,rien\n;;\n\n",
        encoding="utf-8",
    )
    options = {"columns": {"Q1 - Accueil": "C01", "Q2 - Engagements tenus": "C02"}, "ignore": ["Commentaire"]}
    problems = problems_of(request(scheme, tmp_path, ["c.csv"], options))
    assert in_english(problems) == [
        (str(tmp_path / "c.csv"), "row 3", "2 cell(s) where the header has 3 (delimiter ';')"),
        (str(tmp_path / "c.csv"), "row 4", "4 cell(s) where the header has 3 (delimiter ';')"),
        (str(tmp_path / "c.csv"), "row 5",
         "1 cell(s) where the header has 3 (delimiter ';'): the row seems split by ','"),
    ]


def test_short_rows_in_a_quoted_export_read_the_same_by_both_readers(scheme: Scheme, tmp_path: Path) -> None:
    (tmp_path / "c.csv").write_text(
        'Q1 - Accueil,Commentaire\n4,"a, b"\n5,""\n3\n4,\n', encoding="utf-8",
    )
    options = {"columns": {"Q1 - Accueil": "C01"}, "ignore": ["Commentaire"]}
    problems = problems_of(request(scheme, tmp_path, ["c.csv"], options))
    assert [(p.where, english(p.what)) for p in problems] == [
        ("row 4", "1 cell(s) where the header has 2 (delimiter ',')"),
    ]


def test_readers_take_an_export_whose_last_cells_are_empty_by_columns(scheme: Scheme, tmp_path: Path) -> None:
    """Empty last cells are not short rows: the columnar reader counts delimiters outside quotes."""
    (tmp_path / "c.csv").write_text('Q1 - Accueil,Commentaire\n4,"a, b"\n5,\n3,""\n', encoding="utf-8")
    req = request(scheme, tmp_path, ["c.csv"], {"columns": {"Q1 - Accueil": "C01"}, "ignore": ["Commentaire"]})
    assert read_by(req, tmp_path / "c.csv") == "columns"
    assert collect(req).evidence[0].sample.n == 3


def test_readers_take_an_unquoted_export_with_empty_last_cells_by_columns(scheme: Scheme, tmp_path: Path) -> None:
    """Without quotes the delimiters are counted in the block at once: a full count reads by
    columns, and one short row among empty last cells still goes to the row reader."""
    (tmp_path / "full.csv").write_text("Q1 - Accueil;Commentaire\n4;bien\n5;\n3;\n", encoding="utf-8")
    (tmp_path / "short.csv").write_text("Q1 - Accueil;Commentaire\n4;bien\n5;\n3\n", encoding="utf-8")
    options = {"columns": {"Q1 - Accueil": "C01"}, "ignore": ["Commentaire"]}
    full = request(scheme, tmp_path, ["full.csv"], options)
    assert read_by(full, tmp_path / "full.csv") == "columns"
    assert collect(full).evidence[0].sample.n == 3
    short = request(scheme, tmp_path, ["short.csv"], options)
    assert read_by(short, tmp_path / "short.csv") == "rows"
    assert [(p.where, english(p.what)) for p in problems_of(short)] == [
        ("row 4", "1 cell(s) where the header has 2 (delimiter ';')"),
    ]


def test_a_column_without_a_header(scheme: Scheme, tmp_path: Path) -> None:
    """An empty header among named ones is an error; a value past the last named header too
    (trailing empty headers, as exporters pad them, are fine while their cells are empty)."""
    (tmp_path / "gap.csv").write_text("Q1 - Accueil,,Commentaire\n4,5,x\n", encoding="utf-8")
    (tmp_path / "pad.csv").write_text("Q1 - Accueil,Commentaire,\n4,x,\n5,y,oups\n", encoding="utf-8")
    options = {"columns": {"Q1 - Accueil": "C01"}, "ignore": ["Commentaire"]}
    problems = problems_of(request(scheme, tmp_path, ["gap.csv", "pad.csv"], options))
    assert [(Path(p.file).name, p.where, english(p.what)) for p in problems] == [
        ("gap.csv", "row 1", "column B has no header: name it (and add it to 'ignore' if it is not to be read) "
         "or delete it"),
        ("pad.csv", "row 3", "value 'oups' in column C, which has no header"),
    ]


def test_xlsx_value_past_the_header(scheme: Scheme, tmp_path: Path) -> None:
    write_xlsx(tmp_path / "c.xlsx", [["Q1 - Accueil"], [4], [5, None, "stray"]])
    problems = problems_of(request(scheme, tmp_path, ["c.xlsx"], {"columns": {"Q1 - Accueil": "C01"}}))
    assert [(p.where, english(p.what)) for p in problems] == [("row 3", "value 'stray' in column C, which has no header")]


@pytest.mark.parametrize(
    ("option", "value", "files", "said"),
    [
        ("header_row", 2, ["c.csv"], "option 'header_row' applies to XLSX files only, but c.csv is a CSV file: remove it, or read that file in another source"),
        ("sheet", "Réponses", ["c.xlsx", "c.csv"], "option 'sheet' applies to XLSX files only, but c.csv is a CSV file: remove it, or read that file in another source"),
        ("delimiter", ";", ["c.xlsx"], "option 'delimiter' applies to CSV files only, but c.xlsx is an XLSX file: remove it, or read that file in another source"),
    ],
)
def test_an_option_for_the_other_kind_of_file(
    scheme: Scheme, tmp_path: Path, option: str, value: object, files: list[str], said: str
) -> None:
    (tmp_path / "c.csv").write_text("Q1 - Accueil\n4\n", encoding="utf-8")
    write_xlsx(tmp_path / "c.xlsx", [["Q1 - Accueil"], [4]])
    problems = problems_of(request(scheme, tmp_path, files, {"columns": {"Q1 - Accueil": "C01"}, option: value}))
    assert in_english(problems) == [(str(tmp_path / "audit.toml"), f"key sources.customer.{option}", said)]


def test_a_repeated_answer_in_an_xlsx_is_one_message(scheme: Scheme, tmp_path: Path) -> None:
    write_xlsx(tmp_path / "c.xlsx", [["Q1 - Accueil"], *([9] for _ in range(761))])
    (problem,) = problems_of(request(scheme, tmp_path, ["c.xlsx"], {"columns": {"Q1 - Accueil": "C01"}}))
    assert problem.where == "cells Réponses!A2, A3, A4 … and 758 more, column 'Q1 - Accueil'"


def test_an_xlsx_zip_bomb_is_refused_before_it_is_inflated(scheme: Scheme, tmp_path: Path) -> None:
    import zipfile

    with zipfile.ZipFile(tmp_path / "c.xlsx", "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (40 << 20))  # 40 MiB of zeros: ratio ~1000
    (problem,) = problems_of(request(scheme, tmp_path, ["c.xlsx"], {"columns": {"Q1 - Accueil": "C01"}}))
    assert problem.where == "archive member xl/worksheets/sheet1.xml"
    assert english(problem.what).endswith("more than 200 times: a zip bomb, refused without inflating it")


def test_a_sheet_without_its_size_is_not_parsed_before_it_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """openpyxl looked for a missing `<dimension>` until the end of the data, parsing every row
    once before reading them; the search now stops where the data starts."""
    from openpyxl import Workbook
    from openpyxl.worksheet import _reader

    from labelaudit import open_xlsx_workbook

    workbook = Workbook(write_only=True)  # writes no <dimension>
    sheet = workbook.create_sheet("Réponses")
    for i in range(300):
        sheet.append([i % 5 + 1])
    workbook.save(tmp_path / "nosize.xlsx")
    open_xlsx_workbook(tmp_path / "nosize.xlsx").close()  # installs labelaudit's reading of sheets
    events: list[str] = []
    inner = _reader.iterparse

    def counting(source: Any, *args: Any, **options: Any) -> Any:
        for event in inner(source, *args, **options):
            events.append(event[0])
            yield event

    counting.forgets_rows = True  # type: ignore[attr-defined]
    monkeypatch.setattr(_reader, "iterparse", counting)
    opened = open_xlsx_workbook(tmp_path / "nosize.xlsx")  # openpyxl reads each sheet's size here
    try:
        assert len(events) < 20 and opened["Réponses"].max_row is None  # not the rows' 600 elements
        assert sum(1 for _ in opened["Réponses"].iter_rows(values_only=True)) == 300
    finally:
        opened.close()


def test_a_sheet_that_declares_its_size_still_gives_it(tmp_path: Path) -> None:
    from openpyxl import Workbook

    from labelaudit import open_xlsx_workbook

    workbook = Workbook()
    workbook.active.title = "Réponses"
    for row in (["Q1", "Q2"], [1, 2], [3, 4]):
        workbook.active.append(row)
    workbook.save(tmp_path / "sized.xlsx")
    opened = open_xlsx_workbook(tmp_path / "sized.xlsx")
    try:
        assert (opened["Réponses"].max_row, opened["Réponses"].max_column) == (3, 2)
    finally:
        opened.close()


def test_each_distinct_cell_is_read_once_in_bounded_memory(scheme: Scheme, monkeypatch: pytest.MonkeyPatch) -> None:
    from labelaudit_surveys._answers import MEMO_SIZE, NO_ANSWER, AnswerReader, Unusable

    scale = scheme.scale_of(scheme.sources["customer"], "C01")
    assert scale is not None
    reader = AnswerReader(scale, {}, ["Ne sait pas"], "[sources.customer.answers]")
    reads: list[object] = []
    original = reader.read
    monkeypatch.setattr(reader, "read", lambda value: reads.append(value) or original(value))
    codes = [reader.code(cell) for cell in ("4", "4", 4, "", "Ne sait pas", "4", 4, 1)]
    assert [reader.value_of(c) if c != NO_ANSWER else None for c in codes] == [F(4), F(4), F(4), None, None, F(4), F(4), F(1)]
    assert reads == ["4", 4, "", "Ne sait pas", 1]  # the text "4" and the number 4 are two cells
    with pytest.raises(Unusable):
        reader.code(True)  # equal to 1 as a key, but a box ticked is no answer on the scale
    for number in range(MEMO_SIZE + 500):  # a hostile export: every cell different
        with pytest.raises(Unusable):
            reader.code(f"réponse {number}")
    assert len(reader._memo) == MEMO_SIZE
    with pytest.raises(Unusable) as caught:
        reader.code("réponse 1")  # remembered: the same reason again
    assert "réponse 1" in caught.value.why.en


def test_readers_stream_xlsx_rows_in_flat_memory(scheme: Scheme, tmp_path: Path) -> None:
    """Peak memory while reading 20 000 XLSX rows is about that of 2 000 (openpyxl's parsed rows
    are detached from the sheet's XML; they used to stay, about 100 bytes a row)."""
    from openpyxl import Workbook

    def peak(rows: int) -> int:
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("Réponses")
        sheet.append(["Q1 - Accueil"])
        for i in range(rows):
            sheet.append([i % 5 + 1])
        workbook.save(tmp_path / f"big{rows}.xlsx")
        req = request(scheme, tmp_path, [f"big{rows}.xlsx"], {"columns": {"Q1 - Accueil": "C01"}})
        tracemalloc.start()
        try:
            result = collect(req)
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
            assert result.evidence[0].sample.n == rows

    peak(100)  # the first read imports modules: keep that out of the comparison
    small, large = peak(2_000), peak(20_000)
    assert large < small + 300_000, (small, large)
