"""The built-in `grid` source kind (labelaudit_onsite): blank grids, reading them back, errors.

Most tests build their requests from the model directly, so that the plugin is exercised exactly
as the engine calls it, and check exact values: a wrong level, site, place or message fails. The
tests under "Through the engine" use labelaudit's own plugin fixtures (labelaudit.testing), as a
third-party plugin's tests would: an audit folder, read by the loaded plugin, checked.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import errno
import os
import textwrap
import tomllib
from fractions import Fraction
from pathlib import Path
from collections.abc import Callable
from typing import Any, Literal, TypeVar

import openpyxl
import pytest
import tomli_w

import labelaudit
import labelaudit_onsite
from labelaudit import (
    Audit,
    CollectRequest,
    Collection,
    Evidence,
    Finding,
    InputError,
    Provenance,
    Scheme,
    Site,
    SourceInputs,
    SourceKind,
    TemplateRequest,
    Text,
)
from labelaudit.i18n import set_lang
from labelaudit.model import AuditDates
from labelaudit.rulesets import load_scheme
from labelaudit.testing import assert_evidence, assert_no_evidence, unless_installed

pytest_plugins = unless_installed()

RULESET = Path(__file__).resolve().parents[2] / "rulesets" / "en16880"
LYON = Site("lyon", "Agence de Lyon")
PARIS = Site("paris", "Agence de Paris")
SITES = (LYON, PARIS)
HEADERS = [
    "Exigence / Requirement",
    "Critère / Criterion",
    "Intitulé / Title",
    "Pyramide / Pyramid",
    "Niveau / Level",
    "Observations",
    "Preuves / Evidence",
    "Points forts / Strengths",
    "Points de progrès / Improvements",
    "Points sensibles / Sensitive points",
    "NC mineures / Minor NCs",
    "NC majeures / Major NCs",
]


@pytest.fixture(scope="module")
def scheme() -> Scheme:
    return load_scheme(RULESET)


def template(
    scheme: Scheme, path: Path, sites: tuple[Site, ...] = SITES, lang: str = "fr"
) -> Path:
    source = scheme.sources["onsite"]
    labelaudit_onsite.write_template(TemplateRequest(scheme, source, sites, path, lang))
    return path


def request(
    scheme: Scheme,
    folder: Path,
    *files: Path,
    bindings: Any = None,
    options: dict[str, Any] | None = None,
    max_errors: int = 50,
) -> CollectRequest:
    source = scheme.sources["onsite"]
    if bindings is None:
        bindings = tuple(
            (c, b) for c in scheme.criteria() for b in c.bindings if b.source == source.id
        )
    inputs = SourceInputs(files=tuple(files), options=options or {})
    audit = Audit(
        id="2026-MTR-001",
        scheme=scheme.id,
        organisation="Mutuelle des Trois Rivières",
        scope="Accueil",
        kind="initial",
        auditors=("Claire Dubois",),
        dates=AuditDates(),
        sites=SITES,
        sources={"onsite": inputs},
        folder=folder,
        file=folder / "audit.toml",
    )
    return CollectRequest(scheme, audit, source, inputs, bindings, max_errors=max_errors)


def collect(scheme: Scheme, folder: Path, *files: Path, **options: Any) -> Collection:
    return labelaudit_onsite.collect(request(scheme, folder, *files, **options))


def problems(scheme: Scheme, folder: Path, *files: Path, **options: Any) -> list[str]:
    with pytest.raises(InputError) as caught:
        collect(scheme, folder, *files, **options)
    return [str(p) for p in caught.value.problems]


def write_toml(path: Path, text: str) -> Path:
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


# --- Registration --------------------------------------------------------------------------------


def test_registers_the_grid_source_kind() -> None:
    registered: list[SourceKind] = []
    labelaudit_onsite.labelaudit_register_sources(registered.append)
    assert [(k.name, k.template_suffixes) for k in registered] == [("grid", (".toml", ".xlsx"))]
    assert registered[0].collect is labelaudit_onsite.collect
    assert registered[0].write_template is labelaudit_onsite.write_template
    assert registered[0].title.en == "On-site evaluation grid"


def test_the_loaded_plugin_provides_grid_and_declares_the_api(labelaudit_plugins: Any) -> None:
    kind = labelaudit_plugins.kinds["grid"]
    assert (kind.plugin, kind.collect, kind.write_template) == (
        "onsite", labelaudit_onsite.collect, labelaudit_onsite.write_template
    )
    assert [p.api for p in labelaudit_plugins.info if p.name == "onsite"] == [labelaudit.API_VERSION]


def test_imports_only_the_public_api() -> None:
    package = Path(labelaudit_onsite.__file__).parent
    for module in package.glob("*.py"):
        text = module.read_text(encoding="utf-8")
        assert "from labelaudit." not in text and "import labelaudit." not in text, module.name


# --- TOML ----------------------------------------------------------------------------------------


def test_toml_template_for_one_site_has_the_single_site_layout(
    scheme: Scheme, tmp_path: Path
) -> None:
    path = template(scheme, tmp_path / "grid.toml", (LYON,))
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    assert set(data) == {"scheme", "site", "auditor", "criteria"}
    assert (data["scheme"], data["site"], data["auditor"]) == ("en16880", "lyon", "")
    assert [c["id"] for c in data["criteria"]] == [c.id for c in scheme.criteria()]
    assert all("level" not in c for c in data["criteria"])
    assert data["criteria"][0] == {
        "id": "vision.1",
        "observations": "",
        "evidence": [],
        "findings": {k: [] for k in labelaudit.FINDING_KINDS},
    }
    text = path.read_text(encoding="utf-8")
    assert "# vision.2 — Stratégie déclinée en objectifs et plans d'action" in text
    assert "#   1 = Initié" in text
    assert os.listdir(tmp_path) == ["grid.toml"]  # no temporary file left behind


def test_toml_template_in_english(scheme: Scheme, tmp_path: Path) -> None:
    text = template(scheme, tmp_path / "grid.toml", (LYON,), "en").read_text(encoding="utf-8")
    assert "# vision.2 — Strategy broken down into objectives and action plans" in text
    assert "#   1 = Initiated" in text


def test_blank_toml_template_reads_back_as_nothing(scheme: Scheme, tmp_path: Path) -> None:
    one = template(scheme, tmp_path / "one.toml", (LYON,))
    two = template(scheme, tmp_path / "two.toml")
    assert collect(scheme, tmp_path, one, two) == Collection()


def test_toml_round_trip_for_two_sites(scheme: Scheme, tmp_path: Path) -> None:
    (tmp_path / "grids").mkdir()
    path = template(scheme, tmp_path / "grids" / "grid.toml")
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    assert [s["site"] for s in data["sites"]] == ["lyon", "paris"]
    lyon, paris = data["sites"]
    lyon["auditor"], lyon["date"] = "Claire Dubois", dt.date(2026, 10, 5)
    lyon["criteria"][0].update(
        level=3,
        observations="Vision affichée à l'accueil",
        evidence=["Plan stratégique, p. 4", "Charte"],
        findings={"strength": ["Vision partagée"], "minor": ["Pas de revue annuelle"]},
    )
    lyon["criteria"][2]["findings"]["major"] = ["Aucune segmentation"]  # no level: finding only
    paris["criteria"][1]["level"] = 0
    path.write_text(tomli_w.dumps(data), encoding="utf-8")

    result = collect(scheme, tmp_path, path)

    claire = dict(who="Claire Dubois", when="2026-10-05")
    assert result.evidence == (
        Evidence(
            criterion="vision.1",
            binding="onsite",
            site="lyon",
            value=Fraction(3),
            observations=("Vision affichée à l'accueil",),
            references=("Plan stratégique, p. 4", "Charte"),
            provenance=Provenance("grids/grid.toml", "sites[0].criteria[0]", **claire),
        ),
        Evidence(
            criterion="vision.2",
            binding="onsite",
            site="paris",
            value=Fraction(0),
            provenance=Provenance("grids/grid.toml", "sites[1].criteria[1]"),
        ),
    )
    place = "sites[0].criteria[{}].findings.{}[0]"
    assert result.findings == (
        Finding("vision", "strength", "Vision partagée", "lyon", "vision.1",
                provenance=Provenance("grids/grid.toml", place.format(0, "strength"), **claire)),
        Finding("vision", "minor", "Pas de revue annuelle", "lyon", "vision.1",
                provenance=Provenance("grids/grid.toml", place.format(0, "minor"), **claire)),
        Finding("vision", "major", "Aucune segmentation", "lyon", "vision.3",
                provenance=Provenance("grids/grid.toml", place.format(2, "major"), **claire)),
    )


def test_reads_the_documented_single_site_example(scheme: Scheme, tmp_path: Path) -> None:
    path = write_toml(
        tmp_path / "GRID.TOML",  # the suffix is matched whatever its case
        """
        scheme = "en16880"
        site = "lyon"
        auditor = "Claire Dubois"
        date = 2026-10-05

        [[criteria]]
        id = "vision.1"
        level = 3.0
        observations = "Vision écrite"
        evidence = "Plan stratégique 2025-2028, p. 4"
        [criteria.findings]
        strength = ["Promesse claire"]
        improvement = []

        [[criteria]]
        id = "commitment.2"
        level = 1
        """,
    )
    result = collect(scheme, tmp_path, path)
    assert [(e.criterion, e.site, e.value, e.references) for e in result.evidence] == [
        ("vision.1", "lyon", Fraction(3), ("Plan stratégique 2025-2028, p. 4",)),
        ("commitment.2", "lyon", Fraction(1), ()),
    ]
    assert [(f.requirement, f.kind, f.text) for f in result.findings] == [
        ("vision", "strength", "Promesse claire")
    ]
    assert result.evidence[1].provenance == Provenance(
        "GRID.TOML", "criteria[1]", "Claire Dubois", "2026-10-05"
    )


def test_a_criterion_without_a_binding_gives_findings_but_no_evidence(
    scheme: Scheme, tmp_path: Path
) -> None:
    path = write_toml(
        tmp_path / "grid.toml",
        """
        site = "lyon"
        [[criteria]]
        id = "vision.1"
        level = 2
        findings.sensitive = ["Affichage absent"]
        """,
    )
    result = collect(scheme, tmp_path, path, bindings=())
    assert result.evidence == ()
    assert [(f.kind, f.text, f.site) for f in result.findings] == [
        ("sensitive", "Affichage absent", "lyon")
    ]


def test_toml_unknown_key_is_placed_at_its_line(scheme: Scheme, tmp_path: Path) -> None:
    path = write_toml(
        tmp_path / "grid.toml",
        """
        site = "lyon"

        [[criteria]]
        id = "vision.1"
        levle = 3
        """,
    )
    assert problems(scheme, tmp_path, path) == [
        f"{path}: line 5, key criteria[0].levle: unknown key: levle; did you mean 'level'?"
    ]


def test_toml_unknown_finding_kind(scheme: Scheme, tmp_path: Path) -> None:
    path = write_toml(
        tmp_path / "grid.toml",
        """
        site = "lyon"
        [[criteria]]
        id = "vision.1"
        [criteria.findings]
        praise = ["Très bien"]
        """,
    )
    assert problems(scheme, tmp_path, path) == [
        f"{path}: line 5, key criteria[0].findings.praise: unknown key: praise"
    ]


def test_toml_missing_criterion_id(scheme: Scheme, tmp_path: Path) -> None:
    path = write_toml(
        tmp_path / "grid.toml",
        """
        site = "lyon"
        [[criteria]]
        id = "vision.1"
        [[criteria]]
        level = 2
        """,
    )
    [message] = problems(scheme, tmp_path, path)
    assert message.startswith(f"{path}: ")
    assert message.endswith("key criteria[1].id: required key missing")


def test_toml_missing_site(scheme: Scheme, tmp_path: Path) -> None:
    path = write_toml(tmp_path / "grid.toml", '[[criteria]]\nid = "vision.1"\nlevel = 2\n')
    assert problems(scheme, tmp_path, path) == [
        f"{path}: key site: required key missing: site (or [[sites]] tables)"
    ]


def test_toml_level_of_the_wrong_type(scheme: Scheme, tmp_path: Path) -> None:
    path = write_toml(
        tmp_path / "grid.toml",
        """
        site = "lyon"
        [[criteria]]
        id = "vision.1"
        level = "high"
        """,
    )
    assert problems(scheme, tmp_path, path) == [
        f"{path}: line 4, key criteria[0].level: expected number, got 'high'"
    ]


@pytest.mark.parametrize("level", ["5", "-1", "2.5"])
def test_toml_level_outside_the_scale(scheme: Scheme, tmp_path: Path, level: str) -> None:
    path = write_toml(
        tmp_path / "grid.toml",
        f"""
        site = "lyon"
        [[criteria]]
        id = "vision.1"
        [[criteria]]
        id = "vision.2"
        level = {level}
        """,
    )
    assert problems(scheme, tmp_path, path) == [
        f"{path}: line 6, key criteria[1].level: expected one of 0, 1, 2, 3, 4, got {level}"
    ]


def test_toml_unknown_criterion_unknown_site_and_duplicates(scheme: Scheme, tmp_path: Path) -> None:
    path = write_toml(
        tmp_path / "grid.toml",
        """
        [[sites]]
        site = "lyon"
        [[sites.criteria]]
        id = "vision.9"
        level = 1
        [[sites.criteria]]
        id = "vision.2"
        level = 1
        [[sites.criteria]]
        id = "vision.2"
        level = 2

        [[sites]]
        site = "nice"
        [[sites.criteria]]
        id = "vision.1"
        level = 1
        """,
    )
    assert problems(scheme, tmp_path, path) == [
        f"{path}: line 4, key sites[0].criteria[0].id: "
        "unknown criterion 'vision.9' in scheme en16880; did you mean 'vision.4'?",
        f"{path}: line 10, key sites[0].criteria[2].id: criterion 'vision.2' is given twice "
        "for site 'lyon' (first at grid.toml line 7, key sites[0].criteria[1].id)",
        f"{path}: line 14, key sites[1].site: "
        "unknown site 'nice' (sites of this audit: lyon, paris)",
    ]


def test_duplicates_are_found_across_files(scheme: Scheme, tmp_path: Path) -> None:
    text = 'site = "paris"\n[[criteria]]\nid = "design.1"\nlevel = 2\n'
    first = write_toml(tmp_path / "day1.toml", text)
    second = write_toml(tmp_path / "day2.toml", text)
    assert problems(scheme, tmp_path, first, second) == [
        f"{second}: line 3, key criteria[0].id: criterion 'design.1' is given twice for site "
        "'paris' (first at day1.toml line 3, key criteria[0].id)"
    ]


def test_toml_both_layouts_and_another_scheme(scheme: Scheme, tmp_path: Path) -> None:
    path = write_toml(
        tmp_path / "grid.toml",
        """
        scheme = "iso23592"
        site = "lyon"
        [[sites]]
        site = "paris"
        """,
    )
    assert problems(scheme, tmp_path, path) == [
        f"{path}: line 1, key scheme: grid for scheme 'iso23592', but the audit uses 'en16880'",
        f"{path}: line 3, key sites: give either the single-site keys (site, auditor, date, "
        "criteria) or [[sites]] tables, not both",
    ]


def test_toml_syntax_error_and_missing_file_are_both_reported(
    scheme: Scheme, tmp_path: Path
) -> None:
    broken = write_toml(tmp_path / "broken.toml", 'site = "lyon"\nlevel = \n')
    missing = tmp_path / "missing.toml"
    reported = problems(scheme, tmp_path, broken, missing)
    assert reported[0].startswith(f"{broken}: line 2, column 9: invalid TOML")
    assert reported[1] == f"{missing}: file not found"


def test_problems_are_capped_at_max_errors(scheme: Scheme, tmp_path: Path) -> None:
    path = write_toml(
        tmp_path / "grid.toml",
        'site = "lyon"\n[[criteria]]\nid = "x.1"\n[[criteria]]\nid = "x.2"\n'
        '[[criteria]]\nid = "x.3"\nlevel = 1\n',
    )
    with pytest.raises(InputError) as caught:
        collect(scheme, tmp_path, path, max_errors=2)
    assert len(caught.value.problems) == 2
    assert caught.value.truncated == 1


def test_unknown_file_suffix_and_options(scheme: Scheme, tmp_path: Path) -> None:
    path = tmp_path / "grid.csv"
    path.write_text("a,b\n", encoding="utf-8")
    assert problems(scheme, tmp_path, path, options={"sheet": "x"}) == [
        f"{tmp_path / 'audit.toml'}: key sources.onsite.sheet: "
        "unknown option 'sheet': a grid source takes only 'files'",
        f"{path}: a grid must be a .toml or .xlsx file, not .csv",
    ]


# --- XLSX ----------------------------------------------------------------------------------------


def test_xlsx_template(scheme: Scheme, tmp_path: Path) -> None:
    path = template(scheme, tmp_path / "grid.xlsx", SITES, "en")
    assert os.listdir(tmp_path) == ["grid.xlsx"]
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames == ["lyon", "paris", "Levels", "Audit"]
    sheet = workbook["lyon"]
    assert [c.value for c in sheet[1]] == HEADERS
    rows = list(sheet.iter_rows(min_row=2, max_col=5, values_only=True))
    assert [r[1] for r in rows] == [c.id for c in scheme.criteria()]
    assert rows[1] == (
        "vision", "vision.2", "Strategy broken down into objectives and action plans", 1, None
    )
    assert sheet.freeze_panes == "C2"
    assert sheet["F2"].alignment.wrap_text
    [validation] = sheet.data_validations.dataValidation
    assert (validation.type, validation.formula1) == ("list", "'Levels'!$F$2:$F$6")
    assert validation.errorStyle == "warning"  # a typed number is allowed after a warning
    assert str(validation.sqref) == f"E2:E{len(rows) + 1}"
    guidance = sheet["C2"].comment.text.splitlines()
    assert guidance[0].startswith("What the auditor looks for: The auditor looks for a written service vision")
    assert guidance[2].startswith("1 – Initiated: An approach")
    assert (sheet.page_setup.orientation, int(sheet.page_setup.paperSize)) == ("landscape", 9)  # A4
    assert sheet.print_title_rows == "$1:$1" and sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.oddHeader.left.text == "lyon – Agence de Lyon"
    assert sheet.oddHeader.right.text == "Auditor: ____________________    Date of the visit: ____________"

    levels = list(workbook["Levels"].iter_rows(values_only=True))
    assert len(levels) == 1 + 5
    assert levels[2][:3] == (1, "Initié", "Initiated")
    assert [row[5] for row in levels[1:3]] == ["0 – Not addressed", "1 – Initiated"]
    assert levels[2][3].startswith("Une démarche existe")
    assert levels[2][4].startswith("An approach")
    assert list(workbook["Audit"].iter_rows(values_only=True)) == [
        ("scheme", "en16880"),
        ("version", scheme.version),  # the bundled scheme's own: a grid is written for one version
    ]
    workbook.close()


def test_xlsx_template_in_french(scheme: Scheme, tmp_path: Path) -> None:
    workbook = openpyxl.load_workbook(template(scheme, tmp_path / "grid.xlsx", (LYON,), "fr"))
    assert workbook.sheetnames == ["lyon", "Niveaux", "Audit"]
    assert workbook["lyon"]["C3"].value == "Stratégie déclinée en objectifs et plans d'action"
    workbook.close()


def test_xlsx_template_in_german_reads_back_with_a_german_level(scheme: Scheme, tmp_path: Path) -> None:
    """`grid --lang de` used to crash (the template's texts had French and English only)."""
    path = template(scheme, tmp_path / "grid.xlsx", SITES, "de")
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames == ["lyon", "paris", "Stufen", "Audit"]
    sheet = workbook["lyon"]
    assert sheet.oddHeader.right.text == "Auditor: ____________________    Datum des Besuchs: ____________"
    assert sheet["C2"].comment.text.startswith("Worauf der Auditor achtet: ")
    [validation] = sheet.data_validations.dataValidation
    assert validation.formula1 == "'Stufen'!$F$2:$F$6" and validation.errorTitle == "Ungültige Stufe"
    assert [row[5] for row in workbook["Stufen"].iter_rows(min_row=2, max_row=3, values_only=True)] == [
        "0 – Nicht behandelt", "1 – Begonnen"]
    sheet["E2"] = "2 – Eingeführt"  # chosen from the German drop-down
    workbook.save(path)
    [evidence] = collect(scheme, tmp_path, path).evidence
    assert (evidence.criterion, evidence.site, evidence.value) == ("vision.1", "lyon", Fraction(2))


@pytest.mark.parametrize("lang", ("it", "de_AT"))
def test_a_template_in_a_language_without_texts_of_its_own(scheme: Scheme, tmp_path: Path, lang: str) -> None:
    """A language labelaudit reads from a catalog file alone gets the grid in its base language,
    else in English, rather than a crash."""
    workbook = openpyxl.load_workbook(template(scheme, tmp_path / "grid.xlsx", (LYON,), lang))
    assert workbook.sheetnames == ["lyon", "Stufen" if lang == "de_AT" else "Levels", "Audit"]
    workbook.close()
    toml = template(scheme, tmp_path / "grid.toml", (LYON,), lang).read_text("utf-8")
    assert ("die erreichte Stufe" if lang == "de_AT" else "the level reached") in toml


def test_xlsx_template_refuses_a_site_id_that_cannot_name_a_sheet(
    scheme: Scheme, tmp_path: Path
) -> None:
    with pytest.raises(InputError, match="site id 'Audit' cannot name a sheet"):
        template(scheme, tmp_path / "grid.xlsx", (Site("Audit", "x"),))
    assert os.listdir(tmp_path) == []


def fill(path: Path, cells: dict[str, Any]) -> Path:
    """Write `{"lyon!E2": 3, …}` into a workbook, as an auditor would in Excel."""
    workbook = openpyxl.load_workbook(path)
    for ref, value in cells.items():
        sheet, cell = ref.split("!")
        workbook[sheet][cell] = value
    workbook.save(path)
    workbook.close()
    return path


def test_xlsx_round_trip(scheme: Scheme, tmp_path: Path) -> None:
    path = fill(
        template(scheme, tmp_path / "grid.xlsx"),
        {
            "lyon!E2": 3,
            "lyon!F2": "Vision affichée",
            "lyon!G2": "Plan stratégique\n\n  Charte client  ",
            "lyon!H2": "Vision partagée\nPromesse claire",
            "lyon!E3": 2.0,  # Excel stores numbers as floats
            "lyon!E4": " 1 ",  # a level typed as text
            "lyon!K5": "Revue non faite",  # a finding without a level
            "paris!E6": 4,
            "paris!L6": "Moyens non alloués",
        },
    )
    result = collect(scheme, tmp_path, path)
    assert result.evidence == (
        Evidence("vision.1", "onsite", "lyon", Fraction(3), None, ("Vision affichée",),
                 ("Plan stratégique", "Charte client"), Provenance("grid.xlsx", "cell lyon!E2")),
        Evidence("vision.2", "onsite", "lyon", Fraction(2),
                 provenance=Provenance("grid.xlsx", "cell lyon!E3")),
        Evidence("vision.3", "onsite", "lyon", Fraction(1),
                 provenance=Provenance("grid.xlsx", "cell lyon!E4")),
        Evidence("commitment.1", "onsite", "paris", Fraction(4),
                 provenance=Provenance("grid.xlsx", "cell paris!E6")),
    )
    assert result.findings == (
        Finding("vision", "strength", "Vision partagée", "lyon", "vision.1",
                provenance=Provenance("grid.xlsx", "cell lyon!H2")),
        Finding("vision", "strength", "Promesse claire", "lyon", "vision.1",
                provenance=Provenance("grid.xlsx", "cell lyon!H2")),
        Finding("vision", "minor", "Revue non faite", "lyon", "vision.4",
                provenance=Provenance("grid.xlsx", "cell lyon!K5")),
        Finding("commitment", "major", "Moyens non alloués", "paris", "commitment.1",
                provenance=Provenance("grid.xlsx", "cell paris!L6")),
    )
    assert result.notes == ()


def test_xlsx_a_level_chosen_from_the_drop_down_is_its_point(scheme: Scheme, tmp_path: Path) -> None:
    path = fill(
        template(scheme, tmp_path / "grid.xlsx", lang="fr"),
        {"lyon!E2": "2 – Déployé", "lyon!E3": "1 - initiated", "lyon!E4": "2,5"},
    )
    assert problems(scheme, tmp_path, path) == [f"{path}: cell lyon!E4: expected one of 0, 1, 2, 3, 4, got '2,5'"]
    path = fill(path, {"lyon!E4": None})
    assert [(e.criterion, e.value) for e in collect(scheme, tmp_path, path).evidence] == [
        ("vision.1", Fraction(2)), ("vision.2", Fraction(1))
    ]


def test_xlsx_a_number_with_another_points_label_is_refused(scheme: Scheme, tmp_path: Path) -> None:
    path = fill(template(scheme, tmp_path / "grid.xlsx"), {"lyon!E2": "3 – Déployé"})
    assert problems(scheme, tmp_path, path) == [
        f"{path}: cell lyon!E2: expected one of 0, 1, 2, 3, 4, got '3 – Déployé'"
    ]


def test_xlsx_accepts_one_language_headers_and_skips_blank_rows(
    scheme: Scheme, tmp_path: Path
) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "paris"
    sheet.append([h.split(" / ")[-1] for h in HEADERS])  # English only
    sheet.append([None] * 12)
    sheet.append(["", "", "a heading", None, None])  # no criterion, nothing assessed: skipped
    sheet.append(["design", "design.2", None, None, 2])
    workbook.create_sheet("lyon").append([h.split(" / ")[0] for h in HEADERS])  # French only, no rows
    workbook.save(tmp_path / "grid.xlsx")
    result = collect(scheme, tmp_path, tmp_path / "grid.xlsx")
    assert [(e.criterion, e.site, e.value, e.provenance.location) for e in result.evidence] == [
        ("design.2", "paris", Fraction(2), "cell paris!E4")
    ]


@pytest.mark.parametrize(
    ("value", "shown"), [(7, "7"), (2.5, "2.5"), ("high", "'high'"), (True, "True")]
)
def test_xlsx_level_outside_the_scale(
    scheme: Scheme, tmp_path: Path, value: Any, shown: str
) -> None:
    path = fill(template(scheme, tmp_path / "grid.xlsx"), {"paris!E7": value})
    assert problems(scheme, tmp_path, path) == [
        f"{path}: cell paris!E7: expected one of 0, 1, 2, 3, 4, got {shown}"
    ]


def test_xlsx_unknown_criterion_and_duplicate(scheme: Scheme, tmp_path: Path) -> None:
    path = fill(
        template(scheme, tmp_path / "grid.xlsx"),
        {"lyon!B2": "vision.42", "lyon!E2": 1, "lyon!B4": "vision.2", "lyon!E4": 1, "lyon!E3": 1},
    )
    assert problems(scheme, tmp_path, path) == [
        f"{path}: cell lyon!B2: unknown criterion 'vision.42' in scheme en16880; "
        "did you mean 'vision.4'?",
        f"{path}: cell lyon!B4: criterion 'vision.2' is given twice for site 'lyon' "
        "(first at grid.xlsx cell lyon!B3)",
    ]


def test_xlsx_unknown_sheet_and_wrong_header(scheme: Scheme, tmp_path: Path) -> None:
    path = template(scheme, tmp_path / "grid.xlsx")
    workbook = openpyxl.load_workbook(path)
    workbook.create_sheet("Feuil1")
    workbook["paris"]["E1"] = "Note"
    workbook["paris"]["E2"] = 9  # not reported: the sheet's columns cannot be trusted
    workbook.save(path)
    workbook.close()
    assert problems(scheme, tmp_path, path) == [
        f"{path}: cell paris!E1: expected the header 'Niveau / Level', got 'Note'",
        f"{path}: sheet 'Feuil1': sheet 'Feuil1' is not a site of this audit (sites: lyon, paris)",
    ]


def test_xlsx_for_another_scheme_version_is_a_note(scheme: Scheme, tmp_path: Path) -> None:
    path = fill(template(scheme, tmp_path / "grid.xlsx"), {"Audit!B2": "0.9.0", "lyon!E2": 2})
    result = collect(scheme, tmp_path, path)
    assert result.notes == (
        Text(
            fr=f"grid.xlsx : grille établie pour en16880 0.9.0, le schéma est aujourd'hui en version {scheme.version}",
            en=f"grid.xlsx: grid written for en16880 0.9.0, the scheme is now at version {scheme.version}",
            others={
                "de": "grid.xlsx: Bewertungsraster für en16880 0.9.0 erstellt, "
                f"das Schema liegt jetzt in Version {scheme.version} vor"
            },
        ),
    )
    assert len(result.evidence) == 1


def test_xlsx_for_another_scheme_is_an_error(scheme: Scheme, tmp_path: Path) -> None:
    path = fill(template(scheme, tmp_path / "grid.xlsx"), {"Audit!B1": "iso23592"})
    assert problems(scheme, tmp_path, path) == [
        f"{path}: cell Audit!B1: grid for scheme 'iso23592', but the audit uses 'en16880'"
    ]


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (b"\x00" + os.urandom(64) + b"garbage", "not an XLSX workbook (an XLSX file is a zip archive"),
        (b"", "not an XLSX workbook (an XLSX file is a zip archive"),
        (b"\xd0\xcf\x11\xe0" + bytes(60), "an Excel 97-2003 workbook (.xls) renamed .xlsx: save it as .xlsx"),
        (b"PK\x03\x04broken zip", "damaged zip archive (File is not a zip file): the file is truncated or corrupt"),
    ],
)
def test_corrupt_xlsx_is_an_input_error(scheme: Scheme, tmp_path: Path, content: bytes, said: str) -> None:
    path = tmp_path / "grid.xlsx"
    path.write_bytes(content)
    [message] = problems(scheme, tmp_path, path)
    assert message.startswith(f"{path}: {said}")


