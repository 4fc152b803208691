"""The built-in `surveys` plugin: perception surveys read from CSV or XLSX exports.

It provides the `survey` source kind and the standard survey indicators (`mean`, `top2box`,
`share`, `nps`, `gap`). It imports only labelaudit's public API, exactly as a third-party plugin
would, so it doubles as the reference example of one.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction

from labelaudit import (
    AnswerScores,
    Collection,
    CollectRequest,
    Indicator,
    IndicatorContext,
    Measure,
    Sample,
    SourceKind,
    Text,
    hookimpl,
    mean_measure,
    nps_measure,
    share_measure,
)

LABELAUDIT_API = 1  # the labelaudit plugin API this plugin is written for


def compute_mean(sample: Sample, context: IndicatorContext) -> Measure:
    """The mean answer, in the item's own scale points."""
    return mean_measure(sample, context.z)


def compute_top2box(sample: Sample, context: IndicatorContext) -> Measure:
    """The share of answers in the two highest points of the item's scale."""
    if context.scale is None or len(context.scale.points) < 2:
        raise ValueError("top2box needs the item's scale, with at least two points")
    return share_measure(sample, context.scale.values[-2:], context.z)


def compute_share(sample: Sample, context: IndicatorContext) -> Measure:
    """The share of answers among the binding's `points` (yes/no items, say)."""
    return share_measure(sample, context.binding.points, context.z)


def compute_nps(sample: Sample, context: IndicatorContext) -> Measure:
    """Net promoter score of a 0–10 item, from −100 to 100."""
    return nps_measure(sample, context.z)


def compute_gap(sample: Sample, context: IndicatorContext) -> Measure:
    """The mean of perception − expectation: the sample already holds each respondent's difference."""
    return mean_measure(sample, context.z)


def scale_range(context: IndicatorContext) -> tuple[Fraction, Fraction] | None:
    """A mean lies within its item's scale."""
    return (context.scale.lowest, context.scale.highest) if context.scale is not None else None


def gap_range(context: IndicatorContext) -> tuple[Fraction, Fraction] | None:
    """A perception − expectation gap lies within ± the width of the item's scale."""
    if context.scale is None:
        return None
    width = context.scale.highest - context.scale.lowest
    return (-width, width)


SHARE = (Fraction(0), Fraction(1))


def answer_itself(answer: Fraction, context: IndicatorContext) -> Fraction:
    """A mean's (and a gap's) per-answer score: the answer (the paired difference)."""
    return answer


def in_top_two(answer: Fraction, context: IndicatorContext) -> Fraction:
    assert context.scale is not None  # compute_top2box refuses an item without its scale first
    return Fraction(1) if answer in context.scale.values[-2:] else Fraction(0)


def counted(answer: Fraction, context: IndicatorContext) -> Fraction:
    return Fraction(1) if answer in context.binding.points else Fraction(0)


def promoter_score(answer: Fraction, context: IndicatorContext) -> Fraction:
    """+100 for a promoter (9–10), −100 for a detractor (0–6), 0 for a passive."""
    return Fraction(100) if answer >= 9 else Fraction(-100) if answer <= 6 else Fraction(0)


# How each answer scores, so that pooled intervals follow the survey design: a site's
# variance divides by n_h − 1 for means and gaps, by n_h for shares and NPS (as their
# one-site formulas do).
MEAN_SCORES = AnswerScores(answer_itself, "normal", ddof=1)
TOP2_SCORES = AnswerScores(in_top_two, "wilson", ddof=0)
SHARE_SCORES = AnswerScores(counted, "wilson", ddof=0)
NPS_SCORES = AnswerScores(promoter_score, "normal", ddof=0, clamp=True)

# Each is the mean of a per-answer score (the answer, 1 or 0, +100/0/−100, the paired
# difference): per-site values pool by their n-weighted mean (mean_of_scores).
INDICATORS = (
    Indicator(
        "mean", Text(fr="Moyenne", en="Mean", others={"de": "Mittelwert"}), compute_mean, range=scale_range, mean_of_scores=True,
        scores=MEAN_SCORES,
    ),
    Indicator(
        "top2box",
        Text(fr="Part des deux meilleures réponses", en="Top-two-box share", others={"de": "Anteil der zwei besten Antworten (Top-2-Box)"}),
        compute_top2box,
        range=SHARE,
        mean_of_scores=True,
        scores=TOP2_SCORES,
    ),
    Indicator(
        "share", Text(fr="Part des réponses retenues", en="Share of counted answers", others={"de": "Anteil der gezählten Antworten"}), compute_share,
        range=SHARE, mean_of_scores=True, scores=SHARE_SCORES,
    ),
    Indicator(
        "nps", Text(fr="Net Promoter Score (NPS)", en="Net Promoter Score (NPS)", others={"de": "Net Promoter Score (NPS)"}), compute_nps,
        range=(Fraction(-100), Fraction(100)), mean_of_scores=True, scores=NPS_SCORES,
    ),
    Indicator(
        "gap",
        Text(fr="Écart perception − attente", en="Perception − expectation gap", others={"de": "Abstand Wahrnehmung − Erwartung"}),
        compute_gap,
        needs_pair=True,
        range=gap_range,
        mean_of_scores=True,
        scores=MEAN_SCORES,
    ),
)


def collect(request: CollectRequest) -> Collection:
    """Read a survey source's exports (see `_collect`); imported late to keep start-up light."""
    from labelaudit_surveys._collect import collect as collect_surveys

    return collect_surveys(request)


SURVEY = SourceKind(
    name="survey",
    title=Text(fr="Enquête de perception (CSV ou XLSX)", en="Perception survey (CSV or XLSX)", others={"de": "Wahrnehmungsbefragung (CSV oder XLSX)"}),
    collect=collect,
)


@hookimpl
def labelaudit_register_indicators(register: Callable[[Indicator], None]) -> None:
    for indicator in INDICATORS:
        register(indicator)


@hookimpl
def labelaudit_register_sources(register: Callable[[SourceKind], None]) -> None:
    register(SURVEY)
