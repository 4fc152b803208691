"""Anonymity that survives arithmetic: which groups of respondents a decision record may show.

A group smaller than the scheme's anonymity threshold (its `primary` suppression) is never
shown. Hiding its own line is not enough: the pooled figure of a binding and the other sites'
figures would give it back by subtraction (the pooled n minus the others' n, the pooled mean
times n minus the others' sums, the same for every answer's count). So, as statistical offices
do, a second group is hidden with it (`secondary` suppression): the smallest other groups, until
at least two are hidden and together they count at least the threshold. Then the pooled figure
minus what is shown gives only the hidden groups together, a group the threshold allows. When
even every group together is under the threshold, the pooled figure itself is not written.

The per-site tree of a site with a hidden group is hidden too (its attainments are made of the
group's values), and so is the value in a site gate's line about it. Sites hidden are still
counted in every pooled value and in the decision: suppression changes what is written, never
what is decided.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from attrs import frozen

from labelaudit.engine import BindingResult, SiteValue, Tree
from labelaudit.i18n import catalog

catalog(
    {
        # Reasons (Reason.text reads `reason.<code>`), as the record writes them once masked.
        "reason.subject_below_hidden": {
            "fr": "{subject} sous le minimum de {minimum} % (résultat du site non affiché : un groupe "
            "de moins de {fewer_than} répondants en dépend)",
            "en": "{subject} below the minimum of {minimum}% (the site's result is not shown: a group "
            "of fewer than {fewer_than} respondents is part of it)",
        },
        "reason.undersized_hidden": {
            "fr": "échantillon trop petit pour {criterion} / {binding} : moins de {fewer_than} réponses "
            "en tout (minimum {min}), non affichées",
            "en": "sample too small for {criterion} / {binding}: fewer than {fewer_than} answers in all "
            "(minimum {min}), not shown",
        },
    }
)


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
class Suppression:
    """Everything a record hides, binding by binding and site by site."""

    threshold: int
    bindings: dict[tuple[str, str], Hidden]
    sites: frozenset[str]  # sites with a hidden group in any binding: their own tree is hidden

    def of(self, b: BindingResult) -> Hidden:
        return self.bindings.get((b.criterion, b.binding.id), NOTHING)


def suppression(tree: Tree, threshold: int, more: Iterable[Tree] = ()) -> Suppression:
    """What the record of `tree` (and of the runs `more`, whose measures are the same) hides."""
    bindings: dict[tuple[str, str], Hidden] = {}
    for t in (tree, *more):
        for criterion in t.criteria():
            for b in criterion.bindings:
                key = (b.criterion, b.binding.id)
                if key not in bindings and b.sites:
                    found = hidden_groups(b.sites, threshold)
                    if found != NOTHING:
                        bindings[key] = found
    sites = frozenset(site for hidden in bindings.values() for site in hidden.sites)
    return Suppression(threshold, bindings, sites)