def test_blank_xlsx_template_reads_back_as_nothing(scheme: Scheme, tmp_path: Path) -> None:
    path = template(scheme, tmp_path / "grid.XLSX")
    assert collect(scheme, tmp_path, path, path.with_name("grid.XLSX")) == Collection()


def test_template_needs_a_known_suffix(scheme: Scheme, tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"a grid template must end in \.toml or \.xlsx"):
        template(scheme, tmp_path / "grid.ods")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (3.0, Fraction(3)),  # what a spreadsheet may hand over for 3
        (2.5, Fraction(5, 2)),
        (" 2,5 ", Fraction(5, 2)),  # a French decimal comma typed as text
        (float("nan"), Text(fr="niveau attendu parmi 0, 2.5, 3, trouvé nan",
                            en="expected one of 0, 2.5, 3, got nan",
                            others={"de": "erwartet wird eine der Stufen 0, 2.5, 3, erhalten: nan"})),
        (True, Text(fr="niveau attendu parmi 0, 2.5, 3, trouvé True",
                    en="expected one of 0, 2.5, 3, got True",
                    others={"de": "erwartet wird eine der Stufen 0, 2.5, 3, erhalten: True"})),
        (2.4, Text(fr="niveau attendu parmi 0, 2.5, 3, trouvé 2.4",
                   en="expected one of 0, 2.5, 3, got 2.4",
                   others={"de": "erwartet wird eine der Stufen 0, 2.5, 3, erhalten: 2.4"})),
        ("4", Text(fr="niveau attendu parmi 0, 2.5, 3, trouvé « 4 »",
                   en="expected one of 0, 2.5, 3, got '4'",
                   others={"de": "erwartet wird eine der Stufen 0, 2.5, 3, erhalten: „4“"})),
    ],
)
def test_levels_are_read_exactly(raw: Any, expected: Fraction | Text) -> None:
    from labelaudit_onsite._common import parse_level

    assert parse_level(raw, (Fraction(0), Fraction(5, 2), Fraction(3))) == expected


