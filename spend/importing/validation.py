"""Every row checked against the mapping and the reference data (units, categories, FX rates),
giving either a clean line ready to store or the row's errors: row, column, value, what is
wrong. Pure: the caller passes the reference data in as dictionaries."""

import datetime
import functools
import itertools
import operator
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from spend.importing.mapping import FIELDS_BY_NAME, MappingSpec
from spend.importing.parsing import (
    CENT,
    PLAIN_AMOUNT,
    parse_amount,
    parse_currency,
    parse_date,
)
from spend.importing.reading import CONTROL_CHARACTERS, LONGEST_CELL, visible
from suppliers.names import normalise

TOTAL_WORDS = ("total", "grand total", "sum", "subtotal", "sub-total")
# What a spreadsheet shows when a formula fails (most often a lookup that found nothing): not a
# supplier, unit or category, so such a cell is read as empty.
SPREADSHEET_ERRORS = frozenset(
    {"#N/A", "#N/A N/A", "#REF!", "#VALUE!", "#NAME?", "#DIV/0!", "#NULL!", "#NUM!"}
)
# Where lines whose file names no business unit go when the mapping creates missing units: an
# analyst keeps them, so the import adds up to the ledger, and assigns them later.
UNASSIGNED_UNIT = "Unassigned"


def key(text: str) -> str:
    """How units and categories are looked up: case and surrounding spaces ignored."""
    return " ".join(text.lower().split())


@dataclass(frozen=True)
class Reference:
    base_currency: str
    units: dict = field(default_factory=dict)  # key(code) and key(name) → id
    categories: dict = field(default_factory=dict)  # key(code) and key(name) → id
    rates: dict = field(default_factory=dict)  # (currency, first of month) → Decimal


@dataclass(frozen=True, slots=True)
class CleanLine:
    row: int
    date: datetime.date
    amount: Decimal  # base currency
    original_amount: Decimal
    currency: str
    supplier_name: str
    supplier_key: str
    unit_key: str
    unit_name: str
    category_id: int | None
    gl_account: str
    description: str
    document_reference: str


@dataclass(frozen=True, slots=True)
class RowError:
    row: int
    column: str
    value: str
    problem: str


@dataclass
class RowResult:
    line: CleanLine | None = None
    errors: list = field(default_factory=list)
    skipped: str = ""


def name_in(text: str) -> str:
    """A supplier, unit or category name as a cell gives it: spaces tidied, a spreadsheet error
    value read as no name."""
    name = " ".join(text.split())
    return "" if name.upper() in SPREADSHEET_ERRORS else name


def unit_name_in(text: str, spec: MappingSpec) -> str:
    """The business unit a cell names; else the mapping's unit for every line; else
    UNASSIGNED_UNIT when missing units are made."""
    return (
        name_in(text)
        or spec.default_business_unit
        or (UNASSIGNED_UNIT if spec.create_missing_units else "")
    )


def unit_may_be_used(name: str, spec: MappingSpec, reference: Reference) -> bool:
    """A unit the workbench has, or one the mapping says to create."""
    return key(name) in reference.units or spec.create_missing_units


def category_in(text: str, reference: Reference) -> int | None:
    name = name_in(text)
    return reference.categories.get(key(name)) if name else None


def column_indexes(headers: list[str], spec: MappingSpec) -> dict:
    return {name: headers.index(header) for name, header in spec.columns.items() if header}


def cell_problem(text: str) -> str:
    """What makes a cell unusable in any field, or "": longer than a cell may be, or holding a
    control character (PostgreSQL stores no NUL; the others are never meant in a ledger)."""
    if len(text) > LONGEST_CELL:
        return (
            f"the cell is {len(text):,} characters long; the most a cell may hold is "
            f"{LONGEST_CELL:,}"
        )
    if match := CONTROL_CHARACTERS.search(text):
        return (
            f"the cell holds a control character ({visible(match.group())} at character "
            f"{match.start() + 1}), which no spend field may hold: remove it"
        )
    return ""


