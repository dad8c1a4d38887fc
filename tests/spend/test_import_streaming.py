"""A CSV import read and stored a block at a time: the blocks here are a few kilobytes, so a
file of two thousand lines spans dozens of them, and what is stored, refused and reported must
be exactly what reading the file whole gives."""

import contextlib
import io
import time
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Sum
from django.urls import reverse

from spend.importing import heartbeat, storing
from spend.importing.reading import read_table
from spend.importing.storing import undo_batch
from spend.importing.streaming import CsvBlocks, UnsureRowEnds, row_end
from spend.models import ImportBatch, ImportJob, SpendLine, SpendSummary
from suppliers.models import Supplier
from tests.spend.import_support import HEADER, csv_bytes, import_file, imports_in_tmp

__all__ = ["imports_in_tmp"]
pytestmark = pytest.mark.django_db

SUPPLIERS = ["Dell Technologies Ltd", "Softcat plc", "Northern Cables Ltd", "Acme Widgets Ltd"]


@pytest.fixture(autouse=True)
def small_blocks(settings):
    settings.IMPORT_BLOCK_BYTES = 4096  # about fifty lines a block
    settings.IMPORT_STORE_ROWS = 300  # and the lines stored in pieces of a few hundred


def ledger(count: int, odd=None) -> tuple[list[str], Decimal]:
    """`count` lines of four suppliers, and their total; `odd(index)` may give a line instead."""
    rows, total = [], Decimal(0)
    for index in range(count):
        amount = Decimal(index % 997) + Decimal(index % 100) / 100 - 40
        row = (
            f"2026-{index % 12 + 1:02d}-{index % 28 + 1:02d},{SUPPLIERS[index % 4]},{amount},"
            f"GBP,MFG,IT.HW,6100,Line {index},INV-{index:05d}"
        )
        if odd and (other := odd(index)):
            row, amount = other
        rows.append(row)
        total += amount
    return rows, total


def test_a_file_of_many_blocks_stores_every_line_with_exact_totals(company):
    rows, total = ledger(2000)
    data = csv_bytes(*rows)
    assert len(data) > 30 * 4096

    job = import_file(data)

    assert job.status == ImportJob.STORED, job.message
    assert job.lines_stored == 2000 == SpendLine.objects.count()
    assert job.summary["rows_read"] == 2000
    assert SpendLine.objects.aggregate(total=Sum("amount"))["total"] == total
    assert SpendSummary.objects.aggregate(total=Sum("spend"))["total"] == total
    assert SpendSummary.objects.aggregate(lines=Sum("lines"))["lines"] == 2000
    stored = set(SpendLine.objects.values_list("supplier__name", flat=True))
    assert stored == set(SUPPLIERS)
    assert job.summary["suppliers_in_file"] == 4
    references = SpendLine.objects.values_list("document_reference", flat=True)
    assert sorted(references) == [f"INV-{index:05d}" for index in range(2000)]


def test_blocks_that_need_the_row_check_and_blocks_that_do_not_store_the_same_lines(company):
    def odd(index):
        # Credit notes in brackets and a total row send a block through the row-by-row check.
        if index % 500 == 7:
            return (
                f"2026-03-01,Softcat plc,(12.50),GBP,MFG,IT.HW,6100,Credit,CN-{index}",
                Decimal("-12.50"),
            )
        return None

    rows, total = ledger(2000, odd)
    job = import_file(csv_bytes(*rows, ",,,,,,,Total:,99999"))

    assert job.status == ImportJob.STORED, job.message
    assert job.lines_stored == 2000
    assert job.summary["total_rows_skipped"] == 1
    assert SpendLine.objects.aggregate(total=Sum("amount"))["total"] == total
    assert SpendLine.objects.filter(document_reference__startswith="CN-").count() == 4


def test_a_bad_row_in_the_last_block_stores_nothing_from_the_blocks_before(company):
    rows, _ = ledger(2000)
    rows[-1] = rows[-1].replace("2026-", "2026/13/")

    job = import_file(csv_bytes(*rows))

    assert job.status == ImportJob.REJECTED
    assert [(error["row"], error["column"]) for error in job.errors] == [(2001, "Invoice Date")]
    assert not SpendLine.objects.exists()
    assert not SpendSummary.objects.exists()
    assert not ImportBatch.objects.exists()
    assert not Supplier.objects.filter(
        name__in=["Northern Cables Ltd", "Acme Widgets Ltd"]
    ).exists()


