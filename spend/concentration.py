"""Shares of spend and how concentrated spend is on its suppliers, from plain lists of amounts.

Spend is net: invoices less credit notes, so a supplier, unit or category may net to zero or
below in a period. The one definition every page, chart and export follows (the README's
"How the figures count negative and zero spend" says the same in words):

- **Spend** figures (tiles, Spend columns, monthly lines, treemaps) are net, sign and all.
- **A share of spend** is a row's net spend over the sum of its peers' positive net spend
  (`positive_total`): the rows of one table, or the suppliers of one slice. A row whose net
  spend is zero or negative holds no share (`share` gives None, shown as "–"). So the shares
  of any table lie in [0, 1] and, when anything was spent, add up to 1, whatever the signs.
- **Counting suppliers** ("Suppliers", "n of m suppliers make 80 %") counts those with positive
  net spend: a supplier only refunding us is not one we buy from.
- **Concentration** (HHI, the largest supplier's share, the Pareto count and curve) is over
  the same suppliers and the same base, so a tile and the table beside it agree.
- **Weights** (a unit's part in combined value-driver weights, maturity's coverage) count a
  unit whose net spend is negative as having spent nothing.

Each function takes the spend per row (any order, one amount per supplier, unit or category).
"""

from collections.abc import Iterable
from decimal import Decimal

# US Department of Justice and FTC, Horizontal Merger Guidelines (2010), section 5.3: below
# 1,500 unconcentrated, 1,500 to 2,500 moderately concentrated, above 2,500 highly concentrated.
MODERATELY_CONCENTRATED = 1_500
HIGHLY_CONCENTRATED = 2_500
PARETO_SHARE = 0.8


def _positive(amounts: Iterable) -> list[float]:
    return sorted((float(a) for a in amounts if a is not None and a > 0), reverse=True)


def positive_total(amounts: Iterable):
    """The base every share is taken of: the sum of the positive amounts."""
    return sum((amount for amount in amounts if amount is not None and amount > 0), Decimal(0))


def share(amount, base) -> float | None:
    """`amount`'s fraction of `base` (a `positive_total`); None when the amount is zero or
    negative or nothing positive was spent, for there is then no share to show."""
    if amount is None or amount <= 0 or not base or base <= 0:
        return None
    return float(amount) / float(base)


def with_shares(rows: list, key: str = "spend") -> list:
    """Each row (a dict, or an object with the attribute) gets `share`, its share of the
    positive total of `key` over all the rows; returns the rows."""

    def amount(row):
        return row[key] if isinstance(row, dict) else getattr(row, key)

    base = positive_total(amount(row) for row in rows)
    for row in rows:
        if isinstance(row, dict):
            row["share"] = share(amount(row), base)
        else:
            row.share = share(amount(row), base)
    return rows


def paid_count(amounts: Iterable) -> int:
    """How many rows have positive net spend: the suppliers we actually buy from."""
    return sum(1 for amount in amounts if amount is not None and amount > 0)


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
