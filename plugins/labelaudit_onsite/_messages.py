"""Every problem the grid plugin reports to a person, in French and in English.

A `labelaudit.Problem` may carry a `labelaudit.Text`, which labelaudit prints in the user's
language (`--lang`, `LABELAUDIT_LANG`). The English texts are the plugin's historical wording,
which users' scripts and other tests match, so they must not change. The place of a problem
(`line 3, key criteria[0].level`, `cell lyon!E2`) stays in the engine's own wording.
"""

from __future__ import annotations

from labelaudit import Text

# --- Files and options (both formats) ------------------------------------------------------------


def grid_suffix(suffix: str) -> Text:
    shown_fr = suffix or "un fichier sans extension"
    return Text(
        fr=f"une grille doit être un fichier .toml ou .xlsx, pas {shown_fr}",
        en=f"a grid must be a .toml or .xlsx file, not {suffix or 'no suffix'}",
    )


def unknown_option(option: str) -> Text:
    return Text(
        fr=f"option inconnue « {option} » : une source de type grille n'accepte que « files »",
        en=f"unknown option {option!r}: a grid source takes only 'files'",
    )


def template_suffix(suffixes: tuple[str, ...]) -> Text:
    return Text(
        fr=f"le nom d'une grille vierge doit se terminer par {' ou '.join(suffixes)}",
        en=f"a grid template must end in {' or '.join(suffixes)}",
    )


def other_scheme(written: str, audited: str) -> Text:
    return Text(
        fr=f"grille établie pour le schéma « {written} », "
        f"alors que l'audit porte sur le schéma « {audited} »",
        en=f"grid for scheme {written!r}, but the audit uses {audited!r}",
    )


# --- Rows, checked the same way for both formats -------------------------------------------------


def unknown_site(site: str, known: str) -> Text:
    return Text(
        fr=f"site inconnu « {site} » (sites de cet audit : {known})",
        en=f"unknown site {site!r} (sites of this audit: {known})",
    )


def unknown_criterion(criterion: str, scheme: str, close: str | None) -> Text:
    """`close` is the nearest known criterion id, offered as the likely intended one."""
    text = Text(
        fr=f"critère inconnu « {criterion} » dans le schéma {scheme}",
        en=f"unknown criterion {criterion!r} in scheme {scheme}",
    )
    if close is None:
        return text
    return Text(
        fr=f"{text.fr} ; vouliez-vous dire « {close} » ?",
        en=f"{text.en}; did you mean {close!r}?",
    )


def criterion_twice(criterion: str, site: str, first: str) -> Text:
    return Text(
        fr=f"critère « {criterion} » renseigné deux fois pour le site « {site} » "
        f"(première occurrence : {first})",
        en=f"criterion {criterion!r} is given twice for site {site!r} (first at {first})",
    )


def level_off_scale(points: str, shown: str) -> Text:
    """A level that is not a point of the scale, shown as a number (or as Excel's True/False)."""
    expected = _expected_levels(points)
    return Text(fr=f"{expected.fr}, trouvé {shown}", en=f"{expected.en}, got {shown}")


def level_text_off_scale(points: str, written: str) -> Text:
    """A level typed as text that is not a point of the scale: quoted, as it was typed."""
    expected = _expected_levels(points)
    return Text(fr=f"{expected.fr}, trouvé « {written} »", en=f"{expected.en}, got {written!r}")


def _expected_levels(points: str) -> Text:
    """The scale's points; a scheme may give the grid source no scale, so none are possible."""
    if not points:
        return Text(
            fr="aucun niveau possible (la source n'a pas d'échelle)",
            en="expected one of (none: the source has no scale)",
        )
    return Text(fr=f"niveau attendu parmi {points}", en=f"expected one of {points}")


# --- TOML grids ----------------------------------------------------------------------------------


def both_layouts() -> Text:
    return Text(
        fr="indiquer soit les clés d'un site unique (site, auditor, date, criteria), "
        "soit des tables [[sites]], pas les deux",
        en="give either the single-site keys (site, auditor, date, criteria) "
        "or [[sites]] tables, not both",
    )


