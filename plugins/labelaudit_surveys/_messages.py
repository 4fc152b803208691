"""Every problem the surveys plugin shows an auditor, in French, in English and in German.

A `labelaudit.Problem` may carry a `labelaudit.Text`, which labelaudit prints in the user's
language (`--lang`, `LABELAUDIT_LANG`). The English texts are worded exactly as the plugin has
always worded them, because users and tests match them. The place of a problem
(`row 3, column 'Q1' (B)`) is the engine's wording and is not built here. What a user wrote in a
file (a key, a header, a label, a raw answer) is quoted verbatim: « … » in French, „…“ in German.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from decimal import Decimal
from fractions import Fraction

from labelaudit import Scale, Text

# --- Files ----------------------------------------------------------------------------------------


def unsupported_suffix(suffix: str) -> Text:
    return Text(
        fr=f"type de fichier « {suffix} » non pris en charge (attendu : .csv ou .xlsx)",
        en=f"unsupported file type '{suffix}' (expected .csv or .xlsx)",
        others={"de": f"nicht unterstützter Dateityp „{suffix}“ (erwartet: .csv oder .xlsx)"},
    )


def not_a_workbook(error: Exception) -> Text:
    name = type(error).__name__
    return Text(
        fr=f"classeur XLSX illisible ({name} : {error})",
        en=f"not a readable XLSX workbook ({name}: {error})",
        others={"de": f"keine lesbare XLSX-Arbeitsmappe ({name}: {error})"},
    )


def no_sheet(name: str, sheets: Sequence[str]) -> Text:
    listed = ", ".join(sheets)
    return Text(
        fr=f"aucune feuille « {name} » dans le classeur (feuilles : {listed})",
        en=f"no sheet {name!r} (sheets: {listed})",
        others={"de": f"kein Tabellenblatt „{name}“ in der Arbeitsmappe (Tabellenblätter: {listed})"},
    )


def header_row_past_the_end() -> Text:
    return Text(
        fr="la ligne d'en-tête indiquée par header_row se trouve après la dernière ligne de la feuille",
        en="the header row named by header_row is past the last row",
        others={"de": "die mit header_row angegebene Kopfzeile liegt hinter der letzten Zeile des Tabellenblatts"},
    )


def no_header_row(wanted: Iterable[str]) -> Text:
    names = sorted(wanted)
    fr_names = ", ".join(f"« {name} »" for name in names)
    en_names = ", ".join(f"'{name}'" for name in names)
    de_names = ", ".join(f"„{name}“" for name in names)
    return Text(
        fr=f"aucune ligne d'en-tête trouvée (attendu : une ligne contenant l'un des en-têtes {fr_names} ; "
        f"sinon, indiquer header_row)",
        en=f"no header row found (expected a row with one of {en_names}; or set header_row)",
        others={
            "de": f"keine Kopfzeile gefunden (erwartet wird eine Zeile mit einer der Spaltenüberschriften "
            f"{de_names}; sonst header_row angeben)"
        },
    )


# --- Headers --------------------------------------------------------------------------------------


def header_twice(header: str) -> Text:
    return Text(
        fr=f"l'en-tête « {header} » figure deux fois",
        en=f"header '{header}' appears twice",
        others={"de": f"die Spaltenüberschrift „{header}“ kommt zweimal vor"},
    )


def unknown_header(header: str, source: str) -> Text:
    return Text(
        fr=f"en-tête « {header} » inconnu (l'associer à un élément dans [sources.{source}.columns] "
        f"ou l'ajouter à ignore)",
        en=f"unknown header '{header}' (map it in [sources.{source}.columns] or list it in ignore)",
        others={
            "de": f"unbekannte Spaltenüberschrift „{header}“ (in [sources.{source}.columns] zuordnen "
            f"oder in ignore aufführen)"
        },
    )


def header_not_found(header: str) -> Text:
    return Text(
        fr=f"en-tête « {header} » introuvable dans le fichier",
        en=f"header '{header}' not found in the file",
        others={"de": f"Spaltenüberschrift „{header}“ nicht in der Datei gefunden"},
    )


# --- Answers and sites ----------------------------------------------------------------------------


def point(value: Fraction) -> str:
    """A scale point as people write it: `4`, `0.5`."""
    return str(value.numerator) if value.denominator == 1 else str(Decimal(value.numerator) / value.denominator)


def _points(scale: Scale) -> str:
    return ", ".join(point(value) for value in scale.values)


def unexpected_answer(got: str, scale: Scale, answers_key: str) -> Text:
    """An answer that is not on the item's scale, nor one of its labels or of `answers_key`.

    Every language shows the scale's ends by their French labels, as the English text always has
    (the labels read in an export are the French and English ones, never the German).
    """
    first, last = scale.points[0], scale.points[-1]
    between = ", …" if len(scale.points) > 2 else ""
    fr_ends = f"« {first.label.fr} » = {point(first.value)}{between}, « {last.label.fr} » = {point(last.value)}"
    en_ends = f"'{first.label.fr}' = {point(first.value)}{between}, '{last.label.fr}' = {point(last.value)}"
    de_ends = f"„{first.label.fr}“ = {point(first.value)}{between}, „{last.label.fr}“ = {point(last.value)}"
    return Text(
        fr=f"valeur attendue : {_points(scale)} ou un libellé ({fr_ends}, ou un libellé défini dans "
        f"{answers_key}) ; valeur reçue : « {got} »",
        en=f"expected one of {_points(scale)} or a label ({en_ends}, or one in {answers_key}), got '{got}'",
        others={
            "de": f"erwartet wird einer der Werte {_points(scale)} oder eine Bezeichnung ({de_ends} oder eine "
            f"in {answers_key} festgelegte), erhalten: „{got}“"
        },
    )


def mapped_off_scale(label: str, value: Fraction, answers_key: str, scale: Scale) -> Text:
    return Text(
        fr=f"« {label} » est associé à {point(value)} dans {answers_key}, valeur absente de l'échelle "
        f"« {scale.id} » ({_points(scale)})",
        en=f"'{label}' maps to {point(value)} in {answers_key}, which is not a point "
        f"of scale {scale.id!r} ({_points(scale)})",
        others={
            "de": f"„{label}“ ist in {answers_key} dem Wert {point(value)} zugeordnet, der kein Punkt "
            f"der Skala „{scale.id}“ ist ({_points(scale)})"
        },
    )


def unexpected_site(got: str, site_ids: Sequence[str], site_names_key: str) -> Text:
    ids = ", ".join(site_ids)
    fr_got = f"valeur reçue : « {got} »" if got else "la cellule est vide"
    en_got = f"got '{got}'" if got else "the cell is empty"
    de_got = f"erhalten: „{got}“" if got else "die Zelle ist leer"
    return Text(
        fr=f"site attendu : identifiant ou nom d'un site de l'audit ({ids}) ou valeur associée dans "
        f"{site_names_key} ; {fr_got}",
        en=f"expected a site id or name ({ids}) or a value mapped in {site_names_key}, {en_got}",
        others={
            "de": f"erwartet wird die Kennung oder der Name eines Standorts des Audits ({ids}) oder ein in "
            f"{site_names_key} zugeordneter Wert; {de_got}"
        },
    )


# --- Options (the source's table in audit.toml) ---------------------------------------------------


def ignore_not_a_list(value: str) -> Text:
    # The example is TOML to copy into the audit file: the same in every language.
    return Text(
        fr=f"liste d'en-têtes attendue, par exemple ignore = [{value!r}]",
        en=f"expected a list of headers, e.g. ignore = [{value!r}]",
        others={"de": f"erwartet wird eine Liste von Spaltenüberschriften, zum Beispiel ignore = [{value!r}]"},
    )


def no_columns() -> Text:
    return Text(
        fr="associer au moins un en-tête de l'export à la clé d'un élément du questionnaire",
        en="map at least one export header to an item key",
        others={"de": "mindestens eine Spaltenüberschrift des Exports dem Schlüssel eines Items des Fragebogens "
                      "zuordnen"},
    )


def unknown_item(item: str, questionnaire: str | None, known: Sequence[str]) -> Text:
    listed = ", ".join(known) or "—"
    return Text(
        fr=f"élément « {item} » inconnu du questionnaire « {questionnaire} » (éléments connus : {listed})",
        en=f"unknown item {item!r} of questionnaire {questionnaire!r} (known: {listed})",
        others={
            "de": f"unbekanntes Item „{item}“ des Fragebogens „{questionnaire}“ (bekannte Items: {listed})"
        },
    )


def item_mapped_twice(item: str, header: str) -> Text:
    return Text(
        fr=f"l'élément « {item} » est déjà associé à l'en-tête « {header} »",
        en=f"item {item!r} is already mapped from header {header!r}",
        others={"de": f"das Item „{item}“ ist bereits der Spaltenüberschrift „{header}“ zugeordnet"},
    )


def header_read_and_left_out(header: str) -> Text:
    return Text(
        fr=f"l'en-tête « {header} » est aussi la colonne de site (site_column) ou figure dans ignore",
        en=f"header {header!r} is also the site column or in ignore",
        others={
            "de": f"die Spaltenüberschrift „{header}“ ist auch die Standortspalte (site_column) "
            "oder steht in ignore"
        },
    )


def unknown_site(site: str, site_ids: Sequence[str]) -> Text:
    known = ", ".join(site_ids)
    return Text(
        fr=f"site « {site} » inconnu (sites de l'audit : {known})",
        en=f"unknown site {site!r} (known: {known})",
        others={"de": f"unbekannter Standort „{site}“ (Standorte des Audits: {known})"},
    )


def site_twice() -> Text:
    return Text(
        fr="indiquer site ou site_column, pas les deux",
        en="give site or site_column, not both",
        others={"de": "site oder site_column angeben, nicht beides"},
    )


def bad_header_row(row: int) -> Text:
    return Text(
        fr=f"numéro de ligne attendu à partir de 1, reçu {row}",
        en=f"expected a row number from 1, got {row}",
        others={"de": f"erwartet wird eine Zeilennummer ab 1, erhalten: {row}"},
    )


def bad_delimiter(value: str) -> Text:
    # Escaped as Python writes it, so that a tab or a line break shows in the French and German texts too.
    shown = repr(value)[1:-1]
    return Text(
        fr=f"un seul caractère attendu, reçu « {shown} »",
        en=f"expected one character, got {value!r}",
        others={"de": f"erwartet wird ein einzelnes Zeichen, erhalten: „{shown}“"},
    )


# --- Notes: what was read, shown to the auditor by `check` and `score` -------------------------


def _de(number: int, one: str, many: str) -> str:
    """`1 Zeile` / `4 Zeilen`: a German plural is a word of its own."""
    return f"{number} {one if number == 1 else many}"


def _counted(number: int, fr: str, en: str, de: tuple[str, str]) -> tuple[str, str, str]:
    """`1 row` / `4 rows` in French and English (their plurals agree here), and in German
    (`de`: the singular and the plural)."""
    plural = "" if number == 1 else "s"
    return f"{number} {fr}{plural}", f"{number} {en}{plural}", _de(number, *de)


def file_read(display: str, rows: int, sites: int) -> Text:
    rows_fr, rows_en, rows_de = _counted(rows, "ligne", "row", ("Zeile", "Zeilen"))
    sites_fr, sites_en, sites_de = _counted(sites, "site", "site", ("Standort", "Standorte"))
    return Text(
        fr=f"{display} : {rows_fr}, {sites_fr}",
        en=f"{display}: {rows_en}, {sites_en}",
        others={"de": f"{display}: {rows_de}, {sites_de}"},
    )


def items_unmapped(source: str, items: str) -> Text:
    return Text(
        fr=f"{source} : aucune colonne associée aux items {items} ; leurs liaisons n'ont pas de preuve",
        en=f"{source}: no column mapped for item(s) {items}; their bindings have no evidence",
        others={"de": f"{source}: keine Spalte für Item(s) {items} zugeordnet; ihre Zuordnungen sind ohne Nachweis"},
    )


# --- Rows that do not fit the header --------------------------------------------------------------


def _delimiter(char: str) -> tuple[str, str, str]:
    """A CSV delimiter as each language names it: `tabulation` / `tab` / `Tabulator`, or quoted."""
    if char == "\t":
        return "tabulation", "tab", "Tabulator"
    en = {",": "','", ";": "';'"}.get(char, repr(char))
    return f"« {char} »", en, f"„{char}“"


def row_width(cells: int, width: int, delimiter: str, other: str | None) -> Text:
    """A CSV record with more or fewer cells than the header; `other`: a delimiter that would
    split it into as many cells as the header, the likely cause."""
    shown_fr, shown, shown_de = _delimiter(delimiter)
    fr = f"{cells} cellule(s) alors que l'en-tête en a {width} (séparateur {shown_fr})"
    en = f"{cells} cell(s) where the header has {width} (delimiter {shown})"
    de = f"{_de(cells, 'Zelle', 'Zellen')}, während die Kopfzeile {width} hat (Trennzeichen {shown_de})"
    if other is None:
        return Text(fr=fr, en=en, others={"de": de})
    other_fr, other_en, other_de = _delimiter(other)
    return Text(
        fr=f"{fr} : la ligne semble séparée par {other_fr}",
        en=f"{en}: the row seems split by {other_en}",
        others={"de": f"{de}: die Zeile scheint durch {other_de} getrennt zu sein"},
    )


def value_without_header(letter: str, value: str) -> Text:
    return Text(
        fr=f"valeur « {value} » dans la colonne {letter}, qui n'a pas d'en-tête",
        en=f"value {value!r} in column {letter}, which has no header",
        others={"de": f"Wert „{value}“ in Spalte {letter}, die keine Spaltenüberschrift hat"},
    )


def empty_header(letter: str) -> Text:
    return Text(
        fr=f"la colonne {letter} n'a pas d'en-tête : lui donner un nom (et l'ajouter à « ignore » "
        "si elle ne doit pas être lue) ou la supprimer",
        en=f"column {letter} has no header: name it (and add it to 'ignore' if it is not to be "
        "read) or delete it",
        others={
            "de": f"Spalte {letter} hat keine Spaltenüberschrift: ihr einen Namen geben (und sie in „ignore“ "
            "aufführen, wenn sie nicht gelesen werden soll) oder sie löschen"
        },
    )


def option_not_for(option: str, kind: str, file: str) -> Text:
    """An option of one file type (`sheet`, `header_row`: XLSX; `delimiter`: CSV) given to a
    source that reads a file of the other type, where it would be silently ignored."""
    fits = {"CSV": "XLSX", "XLSX": "CSV"}[kind]
    return Text(
        fr=f"l'option « {option} » ne vaut que pour un fichier {fits}, or {file} est un fichier {kind} : "
        f"la retirer, ou lire ce fichier dans une autre source",
        en=f"option {option!r} applies to {fits} files only, but {file} is {'an' if kind == 'XLSX' else 'a'} {kind} file: "
        f"remove it, or read that file in another source",
        others={
            "de": f"die Option „{option}“ gilt nur für {fits}-Dateien, {file} ist aber eine {kind}-Datei: "
            f"sie entfernen oder diese Datei in einer anderen Quelle lesen"
        },
    )


# --- Export shapes: folded headers, several header rows, answer maps, the row filter ----------


def text_not_a_list(option: str, value: str) -> Text:
    """A list option written as one text; the example is TOML to copy, the same in every language."""
    if option == "ignore":
        return ignore_not_a_list(value)
    return Text(
        fr=f"liste attendue, par exemple {option} = [{value!r}]",
        en=f"expected a list, e.g. {option} = [{value!r}]",
        others={"de": f"erwartet wird eine Liste, zum Beispiel {option} = [{value!r}]"},
    )


def headers_alike(first: str, second: str) -> Text:
    return Text(
        fr=f"« {second} » et « {first} » se lisent comme le même en-tête (casse, apostrophes, espaces) : "
        "n'en garder qu'un",
        en=f"{second!r} and {first!r} read as the same header (case, apostrophes, spaces): keep one",
        others={
            "de": f"„{second}“ und „{first}“ werden als dieselbe Spaltenüberschrift gelesen "
            "(Groß- und Kleinschreibung, Apostrophe, Leerzeichen): nur eine behalten"
        },
    )


def bad_header_rows(rows: int, most: int) -> Text:
    return Text(
        fr=f"nombre de lignes d'en-tête attendu de 1 à {most}, reçu {rows}",
        en=f"expected a number of header rows from 1 to {most}, got {rows}",
        others={"de": f"erwartet wird eine Anzahl von Kopfzeilen von 1 bis {most}, erhalten: {rows}"},
    )


def match_row_without_header_rows() -> Text:
    return Text(
        fr="match_row choisit l'une des lignes d'en-tête : il ne vaut qu'avec header_rows = 2 ou plus",
        en="match_row chooses one of the header rows: it applies only with header_rows = 2 or more",
        others={"de": "match_row wählt eine der Kopfzeilen: es gilt nur mit header_rows = 2 oder mehr"},
    )


def bad_match_row(row: int, rows: int) -> Text:
    return Text(
        fr=f"ligne d'en-tête attendue de 1 à {rows} (header_rows = {rows}), reçu {row}",
        en=f"expected a header row from 1 to {rows} (header_rows = {rows}), got {row}",
        others={"de": f"erwartet wird eine Kopfzeile von 1 bis {rows} (header_rows = {rows}), erhalten: {row}"},
    )


def answer_map_without_columns() -> Text:
    return Text(
        fr="indiquer les colonnes (en-têtes de columns) auxquelles ces libellés s'appliquent",
        en="name the columns (headers of columns) these labels apply to",
        others={"de": "die Spalten angeben (Spaltenüberschriften aus columns), für die diese Bezeichnungen gelten"},
    )


def answer_map_without_answers() -> Text:
    return Text(
        fr="associer au moins un libellé de réponse à un point de l'échelle",
        en="map at least one answer label to a scale point",
        others={"de": "mindestens eine Antwortbezeichnung einem Punkt der Skala zuordnen"},
    )


def answer_map_unmapped_column(header: str) -> Text:
    return Text(
        fr=f"« {header} » n'est pas un en-tête de columns : ses réponses ne sont pas lues",
        en=f"{header!r} is not a header of columns: its answers are not read",
        others={"de": f"„{header}“ ist keine Spaltenüberschrift aus columns: ihre Antworten werden nicht gelesen"},
    )


def answer_map_twice(header: str, first: int) -> Text:
    return Text(
        fr=f"« {header} » a déjà ses libellés dans answer_maps n° {first + 1}",
        en=f"{header!r} already has its labels in answer_maps #{first + 1}",
        others={"de": f"„{header}“ hat bereits Bezeichnungen in answer_maps Nr. {first + 1}"},
    )


def filter_keep_or_drop() -> Text:
    # The example is TOML to copy into the audit file: the same in every language.
    example = 'filter = { column = "Statut", keep = ["Complet"] }'
    return Text(
        fr=f"indiquer keep (les valeurs des lignes lues) ou drop (celles des lignes écartées), pas les deux : {example}",
        en=f"give keep (the values of the rows read) or drop (those of the rows left out), not both: {example}",
        others={
            "de": f"keep (die Werte der gelesenen Zeilen) oder drop (die der ausgeschlossenen Zeilen) angeben, "
            f"nicht beides: {example}"
        },
    )


def filter_no_values() -> Text:
    return Text(
        fr="au moins une valeur attendue (\"\" pour une cellule vide)",
        en='expected at least one value ("" for a blank cell)',
        others={"de": 'erwartet wird mindestens ein Wert ("" für eine leere Zelle)'},
    )


def filter_column_read(header: str) -> Text:
    return Text(
        fr=f"« {header} » est aussi dans columns ou ignore : la colonne du filtre ne sert qu'à choisir les lignes",
        en=f"{header!r} is also in columns or ignore: the filter's column only chooses the rows",
        others={
            "de": f"„{header}“ steht auch in columns oder ignore: die Spalte des Filters dient nur "
            "der Auswahl der Zeilen"
        },
    )


def header_rows_past_the_end(rows: int) -> Text:
    return Text(
        fr=f"l'en-tête doit occuper {rows} lignes (header_rows), mais le fichier s'arrête avant",
        en=f"the header should span {rows} rows (header_rows), but the file ends before",
        others={
            "de": f"der Kopfbereich sollte {_de(rows, 'Zeile', 'Zeilen')} umfassen (header_rows), "
            "aber die Datei endet vorher"
        },
    )


def _filtered_by(column: str, keep: bool, values: Sequence[str]) -> tuple[str, str, str]:
    """How the filter chose the rows: `'Statut' not 'Complet'`, in each language."""
    shown_fr = " ou ".join("vide" if not v else f"« {v} »" for v in values)
    shown_en = " or ".join("blank" if not v else repr(v) for v in values)
    shown_de = " oder ".join("leer" if not v else f"„{v}“" for v in values)
    if keep:
        return f"« {column} » autre que {shown_fr}", f"{column!r} not {shown_en}", f"„{column}“ ungleich {shown_de}"
    return f"« {column} » {shown_fr}", f"{column!r} {shown_en}", f"„{column}“ gleich {shown_de}"


def file_read_filtered(
    display: str, rows: int, sites: int, left_out: int, column: str, keep: bool, values: Sequence[str]
) -> Text:
    """What was read, and how many rows the filter left out: `41 rows left out ('Statut' not 'Complet')`."""
    rows_fr, rows_en, rows_de = _counted(rows, "ligne", "row", ("Zeile", "Zeilen"))
    sites_fr, sites_en, sites_de = _counted(sites, "site", "site", ("Standort", "Standorte"))
    out_fr = f"{left_out} ligne écartée" if left_out == 1 else f"{left_out} lignes écartées"
    out_en = f"{left_out} row{'' if left_out == 1 else 's'} left out"
    how_fr, how_en, how_de = _filtered_by(column, keep, values)
    return Text(
        fr=f"{display} : {rows_fr}, {sites_fr}, {out_fr} par le filtre ({how_fr})",
        en=f"{display}: {rows_en}, {sites_en}, {out_en} by the filter ({how_en})",
        others={
            "de": f"{display}: {rows_de}, {sites_de}, {_de(left_out, 'Zeile', 'Zeilen')} vom Filter "
            f"ausgeschlossen ({how_de})"
        },
    )


def header_alike_twice(header: str, letter: str, first: str, first_letter: str) -> Text:
    return Text(
        fr=f"l'en-tête « {header} » (colonne {letter}) se lit comme « {first} » (colonne {first_letter}) : "
        "lequel lire ? Renommer l'un des deux, ou l'ajouter à ignore",
        en=f"header {header!r} (column {letter}) reads as {first!r} (column {first_letter}): which one? "
        "Rename one of them, or list it in ignore",
        others={
            "de": f"die Spaltenüberschrift „{header}“ (Spalte {letter}) wird wie „{first}“ "
            f"(Spalte {first_letter}) gelesen: welche ist gemeint? Eine der beiden umbenennen oder in ignore aufführen"
        },
    )


def _character(char: str, lang: str) -> str:
    """`'’' U+2019 RIGHT SINGLE QUOTATION MARK`, or the end of the text (`lang`: fr, en or de)."""
    if not char:
        return {"fr": "la fin du texte", "de": "das Ende des Textes"}.get(lang, "the end of the text")
    name = unicodedata.name(char, "")
    shown = {"fr": f"« {char} »", "de": f"„{char}“"}.get(lang, repr(char))
    return f"{shown} U+{ord(char):04X}{' ' + name if name else ''}"


def header_not_found_closest(header: str, closest: str, letter: str, at: int, ours: str, theirs: str) -> Text:
    return Text(
        fr=f"en-tête « {header} » introuvable dans le fichier ; le plus proche est « {closest} » (colonne {letter}), "
        f"qui en diffère au caractère {at} : {_character(theirs, 'fr')} au lieu de {_character(ours, 'fr')}",
        en=f"header {header!r} not found in the file; the closest is {closest!r} (column {letter}), "
        f"which differs at character {at}: {_character(theirs, 'en')} where the audit has {_character(ours, 'en')}",
        others={
            "de": f"Spaltenüberschrift „{header}“ nicht in der Datei gefunden; am nächsten kommt „{closest}“ "
            f"(Spalte {letter}), die sich an Zeichenposition {at} unterscheidet: {_character(theirs, 'de')}, "
            f"wo das Audit {_character(ours, 'de')} hat"
        },
    )


def header_gaps_hint(gaps: int) -> Text:
    """Said once, before the blank headers themselves: what those gaps usually are."""
    return Text(
        fr=f"{gaps} colonne(s) sans en-tête : si l'export répartit son en-tête sur deux lignes (une question "
        "au-dessus de ses sous-questions, comme SurveyMonkey), indiquer header_rows = 2",
        en=f"{gaps} column(s) without a header: if the export spreads its header over two rows (a question "
        "above its sub-questions, as SurveyMonkey does), set header_rows = 2",
        others={
            "de": f"{_de(gaps, 'Spalte', 'Spalten')} ohne Spaltenüberschrift: wenn der Export seine "
            "Spaltenüberschriften auf zwei Zeilen verteilt (eine Frage über ihren Teilfragen, wie bei SurveyMonkey), "
            "header_rows = 2 angeben"
        },
    )
