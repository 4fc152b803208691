"""Every message of the committee package, in French and English (keys: review.*, register.*,
committee.*)."""

from __future__ import annotations

from labelaudit.i18n import catalog

catalog(
    {
        "register.missing": {
            "fr": "registre introuvable (le créer avec « labelaudit register add »)",
            "en": "no register here (create one with 'labelaudit register add')",
        },
        "register.unreadable": {
            "fr": "registre illisible : {detail}",
            "en": "cannot read the register: {detail}",
        },
        "register.too_new": {
            "fr": "registre créé par une version plus récente de labelaudit (schéma {found}, cette version "
            "connaît jusqu'au schéma {known}) : rien n'a été lu ni écrit",
            "en": "register made by a newer labelaudit (schema {found}, this version knows up to {known}): "
            "nothing was read or written",
        },
        "register.record_moving": {
            "fr": "l'enregistrement a changé pendant sa lecture : recommencer",
            "en": "the record changed while it was being read: try again",
        },
        "register.chain.broken": {
            "fr": "la chaîne des revues de {record} est rompue : rien n'a été enregistré",
            "en": "the reviews chain of {record} is broken: nothing was registered",
        },
        "register.chain.missing": {
            "fr": "le registre détient l'entrée n° {seq} ({hash}), absente du fichier : le fichier a été tronqué",
            "en": "the register holds entry {seq} ({hash}), which the file lacks: the file was cut short",
        },
        "register.chain.differs": {
            "fr": "le registre détient une autre entrée n° {seq} ({hash}) : le fichier a été réécrit",
            "en": "the register holds a different entry {seq} ({hash}): the file was rewritten",
        },
        "register.added": {
            "fr": "Enregistré dans {path} : {audit} ({digest}), {count} revue(s)",
            "en": "Registered in {path}: {audit} ({digest}), {count} review(s)",
        },
        "register.already": {
            "fr": "Déjà dans {path} : {audit} ({digest}), {count} nouvelle(s) revue(s)",
            "en": "Already in {path}: {audit} ({digest}), {count} new review(s)",
        },
        "register.status.granted": {"fr": "accordé", "en": "granted"},
        "register.status.refused": {"fr": "refusé", "en": "refused"},
        "register.status.deferred": {"fr": "ajourné", "en": "deferred"},
        "register.status.pending": {"fr": "en attente", "en": "pending"},
        "register.list.none": {"fr": "Aucun enregistrement ne correspond.", "en": "No record matches."},
        "register.list.audit": {"fr": "AUDIT", "en": "AUDIT"},
        "register.list.organisation": {"fr": "ORGANISME", "en": "ORGANISATION"},
        "register.list.kind": {"fr": "TYPE", "en": "KIND"},
        "register.list.decided": {"fr": "DÉCISION", "en": "DECIDED"},
        "register.list.proposal": {"fr": "PROPOSITION", "en": "PROPOSAL"},
        "register.list.final": {"fr": "DÉCISION DU COMITÉ", "en": "COMMITTEE DECISION"},
        "register.list.until": {"fr": "VALIDE JUSQU'AU", "en": "VALID UNTIL"},
        "register.show.unknown": {
            "fr": "aucun enregistrement pour l'audit {audit!r}",
            "en": "no record of audit {audit!r}",
        },
        "register.show.scope": {"fr": "Périmètre : {scope}", "en": "Scope: {scope}"},
        "register.show.record": {"fr": "Enregistrement : {digest} ({path})", "en": "Record: {digest} ({path})"},
        "register.show.scheme": {
            "fr": "Schéma {scheme} {version}, audit {kind}, décision du {date}",
            "en": "Scheme {scheme} {version}, {kind} audit, decided on {date}",
        },
        "register.show.proposal": {
            "fr": "Proposition : {decision} ({points} points)",
            "en": "Proposal: {decision} ({points} points)",
        },
        "register.show.reviews": {"fr": "Entrées du comité : {count}", "en": "Committee entries: {count}"},
        "register.show.pending": {
            "fr": "Décision du comité : en attente",
            "en": "Committee decision: pending",
        },
        "register.show.final": {
            "fr": "Décision du comité (dernière séance close) : {decision} ({member}, {date})",
            "en": "Committee decision (the latest closed session): {decision} ({member}, {date})",
        },
        "register.show.undecided": {
            "fr": "Décision du comité : aucune, la chaîne ne se vérifie plus ({why})",
            "en": "Committee decision: none, the chain no longer verifies ({why})",
        },
        "register.chain_state.broken": {"fr": "chaîne rompue", "en": "chain broken"},
        "register.chain_state.record_changed": {"fr": "enregistrement modifié", "en": "record changed"},
        "register.chain_state.record_missing": {"fr": "enregistrement introuvable", "en": "record file missing"},
        "register.status.undecided": {"fr": "non décidé", "en": "undecided"},
        "register.show.validity": {
            "fr": "Valide du {start} au {end} exclu ({years} ans ; surveillance tous les {months} mois) :",
            "en": "Valid from {start} until {end}, exclusive ({years} years; surveillance every {months} months):",
        },
        "register.due.surveillance": {"fr": "audit de surveillance n° {n}", "en": "surveillance audit {n}"},
        "register.due.surveillance_of": {
            "fr": "surveillance {n}/{total}",
            "en": "surveillance {n}/{total}",
        },
        "register.due.renewal": {"fr": "renouvellement", "en": "renewal"},
        "register.due.until": {"fr": "valide jusqu'au {date}", "en": "valid until {date}"},
        "register.due.none": {
            "fr": "Rien n'est dû au plus tard le {date}.",
            "en": "Nothing is due on or before {date}.",
        },
        "register.export.written": {
            "fr": "{count} enregistrement(s) exporté(s) : {path}",
            "en": "{count} record(s) exported: {path}",
        },
        "register.help.register": {
            "fr": "le registre des labels : enregistrements, revues, décisions, validité, surveillances",
            "en": "the label register: records, reviews, decisions, validity, surveillance audits",
        },
        "register.help.db": {
            "fr": "fichier du registre (sinon LABELAUDIT_REGISTER, sinon labelaudit-register.sqlite)",
            "en": "the register file (default: LABELAUDIT_REGISTER, else labelaudit-register.sqlite)",
        },
        "register.help.add": {
            "fr": "ajouter un enregistrement et ses revues (sans doublon)",
            "en": "add a record and its reviews (idempotent)",
        },
        "register.help.list": {"fr": "lister les enregistrements", "en": "list the records"},
        "register.help.organisation": {
            "fr": "organisme dont le nom contient ce texte",
            "en": "organisation whose name contains this text",
        },
        "register.help.level": {"fr": "niveau décidé par le comité", "en": "level decided by the committee"},
        "register.help.status": {"fr": "décision du comité", "en": "the committee's decision"},
        "register.help.valid_on": {"fr": "labels valides à cette date", "en": "labels valid on this date"},
        "register.help.show": {"fr": "détailler un audit", "en": "show one audit in full"},
        "register.help.due": {
            "fr": "audits de surveillance et renouvellements dus",
            "en": "surveillance audits and renewals due",
        },
        "register.help.before": {
            "fr": "dus au plus tard à cette date (par défaut : aujourd'hui)",
            "en": "due on or before this date (default: today)",
        },
        "register.help.export": {"fr": "exporter le registre en CSV", "en": "export the register as CSV"},
        "register.help.csv": {"fr": "fichier CSV à écrire", "en": "the CSV file to write"},
        "register.help.force": {"fr": "remplacer un fichier existant", "en": "replace an existing file"},
    }
)

