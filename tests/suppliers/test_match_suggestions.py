"""Supplier matching on import moves money only when the names can only be one organisation;
every other near match waits, on a supplier of its own, for a person to decide. Withheld payees
go to one flagged record per source and are never a match target."""

import datetime
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.urls import reverse

from spend.importing.matching import EXACT, FUZZY, NEW, doubt_about, match_suppliers
from spend.models import ImportBatch, SpendLine
from spend.summary import refresh_spend_summary
from suppliers.models import Supplier, SupplierAlias, SupplierMatchSuggestion, SupplierMerge
from suppliers.names import is_redacted, normalise
from suppliers.suggestions import (
    import_suppliers_resolve,
    match_suggestion_accept,
    match_suggestion_reject,
)


def _match(file_name, existing_name):
    existing = {normalise(existing_name): 1}
    matches = match_suppliers({normalise(file_name): file_name}, existing, aliases={})
    return matches[normalise(file_name)]


# Names from the real payment files in ../shared/data/real-spend/ that the old matcher put on
# another record without review.
@pytest.mark.parametrize(
    ("file_name", "existing_name", "doubt"),
    [
        ("BRADFORD UNIVERSITY", "UNIVERSITY OF BRADFORD", "another order"),
        ("SWANTON CARE & COMMUNITY", "SWANTON COMMUNITY CARE", "another order"),
        (
            "STOMPING GROUNDS FOREST SCHOOL CIC",
            "STOMPING GROUNDS FOREST SCHOOL NE CIC",
            "lacks: ne",
        ),
        ("Acme Facilities North Ltd", "Acme Facilities North East Ltd", "lacks: east"),
        (
            "2022:07FTIFrailty And/Or Temporary Illness",
            "2022:05FTIFrailty And/Or Temporary Illness",
            "differing by a number",
        ),
        ("NEWLIFE CARE SERVICES", "NEWLINE CARE SERVICES LTD", "spelt differently"),
        ("SENSEI", "SENSE", "spelt differently"),
        ("GAINFORD CARE HOME LTD", "GAINFORD CARE HOMES LTD", "spelt differently"),
        ("HEATHCOTES LTD", "HEATHCOTES M LTD", "lacks: m"),
    ],
)
def test_a_near_match_that_may_be_another_organisation_is_only_suggested(
    file_name, existing_name, doubt
):
    match = _match(file_name, existing_name)
    assert (match.how, match.supplier_id, match.suggested_id) == (NEW, None, 1)
    assert doubt in match.doubt


def test_a_university_and_a_hospital_trust_sharing_a_city_are_never_matched():
    existing = {
        normalise("Newcastle University"): 1,
        normalise("Newcastle upon Tyne Hospitals NHS Foundation Trust"): 2,
    }
    for name in ["Newcastle Hospitals", "University of Newcastle upon Tyne", "Newcastle NHS"]:
        match = match_suppliers({normalise(name): name}, existing, {})[normalise(name)]
        assert match.how == NEW and match.supplier_id is None
    assert doubt_about(normalise("Newcastle University"), normalise("Newcastle Hospitals"))


@pytest.mark.parametrize(
    ("file_name", "existing_name"),
    [
        ("BARNARDOS", "Barnardo's"),  # punctuation only
        ("COOPERATIVE CHILDCARE", "Co-operative Childcare"),
        ("DAVID LEWIS CENTRE", "THE DAVID LEWIS CENTRE"),
        ("Womble Bond Dickinson LLP", "WOMBLE BOND DICKINSON (UK) LLP"),
        # cut inside the last word by a fixed-width export
        ("BRADFORD DISABILITY SPORT AND LEISU", "Bradford Disability Sport & Leisure"),
        ("RAINBOW HOUSE PRIVATE DAY NURSERY L", "Rainbow House Private Day Nursery Ltd"),
    ],
)
def test_names_that_can_only_be_one_organisation_are_matched(file_name, existing_name):
    match = _match(file_name, existing_name)
    assert (match.how, match.supplier_id, match.doubt) == (FUZZY, 1, "")


