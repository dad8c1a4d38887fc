"""Savings arithmetic on plain values: spreading an initiative's money over fiscal years, the
risk-adjusted pipeline and the savings scale the ranking uses.

Fiscal years follow the calendar year: `year` 2024 is 2024-01-01..2024-12-31.
"""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")

# The three kinds of money a plan promises, kept apart everywhere, and the three measures the
# savings tracker sets side by side.
KINDS = ("hard_savings", "cost_avoidance", "revenue")
KIND_LABELS = {
    "hard_savings": "Hard savings",
    "cost_avoidance": "Cost avoidance",
    "revenue": "Revenue",
}
PARTS = (("target", "Target"), ("pipeline", "Risk-adjusted pipeline"), ("realised", "Realised"))

# How likely an initiative at each stage is to deliver what it promises. The CPO can change
# them (StageProbability rows); these are the starting point, the usual gate-based haircut.
DEFAULT_STAGE_PROBABILITIES = {
    "idea": 0.10,
    "validated": 0.30,
    "approved": 0.60,
    "contracted": 0.90,
    "realised": 1.00,
    "cancelled": 0.00,
}


def prorate(amount, start: datetime.date, end: datetime.date, year: int) -> Decimal:
    """The part of `amount` that falls in fiscal `year`, to cents. Both dates count.

    A period of up to a year (365 days, or 366 when it spans a 29 February) spreads exactly its
    amount: each day is amount ÷ days of the period (issue 13). Each part is then the rounded
    running total at the year's end less the rounded running total at the end of the year
    before, so the parts add up to the amount: the cents lost rounding one year are found in
    the next.

    A longer period treats `amount` as the figure for a year: each day is amount ÷ the days of
    its own fiscal year, so a whole year, leap or not, gets exactly the amount.

    200,000 over 2024-04-01..2025-03-31 (365 days) gives 200,000 / 365 × 275 = 150,684.93 in
    2024 and 200,000 − 150,684.93 = 49,315.07 in 2025; 100,000 over 2028 (366 days) gives
    100,000.00 in 2028."""
    if end < start:
        raise ValueError("The period ends before it starts.")
    days = (end - start).days + 1
    year_start, year_end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    if days > _one_year_from(start):
        inside = max((min(end, year_end) - max(start, year_start)).days + 1, 0)
        share = Decimal(amount) * inside / ((year_end - year_start).days + 1)
        return share.quantize(CENT, rounding=ROUND_HALF_UP)

    def spread_through(day: datetime.date) -> Decimal:
        counted = min(max((day - start).days + 1, 0), days)
        return (Decimal(amount) * counted / days).quantize(CENT, rounding=ROUND_HALF_UP)

    return spread_through(year_end) - spread_through(year_start - datetime.timedelta(days=1))


def _one_year_from(start: datetime.date) -> int:
    """Days from `start` to the same date a year later: 366 when a 29 February lies between."""
    try:
        next_year = start.replace(year=start.year + 1)
    except ValueError:  # 29 February: a year later is 1 March
        next_year = datetime.date(start.year + 1, 3, 1)
    return (next_year - start).days


def stage_probabilities(overrides: dict | None = None) -> dict:
    """The default probabilities with the configured ones laid over them."""
    return {**DEFAULT_STAGE_PROBABILITIES, **(overrides or {})}


def risk_adjusted(amount, stage: str, probabilities: dict) -> Decimal:
    """Expected value × the stage's probability, to cents."""
    value = Decimal(amount) * Decimal(str(probabilities[stage]))
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def pipeline(items, probabilities: dict) -> Decimal:
    """Risk-adjusted pipeline = Σ expected value × the stage's probability, over
    (amount, stage) pairs."""
    return sum((risk_adjusted(amount, stage, probabilities) for amount, stage in items), CENT * 0)


def normalised(values: list) -> list[float]:
    """Each value as a share of the largest, 0..1, so the biggest earner scores 1 and the scale
    does not depend on the currency or the category's size. Negative values count as 0; with
    nothing positive every value scores 0."""
    largest = max((float(value) for value in values), default=0.0)
    if largest <= 0:
        return [0.0 for _ in values]
    return [max(float(value), 0.0) / largest for value in values]


@dataclass(frozen=True)
class YearFigures:
    """One fiscal year of a plan or portfolio, each kind of money apart."""

    year: int
    target: Decimal
    pipeline: Decimal
    realised: Decimal
