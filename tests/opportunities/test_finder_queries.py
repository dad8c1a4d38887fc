"""The finder and the duplicate finder through the database, on hand-built lines whose answers
are known by construction."""

import datetime
from decimal import Decimal

import pytest

from opportunities import queries
from opportunities.models import ApprovalThreshold, BenchmarkRate
from suppliers.models import Contract
from tests.factories import make_company
from tests.opportunities.builders import LATEST, YEAR_BEFORE, line, store, supplier

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 2)


def kinds(found):
    return sorted({finding.kind for finding in found})


def by_kind(found, kind):
    return [finding for finding in found if finding.kind == kind]


@pytest.fixture
def company():
    return make_company()


def test_five_hardware_suppliers_bought_by_two_units_are_one_fragmentation_finding(company):
    mfg, fin = company.manufacturing, company.finance
    store(
        [
            line(company.hardware, supplier(f"Hardware {n}"), mfg if n % 2 else fin, 1000 * n)
            for n in range(1, 6)
        ]
    )
    found, _ = queries.findings(company.cpo, [company.it], TODAY, with_contracts=True)
    [finding] = by_kind(found, "fragmentation")
    # 1,000 + 2,000 + 3,000 + 4,000 + 5,000 = 15,000; default rates 5–10 %.
    assert finding.addressable == Decimal("15000.00")
    assert (finding.saving_low, finding.saving_high) == (Decimal("750.00"), Decimal("1500.00"))
    assert finding.key == "fragmentation:IT:IT.HW"


def test_an_administrators_rate_replaces_the_default(company):
    BenchmarkRate.objects.update_or_create(
        opportunity="fragmentation",
        defaults={"low": Decimal("0.02"), "high": Decimal("0.03"), "source": "Our 2025 tenders"},
    )
    store(
        [
            line(company.hardware, supplier(f"Hardware {n}"), unit, 1000)
            for n in range(5)
            for unit in (company.manufacturing, company.finance)
        ]
    )
    found, _ = queries.findings(company.cpo, [company.it], TODAY, with_contracts=True)
    [finding] = by_kind(found, "fragmentation")
    assert (finding.saving_low, finding.saving_high) == (Decimal("200.00"), Decimal("300.00"))
    assert finding.rate.source == "Our 2025 tenders"


def test_a_unit_lead_finds_only_in_their_own_units_spend(company):
    # Five suppliers, but Manufacturing buys from three and Finance from two: neither alone
    # sees a fragmented leaf, nor any figure of the other's.
    lines = [
        line(company.hardware, supplier(f"H{n}"), company.manufacturing, 100) for n in range(3)
    ]
    lines += [line(company.hardware, supplier(f"H{n}"), company.finance, 900) for n in range(3, 5)]
    store(lines)
    found, _ = queries.findings(company.unit_lead, [company.it], TODAY, with_contracts=False)
    assert by_kind(found, "fragmentation") == []
    assert all(Decimal("900") not in {e.spend for e in f.evidence} for f in found)


def test_repeated_invoices_just_under_a_threshold_are_found_with_their_lines(company):
    ApprovalThreshold.objects.create(name="Finance director", amount=Decimal("5000"))
    acme = supplier("Acme Print")
    day = datetime.date(2026, 6, 1)
    amounts = ["4990.00", "4800.00", "4650.00", "4520.00", "5100.00"]
    store(
        [
            line(company.software, acme, company.manufacturing, amount, day, f"AC-{n}")
            for n, amount in enumerate(amounts)
        ]
        # 4,400 is below the 10 % band (4,500 to 4,999.99): not counted.
        + [line(company.software, acme, company.manufacturing, "4400.00", day, "AC-9")]
    )
    found, _ = queries.findings(company.manager, [company.it], TODAY, with_contracts=True)
    [finding] = by_kind(found, "just_under_threshold")
    # Four under (4,990 + 4,800 + 4,650 + 4,520 = 18,960), one over: 4 ≥ 2 × 1.
    assert finding.addressable == Decimal("18960.00")
    assert [e.spend for e in finding.evidence] == [Decimal(a) for a in amounts[:4]]
    assert finding.supplier_id == acme.pk


def test_contracts_give_off_contract_and_ending_findings_only_to_procurement(company):
    holder, other = supplier("Dell Technologies Ltd"), supplier("Laptops Direct")
    store(
        [
            line(company.hardware, holder, company.manufacturing, "8000.00"),
            line(company.hardware, other, company.manufacturing, "1500.00"),
            line(company.hardware, holder, company.manufacturing, "9999.00", YEAR_BEFORE),
        ]
    )
    contract = Contract.objects.create(
        supplier=holder,
        title="Laptop supply",
        start=datetime.date(2024, 1, 1),
        end=datetime.date(2027, 1, 31),
        value=Decimal("50000"),
        notice_days=90,  # notice by 2 Nov 2026: today
    )
    contract.categories.set([company.hardware])
    found, _ = queries.findings(company.manager, [company.it], TODAY, with_contracts=True)
    [off] = by_kind(found, "off_contract")
    assert off.addressable == Decimal("1500.00")
    [ending] = by_kind(found, "contract_ending")
    # The last twelve months only: the year-before invoice is not counted.
    assert ending.addressable == Decimal("8000.00")
    assert ending.contract_id == contract.pk
    found, _ = queries.findings(company.unit_lead, [company.it], TODAY, with_contracts=False)
    assert not by_kind(found, "off_contract") and not by_kind(found, "contract_ending")


