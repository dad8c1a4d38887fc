"""How concentrated a category's spend is on its suppliers, from plain lists of amounts.

Each function takes the spend per supplier (any order, one amount per supplier) and returns a
plain number. A supplier whose net spend is zero or negative (credit notes outweighing
invoices) holds no share of the market, so it is left out of every share.
"""

from collections.abc import Iterable

# US Department of Justice and FTC, Horizontal Merger Guidelines (2010), section 5.3: below
# 1,500 unconcentrated, 1,500 to 2,500 moderately concentrated, above 2,500 highly concentrated.
MODERATELY_CONCENTRATED = 1_500
HIGHLY_CONCENTRATED = 2_500
PARETO_SHARE = 0.8


def _positive(amounts: Iterable) -> list[float]:
    return sorted((float(a) for a in amounts if a is not None and a > 0), reverse=True)


def shares(amounts: Iterable) -> list[float]:
    """Each supplier's fraction of the total, largest first; empty when nothing was spent."""
    positive = _positive(amounts)
    total = sum(positive)
    return [amount / total for amount in positive] if total else []


def hhi(amounts: Iterable) -> float | None:
    """Herfindahl-Hirschman index: the sum of squared percentage shares, 10,000 for a single
    supplier, 10,000 / n for n equal suppliers. None when there is no positive spend."""
    fractions = shares(amounts)
    if not fractions:
        return None
    return sum((fraction * 100) ** 2 for fraction in fractions)


def concentration_level(index: float | None) -> str:
    """The merger guidelines' words for an HHI."""
    if index is None:
        return ""
    if index > HIGHLY_CONCENTRATED:
        return "highly concentrated"
    if index >= MODERATELY_CONCENTRATED:
        return "moderately concentrated"
    return "unconcentrated"


def top_share(amounts: Iterable) -> float | None:
    """The largest supplier's fraction of spend."""
    fractions = shares(amounts)
    return fractions[0] if fractions else None


def cumulative_shares(amounts: Iterable) -> list[float]:
    """The Pareto curve: the share of spend carried by the largest 1, 2, ... n suppliers."""
    running, curve = 0.0, []
    for fraction in shares(amounts):
        running += fraction
        curve.append(running)
    if curve:
        curve[-1] = 1.0  # floating sums drift; the whole supply base carries all of it
    return curve


def pareto_count(amounts: Iterable, share: float = PARETO_SHARE) -> int:
    """How many suppliers, largest first, it takes to reach `share` of spend (80% by default).
    Zero when there is no positive spend."""
    # A hair of tolerance so that exactly 80% counts as reaching 80% despite float sums.
    for count, reached in enumerate(cumulative_shares(amounts), start=1):
        if reached >= share - 1e-9:
            return count
    return 0
