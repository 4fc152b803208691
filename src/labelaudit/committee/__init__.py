"""The label committee: its roster and keys, its signed sessions on a record, the label register.

- `names`: names folded against confusables and invisible characters (TR39 skeleton);
- `signing`: Ed25519 keys and signatures; `roster`: members, roles and keys in the register;
- `chain`: the sidecar's canonical, hash-chained lines; `sessions`: open, vote, close, tally;
- `verifier`: every rule, checked on the whole chain at every read and before every write;
- `writer`: appending an entry; `register`, `schema`, `views`: the SQLite label register;
- `lifecycle`: a label's signed, hash-chained events and their rules; `labels`: acting on a
  label and its cycle's timeline;
- `cases`: complaints and appeals, their signed, hash-chained entries and every rule (an appeal
  heard by members who took no part in the decision); `casework`: reading them from the
  register; `appeals`: recording them, and their place on a label's timeline;
- `display`, `commands`, `register_commands`, `label_commands`, `appeal_commands`: what people read and type (their texts are in
  the gettext catalogs, `labelaudit/locale`).
"""

