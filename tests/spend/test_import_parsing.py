"""The pure side of importing: cells, mapping proposals, supplier matching, FX files."""

import datetime
from decimal import Decimal

import pytest

from spend.importing.mapping import MappingSpec, mapping_problems, propose_mapping
from spend.importing.matching import EXACT, FUZZY, NEW, match_suppliers
from spend.importing.parsing import parse_amount, parse_currency, parse_date
from spend.importing.rates import parse_rates
from spend.importing.reading import read_table


@pytest.mark.parametrize(
    ("text", "date_format", "expected"),
    [
        ("2026-01-31", "iso", datetime.date(2026, 1, 31)),
        ("2026-01-31 00:00:00", "day_first", datetime.date(2026, 1, 31)),
        ("31/01/2026", "day_first", datetime.date(2026, 1, 31)),
        ("31.01.26", "day_first", datetime.date(2026, 1, 31)),
        ("01/31/2026", "month_first", datetime.date(2026, 1, 31)),
        # Excel serial: 45658 is 1 January 2025 (Excel's own DATE(2025,1,1)).
        ("45658", "excel", datetime.date(2025, 1, 1)),
    ],
)
def test_dates_in_each_format(text, date_format, expected):
    assert parse_date(text, date_format) == expected


@pytest.mark.parametrize(
    ("text", "date_format", "problem"),
    [
        ("", "iso", "empty"),
        ("31/02/2026", "day_first", "not a real calendar date"),
        ("31/01/2026", "iso", "YYYY-MM-DD"),
        ("yesterday", "excel", "Excel serial"),
    ],
)
def test_bad_dates_say_what_is_wrong(text, date_format, problem):
    with pytest.raises(ValueError, match=problem):
        parse_date(text, date_format)


@pytest.mark.parametrize(
    ("text", "decimal_comma", "expected"),
    [
        ("1,234.56", False, "1234.56"),
        ("1.234,56", True, "1234.56"),
        ("-12.5", False, "-12.50"),
        ("(12.50)", False, "-12.50"),
        ("12.50-", False, "-12.50"),
        ("£1,000", False, "1000.00"),
        ("1 234,5", True, "1234.50"),
        ("0.005", False, "0.01"),
    ],
)
def test_amounts_as_exports_write_them(text, decimal_comma, expected):
    assert parse_amount(text, decimal_comma) == Decimal(expected)


@pytest.mark.parametrize("text", ["", "12x", "1,23,4.5", "1.234,56"])
def test_bad_amounts_are_refused(text):
    with pytest.raises(ValueError):
        parse_amount(text, decimal_comma=False)


def test_currency_codes_are_iso_4217():
    assert parse_currency(" eur ") == "EUR"
    with pytest.raises(ValueError, match="ISO 4217"):
        parse_currency("UKP")


def test_mapping_proposed_from_the_issue_example_headers():
    headers = ["Invoice Date", "Vendor Name", "Net Amount", "Cost Centre", "GL Account", "Currency"]
    proposal = propose_mapping(headers, [["31/01/2026", "Acme", "1.234,56", "MFG", "6100", "EUR"]])
    assert proposal.columns == {
        "date": "Invoice Date",
        "supplier": "Vendor Name",
        "amount": "Net Amount",
        "business_unit": "Cost Centre",
        "gl_account": "GL Account",
        "currency": "Currency",
    }
    assert proposal.date_format == "day_first" and proposal.decimal_comma


def test_missing_required_column_is_named():
    spec = MappingSpec(columns={"date": "Date"}, default_currency="GBP")
    problems = mapping_problems(["Date"], spec)
    assert any("Amount" in p and "required" in p for p in problems)


def test_suppliers_match_exactly_by_alias_fuzzily_or_are_new():
    existing = {"dell technologies": 1, "oakworth primary academy": 2, "riba enterprises": 3}
    names = {
        "dell technologies": "Dell Technologies Ltd",
        "dell technologie": "DELL TECHNOLOGIE",  # cut short by the export
        "haworth primary academy": "Haworth Primary Academy",  # another school
        "rnib enterprises": "RNIB Enterprises",  # another charity
        "softcat": "Softcat plc",
    }
    matches = match_suppliers(names, existing, aliases={"softcat": 9})
    assert matches["dell technologies"].how == EXACT
    assert (matches["dell technologie"].how, matches["dell technologie"].supplier_id) == (FUZZY, 1)
    assert matches["haworth primary academy"].how == NEW
    assert matches["rnib enterprises"].how == NEW
    assert (matches["softcat"].how, matches["softcat"].supplier_id) == ("alias", 9)


def test_new_names_in_one_file_match_each_other():
    names = {"prepaid financial services": "A", "prepaid financial servic": "B"}
    matches = match_suppliers(names, existing={}, aliases={})
    assert matches["prepaid financial services"].how == NEW
    assert matches["prepaid financial servic"].same_as == "prepaid financial services"


def test_semicolon_file_with_bom_reads_its_headers():
    table = read_table(b"\xef\xbb\xbfDate;Amount\n2026-01-01;1,5\n\n", "x.csv")
    assert table.headers == ["Date", "Amount"]
    assert list(table.rows) == [(2, ["2026-01-01", "1,5"])]


def test_fx_rates_file():
    rates, errors = parse_rates(b"Currency,Month,Rate\nEUR,2026-01,0.85\nGBP,2026-01,1\n", "GBP")
    assert rates == [("EUR", datetime.date(2026, 1, 1), Decimal("0.85"))]
    assert errors == [(3, "GBP is the base currency: its rate is always 1")]


def test_spreadsheet_error_values_are_read_as_no_name():
    from spend.importing.validation import Reference, validate_row

    headers = ["Date", "Supplier", "Amount", "Unit", "Category"]
    indexes = {
        name: headers.index(header)
        for name, header in zip(
            ["date", "supplier", "amount", "business_unit", "category"], headers, strict=True
        )
    }
    columns = dict(zip(indexes, headers, strict=True))
    reference = Reference("GBP", units={"fin": 1}, categories={"it": 7})

    def check(cells, create_missing_units):
        spec = MappingSpec(
            columns=columns, default_currency="GBP", create_missing_units=create_missing_units
        )
        return validate_row(2, cells, indexes, spec, reference)

    kept = check(["2026-01-05", "Acme Ltd", "10.00", "#N/A", "#REF!"], True).line
    assert (kept.unit_name, kept.unit_key, kept.category_id) == ("Unassigned", "unassigned", None)
    refused = check(["2026-01-05", "#N/A", "10.00", " #n/a ", "IT"], False).errors
    assert [(error.column, error.problem.split(" (")[0]) for error in refused] == [
        ("Supplier", "the supplier is empty"),
        ("Unit", "no business unit given"),
    ]