def test_a_level_for_a_source_without_a_scale() -> None:
    from labelaudit_onsite._common import parse_level

    assert parse_level(3, ()) == Text(
        fr="aucun niveau possible (la source n'a pas d'échelle), trouvé 3",
        en="expected one of (none: the source has no scale), got 3",
        others={"de": "keine Stufe möglich (die Quelle hat keine Skala), erhalten: 3"},
    )


# --- Messages in French and English --------------------------------------------------------------
#
# Every problem the plugin reports is a `Text`: labelaudit prints it in the user's language. The
# English texts are checked elsewhere in this file (and by tests/test_malformed.py) as they have
# always been; here each message is checked in both languages, on the (French, English) pairs.

T = TypeVar("T")


def bilingual(what: str | Text) -> tuple[str, str]:
    """A problem's (French, English) texts; a plain `str` would be shown in English only."""
    assert isinstance(what, Text), f"not bilingual: {what!r}"
    return what.fr, what.en


def texts(scheme: Scheme, folder: Path, *files: Path, **options: Any) -> list[tuple[str, str]]:
    with pytest.raises(InputError) as caught:
        collect(scheme, folder, *files, **options)
    return [bilingual(p.what) for p in caught.value.problems]


def template_texts(scheme: Scheme, path: Path, sites: tuple[Site, ...] = SITES) -> tuple[str, str]:
    with pytest.raises(InputError) as caught:
        template(scheme, path, sites)
    [problem] = caught.value.problems
    return bilingual(problem.what)


