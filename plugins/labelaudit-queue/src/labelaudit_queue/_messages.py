"""Every message the plugin shows a person, in French and in English.

A `labelaudit.Problem` may carry a `labelaudit.Text`, which labelaudit prints in the user's
language (`--lang`, `LABELAUDIT_LANG`). The place of a problem (`row 12, column 'Arrivée' (D)`)
stays in the engine's own wording, as the built-in plugins write it.
"""

from __future__ import annotations

from labelaudit import Text

ISO_FORMAT = "YYYY-MM-DD HH:MM[:SS]"


def unsupported_suffix(suffix: str) -> Text:
    return Text(
        fr=f"type de fichier « {suffix} » non pris en charge (export CSV attendu, .csv)",
        en=f"unsupported file type '{suffix}' (expected a CSV export, .csv)",
    )


def header_twice(header: str) -> Text:
    return Text(fr=f"l'en-tête « {header} » figure deux fois", en=f"header '{header}' appears twice")


def header_not_found(header: str, role: str, source: str) -> Text:
    return Text(
        fr=f"colonne « {header} » introuvable dans l'en-tête (columns.{role} de [sources.{source}])",
        en=f"column '{header}' not found in the header (columns.{role} of [sources.{source}])",
    )


def ticket_missing() -> Text:
    return Text(fr="numéro de ticket manquant", en="ticket id missing")


def ticket_duplicate(ticket: str, site: str, first: str) -> Text:
    return Text(
        fr=f"ticket « {ticket} » en double pour le site {site} (première occurrence : {first})",
        en=f"duplicate ticket '{ticket}' for site {site} (first seen at {first})",
    )


def arrival_missing() -> Text:
    return Text(fr="heure d'arrivée manquante", en="arrival time missing")


def unreadable_time(text: str, expected: str) -> Text:
    return Text(
        fr=f"date et heure illisibles « {text} » (format attendu : {expected})",
        en=f"unreadable date and time '{text}' (expected {expected})",
    )


def start_before_arrival(start: str, arrival: str, arrival_header: str) -> Text:
    return Text(
        fr=f"début de service {start} antérieur à l'arrivée {arrival} (colonne « {arrival_header} »)",
        en=f"service start {start} is before arrival {arrival} (column '{arrival_header}')",
    )


def unknown_site(text: str, known: str, source: str) -> Text:
    if not text:
        return Text(
            fr=f"site manquant (sites de l'audit : {known}, ou une valeur de [sources.{source}.site_names])",
            en=f"site missing (audit sites: {known}, or a value of [sources.{source}.site_names])",
        )
    return Text(
        fr=f"site inconnu « {text} » (sites de l'audit : {known}, ou une valeur de [sources.{source}.site_names])",
        en=f"unknown site '{text}' (audit sites: {known}, or a value of [sources.{source}.site_names])",
    )


# --- Options (audit.toml) -----------------------------------------------------------------------


def option_unknown_site(site: str, known: str) -> Text:
    return Text(fr=f"site inconnu « {site} » (sites de l'audit : {known})", en=f"unknown site '{site}' (audit sites: {known})")


def option_site_twice() -> Text:
    return Text(
        fr="indiquer soit columns.site (une colonne d'agence), soit site (un seul site pour tout l'export), pas les deux",
        en="give either columns.site (a site column) or site (one site for the whole export), not both",
    )


def option_site_needed(known: str) -> Text:
    return Text(
        fr=f"l'audit a plusieurs sites ({known}) : indiquer columns.site (la colonne d'agence) ou site",
        en=f"the audit has several sites ({known}): give columns.site (the site column) or site",
    )


def option_same_column(header: str) -> Text:
    return Text(
        fr=f"la colonne « {header} » est attribuée à deux rôles",
        en=f"column '{header}' is given two roles",
    )


def option_bad_format(fmt: str, detail_fr: str, detail_en: str) -> Text:
    return Text(
        fr=f"datetime_format « {fmt} » inutilisable ({detail_fr}) ; exemple : \"%d/%m/%Y %H:%M:%S\"",
        en=f"datetime_format '{fmt}' cannot be used ({detail_en}); example: \"%d/%m/%Y %H:%M:%S\"",
    )


def option_bad_delimiter(value: str) -> Text:
    return Text(fr=f"un seul caractère attendu, reçu {value!r}", en=f"expected one character, got {value!r}")


# --- Bindings (the scheme's requirement files) ----------------------------------------------------


def binding_indicator(indicator: str | None, source: str, known: str) -> Text:
    return Text(
        fr=f"la source « {source} » (type queue) fournit les indicateurs {known}, pas « {indicator} »",
        en=f"source '{source}' (kind queue) provides the indicators {known}, not '{indicator}'",
    )


def binding_curve(source: str) -> Text:
    return Text(
        fr=f"une liaison à la source « {source} » (type queue) doit donner floor et target",
        en=f"a binding to source '{source}' (kind queue) must give floor and target",
    )


def binding_threshold(count: int) -> Text:
    return Text(
        fr=f"served_within attend un seul seuil en minutes dans points (ex. points = [5]), reçu {count} valeur(s)",
        en=f"served_within expects one threshold in minutes in points (e.g. points = [5]), got {count} value(s)",
    )


def binding_negative(value: str) -> Text:
    return Text(
        fr=f"le seuil de served_within doit être positif ou nul (en minutes), reçu {value}",
        en=f"the served_within threshold must be 0 or more (minutes), got {value}",
    )


def binding_no_points() -> Text:
    return Text(
        fr="max_wait ne prend pas de points (la valeur est l'attente la plus longue, en minutes)",
        en="max_wait takes no points (its value is the longest wait, in minutes)",
    )


# --- Evidence -----------------------------------------------------------------------------------


def observations(tickets: int, served: int, left: int) -> tuple[str, ...]:
    """What the record shows next to the evidence; observations are plain texts, so both languages."""
    return (
        f"{tickets} ticket(s) : {served} servi(s), {left} parti(s) sans être servi(s)",
        f"{tickets} ticket(s): {served} served, {left} left without being served",
    )


def file_read(source: str, file: str, tickets: int, left: int) -> Text:
    """The note on what one export held, shown to the auditor."""
    return Text(
        fr=f"{source} : {file} : {tickets} tickets, dont {left} partis sans être servis",
        en=f"{source}: {file}: {tickets} tickets, {left} left without being served",
    )
