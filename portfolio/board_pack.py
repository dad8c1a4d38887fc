"""The board pack as an Excel workbook: one sheet per dashboard tile, holding the figures the
page shows (not the charts), so finance can check and reuse them."""

import datetime

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Font

from portfolio import maturity
from workbench.exports import append_inert_row

BOLD = Font(bold=True)


def _sheet(workbook, title, headers, rows):
    sheet = workbook.create_sheet(title=title[:31])
    append_inert_row(sheet, headers)
    for cell in sheet[1]:
        cell.font = BOLD
    for row in rows:
        append_inert_row(sheet, row)
    for index, header in enumerate(headers, start=1):
        sheet.column_dimensions[sheet.cell(1, index).column_letter].width = max(12, len(header) + 2)
    return sheet


def workbook(figures: dict) -> Workbook:
    book = Workbook()
    book.remove(book.active)
    picture = figures["picture"]
    dimensions = picture.dimensions
    _sheet(
        book,
        "Maturity",
        ["Dimension", "Organisation level (spend-weighted)", "Level name"],
        [
            [
                name,
                round(picture.profile[key], 2) if picture.profile.get(key) else None,
                maturity.level_name(picture.profile.get(key)),
            ]
            for key, name in dimensions
        ]
        + [
            [
                "Overall",
                round(picture.overall, 2) if picture.overall else None,
                maturity.level_name(picture.overall),
            ]
        ],
    )
    _sheet(
        book,
        "Heatmap",
        [
            "Code",
            "Category",
            "Spend",
            "Assessed on",
            *[name for _, name in dimensions],
            "Overall",
            "Change since previous assessment",
        ],
        (
            [row.code, row.name, row.spend, row.assessed_on]
            + [row.levels.get(key) for key, _ in dimensions]
            + [
                round(row.overall, 2) if row.overall is not None else None,
                round(row.change, 2) if row.change is not None else None,
            ]
            for row in picture.rows
        ),
    )
    _sheet(
        book,
        "Trend",
        ["Assessment date", *[name for _, name in dimensions], "Overall"],
        (
            [day]
            + [round(profile[key], 2) if profile.get(key) else None for key, _ in dimensions]
            + [round(maturity.overall(profile), 2) if maturity.overall(profile) else None]
            for day, profile in picture.trend
        ),
    )
    managed = figures.get("managed")
    if managed:
        _sheet(
            book,
            "Spend under management",
            ["Spend in categories with an approved or active plan", "Classified spend", "Share"],
            [[managed["spend"], managed["total"], managed["share"]]],
        )
    savings = figures.get("savings")
    if savings:
        _sheet(
            book,
            f"Savings {figures['year']}",
            ["Kind", "Target", "Pipeline (risk-adjusted)", "Realised"],
            (
                [row["name"], row["target"], row["pipeline"], row["realised"]]
                for row in savings["kinds"]
            ),
        )
    satisfaction = figures.get("satisfaction")
    if satisfaction:
        _sheet(
            book,
            "Satisfaction by unit",
            ["Unit", "Answers", "Mean satisfaction (1-5)", "NPS", "Voids"],
            (
                [unit["name"], unit["responses"], unit["satisfaction"], unit["nps"], unit["voids"]]
                for unit in satisfaction["units"]
            ),
        )
    _sheet(
        book,
        "Supplier time by segment",
        ["Segment", "Suppliers", "Spend", "Hours, 12 months", "Share of spend", "Share of time"],
        (
            [
                row["name"],
                row["suppliers"],
                row["spend"],
                round(row["hours"], 1),
                row["spend_share"],
                row["time_share"],
            ]
            for row in figures["segments"]
        ),
    )
    loop = figures.get("loop")
    if loop and loop["overall"]:
        _sheet(
            book,
            "You said, we did",
            [
                "By",
                "Name",
                "Concerns",
                "Answered",
                "Share answered",
                "Median days to a response",
                "Actions done on time",
                "Actions due",
                "Satisfaction change where acted",
                "Concerns acted on, followed up",
                "Satisfaction change where not",
                "Concerns not acted on, followed up",
                "Verdicts: addressed",
                "Verdicts given",
            ],
            (
                [by, row.get("name", "All concerns"), *_loop_cells(row)]
                for by, rows in (
                    ("Portfolio", [loop["overall"]]),
                    ("Category manager", loop["managers"]),
                    ("Category", loop["categories"]),
                )
                for row in rows
            ),
        )
    waiting = figures.get("waiting")
    if waiting is not None:
        _sheet(
            book,
            "Plans waiting for approval",
            ["Category", "Fiscal year", "Title", "Submitted", "Initiatives"],
            (
                [
                    plan.category.name,
                    plan.fiscal_year,
                    plan.title,
                    plan.submitted_at.replace(tzinfo=None) if plan.submitted_at else None,
                    plan.initiative_count,
                ]
                for plan in waiting
            ),
        )
    return book


def _loop_cells(row) -> list:
    change = row["change"]

    def rounded(value, digits=2):
        return round(value, digits) if value is not None else None

    return [
        row["concerns"],
        row["answered"],
        rounded(row["share"], 4),
        rounded(row["median_days"], 1),
        row["on_time"].done_on_time,
        row["on_time"].due,
        rounded(change.acted),
        change.acted_count,
        rounded(change.not_acted),
        change.not_acted_count,
        row["addressed"],
        row["judged"],
    ]


def workbook_response(figures: dict) -> HttpResponse:
    response = HttpResponse(
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    workbook(figures).save(response)
    stamp = datetime.date.today().isoformat()
    response["Content-Disposition"] = f'attachment; filename="board-pack-{stamp}.xlsx"'
    return response
