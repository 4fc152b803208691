"""Every problem the surveys plugin shows an auditor, in French and in English.

A `labelaudit.Problem` may carry a `labelaudit.Text`, which labelaudit prints in the user's
language (`--lang`, `LABELAUDIT_LANG`). The English texts are worded exactly as the plugin has
always worded them, because users and tests match them. The place of a problem
(`row 3, column 'Q1' (B)`) is the engine's wording and is not built here. What a user wrote in a
file (a key, a header, a label, a raw answer) is quoted verbatim.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from fractions import Fraction

from labelaudit import Scale, Text

# --- Files ----------------------------------------------------------------------------------------


def unsupported_suffix(suffix: str) -> Text:
    return Text(
        fr=f"type de fichier « {suffix} » non pris en charge (attendu : .csv ou .xlsx)",
        en=f"unsupported file type '{suffix}' (expected .csv or .xlsx)",
    )


def not_a_workbook(error: Exception) -> Text:
    name = type(error).__name__
    return Text(
        fr=f"classeur XLSX illisible ({name} : {error})",
        en=f"not a readable XLSX workbook ({name}: {error})",
    )


def no_sheet(name: str, sheets: Sequence[str]) -> Text:
    listed = ", ".join(sheets)
    return Text(
        fr=f"aucune feuille « {name} » dans le classeur (feuilles : {listed})",
        en=f"no sheet {name!r} (sheets: {listed})",
    )


def header_row_past_the_end() -> Text:
    return Text(
        fr="la ligne d'en-tête indiquée par header_row se trouve après la dernière ligne de la feuille",
        en="the header row named by header_row is past the last row",
    )


def no_header_row(wanted: Iterable[str]) -> Text:
    names = sorted(wanted)
    fr_names = ", ".join(f"« {name} »" for name in names)
    en_names = ", ".join(f"'{name}'" for name in names)
    return Text(
        fr=f"aucune ligne d'en-tête trouvée (attendu : une ligne contenant l'un des en-têtes {fr_names} ; "
        f"sinon, indiquer header_row)",
        en=f"no header row found (expected a row with one of {en_names}; or set header_row)",
    )


# --- Headers --------------------------------------------------------------------------------------


def header_twice(header: str) -> Text:
    return Text(fr=f"l'en-tête « {header} » figure deux fois", en=f"header '{header}' appears twice")


def unknown_header(header: str, source: str) -> Text:
    return Text(
        fr=f"en-tête « {header} » inconnu (l'associer à un élément dans [sources.{source}.columns] "
        f"ou l'ajouter à ignore)",
        en=f"unknown header '{header}' (map it in [sources.{source}.columns] or list it in ignore)",
    )


def header_not_found(header: str) -> Text:
    return Text(
        fr=f"en-tête « {header} » introuvable dans le fichier",
        en=f"header '{header}' not found in the file",
    )


# --- Answers and sites ----------------------------------------------------------------------------


def point(value: Fraction) -> str:
    """A scale point as people write it: `4`, `0.5`."""
    return str(value.numerator) if value.denominator == 1 else str(Decimal(value.numerator) / value.denominator)


def _points(scale: Scale) -> str:
    return ", ".join(point(value) for value in scale.values)


def unexpected_answer(got: str, scale: Scale, answers_key: str) -> Text:
    """An answer that is not on the item's scale, nor one of its labels or of `answers_key`.

    Both languages show the scale's ends by their French labels, as the English text always has.
    """
    first, last = scale.points[0], scale.points[-1]
    between = ", …" if len(scale.points) > 2 else ""
    fr_ends = f"« {first.label.fr} » = {point(first.value)}{between}, « {last.label.fr} » = {point(last.value)}"
    en_ends = f"'{first.label.fr}' = {point(first.value)}{between}, '{last.label.fr}' = {point(last.value)}"
    return Text(
        fr=f"valeur attendue : {_points(scale)} ou un libellé ({fr_ends}, ou un libellé défini dans "
        f"{answers_key}) ; valeur reçue : « {got} »",
        en=f"expected one of {_points(scale)} or a label ({en_ends}, or one in {answers_key}), got '{got}'",
    )


def mapped_off_scale(label: str, value: Fraction, answers_key: str, scale: Scale) -> Text:
    return Text(
        fr=f"« {label} » est associé à {point(value)} dans {answers_key}, valeur absente de l'échelle "
        f"« {scale.id} » ({_points(scale)})",
        en=f"'{label}' maps to {point(value)} in {answers_key}, which is not a point "
        f"of scale {scale.id!r} ({_points(scale)})",
    )


def unexpected_site(got: str, site_ids: Sequence[str], site_names_key: str) -> Text:
    ids = ", ".join(site_ids)
    fr_got = f"valeur reçue : « {got} »" if got else "la cellule est vide"
    en_got = f"got '{got}'" if got else "the cell is empty"
    return Text(
        fr=f"site attendu : identifiant ou nom d'un site de l'audit ({ids}) ou valeur associée dans "
        f"{site_names_key} ; {fr_got}",
        en=f"expected a site id or name ({ids}) or a value mapped in {site_names_key}, {en_got}",
    )


# --- Options (the source's table in audit.toml) ---------------------------------------------------


def ignore_not_a_list(value: str) -> Text:
    # The example is TOML to copy into the audit file: the same in both languages.
    return Text(
        fr=f"liste d'en-têtes attendue, par exemple ignore = [{value!r}]",
        en=f"expected a list of headers, e.g. ignore = [{value!r}]",
    )


def no_columns() -> Text:
    return Text(
        fr="associer au moins un en-tête de l'export à la clé d'un élément du questionnaire",
        en="map at least one export header to an item key",
    )


def unknown_item(item: str, questionnaire: str | None, known: Sequence[str]) -> Text:
    listed = ", ".join(known) or "—"
    return Text(
        fr=f"élément « {item} » inconnu du questionnaire « {questionnaire} » (éléments connus : {listed})",
        en=f"unknown item {item!r} of questionnaire {questionnaire!r} (known: {listed})",
    )


def item_mapped_twice(item: str, header: str) -> Text:
    return Text(
        fr=f"l'élément « {item} » est déjà associé à l'en-tête « {header} »",
        en=f"item {item!r} is already mapped from header {header!r}",
    )


def header_read_and_left_out(header: str) -> Text:
    return Text(
        fr=f"l'en-tête « {header} » est aussi la colonne de site (site_column) ou figure dans ignore",
        en=f"header {header!r} is also the site column or in ignore",
    )


def unknown_site(site: str, site_ids: Sequence[str]) -> Text:
    known = ", ".join(site_ids)
    return Text(
        fr=f"site « {site} » inconnu (sites de l'audit : {known})",
        en=f"unknown site {site!r} (known: {known})",
    )


def site_twice() -> Text:
    return Text(fr="indiquer site ou site_column, pas les deux", en="give site or site_column, not both")


def bad_header_row(row: int) -> Text:
    return Text(
        fr=f"numéro de ligne attendu à partir de 1, reçu {row}",
        en=f"expected a row number from 1, got {row}",
    )


def bad_delimiter(value: str) -> Text:
    # Escaped as Python writes it, so that a tab or a line break shows in the French text too.
    shown = repr(value)[1:-1]
    return Text(fr=f"un seul caractère attendu, reçu « {shown} »", en=f"expected one character, got {value!r}")


# --- Notes: what was read, shown to the auditor by `check` and `score` -------------------------


def _counted(number: int, fr: str, en: str) -> tuple[str, str]:
    """`1 row` / `4 rows`, in both languages (French and English plurals agree here)."""
    plural = "" if number == 1 else "s"
    return f"{number} {fr}{plural}", f"{number} {en}{plural}"


def file_read(display: str, rows: int, sites: int) -> Text:
    rows_fr, rows_en = _counted(rows, "ligne", "row")
    sites_fr, sites_en = _counted(sites, "site", "site")
    return Text(fr=f"{display} : {rows_fr}, {sites_fr}", en=f"{display}: {rows_en}, {sites_en}")


def items_unmapped(source: str, items: str) -> Text:
    return Text(
        fr=f"{source} : aucune colonne associée aux items {items} ; leurs liaisons n'ont pas de preuve",
        en=f"{source}: no column mapped for item(s) {items}; their bindings have no evidence",
    )


# --- Rows that do not fit the header --------------------------------------------------------------


def row_width(cells: int, width: int, delimiter: str, other: str | None) -> Text:
    """A CSV record with more or fewer cells than the header; `other`: a delimiter that would
    split it into as many cells as the header, the likely cause."""
    shown = {"\t": "tab", ",": "','", ";": "';'"}.get(delimiter, repr(delimiter))
    shown_fr = {"\t": "tabulation", ",": "« , »", ";": "« ; »"}.get(delimiter, f"« {delimiter} »")
    text = Text(
        fr=f"{cells} cellule(s) alors que l'en-tête en a {width} (séparateur {shown_fr})",
        en=f"{cells} cell(s) where the header has {width} (delimiter {shown})",
    )
    if other is None:
        return text
    other_en = {"\t": "tab", ",": "','", ";": "';'"}.get(other, repr(other))
    other_fr = {"\t": "tabulation", ",": "« , »", ";": "« ; »"}.get(other, f"« {other} »")
    return Text(
        fr=f"{text.fr} : la ligne semble séparée par {other_fr}",
        en=f"{text.en}: the row seems split by {other_en}",
    )


def value_without_header(letter: str, value: str) -> Text:
    return Text(
        fr=f"valeur « {value} » dans la colonne {letter}, qui n'a pas d'en-tête",
        en=f"value {value!r} in column {letter}, which has no header",
    )


def empty_header(letter: str) -> Text:
    return Text(
        fr=f"la colonne {letter} n'a pas d'en-tête : lui donner un nom (et l'ajouter à « ignore » "
        "si elle ne doit pas être lue) ou la supprimer",
        en=f"column {letter} has no header: name it (and add it to 'ignore' if it is not to be "
        "read) or delete it",
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
    )
