"""The survey plugin on the shapes survey tools export: headers matched as people read them,
headers over several rows, answer labels per column, no-answer labels, a row filter.

Every CSV test runs with both readers (Polars' columns and the csv module's rows).
"""

from __future__ import annotations

import contextvars
from collections.abc import Mapping, Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any

import openpyxl
import pytest

import labelaudit_surveys
from labelaudit import (
    Audit,
    AuditDates,
    Binding,
    Collection,
    CollectRequest,
    Criterion,
    InputError,
    Problem,
    Scheme,
    Site,
    SourceInputs,
    Text,
)
from labelaudit.i18n import set_lang
from labelaudit.model import Lang
from labelaudit.rulesets import load_scheme
from labelaudit_surveys import _collect

F = Fraction
SITES = (Site("lyon", "Agence de Lyon"), Site("evry", "Agence d'Évry"))


@pytest.fixture(autouse=True, params=[True, False], ids=["columns", "rows"])
def csv_reader(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_collect, "COLUMNAR", request.param)


@pytest.fixture(scope="module")
def scheme() -> Scheme:
    return load_scheme(Path("rulesets/en16880"))


def binding(item: str, indicator: str) -> Binding:
    return Binding(source="customer", weight=F(1), item=item, indicator=indicator, floor=F(0), target=F(1))


CRITERIA = tuple(
    Criterion(id=f"c.{n}", weight=F(1), pyramid=1, title=Text(fr="t", en="t"), bindings=(binding(item, "mean"),))
    for n, item in enumerate(("C01", "C02", "C18"), start=1)
)


def request(scheme: Scheme, folder: Path, files: Sequence[str], options: Mapping[str, Any]) -> CollectRequest:
    inputs = SourceInputs(files=tuple(folder / f for f in files), options=dict(options))
    audit = Audit(
        id="A-1", scheme="en16880", organisation="Org", scope="Scope", kind="initial", auditors=("X",),
        dates=AuditDates(), sites=SITES, sources={"customer": inputs}, folder=folder, file=folder / "audit.toml",
    )
    return CollectRequest(
        scheme=scheme, audit=audit, source=scheme.sources["customer"], inputs=inputs,
        bindings=tuple((c, b) for c in CRITERIA for b in c.bindings), max_errors=50,
    )


def collect(req: CollectRequest) -> Collection:
    return labelaudit_surveys.collect(req)


def samples(collection: Collection) -> dict[tuple[str, str], dict[Fraction, int]]:
    """(item's criterion, site) → tally."""
    return {(e.criterion, e.site): dict(e.sample.counts) for e in collection.evidence if e.sample}


def notes(collection: Collection) -> list[str]:
    return [note.en for note in collection.notes]


def told(req: CollectRequest, lang: Lang = "en") -> list[str]:
    """Each problem as a user reading `lang` is told it: place, then message."""

    def run() -> list[str]:
        set_lang(lang)
        with pytest.raises(InputError) as caught:
            collect(req)
        return [_shown(p) for p in caught.value.problems]

    return contextvars.copy_context().run(run)


def _shown(problem: Problem) -> str:
    return str(problem).removeprefix(f"{problem.file}: ")


def write(folder: Path, name: str, text: str, encoding: str = "utf-8") -> str:
    (folder / name).write_bytes(text.encode(encoding))
    return name


def write_xlsx(folder: Path, name: str, rows: Sequence[Sequence[object]]) -> str:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(list(row))
    workbook.save(folder / name)
    return name


# --- Headers matched as people read them -----------------------------------------------------


def test_headers_match_whatever_their_apostrophes_dashes_spaces_and_case(scheme: Scheme, tmp_path: Path) -> None:
    header = "AGENCE;q1 \u2013 accueil de l\u2019agence;Q2\u00a0-\u00a0Engagements\u200b tenus\n"
    name = write(tmp_path, "c.csv", header + "lyon;5;4\nevry;4;\n", "utf-8")
    options = {"columns": {"Q1 - Accueil de l'agence": "C01", "Q2 - Engagements tenus": "C02"}, "site_column": "Agence"}
    got = collect(request(scheme, tmp_path, [name], options))
    assert samples(got) == {("c.1", "lyon"): {F(5): 1}, ("c.1", "evry"): {F(4): 1}, ("c.2", "lyon"): {F(4): 1}}


