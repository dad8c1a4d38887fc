"""Scorecard arithmetic: plain values in, plain values out.

A template gives each KPI a weight; weights sum to 100. An evaluation rates some of the KPIs on
1 (poor) to 5 (excellent). The score is the weighted mean of the KPIs that were rated: a KPI the
evaluator could not judge is left out and the other weights are scaled up to fill its place
(renormalised), because counting it as zero would punish the supplier for the evaluator's
blind spot.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping

WEIGHT_TOTAL = 100
LOWEST, HIGHEST = 1, 5


def weights_problem(weights: Iterable[int]) -> str:
    """Why a template's weights cannot be used, or "" when they can."""
    weights = list(weights)
    if not weights:
        return "A scorecard needs at least one KPI."
    if any(weight < 0 for weight in weights):
        return "A weight cannot be negative."
    total = sum(weights)
    if total != WEIGHT_TOTAL:
        return f"The weights add up to {total}; they must add up to {WEIGHT_TOTAL}."
    return ""


def weighted_score(weights: Mapping, ratings: Mapping) -> float | None:
    """Weighted mean of the rated KPIs on the 1..5 scale, or None when nothing rated carries
    weight. `weights`: KPI → weight; `ratings`: KPI → 1..5 or None (not rated). A rating of a
    KPI the template does not weigh is ignored.

    >>> weighted_score({"quality": 50, "delivery": 30, "cost": 20}, {"quality": 4, "cost": 2})
    3.4286
    """
    rated_weight = 0
    weighted_sum = 0
    for kpi, weight in weights.items():
        rating = ratings.get(kpi)
        if rating is None or not weight:
            continue
        if not LOWEST <= rating <= HIGHEST:
            raise ValueError(f"A rating runs from {LOWEST} to {HIGHEST}, not {rating}.")
        rated_weight += weight
        weighted_sum += weight * rating
    if not rated_weight:
        return None
    return round(weighted_sum / rated_weight, 4)


def coverage(weights: Mapping, ratings: Mapping) -> float:
    """Share of the template's weight that was rated, 0..1: how much the score stands on."""
    total = sum(weights.values())
    rated = sum(weight for kpi, weight in weights.items() if ratings.get(kpi) is not None)
    return rated / total if total else 0.0


def trend(scores: Iterable[tuple[tuple[int, int], str, float | None]]) -> list[dict]:
    """Mean score per period and evaluator group, oldest period first. `scores`: (period key
    such as (2026, 2), group such as "Procurement" or a unit's name, score or None). Unscored
    evaluations are left out; every evaluation in a period counts once."""
    sums = defaultdict(lambda: [0.0, 0])
    for period, group, score in scores:
        if score is None:
            continue
        cell = sums[(period, group)]
        cell[0] += score
        cell[1] += 1
    return [
        {"period": period, "group": group, "score": round(total / count, 4), "evaluations": count}
        for (period, group), (total, count) in sorted(sums.items())
    ]
