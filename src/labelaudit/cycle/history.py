"""What the earlier decision records of a cycle say about each site, for the risk-based sample.

From each record given (`--previous`), in the order of their decision dates:
- the sites visited on site: the record's `audit.sampling.visited` where the record holds the
  audit's `[sampling]` table, else the sites that have evidence from an on-site (grid) source
  in the record's tree;
- from the latest record that visited the site, its open major and minor findings (a site
  not visited since keeps them open: nobody checked their correction);
- from the latest record with a result for the site, its weakest result from a source other
  than the on-site grid (a perception survey), as the exact attainment of the record's
  per-site result.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any, Literal

from attrs import frozen

from labelaudit.documents.explain import from_record
from labelaudit.errors import InputError
from labelaudit.i18n import tr
from labelaudit.tomlfiles import where

Record = dict[str, Any]


@frozen
class Weakest:
    """A site's weakest result away from the visit: which source, how much, in which record."""

    source: str
    value: Fraction
    audit: str


@frozen
class SiteHistory:
    """One site's facts over the earlier records."""

    site: str
    visits: int = 0
    last_visit: str | None = None  # the audit id of the latest record that visited it
    last_visit_order: int | None = None  # that record's place in date order (0 the earliest)
    open_major: int = 0
    open_minor: int = 0
    findings_in: str | None = None  # the record the findings were counted in
    weakest: Weakest | None = None

    @classmethod
    def unknown(cls) -> SiteHistory:
        """A site no earlier record mentions."""
        return cls(site="")


@frozen
class EarlierRecord:
    """One record of the cycle, as the plan cites it."""

    audit: str
    decided_on: str
    path: str
    visited: tuple[str, ...]
    visited_from: Literal["sampling", "onsite"]
    kind: str = "initial"  # the record's audit kind: an initial audit or a renewal starts a cycle


@frozen
class History:
    records: tuple[EarlierRecord, ...]  # in date order
    sites: Mapping[str, SiteHistory]
    gone: tuple[str, ...] = ()  # sites of earlier records that the audit no longer has


def _visited(record: Record, onsite_sources: frozenset[str]) -> tuple[tuple[str, ...], Literal["sampling", "onsite"]]:
    sampling = record["audit"].get("sampling")
    if isinstance(sampling, dict) and isinstance(sampling.get("visited"), list):
        return tuple(str(s) for s in sampling["visited"]), "sampling"
    seen: dict[str, None] = {}
    for dimension in record["tree"]["dimensions"]:
        for requirement in dimension["requirements"]:
            for criterion in requirement["criteria"]:
                for binding in criterion["bindings"]:
                    if binding["source"] in onsite_sources:
                        seen.update((e["site"], None) for e in binding["evidence"])
    order = [s["id"] for s in record["audit"]["sites"]]
    return tuple(s for s in order if s in seen), "onsite"


def _weakest(site: Mapping[str, Any], onsite_sources: frozenset[str], audit: str) -> Weakest | None:
    results = [
        (Fraction(share["exact"]), source)
        for source, share in sorted(site.get("sources", {}).items())
        if source not in onsite_sources and share.get("exact") is not None
    ]
    if not results:
        return None
    value, source = min(results)
    return Weakest(source, value, audit)


def _open_findings(record: Record, site: str) -> tuple[int, int]:
    findings = [f for f in record["findings"] if f["site"] == site and not f["closed"]]
    return sum(f["kind"] == "major" for f in findings), sum(f["kind"] == "minor" for f in findings)


def _checked(path: Path, record: Record, scheme: str) -> Record:
    found = record["scheme"]["id"]
    if found != scheme:
        raise InputError.at(path, where(None, "scheme.id"), tr("cycle.record_scheme", found=found, scheme=scheme))
    return record


def history_of(
    records: Iterable[tuple[Path, Record]], *, sites: Sequence[str], scheme: str, onsite_sources: Iterable[str]
) -> History:
    """The history of the audit's sites over the given records (see the module's docstring)."""
    onsite = frozenset(onsite_sources)
    loaded = [(path, _checked(path, record, scheme)) for path, record in records]
    dated = sorted(enumerate(loaded), key=lambda e: from_record(e[1][0], lambda: (e[1][1]["decided_on"], e[0])))
    earlier: list[EarlierRecord] = []
    facts: dict[str, dict[str, Any]] = {s: {"site": s} for s in sites}
    mentioned: dict[str, None] = {}
    for order, (_, (path, record)) in enumerate(dated):
        earlier.append(from_record(path, lambda: _read(path, record, order, onsite, facts, mentioned)))
    gone = tuple(s for s in mentioned if s not in facts)
    return History(tuple(earlier), {s: SiteHistory(**f) for s, f in facts.items()}, gone)


def _read(
    path: Path,
    record: Record,
    order: int,
    onsite: frozenset[str],
    facts: dict[str, dict[str, Any]],
    mentioned: dict[str, None],
) -> EarlierRecord:
    """One record's facts, over those of the earlier ones (later records win)."""
    audit = str(record["audit"]["id"])
    visited, visited_from = _visited(record, onsite)
    for site in visited:
        if site in facts:
            fact = facts[site]
            fact.update(visits=fact.get("visits", 0) + 1, last_visit=audit, last_visit_order=order)
    results = {s["id"]: s for s in record["sites"]}
    for listed in record["audit"]["sites"]:
        site = listed["id"]
        mentioned[site] = None
        if site not in facts:
            continue
        if site in visited:  # findings come from visits: an unvisited site's stay open
            major, minor = _open_findings(record, site)
            facts[site].update(open_major=major, open_minor=minor, findings_in=audit)
        weakest = _weakest(results[site], onsite, audit) if site in results else None
        if weakest is not None:
            facts[site]["weakest"] = weakest
    return EarlierRecord(audit, str(record["decided_on"]), str(path), visited, visited_from, str(record["audit"]["kind"]))


CYCLE_STARTS = ("initial", "renewal")


def audits_in_cycle(validity_years: int, surveillance_months: int) -> int:
    """The audits of one cycle: its initial audit or renewal, then a surveillance every
    `surveillance_months`, strictly within the validity (as the register's calendar counts them)."""
    return 1 + (12 * validity_years - 1) // surveillance_months


def current_cycle(history: History | None, stage: str) -> tuple[EarlierRecord, ...] | None:
    """The earlier records of the cycle this audit belongs to, from the one that started it;
    () for an audit that starts a cycle; None when a surveillance's cycle start is not among them."""
    if stage in CYCLE_STARTS:
        return ()
    records = history.records if history is not None else ()
    starts = [i for i, r in enumerate(records) if r.kind in CYCLE_STARTS]
    return records[starts[-1]:] if starts else None
