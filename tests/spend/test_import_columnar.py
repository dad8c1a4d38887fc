"""A file checked a column at a time (Arrow) gives exactly the lines the row-by-row check
gives, for any file of plain, right rows; any other file is left to the row-by-row check."""

import csv
import datetime
import io
from decimal import ROUND_HALF_UP, Decimal

import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spend.importing.columnar import NeedsRowCheck, check_columns, lines_from_tuples
from spend.importing.mapping import MappingSpec
from spend.importing.reading import read_table
from spend.importing.validation import (
    LINE_COLUMNS,
    Reference,
    column_indexes,
    validate_rows,
)

HEADERS = ["Date", "Supplier", "Amount", "Currency", "Unit", "Category", "GL", "Description", "Ref"]
COLUMNS = dict(
    zip(
        [
            "date",
            "supplier",
            "amount",
            "currency",
            "business_unit",
            "category",
            "gl_account",
            "description",
            "document_reference",
        ],
        HEADERS,
        strict=True,
    )
)
# A euro rate for every month the generated dates fall in, with all eight decimals used.
EURO_RATES = {
    ("EUR", datetime.date(year, month, 1)): Decimal("0.85") + Decimal(year * 12 + month) / 10**8
    for year in range(2020, 2031)
    for month in range(1, 13)
}
REFERENCE = Reference(
    "GBP",
    units={"mfg": 1, "manufacturing": 1, "fin": 2, "finance": 2},
    categories={"it.hw": 10, "hardware": 10, "fm": 20},
    rates=EURO_RATES,
)
SUPPLIERS = [
    "Dell Technologies Ltd",
    "  DELL   TECHNOLOGIES LIMITED ",
    'Softcat "UK" plc',
    "Müller & Söhne GmbH, Berlin",
    "acme\u3000widgets",
]
# Text a description may hold: separators, quotes, line breaks, backslashes, accents, and a
# space Unicode calls one and the csv module does not. (Control characters such as \x1c are row
# errors: tests/spend/test_import_limits.py.)
TEXT = st.text(
    alphabet=st.sampled_from([*"ab ,;\"'\n\r\t\\é€😀N", "\u00a0"]),
    max_size=30,
)


def written_date(day: datetime.date, date_format: str) -> str:
    return day.isoformat() if date_format == "iso" else f"{day:%d/%m/%Y}"


row = st.tuples(
    st.dates(datetime.date(2020, 1, 1), datetime.date(2030, 12, 31)),
    st.decimals(min_value=-99_999, max_value=9_999_999, places=2, allow_nan=False),
    st.sampled_from(SUPPLIERS),
    st.sampled_from(["GBP", " gbp", "", "EUR", "eur "]),
    st.sampled_from(["MFG", " manufacturing ", "Finance", "#N/A", "", "New Site"]),
    st.sampled_from(["IT.HW", "hardware ", "", "Nowhere", "fm", "#REF!"]),
    st.sampled_from(["6100", "", " 6200 "]),
    TEXT,
    TEXT,
    st.booleans(),  # the amount written with thousands grouped
)


def written_amount(amount: Decimal, grouped: bool, decimal_comma: bool) -> str:
    """As exports write amounts: plain, or with thousands grouped in the file's way."""
    if not grouped:
        return str(amount)
    text = f"{amount:,.2f}"
    return text.translate(str.maketrans(",.", ".,")) if decimal_comma else text


def file_of(rows, date_format, delimiter, byte_order_mark, decimal_comma=False) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(HEADERS)
    for day, amount, supplier, *rest, grouped in rows:
        writer.writerow(
            [
                written_date(day, date_format),
                supplier,
                written_amount(amount, grouped, decimal_comma),
                *rest,
            ]
        )
    return ("\ufeff" if byte_order_mark else "").encode() + out.getvalue().encode()


def exact(lines) -> list[dict]:
    """The lines with amounts as numbers ("-0.00" and "0.00" are one amount), in an order of
    their own (the row check lists rows it read one by one after the others)."""
    rows = lines.to_pylist()
    for row in rows:
        row["amount"], row["original_amount"] = map(
            Decimal, (row["amount"], row["original_amount"])
        )
    return sorted(rows, key=repr)