def in_lang(lang: Literal["fr", "en"], func: Callable[..., T], *args: Any) -> T:
    """Run in the given language, in a copied context so that other tests keep theirs."""

    def run() -> T:
        set_lang(lang)
        return func(*args)

    return contextvars.copy_context().run(run)


def test_toml_grid_problems_in_both_languages(scheme: Scheme, tmp_path: Path) -> None:
    path = write_toml(
        tmp_path / "grid.toml",
        """
        scheme = "iso23592"
        site = "lyon"

        [[sites]]
        site = "lyon"
        [[sites.criteria]]
        id = "vision.9"
        level = 1
        [[sites.criteria]]
        id = "vision.2"
        level = 7
        [[sites.criteria]]
        id = "vision.2"
        level = 2

        [[sites]]
        site = "nice"
        """,
    )
    assert texts(scheme, tmp_path, path) == [
        ("grille établie pour le schéma « iso23592 », alors que l'audit porte sur le schéma "
         "« en16880 »",
         "grid for scheme 'iso23592', but the audit uses 'en16880'"),
        ("indiquer soit les clés d'un site unique (site, auditor, date, criteria), soit des "
         "tables [[sites]], pas les deux",
         "give either the single-site keys (site, auditor, date, criteria) or [[sites]] tables, "
         "not both"),
        ("critère inconnu « vision.9 » dans le schéma en16880 ; vouliez-vous dire « vision.4 » ?",
         "unknown criterion 'vision.9' in scheme en16880; did you mean 'vision.4'?"),
        ("niveau attendu parmi 0, 1, 2, 3, 4, trouvé 7",
         "expected one of 0, 1, 2, 3, 4, got 7"),
        ("critère « vision.2 » renseigné deux fois pour le site « lyon » (première occurrence : "
         "grid.toml line 10, key sites[0].criteria[1].id)",
         "criterion 'vision.2' is given twice for site 'lyon' "
         "(first at grid.toml line 10, key sites[0].criteria[1].id)"),
        ("site inconnu « nice » (sites de cet audit : lyon, paris)",
         "unknown site 'nice' (sites of this audit: lyon, paris)"),
    ]