def test_a_supplier_tripling_in_a_flat_leaf_is_drift(company):
    growing, steady = supplier("Growing Ltd"), supplier("Steady Ltd")
    mfg = company.manufacturing
    store(
        [
            line(company.hardware, growing, mfg, "1000.00", YEAR_BEFORE),
            line(company.hardware, steady, mfg, "9000.00", YEAR_BEFORE),
            line(company.hardware, growing, mfg, "3000.00"),
            line(company.hardware, steady, mfg, "7000.00"),
        ]
    )
    found, _ = queries.findings(company.cpo, [company.it], TODAY, with_contracts=True)
    [finding] = by_kind(found, "drift")
    # Growing +200 % against the leaf's 10,000 → 10,000 (0 %).
    assert finding.supplier_id == growing.pk
    assert finding.addressable == Decimal("3000.00")


def test_finding_by_key_recomputes_the_same_finding_and_its_units(company):
    store(
        [
            line(company.hardware, supplier(f"Hardware {n}"), unit, 1000)
            for n in range(5)
            for unit in (company.manufacturing, company.finance)
        ]
    )
    finding = queries.finding_by_key(company.manager, "fragmentation:IT:IT.HW", TODAY)
    assert finding.addressable == Decimal("10000.00")
    assert sorted(queries.finding_units(company.manager, finding)) == sorted(
        [company.manufacturing.pk, company.finance.pk]
    )
    assert queries.finding_by_key(company.manager, "fragmentation:IT:NOPE", TODAY) is None
    assert queries.finding_by_key(company.manager, "nonsense", TODAY) is None


def test_same_amount_within_five_days_and_the_same_reference_are_possible_duplicates(company):
    acme, other = supplier("Acme"), supplier("Other")
    hw, mfg = company.hardware, company.manufacturing
    made = store(
        [
            line(hw, acme, mfg, "500.00", LATEST, "A-1"),
            line(hw, acme, mfg, "500.00", LATEST + datetime.timedelta(days=5), "A-2"),  # pair
            line(hw, acme, mfg, "500.00", LATEST + datetime.timedelta(days=20), "A-3"),  # too late
            line(hw, other, mfg, "500.00", LATEST, "O-1"),  # another supplier
            line(hw, acme, mfg, "710.00", LATEST - datetime.timedelta(days=40), "A-7"),
            line(hw, acme, mfg, "700.00", LATEST, "A-7"),  # same reference: pair
            line(hw, acme, mfg, "-500.00", LATEST, "CR-1"),  # credit notes are not payments
            line(hw, acme, mfg, "-500.00", LATEST, "CR-2"),
        ]
    )
    pairs = queries.duplicate_pairs(queries.duplicate_lines())
    assert [(p.first_id, p.second_id) for p in pairs] == [
        (made[4].pk, made[5].pk),
        (made[0].pk, made[1].pk),
    ]
    assert pairs[0].reasons == ("same_reference",)
    assert pairs[1].reasons == ("same_amount",)
    assert queries.pair_of(made[0].pk, made[1].pk).amount == Decimal("500.00")
    assert queries.pair_of(made[1].pk, made[0].pk) is None  # the earlier comes first
    assert queries.pair_of(made[0].pk, made[2].pk) is None  # 20 days apart


def test_a_pair_found_both_ways_is_listed_once(company):
    acme = supplier("Acme")
    made = store(
        [
            line(company.hardware, acme, company.manufacturing, "250.00", LATEST, "A-1"),
            line(company.hardware, acme, company.manufacturing, "250.00", LATEST, "A-1"),
        ]
    )
    [pair] = queries.duplicate_pairs(queries.duplicate_lines(company.it))
    assert (pair.first_id, pair.second_id) == (made[0].pk, made[1].pk)
    assert pair.reasons == ("same_amount", "same_reference")
    assert queries.duplicate_pairs(queries.duplicate_lines(company.facilities)) == []


def test_findings_and_duplicates_are_recomputed_after_every_change_they_read(company):
    """Both are kept in the cache (seconds of sorting at millions of lines); a new line, a new
    rate or a new contract shows at once, and a unit lead never meets the CPO's findings."""
    hw = company.hardware
    store([line(hw, supplier(f"Hardware {n}"), company.manufacturing, 1000) for n in range(5)])
    store([line(company.hardware, supplier("Hardware 9"), company.finance, 9000)])
    assert queries.findings(company.cpo, [company.it], TODAY, with_contracts=True)[0]
    [before] = by_kind(
        queries.findings(company.cpo, [company.it], TODAY, with_contracts=True)[0],
        "fragmentation",
    )
    lead_found, _ = queries.findings(company.unit_lead, [company.it], TODAY, with_contracts=False)
    assert all(Decimal("9000") not in {e.spend for e in f.evidence} for f in lead_found)

    BenchmarkRate.objects.update_or_create(
        opportunity="fragmentation",
        defaults={"low": Decimal("0.02"), "high": Decimal("0.03"), "source": "Our tenders"},
    )
    [rated] = by_kind(
        queries.findings(company.cpo, [company.it], TODAY, with_contracts=True)[0],
        "fragmentation",
    )
    assert rated.saving_low < before.saving_low

    store([line(hw, supplier("Hardware 10"), company.manufacturing, 1000)])
    [grown] = by_kind(
        queries.findings(company.cpo, [company.it], TODAY, with_contracts=True)[0],
        "fragmentation",
    )
    assert grown.addressable == rated.addressable + 1000

    acme = supplier("Acme")
    assert queries.duplicate_pairs(queries.duplicate_lines()) == []
    store(
        [line(hw, acme, company.manufacturing, "500.00"), line(hw, acme, company.finance, "500.00")]
    )
    assert len(queries.duplicate_pairs(queries.duplicate_lines())) == 1
