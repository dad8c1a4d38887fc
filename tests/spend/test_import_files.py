"""Real-world file troubles: each imported right or refused with a clear message."""

import datetime
import io
from decimal import Decimal

import pytest
from openpyxl import Workbook

from spend.importing.reading import UnreadableFile
from spend.importing.storing import ImportRefused, save_upload
from spend.models import ImportBatch, ImportJob, SpendLine
from tests.spend.import_support import HEADER, csv_bytes, import_file, imports_in_tmp

__all__ = ["imports_in_tmp"]
pytestmark = pytest.mark.django_db

GOOD = "2026-01-15,Dell Technologies Ltd,1200.50,GBP,MFG,IT.HW,6100,Laptops,INV-1"
OTHER = "2026-01-20,Softcat plc,300.00,GBP,FIN,IT.SW,6200,Licences,INV-2"


def stored_amounts():
    return sorted(SpendLine.objects.values_list("amount", flat=True))


def test_plain_file_stores_every_line_with_its_fields(company):
    job = import_file(csv_bytes(GOOD, OTHER))
    assert job.status == ImportJob.STORED, job.message
    line = SpendLine.objects.get(document_reference="INV-1")
    assert line.date == datetime.date(2026, 1, 15)
    assert line.amount == Decimal("1200.50")
    assert line.supplier == company.suppliers[0]
    assert line.category == company.hardware
    assert line.business_unit == company.manufacturing
    assert (line.gl_account, line.description) == ("6100", "Laptops")
    assert job.batch.line_count == 2


def test_utf8_byte_order_mark_is_read(company):
    job = import_file(b"\xef\xbb\xbf" + csv_bytes(GOOD))
    assert job.status == ImportJob.STORED, job.message
    assert stored_amounts() == [Decimal("1200.50")]


def test_cp1252_file_keeps_its_accents(company):
    row = "2026-01-15,Société Générale Café,10.00,GBP,MFG,,,Déjeuner,INV-9"
    job = import_file(csv_bytes(row, encoding="cp1252"))
    assert job.status == ImportJob.STORED, job.message
    assert SpendLine.objects.get().supplier.name == "Société Générale Café"


def test_semicolons_and_decimal_commas(company):
    row = "15/01/2026;Dell Technologies Ltd;1.234,56;EUR;MFG;;;Laptops;INV-1"
    header = HEADER.replace(",", ";")
    data = (header + "\n" + row + "\n").encode()
    from spend.models import ExchangeRate

    ExchangeRate.objects.create(currency="EUR", month=datetime.date(2026, 1, 1), rate="0.85")
    job = import_file(data, date_format="day_first", decimal_comma=True)
    assert job.status == ImportJob.STORED, job.message
    line = SpendLine.objects.get()
    assert line.original_amount == Decimal("1234.56")
    assert line.amount == Decimal("1049.38")  # 1234.56 x 0.85 = 1049.376
    assert line.currency == "EUR"


def test_decimal_comma_amount_under_a_decimal_point_mapping_is_a_row_error(company):
    job = import_file(csv_bytes('2026-01-15,Dell Technologies Ltd,"1.234,56",GBP,MFG,,,,'))
    assert job.status == ImportJob.REJECTED
    assert "is the decimal separator a comma" in job.errors[0]["problem"]


def test_excel_serial_dates(company):
    job = import_file(csv_bytes("46037,Dell Technologies Ltd,10,GBP,MFG,,,,"), date_format="excel")
    assert job.status == ImportJob.STORED, job.message
    assert SpendLine.objects.get().date == datetime.date(2026, 1, 15)


def test_blank_trailing_rows_are_ignored(company):
    job = import_file(csv_bytes(GOOD, ",,,,,,,,", "", ",,,,,,,,"))
    assert job.status == ImportJob.STORED, job.message
    assert SpendLine.objects.count() == 1


def test_repeated_header_row_is_skipped(company):
    job = import_file(csv_bytes(GOOD, HEADER, OTHER))
    assert job.status == ImportJob.STORED, job.message
    assert SpendLine.objects.count() == 2


def test_total_row_at_the_bottom_is_not_a_line(company):
    job = import_file(csv_bytes(GOOD, OTHER, ",Total,1500.50,,,,,,"))
    assert job.status == ImportJob.STORED, job.message
    assert SpendLine.objects.count() == 2
    assert job.summary["total_rows_skipped"] == 1


def test_missing_required_column_is_refused_by_name(company):
    header = "Invoice Date,Vendor Name,Currency,Cost Centre"
    job = import_file(csv_bytes("2026-01-15,Dell,GBP,MFG", header=header))
    assert job.status == ImportJob.REJECTED
    assert "'Net Amount'" in job.message and "required column is missing" in job.message
    assert not SpendLine.objects.exists()


def test_file_with_a_header_and_no_rows_is_refused_on_upload(company):
    with pytest.raises(ImportRefused, match="The file has a header but no lines"):
        import_file(csv_bytes())
    assert not ImportJob.objects.exists() and not ImportBatch.objects.exists()