def test_an_xlsx_header_row_is_found_by_its_folded_headers(scheme: Scheme, tmp_path: Path) -> None:
    name = write_xlsx(tmp_path, "c.xlsx", [["Enquête 2026"], [], ["Agence", "Q1 \u2013 L\u2019accueil"], ["lyon", 4]])
    got = collect(request(scheme, tmp_path, [name], {"columns": {"Q1 - L'accueil": "C01"}, "site_column": "Agence"}))
    assert samples(got) == {("c.1", "lyon"): {F(4): 1}}


def test_a_missing_header_names_the_closest_one_and_where_they_differ(scheme: Scheme, tmp_path: Path) -> None:
    # U+2032 PRIME is no apostrophe: folding leaves it, and the message shows it.
    name = write(tmp_path, "c.csv", "Agence;Q1 - Accueil de l\u2032agence\nlyon;4\n")
    req = request(scheme, tmp_path, [name], {"columns": {"Q1 - Accueil de l'agence": "C01"}, "site_column": "Agence"})
    assert told(req, "en") == [
        "row 1, column 'Q1 - Accueil de l\u2032agence' (B): unknown header 'Q1 - Accueil de l\u2032agence' "
        "(map it in [sources.customer.columns] or list it in ignore)",
        "row 1: header \"Q1 - Accueil de l'agence\" not found in the file; the closest is "
        "'Q1 - Accueil de l\u2032agence' (column B), which differs at character 18: "
        "'\u2032' U+2032 PRIME where the audit has \"'\" U+0027 APOSTROPHE",
    ]
    assert told(req, "fr")[1] == (
        "ligne 1: en-tête « Q1 - Accueil de l'agence » introuvable dans le fichier ; le plus proche est "
        "« Q1 - Accueil de l\u2032agence » (colonne B), qui en diffère au caractère 18 : "
        "« \u2032 » U+2032 PRIME au lieu de « ' » U+0027 APOSTROPHE"
    )


def test_a_missing_header_with_nothing_like_it_says_only_that(scheme: Scheme, tmp_path: Path) -> None:
    name = write(tmp_path, "c.csv", "Agence;Q1 - Accueil;Verbatim\nlyon;4;bien\n")
    options = {"columns": {"Q1 - Accueil": "C01", "Q2 - Engagements tenus": "C02"}, "site_column": "Agence"}
    assert told(request(scheme, tmp_path, [name], options))[-1] == (
        "row 1: header 'Q2 - Engagements tenus' not found in the file"
    )


def test_a_shorter_header_differs_at_its_end(scheme: Scheme, tmp_path: Path) -> None:
    name = write(tmp_path, "c.csv", "Agence;Q1 - Accueil en agenc\nlyon;4\n")
    req = request(scheme, tmp_path, [name], {"columns": {"Q1 - Accueil en agence": "C01"}, "site_column": "Agence"})
    assert told(req)[-1].endswith(
        "which differs at character 22: the end of the text where the audit has 'e' U+0065 LATIN SMALL LETTER E"
    )


def test_two_columns_that_read_alike_are_an_error_naming_both(scheme: Scheme, tmp_path: Path) -> None:
    name = write(tmp_path, "c.csv", "Agence;Q1 - Accueil;q1 \u2013 accueil\nlyon;4;5\n")
    req = request(scheme, tmp_path, [name], {"columns": {"Q1 - Accueil": "C01"}, "site_column": "Agence"})
    assert told(req) == [
        "row 1, column 'q1 \u2013 accueil' (C): header 'q1 \u2013 accueil' (column C) reads as 'Q1 - Accueil' "
        "(column B): which one? Rename one of them, or list it in ignore",
    ]
    assert told(req, "fr") == [
        "ligne 1, colonne « q1 \u2013 accueil » (C): l'en-tête « q1 \u2013 accueil » (colonne C) se lit comme "
        "« Q1 - Accueil » (colonne B) : lequel lire ? Renommer l'un des deux, ou l'ajouter à ignore",
    ]


