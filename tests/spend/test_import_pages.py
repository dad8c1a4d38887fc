"""The import pages as a category manager uses them: upload, confirm the mapping, follow the
progress, read the result; review supplier matches; classify unclassified spend; FX rates."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from spend.importing.storing import run_job
from spend.models import ClassificationRule, ColumnMapping, ExchangeRate, ImportJob, SpendLine
from suppliers.models import Supplier, SupplierAlias
from tests.spend.import_support import COLUMNS, HEADER, csv_bytes, import_file, imports_in_tmp

__all__ = ["imports_in_tmp"]
pytestmark = pytest.mark.django_db

ROWS = (
    "2026-01-15,Dell Technologies Ltd,1200.50,GBP,MFG,IT.HW,6100,Laptops,INV-1",
    "2026-01-20,Softcat plc,300.00,GBP,FIN,,6200,Licences,INV-2",
)


def upload(client, data, name="spend.csv"):
    return client.post(reverse("spend:imports"), {"file": SimpleUploadedFile(name, data)})


def mapping_post(**overrides):
    data = {"name": "ERP export", "date_format": "iso", "default_currency": ""}
    data.update({f"column_{field}": header for field, header in COLUMNS.items()})
    data.update(overrides)
    return data


def test_upload_proposes_the_mapping_from_the_headers(client, company):
    client.force_login(company.manager)
    response = upload(client, csv_bytes(*ROWS))
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    page = client.get(job.get_absolute_url())
    form = page.context["form"]
    assert {f: form.initial[f"column_{f}"] for f in COLUMNS} == COLUMNS
    assert b"Dell Technologies Ltd" in page.content  # the first rows are shown


def test_confirming_the_mapping_imports_and_lands_on_the_result(
    client, company, django_capture_on_commit_callbacks
):
    client.force_login(company.manager)
    upload(client, csv_bytes(*ROWS))
    job = ImportJob.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(job.get_absolute_url(), mapping_post())
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportJob.STORED, job.message
    assert ColumnMapping.objects.get(name="ERP export").columns == COLUMNS
    result = client.get(job.get_absolute_url())
    assert b"2 lines stored" in result.content
    # htmx polling on a finished job sends the browser to the result page.
    poll = client.get(job.get_absolute_url() + "?progress=1", headers={"HX-Request": "true"})
    assert poll["HX-Redirect"] == job.get_absolute_url()


def test_saved_mapping_is_offered_for_the_next_file_of_the_source(client, company):
    ColumnMapping.objects.create(
        name="ERP export", columns=COLUMNS, date_format="day_first", decimal_comma=True
    )
    client.force_login(company.manager)
    upload(client, csv_bytes(*ROWS))
    form = client.get(ImportJob.objects.get().get_absolute_url()).context["form"]
    assert form.initial["name"] == "ERP export"
    assert form.initial["date_format"] == "day_first" and form.initial["decimal_comma"]


def test_mapping_without_a_required_column_shows_the_field_error(client, company):
    client.force_login(company.manager)
    upload(client, csv_bytes(*ROWS))
    job = ImportJob.objects.get()
    response = client.post(job.get_absolute_url(), mapping_post(column_amount=""))
    assert response.status_code == 200
    assert response.context["form"].errors["column_amount"] == ["Required: choose its column."]
    assert ImportJob.objects.get().status == ImportJob.WAITING_FOR_MAPPING


def test_progress_partial_while_running(client, company):
    client.force_login(company.manager)
    upload(client, csv_bytes(*ROWS))
    job = ImportJob.objects.get()
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.RUNNING, rows_done=50, rows_total=200
    )
    response = client.get(job.get_absolute_url() + "?progress=1", headers={"HX-Request": "true"})
    assert b'value="25"' in response.content and b"<html" not in response.content


def test_uploads_refused_with_a_message(client, company):
    client.force_login(company.manager)
    response = upload(client, b"", "empty.csv")
    assert "0 bytes" in response.context["form"].errors["file"][0]
    response = upload(client, b"not a workbook", "spend.xlsx")
    assert "not an Excel workbook" in response.context["form"].errors["file"][0]
    first = import_file(csv_bytes(*ROWS))
    response = upload(client, csv_bytes(*ROWS), "again.csv")
    assert f"as batch {first.batch_id}" in response.context["form"].errors["file"][0]
    assert ImportJob.objects.count() == 1


def test_refused_file_offers_its_rejected_rows_and_storing_the_valid_ones(
    client, company, django_capture_on_commit_callbacks
):
    job = import_file(csv_bytes(ROWS[0], "2026-01-15,,5,GBP,MFG,,,,"), user=company.manager)
    client.force_login(company.manager)
    page = client.get(job.get_absolute_url())
    assert b"the supplier is empty" in page.content
    download = client.get(reverse("spend:import_rejected", args=[job.pk]) + "?format=csv")
    assert "the supplier is empty" in b"".join(download.streaming_content).decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("spend:import_store_valid", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportJob.STORED and SpendLine.objects.count() == 1


def test_undo_is_for_the_importer_and_administrators(client, company):
    job = import_file(csv_bytes(*ROWS), user=company.manager)
    client.force_login(company.other_manager)
    assert client.post(reverse("spend:import_undo", args=[job.pk])).status_code == 403
    client.force_login(company.manager)
    client.post(reverse("spend:import_undo", args=[job.pk]), {"confirm": "yes"})
    assert not SpendLine.objects.exists()
    assert ImportJob.objects.get().status == ImportJob.UNDONE


def test_undo_asks_for_confirmation_and_says_what_goes_with_the_lines(client, company):
    job = import_file(csv_bytes(*ROWS), user=company.manager)
    client.force_login(company.manager)
    page = client.get(reverse("spend:import_undo", args=[job.pk]))
    assert page.status_code == 200
    text = " ".join(page.content.decode().split())
    assert f"its <strong>{job.lines_stored}</strong> spend line" in text
    assert "supplier" in text and "business unit" in text
    # Neither looking at the page nor a POST without the confirmation removes anything.
    client.post(reverse("spend:import_undo", args=[job.pk]))
    assert SpendLine.objects.count() == job.lines_stored
    assert ImportJob.objects.get().status == ImportJob.STORED


def test_classifying_a_supplier_in_bulk_is_remembered_for_the_next_import(client, company):
    import_file(csv_bytes(ROWS[1]))
    softcat = company.suppliers[1]
    client.force_login(company.manager)
    page = client.get(reverse("spend:unclassified"))
    assert [row["supplier"] for row in page.context["page"]] == [softcat.pk]
    client.post(reverse("spend:unclassified"), {"category": "IT.SW", "supplier": [softcat.pk]})
    assert SpendLine.objects.get().category == company.software
    assert ClassificationRule.objects.get(supplier=softcat).category == company.software
    import_file(csv_bytes("2026-02-20,SOFTCAT PLC,99.00,GBP,FIN,,,,INV-3"), name="feb.csv")
    assert SpendLine.objects.get(document_reference="INV-3").category == company.software


def test_managers_classify_only_into_their_own_categories(client, company):
    import_file(csv_bytes(ROWS[1]))
    client.force_login(company.other_manager)
    response = client.post(
        reverse("spend:unclassified"),
        {"category": "IT.SW", "supplier": [company.suppliers[1].pk]},
    )
    assert "only into categories you own" in response.context["form"].errors["category"][0]
    assert SpendLine.objects.get().category is None


def test_rules_in_their_order_of_precedence(company):
    ClassificationRule.objects.create(kind="keyword", keyword="toner", category=company.cleaning)
    ClassificationRule.objects.create(
        kind="gl_account", gl_account="6200", category=company.hardware
    )
    ClassificationRule.objects.create(
        kind="supplier", supplier=company.suppliers[1], category=company.software
    )
    import_file(
        csv_bytes(
            "2026-01-01,Softcat plc,1,GBP,FIN,,6200,toner,A",  # supplier beats GL and keyword
            "2026-01-01,Other Ltd,2,GBP,FIN,,6200,toner,B",  # GL beats keyword
            "2026-01-01,Other Ltd,3,GBP,FIN,,7000,Toner cartridges,C",  # keyword, any case
            "2026-01-01,Other Ltd,4,GBP,FIN,IT.HW,7000,toner,D",  # the file's category beats rules
            "2026-01-01,Other Ltd,5,GBP,FIN,,7000,paper,E",  # nothing applies: unclassified
        )
    )
    assert dict(SpendLine.objects.values_list("document_reference", "category__code")) == {
        "A": "IT.SW",
        "B": "IT.HW",
        "C": "FM.CLEAN",
        "D": "IT.HW",
        "E": None,
    }


def test_fuzzy_match_is_listed_and_can_be_split_off(client, company):
    dell = company.suppliers[0]
    import_file(csv_bytes("2026-01-15,Dell Technologies UK Ltd,10,GBP,MFG,,,,"))
    line = SpendLine.objects.get()
    assert line.supplier == dell and line.supplier_name_in_file == "Dell Technologies UK Ltd"
    alias = SupplierAlias.objects.get()
    assert (alias.supplier, alias.confirmed) == (dell, False)
    client.force_login(company.manager)
    page = client.get(reverse("spend:supplier_matches"))
    assert list(page.context["page"]) == [alias]
    client.post(reverse("spend:supplier_matches"), {"alias": alias.pk, "action": "split"})
    line.refresh_from_db()
    assert line.supplier.name == "Dell Technologies UK Ltd" and line.supplier != dell


def test_confirmed_alias_matches_the_next_file_without_fuzzing(client, company):
    import_file(csv_bytes("2026-01-15,Dell Technologies UK Ltd,10,GBP,MFG,,,,"))
    client.force_login(company.manager)
    alias = SupplierAlias.objects.get()
    client.post(reverse("spend:supplier_matches"), {"alias": alias.pk, "action": "confirm"})
    job = import_file(
        csv_bytes("2026-02-15,DELL TECHNOLOGIES (UK) LTD.,10,GBP,MFG,,,,"), name="b.csv"
    )
    assert job.summary["suppliers"]["alias"] == 1
    assert Supplier.objects.count() == 3


def test_fx_rates_import_and_convert_lines(client, company):
    client.force_login(company.administrator)
    rates = b"currency,month,rate\nEUR,2026-01,0.85\nUSD,2026-01,0.80\n"
    client.post(reverse("spend:exchange_rates"), {"file": SimpleUploadedFile("fx.csv", rates)})
    assert ExchangeRate.objects.get(currency="USD").rate == Decimal("0.80")
    job = import_file(csv_bytes("2026-01-31,Dell Technologies Ltd,100,USD,MFG,,,,"))
    line = SpendLine.objects.get()
    assert job.status == ImportJob.STORED
    assert (line.amount, line.original_amount, line.currency) == (Decimal("80.00"), 100, "USD")
    assert ExchangeRate.objects.get(currency="EUR").month == datetime.date(2026, 1, 1)


def test_bad_fx_file_saves_nothing_and_names_the_row(client, company):
    client.force_login(company.administrator)
    rates = b"currency,month,rate\nEUR,2026-01,0.85\nXXQ,2026-13,-1\n"
    response = client.post(
        reverse("spend:exchange_rates"), {"file": SimpleUploadedFile("fx.csv", rates)}
    )
    assert "Row 3" in response.context["form"].errors["file"][0]
    assert not ExchangeRate.objects.exists()


def test_gl_account_and_keyword_rules_are_added_on_the_rules_page(client, company):
    client.force_login(company.manager)
    url = reverse("spend:classification_rules")
    client.post(url, {"kind": "gl_account", "value": "6100", "category": "IT.HW"})
    client.post(url, {"kind": "keyword", "value": "licence", "category": "IT.SW"})
    refused = client.post(url, {"kind": "keyword", "value": "mop", "category": "FM.CLEAN"})
    assert "only for categories you own" in refused.context["form"].errors["category"][0]
    page = client.get(url)
    assert [str(rule) for rule in page.context["rules"]] == [
        "GL account 6100 → IT.HW",
        "Keyword in description 'licence' → IT.SW",
    ]
    import_file(
        csv_bytes(
            "2026-01-01,Other Ltd,1,GBP,FIN,,6100,,A",
            "2026-01-01,Other Ltd,2,GBP,FIN,,7000,Annual Licence fee,B",
        )
    )
    assert dict(SpendLine.objects.values_list("document_reference", "category__code")) == {
        "A": "IT.HW",
        "B": "IT.SW",
    }


def test_a_gl_account_longer_than_the_rule_holds_is_refused_with_a_message(client, company):
    client.force_login(company.manager)
    url = reverse("spend:classification_rules")
    response = client.post(url, {"kind": "gl_account", "value": "6" * 41, "category": "IT.HW"})
    assert response.status_code == 200
    assert "at most 40 characters" in response.context["form"].errors["value"][0]
    assert not ClassificationRule.objects.exists()


def workbook_with_a_cover_sheet() -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    cover = workbook.active
    cover.title = "Summary"
    cover.append(["Spend by supplier, January 2026"])
    cover.append(["Supplier", "Total"])
    cover.append(["Dell Technologies Ltd", 1200.5])
    lines = workbook.create_sheet("AP lines")
    lines.append(HEADER.split(","))
    lines.append(
        ["2026-01-15", "Dell Technologies Ltd", 1200.5, "GBP", "MFG", "IT.HW", 6100, "", "I1"]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_workbook_is_read_from_the_sheet_of_lines_and_another_can_be_chosen(client, company):
    client.force_login(company.manager)
    upload(client, workbook_with_a_cover_sheet(), name="january.xlsx")
    job = ImportJob.objects.get()
    assert (job.sheets, job.sheet) == (["Summary", "AP lines"], "AP lines")
    page = client.get(job.get_absolute_url())
    assert 'option value="Summary"' in page.content.decode()
    assert page.context["headers"] == HEADER.split(",")

    client.post(reverse("spend:import_sheet", args=[job.pk]), {"sheet": "Summary"})
    job.refresh_from_db()
    assert (job.sheet, job.headers) == ("Summary", ["Spend by supplier, January 2026"])
    refused = client.post(reverse("spend:import_sheet", args=[job.pk]), {"sheet": "Nope"})
    assert refused.status_code == 302
    job.refresh_from_db()
    assert job.sheet == "Summary"

    client.post(reverse("spend:import_sheet", args=[job.pk]), {"sheet": "AP lines"})
    client.post(job.get_absolute_url(), mapping_post())
    job = run_job(job.pk)
    assert job.status == ImportJob.STORED, job.message
    assert SpendLine.objects.get(document_reference="I1").amount == Decimal("1200.50")