def test_row_numbers_in_errors_are_the_file_s_lines_across_block_borders(company):
    def odd(index):
        if index % 150 == 3:  # a cell over two lines: the line numbers after it move by one
            return (
                f'2026-02-02,Softcat plc,5.00,GBP,MFG,IT.HW,6100,"Two\r\nlines",ML-{index}',
                Decimal(5),
            )
        if index % 170 == 11:
            return (f"2026-02-02,,5.00,GBP,MFG,IT.HW,6100,No supplier,NS-{index}", Decimal(0))
        return None

    rows, _ = ledger(2000, odd)
    data = csv_bytes(*rows)
    whole = read_table(data, "spend.csv", limits=storing.import_limits())
    expected = [number for number, cells in whole.rows if cells[1] == ""]
    assert len(expected) == 12

    job = import_file(data, store_valid_rows=True)

    assert [error["row"] for error in job.errors] == expected
    assert {error["problem"] for error in job.errors} == {"the supplier is empty"}
    assert job.status == ImportJob.STORED, job.message
    assert job.lines_stored == 2000 - 12
    assert SpendLine.objects.filter(description="Two\r\nlines").count() == 14


def test_progress_moves_through_the_check_and_through_the_store(company, monkeypatch):
    checked, stored = [], []
    report = storing._progress

    def recording_progress(job, **fields):
        if "rows_done" in fields and "message" not in fields and "status" not in fields:
            checked.append(fields["rows_done"])
        report(job, **fields)

    class RecordingPulse(heartbeat.Pulse):
        def __setattr__(self, name, value):
            stored.append(value)
            super().__setattr__(name, value)

    @contextlib.contextmanager
    def beating(job_id):
        yield RecordingPulse()

    monkeypatch.setattr(storing, "_progress", recording_progress)
    monkeypatch.setattr(storing, "beating", beating)
    rows, _ = ledger(2000)

    job = import_file(csv_bytes(*rows))

    assert job.status == ImportJob.STORED
    assert len(checked) > 20 and checked == sorted(checked) and checked[-1] == 2000
    # Counted up piece by piece (each at least IMPORT_STORE_ROWS lines), from nothing to all.
    assert stored[0] == 0 and stored[-1] == 2000 and len(stored) > 5
    assert stored == sorted(set(stored))


@pytest.mark.django_db(transaction=True)
def test_the_heartbeat_reports_the_rows_a_transaction_has_stored(company, settings, monkeypatch):
    settings.IMPORT_HEARTBEAT_SECONDS = 5
    monkeypatch.setattr(heartbeat, "PROGRESS_SECONDS", 0.02)
    job = ImportJob.objects.create(file_name="x.csv", status=ImportJob.RUNNING)
    with heartbeat.beating(job.pk) as pulse:
        pulse.rows_done = 1234
        deadline = time.monotonic() + 5
        while ImportJob.objects.get(pk=job.pk).rows_done != 1234:
            assert time.monotonic() < deadline, "the progress never reached the job"
            time.sleep(0.02)


def test_undo_removes_every_line_of_a_streamed_import(company):
    rows, _ = ledger(2000)
    job = import_file(csv_bytes(*rows))
    assert job.summary["created"]["suppliers"]  # two suppliers new to the workbench

    assert undo_batch(job) == 2000

    assert not SpendLine.objects.exists()
    assert not SpendSummary.objects.exists()
    assert not Supplier.objects.filter(
        name__in=["Northern Cables Ltd", "Acme Widgets Ltd"]
    ).exists()


def test_a_quote_inside_an_unquoted_cell_reads_the_file_row_by_row(company):
    def odd(index):
        if index == 1500:
            return (f'2026-02-02,Softcat plc,5.00,GBP,MFG,IT.HW,6100,12" pipe,P-{index}', 5)
        return None

    rows, total = ledger(2000, odd)
    data = csv_bytes(*rows)
    with pytest.raises(UnsureRowEnds):
        row_end(data, ",")

    job = import_file(data)

    assert job.status == ImportJob.STORED, job.message
    assert job.lines_stored == 2000
    assert SpendLine.objects.aggregate(total=Sum("amount"))["total"] == total
    assert SpendLine.objects.filter(description='12" pipe').exists()


