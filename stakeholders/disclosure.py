"""Which figures of an anonymous survey round may be shown, on plain values: the cell counts of
a table in, the cells (and whether the table's total) to withhold out. Pages, htmx sections,
CSV/Excel exports and charts all ask this one module, so none of them can show what another
withholds.

The rule is the one statistical offices apply to frequency tables (Eurostat, "Handbook on
Statistical Disclosure Control", ch. 4: threshold rule and secondary suppression):

- primary suppression: a cell over fewer than MIN_RESPONDENTS answers is withheld, since it
  points at one or two units;
- complementary suppression: once any cell of a table is withheld, the table's total is
  withheld too. Otherwise the total minus the shown cells gives the withheld cells' sum, and a
  sum that is unanimous (every remaining answer a detractor, say) gives each of them away however
  many cells it spreads over; suppressing a second cell alone does not stop that.
"""

from collections.abc import Hashable, Mapping
from dataclasses import dataclass

MIN_RESPONDENTS = 3  # no figure over fewer answers, in anonymous rounds
MIN_UNITS = 3  # of units one may not read one by one, only aggregates over at least this many


@dataclass(frozen=True)
class Disclosure:
    """What a reader may see of one table: every cell but `withheld`, and the total when
    `total_shown`."""

    withheld: frozenset
    total_shown: bool

    def shows(self, cell: Hashable) -> bool:
        return cell not in self.withheld


def everything_shown() -> Disclosure:
    """For a round that is not anonymous, or a reader who reads every answer."""
    return Disclosure(frozenset(), True)


def suppress(cells: Mapping[Hashable, int], minimum: int = MIN_RESPONDENTS) -> Disclosure:
    """The cells to withhold of a table whose cells hold `cells[key]` respondents and whose total
    is their sum: every cell under `minimum` (a cell with no respondents says nothing and is
    kept), and the total whenever a cell is withheld or the total itself is under `minimum`."""
    withheld = frozenset(key for key, count in cells.items() if 0 < count < minimum)
    total = sum(cells.values())
    return Disclosure(withheld, not withheld and (total == 0 or total >= minimum))


def may_show_aggregate(units: int, minimum: int = MIN_UNITS) -> bool:
    """Whether a figure combining `units` units' answers or priorities may be shown to someone
    who may not read those units one by one."""
    return units >= minimum
