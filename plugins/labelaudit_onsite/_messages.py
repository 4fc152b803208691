"""Every problem the grid plugin reports to a person, in French, in English and in German.

A `labelaudit.Problem` may carry a `labelaudit.Text`, which labelaudit prints in the user's
language (`--lang`, `LABELAUDIT_LANG`). The English texts are the plugin's historical wording,
which users' scripts and other tests match, so they must not change. The place of a problem
(`line 3, key criteria[0].level`, `cell lyon!E2`) stays in the engine's own wording. What a
person wrote is quoted « … » in French and „…“ in German.
"""

from __future__ import annotations

from labelaudit import Text

# --- Files and options (both formats) ------------------------------------------------------------


def grid_suffix(suffix: str) -> Text:
    shown_fr = suffix or "un fichier sans extension"
    shown_de = suffix or "eine Datei ohne Endung"
    return Text(
        fr=f"une grille doit être un fichier .toml ou .xlsx, pas {shown_fr}",
        en=f"a grid must be a .toml or .xlsx file, not {suffix or 'no suffix'}",
        others={"de": f"ein Bewertungsraster muss eine .toml- oder .xlsx-Datei sein, nicht {shown_de}"},
    )


def unknown_option(option: str) -> Text:
    return Text(
        fr=f"option inconnue « {option} » : une source de type grille n'accepte que « files »",
        en=f"unknown option {option!r}: a grid source takes only 'files'",
        others={
            "de": f"unbekannte Option „{option}“: eine Quelle vom Typ Bewertungsraster akzeptiert nur „files“"
        },
    )


def template_suffix(suffixes: tuple[str, ...]) -> Text:
    return Text(
        fr=f"le nom d'une grille vierge doit se terminer par {' ou '.join(suffixes)}",
        en=f"a grid template must end in {' or '.join(suffixes)}",
        others={"de": f"der Name eines leeren Bewertungsrasters muss auf {' oder '.join(suffixes)} enden"},
    )


def other_scheme(written: str, audited: str) -> Text:
    return Text(
        fr=f"grille établie pour le schéma « {written} », "
        f"alors que l'audit porte sur le schéma « {audited} »",
        en=f"grid for scheme {written!r}, but the audit uses {audited!r}",
        others={
            "de": f"Bewertungsraster für das Schema „{written}“, "
            f"das Audit verwendet aber das Schema „{audited}“"
        },
    )


# --- Rows, checked the same way for both formats -------------------------------------------------


def unknown_site(site: str, known: str) -> Text:
    return Text(
        fr=f"site inconnu « {site} » (sites de cet audit : {known})",
        en=f"unknown site {site!r} (sites of this audit: {known})",
        others={"de": f"unbekannter Standort „{site}“ (Standorte dieses Audits: {known})"},
    )


def unknown_criterion(criterion: str, scheme: str, close: str | None) -> Text:
    """`close` is the nearest known criterion id, offered as the likely intended one."""
    fr = f"critère inconnu « {criterion} » dans le schéma {scheme}"
    en = f"unknown criterion {criterion!r} in scheme {scheme}"
    de = f"unbekanntes Kriterium „{criterion}“ im Schema {scheme}"
    if close is None:
        return Text(fr=fr, en=en, others={"de": de})
    return Text(
        fr=f"{fr} ; vouliez-vous dire « {close} » ?",
        en=f"{en}; did you mean {close!r}?",
        others={"de": f"{de}; meinten Sie „{close}“?"},
    )


def criterion_twice(criterion: str, site: str, first: str) -> Text:
    return Text(
        fr=f"critère « {criterion} » renseigné deux fois pour le site « {site} » "
        f"(première occurrence : {first})",
        en=f"criterion {criterion!r} is given twice for site {site!r} (first at {first})",
        others={
            "de": f"Kriterium „{criterion}“ ist für den Standort „{site}“ zweimal angegeben "
            f"(zuerst: {first})"
        },
    )


