"""Every row checked against the mapping and the reference data (units, categories, FX rates),
giving either a clean line ready to store or the row's errors: row, column, value, what is
wrong. Pure: the caller passes the reference data in as dictionaries."""

import datetime
import functools
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from categories.importing.mapping import FIELDS_BY_NAME, MappingSpec
from categories.importing.parsing import CENT, parse_amount, parse_currency, parse_date
from suppliers.names import normalise

TOTAL_WORDS = ("total", "grand total", "sum", "subtotal", "sub-total")


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


def column_indexes(headers: list[str], spec: MappingSpec) -> dict:
    return {name: headers.index(header) for name, header in spec.columns.items() if header}


def is_total_row(cells: list[str], indexes: dict) -> bool:
    """A summary line at the foot of an export: no date, and a cell saying it is a total."""
    date_index = indexes.get("date")
    if date_index is not None and date_index < len(cells) and cells[date_index]:
        return False
    return any(cell.lower().rstrip(":").strip() in TOTAL_WORDS for cell in cells)


def validate_row(
    number: int, cells: list[str], indexes: dict, spec: MappingSpec, reference: Reference
) -> RowResult:
    if is_total_row(cells, indexes):
        return RowResult(skipped="total row")
    width = len(cells)
    values = {name: cells[index] if index < width else "" for name, index in indexes.items()}

    def cell(name):
        return values.get(name, "")

    errors = []

    def error(name, problem):
        errors.append(RowError(number, spec.columns.get(name, ""), cell(name), problem))

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
    supplier_name = " ".join(cell("supplier").split())
    if not supplier_name:
        error("supplier", "the supplier is empty")
    unit_name = " ".join(cell("business_unit").split())
    unit_key = key(unit_name)
    if not unit_name:
        error("business_unit", "the business unit is empty")
    elif unit_key not in reference.units and not spec.create_missing_units:
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
    category_text = cell("category")
    return RowResult(
        line=CleanLine(
            row=number,
            date=date,
            amount=(amount * rate).quantize(CENT, rounding=ROUND_HALF_UP),
            original_amount=amount,
            currency=currency,
            supplier_name=supplier_name[:255],
            supplier_key=_supplier_key(supplier_name),
            unit_key=unit_key,
            unit_name=unit_name[:200],
            category_id=reference.categories.get(key(category_text)) if category_text else None,
            gl_account=cell("gl_account")[:40],
            description=cell("description")[:500],
            document_reference=cell("document_reference")[:100],
        )
    )


# A file repeats the same few hundred dates, currencies and suppliers on a million rows: each
# distinct spelling is parsed once.
_parse_date = functools.lru_cache(maxsize=8192)(parse_date)
_parse_currency = functools.lru_cache(maxsize=512)(parse_currency)


@functools.lru_cache(maxsize=65536)
def _supplier_key(name: str) -> str:
    return normalise(name)[:255]


def field_label(name: str) -> str:
    return FIELDS_BY_NAME[name].label
