"""The label committee: its roster and keys, its signed sessions on a record, the label register.

- `names`: names folded against confusables and invisible characters (TR39 skeleton);
- `signing`: Ed25519 keys and signatures; `roster`: members, roles and keys in the register;
- `chain`: the sidecar's canonical, hash-chained lines; `sessions`: open, vote, close, tally;
- `verifier`: every rule, checked on the whole chain at every read and before every write;
- `writer`: appending an entry; `register`, `schema`, `views`: the SQLite label register;
- `lifecycle`: a label's signed, hash-chained events and their rules; `labels`: acting on a
  label and its cycle's timeline;
- `display`, `commands`, `register_commands`, `label_commands`: what people read and type (their texts are in
  the gettext catalogs, `labelaudit/locale`).
"""

