"""Anonymity that survives arithmetic: which groups of respondents a decision record may show.

A group smaller than the scheme's anonymity threshold (its `primary` suppression) is never
shown. Hiding its own line is not enough: the pooled figure of a binding and the other sites'
figures would give it back by subtraction (the pooled n minus the others' n, the pooled mean
times n minus the others' sums, the same for every answer's count). So, as statistical offices
do, a second group is hidden with it (`secondary` suppression): the smallest other groups, until
at least two are hidden and together they count at least the threshold. Then the pooled figure
minus what is shown gives only the hidden groups together, a group the threshold allows. When
even every group together is under the threshold, the pooled figure itself is not written.

Where a hidden group is part of its site's own tree, the numbers of that tree made of it are
hidden too (the site's overall result, and the requirement, dimension and source that hold the
binding), and so is the value in a site gate's line about that site. Sites hidden are still
counted in every pooled value and in the decision: suppression changes what is written, never
what is decided.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from attrs import frozen

from labelaudit.engine import BindingResult, SiteValue, Tree
from labelaudit.model import Scheme



@frozen
class Hidden:
    """What one binding's record must not show."""

    primary: frozenset[str] = frozenset()  # sites whose group is under the threshold
    secondary: frozenset[str] = frozenset()  # sites hidden so that the primary cannot be recovered
    pooled: bool = False  # the binding's own measure (every group together is under the threshold)

    @property
    def sites(self) -> frozenset[str]:
        return self.primary | self.secondary


NOTHING = Hidden()


def hidden_groups(sites: Sequence[SiteValue], threshold: int) -> Hidden:
    """The groups of one binding to hide: primary, then secondary, then the pooled figure."""
    groups = sorted(((s.n, s.site) for s in sites if s.n is not None), key=lambda g: g)
    primary = {site for n, site in groups if n < threshold}
    total = sum(n for n, _ in groups)
    if not primary:
        return NOTHING if total >= threshold or not groups else Hidden(pooled=True)
    hidden = set(primary)
    count = sum(n for n, site in groups if site in hidden)
    for n, site in groups:  # smallest first: the least information hidden
        if len(hidden) >= 2 and count >= threshold:
            break
        if site not in hidden:
            hidden.add(site)
            count += n
    pooled = len(hidden) < 2 or count < threshold  # every group is hidden and still too few
    return Hidden(frozenset(primary), frozenset(hidden - primary), pooled or total < threshold)


@frozen
class SiteParts:
    """The numbers of one site's own tree that a hidden group is part of."""

    requirements: frozenset[str] = frozenset()
    dimensions: frozenset[str] = frozenset()
    sources: frozenset[str] = frozenset()


@frozen
class Suppression:
    """Everything a record hides, binding by binding and site by site."""

    threshold: int
    bindings: dict[tuple[str, str], Hidden]
    parts: dict[str, SiteParts]  # per site: what of its own tree is hidden (its overall too, when any)

    @property
    def sites(self) -> frozenset[str]:
        """Sites whose own overall result (attainment, points) is hidden."""
        return frozenset(self.parts)

    def of(self, b: BindingResult) -> Hidden:
        return self.bindings.get((b.criterion, b.binding.id), NOTHING)


def suppression(tree: Tree, scheme: Scheme, more: Iterable[Tree] = ()) -> Suppression:
    """What the record of `tree` (and of the runs `more`, whose measures are the same) hides.

    A site's own tree holds a binding's group only where that group reaches the source's
    `min_sample` at the site alone: then the site's overall result, and its requirement,
    dimension and source that hold the binding, are made of the group's values and are hidden
    with it. A group under the threshold is always under `min_sample` (rulesets checks it), so
    only a group hidden as the second one can be in its site's tree.
    """
    threshold = scheme.policies.anonymity
    bindings: dict[tuple[str, str], Hidden] = {}
    parts: dict[str, list[set[str]]] = {}
    placed = {c.id: (r.id, r.dimension) for r in scheme.requirements for c in r.criteria}
    for t in (tree, *more):
        for criterion in t.criteria():
            for b in criterion.bindings:
                key = (b.criterion, b.binding.id)
                if key in bindings or not b.sites:
                    continue
                found = hidden_groups(b.sites, threshold)
                if found == NOTHING:
                    continue
                bindings[key] = found
                minimum = scheme.sources[b.binding.source].min_sample
                for group in b.sites:
                    if group.site in found.sites and group.n is not None and group.n >= minimum:
                        requirement, dimension = placed[b.criterion]
                        into = parts.setdefault(group.site, [set(), set(), set()])
                        into[0].add(requirement)
                        into[1].add(dimension)
                        into[2].add(b.binding.source)
    return Suppression(
        threshold,
        bindings,
        {site: SiteParts(frozenset(r), frozenset(d), frozenset(s)) for site, (r, d, s) in sorted(parts.items())},
    )
