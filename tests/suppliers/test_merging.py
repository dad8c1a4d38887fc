"""Merging duplicate suppliers keeps every penny of history, teaches imports the old name, and
can be undone exactly."""

import datetime
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.urls import reverse

from spend.models import ClassificationRule, SpendLine, SpendSummary
from spend.summary import refresh_spend_summary
from stakeholders.models import BusinessUnit
from suppliers.merging import MergeRefused, merge_suppliers, undo_merge
from suppliers.models import Contract, Supplier, SupplierAlias, SupplierMerge
from tests.spend.import_support import csv_bytes, import_file, imports_in_tmp
from tests.suppliers.builders import add_evaluation, add_plan

__all__ = ["imports_in_tmp"]
pytestmark = pytest.mark.django_db


def _spend_of(supplier_id):
    return SpendLine.objects.filter(supplier_id=supplier_id).aggregate(total=Sum("amount"))["total"]


def _totals():
    return (
        SpendLine.objects.aggregate(total=Sum("amount"))["total"],
        SpendSummary.objects.aggregate(total=Sum("spend"))["total"],
        SpendLine.objects.count(),
    )


def _duplicate_with_spend(company, name="Kelway Ltd", lines=3):
    duplicate = Supplier.objects.create(name=name, country="GB", identifiers={"vat": "GB999"})
    for day in range(lines):
        SpendLine.objects.create(
            date=datetime.date(2026, 10, 1 + day),
            amount=Decimal("100.25"),
            original_amount=Decimal("100.25"),
            currency="GBP",
            supplier=duplicate,
            category=company.software,
            business_unit=company.manufacturing,
        )
    refresh_spend_summary()  # as every import does
    return duplicate


def test_merge_moves_all_spend_and_keeps_totals_equal(company_with_spend):
    company = company_with_spend
    softcat = company.suppliers[1]
    duplicate = _duplicate_with_spend(company)
    duplicate_id = duplicate.pk
    before = _totals()
    softcat_before, duplicate_spend = _spend_of(softcat.pk), _spend_of(duplicate.pk)

    merge = merge_suppliers(softcat, duplicate, user=company.manager, reason="Same company")

    assert _totals() == before
    assert (
        _spend_of(softcat.pk)
        == softcat_before + duplicate_spend
        == softcat_before + Decimal("300.75")
    )
    assert not Supplier.objects.filter(pk=duplicate_id).exists()
    assert SupplierAlias.objects.get(normalised_name="kelway").supplier == softcat
    # The spend summary the cube reads follows the lines.
    assert SpendSummary.objects.filter(supplier=softcat).aggregate(t=Sum("spend"))["t"] == (
        softcat_before + duplicate_spend
    )
    softcat.refresh_from_db()
    assert softcat.identifiers == {"vat": "GB999"}
    assert merge.moved["spend.spendline.supplier"]


def test_undo_puts_back_exactly_what_moved(company_with_spend):
    company = company_with_spend
    softcat = company.suppliers[1]
    duplicate = _duplicate_with_spend(company)
    duplicate_id = duplicate.pk
    before = _totals()
    softcat_before, duplicate_before = _spend_of(softcat.pk), _spend_of(duplicate_id)
    merge = merge_suppliers(softcat, duplicate)

    restored = undo_merge(merge, user=company.manager)

    assert restored.pk == duplicate_id
    assert (restored.name, restored.identifiers) == ("Kelway Ltd", {"vat": "GB999"})
    assert _totals() == before
    assert (_spend_of(softcat.pk), _spend_of(duplicate_id)) == (softcat_before, duplicate_before)
    assert not SupplierAlias.objects.filter(normalised_name="kelway").exists()
    softcat.refresh_from_db()
    assert softcat.identifiers == {}
    with pytest.raises(MergeRefused, match="already been undone"):
        undo_merge(SupplierMerge.objects.get(pk=merge.pk))


def test_contracts_scorecards_and_rules_travel_and_come_back(company_with_spend):
    company = company_with_spend
    softcat = company.suppliers[1]
    duplicate = _duplicate_with_spend(company)
    duplicate_id = duplicate.pk
    contract = Contract.objects.create(
        supplier=duplicate,
        title="Licence reseller",
        start=datetime.date(2025, 1, 1),
        end=datetime.date(2027, 1, 1),
        value=Decimal(50000),
    )
    evaluation = add_evaluation(company, supplier=duplicate)
    ClassificationRule.objects.create(kind="supplier", supplier=softcat, category=company.software)
    ClassificationRule.objects.create(kind="supplier", supplier=duplicate, category=company.it)

    merge = merge_suppliers(softcat, duplicate)
    contract.refresh_from_db()
    evaluation.refresh_from_db()
    assert (contract.supplier, evaluation.supplier) == (softcat, softcat)
    # One supplier rule per supplier: the kept supplier's stands.
    assert list(ClassificationRule.objects.values_list("supplier", "category")) == [
        (softcat.pk, company.software.pk)
    ]

    undo_merge(merge)
    contract.refresh_from_db()
    evaluation.refresh_from_db()
    assert (contract.supplier_id, evaluation.supplier_id) == (duplicate_id, duplicate_id)
    assert ClassificationRule.objects.get(supplier_id=duplicate_id).category == company.it


def test_two_relationship_plans_are_not_merged_silently(company_with_spend):
    company = company_with_spend
    add_plan(company, company.suppliers[0])
    add_plan(company, company.suppliers[1])
    with pytest.raises(MergeRefused, match="combine them by hand"):
        merge_suppliers(company.suppliers[0], company.suppliers[1])
    assert Supplier.objects.count() == 3


