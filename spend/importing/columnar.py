"""Checking a whole CSV file a column at a time, with Apache Arrow.

An accounts-payable export of a million lines repeats a few hundred dates, currencies,
suppliers and units: Arrow reads the file in C++ on every core, each distinct cell is checked
once by the very parsers the row-by-row check uses (`parsing`, `validation`), and the rows take
their answer by index. Amounts, nearly all distinct, are checked against the plain form
("-1234.56") in one pass.

This is the fast way for files where every row is plain and right. Anything else (a cell the
plain forms do not cover, a wrong or empty value, a total row, a repeated header, rows of
unequal length, a month without an exchange rate) sends the whole
file through the row-by-row check (`validation.validate_rows`), which says exactly what is
wrong where; so this module never has to word an error, and what it stores is what the
row-by-row check would have stored (tests compare the two)."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from spend.importing.mapping import MappingSpec
from spend.importing.parsing import PLAIN_AMOUNT, parse_currency, parse_date
from spend.importing.reading import LONGEST_CELL, sniff_delimiter, text_encoding
from spend.importing.validation import (
    TEXT_LIMITS,
    Reference,
    category_in,
    key,
    name_in,
    supplier_key,
    unit_may_be_used,
    unit_name_in,
)

# A checked line, as both ways of checking give it: the date in ISO form, amounts as exact
# decimal text (base currency, then as the file gave it), suppliers and units by their lookup
# keys (resolved to ids when stored), the category when the file names one.
CHECKED_LINE = pa.schema(
    [
        ("date", pa.string()),
        ("amount", pa.string()),
        ("original_amount", pa.string()),
        ("currency", pa.string()),
        ("supplier_key", pa.string()),
        ("supplier_name", pa.string()),
        ("unit_key", pa.string()),
        ("category_id", pa.int64()),
        ("gl_account", pa.string()),
        ("description", pa.string()),
        ("document_reference", pa.string()),
    ]
)


@dataclass
class CheckedLines:
    """The clean lines of a file, and the spelling each supplier and unit key first has."""

    lines: pa.Table
    suppliers: dict = field(default_factory=dict)
    unit_names: dict = field(default_factory=dict)


# Arrow's reader splits a file into blocks (1 MiB by default), and where a quoted value holding
# a CR LF straddles two blocks it loses the LF (pyarrow 26; a test keeps watch): what it is given
# (a whole small file, or a block of whole rows that `streaming` cut where no quoted value is
# open) is read as one Arrow block. Anything larger than one block can hold is checked row by
# row.
LARGEST_BLOCK_BYTES = 2**31 - 1


class NeedsRowCheck(Exception):
    """Some row is not plain: the file goes through the row-by-row check."""


class Distinct:
    """A column's distinct values, in the order they first appear, and each row's position
    among them: every decision about the column is taken once per distinct value, a few
    hundred times for a million rows."""

    def __init__(self, column):
        self.column = column
        encoded = pc.dictionary_encode(column)
        if isinstance(encoded, pa.ChunkedArray):
            # One dictionary for all the chunks, grown as they were read: the last holds all.
            chunks = encoded.chunks
            self.values = chunks[-1].dictionary.to_pylist() if chunks else []
            self.indices = pa.chunked_array([chunk.indices for chunk in chunks], pa.int32())
        else:
            self.values = encoded.dictionary.to_pylist()
            self.indices = encoded.indices

    def map(self, answer: Callable, answer_type) -> pa.Array:
        """`answer` of each distinct value, taken for every row."""
        answers = [answer(value) for value in self.values]
        if answers == self.values and self.column.type == answer_type:
            return self.column  # a clean file's dates, codes and names are already right
        return pc.take(pa.array(answers, answer_type), self.indices)


def per_distinct(column, answer: Callable, answer_type) -> pa.Array:
    return Distinct(column).map(answer, answer_type)


def read_csv_columns(data: bytes, headers: list[str]) -> pa.Table:
    """Every column of the file as text, cells trimmed as the csv reader path trims them."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif (encoding := text_encoding(data)) != "utf-8":
        # Arrow reads UTF-8 only: the file becomes the text the csv reader path reads.
        data = data.decode(encoding, errors="replace").encode()
    if not data or data[:1] in (b"\r", b"\n"):
        raise NeedsRowCheck("blank lines before the header")
    first_line = data.split(b"\n", 1)[0].decode("utf-8", errors="replace")
    return read_rows_columns(data, len(headers), sniff_delimiter(first_line), skip_rows=1)


