"""A category's driver weights from its units' weights, and where the units disagree.

Plain values in and out: weights as {driver: float} per unit, spend as numbers per unit.
"""

from dataclasses import dataclass

POINTS_TOTAL = 100
# Units disagree strongly on a driver when their weights for it are this far apart (in weight,
# i.e. 0.20 = twenty points out of a hundred).
DISAGREEMENT_SPREAD = 0.20


class PointsError(ValueError):
    pass


def weights_from_points(points: dict) -> dict:
    """100 points over the drivers as weights summing to 1; refuses any other total."""
    if any(value is None or value < 0 for value in points.values()):
        raise PointsError("Every driver needs zero or more points.")
    total = sum(points.values())
    if total != POINTS_TOTAL:
        raise PointsError(f"The points add up to {total}; they must add up to {POINTS_TOTAL}.")
    return {driver: value / POINTS_TOTAL for driver, value in points.items()}


def combined_weights(unit_weights: dict, unit_spend: dict) -> dict:
    """Each unit's weights weighted by its share of the spend among the units that gave weights.

    A unit with weights but no spend counts for nothing; when no unit with weights has spend, every
    unit counts equally (the category may be new, the priorities still speak). Net spend at or
    below zero (more credit notes than invoices) counts as no spend, as maturity counts it: a
    negative share would turn a unit's priorities upside down and push another's past 100 %."""
    if not unit_weights:
        return {}
    spend = {unit: max(float(unit_spend.get(unit, 0) or 0), 0.0) for unit in unit_weights}
    total = sum(spend.values())
    shares = (
        {unit: value / total for unit, value in spend.items()}
        if total > 0
        else {unit: 1 / len(unit_weights) for unit in unit_weights}
    )
    drivers = {driver for weights in unit_weights.values() for driver in weights}
    return {
        driver: sum(
            shares[unit] * weights.get(driver, 0.0) for unit, weights in unit_weights.items()
        )
        for driver in drivers
    }


@dataclass(frozen=True)
class DriverSpread:
    driver: object
    lowest: float
    highest: float

    @property
    def spread(self) -> float:
        return self.highest - self.lowest


def disagreements(unit_weights: dict, threshold: float = DISAGREEMENT_SPREAD) -> list:
    """Drivers whose highest and lowest unit weights differ by at least `threshold`, widest
    first. One unit alone cannot disagree."""
    if len(unit_weights) < 2:
        return []
    drivers = {driver for weights in unit_weights.values() for driver in weights}
    spreads = []
    for driver in drivers:
        values = [weights.get(driver, 0.0) for weights in unit_weights.values()]
        spread = DriverSpread(driver, min(values), max(values))
        if spread.spread >= threshold - 1e-12:
            spreads.append(spread)
    return sorted(spreads, key=lambda s: s.spread, reverse=True)
