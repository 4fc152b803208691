"""The texts of `labelaudit sample` and `labelaudit plan-survey`, in French and English."""

from __future__ import annotations

from labelaudit.i18n import catalog

catalog(
    {
        # --- option values ---
        "cycle.expected_stage": {
            "fr": "une étape du cycle (initial, surveillance ou renewal)",
            "en": "a stage of the cycle (initial, surveillance or renewal)",
        },
        "cycle.expected_whole": {"fr": "un nombre entier d'au moins 0", "en": "a whole number of 0 or more"},
        "cycle.expected_seed": {
            "fr": "un nombre entier de 0 à 9223372036854775807",
            "en": "a whole number from 0 to 9223372036854775807",
        },
        "cycle.expected_width": {
            "fr": "un nombre décimal strictement compris entre 0 et 1",
            "en": "a decimal number strictly between 0 and 1",
        },
        "cycle.expected_points": {"fr": "un nombre décimal supérieur à 0", "en": "a decimal number greater than 0"},
        "cycle.expected_population": {
            "fr": "SITE=N, N un nombre entier d'au moins 1",
            "en": "SITE=N, N a whole number of 1 or more",
        },
        "cycle.unknown_site": {
            "fr": "site inconnu « {site} » ({count} site(s) dans l'audit : {known})",
            "en": "unknown site {site!r} ({count} site(s) in the audit: {known})",
        },
        "cycle.unknown_source": {
            "fr": "source d'enquête inconnue « {source} » (valeurs possibles : {known})",
            "en": "unknown survey source {source!r} (known: {known})",
        },
        "cycle.record_scheme": {
            "fr": "enregistrement du schéma {found}, alors que l'audit relève du schéma {scheme}",
            "en": "a record of scheme {found}, while the audit is of scheme {scheme}",
        },
        # --- sample ---
        "cycle.other_organisation": {
            "fr": "{path} est un enregistrement de {found}, l'audit est celui de {organisation}",
            "en": "{path} is a record of {found}, the audit is of {organisation}",
        },
        "cycle.sampling_exists": {
            "fr": "l'audit a déjà une table [sampling] : rien n'a été écrit (--force pour la remplacer)",
            "en": "the audit already has a [sampling] table: nothing was written (--force replaces it)",
        },
        "cycle.stage_differs": {
            "fr": "l'audit est de type {kind}, le plan est tiré pour l'étape {stage}",
            "en": "the audit is of kind {kind}, the plan is drawn for stage {stage}",
        },
        "cycle.sample_title": {
            "fr": "Plan d'échantillonnage des sites — {audit}, {stage} (IAF MD1)",
            "en": "Site sampling plan — {audit}, {stage} (IAF MD1)",
        },
        "cycle.stage_initial": {"fr": "audit initial", "en": "initial audit"},
        "cycle.stage_surveillance": {"fr": "audit de surveillance", "en": "surveillance audit"},
        "cycle.stage_renewal": {"fr": "audit de renouvellement", "en": "renewal audit"},
        "cycle.sample_rule": {
            "fr": "{sites} site(s) dans le périmètre : minimum IAF MD1 ⌈{coefficient}√{sites}⌉ = {rule}",
            "en": "{sites} site(s) in scope: IAF MD1 minimum ⌈{coefficient}√{sites}⌉ = {rule}",
        },
        "cycle.sample_extra": {
            "fr": "+{extra} site(s) ajouté(s) pour le risque (--extra)",
            "en": "+{extra} site(s) added for risk (--extra)",
        },
        "cycle.sample_raised": {
            "fr": "taille portée à {size} pour loger les sites imposés et le quart tiré au hasard",
            "en": "size raised to {size} to hold the required sites and the random quarter",
        },
        "cycle.sample_parts": {
            "fr": "{size} site(s) visité(s) : {required} imposé(s), {random} tiré(s) au hasard (au moins un quart), "
            "{risk} choisi(s) selon le risque",
            "en": "{size} site(s) visited: {required} required, {random} drawn at random (at least a quarter), "
            "{risk} chosen by risk",
        },
        "cycle.sample_no_random_room": {
            "fr": "les sites imposés remplissent l'échantillon : il ne reste pas de place pour le quart tiré au hasard",
            "en": "the required sites fill the sample: no room is left for the random quarter",
        },
        "cycle.seed_derived": {
            "fr": "graine {seed}, dérivée de sha256(« {audit}/{stage} ») : le même audit donne le même plan "
            "(--seed pour en choisir une)",
            "en": "seed {seed}, derived from sha256(\"{audit}/{stage}\"): the same audit gives the same plan "
            "(--seed chooses one)",
        },
        "cycle.seed_given": {
            "fr": "graine {seed} (--seed) : la même graine donne le même plan",
            "en": "seed {seed} (--seed): the same seed gives the same plan",
        },
        "cycle.no_previous": {
            "fr": "aucun enregistrement antérieur (--previous) : la part selon le risque ne connaît ni constats "
            "ni visites, et l'ordre aléatoire de la graine départage",
            "en": "no earlier record (--previous): the risk-based part knows no findings and no visits, "
            "and the seed's random order breaks the ties",
        },
        "cycle.previous": {
            "fr": "{count} enregistrement(s) antérieur(s), par date de décision :",
            "en": "{count} earlier record(s), by decision date:",
        },
        "cycle.previous_record": {
            "fr": "{audit} ({date}) : {visited} site(s) visité(s) ({source}) — {path}",
            "en": "{audit} ({date}): {visited} site(s) visited ({source}) — {path}",
        },
        "cycle.visited_from_sampling": {"fr": "d'après sa table [sampling]", "en": "from its [sampling] table"},
        "cycle.visited_from_onsite": {"fr": "les sites ayant des preuves sur site", "en": "the sites with on-site evidence"},
        "cycle.never_visited": {
            "fr": "{count} site(s) sur {total} jamais visité(s) sur site",
            "en": "{count} of {total} site(s) never visited on site",
        },
        "cycle.gone": {
            "fr": "{count} site(s) des enregistrements antérieurs ne sont plus dans l'audit : {sites}",
            "en": "{count} site(s) of the earlier records are no longer in the audit: {sites}",
        },
        "cycle.col_site": {"fr": "site", "en": "site"},
        "cycle.col_reason": {"fr": "motif", "en": "reason"},
        "cycle.col_detail": {"fr": "détail", "en": "detail"},
        "cycle.reason_random": {"fr": "hasard", "en": "random"},
        "cycle.reason_risk": {"fr": "risque", "en": "risk"},
        "cycle.reason_required": {"fr": "imposé", "en": "required"},
        "cycle.why_required": {"fr": "imposé (--require)", "en": "required (--require)"},
        "cycle.why_random": {"fr": "tiré au hasard (graine {seed})", "en": "drawn at random (seed {seed})"},
        "cycle.why_major": {
            "fr": "non-conformités majeures ouvertes dans {audit} : {count}",
            "en": "open major non-conformities in {audit}: {count}",
        },
        "cycle.why_minor": {
            "fr": "non-conformités mineures ouvertes dans {audit} : {count}",
            "en": "open minor non-conformities in {audit}: {count}",
        },
        "cycle.why_never": {"fr": "jamais visité sur site", "en": "never visited on site"},
        "cycle.why_last_visit": {"fr": "dernière visite : {audit}", "en": "last visited in {audit}"},
        "cycle.why_weakest": {
            "fr": "résultat le plus faible : {source} {percent} % dans {audit}",
            "en": "weakest result: {source} {percent}% in {audit}",
        },
        "cycle.why_no_result": {"fr": "aucun résultat d'enquête antérieur", "en": "no earlier survey result"},
        "cycle.toml_comment": {
            "fr": "Sites visités sur site, tirés par « labelaudit sample » (IAF MD1) : {size} sur {sites}, étape {stage}.",
            "en": "Sites visited on site, drawn by `labelaudit sample` (IAF MD1): {size} of {sites}, stage {stage}.",
        },
        "cycle.written": {"fr": "Plan écrit dans {path} (table [sampling])", "en": "Plan written to {path} ([sampling] table)"},
        "cycle.not_written": {
            "fr": "Rien n'a été écrit (--write écrit ce plan dans audit.toml, table [sampling]).",
            "en": "Nothing was written (--write writes this plan into audit.toml as its [sampling] table).",
        },
        # --- plan-survey ---
        "cycle.no_survey": {
            "fr": "le schéma {scheme} n'a aucune source d'enquête (à questionnaire) à planifier",
            "en": "scheme {scheme} has no survey source (with a questionnaire) to plan",
        },
        "cycle.population_needs_source": {
            "fr": "une population SITE=N vaut pour une seule source : précisez --source (sources d'enquête : "
            "{sources}) ou donnez un fichier --populations",
            "en": "a population SITE=N is for one source: give --source (survey sources: {sources}) "
            "or a --populations file",
        },
        "cycle.csv_encoding": {"fr": "encodage illisible : UTF-8 attendu", "en": "unreadable encoding: UTF-8 expected"},
        "cycle.csv_header": {
            "fr": "colonnes attendues : {expected} ; trouvées : {found}",
            "en": "expected the columns {expected}, found: {found}",
        },
        "cycle.csv_cells": {"fr": "{expected} cellules attendues, {found} trouvées", "en": "expected {expected} cells, found {found}"},
        "cycle.csv_duplicate": {
            "fr": "population de {site} pour {source} déjà donnée ligne {first}",
            "en": "the population of {site} for {source} is already given on row {first}",
        },
        "cycle.plan_title": {
            "fr": "Plan d'enquête — {audit} : réponses exploitables nécessaires par site",
            "en": "Survey plan — {audit}: usable responses needed per site",
        },
        "cycle.plan_confidence": {
            "fr": "confiance du schéma {confidence} % : z = {z}",
            "en": "the scheme's confidence {confidence}%: z = {z}",
        },
        "cycle.plan_formula": {
            "fr": "n0 = z²·σ²/W² ; pour un site de population N, n = n0 / (1 + (n0 − 1)/N) ; arrondi à l'entier "
            "supérieur, porté à l'échantillon minimal de la source, jamais au-delà de N",
            "en": "n0 = z²·σ²/W²; for a site of population N, n = n0 / (1 + (n0 − 1)/N); rounded up, raised to "
            "the source's minimum sample, never above N",
        },
        "cycle.plan_source": {
            "fr": "Source {source} (échantillon minimal {min_sample}, seuil d'anonymat {anonymity})",
            "en": "Source {source} (minimum sample {min_sample}, anonymity threshold {anonymity})",
        },
        "cycle.family_line": {
            "fr": "{family}, {count} liaison(s) : {assumption} ; demi-largeur ±{width} {unit} → n0 = {n0}",
            "en": "{family}, {count} binding(s): {assumption}; half-width ±{width} {unit} → n0 = {n0}",
        },
        "cycle.family_share": {"fr": "parts (top2box, share)", "en": "shares (top2box, share)"},
        "cycle.family_nps": {"fr": "NPS", "en": "NPS"},
        "cycle.family_mean": {"fr": "moyennes", "en": "means"},
        "cycle.family_gap": {"fr": "écarts (gap)", "en": "gaps"},
        "cycle.unit_share": {"fr": "(part, de 0 à 1)", "en": "(share, 0 to 1)"},
        "cycle.unit_nps": {"fr": "points de NPS", "en": "NPS points"},
        "cycle.unit_mean": {"fr": "point(s) d'échelle", "en": "scale point(s)"},
        "cycle.unit_gap": {"fr": "point(s) d'échelle", "en": "scale point(s)"},
        "cycle.assume_share": {
            "fr": "σ² = p(1 − p) supposée à p = 0.5, le cas le plus large",
            "en": "σ² = p(1 − p) assumed at p = 0.5, the widest case",
        },
        "cycle.assume_nps": {
            "fr": "σ² d'une réponse (+1, 0 ou −1) supposée à son maximum, 1",
            "en": "the variance of one answer (+1, 0 or −1) assumed at its largest, 1",
        },
        "cycle.assume_mean": {
            "fr": "s = (max − min)/4 = {spread}/4 = {sd} supposé (hypothèse prudente)",
            "en": "s = (max − min)/4 = {spread}/4 = {sd} assumed (a conservative guess)",
        },
        "cycle.assume_gap": {
            "fr": "s = (max − min)/2 = {spread}/2 = {sd} supposé (l'écart de deux réponses couvre deux fois l'échelle)",
            "en": "s = (max − min)/2 = {spread}/2 = {sd} assumed (a difference of two answers spans twice the scale)",
        },
        "cycle.assume_observed": {
            "fr": "σ² = {variance}, la plus grande lue dans {path}",
            "en": "σ² = {variance}, the largest read from {path}",
        },
        "cycle.unplanned": {
            "fr": "{count} liaison(s) sans formule de plan (indicateur d'un plugin), non planifiée(s) : {bindings}",
            "en": "{count} binding(s) without a planning formula (a plugin's indicator), not planned: {bindings}",
        },
        "cycle.nothing_to_plan": {"fr": "aucune liaison à planifier pour cette source", "en": "no binding to plan for this source"},
        "cycle.governing": {
            "fr": "l'indicateur le plus exigeant ({family}) fixe le nombre de réponses par site :",
            "en": "the most demanding indicator ({family}) sets the responses needed per site:",
        },
        "cycle.col_population": {"fr": "population", "en": "population"},
        "cycle.col_n": {"fr": "n", "en": "n"},
        "cycle.col_note": {"fr": "remarque", "en": "note"},
        "cycle.note_no_population": {"fr": "population non donnée : sans correction", "en": "no population given: no correction"},
        "cycle.note_below_anonymity": {
            "fr": "population < seuil d'anonymat ({anonymity}) : ses résultats ne pourront jamais être montrés",
            "en": "population < anonymity threshold ({anonymity}): its results can never be shown",
        },
        "cycle.note_below_minimum": {
            "fr": "population < échantillon minimal ({min_sample}) : ses preuves seront toujours trop petites",
            "en": "population < minimum sample ({min_sample}): its evidence will always be undersized",
        },
        "cycle.note_raised": {
            "fr": "porté de {corrected} à l'échantillon minimal ({min_sample})",
            "en": "raised from {corrected} to the minimum sample ({min_sample})",
        },
        "cycle.note_census": {"fr": "recensement : toute la population", "en": "census: the whole population"},
        "cycle.policy_pooled": {"fr": "poids n_h/n (sites = \"pooled\")", "en": "weights n_h/n (sites = \"pooled\")"},
        "cycle.policy_equal": {"fr": "poids 1/k (sites = \"equal\")", "en": "weights 1/k (sites = \"equal\")"},
        "cycle.pooled": {
            "fr": "plan stratifié (chaque site enquêté) : {total} réponses sur {sites} site(s), {policy} : "
            "demi-largeur de la valeur globale ±{width} {unit}",
            "en": "stratified design (every site surveyed): {total} responses over {sites} site(s), {policy}: "
            "half-width of the pooled value ±{width} {unit}",
        },
        # --- help ---
        "cycle.help_sample": {
            "fr": "tirer les sites à visiter sur site (IAF MD1)",
            "en": "draw the sites to visit on site (IAF MD1)",
        },
        "cycle.help_sample_description": {
            "fr": "Tire les sites à visiter sur site selon IAF MD1 : ⌈√x⌉ à l'audit initial, ⌈0.6·√x⌉ en "
            "surveillance, ⌈0.8·√x⌉ au renouvellement ; au moins un quart au hasard, le reste selon le risque.",
            "en": "Draws the sites to visit on site after IAF MD1: ⌈√x⌉ at the initial audit, ⌈0.6·√x⌉ at "
            "surveillance, ⌈0.8·√x⌉ at renewal; at least a quarter at random, the rest by risk.",
        },
        "cycle.help_audit": {"fr": "le dossier d'audit ou son audit.toml", "en": "the audit folder or its audit.toml"},
        "cycle.help_stage": {
            "fr": "l'étape du cycle (par défaut : le type de l'audit)",
            "en": "the stage of the cycle (default: the audit's kind)",
        },
        "cycle.help_seed": {
            "fr": "graine du tirage (par défaut : dérivée de l'identifiant de l'audit et de l'étape)",
            "en": "seed of the draw (default: derived from the audit's id and the stage)",
        },
        "cycle.help_previous": {
            "fr": "un enregistrement de décision antérieur du cycle (répétable)",
            "en": "an earlier decision record of the cycle (repeatable)",
        },
        "cycle.help_extra": {
            "fr": "sites ajoutés au minimum pour le risque (jamais en dessous)",
            "en": "sites added to the minimum for risk (never below it)",
        },
        "cycle.help_require": {
            "fr": "un site toujours visité, la fonction centrale par exemple (répétable)",
            "en": "a site always visited, the central function say (repeatable)",
        },
        "cycle.help_write": {
            "fr": "écrire le plan dans audit.toml (table [sampling])",
            "en": "write the plan into audit.toml ([sampling] table)",
        },
        "cycle.help_force": {"fr": "remplacer une table [sampling] existante", "en": "replace an existing [sampling] table"},
        "cycle.help_plan": {
            "fr": "les réponses d'enquête nécessaires par site pour un intervalle voulu",
            "en": "the survey responses needed per site for a wanted interval",
        },
        "cycle.help_plan_description": {
            "fr": "Donne, par site et par source d'enquête, le nombre de réponses exploitables nécessaire pour "
            "une demi-largeur d'intervalle voulue, avec la correction de population finie.",
            "en": "Gives, per site and survey source, the usable responses needed for a wanted interval "
            "half-width, with the finite population correction.",
        },
        "cycle.help_width": {
            "fr": "demi-largeur voulue, en part de l'étendue de l'indicateur (0.05 par défaut : ±5 points de pourcentage)",
            "en": "wanted half-width, as a share of the indicator's range (default 0.05: ±5 points of percentage)",
        },
        "cycle.help_mean_width": {
            "fr": "demi-largeur voulue des moyennes, en points d'échelle (par défaut : W × (max − min))",
            "en": "wanted half-width of means, in scale points (default: W × (max − min))",
        },
        "cycle.help_source": {"fr": "une seule source d'enquête", "en": "one survey source only"},
        "cycle.help_population": {
            "fr": "population d'un site pour --source (répétable)",
            "en": "a site's population for --source (repeatable)",
        },
        "cycle.help_populations": {
            "fr": "un fichier CSV de populations : colonnes site, source, population",
            "en": "a CSV file of populations: columns site, source, population",
        },
        "cycle.help_plan_previous": {
            "fr": "un enregistrement antérieur : la variance des réponses y est lue au lieu d'être supposée",
            "en": "an earlier record: the answers' variance is read from it instead of assumed",
        },
    }
)
