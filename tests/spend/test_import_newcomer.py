"""What a new user met importing other bodies' files (issue 14): the proposed mapping, a file
without a unit column, day-first dates, a copyright footer, undo that leaves nothing behind,
the spend cube over the batch's months, unit codes, and the page's status badge."""

import datetime
import re

import pytest
from django.urls import reverse

from categories.models import Category
from spend.importing.mapping import propose_mapping
from spend.importing.parsing import guess_date_format
from spend.importing.storing import run_job, undo_batch, unit_code_for
from spend.importing.validation import NOTE_ROW, is_note_row, validate_row
from spend.models import ImportJob, SpendLine, SpendSummary
from stakeholders.models import BusinessUnit
from suppliers.models import Supplier, SupplierAlias
from tests.spend.import_support import csv_bytes, import_file, imports_in_tmp

__all__ = ["imports_in_tmp"]
pytestmark = pytest.mark.django_db

AP_HEADER = "Payment Date,Supplier Name,Net Amount,Service Division,Entity,Spend Category"


def ap_rows(count=150):
    """A file whose "Service Division" has a value per row and whose "Entity" has ten."""
    return [
        [
            f"2021-03-{1 + i % 28:02d}",
            f"Supplier {i % 7}",
            f"{10 + i}.00",
            f"Division {i}",
            f"Entity {i % 10}",
            "Office supplies",
        ]
        for i in range(count)
    ]


def test_the_unit_proposed_is_the_organisational_level_not_the_division_beside_it():
    spec = propose_mapping(AP_HEADER.split(","), ap_rows(), "GBP", frozenset())
    assert spec.columns["business_unit"] == "Entity"


def test_the_coarser_of_two_unit_columns_is_proposed():
    headers = ["Paid Date", "Supplier Name", "Amount", "Cost Centre", "Service Area"]
    rows = [
        ["2022-08-01", "ACME", "1.00", f"1K{i:03d}", f"Service {i % 12} area"] for i in range(300)
    ]
    spec = propose_mapping(headers, rows, "GBP")
    # Cost centres are codes and run to hundreds; the service areas are twelve names.
    assert spec.columns["business_unit"] == "Service Area"


def test_a_misspelt_directorate_header_is_still_the_unit():
    headers = ["Directotate", "Service", "Supplier", "Transaction Date", "Value"]
    rows = [
        [f"Directorate {i % 4}", f"Service {i % 20}", "ACME LTD", "2022-09-01", "5.00"]
        for i in range(100)
    ]
    assert propose_mapping(headers, rows, "GBP").columns["business_unit"] == "Directotate"


def test_a_category_column_matching_no_category_comes_with_an_offer_to_map_it():
    spec = propose_mapping(AP_HEADER.split(","), ap_rows(), "GBP", frozenset({"it.hw", "laptops"}))
    assert spec.columns["category"] == "Spend Category"
    assert "'Spend Category'" in spec.problems[0] and "0%" in spec.problems[0]
    assert "Map its values onto categories" in spec.problems[0]
    known = frozenset({"office supplies"})
    assert not propose_mapping(AP_HEADER.split(","), ap_rows(), "GBP", known).problems[:-1]


def test_a_date_column_with_an_unusual_name_is_found_by_its_values():
    headers = ["Nstrg(T)", "Period", "Supplier ID(T)", "Amount", "Updated"]
    rows = [["Schools", "202205", "ACME", "1.00", f"2022-08-{1 + i:02d}"] for i in range(20)]
    spec = propose_mapping(headers, rows, "GBP")
    # "Period" (YYYYMM) reads as an Excel serial number, not as a date a person wrote.
    assert spec.columns["date"] == "Updated"


def test_the_date_format_is_decided_by_every_row_not_the_first_ones():
    ambiguous = [f"{day:02d}/03/2021" for day in range(1, 13)] * 3
    assert guess_date_format(ambiguous[:20] + ["© Copyright Council 2021"]) == "day_first"
    us_file = ambiguous + ["03/25/2021"]
    assert guess_date_format(us_file) == "month_first"
    headers = ["Date", "Supplier", "Amount", "Department"]
    rows = [
        [f"{1 + i % 12:02d}/{1 + i % 12:02d}/2021", "ACME", "1.00", "Finance"] for i in range(40)
    ]
    rows.append(["12/13/2021", "ACME", "1.00", "Finance"])  # the 41st row decides
    assert propose_mapping(headers, rows, "GBP").date_format == "month_first"