def test_two_audit_headers_that_read_alike_are_an_error(scheme: Scheme, tmp_path: Path) -> None:
    options = {"columns": {"Q1 - Accueil": "C01", "q1 \u2013 accueil": "C02"}}
    assert told(request(scheme, tmp_path, [], options)) == [
        "key sources.customer.columns.\"q1 \u2013 accueil\": 'q1 \u2013 accueil' and 'Q1 - Accueil' read as the "
        "same header (case, apostrophes, spaces): keep one",
    ]


# --- Headers over several rows ----------------------------------------------------------------

MONKEY = (
    "Respondent ID,Agence,Votre avis sur\u2019agence,,Recommandation\n"
    ",Response,Accueil,Engagements,Response\n"
    "1,lyon,5,4,9\n"
    "2,evry,3,,10\n"
)
MONKEY_OPTIONS = {
    "header_rows": 2,
    "site_column": "Agence / Response",
    "ignore": ["Respondent ID", "Recommandation / Response"],
    "columns": {"Votre avis sur'agence / Accueil": "C01", "Votre avis sur'agence / Engagements": "C02"},
}


def test_two_header_rows_join_a_parent_with_each_sub_question(scheme: Scheme, tmp_path: Path) -> None:
    got = collect(request(scheme, tmp_path, [write(tmp_path, "m.csv", MONKEY)], MONKEY_OPTIONS))
    assert samples(got) == {("c.1", "lyon"): {F(5): 1}, ("c.1", "evry"): {F(3): 1}, ("c.2", "lyon"): {F(4): 1}}
    assert notes(got)[0] == "m.csv: 2 rows, 2 sites"


def test_two_header_rows_in_an_xlsx(scheme: Scheme, tmp_path: Path) -> None:
    rows = [["Export SurveyMonkey"], [], *(line.split(",") for line in MONKEY.splitlines())]
    name = write_xlsx(tmp_path, "m.xlsx", [[cell or None for cell in row] for row in rows])
    got = collect(request(scheme, tmp_path, [name], MONKEY_OPTIONS))
    assert samples(got)[("c.1", "evry")] == {F(3): 1}


def test_a_two_row_header_read_as_one_row_is_an_error_not_silence(scheme: Scheme, tmp_path: Path) -> None:
    options = {**MONKEY_OPTIONS, "header_rows": 1}
    problems = told(request(scheme, tmp_path, [write(tmp_path, "m.csv", MONKEY)], options))
    assert "row 1: column D has no header: name it (and add it to 'ignore' if it is not to be read) or delete it" in problems


QUALTRICS = (
    "StartDate,Finished,Agence,Q1_1,Q1_2\n"
    "Start Date,Finished,Votre agence,Votre avis - Accueil,Votre avis - Engagements\n"
    '"{""ImportId"":""startDate""}","{""ImportId"":""finished""}","{""ImportId"":""QID9""}",'
    '"{""ImportId"":""QID1_1""}","{""ImportId"":""QID1_2""}"\n'
    "2026-09-01,True,lyon,Tout à fait d\u2019accord,Plutôt d'accord\n"
    "2026-09-02,False,evry,,\n"
    "2026-09-03,True,evry,Non concerné,Pas du tout d'accord\n"
)


