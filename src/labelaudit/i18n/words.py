"""The names people read for the project's own ids: audit kinds, verdicts, committee entries,
roles, sources, policies, statuses.

A record, a register and a chain keep ids (`renewal`, `override`, `customer`, `pooled`): they are
locale-free and compared by programs. Every output a person reads shows the name for that id in
the reader's language instead, from the catalogs (`words.*`). An id the catalogs do not know (a
third party's source, a status a newer version adds) is shown as it is, never dropped.
"""

from __future__ import annotations

from labelaudit.i18n import MESSAGES, tr
from labelaudit.model import Lang


def _named(key: str, fallback: str, lang: Lang | None) -> str:
    return tr(key, lang=lang) if key in MESSAGES else fallback


def kind(audit_kind: str, lang: Lang | None = None) -> str:
    """`renouvellement` / `renewal`: an audit's kind (initial, surveillance, renewal)."""
    return _named(f"words.kind.{audit_kind}", audit_kind, lang)


def kind_audit(audit_kind: str, lang: Lang | None = None) -> str:
    """`audit de renouvellement` / `renewal audit`: an audit named by its kind."""
    return _named(f"words.kind_audit.{audit_kind}", audit_kind, lang)


def verdict(name: str | None, lang: Lang | None = None) -> str:
    """A committee member's verdict (confirm, override, defer) as a noun of the reader's language."""
    return _named(f"words.verdict.{name}", name or "—", lang)


def entry(name: str, lang: Lang | None = None) -> str:
    """A committee entry's kind (open, vote, close, legacy)."""
    return _named(f"words.entry.{name}", name, lang)


def role(name: str, lang: Lang | None = None) -> str:
    """A roster role (chair, member, auditor)."""
    return _named(f"words.role.{name}", name, lang)


def roles(names: str, lang: Lang | None = None) -> str:
    """`chair,member` as `président, membre`."""
    return ", ".join(role(n.strip(), lang) for n in names.split(",") if n.strip())


def status(name: str | None, lang: Lang | None = None) -> str:
    """A decision's status as the register writes it (granted, refused, deferred, pending, undecided)."""
    return _named(f"register.status.{name or 'pending'}", name or "—", lang)


def source(source_id: str, lang: Lang | None = None) -> str:
    """A bundled source's title (`Perception client`); another scheme's source id as it is."""
    return _named(f"report.source.{source_id}", source_id, lang)


def policy(name: str, value: str, lang: Lang | None = None) -> str:
    """A scheme policy's value (`sites = pooled`, `missing = renormalize`) in words."""
    return _named(f"words.policy.{name}.{value}", value, lang)


def finding(kind_id: str, lang: Lang | None = None) -> str:
    """A finding's kind (strength, improvement, sensitive, minor, major)."""
    return _named(f"compare.kind_{kind_id}", kind_id, lang)


def plugin_origin(origin: str, lang: Lang | None = None) -> str:
    """Where a plugin came from, as a record or `plugins` writes it (`entry point
    (labelaudit-queue)`, `command line`, `given in code`), in the reader's language."""
    for word in ("entry point", "command line", "given in code"):
        if origin == word or origin.startswith(word + " "):
            return tr(f"words.plugin.{word.replace(' ', '_')}", lang=lang) + origin[len(word):]
    return origin
