"""Turn the bytes of an uploaded CSV or Excel file into a header and rows of text cells."""

import csv
import datetime
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field

EXCEL_SUFFIXES = (".xlsx", ".xlsm")
ZIP_MAGIC = b"PK\x03\x04"
DELIMITERS = (",", ";", "\t", "|")
MANGLED_BOM = "\ufeff".encode().decode("cp1252")  # "ï»¿"
# The longest cell an import reads as text: Python's csv module stops at this length by
# default. A longer header cell refuses the file; a longer data cell is a row error.
LONGEST_CELL = 131_072
# Control characters no cell may hold (PostgreSQL refuses NUL in text): C0 but tab, LF, CR; DEL.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class UnreadableFile(ValueError):
    """The file as a whole cannot be imported; the message says why in the user's words."""


@dataclass(frozen=True)
class Limits:
    """How large a file an import takes, checked before any of it is parsed: a workbook is a
    zip whose few hundred kilobytes can unpack to gigabytes or to millions of empty rows.
    A CSV file is read a block at a time (`streaming`), so it may be far longer than a sheet.
    The defaults are the settings IMPORT_MAX_FILE_BYTES, IMPORT_MAX_UNPACKED_BYTES,
    IMPORT_MAX_ROWS and IMPORT_MAX_CSV_ROWS (see `spend.importing.storing.import_limits`)."""

    # Room for a CSV export of twenty million lines and more (ten million are about 1 GB).
    file_bytes: int = 3 * 1024**3
    unpacked_bytes: int = 200 * 1024 * 1024
    # A workbook's rows: Excel's own maximum, no sheet saved by Excel has more.
    rows: int = 1_048_576
    # A CSV file's rows: what one import stores in one transaction and one partition.
    csv_rows: int = 100_000_000


def _size(count: int) -> str:
    """1.2 GB, 200 MB, 340 KB: sizes as a person reads them (powers of 1024, as Windows shows)."""
    for unit, power in (("GB", 3), ("MB", 2), ("KB", 1)):
        if count >= 1024**power:
            return f"{count / 1024**power:.1f}".removesuffix(".0") + f" {unit}"
    return f"{count} bytes"


def check_size(data: bytes, file_name: str, limits: Limits, count_rows: bool = True):
    """UnreadableFile, naming the limit, when the file is larger than an import takes. A
    workbook's unpacked size comes from its zip directory, its rows from a scan of the sheets'
    XML that stops at the limit (`count_rows`); nothing is extracted or parsed."""
    advice = "Save the sheet as CSV or split it."
    check_file_bytes(len(data), limits)
    if not data.startswith(ZIP_MAGIC):
        return
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # read_table says the workbook is unreadable
    unpacked = sum(member.file_size for member in members)
    if unpacked > limits.unpacked_bytes:
        raise UnreadableFile(
            f"This workbook unpacks to {_size(unpacked)}; the most an import takes is "
            f"{_size(limits.unpacked_bytes)}. {advice}"
        )
    if not count_rows:
        return
    for member in members:
        if member.filename.startswith("xl/worksheets/") and member.filename.endswith(".xml"):
            rows = _rows_in_sheet(archive, member, limits.rows)
            if rows > limits.rows:
                raise UnreadableFile(
                    f"This workbook has a sheet of more than {limits.rows:,} rows; the most an "
                    f"import takes is {limits.rows:,}. {advice}"
                )


def check_file_bytes(size: int, limits: Limits, workbook: bool = False):
    """UnreadableFile when a file of `size` bytes is larger than an import takes. A workbook
    no larger than it unpacks to: it is read whole, where a CSV file is read a block at a
    time."""
    if size > limits.file_bytes:
        raise UnreadableFile(
            f"This file is {_size(size)}; the most an import takes is "
            f"{_size(limits.file_bytes)}. Split it, by month for instance."
        )
    if workbook and size > limits.unpacked_bytes:
        raise UnreadableFile(
            f"This workbook is {_size(size)}; the most an import takes is "
            f"{_size(limits.unpacked_bytes)}. Save the sheet as CSV or split it."
        )


def check_csv_rows(rows: int, limits: Limits):
    if rows > limits.csv_rows:
        raise UnreadableFile(
            f"This file has more than {limits.csv_rows:,} rows; the most an import takes is "
            f"{limits.csv_rows:,}. Split it, by month for instance."
        )


