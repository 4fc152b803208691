"""The committee's desk: a web application on the label register (`labelaudit serve`).

Committee members sign in, read the dossiers (the same report as `labelaudit report`, every
number linked to its `explain` step, a what-if panel recomputed on the server) and vote; the
chair opens and closes sessions. Every act goes into the same signed reviews chain that
`labelaudit review` writes (`committee.writer`), signed with the member's own Ed25519 key,
which the desk keeps encrypted under their password and unlocks only for their signed-in
session (`keys`). Desk-only data (accounts, encrypted keys, web sessions, sign-in failures,
audit folders, the agenda) lives in `desk_*` tables of the register's file (`store`), created
by the desk itself; the register's schema version is not touched.

Modules: `keys` (password hashing, key encryption), `store` (the desk tables), `forms` (field
validation), `dossiers` (what a page shows), `voting` (the three acts, bounded waits),
`auth` (sign-in, sessions, CSRF, roles), `app` (the routes), `commands` (the CLI).
"""
