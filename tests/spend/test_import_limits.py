"""Files an import must refuse fast and clearly, and cells it must report, never a 500: a
workbook that unpacks to millions of empty rows or to hundreds of megabytes of text (refused
before anything is parsed, the message naming the limit), a CSV cell longer than the csv
module reads, control characters such as NUL (PostgreSQL stores no NUL in text), and a file
with a header and no lines."""

import io
import time
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from spend.importing.columnar import NeedsRowCheck, check_columns
from spend.importing.mapping import MappingSpec
from spend.importing.reading import read_table
from spend.importing.storing import load_reference, run_job, save_upload
from spend.models import ColumnMapping, ImportBatch, ImportJob, SpendLine
from tests.spend.import_support import COLUMNS, HEADER, csv_bytes, import_file, imports_in_tmp

__all__ = ["imports_in_tmp"]
pytestmark = pytest.mark.django_db

GOOD = "2026-01-15,Dell Technologies Ltd,1200.50,GBP,MFG,IT.HW,6100,Laptops,INV-1"
OTHER = "2026-01-20,Dell Technologies Ltd,300.00,GBP,MFG,IT.HW,6100,Docks,INV-2"
LATER = "2026-01-25,Dell Technologies Ltd,99.00,GBP,MFG,IT.HW,6100,Mice,INV-3"


def upload(client, data, name="spend.csv"):
    return client.post(reverse("spend:imports"), {"file": SimpleUploadedFile(name, data)})


def refusal(response) -> str:
    assert response.status_code == 200
    return " ".join(response.context["form"].errors["file"])