def test_a_copyright_line_at_the_foot_is_skipped_and_counted(company):
    data = csv_bytes(
        "2026-01-15,Dell Technologies Ltd,1200.50,GBP,MFG,,6100,Laptops,INV-1",
        "© Copyright Some Council 2021,,,,,,,,",
        ",Grand Total,1200.50,,,,,,",
    )
    job = import_file(data)
    assert job.status == ImportJob.STORED, job.message
    assert job.lines_stored == 1
    assert job.summary["note_rows_skipped"] == 1 and job.summary["total_rows_skipped"] == 1
    assert is_note_row(["© Copyright Some Council 2021", "", ""], {"amount": 2})
    assert not is_note_row(["2021-01-01", "", "5.00"], {"amount": 2})
    result = validate_row(9, ["Source: finance system", "", ""], {"amount": 2}, None, None)
    assert result.skipped == NOTE_ROW


def test_a_file_without_a_unit_column_takes_one_unit_for_every_line(company):
    header = "Invoice Date,Vendor Name,Net Amount"
    data = csv_bytes(
        "2026-01-15,Dell Technologies Ltd,1200.50", "2026-01-16,Softcat plc,5.00", header=header
    )
    columns = {"date": "Invoice Date", "supplier": "Vendor Name", "amount": "Net Amount"}
    job = import_file(data, columns=columns, default_currency="GBP", default_business_unit="FIN")
    assert job.status == ImportJob.STORED, job.message
    assert set(SpendLine.objects.values_list("business_unit__code", flat=True)) == {"FIN"}


def test_the_mapping_page_offers_one_unit_for_every_line(client, company):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(company.manager)
    data = csv_bytes(
        "2026-01-15,Dell Technologies Ltd,1200.50", header="Invoice Date,Vendor,Net Amount"
    )
    client.post(reverse("spend:imports"), {"file": SimpleUploadedFile("one-unit.csv", data)})
    job = ImportJob.objects.get()
    page = client.get(job.get_absolute_url())
    assert "Manufacturing (MFG)" in page.content.decode()
    post = {
        "name": "One unit",
        "column_date": "Invoice Date",
        "column_supplier": "Vendor",
        "column_amount": "Net Amount",
        "date_format": "iso",
        "default_currency": "GBP",
    }
    refused = client.post(job.get_absolute_url(), post)
    assert "or one unit for every line" in refused.content.decode()
    client.post(job.get_absolute_url(), {**post, "default_business_unit": "MFG"})
    job.refresh_from_db()
    assert job.status != ImportJob.WAITING_FOR_MAPPING
    assert job.mapping.default_business_unit == "MFG"


NEW_UNIT_ROWS = (
    "2026-01-15,Brand New Supplier Ltd,100.00,GBP,Strategic Housing Services,,,,A-1",
    "2026-01-16,Dell Technologies,50.00,GBP,MFG,,,,A-2",
)


def state():
    return {
        "suppliers": set(Supplier.objects.values_list("pk", "name")),
        "units": set(BusinessUnit.objects.values_list("pk", "code")),
        "aliases": set(SupplierAlias.objects.values_list("pk", "name", "supplier_id")),
        "lines": SpendLine.objects.count(),
        "summary": SpendSummary.objects.count(),
    }


def test_undo_leaves_the_database_as_before_the_import(company):
    before = state()
    job = import_file(csv_bytes(*NEW_UNIT_ROWS), create_missing_units=True)
    assert job.status == ImportJob.STORED, job.message
    assert state() != before
    undo_batch(job)
    assert state() == before


def test_undo_keeps_what_a_later_import_uses(company):
    job = import_file(csv_bytes(*NEW_UNIT_ROWS), create_missing_units=True)
    later = import_file(
        csv_bytes("2026-02-15,Brand New Supplier Ltd,7.00,GBP,Strategic Housing Services,,,,B-1"),
        name="later.csv",
    )
    assert later.status == ImportJob.STORED, later.message
    undo_batch(job)
    assert Supplier.objects.filter(name="Brand New Supplier Ltd").exists()
    assert BusinessUnit.objects.filter(name="Strategic Housing Services").exists()
    assert SpendLine.objects.count() == 1


def test_two_long_unit_names_sharing_their_start_get_codes_without_a_cut(company):
    taken = set()
    first = unit_code_for("Strategic Housing Services", taken)
    second = unit_code_for("Strategic Housing Investment", taken)
    assert first != second
    assert all(len(code) <= 20 and "--" not in code for code in (first, second))
    assert (first, second) == ("STRAT-HOUSI-SERVI", "STRAT-HOUSI-INVES")
    assert unit_code_for("Highways", taken) == "HIGHWAYS"
    assert unit_code_for("Children's Social Care & Lifelong Learning", taken) == (
        "CHI-SOC-CAR-LIF-LEA"
    )
    # A clash that remains is numbered after a whole abbreviation, never after a cut.
    assert unit_code_for("Strategic Housing Servicing", taken) == "STRAT-HOUSI-SERVI-2"
    assert re.fullmatch(r"[A-Z0-9-]+", first)