def test_a_cut_between_whole_words_is_not_taken_for_the_longer_name():
    # "Acme Facilities North" may be cut from "... North East", or be another branch.
    match = _match("ACME FACILITIES MANAGEMENT NORTH", "Acme Facilities Management North East")
    assert match.how == NEW and match.suggested_id == 1


def test_uncertain_names_new_in_one_file_stay_apart_with_a_suggestion():
    names = {normalise(name): name for name in ["University of Bradford", "Bradford University"]}
    matches = match_suppliers(names, existing={}, aliases={})
    assert [match.how for match in matches.values()] == [NEW, NEW]
    suggested = [match.suggested_same_as for match in matches.values() if match.doubt]
    assert suggested == [normalise("University of Bradford")]


@pytest.mark.parametrize(
    ("name", "redacted"),
    [
        ("REDACTED PERSONAL DATA", True),
        ("Redacted Personal Information", True),
        ("REDACTED \u2013 PERSONAL DATA", True),
        ("REDACTED - Personal Information", True),
        ("Private Individual", True),
        ("Name withheld", True),
        ("REDACTIVE PUBLISHING LIMITED", False),
        ("PERSONAL CARE CONSULTANTS", False),
        ("APPLE CARS PRIVATE HIRE LTD", False),
    ],
)
def test_withheld_payees_are_recognised(name, redacted):
    assert is_redacted(name) is redacted


def _names(*spellings):
    return {normalise(spelling): spelling for spelling in spellings}


def _batch(name):
    return ImportBatch.objects.create(source=name, content_hash=name.ljust(64, "0"))


@pytest.mark.django_db
def test_withheld_payees_go_to_one_flagged_record_per_source():
    ids, counts, created = import_suppliers_resolve(
        names=_names("REDACTED PERSONAL DATA", "Redacted Personal Information", "Acme Ltd"),
        batch=_batch("a"),
        source="Bradford payments",
    )
    payee = Supplier.objects.get(redacted_payee=True)
    assert ids[normalise("REDACTED PERSONAL DATA")] == payee.pk
    assert ids[normalise("Redacted Personal Information")] == payee.pk
    assert (counts["redacted"], counts["new"]) == (2, 1)
    assert payee.pk in created["suppliers"] and len(created["suppliers"]) == 2
    again, _, created_again = import_suppliers_resolve(
        names=_names("REDACTED PERSONAL DATA"), batch=_batch("b"), source="Bradford payments"
    )
    other, _, _ = import_suppliers_resolve(
        names=_names("REDACTED PERSONAL DATA"), batch=_batch("c"), source="Newcastle payments"
    )
    assert again[normalise("REDACTED PERSONAL DATA")] == payee.pk
    assert created_again["suppliers"] == []  # undoing the second import keeps the payee
    assert other[normalise("REDACTED PERSONAL DATA")] != payee.pk
    assert Supplier.objects.filter(redacted_payee=True).count() == 2


@pytest.mark.django_db
def test_a_withheld_payee_is_never_a_match_target():
    payee = Supplier.objects.create(
        name="Acme Payroll Payees", redacted_payee=True, redacted_source="Acme payments"
    )
    ids, counts, _ = import_suppliers_resolve(
        names=_names("Acme Payroll Payees", "ACME PAYROLL PAYEE LTD"),
        batch=_batch("b"),
        source="Another body",
    )
    assert payee.pk not in ids.values()
    assert counts["exact"] == counts["fuzzy"] == 0 and counts["new"] >= 1
    assert not SupplierMatchSuggestion.objects.filter(suggested=payee).exists()


@pytest.mark.django_db
def test_an_uncertain_match_keeps_its_lines_and_is_queued_on_its_batch(company):
    university = Supplier.objects.create(name="University of Bradford")
    batch = _batch("a")
    ids, counts, _ = import_suppliers_resolve(
        names=_names("BRADFORD UNIVERSITY"), batch=batch, source="Bradford payments"
    )
    own = ids[normalise("BRADFORD UNIVERSITY")]
    assert own != university.pk and counts["queued"] == 1
    suggestion = SupplierMatchSuggestion.objects.get()
    assert (suggestion.supplier_id, suggestion.suggested, suggestion.batch) == (
        own,
        university,
        batch,
    )
    assert "another order" in suggestion.doubt
    assert not SupplierAlias.objects.exists()
    batch.delete()  # undoing the import
    assert not SupplierMatchSuggestion.objects.exists()