def shown_value(text: str, length: int = 80) -> str:
    """A cell as an error shows it: control characters made visible, a long cell cut short."""
    text = visible(text[: length + 1])
    return text if len(text) <= length else f"{text[:length]}…"


def is_total_row(cells: list[str], indexes: dict) -> bool:
    """A summary line at the foot of an export: no date, and a cell saying it is a total."""
    date_index = indexes.get("date")
    if date_index is not None and date_index < len(cells) and cells[date_index]:
        return False
    return any(cell.lower().rstrip(":").strip() in TOTAL_WORDS for cell in cells)


def is_note_row(cells: list[str], indexes: dict) -> bool:
    """A note under (or above) the lines, such as "© Copyright Some Council 2021" or "Source:
    finance system": one cell of text and no amount, whichever column the note landed in."""
    filled = [cell for cell in cells if cell.strip()]
    amount_index = indexes.get("amount")
    has_amount = amount_index is not None and amount_index < len(cells) and cells[amount_index]
    return len(filled) == 1 and not has_amount and bool(_NOTE_TEXT.search(filled[0]))


# A note is prose: two words at least, or the copyright sign.
_NOTE_TEXT = re.compile(r"©|\(c\)|[A-Za-z]{2,}\W+[A-Za-z]{2,}", re.IGNORECASE)
TOTAL_ROW, NOTE_ROW = "total row", "note row"


def validate_row(
    number: int, cells: list[str], indexes: dict, spec: MappingSpec, reference: Reference
) -> RowResult:
    if is_total_row(cells, indexes):
        return RowResult(skipped=TOTAL_ROW)
    if is_note_row(cells, indexes):
        return RowResult(skipped=NOTE_ROW)
    width = len(cells)
    values = {name: cells[index] if index < width else "" for name, index in indexes.items()}

    def cell(name):
        return values.get(name, "")

    errors = []

    def error(name, problem):
        errors.append(
            RowError(number, spec.columns.get(name, ""), shown_value(cell(name)), problem)
        )

    for name, text in values.items():
        if problem := cell_problem(text):
            error(name, problem)
    if errors:  # such a cell would only add errors about what it seems to say
        return RowResult(errors=errors)
    date = amount = currency = None
    try:
        date = _parse_date(cell("date"), spec.date_format)
    except ValueError as problem:
        error("date", str(problem))
    try:
        amount = parse_amount(cell("amount"), spec.decimal_comma)
    except ValueError as problem:
        error("amount", str(problem))
    try:
        currency = _parse_currency(cell("currency") or spec.default_currency)
    except ValueError as problem:
        error("currency", str(problem))
    supplier_name = name_in(cell("supplier"))
    if not supplier_name:
        error("supplier", "the supplier is empty")
    unit_name = unit_name_in(cell("business_unit"), spec)
    unit_key = key(unit_name)
    if not unit_name:
        error(
            "business_unit",
            "no business unit given (tick 'create missing business units' on the mapping to "
            f"keep such lines under {UNASSIGNED_UNIT!r})",
        )
    elif not unit_may_be_used(unit_name, spec, reference):
        error(
            "business_unit",
            f"no business unit has the code or name {unit_name!r} "
            "(add it, or tick 'create missing business units' on the mapping)",
        )
    rate = Decimal(1)
    if currency and date and currency != reference.base_currency:
        rate = reference.rates.get((currency, date.replace(day=1)))
        if rate is None:
            error(
                "currency",
                f"no {currency}→{reference.base_currency} rate for {date:%B %Y}; "
                "import the month's FX rates first",
            )
    if errors:
        return RowResult(errors=errors)
    return RowResult(
        line=CleanLine(
            row=number,
            date=date,
            amount=(amount * rate).quantize(CENT, rounding=ROUND_HALF_UP),
            original_amount=amount,
            currency=currency,
            supplier_name=supplier_name[:255],
            supplier_key=supplier_key(supplier_name),
            unit_key=unit_key,
            unit_name=unit_name[:200],
            category_id=category_in(cell("category"), reference),
            gl_account=cell("gl_account")[:40],
            description=cell("description")[:500],
            document_reference=cell("document_reference")[:100],
        )
    )


