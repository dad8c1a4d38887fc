"""Any table a user sees can be downloaded as CSV or Excel: one function takes the headers and
rows a view already has and returns the file."""

import csv
import datetime
import decimal

from django.http import HttpResponse, StreamingHttpResponse
from openpyxl import Workbook

EXPORT_FORMATS = ("csv", "xlsx")


class _Echo:
    def write(self, value):
        return value


def _csv_cell(value):
    if isinstance(value, decimal.Decimal):
        return f"{value:.2f}"
    return "" if value is None else value


def export_response(export_format: str, filename: str, headers: list[str], rows):
    """Stream `rows` (iterables matching `headers`) as `filename`.csv or .xlsx."""
    if export_format == "csv":
        writer = csv.writer(_Echo())

        def lines():
            yield "\ufeff"  # so Excel opens UTF-8 names correctly
            yield writer.writerow(headers)
            for row in rows:
                yield writer.writerow([_csv_cell(value) for value in row])

        response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    elif export_format == "xlsx":
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(title=filename[:31])
        sheet.append(headers)
        for row in rows:
            sheet.append(
                [float(value) if isinstance(value, decimal.Decimal) else value for value in row]
            )
        response = HttpResponse(
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        workbook.save(response)
    else:
        raise ValueError(f"Unknown export format {export_format!r}")
    stamp = datetime.date.today().isoformat()
    response["Content-Disposition"] = f'attachment; filename="{filename}-{stamp}.{export_format}"'
    return response