def level_off_scale(points: str, shown: str) -> Text:
    """A level that is not a point of the scale, shown as a number (or as Excel's True/False)."""
    fr, en, de = _expected_levels(points)
    return Text(fr=f"{fr}, trouvé {shown}", en=f"{en}, got {shown}", others={"de": f"{de}, erhalten: {shown}"})


def level_text_off_scale(points: str, written: str) -> Text:
    """A level typed as text that is not a point of the scale: quoted, as it was typed."""
    fr, en, de = _expected_levels(points)
    return Text(
        fr=f"{fr}, trouvé « {written} »",
        en=f"{en}, got {written!r}",
        others={"de": f"{de}, erhalten: „{written}“"},
    )


def _expected_levels(points: str) -> tuple[str, str, str]:
    """The scale's points (fr, en, de); a scheme may give the grid source no scale, so none are possible."""
    if not points:
        return (
            "aucun niveau possible (la source n'a pas d'échelle)",
            "expected one of (none: the source has no scale)",
            "keine Stufe möglich (die Quelle hat keine Skala)",
        )
    return f"niveau attendu parmi {points}", f"expected one of {points}", f"erwartet wird eine der Stufen {points}"


# --- TOML grids ----------------------------------------------------------------------------------


def both_layouts() -> Text:
    return Text(
        fr="indiquer soit les clés d'un site unique (site, auditor, date, criteria), "
        "soit des tables [[sites]], pas les deux",
        en="give either the single-site keys (site, auditor, date, criteria) "
        "or [[sites]] tables, not both",
        others={
            "de": "entweder die Schlüssel eines einzelnen Standorts (site, auditor, date, criteria) "
            "oder Tabellen [[sites]] angeben, nicht beides"
        },
    )


def site_missing() -> Text:
    return Text(
        fr="clé obligatoire absente : site (ou des tables [[sites]])",
        en="required key missing: site (or [[sites]] tables)",
        others={"de": "Pflichtschlüssel fehlt: site (oder Tabellen [[sites]])"},
    )


# --- XLSX grids ----------------------------------------------------------------------------------


def not_a_workbook(detail: str) -> Text:
    return Text(
        fr=f"classeur XLSX illisible ({detail})",
        en=f"not a readable XLSX workbook ({detail})",
        others={"de": f"keine lesbare XLSX-Arbeitsmappe ({detail})"},
    )


def sheet_not_a_site(sheet: str, known: str) -> Text:
    return Text(
        fr=f"la feuille « {sheet} » ne correspond à aucun site de cet audit (sites : {known})",
        en=f"sheet {sheet!r} is not a site of this audit (sites: {known})",
        others={"de": f"das Tabellenblatt „{sheet}“ entspricht keinem Standort dieses Audits (Standorte: {known})"},
    )


def header_row_missing() -> Text:
    return Text(
        fr="la ligne d'en-tête est absente",
        en="the header row is missing",
        others={"de": "die Kopfzeile fehlt"},
    )


def wrong_header(expected: str, written: str) -> Text:
    found_fr = f"trouvé « {written} »" if written else "cellule vide"
    found_de = f"erhalten: „{written}“" if written else "die Zelle ist leer"
    return Text(
        fr=f"en-tête attendu « {expected} », {found_fr}",
        en=f"expected the header {expected!r}, got {written!r}",
        others={"de": f"erwartet wird die Spaltenüberschrift „{expected}“, {found_de}"},
    )


def sheet_name_refused(site: str, reserved: str) -> Text:
    return Text(
        fr=f"l'identifiant de site « {site} » ne peut pas servir de nom de feuille "
        f"(31 caractères au plus, aucun des caractères [ ] : * ? / \\, "
        f"et aucun des noms réservés {reserved})",
        en=f"site id {site!r} cannot name a sheet (at most 31 characters, none of "
        f"[ ] : * ? / \\, and not {reserved})",
        others={
            "de": f"die Standortkennung „{site}“ kann nicht als Name eines Tabellenblatts dienen "
            f"(höchstens 31 Zeichen, keines der Zeichen [ ] : * ? / \\ "
            f"und keiner der reservierten Namen {reserved})"
        },
    )


