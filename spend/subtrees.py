"""Spend over each category's whole subtree, rolled up the category tree from what is booked
on each category, supplier by supplier: the Categories page's figures."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from categories.tree import ancestor_paths
from spend import concentration

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class SubtreeSpend:
    spend: Decimal = ZERO  # this period, net
    previous_spend: Decimal = ZERO  # the period before, net
    supplier_count: int = 0  # suppliers with positive net spend over the subtree this period


NOTHING = SubtreeSpend()


def subtree_spend(booked: Iterable[dict]) -> dict[str, SubtreeSpend]:
    """By category path, the spend booked on the category and everything below it, for every
    category with anything booked at or below it (others: `NOTHING`). `booked` holds one row
    per (category, supplier) with the category's `path`, `spend`, `previous_spend`, and
    `redacted` for a redacted payee: its spend counts, but it is no supplier
    (spend/concentration.py). A supplier counts once in a subtree however many of its
    categories it sells in, and only when its net over the subtree is positive."""
    spend = defaultdict(lambda: ZERO)
    previous = defaultdict(lambda: ZERO)
    net_of_supplier = defaultdict(lambda: defaultdict(lambda: ZERO))
    for row in booked:
        for path in ancestor_paths(row["path"], including_self=True):
            spend[path] += row["spend"]
            previous[path] += row["previous_spend"]
            if not row["redacted"]:
                net_of_supplier[path][row["supplier"]] += row["spend"]
    return {
        path: SubtreeSpend(
            spend=spend[path],
            previous_spend=previous[path],
            supplier_count=concentration.paid_count(net_of_supplier[path].values()),
        )
        for path in spend
    }