catalog(
    {
        # the lines
        "review.chain.blank": {"fr": "ligne vide", "en": "blank line"},
        "review.chain.not_utf8": {"fr": "ligne non UTF-8", "en": "the line is not UTF-8"},
        "review.chain.not_json": {
            "fr": "JSON invalide en colonne {column} : {detail}",
            "en": "invalid JSON at column {column}: {detail}",
        },
        "review.chain.too_long": {
            "fr": "ligne de {size} octets (au plus {limit}) : pas une entrée",
            "en": "a line of {size} bytes (at most {limit}): not an entry",
        },
        "review.chain.too_large": {
            "fr": "fichier de {size} octets (au plus {limit}) : pas un fichier de revues, rien n'a été lu",
            "en": "a file of {size} bytes (at most {limit}): not a reviews file, nothing was read",
        },
        "review.chain.keys": {
            "fr": "pas une entrée de revue (clés absentes : {missing} ; clés inconnues : {unknown})",
            "en": "not a review entry (missing keys: {missing}; unknown keys: {unknown})",
        },
        "review.chain.not_canonical": {
            "fr": "la ligne n'est plus sous forme canonique : elle a été réécrite après coup",
            "en": "the line is no longer in canonical form: it was rewritten afterwards",
        },
        "review.chain.hash": {
            "fr": "l'empreinte ne correspond plus au contenu : l'entrée a été modifiée après son écriture",
            "en": "the hash no longer matches the content: the entry was edited after it was written",
        },
        "review.chain.seq": {
            "fr": "entrée n° {found} trouvée où l'entrée n° {expected} était attendue : une ligne a été supprimée, "
            "insérée ou déplacée",
            "en": "entry {found} found where entry {expected} was expected: a line was deleted, inserted or moved",
        },
        "review.chain.first_link": {
            "fr": "la première entrée désigne une entrée précédente : des lignes ont été supprimées avant elle",
            "en": "the first entry points to a previous one: lines were deleted before it",
        },
        "review.chain.link": {
            "fr": "« previous » ne correspond pas à la ligne {previous} : cette ligne a été modifiée ou remplacée",
            "en": "'previous' does not match line {previous}: that line was changed or replaced",
        },
        "review.chain.record_changed": {
            "fr": "l'enregistrement a changé depuis cette revue (revu : {reviewed}, actuel : {now})",
            "en": "the record changed since this review (reviewed: {reviewed}, now: {now})",
        },
        "review.chain.value": {"fr": "valeur invalide : {detail}", "en": "invalid value: {detail}"},
        "review.chain.truncated": {
            "fr": "ligne incomplète (sans fin de ligne) : écriture interrompue ou fichier tronqué",
            "en": "incomplete line (no line end): an interrupted write or a cut file",
        },
        "review.chain.refused": {
            "fr": "la chaîne des revues est rompue : rien n'a été ajouté (restaurer le fichier d'abord)",
            "en": "the reviews chain is broken: nothing was appended (restore the file first)",
        },
        "review.entry.refused": {
            "fr": "l'entrée n° {seq} enfreindrait une règle du comité : rien n'a été ajouté",
            "en": "entry {seq} would break a committee rule: nothing was appended",
        },
        # the rules
        "review.rule.no_roster": {
            "fr": "aucun registre, donc aucun tableau des membres : les signatures ne peuvent pas être vérifiées "
            "(--register BASE ou LABELAUDIT_REGISTER)",
            "en": "no register, hence no roster: the signatures cannot be verified (--register DB or LABELAUDIT_REGISTER)",
        },
        "review.rule.legacy_after_signed": {
            "fr": "entrée non signée (ancien format) après des entrées signées : une ligne ajoutée à la main",
            "en": "an unsigned (legacy) entry after signed ones: a line added by hand",
        },
        "review.rule.unknown_member": {
            "fr": "{member} n'est pas au tableau des membres du comité",
            "en": "{member} is not on the committee roster",
        },
        "review.rule.member_not_in_force": {
            "fr": "{member} n'était pas membre du comité le {date}",
            "en": "{member} was not on the committee on {date}",
        },
        "review.rule.unknown_key": {
            "fr": "la clé {key} n'est pas une clé de {member} au tableau",
            "en": "key {key} is not one of {member}'s keys on the roster",
        },
        "review.rule.key_not_in_force": {
            "fr": "la clé {key} n'était pas en vigueur le {date} (du {since} au {until})",
            "en": "key {key} was not in force on {date} (from {since} until {until})",
        },
        "review.rule.signature": {
            "fr": "la signature ne se vérifie pas avec la clé {key} de {member} : entrée falsifiée ou modifiée",
            "en": "the signature does not verify with {member}'s key {key}: a forged or altered entry",
        },
        "review.rule.role": {
            "fr": "{member} (rôles : {roles}) ne peut pas écrire une entrée « {kind} » : ouvrir et clore reviennent "
            "au président, voter à un membre",
            "en": "{member} (roles: {roles}) cannot write a '{kind}' entry: the chair opens and closes, members vote",
        },
        "review.rule.auditor": {
            "fr": "{member} est l'un des auditeurs de cet audit ou de ce label dans son cycle : la décision du comité "
            "doit être indépendante de l'évaluation",
            "en": "{member} is one of the auditors of this audit or of this label in its cycle: the committee's "
            "decision must be independent of the evaluation",
        },
        "review.rule.fields": {
            "fr": "entrée « {kind} » : champs en trop : {extra} ; champs absents : {missing}",
            "en": "'{kind}' entry: fields that do not belong: {extra}; fields missing: {missing}",
        },
        "review.rule.before_decision": {
            "fr": "datée du {date}, avant la décision proposée du {decided}",
            "en": "dated {date}, before the proposed decision of {decided}",
        },
        "review.rule.date_order": {
            "fr": "datée du {date}, avant l'entrée précédente ({previous})",
            "en": "dated {date}, before the previous entry ({previous})",
        },
        "review.rule.future": {
            "fr": "datée du {date}, après le {today} : une date à venir",
            "en": "dated {date}, after {today}: a date in the future",
        },
        "review.rule.session_id": {
            "fr": "une ouverture de séance doit porter son propre numéro ({seq}), pas {session}",
            "en": "a session's opening must carry its own number ({seq}), not {session}",
        },
        "review.rule.open_twice": {
            "fr": "une séance est déjà ouverte (entrée {session}) : la clore d'abord",
            "en": "a session is already open (entry {session}): close it first",
        },
        "review.rule.supersedes": {
            "fr": "la séance remplace {found}, or la dernière séance close est {expected}",
            "en": "the session supersedes {found}, but the latest closed session is {expected}",
        },
        "review.rule.no_session": {
            "fr": "aucune séance {session} n'est ouverte",
            "en": "no session {session} is open",
        },
        "review.rule.after_close": {
            "fr": "la séance {session} est déjà close : rien ne peut la suivre",
            "en": "session {session} is already closed: nothing may follow its closing",
        },
        "review.rule.second_vote": {
            "fr": "{member} a déjà voté dans cette séance (ligne {first}) : un vote par membre",
            "en": "{member} already voted in this session (line {first}): one vote per member",
        },
        "review.rule.close_chair": {
            "fr": "la séance est close par {member}, or elle a été ouverte par {chair}",
            "en": "the session is closed by {member}, but was opened by {chair}",
        },
        "review.rule.close_votes": {
            "fr": "la clôture ne reprend pas exactement les votes de la séance (votes omis aux lignes : {missing} ; "
            "empreintes inconnues : {unknown})",
            "en": "the closing does not commit to exactly the session's votes (votes left out, lines: {missing}; "
            "unknown hashes: {unknown})",
        },
        "review.rule.close_count": {
            "fr": "la clôture compte {count} vote(s), la séance en a {votes}",
            "en": "the closing counts {count} vote(s), the session has {votes}",
        },
        "review.rule.close_rule": {
            "fr": "la clôture applique la règle « {found} », le schéma dit « {expected} »",
            "en": "the closing applies the rule '{found}', the scheme says '{expected}'",
        },
        "review.rule.quorum": {
            "fr": "quorum non atteint : {voters} votant(s), il en faut {quorum}",
            "en": "no quorum: {voters} member(s) voted, {quorum} are needed",
        },
        "review.rule.close_result": {
            "fr": "la clôture annonce {found}, les votes donnent {expected}",
            "en": "the closing states {found}, the votes give {expected}",
        },
        "review.rule.sidecar_missing": {
            "fr": "le fichier des revues a disparu, or le registre en détient {count} entrée(s)",
            "en": "the reviews file is gone, but the register holds {count} of its entries",
        },
        "review.rule.vote_fields": {
            "fr": "un vote doit porter un avis et une décision",
            "en": "a vote must carry a verdict and a decision",
        },
        "review.rule.confirm_differs": {
            "fr": "un « confirm » doit reprendre la proposition ({proposal}), pas {found}",
            "en": "a confirm must be the proposal ({proposal}), not {found}",
        },
        "review.rule.defer_fields": {
            "fr": "un « defer » mène à « deferred » sans niveau",
            "en": "a defer leads to deferred, without a level",
        },
        "review.rule.override_fields": {
            "fr": "un « override » accorde un niveau ou refuse, sans niveau",
            "en": "an override grants a level, or refuses without one",
        },
        "review.rule.unknown_level": {
            "fr": "niveau inconnu {level!r} (niveaux du schéma : {known})",
            "en": "unknown level {level!r} (the scheme's levels: {known})",
        },
        "review.rule.override_same": {
            "fr": "un « override » doit s'écarter de la proposition : employer « confirm »",
            "en": "an override must differ from the proposal: use confirm",
        },
        "review.rule.rationale": {
            "fr": "un « {verdict} » exige un motif",
            "en": "a {verdict} needs a rationale",
        },
        # writing
        "review.override.only": {
            "fr": "--level et --refuse ne s'emploient qu'avec --vote override",
            "en": "--level and --refuse are only for --vote override",
        },
        "review.override.needs": {
            "fr": "--vote override exige --level NIVEAU ou --refuse",
            "en": "--vote override needs --level LEVEL or --refuse",
        },
        "review.rationale.needed": {
            "fr": "--rationale est obligatoire pour --vote {verdict}",
            "en": "--rationale is required for --vote {verdict}",
        },
        "review.session.already_open": {
            "fr": "une séance est déjà ouverte (entrée {seq}) : la clore d'abord",
            "en": "a session is already open (entry {seq}): close it first",
        },
        "review.session.none_open": {
            "fr": "aucune séance n'est ouverte sur cet enregistrement (--open d'abord)",
            "en": "no session is open on this record (--open first)",
        },
        "review.needs": {
            "fr": "préciser --open, --vote, --close ou --show",
            "en": "give --open, --vote, --close or --show",
        },
        "review.acts.one": {
            "fr": "--open, --vote, --close et --show s'excluent",
            "en": "--open, --vote, --close and --show are exclusive",
        },
        "review.needs_member": {
            "fr": "{act} exige {option}",
            "en": "{act} needs {option}",
        },
        "review.no_register": {
            "fr": "aucun registre : le tableau des membres et leurs clés y sont (--register BASE, LABELAUDIT_REGISTER "
            "ou labelaudit-register.sqlite ici)",
            "en": "no register: the roster and its keys are there (--register DB, LABELAUDIT_REGISTER or "
            "labelaudit-register.sqlite here)",
        },
        "review.future": {
            "fr": "--on {date} est postérieur à aujourd'hui ({today})",
            "en": "--on {date} is after today ({today})",
        },
        "review.show.alone": {
            "fr": "--show ne se combine qu'avec --register",
            "en": "--show goes only with --register",
        },
        # showing
        "review.status.granted": {"fr": "ACCORDÉ — niveau {level}", "en": "GRANTED — level {level}"},
        "review.status.refused": {"fr": "REFUSÉ", "en": "REFUSED"},
        "review.status.deferred": {"fr": "AJOURNÉ", "en": "DEFERRED"},
        "review.show.title": {
            "fr": "Comité de labellisation — {organisation} ({audit})",
            "en": "Label committee — {organisation} ({audit})",
        },
        "review.show.record": {"fr": "Enregistrement : {path} ({digest})", "en": "Record: {path} ({digest})"},
        "review.show.proposal": {"fr": "Proposition : {decision}", "en": "Proposal: {decision}"},
        "review.show.open": {
            "fr": "{seq}. {date} séance ouverte par {member}{supersedes}",
            "en": "{seq}. {date} session opened by {member}{supersedes}",
        },
        "review.show.supersedes": {"fr": " (remplace la séance {session})", "en": " (supersedes session {session})"},
        "review.show.vote": {
            "fr": "{seq}. {date} vote de {member} : {verdict} → {decision}",
            "en": "{seq}. {date} vote by {member}: {verdict} → {decision}",
        },
        "review.show.close": {
            "fr": "{seq}. {date} séance close par {member} : {count} vote(s), {reason} → {decision}",
            "en": "{seq}. {date} session closed by {member}: {count} vote(s), {reason} → {decision}",
        },
        "review.show.legacy": {
            "fr": "{seq}. {date} {member} : {verdict} → {decision} (non signée, ancien format)",
            "en": "{seq}. {date} {member}: {verdict} → {decision} (unsigned, legacy)",
        },
        "review.reason.majority": {"fr": "majorité", "en": "majority"},
        "review.reason.chair_casting": {"fr": "voix prépondérante du président", "en": "the chair's casting vote"},
        "review.reason.no_majority": {"fr": "pas de majorité", "en": "no majority"},
        "review.show.valid": {
            "fr": "Chaîne valide, signatures vérifiées : {path} ({count} entrée(s))",
            "en": "Chain valid, signatures verified: {path} ({count} entries)",
        },
        "review.show.broken": {
            "fr": "CHAÎNE ROMPUE : {path} ({count} problème(s))",
            "en": "CHAIN BROKEN: {path} ({count} problem(s))",
        },
        "review.show.final": {
            "fr": "Décision finale (séance {session} close le {date} par {member}, {count} vote(s)) : {decision}",
            "en": "Final decision (session {session} closed on {date} by {member}, {count} vote(s)): {decision}",
        },
        "review.show.pending": {
            "fr": "Décision finale : en attente (aucune séance close)",
            "en": "Final decision: pending (no closed session)",
        },
        "review.show.pending_session": {
            "fr": "Séance {session} ouverte : {count} vote(s), en attente de clôture",
            "en": "Session {session} open: {count} vote(s), awaiting its closing",
        },
        "review.show.legacy_note": {
            "fr": "{count} entrée(s) non signée(s) (ancien format) : affichées, jamais une décision",
            "en": "{count} unsigned (legacy) entries: shown, never a decision",
        },
        "review.show.final_none": {
            "fr": "Décision finale : aucune, tant que la chaîne est rompue",
            "en": "Final decision: none while the chain is broken",
        },
        "review.recorded": {
            "fr": "Entrée n° {seq} enregistrée ({kind}) : {member}, le {date} ({path})",
            "en": "Entry {seq} recorded ({kind}): {member}, on {date} ({path})",
        },
        "review.recorded.close": {
            "fr": "Séance {session} close : {count} vote(s), {reason} → {decision}",
            "en": "Session {session} closed: {count} vote(s), {reason} → {decision}",
        },
        "review.report.title": {"fr": "Comité de labellisation :", "en": "Label committee:"},
        # help
        "review.help.review": {
            "fr": "séances du comité sur une décision proposée : ouvrir, voter, clore, afficher",
            "en": "the committee's sessions on a proposed decision: open, vote, close, show",
        },
        "review.help.description": {
            "fr": "Le président ouvre une séance (--open), chaque membre vote une fois (--vote), le président la clôt "
            "(--close) ; chaque entrée est signée (Ed25519) et chaînée à côté de l'enregistrement. Seule une "
            "séance close est une décision ; --show vérifie toutes les règles sur toute la chaîne.",
            "en": "The chair opens a session (--open), each member votes once (--vote), the chair closes it "
            "(--close); every entry is signed (Ed25519) and chained next to the record. Only a closed session "
            "is a decision; --show checks every rule on the whole chain.",
        },
        "review.help.record": {"fr": "l'enregistrement de décision JSON", "en": "the JSON decision record"},
        "review.help.open": {"fr": "ouvrir une séance (président)", "en": "open a session (the chair)"},
        "review.help.vote": {
            "fr": "voter : confirmer la proposition, la remplacer (override) ou ajourner (defer)",
            "en": "vote: confirm the proposal, override it, or defer",
        },
        "review.help.close": {"fr": "clore la séance (président)", "en": "close the session (the chair)"},
        "review.help.chair": {"fr": "le président (identifiant au tableau)", "en": "the chair (roster id)"},
        "review.help.member": {"fr": "le membre qui vote (identifiant au tableau)", "en": "the voting member (roster id)"},
        "review.help.key": {
            "fr": "fichier de la clé privée (sinon LABELAUDIT_KEY)",
            "en": "the private key file (default: LABELAUDIT_KEY)",
        },
        "review.help.level": {"fr": "override : le niveau accordé", "en": "override: the level granted"},
        "review.help.refuse": {"fr": "override : refuser le label", "en": "override: refuse the label"},
        "review.help.rationale": {
            "fr": "motif (obligatoire pour override et defer)",
            "en": "rationale (required for override and defer)",
        },
        "review.help.on": {"fr": "date de l'entrée (par défaut : aujourd'hui)", "en": "the entry's date (default: today)"},
        "review.help.register": {
            "fr": "le registre (tableau des membres, têtes de chaîne) ; sinon LABELAUDIT_REGISTER ou celui d'ici",
            "en": "the register (roster, chain heads); default: LABELAUDIT_REGISTER or the one here",
        },
        "review.help.show": {
            "fr": "afficher la chaîne, vérifier toutes ses règles, et la décision finale",
            "en": "print the chain, check all its rules, and the final decision",
        },
    }
)