def test_explore_the_spend_cube_covers_the_batchs_months(client, company):
    job = import_file(
        csv_bytes(
            "2020-03-15,Dell Technologies Ltd,1.00,GBP,MFG,,,,X-1",
            "2020-05-02,Dell Technologies Ltd,2.00,GBP,MFG,,,,X-2",
        ),
        user=company.manager,
    )
    client.force_login(company.manager)
    page = client.get(job.get_absolute_url())
    assert "start=2020-03&amp;end=2020-05" in page.content.decode()


def test_the_status_badge_is_swapped_with_the_progress_card(client, company):
    job = ImportJob.objects.create(
        file_name="x.csv",
        stored_path="/nowhere",
        content_hash="0" * 64,
        status=ImportJob.RUNNING,
        rows_total=10,
        rows_done=10,
        created_by=company.manager,
        mapping=None,
        heartbeat_at=datetime.datetime.now(datetime.UTC),
    )
    client.force_login(company.manager)
    partial = client.get(job.get_absolute_url() + "?progress=1", headers={"HX-Request": "true"})
    text = partial.content.decode()
    assert 'id="import-status">Importing</span>' in text
    assert "Queued" not in text


def test_a_manager_is_told_why_a_command_line_import_has_no_undo(client, company):
    job = import_file(csv_bytes(*NEW_UNIT_ROWS[1:]))  # no user: the command line's way
    client.force_login(company.manager)
    text = client.get(job.get_absolute_url()).content.decode()
    assert "manage.py import_spend" in text and "only an administrator may undo it" in text
    assert reverse("spend:import_undo", args=[job.pk]) not in text
    client.force_login(company.administrator)
    assert (
        reverse("spend:import_undo", args=[job.pk])
        in client.get(job.get_absolute_url()).content.decode()
    )


def test_run_job_is_idempotent_after_undo(company):
    job = import_file(csv_bytes(*NEW_UNIT_ROWS[1:]))
    undo_batch(job)
    assert run_job(job.pk).status == ImportJob.UNDONE


CLASSIFIED_HEADER = "Payment Date,Supplier Name,Net Amount,Directorate,Procurement Classification"


def classified_file(*classes, day="15"):
    return csv_bytes(
        *(
            f"2026-01-{day},Supplier {index},{10 + index}.00,Finance,{value}"
            for index, value in enumerate(classes)
        ),
        header=CLASSIFIED_HEADER,
    )


def test_the_files_own_classification_is_proposed_with_an_offer_to_map_it():
    headers = ["Supplier", "Amount", "Date", "Service Category Label", "Procurement Classification"]
    rows = [["ACME", "1.00", "2022-07-29", "Housing Services", "CATERING.FOOD"]] * 5
    spec = propose_mapping(headers, rows, "GBP", frozenset({"it.hw"}))
    assert spec.columns["category"] == "Procurement Classification"
    assert "Map its values onto categories below" in spec.problems[0]


