"""Every text labelaudit shows a person, in French and English.

The catalogue is plain data so that a test can check that every message exists in both
languages with the same placeholders. The language is chosen once per run (`--lang`, or the
`LABELAUDIT_LANG` / `LANG` environment) and held in a context variable.
"""

from __future__ import annotations

import contextvars
import os
from typing import Any

from labelaudit.model import Lang, Text

_current: contextvars.ContextVar[Lang] = contextvars.ContextVar("labelaudit_lang", default="en")

MESSAGES: dict[str, dict[Lang, str]] = {
    "errors.more": {
        "fr": "… et {count} autre(s) problème(s) non affiché(s) (voir --max-errors)",
        "en": "… and {count} more problem(s) not shown (see --max-errors)",
    },
    "error.prefix": {"fr": "erreur", "en": "error"},
    "error.internal": {
        "fr": "erreur interne de labelaudit (merci de la signaler) :",
        "en": "labelaudit internal error (please report it):",
    },
    # --- places: where a problem is, before what it is ---
    "place.line": {"fr": "ligne {line}", "en": "line {line}"},
    "place.line_column": {"fr": "ligne {line}, colonne {column}", "en": "line {line}, column {column}"},
    "place.line_key": {"fr": "ligne {line}, clé {key}", "en": "line {line}, key {key}"},
    "place.key": {"fr": "clé {key}", "en": "key {key}"},
    "place.byte": {"fr": "octet {byte}", "en": "byte {byte}"},
    "place.row": {"fr": "ligne {row}", "en": "row {row}"},
    "place.cell": {"fr": "ligne {row}, colonne « {header} » ({letter})", "en": "row {row}, column '{header}' ({letter})"},
    "place.rows": {"fr": "lignes {first} à {last}", "en": "rows {first}-{last}"},
    "place.sheet": {"fr": "feuille « {sheet} »", "en": "sheet '{sheet}'"},
    "place.sheet_cell": {"fr": "cellule {sheet}!{cell}", "en": "cell {sheet}!{cell}"},
    "place.sheet_cell_header": {
        "fr": "cellule {sheet}!{cell}, colonne « {header} »",
        "en": "cell {sheet}!{cell}, column '{header}'",
    },
    "toml.syntax": {"fr": "TOML invalide : {detail}", "en": "invalid TOML: {detail}"},
    "record.invalid": {"fr": "pas un enregistrement labelaudit : {detail}", "en": "not a labelaudit record: {detail}"},
    "record.format": {"fr": "attendu {expected!r}", "en": "expected {expected!r}"},
    "file.missing": {"fr": "fichier introuvable", "en": "file not found"},
    "file.unreadable": {"fr": "fichier illisible : {detail}", "en": "cannot read the file: {detail}"},
    "file.empty": {"fr": "le fichier est vide", "en": "the file is empty"},
    "file.encoding": {
        "fr": "encodage non reconnu (UTF-8 ou Windows-1252 attendu)",
        "en": "unrecognised encoding (expected UTF-8 or Windows-1252)",
    },
    "toml.encoding": {
        "fr": "le fichier n'est pas en UTF-8 (l'encodage de tout fichier TOML)",
        "en": "not UTF-8 (the encoding of every TOML file)",
    },
    "value.expected": {
        "fr": "attendu : {expected}, trouvé : {found!r}",
        "en": "expected {expected}, got {found!r}",
    },
    # what `value.expected` expects
    "expected.number": {"fr": "un nombre", "en": "number"},
    "expected.text": {"fr": "un texte", "en": "text"},
    "expected.whole_number": {"fr": "un nombre entier", "en": "whole number"},
    "expected.boolean": {"fr": "true ou false", "en": "true or false"},
    "expected.date": {"fr": "une date (AAAA-MM-JJ)", "en": "date (YYYY-MM-DD)"},
    "expected.texts": {"fr": "une liste de textes", "en": "list of texts"},
    "expected.positive_whole": {"fr": "un nombre entier d'au moins 1", "en": "a whole number of 1 or more"},
    "expected.site_option": {"fr": "ID=NOM", "en": "ID=NAME"},
    "expected.seconds": {"fr": "un nombre de secondes supérieur à 0", "en": "a number of seconds greater than 0"},
    "key.unknown_named": {"fr": "clé inconnue : {keys}", "en": "unknown key: {keys}"},
    "key.missing": {"fr": "clé obligatoire absente", "en": "required key missing"},
    "id.duplicate": {
        "fr": "identifiant {id!r} déjà utilisé ({first})",
        "en": "duplicate id {id!r} (first used at {first})",
    },
    "ref.unknown": {
        "fr": "{what} « {name} » (valeurs possibles : {known})",
        "en": "{what} {name!r} (known: {known})",
    },
    "ref.criteria_of": {"fr": "les {count} critères de {scheme}", "en": "{count} criteria of {scheme}"},
    # what `ref.unknown` names, with its French gender
    "unknown.scale": {"fr": "échelle inconnue", "en": "unknown scale"},
    "unknown.questionnaire": {"fr": "questionnaire inconnu", "en": "unknown questionnaire"},
    "unknown.dimension": {"fr": "dimension inconnue", "en": "unknown dimension"},
    "unknown.requirement": {"fr": "exigence inconnue", "en": "unknown requirement"},
    "unknown.criterion": {"fr": "critère inconnu", "en": "unknown criterion"},
    "unknown.source": {"fr": "source inconnue", "en": "unknown source"},
    "unknown.item": {"fr": "item inconnu", "en": "unknown item"},
    "unknown.level": {"fr": "niveau inconnu", "en": "unknown level"},

    "scheme.unknown": {
        "fr": "schéma {name!r} introuvable (disponibles : {known})",
        "en": "scheme {name!r} not found (available: {known})",
    },
    "scheme.no_requirements": {
        "fr": "aucun fichier d'exigence dans {folder}",
        "en": "no requirement file in {folder}",
    },
    "levels.order": {
        "fr": "les niveaux doivent avoir des min_points strictement croissants",
        "en": "levels must have strictly increasing min_points",
    },
    "gate.needs": {"fr": "la porte de portée {scope} exige {key}", "en": "a {scope} gate needs {key}"},
    "gate.no_target": {
        "fr": "une porte de portée {scope} ne prend pas de cible (target)",
        "en": "a {scope} gate takes no target",
    },
    "scale.order": {
        "fr": "les points d'une échelle doivent être strictement croissants",
        "en": "a scale's points must be strictly increasing",
    },
    "binding.needs": {
        "fr": "une liaison à la source {source!r} exige {key}",
        "en": "a binding to source {source!r} needs {key}",
    },
    "binding.curve": {
        "fr": "floor et target doivent différer (tous deux {value})",
        "en": "floor and target must differ (both are {value})",
    },
    "kind.unknown": {
        "fr": "type de source {kind!r} fourni par aucun plugin (connus : {known})",
        "en": "source kind {kind!r} is provided by no plugin (known: {known})",
    },
    "indicator.unknown": {
        "fr": "indicateur {name!r} fourni par aucun plugin (connus : {known})",
        "en": "indicator {name!r} is provided by no plugin (known: {known})",
    },
    "audit.no_files": {
        "fr": "la source {source!r} n'a aucun fichier",
        "en": "source {source!r} has no file",
    },
    "option.invalid": {"fr": "option {option} : {detail}", "en": "option {option}: {detail}"},
    "audit.exists": {
        "fr": "{path} existe déjà : rien n'a été écrit",
        "en": "{path} already exists: nothing was written",
    },
    # --- the summary ---
    "summary.title": {"fr": "Décision proposée — {org}", "en": "Proposed decision — {org}"},
    "summary.labelled": {"fr": "{label} : {value}", "en": "{label}: {value}"},
    "summary.scheme": {"fr": "Schéma", "en": "Scheme"},
    "summary.outcome": {"fr": "Résultat", "en": "Outcome"},
    "summary.points": {"fr": "Points", "en": "Points"},
    "summary.coverage": {"fr": "Couverture", "en": "Coverage"},
    "summary.dimensions": {"fr": "Dimensions et éléments", "en": "Dimensions and elements"},
    "summary.sources": {"fr": "Sources", "en": "Sources"},
    "summary.perception": {
        "fr": "Mesures de perception (valeur, intervalle, n, atteinte)",
        "en": "Perception measures (value, interval, n, attainment)",
    },
    "summary.status_undersized": {"fr": "échantillon trop petit", "en": "sample too small"},
    "summary.status_missing": {"fr": "sans preuve", "en": "no evidence"},
    "summary.status_excluded": {"fr": "exclu", "en": "excluded"},
    "summary.gates": {"fr": "Portes", "en": "Gates"},
    "summary.sites": {"fr": "Sites", "en": "Sites"},
    "summary.reasons": {"fr": "Motifs", "en": "Reasons"},
    "summary.weight": {"fr": "Poids", "en": "Weight"},
    "summary.attainment": {"fr": "Atteinte", "en": "Attainment"},
    "summary.fired": {"fr": "déclenchée", "en": "fired"},
    "summary.passed": {"fr": "franchie", "en": "passed"},
    "summary.not_assessed": {"fr": "non évalué", "en": "not assessed"},
    "summary.record": {"fr": "Enregistrement écrit : {path}", "en": "Record written: {path}"},
    "summary.borderline": {
        "fr": "LIMITE : pessimiste {low}, optimiste {high}",
        "en": "BORDERLINE: pessimistic {low}, optimistic {high}",
    },
    "summary.sensitive": {
        "fr": "{criterion} / {binding} : {pessimistic_points} à {optimistic_points} points à lui seul",
        "en": "{criterion} / {binding}: {pessimistic_points} to {optimistic_points} points on its own",
    },
    "summary.stable": {
        "fr": "Stable dans les intervalles de confiance",
        "en": "Stable within the confidence intervals",
    },
    "summary.weakest_site": {"fr": "Site le plus faible : {site} ({value})", "en": "Weakest site: {site} ({value})"},
    "summary.sites_weakest": {
        "fr": "Sites (les {shown} plus faibles sur {total})",
        "en": "Sites (the {shown} weakest of {total})",
    },
    "summary.more_sites": {
        "fr": "… et {count} autres sites : tous figurent dans l'enregistrement et le rapport",
        "en": "… and {count} more sites: all of them are in the record and the report",
    },
    "summary.sites_without_result": {
        "fr": "{count} site(s) sans résultat (preuves insuffisantes sur place)",
        "en": "{count} site(s) without a result (not enough evidence there)",
    },
    "summary.more_reasons": {
        "fr": "… et {count} autres pour la porte « {gate} » (tous dans l'enregistrement)",
        "en": "… and {count} more for gate “{gate}” (all of them in the record)",
    },
    "summary.small_group": {
        "fr": "moins de {threshold} répondants",
        "en": "fewer than {threshold} respondents",
    },
    "summary.evidence_gaps": {
        "fr": "{count} preuve(s) manquante(s) ou trop petite(s) : détail dans l'enregistrement",
        "en": "{count} missing or undersized piece(s) of evidence: listed in the record",
    },
    "outcome.granted": {"fr": "ACCORDÉ — niveau {level}", "en": "GRANTED — level {level}"},
    "outcome.refused": {"fr": "REFUSÉ", "en": "REFUSED"},
    "outcome.deferred": {"fr": "AJOURNÉ (preuves insuffisantes)", "en": "DEFERRED (insufficient evidence)"},
    # --- reasons: every line of an outcome's justification ---
    "reason.points": {
        "fr": "{points} points : niveau « {level_title} » atteint (seuil {min_points})",
        "en": "{points} points: level “{level_title}” reached (threshold {min_points})",
    },
    "reason.no_level": {
        "fr": "{points} points : en dessous du premier niveau « {level_title} » ({min_points})",
        "en": "{points} points: below the first level “{level_title}” ({min_points})",
    },
    "reason.coverage_low": {
        "fr": "couverture {coverage} % inférieure au minimum {minimum} %",
        "en": "coverage {coverage}% below the minimum {minimum}%",
    },
    "reason.coverage_ok": {
        "fr": "couverture {coverage} % (minimum {minimum} %)",
        "en": "coverage {coverage}% (minimum {minimum}%)",
    },
    "reason.gate_refuse": {
        "fr": "porte « {gate_title} » : refus — {detail}",
        "en": "gate “{gate_title}”: refusal — {detail}",
    },
    "reason.gate_cap": {
        "fr": "porte « {gate_title} » : plafond au niveau « {level_title} » — {detail}",
        "en": "gate “{gate_title}”: capped at level “{level_title}” — {detail}",
    },
    "reason.subject_below": {
        "fr": "{subject} à {value} % < {minimum} %",
        "en": "{subject} at {value}% < {minimum}%",
    },
    "reason.subject_unacceptable": {
        "fr": "{subject} en dessous du seuil d'inacceptabilité ({value} au lieu d'au moins {floor})",
        "en": "{subject} below the unacceptability threshold ({value} where at least {floor} is required)",
    },
    "reason.subject_majors": {
        "fr": "{count} non-conformité(s) majeure(s) ouverte(s), maximum {maximum} ({requirements})",
        "en": "{count} open major non-conformities, maximum {maximum} ({requirements})",
    },
    "reason.missing": {
        "fr": "pas de preuve pour {criterion} / {binding}",
        "en": "no evidence for {criterion} / {binding}",
    },
    "reason.undersized": {
        "fr": "échantillon trop petit pour {criterion} / {binding} : n = {n} < {min}",
        "en": "sample too small for {criterion} / {binding}: n = {n} < {min}",
    },
    "reason.excluded": {
        "fr": "{criterion} exclu : {justification} (approuvé par {approved_by})",
        "en": "{criterion} excluded: {justification} (approved by {approved_by})",
    },
    # --- check, plugins, grid, init ---
    "check.ok": {
        "fr": "OK : schéma {scheme}, {criteria} critères, {evidence} preuves lues, {findings} constats",
        "en": "OK: scheme {scheme}, {criteria} criteria, {evidence} pieces of evidence read, {findings} findings",
    },
    "audit.no_decision_date": {
        "fr": "une date de décision est nécessaire (ou --decided-on)",
        "en": "a decision date is needed (or --decided-on)",
    },
    "check.note": {"fr": "note : {note}", "en": "note: {note}"},
    "grid.written": {"fr": "Grille vierge écrite : {path}", "en": "Blank grid written: {path}"},
    "init.written": {"fr": "Dossier d'audit créé : {path}", "en": "Audit folder created: {path}"},
    "progress.collect": {"fr": "lecture de la source {source}…", "en": "reading source {source}…"},
    "progress.score": {"fr": "calcul de la décision…", "en": "computing the decision…"},
    # --- command-line help ---
    "help.description": {
        "fr": "Évalue les audits de label d'excellence de service (XP CEN/TS 16880).",
        "en": "Scores service-excellence label audits (XP CEN/TS 16880).",
    },
    "help.lang": {"fr": "langue des textes affichés", "en": "language of the texts shown"},
    "help.plugin": {"fr": "charger aussi ce module plugin", "en": "also load this plugin module"},
    "help.disable": {"fr": "ne pas charger ce plugin", "en": "do not load this plugin"},
    "help.rulesets": {
        "fr": "dossier de schémas à consulter avant les schémas fournis",
        "en": "a folder of schemes searched before the bundled ones",
    },
    "help.max_errors": {
        "fr": "nombre maximal de problèmes signalés (50 par défaut)",
        "en": "report at most this many problems (default 50)",
    },
    "help.init": {
        "fr": "créer un dossier d'audit : audit.toml et une grille vierge",
        "en": "create an audit folder: audit.toml and a blank grid",
    },
    "help.site": {"fr": "un site audité, sous la forme ID=NOM", "en": "an audited site, as ID=NAME"},
    "help.grid_format": {"fr": "format de la grille vierge", "en": "format of the blank grid"},
    "help.grid": {
        "fr": "écrire une grille d'évaluation sur site vierge (TOML ou XLSX)",
        "en": "write a blank on-site evaluation grid (TOML or XLSX)",
    },
    "help.grid_audit": {"fr": "prendre le schéma et les sites de cet audit", "en": "take the scheme and sites from this audit"},
    "help.grid_output": {"fr": "fichier à écrire (.xlsx ou .toml)", "en": "file to write (.xlsx or .toml)"},
    "help.check": {
        "fr": "valider les règles, l'audit et les preuves sans calculer",
        "en": "validate rulesets, audit and evidence without scoring",
    },
    "help.score": {
        "fr": "calculer la décision, l'afficher et écrire l'enregistrement",
        "en": "compute the decision, print it and write the record",
    },
    "help.record": {"fr": "fichier d'enregistrement JSON à écrire", "en": "the JSON decision record to write"},
    "help.decided_on": {
        "fr": "date de décision (sinon dates.decision de l'audit)",
        "en": "decision date (default: the audit's dates.decision)",
    },
    "help.force": {"fr": "remplacer un enregistrement existant", "en": "replace an existing record"},
    "help.plugins": {
        "fr": "lister les plugins, leurs sources, indicateurs et versions",
        "en": "list plugins, their sources, indicators and versions",
    },
}