def test_toml_grid_without_a_site_and_a_criterion_with_no_close_match(
    scheme: Scheme, tmp_path: Path
) -> None:
    no_site = write_toml(tmp_path / "a.toml", '[[criteria]]\nid = "vision.1"\n')
    unknown = write_toml(tmp_path / "b.toml", 'site = "paris"\n[[criteria]]\nid = "zzz"\n')
    assert texts(scheme, tmp_path, no_site, unknown) == [
        ("clé obligatoire absente : site (ou des tables [[sites]])",
         "required key missing: site (or [[sites]] tables)"),
        ("critère inconnu « zzz » dans le schéma en16880",
         "unknown criterion 'zzz' in scheme en16880"),
    ]


def test_xlsx_grid_problems_in_both_languages(scheme: Scheme, tmp_path: Path) -> None:
    path = template(scheme, tmp_path / "grid.xlsx")
    workbook = openpyxl.load_workbook(path)
    workbook.create_sheet("Feuil1")
    workbook["paris"]["E1"] = None  # an erased header
    workbook["paris"]["F1"] = "Notes"
    workbook["lyon"]["E2"] = "haut"  # a level typed as a word
    workbook["lyon"]["E3"] = 7
    workbook["Audit"]["B1"] = "iso23592"
    workbook.save(path)
    workbook.close()
    headless = openpyxl.Workbook()
    headless.active.title = "paris"
    headless.active["A2"] = "vision"  # rows, but nothing in row 1
    headless.save(tmp_path / "headless.xlsx")
    assert texts(scheme, tmp_path, path, tmp_path / "headless.xlsx") == [
        ("en-tête attendu « Niveau / Level », cellule vide",
         "expected the header 'Niveau / Level', got ''"),
        ("en-tête attendu « Observations », trouvé « Notes »",
         "expected the header 'Observations', got 'Notes'"),
        ("grille établie pour le schéma « iso23592 », alors que l'audit porte sur le schéma "
         "« en16880 »",
         "grid for scheme 'iso23592', but the audit uses 'en16880'"),
        ("la feuille « Feuil1 » ne correspond à aucun site de cet audit (sites : lyon, paris)",
         "sheet 'Feuil1' is not a site of this audit (sites: lyon, paris)"),
        ("niveau attendu parmi 0, 1, 2, 3, 4, trouvé « haut »",
         "expected one of 0, 1, 2, 3, 4, got 'haut'"),
        ("niveau attendu parmi 0, 1, 2, 3, 4, trouvé 7",
         "expected one of 0, 1, 2, 3, 4, got 7"),
        ("la ligne d'en-tête est absente", "the header row is missing"),
    ]