@pytest.mark.parametrize(("match_row", "columns"), [
    (1, {"Q1_1": "C01", "Q1_2": "C02"}),
    (2, {"Votre avis - Accueil": "C01", "Votre avis - Engagements": "C02"}),
], ids=["names", "texts"])
def test_qualtrics_header_row_chosen_and_the_others_skipped(
    scheme: Scheme, tmp_path: Path, match_row: int, columns: dict[str, str]
) -> None:
    site = {1: "Agence", 2: "Votre agence"}[match_row]
    ignore = {1: ["StartDate"], 2: ["Start Date"]}[match_row]
    options = {"header_rows": 3, "match_row": match_row, "columns": columns, "site_column": site, "ignore": ignore,
               "filter": {"column": "Finished", "keep": ["True"]}, "no_answer": ["Non concerné"]}
    got = collect(request(scheme, tmp_path, [write(tmp_path, "q.csv", QUALTRICS)], options))
    assert samples(got) == {("c.1", "lyon"): {F(5): 1}, ("c.2", "lyon"): {F(4): 1}, ("c.2", "evry"): {F(1): 1}}
    assert notes(got)[0] == "q.csv: 2 rows, 2 sites, 1 row left out by the filter ('Finished' not 'True')"


def test_a_header_that_ends_before_its_rows(scheme: Scheme, tmp_path: Path) -> None:
    name = write(tmp_path, "q.csv", "Agence,Q1_1\nVotre agence,Accueil\n")
    options = {"header_rows": 3, "match_row": 1, "columns": {"Q1_1": "C01"}, "site_column": "Agence"}
    assert told(request(scheme, tmp_path, [name], options)) == [
        "row 1: the header should span 3 rows (header_rows), but the file ends before",
    ]


# --- Answer labels per column, no-answer labels, the row filter --------------------------------

LIME = (
    "id,submitdate,AGENCE,Q01[SQ001],Q02,Q04\n"
    "1,2026-09-01 10:00,A1,A1,A1,Y\n"
    "2,,A2,A9,zzz,?\n"  # an incomplete response: left out, its cells are not read
    "3,2026-09-02 11:00,A2,A5,A5,N\n"
    "4,2026-09-02 12:00,A2,A2,A4,Sans objet\n"
)
LIME_OPTIONS: dict[str, Any] = {
    "columns": {"Q01[SQ001]": "C01", "Q02": "C02", "Q04": "C18"},
    "site_column": "AGENCE",
    "site_names": {"A1": "lyon", "A2": "evry"},
    "ignore": ["id"],
    "filter": {"column": "submitdate", "drop": [""]},
    "no_answer": ["Sans objet"],
    "answers": {"A1": 1, "A2": 2, "A3": 3, "A4": 4, "A5": 5},
    "answer_maps": [
        {"columns": ["Q01[SQ001]"], "answers": {"A1": 5, "A2": 4, "A3": 3, "A4": 2, "A5": 1}},
        {"columns": ["Q04"], "answers": {"Y": 1, "N": 0}},
    ],
}


def test_answer_maps_per_column_no_answer_labels_and_a_counted_filter(scheme: Scheme, tmp_path: Path) -> None:
    got = collect(request(scheme, tmp_path, [write(tmp_path, "l.csv", LIME)], LIME_OPTIONS))
    assert samples(got) == {
        ("c.1", "lyon"): {F(5): 1}, ("c.1", "evry"): {F(1): 1, F(4): 1},  # Q01: A1 = 5 … A5 = 1
        ("c.2", "lyon"): {F(1): 1}, ("c.2", "evry"): {F(4): 1, F(5): 1},  # Q02: the source's A1 = 1 …
        ("c.3", "lyon"): {F(1): 1}, ("c.3", "evry"): {F(0): 1},  # Q04: Y/N, "Sans objet" no answer
    }
    assert notes(got)[0] == "l.csv: 3 rows, 2 sites, 1 row left out by the filter ('submitdate' blank)"


def test_a_label_off_a_column_map_names_that_map(scheme: Scheme, tmp_path: Path) -> None:
    name = write(tmp_path, "l.csv", LIME.replace("3,2026-09-02 11:00,A2,A5", "3,2026-09-02 11:00,A2,A7"))
    assert told(request(scheme, tmp_path, [name], LIME_OPTIONS)) == [
        "row 4, column 'Q01[SQ001]' (D): expected one of 1, 2, 3, 4, 5 or a label ('Pas du tout d'accord' = 1, …, "
        "'Tout à fait d'accord' = 5, or one in [[sources.customer.answer_maps]] #1), got 'A7'",
    ]


