"""A second auditor's levels on a decision record: how a double-rated audit is written down.

A decision record holds one level per visited site and criterion: the grid that was scored.
When a second auditor rates the same visit independently (a witnessed audit, a calibration
exercise), their levels go into a file next to the record, `RECORD.ratings.toml`
(`mtr.json` → `mtr.json.ratings.toml`), which the decision never reads:

    record = "sha256:7d0a…"        # the digest of the record rated (as `register show` prints it)
    auditor = "Marc Lefèvre"       # the second rater (each site may name its own)

    [[sites]]
    site = "lyon"
    levels = { "vision.1" = 3, "vision.2" = 2 }

Every line is checked against the record and the scheme: the digest is the record's, each site
is a site the record visited on site (once), each criterion has an on-site level in the record at
that site, each level is a point of the grid's scale, and the second rater is not the auditor
whose levels the record holds there (`calibration.Visit.raters`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from fractions import Fraction
from pathlib import Path

from attrs import field, frozen

from labelaudit.convert import structure
from labelaudit.errors import InputError, Problem
from labelaudit.i18n import tr
from labelaudit.tomlfiles import load_toml, where

RATINGS_SUFFIX = ".ratings.toml"


def ratings_path(record_path: Path) -> Path:
    return record_path.with_name(record_path.name + RATINGS_SUFFIX)


@frozen
class RatedSite:
    site: str
    levels: dict[str, Fraction]
    auditor: str = ""


@frozen
class RatingsFile:
    record: str
    sites: list[RatedSite] = field(factory=list)
    auditor: str = ""


@frozen
class Pair:
    """One criterion at one visited site rated by two auditors: the record's level and the second's."""

    audit: str
    site: str
    criterion: str
    first: tuple[str, ...]  # the auditor(s) whose level the record holds there
    second: str
    first_level: Fraction
    second_level: Fraction


@frozen
class OnsiteLevel:
    """What the record says of one criterion at one site: the level and who gave it."""

    level: Fraction
    raters: tuple[str, ...]


def read_ratings(
    record_path: Path,
    record_digest: str,
    audit: str,
    levels: Mapping[tuple[str, str], OnsiteLevel],
    scale: Sequence[Fraction],
    same_person: Callable[[str, str], bool],
) -> list[Pair]:
    """The pairs of a record's ratings file ([] when there is none), every line checked.

    `levels`: (site, criterion) → the record's on-site level there; `scale`: the grid's points;
    `same_person(a, b)`: whether two names are one person (folded as the roster folds them).
    """
    path = ratings_path(record_path)
    if not path.exists():
        return []
    data, text, _ = load_toml(path)
    ratings = structure(data, RatingsFile, file=path, text=text)
    problems: list[Problem] = []
    if ratings.record != record_digest:
        problems.append(Problem(str(path), where(text, "record"), tr("calibration.ratings.other_record",
                                                                      found=ratings.record, digest=record_digest)))
    pairs: list[Pair] = []
    seen: set[str] = set()
    visited = {site for site, _ in levels}
    for i, rated in enumerate(ratings.sites):
        at = f"sites[{i}]"
        if rated.site in seen or rated.site not in visited:
            key = "calibration.ratings.site_twice" if rated.site in seen else "calibration.ratings.site_not_visited"
            problems.append(Problem(str(path), where(text, f"{at}.site"), tr(key, site=rated.site,
                                                                             visited=", ".join(sorted(visited)))))
            continue
        seen.add(rated.site)
        second = (rated.auditor or ratings.auditor).strip()
        if not second:
            problems.append(Problem(str(path), where(text, f"{at}.auditor"), tr("calibration.ratings.no_auditor")))
            continue
        for criterion, level in rated.levels.items():
            place = where(text, f"{at}.levels.{criterion}")
            known = levels.get((rated.site, criterion))
            if known is None:
                problems.append(Problem(str(path), place, tr("calibration.ratings.no_level", criterion=criterion,
                                                             site=rated.site)))
            elif level not in scale:
                points = ", ".join(str(p) for p in scale)
                problems.append(Problem(str(path), place, tr("calibration.ratings.off_scale", level=level, points=points)))
            elif any(same_person(second, first) for first in known.raters):
                problems.append(Problem(str(path), place, tr("calibration.ratings.own_levels", auditor=second)))
            else:
                pairs.append(Pair(audit, rated.site, criterion, known.raters, second, known.level, level))
    if problems:
        raise InputError(problems)
    return pairs