def test_unreadable_xlsx_files_in_both_languages(scheme: Scheme, tmp_path: Path) -> None:
    corrupt = tmp_path / "corrupt.xlsx"
    corrupt.write_bytes(b"PK\x03\x04broken zip")
    folder = tmp_path / "folder.xlsx"
    folder.mkdir()  # exists, but cannot be read as a file
    reported = texts(scheme, tmp_path, corrupt, tmp_path / "missing.xlsx", folder)
    (corrupt_fr, corrupt_en), *others = reported
    assert corrupt_fr == "archive zip endommagée (File is not a zip file) : le fichier est tronqué ou altéré"
    assert corrupt_en == "damaged zip archive (File is not a zip file): the file is truncated or corrupt"
    reason = os.strerror(errno.EISDIR)
    assert others == [
        ("fichier introuvable", "file not found"),
        (f"fichier illisible : {reason}", f"cannot read the file: {reason}"),
    ]


def test_files_and_options_in_both_languages(scheme: Scheme, tmp_path: Path) -> None:
    csv = tmp_path / "grid.csv"
    csv.write_text("a,b\n", encoding="utf-8")
    bare = tmp_path / "grid"
    bare.write_text("", encoding="utf-8")
    assert texts(scheme, tmp_path, csv, bare, options={"sheet": "x"}) == [
        ("option inconnue « sheet » : une source de type grille n'accepte que « files »",
         "unknown option 'sheet': a grid source takes only 'files'"),
        ("une grille doit être un fichier .toml ou .xlsx, pas .csv",
         "a grid must be a .toml or .xlsx file, not .csv"),
        ("une grille doit être un fichier .toml ou .xlsx, pas un fichier sans extension",
         "a grid must be a .toml or .xlsx file, not no suffix"),
    ]