def test_the_filter_column_must_be_in_the_file(scheme: Scheme, tmp_path: Path) -> None:
    name = write(tmp_path, "l.csv", LIME.replace("submitdate", "submitted"))
    problems = told(request(scheme, tmp_path, [name], LIME_OPTIONS))
    assert problems[-1].startswith("row 1: header 'submitdate' not found in the file; the closest is 'submitted'")


# --- Options, placed in the audit file, in both languages ---------------------------------------


@pytest.mark.parametrize(("options", "en", "fr"), [
    ({"header_rows": 0}, "key sources.customer.header_rows: expected a number of header rows from 1 to 10, got 0",
     "clé sources.customer.header_rows: nombre de lignes d'en-tête attendu de 1 à 10, reçu 0"),
    ({"match_row": 1}, "key sources.customer.match_row: match_row chooses one of the header rows: it applies only "
     "with header_rows = 2 or more",
     "clé sources.customer.match_row: match_row choisit l'une des lignes d'en-tête : il ne vaut qu'avec "
     "header_rows = 2 ou plus"),
    ({"header_rows": 3, "match_row": 4},
     "key sources.customer.match_row: expected a header row from 1 to 3 (header_rows = 3), got 4",
     "clé sources.customer.match_row: ligne d'en-tête attendue de 1 à 3 (header_rows = 3), reçu 4"),
    ({"answer_maps": [{"columns": ["Q9"], "answers": {"A1": 1}}]},
     "key sources.customer.answer_maps[0].columns[0]: 'Q9' is not a header of columns: its answers are not read",
     "clé sources.customer.answer_maps[0].columns[0]: « Q9 » n'est pas un en-tête de columns : ses réponses ne "
     "sont pas lues"),
    ({"answer_maps": [{"columns": ["Q1"], "answers": {"A1": 1}}, {"columns": ["Q1"], "answers": {"A1": 2}}]},
     "key sources.customer.answer_maps[1].columns[0]: 'Q1' already has its labels in answer_maps #1",
     "clé sources.customer.answer_maps[1].columns[0]: « Q1 » a déjà ses libellés dans answer_maps n° 1"),
    ({"answer_maps": [{"columns": [], "answers": {}}]},
     "key sources.customer.answer_maps[0].columns: name the columns (headers of columns) these labels apply to",
     "clé sources.customer.answer_maps[0].columns: indiquer les colonnes (en-têtes de columns) auxquelles ces "
     "libellés s'appliquent"),
    ({"filter": {"column": "Statut", "keep": ["Complet"], "drop": ["Incomplet"]}},
     "key sources.customer.filter: give keep (the values of the rows read) or drop (those of the rows left out), "
     "not both: filter = { column = \"Statut\", keep = [\"Complet\"] }",
     "clé sources.customer.filter: indiquer keep (les valeurs des lignes lues) ou drop (celles des lignes "
     "écartées), pas les deux : filter = { column = \"Statut\", keep = [\"Complet\"] }"),
    ({"filter": {"column": "Statut", "keep": []}},
     "key sources.customer.filter.keep: expected at least one value (\"\" for a blank cell)",
     "clé sources.customer.filter.keep: au moins une valeur attendue (\"\" pour une cellule vide)"),
    ({"filter": {"column": "Q1", "keep": ["x"]}},
     "key sources.customer.filter.column: 'Q1' is also in columns or ignore: the filter's column only chooses "
     "the rows",
     "clé sources.customer.filter.column: « Q1 » est aussi dans columns ou ignore : la colonne du filtre ne sert "
     "qu'à choisir les lignes"),
    ({"no_answer": "Sans objet"}, "key sources.customer.no_answer: expected a list, e.g. no_answer = ['Sans objet']",
     "clé sources.customer.no_answer: liste attendue, par exemple no_answer = ['Sans objet']"),
    ({"filter": {"column": "Statut", "keep": "Complet"}},
     "key sources.customer.filter.keep: expected a list, e.g. keep = ['Complet']",
     "clé sources.customer.filter.keep: liste attendue, par exemple keep = ['Complet']"),
], ids=["header_rows 0", "match_row alone", "match_row past", "map unmapped", "map twice", "map empty",
        "keep and drop", "keep empty", "filter column read", "no_answer text", "keep text"])
