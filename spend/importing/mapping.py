"""Which column holds which spend field: proposed from the header names, confirmed by a person,
saved under the source's name."""

import re
from dataclasses import dataclass, field

from spend.importing.parsing import guess_date_format, looks_like_decimal_comma


@dataclass(frozen=True)
class SpendField:
    name: str
    label: str
    required: bool
    # Header names as ERP and accounts-payable exports write them, best first.
    synonyms: tuple[str, ...]


FIELDS = (
    SpendField(
        "date",
        "Date",
        True,
        (
            "invoice date",
            "payment date",
            "posting date",
            "transaction date",
            "document date",
            "date paid",
            "paid date",
            "date",
        ),
    ),
    SpendField(
        "amount",
        "Amount",
        True,
        (
            "net amount",
            "amount",
            "line amount",
            "invoice amount",
            "net value",
            "value",
            "spend",
            "amount paid",
            "total",
        ),
    ),
    SpendField("currency", "Currency", False, ("currency", "currency code", "ccy", "curr")),
    SpendField(
        "supplier",
        "Supplier",
        True,
        (
            "supplier name",
            "vendor name",
            "supplier",
            "vendor",
            "payee",
            "creditor name",
            "creditor",
            "beneficiary",
        ),
    ),
    SpendField(
        "business_unit",
        "Business unit",
        True,
        (
            "business unit",
            "cost centre",
            "cost center",
            "service label",
            "department",
            "directorate",
            "division",
            "service area",
            "service",
            "unit",
            "cost centre name",
        ),
    ),
    SpendField("category", "Category", False, ("category code", "spend category", "category")),
    SpendField(
        "gl_account",
        "GL account",
        False,
        (
            "gl account",
            "gl code",
            "account code",
            "expenditure code",
            "nominal code",
            "ledger code",
            "account",
            "gl",
        ),
    ),
    SpendField(
        "description",
        "Description",
        False,
        (
            "description",
            "line description",
            "item description",
            "expenditure category",
            "expense type",
            "narrative",
            "details",
            "purpose",
        ),
    ),
    SpendField(
        "document_reference",
        "Document reference",
        False,
        (
            "invoice number",
            "invoice no",
            "document number",
            "transaction number",
            "transaction reference",
            "reference",
            "document reference",
            "po number",
        ),
    ),
)
FIELDS_BY_NAME = {spend_field.name: spend_field for spend_field in FIELDS}
REQUIRED = tuple(spend_field.name for spend_field in FIELDS if spend_field.required)


@dataclass(frozen=True)
class MappingSpec:
    """A confirmed mapping as plain values: field name → header, and how cells are written."""

    columns: dict
    date_format: str = "iso"
    decimal_comma: bool = False
    default_currency: str = ""
    create_missing_units: bool = False
    problems: list = field(default_factory=list)


def _words(header: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", header.lower()).split())


def propose_columns(headers: list[str]) -> dict:
    """Field → header. Exact synonyms are taken first across all fields, so that
    "Expenditure category" becomes the description before "category" could claim it by a
    partial match; then headers containing a synonym; each header is used once."""
    words = {header: _words(header) for header in headers if header}
    proposal, used = {}, set()
    for exact in (True, False):
        for spend_field in FIELDS:
            if spend_field.name in proposal:
                continue
            for synonym in spend_field.synonyms:
                found = next(
                    (
                        header
                        for header, text in words.items()
                        if header not in used
                        and (text == synonym if exact else f" {synonym} " in f" {text} ")
                    ),
                    None,
                )
                if found:
                    proposal[spend_field.name] = found
                    used.add(found)
                    break
    return proposal


def propose_mapping(
    headers: list[str], sample_rows: list[list[str]], base_currency: str = ""
) -> MappingSpec:
    """A first guess at the whole mapping, including the date format and decimal separator as
    the first rows show them; a file without a currency column is taken to be in the base
    currency until the person says otherwise."""
    columns = propose_columns(headers)

    def samples(field_name):
        if field_name not in columns:
            return []
        index = headers.index(columns[field_name])
        return [row[index] for row in sample_rows if index < len(row)]

    return MappingSpec(
        columns=columns,
        date_format=guess_date_format(samples("date")),
        decimal_comma=looks_like_decimal_comma(samples("amount")),
        default_currency="" if "currency" in columns else base_currency,
    )


def mapping_problems(headers: list[str], spec: MappingSpec) -> list[str]:
    """What stops this mapping from reading this file, in words for the person mapping it."""
    problems = []
    for name in REQUIRED:
        header = spec.columns.get(name)
        if not header:
            problems.append(
                f"No column is chosen for {FIELDS_BY_NAME[name].label}, which is required."
            )
        elif header not in headers:
            problems.append(
                f"The file has no column {header!r} (mapped to {FIELDS_BY_NAME[name].label}): "
                "a required column is missing."
            )
    for name, header in spec.columns.items():
        if name not in REQUIRED and header and header not in headers:
            problems.append(
                f"The file has no column {header!r} (mapped to {FIELDS_BY_NAME[name].label})."
            )
    if not spec.columns.get("currency") and not spec.default_currency:
        problems.append("Choose a currency column or a currency for every line.")
    return problems