def site_missing() -> Text:
    return Text(
        fr="clé obligatoire absente : site (ou des tables [[sites]])",
        en="required key missing: site (or [[sites]] tables)",
    )


# --- XLSX grids ----------------------------------------------------------------------------------


def not_a_workbook(detail: str) -> Text:
    return Text(
        fr=f"classeur XLSX illisible ({detail})", en=f"not a readable XLSX workbook ({detail})"
    )


def sheet_not_a_site(sheet: str, known: str) -> Text:
    return Text(
        fr=f"la feuille « {sheet} » ne correspond à aucun site de cet audit (sites : {known})",
        en=f"sheet {sheet!r} is not a site of this audit (sites: {known})",
    )


def header_row_missing() -> Text:
    return Text(fr="la ligne d'en-tête est absente", en="the header row is missing")


def wrong_header(expected: str, written: str) -> Text:
    found_fr = f"trouvé « {written} »" if written else "cellule vide"
    return Text(
        fr=f"en-tête attendu « {expected} », {found_fr}",
        en=f"expected the header {expected!r}, got {written!r}",
    )


def sheet_name_refused(site: str, reserved: str) -> Text:
    return Text(
        fr=f"l'identifiant de site « {site} » ne peut pas servir de nom de feuille "
        f"(31 caractères au plus, aucun des caractères [ ] : * ? / \\, "
        f"et aucun des noms réservés {reserved})",
        en=f"site id {site!r} cannot name a sheet (at most 31 characters, none of "
        f"[ ] : * ? / \\, and not {reserved})",
    )


def older_grid_version(file: str, scheme: str, written: str, current: str) -> Text:
    """A note, not a problem: the grid's scheme version differs from the audit's."""
    return Text(
        fr=f"{file} : grille établie pour {scheme} {written}, le schéma est aujourd'hui en version {current}",
        en=f"{file}: grid written for {scheme} {written}, the scheme is now at version {current}",
    )


def merged_cells(cells: str) -> Text:
    return Text(
        fr=f"cellules fusionnées ({cells}) : chaque ligne de critère doit porter ses propres valeurs "
        "(niveau, observations, constats) ; annuler la fusion et recopier la valeur dans chaque ligne",
        en=f"merged cells ({cells}): each criterion's row must hold its own values "
        "(level, observations, findings); unmerge them and copy the value into each row",
    )


def formula_without_value() -> Text:
    return Text(
        fr="formule sans valeur calculée : ouvrir le fichier dans un tableur et l'enregistrer, "
        "pour que la valeur de la formule y soit écrite",
        en="formula without a computed value: open and save the file in a spreadsheet program, "
        "so that the formula's value is written into it",
    )


def level_is_date(shown: str, points: str) -> Text:
    return Text(
        fr=f"la cellule contient une date ou une heure ({shown}) : niveau attendu parmi {points} "
        "(vérifier le format de la cellule, qui doit être « Nombre » ou « Standard »)",
        en=f"the cell holds a date or time ({shown}): expected one of {points} "
        "(check the cell's format, which must be Number or General)",
    )


def sheet_missing(site: str, name: str, sheets: str) -> Text:
    return Text(
        fr=f"aucune feuille pour le site « {site} » ({name}) : ajouter une feuille nommée « {site} » "
        f"(feuilles du classeur : {sheets})",
        en=f"no sheet for site {site!r} ({name}): add a sheet named {site!r} (sheets of the workbook: {sheets})",
    )


def sheets_for_one_site(site: str, first: str) -> Text:
    return Text(
        fr=f"une deuxième feuille pour le site « {site} » (la première est « {first} ») : "
        "garder une seule feuille par site",
        en=f"a second sheet for site {site!r} (the first is {first!r}): keep one sheet a site",
    )


def row_without_criterion() -> Text:
    return Text(
        fr="ligne sans identifiant de critère, mais avec un niveau, des observations, des preuves "
        "ou des constats : indiquer son critère en colonne B, ou vider la ligne",
        en="row without a criterion id but with a level, observations, evidence or findings: "
        "give its criterion in column B, or clear the row",
    )