def workbook_bytes(rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def with_member(data: bytes, name: str, write) -> bytes:
    """The workbook with its member `name` written by `write(old_text, stream)`: a few hundred
    megabytes of XML go straight into the zip, compressed, never held in memory whole."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        names = source.namelist()
        for member in names + ([name] if name not in names else []):
            old = source.read(member) if member in names else b""
            if member == name:
                with target.open(member, "w", force_zip64=True) as stream:
                    write(old, stream)
            else:
                target.writestr(member, old)
    return out.getvalue()


def mapped_and_run(job: ImportJob) -> ImportJob:
    job.mapping = ColumnMapping.objects.create(
        name="ERP", columns=COLUMNS, date_format="iso", default_currency=""
    )
    job.status = ImportJob.QUEUED
    job.save()
    return run_job(job.pk)


def header_row():
    return HEADER.split(",")


def test_a_workbook_of_two_million_empty_rows_is_refused_on_upload_at_once(client, company):
    def empty_rows(sheet, stream):
        head, tail = sheet.split(b"</sheetData>")
        stream.write(head)
        for _ in range(20):
            stream.write(b"<row/>" * 100_000)
        stream.write(b"</sheetData>" + tail)

    bomb = with_member(
        workbook_bytes([header_row(), GOOD.split(",")]), "xl/worksheets/sheet1.xml", empty_rows
    )
    assert len(bomb) < 300 * 1024
    client.force_login(company.manager)

    started = time.perf_counter()
    message = refusal(upload(client, bomb, "ledger.xlsx"))

    assert time.perf_counter() - started < 10  # it took 57 seconds before any cap
    assert message == (
        "This workbook has a sheet of more than 1,048,576 rows; the most an import takes is "
        "1,048,576. Save the sheet as CSV or split it."
    )
    assert not ImportJob.objects.exists()


def test_a_workbook_whose_shared_strings_unpack_past_the_limit_is_refused(client, company):
    def huge_strings(_, stream):
        stream.write(b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
        text = b"<si><t>" + b"x" * (1 << 20) + b"</t></si>"
        for _ in range(210):
            stream.write(text)
        stream.write(b"</sst>")

    bomb = with_member(
        workbook_bytes([header_row(), GOOD.split(",")]), "xl/sharedStrings.xml", huge_strings
    )
    assert len(bomb) < 1024 * 1024
    client.force_login(company.manager)

    started = time.perf_counter()
    message = refusal(upload(client, bomb, "ledger.xlsx"))

    assert time.perf_counter() - started < 5
    assert message == (
        "This workbook unpacks to 210 MB; the most an import takes is 200 MB. "
        "Save the sheet as CSV or split it."
    )
    assert not ImportJob.objects.exists()


def test_the_limits_come_from_the_settings(company, settings):
    settings.IMPORT_MAX_ROWS = 10
    workbook = workbook_bytes([header_row(), *[GOOD.split(",")] * 12])
    with pytest.raises(ValueError, match="more than 10 rows; the most an import takes is 10"):
        save_upload(workbook, "ledger.xlsx", None)
    settings.IMPORT_MAX_FILE_BYTES = 1024
    with pytest.raises(
        ValueError, match=r"This file is 1\.\d KB; the most an import takes is 1 KB"
    ):
        save_upload(csv_bytes(*[GOOD] * 20), "ledger.csv", None)
    assert not ImportJob.objects.exists()


def test_the_mapping_page_of_a_file_kept_before_a_lower_limit_refuses_it_cleanly(
    client, company, settings
):
    job = save_upload(
        workbook_bytes([header_row(), GOOD.split(",")]), "ledger.xlsx", company.manager
    )
    settings.IMPORT_MAX_UNPACKED_BYTES = 1024
    client.force_login(company.manager)

    page = client.get(job.get_absolute_url())

    assert page.status_code == 200
    assert b"This workbook unpacks to" in page.content
    assert b"the most an import takes is 1 KB" in page.content
    job.refresh_from_db()
    assert job.status == ImportJob.REJECTED


def test_a_header_cell_longer_than_the_csv_reader_takes_is_refused_with_a_message(client, company):
    client.force_login(company.manager)
    data = csv_bytes(GOOD, header=HEADER.replace("Description", "D" * 200_000))
    assert refusal(upload(client, data)) == (
        "The header of column 8 is 200,000 characters long; the most a cell may hold is "
        "131,072. Is this the export of spend lines?"
    )
    assert not ImportJob.objects.exists()


def test_a_data_cell_longer_than_the_csv_reader_takes_is_a_row_error_and_the_rest_is_read(
    client, company
):
    long_cell = GOOD.replace("Laptops", "L" * 200_000)
    data = csv_bytes(GOOD, long_cell, OTHER, "2026-01-25,,5,GBP,MFG,,,,INV-4")
    job = save_upload(data, "spend.csv", company.manager)
    client.force_login(company.manager)
    assert client.get(job.get_absolute_url()).status_code == 200  # the mapping page

    job = mapped_and_run(job)

    assert job.status == ImportJob.REJECTED
    assert [(e["row"], e["column"], e["problem"]) for e in job.errors] == [
        (
            3,
            "Description",
            "the cell is 200,000 characters long; the most a cell may hold is 131,072",
        ),
        (5, "Vendor Name", "the supplier is empty"),  # the rows after it were read
    ]
    assert job.errors[0]["value"] == "L" * 80 + "…"
    assert not SpendLine.objects.exists()


@pytest.mark.parametrize("character", ["\x00", "\x07", "\x1b", "\x7f"])
def test_a_control_character_in_a_cell_is_a_row_error_naming_the_cell(
    client, company, character, django_capture_on_commit_callbacks
):
    shown = "\u2421" if character == "\x7f" else chr(0x2400 + ord(character))
    bad = GOOD.replace("INV-1", "INV-9").replace("Laptops", f"Lap{character}tops")
    job = import_file(csv_bytes(GOOD.replace("INV-1", "INV-0"), bad, OTHER), user=company.manager)

    assert job.status == ImportJob.REJECTED, job.message
    assert job.errors == [
        {
            "row": 3,
            "column": "Description",
            "value": f"Lap{shown}tops",
            "problem": f"the cell holds a control character ({shown} at character 4), which "
            "no spend field may hold: remove it",
        }
    ]
    assert f"Lap{shown}tops" in job.rejected_rows  # kept as text the database can store
    client.force_login(company.manager)
    assert "which no spend field may hold" in client.get(job.get_absolute_url()).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("spend:import_store_valid", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportJob.STORED, job.message
    assert sorted(SpendLine.objects.values_list("description", flat=True)) == ["Docks", "Laptops"]


def test_tabs_and_line_breaks_in_a_cell_are_stored(company):
    job = import_file(csv_bytes(GOOD.replace("Laptops", '"Lap\ttops\r\nand docks"')))
    assert job.status == ImportJob.STORED, job.message
    assert SpendLine.objects.get().description == "Lap\ttops\r\nand docks"


def test_a_binary_file_is_still_refused_as_one(client, company):
    client.force_login(company.manager)
    assert "holds binary data" in refusal(upload(client, b"\x00\x01\x02\x03" * 500))


def test_a_control_character_in_the_header_refuses_the_upload(client, company):
    client.force_login(company.manager)
    data = csv_bytes(GOOD, header=HEADER.replace("Description", "Descr\x1bption"))
    assert refusal(upload(client, data)).startswith(
        "The header of column 8 holds a control character (\u241b)"
    )


@pytest.mark.parametrize(
    "cell", ["Lap\x00tops", "L" * 131_073], ids=["control character", "long cell"]
)
def test_the_columnar_check_hands_such_files_to_the_row_check(company, cell):
    data = csv_bytes(GOOD, GOOD.replace("Laptops", cell).replace("INV-1", "INV-2"))
    table = read_table(data, "spend.csv")
    spec = MappingSpec(columns=COLUMNS, date_format="iso")
    with pytest.raises(NeedsRowCheck):
        check_columns(data, table.headers, spec, load_reference())
    assert check_columns(csv_bytes(GOOD), table.headers, spec, load_reference()).lines.num_rows


def test_a_file_with_a_header_and_no_lines_says_so_on_upload(client, company):
    client.force_login(company.manager)
    assert refusal(upload(client, csv_bytes())) == (
        "The file has a header but no lines: nothing to import."
    )
    workbook = workbook_bytes([header_row()])
    assert refusal(upload(client, workbook, "ledger.xlsx")) == (
        "The file has a header but no lines: nothing to import."
    )
    assert not ImportJob.objects.exists()


def test_a_file_of_only_a_total_row_is_refused_for_having_no_lines_not_for_errors(client, company):
    job = import_file(csv_bytes(",,1500.50,,,,,Total,"), user=company.manager)
    assert job.status == ImportJob.REJECTED
    assert job.message == "The file has a header but no lines: nothing to import."
    client.force_login(company.manager)
    page = client.get(job.get_absolute_url()).content.decode()
    assert "rows with errors" not in page
    assert "has a header but no lines" in page
    assert not ImportBatch.objects.exists()