def catalog(messages: dict[str, dict[Lang, str]]) -> None:
    """Add a module's own messages (report, review …); a key may be defined only once."""
    clash = sorted(set(messages) & set(MESSAGES))
    if clash:
        raise ValueError(f"messages defined twice: {', '.join(clash)}")
    MESSAGES.update(messages)


def set_lang(lang: Lang) -> None:
    _current.set(lang)


def current_lang() -> Lang:
    return _current.get()


def lang_from_environment() -> Lang:
    """`LABELAUDIT_LANG`, else the locale's language where it is French, else English."""
    explicit = os.environ.get("LABELAUDIT_LANG", "")
    if explicit in ("fr", "en"):
        return explicit  # type: ignore[return-value]
    return "fr" if os.environ.get("LANG", "").lower().startswith("fr") else "en"


def tr(key: str, /, lang: Lang | None = None, **params: Any) -> str:
    return MESSAGES[key][lang or _current.get()].format(**params)


def unknown_thing(what: str) -> str:
    """`unknown scale` / `échelle inconnue`: the noun of a `ref.unknown` message, with its gender."""
    return tr(f"unknown.{what}")


def both(key: str, /, **params: Any) -> Text:
    """A message in both languages, for what outlives the run (a record) or crosses a thread."""
    return Text(fr=tr(key, lang="fr", **params), en=tr(key, lang="en", **params))
