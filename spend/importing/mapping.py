"""Which column holds which spend field: proposed from the header names, confirmed by a person,
saved under the source's name."""

import re
from dataclasses import dataclass, field

from rapidfuzz import fuzz

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
        # Organisational levels first: a file often carries the directorate and, beside it,
        # the finer service or cost centre; the proposal takes the coarser (see UNIT_LEVELS).
        (
            "business unit",
            "directorate",
            "department",
            "entity",
            "organisational unit",
            "organizational unit",
            "service label",
            "service area",
            "expense area",
            "division",
            "service",
            "cost centre",
            "cost center",
            "unit",
            "cost centre name",
        ),
    ),
    SpendField(
        "category",
        "Category",
        False,
        (
            "category code",
            "spend category",
            "procurement classification",
            "procurement category",
            "proclass",
            "category",
        ),
    ),
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
    # The business unit of every line (its code or name) when the file has no unit column, or
    # of the lines whose unit cell is empty.
    default_business_unit: str = ""
    problems: list = field(default_factory=list)


def _words(header: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", header.lower()).split())


# Business-unit synonyms that name the organisation's own level (a directorate, a department);
# the others name finer levels (a service, a cost centre) that run to hundreds of values.
ORGANISATIONAL_LEVELS = frozenset(
    {"business unit", "directorate", "department", "entity", "organisational unit"}
    | {"organizational unit"}
)
# Rows read to propose a mapping: every row of a monthly export, so that a date that only the
# 13th of the month can decide, or a unit that only appears at the end, is seen.
PROFILE_ROWS = 50_000
# A column with more distinct values than this is a list of cost centres, not of units.
MOST_UNITS = 100
# Distinct values kept per column for the category check.
VALUES_KEPT = 2_000
_DATE_LIKE = re.compile(
    r"^\d{4}-\d{1,2}-\d{1,2}(?:[ T].*)?$|^\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}(?:\s.*)?$"
)
_NAME_LIKE = re.compile(r"[A-Za-z]{3,}")


@dataclass(frozen=True)
class ColumnProfile:
    """What a column's cells are like, over the rows read to propose a mapping."""

    distinct: int = 0  # distinct non-empty values
    name_like: bool = False  # most distinct values hold a word: names, not codes
    date_format: str = ""  # the format reading every value that looks like a date, if most do
    values: frozenset = frozenset()  # up to VALUES_KEPT distinct values


def profile_columns(headers: list[str], rows: list[list[str]]) -> list[ColumnProfile]:
    """A ColumnProfile per header, from `rows` (the cells of the rows read)."""
    profiles = []
    for index in range(len(headers)):
        values = {row[index].strip() for row in rows if index < len(row)} - {""}
        name_like = sum(1 for value in values if _NAME_LIKE.search(value)) * 2 > len(values)
        dates = [value for value in values if _DATE_LIKE.match(value)]
        mostly_dates = dates and len(dates) * 10 >= len(values) * 9
        date_format = guess_date_format(dates) if mostly_dates else ""
        profiles.append(
            ColumnProfile(
                distinct=len(values),
                name_like=name_like,
                date_format=date_format,
                values=frozenset(list(values)[:VALUES_KEPT]),
            )
        )
    return profiles


def _word_matches(word: str, wanted: str) -> bool:
    """A header's word is the synonym's word, or a typo of a long one ("Directotate")."""
    return word == wanted or (len(wanted) >= 8 and fuzz.ratio(word, wanted) >= 85)


def _header_matches(text: str, synonym: str, exact: bool) -> bool:
    words, wanted = text.split(), synonym.split()
    if exact:
        return len(words) == len(wanted) and all(map(_word_matches, words, wanted))
    return any(
        all(map(_word_matches, words[start : start + len(wanted)], wanted))
        for start in range(len(words) - len(wanted) + 1)
    )


def _synonym_rank(text: str, spend_field: SpendField, exact: bool) -> int | None:
    return next(
        (
            rank
            for rank, synonym in enumerate(spend_field.synonyms)
            if _header_matches(text, synonym, exact)
        ),
        None,
    )


def _business_unit(headers: list[str], words: dict, profiles: dict) -> str | None:
    """The business-unit column: of the headers naming a unit, the organisational level before
    a finer one, then the column with the fewest units (a directorate of ten values before
    the service division of a hundred beside it); a column holding codes, one value for the
    whole file (the body's own name) or more than MOST_UNITS values comes last."""
    spend_field = FIELDS_BY_NAME["business_unit"]
    ranked = []
    for position, header in enumerate(headers):
        if header not in words:
            continue
        rank = _synonym_rank(words[header], spend_field, exact=False)
        if rank is None:
            continue
        profile = profiles.get(header, ColumnProfile())
        organisational = any(
            _header_matches(words[header], level, exact=False) for level in ORGANISATIONAL_LEVELS
        )
        unlikely = (
            profile.distinct < 2 or not profile.name_like or profile.distinct > MOST_UNITS
        ) and bool(profiles)
        ranked.append((unlikely, not organisational, profile.distinct, rank, position, header))
    return min(ranked)[-1] if ranked else None


def propose_columns(
    headers: list[str], profiles: list[ColumnProfile] | None = None, fields=FIELDS
) -> dict:
    """Field → header. The business unit is chosen first (see `_business_unit`); then exact
    synonyms are taken across all fields, so that "Expenditure category" becomes the
    description before "category" could claim it by a partial match; then headers containing a
    synonym; each header is used once. With `profiles` (what the cells are like), a supplier
    column holding names comes before one holding ids, and a file whose date column has no
    date-like name gets the column whose every value is a date."""
    words = {header: _words(header) for header in headers if header}
    by_header = dict(zip(headers, profiles, strict=False)) if profiles else {}
    proposal, used = {}, set()
    spend_lines = fields is FIELDS
    if spend_lines and (unit := _business_unit(headers, words, by_header)):
        proposal["business_unit"] = unit
        used.add(unit)
    for exact in (True, False):
        for spend_field in fields:
            if spend_field.name in proposal:
                continue
            ranked = []
            for position, header in enumerate(headers):
                if header not in words or header in used:
                    continue
                rank = _synonym_rank(words[header], spend_field, exact)
                if rank is None:
                    continue
                profile = by_header.get(header)
                if profile and not profile.distinct:
                    continue  # an empty column holds no field, whatever its name
                codes = bool(spend_field.name == "supplier" and profile and not profile.name_like)
                ranked.append((codes, rank, position, header))
            if ranked:
                found = min(ranked)[-1]
                proposal[spend_field.name] = found
                used.add(found)
    if spend_lines and "business_unit" not in proposal and by_header:
        if found := _unit_by_its_values(headers, proposal, used, by_header):
            proposal["business_unit"] = found
            used.add(found)
    if spend_lines and "date" not in proposal and by_header:
        found = next(
            (h for h in headers if h not in used and h in by_header and by_header[h].date_format),
            None,
        )
        if found:
            proposal["date"] = found
    return proposal


def _unit_by_its_values(headers, proposal: dict, used: set, by_header: dict) -> str | None:
    """For a file whose headers name no unit (a ledger's field names, such as "Nstrg(T)"):
    the first column of names, left of the supplier, with between two and MOST_UNITS values.
    Ledgers export the organisation's levels first, coarsest first."""
    supplier = proposal.get("supplier")
    end = headers.index(supplier) if supplier in headers else 0
    for header in headers[:end]:
        profile = by_header.get(header)
        if (
            header
            and header not in used
            and profile
            and profile.name_like
            and not profile.date_format
            and 2 <= profile.distinct <= MOST_UNITS
        ):
            return header
    return None


def _named_like_units(headers: list[str]) -> list[str]:
    spend_field = FIELDS_BY_NAME["business_unit"]
    return [
        h for h in headers if h and _synonym_rank(_words(h), spend_field, exact=False) is not None
    ]


def known_share(values, known: frozenset) -> float:
    """The share of a column's distinct values that name a category the workbench has."""
    if not values:
        return 0.0
    return sum(1 for value in values if " ".join(value.lower().split()) in known) / len(values)


def propose_mapping(
    headers: list[str],
    rows: list[list[str]],
    base_currency: str = "",
    known_categories: frozenset | None = None,
    known_units: frozenset | None = None,
) -> MappingSpec:
    """A first guess at the whole mapping from the headers and the cells of `rows` (as many of
    the file's rows as were read: every row that can decide the date format counts). A file
    without a currency column is taken to be in the base currency until the person says
    otherwise. With `known_categories` (the workbench's category codes and names, in lower
    case), a category column is proposed only if most of its values name one of them: a
    column of the body's own classification would leave every line unclassified. With
    `known_units` (the units' codes and names in lower case), a unit column none of whose
    values names a unit is a new source's own structure: its units are proposed for creation."""
    profiles = profile_columns(headers, rows)
    columns = propose_columns(headers, profiles)
    by_header = dict(zip(headers, profiles, strict=False))
    problems = []
    if known_categories is not None and (category := columns.get("category")):
        share = known_share(by_header[category].values, known_categories)
        if share < 0.5:
            problems.append(
                f"The column {category!r} holds the file's own classification: "
                f"{share:.0%} of its values name a category of the workbench. Map its values "
                "onto categories below (the map is saved with the mapping and reused for the "
                "source's next file); values left unmapped leave their lines unclassified."
            )

    create_missing_units = False
    if unit := columns.get("business_unit"):
        if unit not in _named_like_units(headers):
            problems.append(
                f"No column is named like a business unit; {unit!r} is proposed because its "
                f"{by_header[unit].distinct} values read as names of parts of the organisation. "
                "Check it."
            )
        values = by_header[unit].values
        known = known_units or frozenset()
        unknown = sum(1 for value in values if " ".join(value.lower().split()) not in known)
        if known_units is not None and unknown:
            create_missing_units = True
            problems.append(
                f"{unknown} of the {len(values)} values of {unit!r} name no business unit of the "
                "workbench: the import will create them (listed on its result; undoing the "
                "import removes them again). Untick “Create missing business units” to refuse "
                "such lines instead."
            )

    def samples(field_name):
        if field_name not in columns:
            return []
        index = headers.index(columns[field_name])
        return [row[index] for row in rows if index < len(row)]

    date_profile = by_header.get(columns.get("date"), ColumnProfile())
    return MappingSpec(
        columns=columns,
        date_format=date_profile.date_format or guess_date_format(samples("date")[:20]),
        decimal_comma=looks_like_decimal_comma(samples("amount")[:200]),
        default_currency="" if "currency" in columns else base_currency,
        create_missing_units=create_missing_units,
        problems=problems,
    )


def mapping_problems(headers: list[str], spec: MappingSpec) -> list[str]:
    """What stops this mapping from reading this file, in words for the person mapping it."""
    problems = []
    for name in REQUIRED:
        header = spec.columns.get(name)
        if name == "business_unit" and not header and spec.default_business_unit:
            continue  # one unit for every line
        if not header:
            problems.append(
                f"No column is chosen for {FIELDS_BY_NAME[name].label}, which is required."
                + (" Or choose one unit for every line." if name == "business_unit" else "")
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