def read_rows_columns(data: bytes, width: int, delimiter: str, skip_rows: int = 0) -> pa.Table:
    """Rows of UTF-8 text (a whole file, or a block of whole rows of one: `streaming`) as
    `width` columns of text."""
    if len(data) >= LARGEST_BLOCK_BYTES:
        raise NeedsRowCheck("larger than Arrow reads at once")
    if holds_control_characters(data):
        raise NeedsRowCheck("a control character in some cell")
    names = [f"column {index}" for index in range(width)]
    try:
        table = pa_csv.read_csv(
            pa.py_buffer(data),
            read_options=pa_csv.ReadOptions(
                column_names=names, skip_rows=skip_rows, block_size=len(data) + 1
            ),
            parse_options=pa_csv.ParseOptions(delimiter=delimiter, newlines_in_values=True),
            convert_options=pa_csv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as error:
        # Rows of unequal length, bytes that are not UTF-8, a header Arrow reads otherwise.
        raise NeedsRowCheck(str(error)) from None
    return table


def holds_control_characters(data: bytes) -> bool:
    """Whether the file holds a byte of `reading.CONTROL_CHARACTERS` (the same in UTF-8 and
    Windows-1252): every other byte is deleted in one pass in C (10 ms for 32 MB) and what
    is left, if anything, is such a byte."""
    return bool(data.translate(None, NOT_CONTROL_BYTES))


NOT_CONTROL_BYTES = bytes(
    octet
    for octet in range(256)
    if (octet >= 0x20 or octet in (0x09, 0x0A, 0x0D)) and octet != 0x7F
)


def check_columns(
    data: bytes, headers: list[str], spec: MappingSpec, reference: Reference
) -> CheckedLines:
    """The clean lines of a CSV file whose every row is plain and right; NeedsRowCheck
    otherwise (nothing is lost: the row-by-row check takes the file from the start)."""
    return check_table(read_csv_columns(data, headers), headers, spec, reference)


def check_block(
    text: bytes, headers: list[str], delimiter: str, spec: MappingSpec, reference: Reference
) -> CheckedLines:
    """`check_columns` for a block of whole rows of a file (`streaming.Block`)."""
    return check_table(read_rows_columns(text, len(headers), delimiter), headers, spec, reference)


def check_table(
    table: pa.Table, headers: list[str], spec: MappingSpec, reference: Reference
) -> CheckedLines:
    rows = table.num_rows
    if not rows:
        raise NeedsRowCheck("no data rows")

    def cells(name):
        header = spec.columns.get(name)
        if not header:
            return pa.chunked_array([pa.array([""] * rows, pa.string())])
        # Arrow trims what str.strip() trims, to the code point (a test checks every one).
        return pc.utf8_trim_whitespace(table.column(headers.index(header)))

    def refuse(reason):
        raise NeedsRowCheck(reason)

    for name in spec.columns:
        if (pc.max(pc.utf8_length(cells(name))).as_py() or 0) > LONGEST_CELL:
            refuse(f"a {name} cell longer than {LONGEST_CELL:,} characters")

    def checked_date(text):
        try:
            return parse_date(text, spec.date_format).isoformat()
        except ValueError:
            refuse(f"date {text!r}")

    def checked_currency(text):
        try:
            return parse_currency(text or spec.default_currency)
        except ValueError:
            refuse(f"currency {text!r}")

    def supplier(text):
        return name_in(text) or refuse("an empty supplier")

    def unit(text):
        name = unit_name_in(text, spec)
        if not name or not unit_may_be_used(name, spec, reference):
            refuse(f"business unit {text!r}")
        return name

    amounts = plain_amounts(cells("amount"), spec.decimal_comma)
    dates = per_distinct(cells("date"), checked_date, pa.string())
    currencies = per_distinct(cells("currency"), checked_currency, pa.string())
    supplier_cells, unit_cells = Distinct(cells("supplier")), Distinct(cells("business_unit"))
    supplier_of = {text: supplier(text) for text in supplier_cells.values}
    unit_of = {text: unit(text) for text in unit_cells.values}
    suppliers, unit_names = {}, {}
    for name in supplier_of.values():  # in the order the file first spells them
        suppliers.setdefault(supplier_key(name), name[:255])
    for name in unit_of.values():
        unit_names.setdefault(key(name), name[:200])
    limits = dict(TEXT_LIMITS)
    texts = {name: cells(name) for name in ("gl_account", "description", "document_reference")}
    for name, text in texts.items():
        if (pc.max(pc.utf8_length(text)).as_py() or 0) > limits[name]:
            texts[name] = pc.utf8_slice_codeunits(text, 0, limits[name])
    lines = pa.table(
        {
            "date": dates,
            "amount": in_base_currency(amounts, currencies, dates, reference),
            "original_amount": amounts,
            "currency": currencies,
            "supplier_key": supplier_cells.map(
                lambda text: supplier_key(supplier_of[text]), pa.string()
            ),
            "supplier_name": supplier_cells.map(lambda text: supplier_of[text][:255], pa.string()),
            "unit_key": unit_cells.map(lambda text: key(unit_of[text]), pa.string()),
            "category_id": per_distinct(
                cells("category"), lambda text: category_in(text, reference), pa.int64()
            ),
            **texts,
        },
        schema=CHECKED_LINE,
    )
    return CheckedLines(lines, suppliers, unit_names)


# Amounts with thousands grouped, in the mapping's way: "1,234.56", or "1.234,56" and "1234,56"
# with a decimal comma. Up to twelve digits and cents, as the plain form.
GROUPED_WITH_POINT = r"^-?\d{1,3}(?:,\d{3}){1,3}(?:\.\d{1,2})?$"
GROUPED_WITH_COMMA = r"^-?\d{1,3}(?:\.\d{3}){1,3}(?:,\d{1,2})?$|^-?\d{1,12},\d{1,2}$"


def plain_amounts(amounts, decimal_comma: bool):
    """Every amount in the plain form ("-1234.56"): plain cells as they are (as parse_amount
    takes them, whatever the mapping says), cells grouped in the mapping's way with the
    separators taken out; NeedsRowCheck for any other way of writing an amount."""
    plain = pc.match_substring_regex(amounts, PLAIN_AMOUNT.pattern)
    if pc.all(plain).as_py():
        return amounts
    grouped = GROUPED_WITH_COMMA if decimal_comma else GROUPED_WITH_POINT
    if not pc.all(pc.or_(plain, pc.match_substring_regex(amounts, grouped))).as_py():
        raise NeedsRowCheck("amounts written in another way")
    if decimal_comma:
        ungrouped = pc.replace_substring(pc.replace_substring(amounts, ".", ""), ",", ".")
    else:
        ungrouped = pc.replace_substring(amounts, ",", "")
    return pc.if_else(plain, amounts, ungrouped)


# Amounts as files write them (up to 12 digits and cents) and rates as they are kept.
AMOUNT = pa.decimal128(15, 2)
RATE = pa.decimal128(18, 8)


def in_base_currency(amounts, currencies, dates, reference: Reference):
    """Amounts in the base currency: a line in another currency at its month's rate, rounded
    to the cent half away from zero (as Decimal's ROUND_HALF_UP does); NeedsRowCheck when a
    month's rate is missing, so the row-by-row check names the month."""
    foreign = pc.not_equal(currencies, reference.base_currency)
    if not pc.any(foreign).as_py():
        return amounts

    def rate(currency_and_month: str):
        currency, month = currency_and_month.split("|")
        if currency == reference.base_currency:
            return Decimal(1)
        first_day = datetime.date.fromisoformat(f"{month}-01")
        found = reference.rates.get((currency, first_day))
        return found if found is not None else refuse_missing_rate(currency, month)

    months = pc.utf8_slice_codeunits(dates, 0, 7)
    rates = per_distinct(pc.binary_join_element_wise(currencies, months, "|"), rate, RATE)
    converted = pc.round(
        pc.multiply(pc.cast(amounts, AMOUNT), rates),
        ndigits=2,
        round_mode="half_towards_infinity",
    )
    converted = pc.cast(pc.cast(converted, pa.decimal128(18, 2)), pa.string())
    return pc.if_else(foreign, converted, amounts)


def refuse_missing_rate(currency: str, month: str):
    raise NeedsRowCheck(f"no {currency} rate for {month}")


def lines_from_tuples(lines: list[tuple], columns: tuple[str, ...]) -> pa.Table:
    """Lines the row-by-row check gave (tuples with the fields `columns` names, CHECKED_LINE's
    among them) as a table of CHECKED_LINE."""
    if not lines:
        return CHECKED_LINE.empty_table()
    values = dict(zip(columns, zip(*lines, strict=True), strict=True))
    return pa.table(
        {
            name: pa.array(values[name], kind)
            for name, kind in zip(CHECKED_LINE.names, CHECKED_LINE.types, strict=True)
        },
        schema=CHECKED_LINE,
    )
