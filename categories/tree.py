"""Arithmetic on the category tree, kept apart from the ORM so it can be checked alone."""

from collections.abc import Hashable, Mapping
from decimal import Decimal


def roll_up(
    own_amounts: Mapping[Hashable, Decimal], parent_of: Mapping[Hashable, Hashable | None]
) -> dict[Hashable, Decimal]:
    """Each category's amount plus everything below it.

    `own_amounts` holds what is booked directly on a category; `parent_of` maps every category
    to its parent (None at the top). Categories with nothing booked still get a total (zero).
    The grand total is preserved: the roots' totals add up to the sum of `own_amounts` for
    categories in the tree.
    """
    totals = {category: Decimal(0) for category in parent_of}
    for category, amount in own_amounts.items():
        node, seen = category, set()
        while node is not None and node in totals:
            if node in seen:
                raise ValueError(f"The category tree has a cycle through {node!r}")
            seen.add(node)
            totals[node] += amount
            node = parent_of[node]
    return totals


def ancestor_paths(path: str, *, including_self: bool) -> list[str]:
    """The paths of the categories above the one at `path`, top first, and its own path last
    when `including_self`: "/DM/DM01/" gives ["/DM/"], or ["/DM/", "/DM/DM01/"]."""
    codes = path.strip("/").split("/")
    if not including_self:
        codes = codes[:-1]
    return ["/" + "/".join(codes[: i + 1]) + "/" for i in range(len(codes))]