def test_template_problems_in_both_languages(scheme: Scheme, tmp_path: Path) -> None:
    assert template_texts(scheme, tmp_path / "grid.ods") == (
        "le nom d'une grille vierge doit se terminer par .toml ou .xlsx",
        "a grid template must end in .toml or .xlsx",
    )
    assert template_texts(scheme, tmp_path / "grid.xlsx", (Site("a:b", "x"),)) == (
        "l'identifiant de site « a:b » ne peut pas servir de nom de feuille (31 caractères au "
        "plus, aucun des caractères [ ] : * ? / \\, et aucun des noms réservés audit, levels, "
        "niveaux, stufen)",
        "site id 'a:b' cannot name a sheet (at most 31 characters, none of [ ] : * ? / \\, and "
        "not audit, levels, niveaux, stufen)",
    )
    (tmp_path / "a file").write_text("", "utf-8")
    assert template_texts(scheme, tmp_path / "a file" / "grid.toml") == (
        f"{tmp_path / 'a file'} est un fichier, pas un dossier : impossible d'écrire dedans",
        f"{tmp_path / 'a file'} is a file, not a folder: nothing can be written under it",
    )


def test_problems_are_shown_in_the_users_language(scheme: Scheme, tmp_path: Path) -> None:
    toml = write_toml(tmp_path / "grid.toml", 'site = "nice"\n')
    xlsx = fill(template(scheme, tmp_path / "grid.xlsx"), {"paris!E7": 9})
    french = in_lang("fr", problems, scheme, tmp_path, toml, xlsx)
    english = in_lang("en", problems, scheme, tmp_path, toml, xlsx)
    # The places are worded by labelaudit itself: only the texts after them are checked in French.
    assert len(french) == 2
    assert french[0].startswith(f"{toml}: ")
    assert french[0].endswith(": site inconnu « nice » (sites de cet audit : lyon, paris)")
    assert french[1].startswith(f"{xlsx}: ")
    assert french[1].endswith(": niveau attendu parmi 0, 1, 2, 3, 4, trouvé 9")
    assert english == [
        f"{toml}: line 1, key site: unknown site 'nice' (sites of this audit: lyon, paris)",
        f"{xlsx}: cell paris!E7: expected one of 0, 1, 2, 3, 4, got 9",
    ]


def test_a_broken_grid_is_reported_in_french_by_the_cli(make_audit: Any, cli: Any) -> None:
    audit = make_audit(
        "en16880",
        sites=["lyon"],
        sources={"onsite": ["grid.toml"]},
        files={"grid.toml": 'site = "lyon"\n[[criteria]]\nid = "vision.1"\nlevel = 7\n'},
    )
    code, _out, err = cli("check", audit, "--lang", "fr")
    assert code == 2
    assert "niveau attendu parmi 0, 1, 2, 3, 4, trouvé 7" in err, err
    code, _out, err = cli("check", audit, "--lang", "en")
    assert (code, "expected one of 0, 1, 2, 3, 4, got 7" in err) == (2, True), err


# --- Through the engine (labelaudit.testing) -----------------------------------------------------


def test_a_toml_grid_in_an_audit_folder(make_audit: Any, collect_source: Any) -> None:
    audit = make_audit(
        "en16880",
        sites={"lyon": "Agence de Lyon", "paris": "Agence de Paris"},
        sources={"onsite": ["grids/lyon.toml"]},
        files={
            "grids/lyon.toml": 'site = "lyon"\n[[criteria]]\nid = "vision.1"\nlevel = 3\n'
            '[criteria.findings]\nminor = ["Pas de revue annuelle"]\n'
        },
    )
    collection = collect_source(audit, "onsite")
    evidence = assert_evidence(collection, criterion="vision.1", site="lyon", value=3)
    assert evidence.provenance == Provenance("grids/lyon.toml", "criteria[0]")
    assert_no_evidence(collection, site="paris")
    assert [(f.requirement, f.kind, f.site) for f in collection.findings] == [("vision", "minor", "lyon")]


def test_an_xlsx_grid_scored_in_a_minimal_scheme(
    minimal_scheme: Any, make_audit: Any, score_record: Any, tmp_path: Path
) -> None:
    scheme = minimal_scheme(bindings={"main.1": [{"source": "onsite"}], "main.2": [{"source": "onsite"}]})
    grid = fill(template(scheme, tmp_path / "blank.xlsx", (LYON,)), {"lyon!E2": 4, "lyon!E3": 2})
    audit = make_audit(scheme, sites=["lyon"], sources={"onsite": ["grid.xlsx"]}, files={"grid.xlsx": grid.read_bytes()})
    record = score_record(audit)
    assert record["outcome"]["points"]["shown"] == "750.0"  # levels 4 and 2 of 4


# --- Formula injection, merged cells, formulas, dates, sheets (issue 10) --------------------------


