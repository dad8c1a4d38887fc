"""Monthly FX rates from a CSV file: currency, month, rate."""

import csv
import datetime
import io
import re
from decimal import Decimal, InvalidOperation

from spend.importing.parsing import parse_currency
from spend.importing.reading import decode_text, sniff_delimiter

_MONTH = re.compile(r"^(\d{4})-(\d{1,2})(?:-\d{1,2})?$")


def parse_rates(data: bytes, base_currency: str) -> tuple[list, list]:
    """(currency, first of month, rate) rows and (row, what is wrong) errors. The rate is the
    base currency per unit of the currency; a rate for the base currency itself is refused."""
    text = decode_text(data)
    if not text.strip():
        return [], [(1, "the file is empty")]
    reader = csv.reader(io.StringIO(text), delimiter=sniff_delimiter(text.split("\n", 1)[0]))
    headers = [h.strip().lower() for h in next(reader)]
    missing = {"currency", "month", "rate"} - set(headers)
    if missing:
        return [], [(1, f"missing column(s): {', '.join(sorted(missing))}")]
    position = {name: headers.index(name) for name in ("currency", "month", "rate")}
    rates, errors = [], []
    for cells in reader:
        if not any(c.strip() for c in cells):
            continue
        number = reader.line_num
        try:
            currency = parse_currency(cells[position["currency"]])
            if currency == base_currency:
                raise ValueError(f"{currency} is the base currency: its rate is always 1")
            match = _MONTH.match(cells[position["month"]].strip())
            if not match:
                raise ValueError(f"{cells[position['month']]!r} is not a month (YYYY-MM)")
            month = datetime.date(int(match[1]), int(match[2]), 1)
            rate = Decimal(cells[position["rate"]].strip())
            if not rate.is_finite() or rate <= 0:
                raise ValueError(f"{cells[position['rate']]!r} is not a positive rate")
        except (ValueError, InvalidOperation, IndexError) as problem:
            errors.append((number, str(problem) or "not a rate"))
            continue
        rates.append((currency, month, rate))
    return rates, errors