def _queued_with_spend(company):
    university = Supplier.objects.create(name="University of Bradford")
    ids, _, _ = import_suppliers_resolve(
        names=_names("BRADFORD UNIVERSITY"), batch=_batch("a"), source="Bradford payments"
    )
    own = Supplier.objects.get(pk=ids[normalise("BRADFORD UNIVERSITY")])
    for day in (1, 2):
        SpendLine.objects.create(
            date=datetime.date(2026, 10, day),
            amount=Decimal("250.10"),
            original_amount=Decimal("250.10"),
            currency="GBP",
            supplier=own,
            business_unit=company.manufacturing,
            supplier_name_in_file="BRADFORD UNIVERSITY",
        )
    refresh_spend_summary()
    return university, own, SupplierMatchSuggestion.objects.get()


def _spend_of(supplier):
    return SpendLine.objects.filter(supplier=supplier).aggregate(total=Sum("amount"))["total"]


@pytest.mark.django_db
def test_accepting_a_suggestion_merges_the_two_undoably(company):
    university, own, suggestion = _queued_with_spend(company)
    merge = match_suggestion_accept(suggestion=suggestion, by=company.administrator)
    assert _spend_of(university) == Decimal("500.20")
    assert not Supplier.objects.filter(pk=own.pk).exists()
    assert "BRADFORD UNIVERSITY" in merge.merged_name and "another order" in merge.reason
    assert SupplierAlias.objects.get(supplier=university).name == "BRADFORD UNIVERSITY"
    assert SupplierMerge.objects.get() == merge


@pytest.mark.django_db
def test_rejecting_a_suggestion_keeps_the_two_apart(company):
    university, own, suggestion = _queued_with_spend(company)
    match_suggestion_reject(suggestion=suggestion, by=company.administrator)
    suggestion.refresh_from_db()
    assert suggestion.status == SupplierMatchSuggestion.REJECTED
    assert (_spend_of(own), _spend_of(university)) == (Decimal("500.20"), None)


@pytest.mark.django_db
def test_the_review_page_lists_and_decides_suggestions(
    client, company, django_assert_max_num_queries
):
    university, own, suggestion = _queued_with_spend(company)
    for index in range(5):
        Supplier.objects.create(name=f"Acme Site {index}")
        SupplierMatchSuggestion.objects.create(
            supplier=Supplier.objects.create(name=f"Acme Site {index} Ltd North"),
            suggested=Supplier.objects.get(name=f"Acme Site {index}"),
            name_in_file=f"Acme Site {index} North",
            score=91,
            doubt="one name has words the other lacks: north",
        )
    url = reverse("suppliers:match_suggestions")
    client.force_login(company.manager)
    with django_assert_max_num_queries(8):
        page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "BRADFORD UNIVERSITY" in text and "500.20" in text and "another order" in text
    assert client.get(url, {"format": "csv"}).status_code == 200
    client.post(url, {"suggestion": suggestion.pk, "action": "accept"})
    assert _spend_of(university) == Decimal("500.20")
    assert f'value="{suggestion.pk}"' not in client.get(url).content.decode()
    assert client.post(url, {"suggestion": suggestion.pk, "action": "reject"}).status_code == 404


@pytest.mark.django_db
def test_a_unit_lead_cannot_decide_a_suggestion(client, company):
    _, own, suggestion = _queued_with_spend(company)
    client.force_login(company.unit_lead)
    url = reverse("suppliers:match_suggestions")
    assert client.post(url, {"suggestion": suggestion.pk, "action": "accept"}).status_code == 403
    assert SupplierMatchSuggestion.objects.get().status == SupplierMatchSuggestion.PENDING


def test_an_exact_name_is_still_exact():
    assert _match("Dell Technologies Ltd", "DELL TECHNOLOGIES").how == EXACT