def test_a_windows_1252_file_is_read_as_such_whichever_block_holds_its_accents(company):
    rows, total = ledger(2000)
    rows[1900] = rows[1900].replace("Line 1900", "Café crème")
    data = csv_bytes(*rows, encoding="cp1252")

    job = import_file(data)

    assert job.status == ImportJob.STORED, job.message
    assert SpendLine.objects.filter(description="Café crème").count() == 1
    assert SpendLine.objects.aggregate(total=Sum("amount"))["total"] == total


def test_blocks_end_at_row_ends_outside_quoted_cells():
    assert row_end(b'a,"x\ny",b\nc,d', ",") == len(b'a,"x\ny",b\n')
    assert row_end(b'a,"x\ny', ",") == 0
    assert row_end(b'a,"say ""hi""\n",b\n', ",") == len(b'a,"say ""hi""\n",b\n')
    assert row_end(b'a;"x\n";b\nc', ";") == len(b'a;"x\n";b\n')


def test_the_header_and_its_line_number_are_read_from_the_first_block():
    data = b"\r\n\r\n" + HEADER.encode() + b"\r\n" + b"2026-01-01,A,1,GBP,MFG,,,,X\r\n" * 200
    blocks = CsvBlocks(io.BytesIO(data), "utf-8", block_bytes=256)
    assert blocks.headers == HEADER.split(",")
    first_lines = [block.first_line for block in blocks]
    assert first_lines[0] == 4  # two blank lines, then the header
    assert len(first_lines) > 10
    assert first_lines == sorted(set(first_lines))


def test_a_csv_file_may_hold_more_rows_than_a_sheet_and_its_own_limit_refuses_it(
    client, company, settings
):
    settings.IMPORT_MAX_ROWS = 10  # a workbook's rows
    rows, _ = ledger(30)
    assert import_file(csv_bytes(*rows)).status == ImportJob.STORED

    settings.IMPORT_MAX_CSV_ROWS = 25
    rows, _ = ledger(31)
    job = import_file(csv_bytes(*rows[1:]), name="more.csv")
    assert job.status == ImportJob.REJECTED
    assert job.message == (
        "This file has more than 25 rows; the most an import takes is 25. Split it, by month "
        "for instance."
    )
    assert SpendLine.objects.count() == 30


def test_an_upload_through_the_page_is_kept_whole_from_its_chunks(client, company, settings):
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024  # Django writes the upload to a temporary file
    rows, _ = ledger(2000)
    data = csv_bytes(*rows)
    client.force_login(company.manager)

    response = client.post(reverse("spend:imports"), {"file": SimpleUploadedFile("big.csv", data)})

    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert job.headers == HEADER.split(",")
    with storing.upload_open(job.stored_path) as kept:
        assert kept.read() == data


def test_the_job_page_counts_the_rows_stored_while_the_lines_are_stored(client, company):
    job = ImportJob.objects.create(
        file_name="big.csv",
        status=ImportJob.RUNNING,
        created_by=company.manager,
        rows_total=2000,
        rows_done=600,
        message=heartbeat.STORING_MESSAGE,
        summary={"storing": True},
    )
    client.force_login(company.manager)

    page = client.get(job.get_absolute_url()).content.decode()

    assert "600 of about 2,000 rows stored." in page
    assert "30%" in page


def test_the_upload_form_takes_files_up_to_the_import_s_own_limit(client, company, settings):
    rows, _ = ledger(40)
    data = csv_bytes(*rows)
    assert 2048 < len(data) < 4096
    settings.IMPORT_MAX_FILE_BYTES = 2048
    client.force_login(company.manager)

    response = client.post(reverse("spend:imports"), {"file": SimpleUploadedFile("a.csv", data)})

    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [
        f"This file is {len(data) / 1024:.1f} KB; the most an import takes is 2 KB. Split it, by "
        "month for instance."
    ]
    settings.IMPORT_MAX_FILE_BYTES = 4096
    response = client.post(reverse("spend:imports"), {"file": SimpleUploadedFile("a.csv", data)})
    assert response.status_code == 302
