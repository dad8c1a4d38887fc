"""Turn the bytes of an uploaded CSV or Excel file into a header and rows of text cells."""

import csv
import datetime
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field

import pyarrow as pa

EXCEL_SUFFIXES = (".xlsx", ".xlsm")
ZIP_MAGIC = b"PK\x03\x04"
DELIMITERS = (",", ";", "\t", "|")


class UnreadableFile(ValueError):
    """The file as a whole cannot be imported; the message says why in the user's words."""


@dataclass
class Table:
    headers: list[str]
    # (row number as a spreadsheet shows it, cells); blank rows and repeated headers left out
    rows: Iterator[tuple[int, list[str]]]
    estimated_rows: int
    # A workbook's sheets, and the one read.
    sheets: list[str] = field(default_factory=list)
    sheet: str = ""


def content_kind(data: bytes, file_name: str) -> str:
    """'xlsx' or 'csv', refusing files that are neither before any parsing is attempted."""
    if not data:
        raise UnreadableFile("The file is empty (0 bytes): nothing to import.")
    if file_name.lower().endswith(EXCEL_SUFFIXES) or data.startswith(ZIP_MAGIC):
        if not data.startswith(ZIP_MAGIC):
            raise UnreadableFile(
                f"{file_name} is not an Excel workbook (.xlsx), whatever its name says. "
                "Save it from Excel as .xlsx or as CSV and upload it again."
            )
        return "xlsx"
    if b"\x00" in data[:4096]:
        raise UnreadableFile(
            f"{file_name} is not a CSV text file (it holds binary data). "
            "Upload a CSV or an Excel .xlsx file."
        )
    return "csv"


def text_encoding(data: bytes) -> str:
    """UTF-8 (with or without the byte-order mark Excel writes), else Windows-1252, the encoding
    of most CSV files saved by Excel on a British or Western European PC."""
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    return "utf-8" if is_utf8(data) else "cp1252"


def is_utf8(data: bytes) -> bool:
    """Whether the bytes are valid UTF-8, checked by Arrow in place: decoding a large file in
    Python only to find out would build the whole text once for nothing."""
    offsets = pa.array([0, len(data)], pa.int64()).buffers()[1]
    text = pa.Array.from_buffers(pa.large_string(), 1, [None, offsets, pa.py_buffer(data)])
    try:
        text.validate(full=True)
    except pa.ArrowInvalid:
        return False
    return True


def decode_text(data: bytes) -> str:
    return data.decode(text_encoding(data), errors="replace")


def sniff_delimiter(first_line: str) -> str:
    """The separator used most in the header line: comma, semicolon (continental Excel), tab."""
    counts = {delimiter: first_line.count(delimiter) for delimiter in DELIMITERS}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def _is_blank(cells: list[str]) -> bool:
    return not any(cell.strip() for cell in cells)


def _clean_rows(rows, headers: list[str]):
    normalised_headers = [h.strip().lower() for h in headers]
    first_header = normalised_headers[0] if normalised_headers else ""
    for number, cells in rows:
        cells = list(map(str.strip, cells))
        if not any(cells):
            continue
        # Exports glued together from several runs repeat the header line.
        if cells[0].lower() == first_header and [c.lower() for c in cells] == normalised_headers:
            continue
        yield number, cells


def _read_csv(data: bytes) -> Table:
    # Decoded as it is read: a file of a million rows is not held twice as text.
    handle = io.TextIOWrapper(
        io.BytesIO(data), encoding=text_encoding(data), errors="replace", newline=""
    )
    first_line = next((line for line in handle if line.strip()), None)
    if first_line is None:
        raise UnreadableFile("The file has no header row and no data: nothing to import.")
    handle.seek(0)
    reader = csv.reader(handle, delimiter=sniff_delimiter(first_line))
    headers = None
    for cells in reader:
        if not _is_blank(cells):
            headers = [cell.strip() for cell in cells]
            break

    def rows():
        for cells in reader:
            yield reader.line_num, cells

    return Table(headers, _clean_rows(rows(), headers), max(data.count(b"\n") - 1, 1))


def _excel_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _first_row(values) -> tuple[int, list[str] | None]:
    """The row number and cells of the first non-blank row, trailing empty cells dropped."""
    number = 0
    for row in values:
        number += 1
        cells = [_excel_text(value) for value in row]
        if not _is_blank(cells):
            headers = [cell.strip() for cell in cells]
            while headers and not headers[-1]:
                headers.pop()
            return number, headers
    return number, None


# Only the top of a sheet is looked at to judge whether it holds the spend lines.
HEADER_ROWS_LOOKED_AT = 20


def likeliest_sheet(workbook) -> str:
    """The sheet that looks most like spend lines: the one whose header row names the most
    spend fields (date, supplier, amount…), the first on a tie, the first sheet when none does.
    Exports often open on a cover or summary sheet."""
    from spend.importing.mapping import propose_columns

    best, best_fields = workbook.sheetnames[0], 0
    for name in workbook.sheetnames:
        top = workbook[name].iter_rows(max_row=HEADER_ROWS_LOOKED_AT, values_only=True)
        _, headers = _first_row(top)
        fields = len(propose_columns(headers)) if headers else 0
        if fields > best_fields:
            best, best_fields = name, fields
    return best


def _read_xlsx(data: bytes, file_name: str, sheet: str | None = None) -> Table:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise UnreadableFile(
            f"{file_name} is not a readable Excel workbook ({error.__class__.__name__}). "
            "Save it from Excel as .xlsx or as CSV and upload it again."
        ) from None
    if sheet and sheet not in workbook.sheetnames:
        raise UnreadableFile(f"The workbook has no sheet called {sheet!r}.")
    sheet = sheet or likeliest_sheet(workbook)
    worksheet = workbook[sheet]
    values = worksheet.iter_rows(values_only=True)
    number, headers = _first_row(values)
    if headers is None:
        raise UnreadableFile(f"The workbook's sheet {sheet!r} is empty: nothing to import.")

    def rows():
        for offset, row in enumerate(values, start=number + 1):
            yield offset, [_excel_text(value) for value in row][: len(headers)]

    return Table(
        headers,
        _clean_rows(rows(), headers),
        max((worksheet.max_row or 2) - number, 1),
        sheets=list(workbook.sheetnames),
        sheet=sheet,
    )


def read_table(data: bytes, file_name: str, sheet: str | None = None) -> Table:
    """The file's header and its non-blank rows; UnreadableFile when it is not a spreadsheet.
    For a workbook, the named sheet, else the one that looks most like spend lines."""
    if content_kind(data, file_name) == "xlsx":
        table = _read_xlsx(data, file_name, sheet)
    else:
        table = _read_csv(data)
    if not table.headers or not any(table.headers):
        raise UnreadableFile("The file has no header row: nothing to import.")
    return table
