"""The finder's arithmetic on hand-built rows; every expected figure is worked out in the
comment beside it."""

import datetime
from decimal import Decimal

import pytest

from opportunities import finder
from opportunities.benchmarks import DEFAULT_RATES, Rate
from opportunities.finder import ContractTerms, Leaf, SpendRow, ThresholdBand

RATES = {kind: Rate(Decimal("0.05"), Decimal("0.10"), "test") for kind in DEFAULT_RATES}
TODAY = datetime.date(2026, 11, 1)
HW = "/IT/HW/"
SW = "/IT/SW/"


def row(supplier_id, spend, lines=1, path=HW, category_id=2):
    return SpendRow(
        category_id, path, supplier_id, f"Supplier {supplier_id}", Decimal(spend), lines
    )


def test_saving_range_is_the_addressable_spend_times_each_rate_to_the_penny():
    rate = Rate(Decimal("0.05"), Decimal("0.125"), "")
    # 1,234.57 × 5 % = 61.7285 → 61.73; × 12.5 % = 154.32125 → 154.32
    assert finder.saving_range(Decimal("1234.57"), rate) == (Decimal("61.73"), Decimal("154.32"))
    assert finder.saving_range(Decimal("-10"), rate) == (Decimal("0.00"), Decimal("0.00"))


def test_a_leaf_with_five_suppliers_and_two_units_is_fragmented():
    leaf = Leaf(2, "IT.HW", "Hardware", HW, units=2)
    rows = [row(pk, spend) for pk, spend in [(1, 1000), (2, 400), (3, 300), (4, 200), (5, 100)]]
    [finding] = finder.fragmentation("IT", [leaf], rows, RATES)
    # 1,000 + 400 + 300 + 200 + 100 = 2,000 addressable; 5 % and 10 % of it.
    assert finding.addressable == Decimal("2000")
    assert (finding.saving_low, finding.saving_high) == (Decimal("100.00"), Decimal("200.00"))
    assert finding.key == "fragmentation:IT:IT.HW"
    assert finding.lever == "consolidation"
    assert [line.label for line in finding.evidence][0] == "Supplier 1"
    assert finding.evidence[0].note == "50.0% of the leaf"


@pytest.mark.parametrize(
    ("spends", "units"),
    [
        ([1000, 400, 300, 200], 2),  # four suppliers
        ([1000, 400, 300, 200, -50], 2),  # the fifth nets negative: not counted
        ([1000, 400, 300, 200, 100], 1),  # one unit buys it all
    ],
)
def test_fewer_than_five_paid_suppliers_or_one_unit_is_not_fragmented(spends, units):
    leaf = Leaf(2, "IT.HW", "Hardware", HW, units=units)
    rows = [row(pk, spend) for pk, spend in enumerate(spends, start=1)]
    assert finder.fragmentation("IT", [leaf], rows, RATES) == []


def test_the_tail_is_the_suppliers_after_the_first_eighty_percent_with_their_invoices():
    # Total 1,000: 500 then 300 reach 800 (80 %); the supplier that crosses 80 % is in the
    # head, so the tail is 100 + 50 + 30 + 20 = 200 with 4 + 3 + 2 + 1 = 10 invoice lines.
    rows = [
        row(1, 500, 5),
        row(2, 300, 9),
        row(3, 100, 4),
        row(4, 50, 3),
        row(5, 30, 2),
        row(6, 20, 1),
        row(7, -40, 1),  # a net credit holds no place in the ranking
    ]
    [finding] = finder.tail_spend("IT", "IT & telecoms", "/IT/", rows, RATES)
    assert finding.addressable == Decimal("200")
    assert finding.evidence_total == 4
    assert [line.invoices for line in finding.evidence] == [4, 3, 2, 1]
    assert "10 invoice lines" in finding.title


def test_a_tail_of_two_suppliers_is_no_finding():
    rows = [row(1, 800), row(2, 150), row(3, 50)]
    assert finder.tail_spend("IT", "IT", "/IT/", rows, RATES) == []


def contract(pk=1, supplier_id=1, paths=(HW,), start=(2025, 1, 1), end=(2027, 6, 30), **kw):
    end = datetime.date(*end)
    notice_days = kw.pop("notice_days", 90)
    return ContractTerms(
        pk,
        f"Contract {pk}",
        "REF",
        supplier_id,
        f"Supplier {supplier_id}",
        tuple(paths),
        datetime.date(*start),
        end,
        end - datetime.timedelta(days=notice_days),
        kw.pop("auto_renewal", False),
    )


