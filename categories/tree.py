"""Arithmetic on the category tree, kept apart from the ORM so it can be checked alone."""

import re
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


CODE_LENGTH = 40  # Category.code's max_length


def code_for_new_category(name: str, parent_code: str, taken) -> str:
    """A code for a category made from a name (a value of an imported file's own
    classification): the parent's code, a dot, then the name's words in capitals joined by
    dashes, whole words only while they fit ("Food & Beverages" under "CATERING" →
    "CATERING.FOOD-BEVERAGES"); a clash with a code in `taken` is numbered "-2", "-3"."""
    prefix = f"{parent_code}." if parent_code else ""
    if len(prefix) > CODE_LENGTH - 6:
        prefix = ""  # a parent code this long leaves no room: the numbering keeps it unique
    words = re.sub(r"[^A-Z0-9]+", " ", name.upper().replace("'", "")).split() or ["CATEGORY"]

    def fitted(room: int) -> str:
        kept = []
        for word in words:
            if len("-".join([*kept, word])) > room:
                break
            kept.append(word)
        return "-".join(kept) or words[0][:room]

    code = prefix + fitted(CODE_LENGTH - len(prefix))
    suffix = 2
    while code in taken:
        tail = f"-{suffix}"
        code = prefix + fitted(CODE_LENGTH - len(prefix) - len(tail)) + tail
        suffix += 1
    return code


def split_levels(value: str, separator: str = ".") -> list[str]:
    """A classification value written as levels ("CATERING.FOOD & BEVERAGES") as its parts,
    each trimmed; a value without the separator (or with an empty part) is one level."""
    parts = [part.strip() for part in value.split(separator)]
    return parts if len(parts) > 1 and all(parts) else [value.strip()]
