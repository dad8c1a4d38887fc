"""The sentences that say what each chart shows, checked against hand-worked figures."""

from decimal import Decimal

from workbench import chart_summaries
from workbench.money import compact


def gbp(amount):
    return compact(amount, "GBP")


def test_largest_names_the_top_three_with_their_share_of_the_positive_total():
    # 1,200,000 + 800,000 + 400,000 + 100,000 = 2,500,000: shares 48%, 32%, 16% (4% left).
    items = [
        ("Travel", Decimal("800000")),
        ("IT hardware", Decimal("1200000")),
        ("Stationery", Decimal("100000")),
        ("Fleet", Decimal("400000")),
    ]
    assert chart_summaries.largest(items, formatter=gbp) == (
        "Largest: IT hardware GBP 1.2m (48%), Travel GBP 800k (32%), Fleet GBP 400k (16%); 1 more."
    )


def test_a_net_credit_counts_as_nothing_in_the_shares():
    # The credit of -500 is left out of the total (DESIGN.md): 300 / (300 + 100) = 75%.
    items = [("A", Decimal("300")), ("B", Decimal("-500")), ("C", Decimal("100"))]
    assert chart_summaries.largest(items, formatter=gbp, count=1) == (
        "Largest: A GBP 300 (75%); 1 more."
    )


def test_largest_with_nothing_positive_says_so():
    assert chart_summaries.largest([("A", Decimal("-1"))], formatter=gbp) == (
        "Nothing to show: no positive values."
    )


def test_change_gives_the_rise_from_first_to_last_value_and_the_peak():
    # 100k to 112k is a rise of 12%; March is the highest month.
    points = [
        ("Jan 2026", 100_000),
        ("Feb 2026", None),
        ("Mar 2026", 130_000),
        ("Jun 2026", 112_000),
    ]
    assert chart_summaries.change(points, formatter=gbp) == (
        "Spend rose 12% from Jan 2026 (GBP 100k) to Jun 2026 (GBP 112k); "
        "highest in Mar 2026 (GBP 130k)."
    )


def test_change_from_zero_has_no_percentage_and_a_fall_is_a_fall():
    assert chart_summaries.change([("Q1", 0), ("Q2", 50)], formatter=str) == (
        "Spend rose from Q1 (0) to Q2 (50)."
    )
    assert chart_summaries.change([("Q1", 200), ("Q2", 150)], formatter=str) == (
        "Spend fell 25% from Q1 (200) to Q2 (150)."
    )


def test_change_of_a_score_is_a_difference_not_a_percentage():
    points = [("Spring", -10), ("Autumn", 15)]
    assert (
        chart_summaries.change(points, formatter=lambda v: f"{v:+.0f}", what="NPS", relative=False)
        == "NPS rose by +25 from Spring (-10) to Autumn (+15)."
    )


def test_change_with_one_or_no_value():
    assert chart_summaries.change([("Jan", None)], formatter=str) == "Spend: no values yet."
    assert chart_summaries.change([("Jan", None), ("Feb", 5)], formatter=str) == (
        "Spend: 5 in Feb, the only period with a value."
    )


def test_extremes_name_the_highest_and_lowest_level():
    items = [("Strategy", 2.5), ("Supplier management", 3.2), ("Spend analysis", 1.8), ("X", None)]
    assert chart_summaries.extremes(items, formatter=lambda v: f"{v:.1f}") == (
        "Highest Supplier management 3.2; lowest Spend analysis 1.8."
    )
    assert (
        chart_summaries.extremes([("A", 2), ("B", 2)], formatter=str, what="Organisation")
        == "Organisation: A, B all at 2."
    )


def test_movers_name_the_line_that_rose_most_and_the_one_that_rose_least():
    series = {"Quality": [3.0, None, 3.5], "Cost": [4.0, 3.8], "Speed": [2.0, 2.9], "New": [1.0]}
    assert chart_summaries.movers(series, formatter=lambda v: f"{v:.1f}") == (
        "Most improved: Speed +0.9; least: Cost −0.2."
    )


def test_counts_name_every_group_even_an_empty_one():
    assert (
        chart_summaries.counts(
            [("strategic", 0), ("leverage", 2), ("bottleneck", 1)], noun="category"
        )
        == "3 categories: 0 strategic, 2 leverage, 1 bottleneck."
    )
