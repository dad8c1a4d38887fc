"""Values read from a page's address (the query string): months, years, record ids and page
numbers, each read one way everywhere with a message a person can act on.

Two ways to use it:
- a form field (`MonthField`, `RecordIdField`, `RecordIdsField`) for a page that reports a bad
  value beside its filters and leaves it out, as the spend cube does;
- `month`, `year`, `record_id` and `page_number` for a view without a form: a value no page could
  use raises `BadQuery`, which Django answers with the 400 page (templates/400.html) naming the
  parameter and what is expected.

The limits are where the database and the calendar arithmetic stop being safe, well outside any
real procurement record: months and years 1900..2199 (a twelve- or 24-month window around them
stays inside Python's dates), ids up to the largest 64-bit integer both databases store (SQLite
fails on a bigger one instead of finding nothing) and up to 100,000 pages.
"""

import datetime
import re

from django import forms
from django.core.exceptions import BadRequest
from django.shortcuts import render

FIRST_YEAR, LAST_YEAR = 1900, 2199
LARGEST_ID = 2**63 - 1
LARGEST_PAGE = 100_000

# ASCII digits only: Python's int() also reads Arabic-Indic or mathematical digits, which no
# address of ours carries.
_MONTH = re.compile(r"(\d{4})-(\d{2})", re.ASCII)
_WHOLE_NUMBER = re.compile(r"\d{1,20}", re.ASCII)

MONTH_MESSAGE = (
    f"Enter a month as YYYY-MM, e.g. 2026-03, between {FIRST_YEAR}-01 and {LAST_YEAR}-12."
)
YEAR_MESSAGE = f"Give a year between {FIRST_YEAR} and {LAST_YEAR}, as four digits."
ID_MESSAGE = "Give a record number as shown in the application's own links."
PAGE_MESSAGE = f"Give a page number from 1 to {LARGEST_PAGE:,}."


class BadQuery(BadRequest):
    """A value in the address that no page could use; the message says what is expected."""

    def __init__(self, name: str, message: str):
        super().__init__(f"“{name}” in the address: {message}")
        self.name = name


# --- Parsing: plain text in, a value or ValueError(message) out --------------------------------


def parse_month(text: str) -> datetime.date:
    """The first day of the month `text` names as YYYY-MM."""
    match = _MONTH.fullmatch(text.strip())
    if not match:
        raise ValueError(MONTH_MESSAGE)
    year, month = int(match[1]), int(match[2])
    if not (FIRST_YEAR <= year <= LAST_YEAR and 1 <= month <= 12):
        raise ValueError(MONTH_MESSAGE)
    return datetime.date(year, month, 1)


def parse_year(text: str) -> int:
    text = text.strip()
    if not (_WHOLE_NUMBER.fullmatch(text) and FIRST_YEAR <= int(text) <= LAST_YEAR):
        raise ValueError(YEAR_MESSAGE)
    return int(text)


def parse_id(text: str) -> int:
    text = text.strip()
    if not (_WHOLE_NUMBER.fullmatch(text) and 1 <= int(text) <= LARGEST_ID):
        raise ValueError(ID_MESSAGE)
    return int(text)


# --- Views without a form: refuse with the 400 page --------------------------------------------


def _read(params, name, parse):
    text = params.get(name, "")
    if not text.strip():
        return None
    try:
        return parse(text)
    except ValueError as problem:
        raise BadQuery(name, str(problem)) from None


def month(params, name: str) -> datetime.date | None:
    """?name=YYYY-MM as the month's first day; None when absent or empty."""
    return _read(params, name, parse_month)


def year(params, name: str) -> int | None:
    return _read(params, name, parse_year)


def record_id(params, name: str) -> int | None:
    return _read(params, name, parse_id)


def page_number(params, name: str = "page") -> int | str:
    """?page=N; 1 when absent. "last" stays Django's paginator's to resolve, so it is passed on
    as the string."""
    text = params.get(name, "").strip()
    if not text:
        return 1
    if text == "last":
        return text
    if not (_WHOLE_NUMBER.fullmatch(text) and 1 <= int(text) <= LARGEST_PAGE):
        raise BadQuery(name, PAGE_MESSAGE)
    return int(text)


def bad_request(request, exception):
    """The 400 page: what was wrong in the address when we know (BadQuery), a general word
    otherwise (Django's own refusals may carry details not meant for users)."""
    message = str(exception) if isinstance(exception, BadQuery) else ""
    return render(request, "400.html", {"message": message}, status=400)


# --- Form fields: the same parsing, reported beside the form -----------------------------------


class MonthField(forms.Field):
    """YYYY-MM as the month's first day."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.date):
            return value.replace(day=1)
        try:
            return parse_month(str(value))
        except ValueError as problem:
            raise forms.ValidationError(str(problem), code="invalid") from None


class RecordIdField(forms.ModelChoiceField):
    """A choice of one record by id, refusing ids no database row could have before asking."""

    def to_python(self, value):
        if value not in self.empty_values and self.to_field_name is None:
            try:
                parse_id(str(value))
            except ValueError:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice"
                ) from None
        return super().to_python(value)


class RecordIdsField(forms.ModelMultipleChoiceField):
    """A choice of several records by id, refusing ids no database row could have before
    asking (SQLite fails on an integer over 64 bits instead of finding nothing)."""

    def _check_values(self, value):
        for pk in value if self.to_field_name is None else ():
            try:
                parse_id(str(pk))
            except ValueError:
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                ) from None
        return super()._check_values(value)