def test_a_supplier_is_not_merged_into_itself(company):
    with pytest.raises(MergeRefused):
        merge_suppliers(company.suppliers[0], company.suppliers[0])


def test_the_next_import_with_the_merged_name_lands_on_the_kept_supplier(company_with_spend):
    company = company_with_spend
    softcat = company.suppliers[1]
    merge_suppliers(softcat, _duplicate_with_spend(company))
    suppliers_before = Supplier.objects.count()

    job = import_file(csv_bytes("2026-10-20,KELWAY LIMITED,75.00,GBP,MFG,IT.SW,,Licences,INV-9"))

    assert job.status == job.STORED, job.message
    assert SpendLine.objects.get(document_reference="INV-9").supplier == softcat
    assert Supplier.objects.count() == suppliers_before


def test_merge_page_merges_and_history_page_undoes(client, company_with_spend):
    company = company_with_spend
    softcat = company.suppliers[1]
    duplicate = _duplicate_with_spend(company)
    duplicate_id = duplicate.pk
    client.force_login(company.manager)
    page = client.get(reverse("suppliers:merge", args=[softcat.pk]) + "?q=kelway")
    assert "Kelway Ltd" in page.content.decode()

    response = client.post(
        reverse("suppliers:merge", args=[softcat.pk]),
        {"duplicate": duplicate.pk, "reason": "Acquired in 2015"},
        follow=True,
    )
    assert "Kelway Ltd is merged into Softcat plc" in response.content.decode()
    merge = SupplierMerge.objects.get()
    assert merge.merged_by == company.manager

    response = client.post(reverse("suppliers:merge_undo", args=[merge.pk]), follow=True)
    assert "Kelway Ltd is back as its own supplier" in response.content.decode()
    assert Supplier.objects.filter(pk=duplicate_id).exists()


def test_a_manager_cannot_merge_away_another_managers_supplier(client, company_with_spend):
    company = company_with_spend
    client.force_login(company.manager)
    cleaner = company.suppliers[2]  # spend only in Facilities, the other manager's
    response = client.post(
        reverse("suppliers:merge", args=[company.suppliers[0].pk]), {"duplicate": cleaner.pk}
    )
    assert response.status_code == 200
    assert "categories you do not manage" in response.content.decode()
    assert Supplier.objects.filter(pk=cleaner.pk).exists()


def test_unknown_duplicate_is_a_field_error_not_a_crash(client, company_with_spend):
    company = company_with_spend
    client.force_login(company.manager)
    response = client.post(
        reverse("suppliers:merge", args=[company.suppliers[0].pk]), {"duplicate": 99999}
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert BusinessUnit.objects.count() == 2


def _lines(supplier, amounts, company):
    SpendLine.objects.bulk_create(
        SpendLine(
            date=datetime.date(2026, 1 + index % 12, 1),
            amount=amount,
            original_amount=amount,
            currency="GBP",
            supplier=supplier,
            category=company.software if index % 2 else None,
            business_unit=company.finance,
        )
        for index, amount in enumerate(amounts)
    )


def _per_supplier():
    return dict(
        SpendLine.objects.values("supplier").annotate(t=Sum("amount")).values_list("supplier", "t")
    )


@pytest.mark.parametrize("seed", range(5))
def test_chains_of_merges_undone_in_any_order_give_back_every_total(company, seed):
    """Property: A into B, then B into C; undoing both, in either order, restores each
    supplier's total and the grand total at every step."""
    import random

    rng = random.Random(seed)
    a, b, c = (Supplier.objects.create(name=f"Chain {name} Ltd") for name in "ABC")
    for supplier in (a, b, c):
        amounts = [Decimal(rng.randint(-5000, 90000)) / 100 for _ in range(rng.randint(0, 12))]
        _lines(supplier, amounts, company)
    refresh_spend_summary()
    before, grand = _per_supplier(), _totals()

    first = merge_suppliers(b, a)
    assert _totals() == grand
    second = merge_suppliers(c, b)
    assert _totals() == grand
    assert _per_supplier().get(c.pk, 0) == sum(before.values(), Decimal(0))

    order = [first, second] if seed % 2 else [second, first]
    for merge in order:
        undo_merge(SupplierMerge.objects.get(pk=merge.pk))
        assert _totals() == grand
    assert _per_supplier() == before
    assert set(
        Supplier.objects.filter(name__startswith="Chain").values_list("name", flat=True)
    ) == {
        "Chain A Ltd",
        "Chain B Ltd",
        "Chain C Ltd",
    }


def test_merge_and_undo_leave_the_summary_as_a_full_rebuild_would(company_with_spend):
    company = company_with_spend
    softcat = company.suppliers[1]
    merge = merge_suppliers(softcat, _duplicate_with_spend(company))

    def summary_by_supplier():
        """(supplier, month, category, unit) → (spend, lines), duplicates folded together."""
        return {
            (row["supplier"], row["month"], row["category"], row["business_unit"]): (
                row["spend"],
                row["count"],
            )
            for row in SpendSummary.objects.values(
                "supplier", "month", "category", "business_unit"
            ).annotate(spend=Sum("spend"), count=Sum("lines"))
        }

    after_merge = summary_by_supplier()
    refresh_spend_summary()
    assert summary_by_supplier() == after_merge
    undo_merge(merge)
    after_undo = summary_by_supplier()
    refresh_spend_summary()
    assert summary_by_supplier() == after_undo