def test_write_safe_cell_keeps_a_formula_text_a_string(tmp_path: Path) -> None:
    """A text starting with = + - @ is a string cell with quotePrefix and reads back unchanged
    (no formula, no visible quote); an ordinary text keeps the ordinary style."""
    from labelaudit import write_safe_cell

    workbook = openpyxl.Workbook()
    write_safe_cell(workbook.active["A1"], '=HYPERLINK("http://x","clic")')
    write_safe_cell(workbook.active["A2"], "Accueil")
    workbook.save(tmp_path / "w.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "w.xlsx").active
    assert [(c.value, c.data_type, c.quotePrefix) for c in (sheet["A1"], sheet["A2"])] == [
        ('=HYPERLINK("http://x","clic")', "s", True), ("Accueil", "s", False)
    ]


@pytest.mark.parametrize(
    ("text", "safe"),
    [("=1+1", "'=1+1"), ("+33 4", "'+33 4"), ("-2", "-2"), ("-2 agences", "'-2 agences"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"),
     ("\rx", "'\rx"), ("Lyon", "Lyon"), ("", ""), (" =1", " =1")],
)
def test_safe_cell_quotes_what_a_spreadsheet_would_evaluate(text: str, safe: str) -> None:
    from labelaudit import safe_cell

    assert safe_cell(text) == safe


def test_the_written_template_neutralises_every_text(scheme: Scheme, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from labelaudit_onsite import _xlsx_grid

    real = _xlsx_grid._site_sheet

    def hostile(sheet: Any, request: Any, scale: Any) -> None:
        real(sheet, request, scale)
        sheet.append(["=1+1", "-x", "@y", "+z"])

    monkeypatch.setattr(_xlsx_grid, "_site_sheet", hostile)
    path = template(scheme, tmp_path / "grid.xlsx")
    sheet = openpyxl.load_workbook(path)["lyon"]
    last = sheet[sheet.max_row]
    assert [(c.value, c.data_type, c.quotePrefix) for c in last[:4]] == [
        ("=1+1", "s", True), ("-x", "s", True), ("@y", "s", True), ("+z", "s", True)
    ]
    assert sheet["C2"].quotePrefix is False  # an ordinary title keeps the ordinary style


def test_xlsx_merged_level_cells(scheme: Scheme, tmp_path: Path) -> None:
    path = fill(template(scheme, tmp_path / "grid.xlsx"), {"lyon!E3": 2})
    workbook = openpyxl.load_workbook(path)
    workbook["lyon"].merge_cells("E3:E5")
    workbook.save(path)
    assert problems(scheme, tmp_path, path) == [
        f"{path}: cell lyon!E3:E5: merged cells (E3:E5): each criterion's row must hold its own values "
        "(level, observations, findings); unmerge them and copy the value into each row"
    ]


def test_xlsx_formula_without_a_computed_value(scheme: Scheme, tmp_path: Path) -> None:
    path = fill(template(scheme, tmp_path / "grid.xlsx"), {"lyon!E3": "=1+2", "lyon!E4": 3})
    [(fr, en)] = texts(scheme, tmp_path, path)
    assert en == "formula without a computed value: open and save the file in a spreadsheet program, " \
        "so that the formula's value is written into it"
    assert fr.startswith("formule sans valeur calculée : ouvrir le fichier dans un tableur et l'enregistrer")
    assert problems(scheme, tmp_path, path)[0].startswith(f"{path}: cell lyon!E3: formula without a computed value")


def test_xlsx_level_holding_a_date(scheme: Scheme, tmp_path: Path) -> None:
    import datetime as dt

    path = fill(template(scheme, tmp_path / "grid.xlsx"), {"lyon!E3": dt.date(1900, 1, 3)})
    [message] = problems(scheme, tmp_path, path)
    assert message.startswith(f"{path}: cell lyon!E3: the cell holds a date or time (1900-01-03")
    assert "expected one of 0, 1, 2, 3, 4" in message


def test_xlsx_sheet_renamed_by_case_or_accents_is_its_site(scheme: Scheme, tmp_path: Path) -> None:
    path = fill(template(scheme, tmp_path / "grid.xlsx"), {"lyon!E2": 2, "paris!E2": 3})
    workbook = openpyxl.load_workbook(path)
    workbook["lyon"].title = "x"  # openpyxl, like Excel, refuses a title that differs only in case
    workbook["x"].title = "LYON"
    workbook["paris"].title = "Agence de Pâris"  # the site's name, an accent added
    workbook.save(path)
    result = collect(scheme, tmp_path, path)
    assert sorted((e.site, e.value, e.provenance.location) for e in result.evidence) == [
        ("lyon", Fraction(2), "cell LYON!E2"), ("paris", Fraction(3), "cell Agence de Pâris!E2"),
    ]


def test_xlsx_missing_and_doubled_site_sheets(scheme: Scheme, tmp_path: Path) -> None:
    path = fill(template(scheme, tmp_path / "grid.xlsx"), {"lyon!E2": 2})
    workbook = openpyxl.load_workbook(path)
    workbook["paris"].title = "Agence de Lyon"  # a second sheet for lyon, none for paris
    workbook.save(path)
    assert problems(scheme, tmp_path, path) == [
        f"{path}: sheet 'Agence de Lyon': a second sheet for site 'lyon' (the first is 'lyon'): keep one sheet a site",
    ]
    del workbook["Agence de Lyon"]
    workbook.save(path)
    [(fr, en)] = texts(scheme, tmp_path, path)
    assert en == "no sheet for site 'paris' (Agence de Paris): add a sheet named 'paris' " \
        "(sheets of the workbook: lyon, Niveaux, Audit)"
    assert fr == "aucune feuille pour le site « paris » (Agence de Paris) : ajouter une feuille nommée « paris » " \
        "(feuilles du classeur : lyon, Niveaux, Audit)"


def test_xlsx_criterion_listed_twice_even_blank(scheme: Scheme, tmp_path: Path) -> None:
    path = fill(template(scheme, tmp_path / "grid.xlsx"), {"lyon!B4": "vision.2", "lyon!E2": 1})
    assert problems(scheme, tmp_path, path) == [
        f"{path}: cell lyon!B4: criterion 'vision.2' is given twice for site 'lyon' "
        "(first at grid.xlsx cell lyon!B3)",
    ]


def test_xlsx_row_with_values_but_no_criterion(scheme: Scheme, tmp_path: Path) -> None:
    path = fill(template(scheme, tmp_path / "grid.xlsx"), {"lyon!B3": None, "lyon!E3": 4, "lyon!B5": None, "lyon!F5": "vu"})
    assert problems(scheme, tmp_path, path) == [
        f"{path}: cells lyon!B3, B5: row without a criterion id but with a level, observations, evidence or "
        "findings: give its criterion in column B, or clear the row",
    ]