def test_a_value_map_classifies_the_lines_and_is_reused_next_month(
    client, company, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(company.manager)
    data = classified_file("CATERING.FOOD", "ICT.LAPTOPS", "ICT.LAPTOPS")
    client.post(reverse("spend:imports"), {"file": SimpleUploadedFile("ap-2026-01.csv", data)})
    job = ImportJob.objects.get()
    page = client.get(job.get_absolute_url())
    value_map = page.context["value_map"]
    assert [field.label for field in value_map.value_fields()] == ["ICT.LAPTOPS", "CATERING.FOOD"]
    assert "it.hw" in str(value_map["value_0"]).lower()  # a category the manager owns
    form = page.context["form"]
    post = {name: value for name, value in form.initial.items() if value not in (None, False)}
    post.update({"map-column": "Procurement Classification", "map-value_0": "IT.HW"})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(job.get_absolute_url(), post)
    job.refresh_from_db()
    assert job.status == ImportJob.STORED, (job.message, job.errors)
    assert job.mapping.category_values == {"ICT.LAPTOPS": "IT.HW"}
    classified = SpendLine.objects.filter(category__code="IT.HW").count()
    assert (classified, SpendLine.objects.filter(category=None).count()) == (2, 1)

    # The next month's file of the same source: the saved map classifies it as it is stored.
    client.post(
        reverse("spend:imports"),
        {"file": SimpleUploadedFile("ap-2026-02.csv", classified_file("ICT.LAPTOPS", day="20"))},
    )
    february = ImportJob.objects.exclude(pk=job.pk).get()
    page = client.get(february.get_absolute_url())
    assert page.context["saved_mapping"] == job.mapping.name
    assert page.context["value_map"].initial == {"value_0": "IT.HW"}  # the saved choice
    post = {k: v for k, v in page.context["form"].initial.items() if v not in (None, False)}
    post["map-column"] = "Procurement Classification"
    post.update({f"map-{name}": code for name, code in page.context["value_map"].initial.items()})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(february.get_absolute_url(), post)
    assert SpendLine.objects.filter(category__code="IT.HW").count() == 3


def _map_page(client, user, data, name="ap-2026-01.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(user)
    client.post(reverse("spend:imports"), {"file": SimpleUploadedFile(name, data)})
    job = ImportJob.objects.latest("pk")
    page = client.get(job.get_absolute_url())
    post = {k: v for k, v in page.context["form"].initial.items() if v not in (None, False)}
    post["map-column"] = "Procurement Classification"
    return job, page, post


def test_a_manager_makes_categories_from_the_files_values_under_one_they_own(
    client, company, django_capture_on_commit_callbacks
):
    data = classified_file("CATERING.FOOD", "CATERING.DRINKS", "ICT.LAPTOPS")
    job, page, post = _map_page(client, company.manager, data)
    value_map = page.context["value_map"]
    # Every value has a dot between two parts: levels are proposed.
    assert value_map["new_levels"].initial is True
    choices = dict(value_map.fields["new_parent"].choices)
    assert "IT" in choices and "+top" not in choices and "FM" not in choices  # not theirs
    labels = [field.label for field in value_map.value_fields()]
    post.update({f"map-value_{labels.index('CATERING.FOOD')}": "+new"})
    post.update({f"map-value_{labels.index('ICT.LAPTOPS')}": "IT.HW"})
    post.update({"map-new_parent": "IT", "map-new_levels": "on"})
    post[f"map-value_{labels.index('CATERING.DRINKS')}"] = "+new"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(job.get_absolute_url(), post)
    job.refresh_from_db()
    assert job.status == ImportJob.STORED, (job.message, job.errors)
    catering = Category.objects.get(parent=company.it, name="CATERING")
    food, drinks = (Category.objects.get(parent=catering, name=n) for n in ("FOOD", "DRINKS"))
    assert (catering.code, food.code, drinks.code) == (
        "IT.CATERING",
        "IT.CATERING.FOOD",
        "IT.CATERING.DRINKS",
    )
    assert food.owner == drinks.owner == company.manager  # the parent's owner
    assert job.mapping.category_values == {
        "CATERING.FOOD": "IT.CATERING.FOOD",
        "CATERING.DRINKS": "IT.CATERING.DRINKS",
        "ICT.LAPTOPS": "IT.HW",
    }
    assert SpendLine.objects.filter(category=None).count() == 0
    assert SpendLine.objects.filter(category=food).count() == 1


def test_an_administrator_makes_a_category_for_every_value_left_at_the_top(
    client, company, django_capture_on_commit_callbacks
):
    data = classified_file("Agency staff", "Agency staff", "Legal fees")
    job, page, post = _map_page(client, company.administrator, data)
    assert page.context["value_map"]["new_levels"].initial is False
    post.update({"map-new_parent": "+top", "map-create_all": "on"})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(job.get_absolute_url(), post)
    job.refresh_from_db()
    assert job.status == ImportJob.STORED, (job.message, job.errors)
    made = dict(Category.objects.filter(parent=None).values_list("name", "code"))
    assert made["Agency staff"] == "AGENCY-STAFF" and made["Legal fees"] == "LEGAL-FEES"
    assert SpendLine.objects.filter(category__code="AGENCY-STAFF").count() == 2


def test_nobody_adds_categories_where_they_may_not(client, company):
    data = classified_file("CATERING.FOOD")
    job, page, post = _map_page(client, company.manager, data)
    before = Category.objects.count()
    for parent in ("+top", "FM"):  # the top of the tree; another manager's category
        post.update({"map-value_0": "+new", "map-new_parent": parent})
        response = client.post(job.get_absolute_url(), post)
        assert response.status_code == 200  # the form again, with the error
        assert response.context["value_map"].errors["new_parent"]
    post.pop("map-new_parent")
    response = client.post(job.get_absolute_url(), post)
    assert "Choose where the new categories go." in response.content.decode()
    assert Category.objects.count() == before
    job.refresh_from_db()
    assert job.status != ImportJob.STORED