def test_spend_with_suppliers_without_a_contract_in_a_contracted_leaf_is_off_contract():
    rows = [row(1, 1000), row(2, 300), row(3, 200, path=SW, category_id=3)]
    categories = {HW: ("IT.HW", "Hardware")}
    [finding] = finder.off_contract("IT", "/IT/", rows, [contract()], categories, TODAY, RATES)
    # Supplier 2's 300 in Hardware; Software has no contract, so supplier 3 is not counted.
    assert finding.addressable == Decimal("300")
    assert [line.supplier_id for line in finding.evidence] == [2]
    assert finding.key == "off_contract:IT:IT.HW"


def test_an_expired_contract_makes_no_spend_off_contract():
    rows = [row(1, 1000), row(2, 300)]
    ended = contract(end=(2026, 6, 30))
    categories = {HW: ("IT.HW", "Hardware")}
    assert finder.off_contract("IT", "/IT/", rows, [ended], categories, TODAY, RATES) == []


def test_a_contract_above_the_scope_covers_the_whole_scope():
    rows = [row(1, 1000), row(2, 300)]
    categories = {"/IT/": ("IT", "IT"), HW: ("IT.HW", "Hardware")}
    [finding] = finder.off_contract(
        "IT.HW", HW, rows, [contract(paths=("/IT/",))], categories, TODAY, RATES
    )
    assert finding.addressable == Decimal("300")
    assert finding.key == "off_contract:IT.HW:IT.HW"


def band(below, above, spend="1900"):
    return ThresholdBand(
        1, "Finance director", Decimal("5000"), 7, "Acme", below, Decimal(spend), above
    )


@pytest.mark.parametrize(
    ("below", "above", "flagged"),
    [(4, 1, True), (4, 2, True), (4, 3, False), (2, 0, False), (3, 0, True)],
)
def test_invoices_just_under_a_threshold_twice_as_often_as_just_over_it_look_split(
    below, above, flagged
):
    found = finder.just_under_threshold("IT", "/IT/", [band(below, above)], [], RATES)
    assert bool(found) is flagged
    if flagged:
        assert found[0].addressable == Decimal("1900")
        assert found[0].evidence_total == below
        assert found[0].key == "just_under_threshold:IT:7:1"


def test_a_contract_whose_notice_date_is_past_or_near_is_due_with_its_twelve_months_spend():
    # Ends 15 Jan 2027 with 90 days' notice: notice by 17 Oct 2026, already past on 1 Nov.
    due = contract(1, 1, end=(2027, 1, 15))
    # Ends 31 Dec 2027: notice by 2 Oct 2027, far beyond 1 Nov 2026 + 90 days.
    later = contract(2, 2, end=(2027, 12, 31))
    # Renews by itself; notice by 1 Jan 2027, within the 90 days.
    renewing = contract(3, 3, end=(2027, 4, 1), auto_renewal=True)
    ended = contract(4, 1, end=(2026, 10, 1))
    rows = [row(1, 700, 3), row(1, 50, 1, path=SW, category_id=3), row(3, 200)]
    found = finder.contracts_ending("IT", "/IT/", rows, [due, later, renewing, ended], TODAY, RATES)
    assert [f.contract_id for f in found] == [1, 3]
    # Only Hardware, the contract's category, counts: 700, not 750.
    assert found[0].addressable == Decimal("700")
    assert "notice was due by 17 Oct 2026" in found[0].why
    assert found[0].lever == "tender"
    assert found[1].lever == "renegotiation"


def test_a_supplier_growing_much_faster_than_its_leaf_is_drift():
    leaf = Leaf(2, "IT.HW", "Hardware", HW, units=2)
    previous = [row(1, 500), row(2, 500)]
    latest = [row(1, 900), row(2, 300)]
    [finding] = finder.drift("IT", [leaf], latest, previous, RATES)
    # Leaf 1,000 → 1,200 (+20 %); supplier 1 500 → 900 (+80 %): 60 points faster.
    assert finding.supplier_id == 1
    assert finding.addressable == Decimal("900")
    assert "+80%" in finding.title and "+20%" in finding.title


def test_growth_in_step_with_the_leaf_or_from_nothing_is_not_drift():
    leaf = Leaf(2, "IT.HW", "Hardware", HW, units=2)
    previous = [row(1, 500), row(2, 500)]
    latest = [row(1, 700), row(2, 600), row(3, 400)]  # +40 %, +20 %, new: leaf +70 %
    assert finder.drift("IT", [leaf], latest, previous, RATES) == []


def test_findings_are_ranked_by_the_larger_estimated_saving():
    leaf = Leaf(2, "IT.HW", "Hardware", HW, units=2)
    rows = [row(pk, spend) for pk, spend in [(1, 1000), (2, 400), (3, 300), (4, 200), (5, 100)]]
    small = finder.just_under_threshold("IT", "/IT/", [band(5, 0, "90")], [], RATES)
    found = finder.ranked(small + finder.fragmentation("IT", [leaf], rows, RATES))
    assert [f.kind for f in found] == ["fragmentation", "just_under_threshold"]
