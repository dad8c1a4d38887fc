"""Kraljic positioning: where a category sits on profit impact and supply risk, and what that
means for how it is bought. Plain values in, plain values out.

Kraljic, "Purchasing must become supply management", Harvard Business Review, Sept.-Oct. 1983.
Both scores run 1..5; "high" is the midpoint 3 or above.
"""

from dataclasses import dataclass

from spend.concentration import HIGHLY_CONCENTRATED, MODERATELY_CONCENTRATED

LOWEST, HIGHEST = 1, 5
HIGH = 3

STRATEGIC = "strategic"
LEVERAGE = "leverage"
BOTTLENECK = "bottleneck"
NON_CRITICAL = "non_critical"


@dataclass(frozen=True)
class Quadrant:
    key: str
    name: str
    approach: str
    description: str


# The textbook approach per quadrant (Kraljic 1983; Gelderman & van Weele 2003).
QUADRANTS = {
    STRATEGIC: Quadrant(
        STRATEGIC,
        "Strategic",
        "Partner",
        "High impact, high risk: build a long-term partnership with few suppliers, plan "
        "jointly, develop and innovate together, and keep a contingency plan.",
    ),
    LEVERAGE: Quadrant(
        LEVERAGE,
        "Leverage",
        "Compete the market",
        "High impact, low risk: use buying power: tender competitively, consolidate volume, "
        "negotiate price and terms, and switch when it pays.",
    ),
    BOTTLENECK: Quadrant(
        BOTTLENECK,
        "Bottleneck",
        "Secure supply",
        "Low impact, high risk: secure continuity: safety stock, longer contracts, qualify "
        "alternative suppliers, and standardise the specification to widen the market.",
    ),
    NON_CRITICAL: Quadrant(
        NON_CRITICAL,
        "Non-critical",
        "Simplify and automate",
        "Low impact, low risk: cut the cost of buying: catalogues, purchasing cards, "
        "framework agreements and fewer, automated transactions.",
    ),
}


def _check_score(name: str, value: int):
    if not LOWEST <= value <= HIGHEST:
        raise ValueError(f"{name} must be between {LOWEST} and {HIGHEST}, not {value}.")


def quadrant(impact: int, risk: int) -> str:
    """ "strategic", "leverage", "bottleneck" or "non_critical"; high means 3 or above."""
    _check_score("Profit impact", impact)
    _check_score("Supply risk", risk)
    if impact >= HIGH:
        return STRATEGIC if risk >= HIGH else LEVERAGE
    return BOTTLENECK if risk >= HIGH else NON_CRITICAL


# A category's spend share against an even split among its peers (1 / number of peers): the
# multiples at which the suggested impact steps up from 1 to 2, 3, 4 and 5. Taking more than
# an even share of spend is what makes a category's price move profit, so that is "high" (3).
IMPACT_STEPS = (0.5, 1.0, 2.0, 4.0)


def suggested_impact(spend_share: float, peers: int) -> int:
    """Profit impact 1..5 from the category's share of spend among `peers` categories."""
    if peers < 1:
        raise ValueError("There must be at least one category to compare with.")
    against_even = max(spend_share, 0.0) * peers
    return LOWEST + sum(against_even >= step for step in IMPACT_STEPS)


# Fewest suppliers at each score from 5 down: a sole source is as risky as it gets.
SUPPLIER_COUNT_RISK = ((1, 5), (2, 4), (4, 3), (9, 2))


def concentration_risk(hhi: float | None) -> int:
    """1..5 from the HHI: the merger guidelines' moderate band (1,500 to 2,500) is the middle
    score 3, highly concentrated (above 2,500) is 4, and 5 from 5,000 (a supplier holding
    about 70% of spend or more); below 1,500 splits at 1,000."""
    if hhi is None or hhi < 1_000:
        return 1
    if hhi < MODERATELY_CONCENTRATED:
        return 2
    if hhi <= HIGHLY_CONCENTRATED:
        return 3
    if hhi < 5_000:
        return 4
    return 5


def suggested_risk(hhi: float | None, supplier_count: int) -> int:
    """Supply risk 1..5: the higher of what concentration (HHI) and the number of suppliers
    say, since either one alone makes supply hard to secure. A category without spend scores
    the lowest: the data says nothing about it."""
    by_count = LOWEST
    for most, score in SUPPLIER_COUNT_RISK:
        if 0 < supplier_count <= most:
            by_count = score
            break
    return max(concentration_risk(hhi), by_count)