@pytest.mark.parametrize("data", [b"", b"\n\n  \n"])
def test_empty_and_zero_byte_uploads_are_refused(company, data):
    with pytest.raises(UnreadableFile, match="empty|nothing to import"):
        save_upload(data, "spend.csv", None)


def test_non_spreadsheet_renamed_xlsx_is_refused(company):
    with pytest.raises(UnreadableFile, match="not an Excel workbook"):
        save_upload(b"%PDF-1.4 this is a PDF", "spend.xlsx", None)
    with pytest.raises(UnreadableFile, match="not a readable Excel workbook"):
        save_upload(b"PK\x03\x04 a broken zip", "spend.xlsx", None)


def test_excel_workbook_imports_with_date_cells_and_numbers(company):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER.split(","))
    sheet.append(
        [
            datetime.datetime(2026, 1, 15),
            "Dell Technologies Ltd",
            1200.5,
            "GBP",
            "MFG",
            "IT.HW",
            6100,
            "Laptops",
            "INV-1",
        ]
    )
    sheet.append([None] * 9)
    buffer = io.BytesIO()
    workbook.save(buffer)
    job = import_file(buffer.getvalue(), name="spend.xlsx")
    assert job.status == ImportJob.STORED, job.message
    line = SpendLine.objects.get()
    assert (line.date, line.amount, line.gl_account) == (
        datetime.date(2026, 1, 15),
        Decimal("1200.50"),
        "6100",
    )


def test_file_with_one_bad_row_stores_nothing_and_says_where(company):
    job = import_file(csv_bytes(GOOD, "2026-02-30,Softcat plc,12x,GBP,NOPE,,,,", OTHER))
    assert job.status == ImportJob.REJECTED
    assert not SpendLine.objects.exists() and not ImportBatch.objects.exists()
    problems = {(e["row"], e["column"]) for e in job.errors}
    assert problems == {(3, "Invoice Date"), (3, "Net Amount"), (3, "Cost Centre")}
    assert job.errors[0]["value"] == "2026-02-30"
    assert "Row,Invoice Date" in job.rejected_rows and "12x" in job.rejected_rows


def test_choosing_to_store_valid_rows_keeps_the_rejected_ones(company):
    job = import_file(csv_bytes(GOOD, "2026-01-15,,5,GBP,MFG,,,,", OTHER), store_valid_rows=True)
    assert job.status == ImportJob.STORED, job.message
    assert SpendLine.objects.count() == 2
    assert job.error_count == 1 and "the supplier is empty" in job.rejected_rows


def test_unknown_currency_and_missing_rate_are_row_errors(company):
    job = import_file(
        csv_bytes(
            "2026-01-15,Dell Technologies Ltd,10,UKP,MFG,,,,",
            "2026-01-15,Dell Technologies Ltd,10,USD,MFG,,,,",
        )
    )
    problems = [e["problem"] for e in job.errors]
    assert "not an ISO 4217 currency code" in problems[0]
    assert "no USD→GBP rate for January 2026" in problems[1]


def test_credit_notes_are_negative(company):
    job = import_file(
        csv_bytes(
            "2026-01-15,Dell Technologies Ltd,-50.00,GBP,MFG,,,,",
            "2026-01-16,Dell Technologies Ltd,(25.00),GBP,MFG,,,,",
        )
    )
    assert job.status == ImportJob.STORED, job.message
    assert stored_amounts() == [Decimal("-50.00"), Decimal("-25.00")]


def test_the_same_file_twice_is_refused_pointing_to_the_first_batch(company):
    first = import_file(csv_bytes(GOOD))
    with pytest.raises(ImportRefused, match=f"as batch {first.batch_id}"):
        save_upload(csv_bytes(GOOD), "copy-of-spend.csv", None)


def test_undo_removes_exactly_the_batch_lines(company_with_spend):
    before = SpendLine.objects.count()
    job = import_file(csv_bytes(GOOD, OTHER))
    assert SpendLine.objects.count() == before + 2
    from spend.importing.storing import undo_batch

    assert undo_batch(job) == 2
    assert SpendLine.objects.count() == before
    assert job.status == ImportJob.UNDONE
    # Undone, the file may come in again.
    assert import_file(csv_bytes(GOOD, OTHER), name="again.csv").status == ImportJob.STORED


def test_the_cube_summary_follows_imports_and_undo(company_with_spend):
    from django.db.models import Sum

    from spend.importing.storing import undo_batch
    from spend.models import SpendSummary
    from spend.summary import refresh_spend_summary

    refresh_spend_summary()

    def totals():
        return (
            SpendSummary.objects.aggregate(total=Sum("spend"))["total"],
            SpendLine.objects.aggregate(total=Sum("amount"))["total"],
        )

    before = totals()
    job = import_file(csv_bytes(GOOD, OTHER))
    summary_total, line_total = totals()
    assert summary_total == line_total == before[1] + Decimal("1500.50")
    undo_batch(job)
    assert totals() == before