def both_ways(data: bytes, spec: MappingSpec):
    table = read_table(data, "export.csv")
    by_columns = check_columns(data, table.headers, spec, REFERENCE)
    by_rows = validate_rows(list(table.rows), column_indexes(table.headers, spec), spec, REFERENCE)
    return by_columns, by_rows


@settings(max_examples=150, deadline=None)
@given(
    rows=st.lists(row, min_size=1, max_size=25),
    date_format=st.sampled_from(["iso", "day_first"]),
    delimiter=st.sampled_from([",", ";"]),
    byte_order_mark=st.booleans(),
    decimal_comma=st.booleans(),
)
def test_plain_right_files_read_the_same_both_ways(
    rows, date_format, delimiter, byte_order_mark, decimal_comma
):
    spec = MappingSpec(
        columns=COLUMNS,
        date_format=date_format,
        decimal_comma=decimal_comma,
        default_currency="GBP",
        create_missing_units=True,
    )
    data = file_of(rows, date_format, delimiter, byte_order_mark, decimal_comma)
    by_columns, by_rows = both_ways(data, spec)
    assert not by_rows.others
    assert exact(by_columns.lines) == exact(lines_from_tuples(by_rows.lines, LINE_COLUMNS))
    assert list(by_columns.suppliers.items()) == list(by_rows.suppliers.items())
    assert list(by_columns.unit_names.items()) == list(by_rows.unit_names.items())


def test_the_checked_lines_hold_what_the_file_says():
    spec = MappingSpec(columns=COLUMNS, date_format="day_first", default_currency="GBP")
    rows = [
        (
            datetime.date(2026, 1, 31),
            Decimal("-12.5"),
            *SUPPLIERS[1:2],
            "",
            "MFG",
            "hardware ",
            "6100",
            "x" * 600,
            "INV-1",
            False,
        ),
    ]
    by_columns, _ = both_ways(file_of(rows, "day_first", ",", False), spec)
    assert by_columns.lines.to_pylist() == [
        {
            "date": "2026-01-31",
            "amount": "-12.5",
            "original_amount": "-12.5",
            "currency": "GBP",
            "supplier_key": "dell technologies",
            "supplier_name": "DELL TECHNOLOGIES LIMITED",
            "unit_key": "mfg",
            "category_id": 10,
            "gl_account": "6100",
            "description": "x" * 500,
            "document_reference": "INV-1",
        }
    ]
    assert by_columns.suppliers == {"dell technologies": "DELL TECHNOLOGIES LIMITED"}


GOOD = "2026-01-15,Dell,10.00,GBP,MFG,,6100,Laptops,INV-1"


@pytest.mark.parametrize(
    "rows",
    [
        [GOOD, "2026-01-16,Dell,(12.50),GBP,MFG,,,,"],  # a credit note in brackets
        [GOOD, '2026-01-16,Dell,"1.234,56",GBP,MFG,,,,'],  # a decimal comma, unmapped
        [GOOD, "2016-01-16,Dell,10.00,EUR,MFG,,,,"],  # no euro rate for the month
        [GOOD, "2026-01-16,Dell,10.00,UKP,MFG,,,,"],  # not a currency
        [GOOD, "31/02/2026,Dell,10.00,GBP,MFG,,,,"],  # not a date in the format
        [GOOD, "2026-01-16,,10.00,GBP,MFG,,,,"],  # no supplier
        [GOOD, "2026-01-16,#N/A,10.00,GBP,MFG,,,,"],  # a failed lookup for a supplier
        [GOOD, "2026-01-16,Dell,10.00,GBP,Nowhere,,,,"],  # an unknown unit
        [GOOD, ",,,,,,,,"],  # a blank row
        [GOOD, ",Total,10.00,,,,,,"],  # a total row
        [GOOD, ",".join(HEADERS)],  # the header again
        [GOOD, "2026-01-16,Dell,10.00"],  # a short row
    ],
)
def test_any_other_file_is_left_to_the_row_by_row_check(rows):
    spec = MappingSpec(columns=COLUMNS, date_format="iso", default_currency="GBP")
    data = ("\n".join([",".join(HEADERS), *rows]) + "\n").encode()
    with pytest.raises(NeedsRowCheck):
        check_columns(data, read_table(data, "export.csv").headers, spec, REFERENCE)