def test_option_problems(scheme: Scheme, tmp_path: Path, options: dict[str, Any], en: str, fr: str) -> None:
    req = request(scheme, tmp_path, [], {"columns": {"Q1": "C01"}, **options})
    assert en in told(req, "en")
    assert fr in told(req, "fr")


def test_a_misspelt_option_gets_a_suggestion(scheme: Scheme, tmp_path: Path) -> None:
    problems = told(request(scheme, tmp_path, [], {"columns": {"Q1": "C01"}, "filters": {"column": "Statut", "keep": ["Complet"]}}))
    assert problems == ["key sources.customer.filters: unknown key: filters; did you mean 'filter'?"]


def test_the_filter_across_blocks_with_blank_rows_and_a_bad_cell(
    scheme: Scheme, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Blank rows are no rows, left out or not; a problem below filtered rows names its own row;
    the columnar reader, cutting the file in small blocks, says what the row reader says."""
    from labelaudit_surveys import _columnar

    monkeypatch.setattr(_columnar, "BLOCK", 64)
    lines = ["Agence;Statut;Q1 - Accueil"]
    for number in range(40):
        lines.append(f"{'lyon' if number % 2 else 'evry'};{'Complet' if number % 3 else 'Abandon'};{1 + number % 5}")
        if number % 7 == 0:
            lines.append(";;")
    lines.append("lyon;Complet;9")  # row 48: off the scale
    lines.append("lyon;Abandon;zzz")  # left out: never read
    name = write(tmp_path, "c.csv", "\n".join(lines) + "\n")
    options = {"columns": {"Q1 - Accueil": "C01"}, "site_column": "Agence",
               "filter": {"column": "Statut", "drop": ["Abandon"]}}
    req = request(scheme, tmp_path, [name], options)
    assert told(req) == [
        "row 48, column 'Q1 - Accueil' (C): expected one of 1, 2, 3, 4, 5 or a label ('Pas du tout d'accord' = 1, "
        "…, 'Tout à fait d'accord' = 5, or one in [sources.customer.answers]), got '9'",
    ]
    name = write(tmp_path, "c.csv", "\n".join(lines[:-2]) + "\n")
    got = collect(request(scheme, tmp_path, [name], options))
    assert notes(got)[0] == "c.csv: 26 rows, 2 sites, 14 rows left out by the filter ('Statut' 'Abandon')"
    kept = [1 + n % 5 for n in range(40) if n % 3]
    assert sum(sum(tally.values()) for tally in samples(got).values()) == len(kept) == 26


def test_the_filter_in_a_workbook(scheme: Scheme, tmp_path: Path) -> None:
    name = write_xlsx(tmp_path, "c.xlsx", [
        ["Export"], [], ["Agence", "Statut", "Q1 - Accueil"],
        ["lyon", "Complet", 5], ["evry", "En cours", "???"], ["evry", "complet", 4],
    ])
    options = {"columns": {"Q1 - Accueil": "C01"}, "site_column": "Agence",
               "filter": {"column": "Statut", "keep": ["Complet"]}}
    got = collect(request(scheme, tmp_path, [name], options))
    assert samples(got) == {("c.1", "lyon"): {F(5): 1}, ("c.1", "evry"): {F(4): 1}}
    assert notes(got)[0] == "c.xlsx: 2 rows, 2 sites, 1 row left out by the filter ('Statut' not 'Complet')"
