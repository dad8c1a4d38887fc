"""The suppression rule on plain counts: the threshold rule (primary suppression) and the
withheld total (complementary suppression), as statistical offices apply them to frequency
tables."""

from stakeholders.disclosure import (
    MIN_RESPONDENTS,
    everything_shown,
    may_show_aggregate,
    suppress,
)


def test_a_table_with_every_cell_over_the_threshold_is_shown_whole():
    shown = suppress({"IT": 3, "Facilities": 5})
    assert shown.withheld == frozenset()
    assert shown.total_shown


def test_a_cell_under_three_respondents_is_withheld():
    shown = suppress({"IT": 3, "Software": 1, "Facilities": 2})
    assert shown.withheld == {"Software", "Facilities"}
    assert shown.shows("IT") and not shown.shows("Software")


def test_one_withheld_cell_withholds_the_total_so_it_cannot_be_subtracted():
    # The example: overall 3/0/1 with a shown row 3/0/0 gives the withheld detractor.
    shown = suppress({"IT": 3, "Software": 1})
    assert shown.withheld == {"Software"}
    assert not shown.total_shown


def test_two_withheld_cells_still_withhold_the_total():
    # Their sum, four answers all detractors say, would give each of them away.
    shown = suppress({"IT": 5, "Software": 2, "Hardware": 2})
    assert not shown.total_shown


def test_a_table_nobody_answered_has_nothing_to_hide():
    assert suppress({}).total_shown
    assert suppress({"IT": 0}).total_shown


def test_a_single_cell_table_is_its_total():
    assert suppress({"IT": MIN_RESPONDENTS}) == everything_shown()
    small = suppress({"IT": 2})
    assert small.withheld == {"IT"} and not small.total_shown


def test_cells_without_respondents_say_nothing_and_stay():
    shown = suppress({"IT": 4, "Facilities": 0})
    assert shown.withheld == frozenset() and shown.total_shown


def test_the_threshold_can_be_raised():
    shown = suppress({"IT": 4, "Facilities": 5}, minimum=5)
    assert shown.withheld == {"IT"} and not shown.total_shown


def test_everything_shown_withholds_nothing():
    assert everything_shown().shows("anything") and everything_shown().total_shown


def test_aggregates_need_three_units():
    assert not may_show_aggregate(2)
    assert may_show_aggregate(3)
