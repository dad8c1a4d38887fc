"""A contracts register as public bodies publish it (reference, title, supplier, annual and
total value, start, end and current expiry, extension options, a classification): which column
holds what, and every row checked, with the same mapping, row errors and refusals as spend
lines. Pure: the caller passes the categories in as a dictionary."""

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from spend.importing.mapping import SpendField, profile_columns, propose_columns
from spend.importing.parsing import guess_date_format, parse_amount, parse_date
from spend.importing.validation import RowError, key, name_in, shown_value, supplier_key

CONTRACT_FIELDS = (
    SpendField(
        "reference",
        "Contract reference",
        False,
        ("contract reference", "contract ref", "contract number", "contract id", "reference"),
    ),
    SpendField("title", "Title", True, ("contract title", "title", "contract name", "contract")),
    SpendField(
        "supplier",
        "Supplier",
        True,
        (
            "supplier company name",
            "supplier name",
            "supplier",
            "contractor",
            "provider",
            "vendor",
        ),
    ),
    SpendField(
        "annual_value",
        "Annual value",
        False,
        ("annual value", "annual contract value", "value per annum", "yearly value"),
    ),
    SpendField(
        "value",
        "Total value",
        True,
        ("total contract value", "total value", "contract value", "estimated value", "value"),
    ),
    SpendField(
        "start", "Start date", True, ("start date", "contract start", "commencement date", "start")
    ),
    SpendField("end", "End date", True, ("end date", "contract end", "original end date", "end")),
    SpendField(
        "expiry",
        "Current expiry date",
        False,
        ("current expiry date", "current end date", "expiry date", "expiry"),
    ),
    SpendField(
        "extension_months",
        "Extension options (months)",
        False,
        ("option to extend", "extension options", "extension period", "extension"),
    ),
    SpendField(
        "category",
        "Category",
        False,
        ("proclass description", "category", "classification", "proclass"),
    ),
)
CONTRACT_FIELDS_BY_NAME = {
    contract_field.name: contract_field for contract_field in CONTRACT_FIELDS
}
# What registers write where a value is not known yet: no value at all, not a wrong one.
NOT_KNOWN = frozenset({"", "-", "--", "n/a", "na", "tbc", "tbd", "none", "unknown", "x"})


@dataclass(frozen=True)
class ContractMapping:
    """A confirmed contracts mapping as plain values: field name → header, and the dates."""

    columns: dict
    date_format: str = "iso"
    decimal_comma: bool = False
    problems: list = field(default_factory=list)


@dataclass(frozen=True)
class CheckedContract:
    row: int
    reference: str
    title: str
    supplier_name: str
    supplier_key: str
    annual_value: Decimal | None
    value: Decimal
    start: object
    end: object
    extension_months: int | None
    category_id: int | None


def looks_like_contracts(headers: list[str]) -> bool:
    """Whether a file's headers read as a contracts register rather than spend lines: a
    contract title and its start and end are there."""
    columns = propose_columns(headers, fields=CONTRACT_FIELDS)
    return {"title", "start", "end"} <= set(columns) and any(
        "contract" in header.lower() for header in headers
    )


def propose_contract_mapping(headers: list[str], rows: list[list[str]]) -> ContractMapping:
    """The columns of a register from its headers; the date format from every row's dates."""
    profiles = profile_columns(headers, rows)
    columns = propose_columns(headers, profiles, fields=CONTRACT_FIELDS)
    dates = []
    for name in ("start", "end", "expiry"):
        if header := columns.get(name):
            index = headers.index(header)
            dates += [row[index] for row in rows if index < len(row)]
    return ContractMapping(columns=columns, date_format=guess_date_format(dates))


def contract_mapping_problems(headers: list[str], mapping: ContractMapping) -> list[str]:
    problems = []
    for contract_field in CONTRACT_FIELDS:
        header = mapping.columns.get(contract_field.name)
        if contract_field.name == "end" and mapping.columns.get("expiry"):
            continue  # the current expiry is the end
        if contract_field.required and not header:
            problems.append(f"No column is chosen for {contract_field.label}, which is required.")
        elif header and header not in headers:
            problems.append(
                f"The file has no column {header!r} (mapped to {contract_field.label})."
            )
    return problems


def _known(text: str) -> str:
    value = " ".join(text.split())
    return "" if value.lower() in NOT_KNOWN else value


def check_contract(
    number: int, cells: list[str], indexes: dict, mapping: ContractMapping, categories: dict
) -> tuple[CheckedContract | None, list[RowError]]:
    """One row of the register: the contract it describes, or what is wrong with it. A value
    written "-" or "TBC" is not known: fine where the field is optional, an error where the
    contract cannot be kept without it."""
    values = {name: cells[index] if index < len(cells) else "" for name, index in indexes.items()}
    errors = []

    def error(name, problem):
        errors.append(
            RowError(
                number, mapping.columns.get(name, ""), shown_value(values.get(name, "")), problem
            )
        )

    def text(name):
        return _known(values.get(name, ""))

    def date(name, required):
        value = text(name)
        if not value:
            if required:
                error(name, f"the {CONTRACT_FIELDS_BY_NAME[name].label.lower()} is not known")
            return None
        try:
            return parse_date(value, mapping.date_format)
        except ValueError as problem:
            error(name, str(problem))
            return None

    def amount(name, required):
        value = text(name)
        if not value:
            if required:
                error(name, f"the {CONTRACT_FIELDS_BY_NAME[name].label.lower()} is not known")
            return None
        try:
            return parse_amount(value, mapping.decimal_comma)
        except ValueError as problem:
            error(name, str(problem))
            return None

    title = text("title")
    if not title:
        error("title", "the contract has no title")
    supplier = name_in(text("supplier"))
    if not supplier:
        error("supplier", "the supplier is not known")
    start, end, expiry = date("start", True), date("end", not text("expiry")), date("expiry", False)
    value, annual_value = amount("value", True), amount("annual_value", False)
    months = None
    if extension := text("extension_months"):
        try:
            months = int(Decimal(extension).to_integral_value())
        except InvalidOperation:
            error("extension_months", f"{extension!r} is not a number of months")
    ends = expiry or end
    if start and ends and ends < start:
        error(
            "expiry" if expiry else "end",
            f"the contract ends ({ends:%d %b %Y}) before it starts ({start:%d %b %Y})",
        )
    if errors:
        return None, errors
    return (
        CheckedContract(
            row=number,
            reference=text("reference")[:100],
            title=title[:200],
            supplier_name=supplier[:255],
            supplier_key=supplier_key(supplier),
            annual_value=annual_value,
            value=value,
            start=start,
            end=ends,
            extension_months=months,
            category_id=categories.get(key(text("category"))) if text("category") else None,
        ),
        [],
    )