catalog(
    {
        "committee.score.reviewed": {
            "fr": "le comité a des entrées sur cet enregistrement ({sidecar}) : --force ne le remplace pas (écrire "
            "le nouvel enregistrement dans un autre fichier)",
            "en": "the committee has entries on this record ({sidecar}): --force does not replace it (write the "
            "new record to another file)",
        },
        "committee.key.exists": {
            "fr": "le fichier existe déjà : une clé n'est jamais écrasée",
            "en": "the file already exists: a key is never overwritten",
        },
        "committee.key.not_private": {
            "fr": "pas une clé privée PEM non chiffrée",
            "en": "not an unencrypted PEM private key",
        },
        "committee.key.not_public": {"fr": "pas une clé publique PEM", "en": "not a PEM public key"},
        "committee.key.not_ed25519": {"fr": "pas une clé Ed25519", "en": "not an Ed25519 key"},
        "committee.key.needed": {
            "fr": "--key FICHIER (ou LABELAUDIT_KEY) est obligatoire pour signer",
            "en": "--key FILE (or LABELAUDIT_KEY) is required to sign",
        },
        "committee.key.written": {
            "fr": "Clé privée écrite : {path} (mode 0600) ; clé publique : {public} ; identifiant {key}",
            "en": "Private key written: {path} (mode 0600); public key: {public}; key id {key}",
        },
        "committee.roster.bad_id": {
            "fr": "identifiant {id!r} invalide : lettres minuscules ASCII, chiffres, « . », « _ » et « - » "
            "(au plus 64)",
            "en": "invalid id {id!r}: ASCII lower-case letters, digits, '.', '_' and '-' (at most 64)",
        },
        "committee.roster.no_role": {"fr": "au moins un --role", "en": "at least one --role"},
        "committee.roster.empty_name": {"fr": "le nom est vide", "en": "the name is empty"},
        "committee.roster.key_needed": {
            "fr": "{id} préside ou vote : --public-key FICHIER est obligatoire (--no-key pour un auditeur)",
            "en": "{id} chairs or votes: --public-key FILE is required (--no-key is for an auditor)",
        },
        "committee.roster.exists": {"fr": "{id} est déjà au tableau", "en": "{id} is already on the roster"},
        "committee.roster.lookalike": {
            "fr": "{name!r} ressemble à s'y méprendre à {other!r} ({id}) déjà au tableau (casse, accents, "
            "caractères invisibles ou confusables) : refusé",
            "en": "{name!r} looks like {other!r} ({id}), already on the roster (case, accents, invisible or "
            "confusable characters): refused",
        },
        "committee.roster.key_taken": {
            "fr": "la clé {key} est déjà au tableau",
            "en": "key {key} is already on the roster",
        },
        "committee.roster.unknown": {"fr": "{id} n'est pas au tableau", "en": "{id} is not on the roster"},
        "committee.roster.unknown_key": {
            "fr": "{key} n'est pas une clé de {id}",
            "en": "{key} is not one of {id}'s keys",
        },
        "committee.roster.already_retired": {"fr": "{id} : déjà retiré", "en": "{id}: already retired"},
        "committee.roster.retire_early": {
            "fr": "retrait au {date}, avant l'entrée en vigueur ({since})",
            "en": "retired on {date}, before it came into force ({since})",
        },
        "committee.roster.retire_used": {
            "fr": "{id} a signé l'entrée {seq} du {date} que le registre détient : un retrait ne peut pas la rendre "
            "invalide après coup",
            "en": "{id} signed entry {seq} of {date}, which the register holds: a retirement cannot invalidate it "
            "afterwards",
        },
        "committee.member.added": {
            "fr": "Ajouté au tableau de {path} : {id} ({name}), rôles {roles}, depuis le {since}{key}",
            "en": "Added to the roster of {path}: {id} ({name}), roles {roles}, since {since}{key}",
        },
        "committee.member.key": {"fr": ", clé {key}", "en": ", key {key}"},
        "committee.member.retired": {
            "fr": "{id} retiré au {date} (clés : {keys})",
            "en": "{id} retired on {date} (keys: {keys})",
        },
        "committee.member.none": {"fr": "Le tableau est vide.", "en": "The roster is empty."},
        "committee.member.id": {"fr": "ID", "en": "ID"},
        "committee.member.name": {"fr": "NOM", "en": "NAME"},
        "committee.member.roles": {"fr": "RÔLES", "en": "ROLES"},
        "committee.member.since": {"fr": "DEPUIS", "en": "SINCE"},
        "committee.member.until": {"fr": "RETIRÉ LE", "en": "RETIRED"},
        "committee.member.keys": {"fr": "CLÉS", "en": "KEYS"},
        "committee.help.member": {
            "fr": "le tableau des membres du comité : ajouter, générer une clé, lister, retirer",
            "en": "the committee roster: add, generate a key, list, retire",
        },
        "committee.help.add": {"fr": "ajouter une entrée au tableau", "en": "add a roster entry"},
        "committee.help.keygen": {
            "fr": "générer une paire de clés Ed25519 (privée en 0600, jamais dans le registre)",
            "en": "generate an Ed25519 key pair (private in mode 0600, never in the register)",
        },
        "committee.help.list": {"fr": "lister le tableau", "en": "list the roster"},
        "committee.help.retire": {"fr": "retirer un membre ou une clé", "en": "retire a member or a key"},
        "committee.help.id": {"fr": "identifiant au tableau", "en": "roster id"},
        "committee.help.name": {"fr": "le nom affiché", "en": "the name shown"},
        "committee.help.role": {"fr": "rôle (répétable) : chair, member, auditor", "en": "role (repeatable): chair, member, auditor"},
        "committee.help.public_key": {"fr": "fichier PEM de la clé publique", "en": "the public key PEM file"},
        "committee.help.no_key": {"fr": "pas de clé (un auditeur)", "en": "no key (an auditor)"},
        "committee.help.since": {"fr": "en vigueur à partir de cette date", "en": "in force from this date"},
        "committee.help.output": {"fr": "fichier de la clé privée à créer", "en": "the private key file to create"},
        "committee.help.on": {"fr": "date du retrait (par défaut : aujourd'hui)", "en": "retirement date (default: today)"},
        "committee.help.key": {"fr": "ne retirer que cette clé", "en": "retire only this key"},
    }
)
