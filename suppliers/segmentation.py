"""Which segment a supplier's numbers point to. Plain values in, plain values out.

Two things decide it. Spend: is the supplier in the core of the portfolio, the few suppliers
that together hold the first 80% of spend (Pareto), or in the long tail? And the Kraljic
quadrants of the categories it supplies, weighted by its spend in each: a core supplier in
strategic categories is a partner to build with; in leverage or bottleneck categories one to
prefer (for price, or for security of supply); in non-critical ones, approved. In the tail,
strategic categories still call for a preferred supplier, leverage and bottleneck for approved
ones, and non-critical spend is bought transactionally. A supplier with no spend in the last
twelve months is suggested for exit. The category manager decides; this is the starting point.
"""

from collections.abc import Mapping
from decimal import Decimal

from spend import concentration
from suppliers.models import APPROVED, EXIT, PREFERRED, STRATEGIC_PARTNER, TRANSACTIONAL

CORE_SHARE = 0.8
STRATEGIC, LEVERAGE, BOTTLENECK, NON_CRITICAL = (
    "strategic",
    "leverage",
    "bottleneck",
    "non_critical",
)

CORE = {
    STRATEGIC: STRATEGIC_PARTNER,
    LEVERAGE: PREFERRED,
    BOTTLENECK: PREFERRED,
    NON_CRITICAL: APPROVED,
}
TAIL = {
    STRATEGIC: PREFERRED,
    LEVERAGE: APPROVED,
    BOTTLENECK: APPROVED,
    NON_CRITICAL: TRANSACTIONAL,
}
QUADRANT_NAMES = {
    STRATEGIC: "strategic",
    LEVERAGE: "leverage",
    BOTTLENECK: "bottleneck",
    NON_CRITICAL: "non-critical",
}


def shares_ranked_above(spend_by_supplier: Mapping) -> dict:
    """Supplier → share of total spend (0..1) held by the suppliers ranked above it, largest
    spend first (ties by key). The first supplier gets 0; a supplier is in the core when this
    is below 80%."""
    positive = {key: spend for key, spend in spend_by_supplier.items() if spend > 0}
    total = sum(positive.values(), Decimal(0))
    shares, running = {}, Decimal(0)
    for key, spend in sorted(positive.items(), key=lambda item: (-item[1], item[0])):
        shares[key] = float(running / total)
        running += spend
    return shares


def main_quadrant(spend_by_quadrant: Mapping) -> str | None:
    """The quadrant holding most of the supplier's spend; None when no spend is positioned.
    Ties go to the more demanding quadrant (strategic, bottleneck, leverage, non-critical)."""
    order = [STRATEGIC, BOTTLENECK, LEVERAGE, NON_CRITICAL]
    positioned = {key: spend for key, spend in spend_by_quadrant.items() if spend > 0}
    if not positioned:
        return None
    return max(order, key=lambda key: (positioned.get(key, 0), -order.index(key)))


def suggest_segment(
    spend: Decimal, share_ranked_above: float | None, spend_by_quadrant: Mapping
) -> tuple[str, str]:
    """The suggested segment and the reason in words. `share_ranked_above`: from
    `shares_ranked_above` (None when the supplier had no spend)."""
    if spend <= 0 or share_ranked_above is None:
        return EXIT, "No spend in the last twelve months."
    core = share_ranked_above < CORE_SHARE
    place = "among the suppliers holding the first 80% of spend" if core else "in the long tail"
    quadrant = main_quadrant(spend_by_quadrant)
    if quadrant is None:
        # Spend only on unclassified lines: the spend alone speaks.
        return (APPROVED if core else TRANSACTIONAL), f"{place.capitalize()}; no category yet."
    segment = (CORE if core else TAIL)[quadrant]
    return segment, f"{place.capitalize()}; most spend in {QUADRANT_NAMES[quadrant]} categories."


def segment_shares(segments, counts: Mapping, spend: Mapping, minutes: Mapping) -> list[dict]:
    """One row per segment (key, name) with supplier count, spend, hours, and spend and time as
    shares of their totals: where the time goes against where the money goes."""
    # Shares of spend as spend.concentration defines them: a segment netting to a credit
    # holds none, so the shares stay in [0, 1] and add up to 1.
    total_spend = concentration.positive_total(spend.values())
    total_minutes = sum(value for value in minutes.values() if value)
    rows = []
    for key, name in segments:
        segment_spend = spend.get(key) or Decimal(0)
        segment_minutes = minutes.get(key) or 0
        rows.append(
            {
                "segment": key,
                "name": name,
                "suppliers": counts.get(key, 0),
                "spend": segment_spend,
                "hours": segment_minutes / 60,
                "spend_share": concentration.share(segment_spend, total_spend) or 0.0,
                "time_share": segment_minutes / total_minutes if total_minutes else 0.0,
            }
        )
    return rows