def _rows_in_sheet(archive: zipfile.ZipFile, member: zipfile.ZipInfo, limit: int) -> int:
    """How many rows a sheet's XML holds, or the highest row number it names if that is more
    (a reader fills the gap with empty rows); stops as soon as it passes `limit`. Row tags are
    found by their literal text, which takes a second for 100 MB: the sheet's namespace prefix
    (`<x:row` in some exports) is read from its root element first."""
    rows = highest = 0
    with archive.open(member) as sheet:
        text = sheet.read(1 << 20)
        root = re.search(rb"<(\w+:)?worksheet\b", text)
        prefix = (root.group(1) or b"") if root else b""
        tag = b"<" + prefix + b"row"
        numbers = re.compile(re.escape(tag) + rb'\s[^>]*?\br="(\d+)"')
        while text:
            cut = text.rfind(b"<")  # a tag cut in two waits for the next piece
            if cut > 0:
                text, carry = text[:cut], text[cut:]
            else:
                carry = b""
            rows += text.count(tag + b" ") + text.count(tag + b">") + text.count(tag + b"/")
            highest = max(highest, max(map(int, numbers.findall(text)), default=0))
            if max(rows, highest) > limit:
                break
            text = carry + sheet.read(1 << 20) if carry or text else b""
    return max(rows, highest)


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
    head = data[:4096]
    # Binary files (and UTF-16 text) are full of NUL bytes; a stray one in a cell of a CSV
    # file is a row error naming the cell (validation.cell_problem).
    if head.count(b"\x00") * 100 > len(head):
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
    """Whether the bytes are valid UTF-8. Python's decoder takes its fast path over ASCII and
    is several times quicker than validating in Arrow; what is read whole is a workbook or
    the head of a CSV file (a whole CSV file is judged piece by piece: `streaming`)."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
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


def clean_rows(rows, headers: list[str]):
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
    return read_csv_file(io.BytesIO(data), text_encoding(data), max(data.count(b"\n") - 1, 1))


def read_csv_file(handle, encoding: str, estimated_rows: int) -> Table:
    """A CSV file open in binary (bytes in memory, or a kept upload read as it goes) as its
    header and rows, decoded from `encoding`."""
    handle = io.TextIOWrapper(handle, encoding=encoding, errors="replace", newline="")
    first_line = next((line for line in handle if line.strip()), None)
    if first_line is None:
        raise UnreadableFile("The file has no header row and no data: nothing to import.")
    handle.seek(0)
    # The csv module's own limit would stop the reading at the first cell longer than
    # LONGEST_CELL, leaving the rows after it unread; the file's size is capped (Limits), so
    # each cell is read whole and a long one becomes a row error naming its row and column.
    csv.field_size_limit(max(csv.field_size_limit(), 4 * 1024**3))
    reader = csv.reader(handle, delimiter=sniff_delimiter(first_line))
    headers = None
    for cells in reader:
        if not _is_blank(cells):
            headers = [cell.strip() for cell in cells]
            # A byte-order mark decoded twice over (UTF-8 read as Windows-1252 and saved
            # again) is no part of the first column's name.
            headers[0] = headers[0].removeprefix(MANGLED_BOM).removeprefix("\ufeff").strip()
            break
    check_headers(headers or [])

    def rows():
        for cells in reader:
            yield reader.line_num, cells

    return Table(headers, clean_rows(rows(), headers), estimated_rows)


def check_headers(headers: list[str]):
    """A header row is short plain text; one that is not means this is not a spend export."""
    for number, header in enumerate(headers, start=1):
        if len(header) > LONGEST_CELL:
            raise UnreadableFile(
                f"The header of column {number} is {len(header):,} characters long; the most a "
                f"cell may hold is {LONGEST_CELL:,}. Is this the export of spend lines?"
            )
        if match := CONTROL_CHARACTERS.search(header):
            raise UnreadableFile(
                f"The header of column {number} holds a control character "
                f"({visible(match.group())}), which no column name may hold. Remove it and "
                "upload the file again."
            )


def visible(text: str) -> str:
    """Control characters shown as their Unicode pictures (NUL as ␀), so a cell holding one can
    be shown, stored and named in a message."""
    return CONTROL_CHARACTERS.sub(
        lambda match: "\u2421" if match.group() == "\x7f" else chr(0x2400 + ord(match.group())),
        text,
    )


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
    check_headers(headers)

    def rows():
        for offset, row in enumerate(values, start=number + 1):
            yield offset, [_excel_text(value) for value in row][: len(headers)]

    return Table(
        headers,
        clean_rows(rows(), headers),
        max((worksheet.max_row or 2) - number, 1),
        sheets=list(workbook.sheetnames),
        sheet=sheet,
    )


def read_table(
    data: bytes,
    file_name: str,
    sheet: str | None = None,
    limits: Limits = Limits(),  # noqa: B008 (frozen)
    count_rows: bool = True,
) -> Table:
    """The file's header and its non-blank rows; UnreadableFile when it is not a spreadsheet
    or is larger than `limits` (`count_rows=False`: the workbook's rows were counted when it
    was uploaded). For a workbook, the named sheet, else the one that looks most like spend
    lines."""
    kind = content_kind(data, file_name)
    check_size(data, file_name, limits, count_rows=count_rows)
    if kind == "xlsx":
        table = _read_xlsx(data, file_name, sheet)
    else:
        table = _read_csv(data)
    if not table.headers or not any(table.headers):
        raise UnreadableFile("The file has no header row: nothing to import.")
    return table