# The values of a clean line in the tuples `validate_rows` gives, in this order.
LINE_COLUMNS = (
    "row",
    "date",
    "amount",
    "original_amount",
    "currency",
    "supplier_key",
    "supplier_name",
    "unit_key",
    "category_id",
    "gl_account",
    "description",
    "document_reference",
)
TEXT_LIMITS = (("gl_account", 40), ("description", 500), ("document_reference", 100))


@dataclass
class CheckedRows:
    """Many rows checked at once. `lines`: a tuple per clean row (LINE_COLUMNS; the date in ISO
    form, amounts as exact decimal text). `others`: (row, cells, RowResult) for every row
    skipped or wrong, in file order. `suppliers` and `unit_names`: key → the spelling of its
    first clean row, in file order."""

    lines: list = field(default_factory=list)
    others: list = field(default_factory=list)
    suppliers: dict = field(default_factory=dict)
    unit_names: dict = field(default_factory=dict)


def validate_rows(
    rows: list[tuple[int, list[str]]], indexes: dict, spec: MappingSpec, reference: Reference
) -> CheckedRows:
    """What `validate_row` says of each row, worked out a column at a time: a file repeats a few
    hundred dates, currencies, suppliers and units over a million rows, so each distinct cell is
    read once and the rows take its answer from a dictionary; amounts are checked against the
    plain form ("-1234.5"). A row that any column cannot vouch for this way (an empty or
    unreadable cell, a total row, another way of writing an amount, a missing FX rate) goes
    through `validate_row` itself, so what it says of the row is what it always said."""
    checked = CheckedRows()
    if not rows:
        return checked
    numbers, cells_of = zip(*rows, strict=True)
    count = len(rows)
    names = list(indexes)
    wanted = [indexes[name] for name in names]
    try:
        picked = list(map(operator.itemgetter(*wanted), cells_of))
    except IndexError:  # short rows: a missing cell reads as empty, as in validate_row
        picked = [
            tuple(cells[index] if index < len(cells) else "" for index in wanted)
            for cells in cells_of
        ]
    blank = ("",) * count
    column = dict.fromkeys(FIELDS_BY_NAME, blank)
    column.update(zip(names, zip(*picked, strict=True), strict=True))
    slow = set()
    for name in names:
        # A whole column at once: one search through its text, one pass over its lengths.
        values = column[name]
        if CONTROL_CHARACTERS.search("\t".join(values)) or max(map(len, values)) > LONGEST_CELL:
            slow.update(index for index, value in enumerate(values) if cell_problem(value))

    dates = {}
    for text in set(column["date"]):
        try:
            dates[text] = _parse_date(text, spec.date_format)
        except ValueError:
            pass
    currencies = {}
    for text in set(column["currency"]):
        try:
            currencies[text] = _parse_currency(text or spec.default_currency)
        except ValueError:
            pass
    suppliers = {}
    for text in set(column["supplier"]):
        if name := name_in(text):
            suppliers[text] = (supplier_key(name), name[:255])
    units = {}
    for text in set(column["business_unit"]):
        name = unit_name_in(text, spec)
        if name and unit_may_be_used(name, spec, reference):
            units[text] = (key(name), name[:200])
    categories = {text: category_in(text, reference) for text in set(column["category"])}
    date_values = list(map(dates.get, column["date"]))
    currency_values = list(map(currencies.get, column["currency"]))
    supplier_values = list(map(suppliers.get, column["supplier"]))
    unit_values = list(map(units.get, column["business_unit"]))
    plain = list(map(PLAIN_AMOUNT.match, column["amount"]))

    for values in (date_values, currency_values, supplier_values, unit_values, plain):
        if None in values:
            slow.update(index for index, value in enumerate(values) if value is None)
    amounts = column["amount"]
    if any(code != reference.base_currency for code in currencies.values()):
        amounts = list(amounts)
        for index, code in enumerate(currency_values):
            if code in (None, reference.base_currency) or index in slow:
                continue
            rate = reference.rates.get((code, date_values[index].replace(day=1)))
            if rate is None:
                slow.add(index)  # validate_row says which rate is missing
                continue
            amount = Decimal(amounts[index]).quantize(CENT, rounding=ROUND_HALF_UP)
            amounts[index] = str((amount * rate).quantize(CENT, rounding=ROUND_HALF_UP))
    texts = []
    for name, limit in TEXT_LIMITS:
        values = column[name]
        if max(map(len, values)) > limit:
            values = [value[:limit] for value in values]
        texts.append(values)

    iso = {text: value.isoformat() for text, value in dates.items()}
    supplier_keys, supplier_names = _pairs(supplier_values)
    unit_keys, _ = _pairs(unit_values)
    lines = zip(
        numbers,
        map(iso.get, column["date"]),
        amounts,
        column["amount"],
        currency_values,
        supplier_keys,
        supplier_names,
        unit_keys,
        map(categories.__getitem__, column["category"]),
        *texts,
        strict=True,
    )
    positions = range(count)
    supplier_texts, unit_texts = column["supplier"], column["business_unit"]
    if slow:
        keep = [index not in slow for index in positions]
        lines = itertools.compress(lines, keep)
        positions = list(itertools.compress(positions, keep))
        supplier_texts = list(itertools.compress(supplier_texts, keep))
        unit_texts = list(itertools.compress(unit_texts, keep))
    checked.lines = list(lines)

    extra_suppliers, extra_units = [], []
    for index in sorted(slow):
        result = validate_row(numbers[index], cells_of[index], indexes, spec, reference)
        if line := result.line:
            checked.lines.append(
                (
                    line.row,
                    line.date.isoformat(),
                    str(line.amount),
                    str(line.original_amount),
                    line.currency,
                    line.supplier_key,
                    line.supplier_name,
                    line.unit_key,
                    line.category_id,
                    line.gl_account,
                    line.description,
                    line.document_reference,
                )
            )
            extra_suppliers.append((index, line.supplier_key, line.supplier_name))
            extra_units.append((index, line.unit_key, line.unit_name))
        else:
            checked.others.append((numbers[index], cells_of[index], result))
    checked.suppliers = _first_spellings(supplier_texts, positions, suppliers, extra_suppliers)
    checked.unit_names = _first_spellings(unit_texts, positions, units, extra_units)
    return checked


def _pairs(values):
    """Two columns from a column of (key, name) pairs; None where the row goes the slow way."""
    return (
        [pair[0] if pair else None for pair in values],
        [pair[1] if pair else None for pair in values],
    )


def _first_spellings(texts, positions, pair_of: dict, extra: list) -> dict:
    """key → the name its earliest row gives, in the order the keys first appear."""
    # Built backwards, so the earliest row of each distinct cell is the one left standing.
    first_row = dict(zip(reversed(texts), reversed(positions), strict=True))
    earliest = {}
    candidates = [(position, *pair_of[text]) for text, position in first_row.items()]
    for _row, name_key, name in sorted(candidates + extra):
        earliest.setdefault(name_key, name)
    return earliest


# A file repeats the same few hundred dates, currencies and suppliers on a million rows: each
# distinct spelling is parsed once.
_parse_date = functools.lru_cache(maxsize=8192)(parse_date)
_parse_currency = functools.lru_cache(maxsize=512)(parse_currency)


@functools.lru_cache(maxsize=65536)
def supplier_key(name: str) -> str:
    return normalise(name)[:255]


def field_label(name: str) -> str:
    return FIELDS_BY_NAME[name].label