def test_a_file_in_windows_1252_reads_the_same_both_ways():
    spec = MappingSpec(columns=COLUMNS, date_format="iso", default_currency="GBP")
    text = ",".join(HEADERS) + "\n2026-01-15,Café “Noir” Ltd,10.00,GBP,MFG,,,Crème,\n"
    by_columns, by_rows = both_ways(text.encode("cp1252"), spec)
    assert exact(by_columns.lines) == exact(lines_from_tuples(by_rows.lines, LINE_COLUMNS))
    assert by_columns.suppliers == {"cafe noir": "Café “Noir” Ltd"}


def test_arrow_trims_cells_exactly_as_python_strips_them():
    characters = [chr(code) for code in range(0x110000) if not 0xD800 <= code <= 0xDFFF]
    padded = [f"{character}x{character}x{character}" for character in characters]
    trimmed = pc.utf8_trim_whitespace(pa.array(padded)).to_pylist()
    assert [
        hex(ord(character))
        for character, text, arrow in zip(characters, padded, trimmed, strict=True)
        if arrow != text.strip()
    ] == []


def test_a_line_break_inside_a_quoted_value_survives_where_arrow_would_split_the_file():
    """Arrow's reader, left to split a file into blocks of a mebibyte, loses the LF of a quoted
    CR LF whose CR ends a block. The file is read as one block."""
    mebibyte = 1 << 20
    spec = MappingSpec(columns=COLUMNS, date_format="iso", default_currency="GBP")
    row = b"2026-01-05,Dell Technologies Ltd,12.50,GBP,MFG,IT.HW,6100,plain,x\r\n"
    data = ",".join(HEADERS).encode() + b"\r\n"
    data += row * ((mebibyte - 300 - len(data)) // len(row))
    start = b'2026-01-05,Dell Technologies Ltd,12.50,GBP,MFG,IT.HW,6100,"'
    padding = mebibyte - len(data) - len(start) - 1
    data += start + b"z" * padding + b'\r\nsecond line",x\r\n' + row * 10
    assert data[mebibyte - 1 : mebibyte + 1] == b"\r\n"
    by_columns, by_rows = both_ways(data, spec)
    descriptions = by_columns.lines.column("description").to_pylist()
    assert descriptions == [line[10] for line in by_rows.lines]
    assert "z" * padding + "\r\nsecond line" in descriptions


def test_foreign_amounts_are_converted_at_their_months_rate_rounded_half_away_from_zero():
    from spend.importing.columnar import in_base_currency
    from spend.importing.parsing import CENT

    rates = {
        ("EUR", datetime.date(2026, 1, 1)): Decimal("0.1"),
        ("USD", datetime.date(2026, 2, 1)): Decimal("0.853217"),
    }
    amounts = ["0.05", "-0.05", "1234.50", "-0.01", "99.99"]
    currencies = ["EUR", "EUR", "USD", "EUR", "GBP"]
    dates = ["2026-01-31", "2026-01-02", "2026-02-14", "2026-01-05", "2026-03-01"]
    converted = in_base_currency(
        pa.array(amounts), pa.array(currencies), pa.array(dates), Reference("GBP", rates=rates)
    ).to_pylist()
    expected = [
        (Decimal(amount) * rates[(currency, datetime.date(2026, int(day[5:7]), 1))]).quantize(
            CENT, rounding=ROUND_HALF_UP
        )
        if currency != "GBP"
        else Decimal(amount)
        for amount, currency, day in zip(amounts, currencies, dates, strict=True)
    ]
    assert (
        [Decimal(value) for value in converted]
        == expected
        == [
            Decimal("0.01"),
            Decimal("-0.01"),
            Decimal("1053.30"),
            Decimal("0.00"),
            Decimal("99.99"),
        ]
    )