def older_grid_version(file: str, scheme: str, written: str, current: str) -> Text:
    """A note, not a problem: the grid's scheme version differs from the audit's."""
    return Text(
        fr=f"{file} : grille établie pour {scheme} {written}, le schéma est aujourd'hui en version {current}",
        en=f"{file}: grid written for {scheme} {written}, the scheme is now at version {current}",
        others={
            "de": f"{file}: Bewertungsraster für {scheme} {written} erstellt, "
            f"das Schema liegt jetzt in Version {current} vor"
        },
    )


def merged_cells(cells: str) -> Text:
    return Text(
        fr=f"cellules fusionnées ({cells}) : chaque ligne de critère doit porter ses propres valeurs "
        "(niveau, observations, constats) ; annuler la fusion et recopier la valeur dans chaque ligne",
        en=f"merged cells ({cells}): each criterion's row must hold its own values "
        "(level, observations, findings); unmerge them and copy the value into each row",
        others={
            "de": f"verbundene Zellen ({cells}): jede Zeile eines Kriteriums muss ihre eigenen Werte enthalten "
            "(Stufe, Beobachtungen, Feststellungen); die Verbindung aufheben und den Wert in jede Zeile kopieren"
        },
    )


def formula_without_value() -> Text:
    return Text(
        fr="formule sans valeur calculée : ouvrir le fichier dans un tableur et l'enregistrer, "
        "pour que la valeur de la formule y soit écrite",
        en="formula without a computed value: open and save the file in a spreadsheet program, "
        "so that the formula's value is written into it",
        others={
            "de": "Formel ohne berechneten Wert: die Datei in einem Tabellenkalkulationsprogramm öffnen und "
            "speichern, damit der Wert der Formel darin gespeichert wird"
        },
    )


def level_is_date(shown: str, points: str) -> Text:
    return Text(
        fr=f"la cellule contient une date ou une heure ({shown}) : niveau attendu parmi {points} "
        "(vérifier le format de la cellule, qui doit être « Nombre » ou « Standard »)",
        en=f"the cell holds a date or time ({shown}): expected one of {points} "
        "(check the cell's format, which must be Number or General)",
        others={
            "de": f"die Zelle enthält ein Datum oder eine Uhrzeit ({shown}): erwartet wird eine der Stufen {points} "
            "(das Zellenformat prüfen, es muss „Zahl“ oder „Standard“ sein)"
        },
    )


def sheet_missing(site: str, name: str, sheets: str) -> Text:
    return Text(
        fr=f"aucune feuille pour le site « {site} » ({name}) : ajouter une feuille nommée « {site} » "
        f"(feuilles du classeur : {sheets})",
        en=f"no sheet for site {site!r} ({name}): add a sheet named {site!r} (sheets of the workbook: {sheets})",
        others={
            "de": f"kein Tabellenblatt für den Standort „{site}“ ({name}): ein Tabellenblatt namens „{site}“ "
            f"hinzufügen (Tabellenblätter der Arbeitsmappe: {sheets})"
        },
    )


def sheets_for_one_site(site: str, first: str) -> Text:
    return Text(
        fr=f"une deuxième feuille pour le site « {site} » (la première est « {first} ») : "
        "garder une seule feuille par site",
        en=f"a second sheet for site {site!r} (the first is {first!r}): keep one sheet a site",
        others={
            "de": f"ein zweites Tabellenblatt für den Standort „{site}“ (das erste ist „{first}“): "
            "nur ein Tabellenblatt je Standort behalten"
        },
    )


def row_without_criterion() -> Text:
    return Text(
        fr="ligne sans identifiant de critère, mais avec un niveau, des observations, des preuves "
        "ou des constats : indiquer son critère en colonne B, ou vider la ligne",
        en="row without a criterion id but with a level, observations, evidence or findings: "
        "give its criterion in column B, or clear the row",
        others={
            "de": "Zeile ohne Kriteriumskennung, aber mit Stufe, Beobachtungen, Nachweisen oder Feststellungen: "
            "ihr Kriterium in Spalte B angeben oder die Zeile leeren"
        },
    )
