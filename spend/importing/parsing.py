"""Reading one cell: dates, amounts and currencies as accounts-payable exports write them.
Each parser returns the value or raises ValueError with what is wrong, in the user's words."""

import datetime
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

# Active ISO 4217 codes (2024 list), so "UKP" or "EURO" are caught as typing errors.
ISO_4217 = frozenset(
    """AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN
    BWP BYN BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP
    GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS
    KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR
    MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF
    SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD
    TZS UAH UGX USD UYU UZS VES VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG""".split()
)

DATE_FORMATS = ("iso", "day_first", "month_first", "excel")
EXCEL_EPOCH = datetime.date(1899, 12, 30)  # Excel's day 0, after its 1900 leap-year bug
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$")
_NUMERIC_DATE = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})(?:\s.*)?$")
_SERIAL = re.compile(r"^\d{4,6}(?:\.\d+)?$")
_POINT_AMOUNT = re.compile(r"^\d{1,3}(?:,\d{3})+(?:\.\d+)?$|^\d*\.?\d+$|^\d+\.$")
_COMMA_AMOUNT = re.compile(r"^\d{1,3}(?:\.\d{3})+(?:,\d+)?$|^\d*,?\d+$|^\d+,$")
# How most exports write amounts; a whole column is checked against it at once on import.
PLAIN_AMOUNT = re.compile(r"^-?\d{1,12}(?:\.\d{1,2})?$")
CENT = Decimal("0.01")
LARGEST_AMOUNT = Decimal("1e13")


def _year(text: str) -> int:
    year = int(text)
    return year + 2000 if len(text) == 2 else year


def parse_date(text: str, date_format: str) -> datetime.date:
    """A date in the mapping's format. ISO dates (2026-01-31) are always accepted, since they
    cannot be misread and Excel cells formatted as dates arrive in that form."""
    value = text.strip()
    if not value:
        raise ValueError("the date is empty")
    try:
        if match := _ISO.match(value):
            return datetime.date(*(int(part) for part in match.groups()))
        if date_format == "excel" and _SERIAL.match(value):
            serial = int(float(value))
            if not 1 <= serial <= 2958465:
                raise ValueError
            return EXCEL_EPOCH + datetime.timedelta(days=serial)
        if date_format in ("day_first", "month_first") and (match := _NUMERIC_DATE.match(value)):
            first, second, year = match.groups()
            day, month = (first, second) if date_format == "day_first" else (second, first)
            return datetime.date(_year(year), int(month), int(day))
    except ValueError:
        raise ValueError(f"{value!r} is not a real calendar date") from None
    expected = {
        "iso": "YYYY-MM-DD",
        "day_first": "DD/MM/YYYY",
        "month_first": "MM/DD/YYYY",
        "excel": "an Excel serial number such as 45292",
    }[date_format]
    raise ValueError(f"{value!r} is not a date in the mapping's format ({expected})")


def parse_amount(text: str, decimal_comma: bool = False) -> Decimal:
    """An amount to the cent. Thousands separators, a decimal comma ("1.234,56") when the
    mapping says so, currency signs, and negatives as -12.50, (12.50) or 12.50- (credit notes)."""
    if PLAIN_AMOUNT.match(text):
        # The common case, "1234.56" or "-12.5", needs none of the cleaning below.
        return Decimal(text).quantize(CENT, rounding=ROUND_HALF_UP)
    value = text.strip()
    if not value:
        raise ValueError("the amount is empty")
    cleaned = re.sub(r"[£$€\s\u00a0']", "", value)
    cleaned = re.sub(r"^[A-Z]{3}|[A-Z]{3}$", "", cleaned)
    negative = False
    if cleaned.startswith("(") and cleaned.endswith(")"):
        negative, cleaned = True, cleaned[1:-1]
    if cleaned.startswith("-"):
        negative, cleaned = True, cleaned[1:]
    elif cleaned.endswith("-"):
        negative, cleaned = True, cleaned[:-1]
    elif cleaned.startswith("+"):
        cleaned = cleaned[1:]
    if decimal_comma:
        if not _COMMA_AMOUNT.match(cleaned):
            raise ValueError(f"{value!r} is not an amount written like 1.234,56")
        cleaned = cleaned.replace(".", "").replace(",", ".")
    else:
        if not _POINT_AMOUNT.match(cleaned):
            hint = (
                " (is the decimal separator a comma? tick it on the mapping)"
                if "," in value
                else ""
            )
            raise ValueError(f"{value!r} is not an amount written like 1,234.56{hint}")
        cleaned = cleaned.replace(",", "")
    try:
        amount = Decimal(cleaned).quantize(CENT, rounding=ROUND_HALF_UP)
    except InvalidOperation:
        raise ValueError(f"{value!r} is not an amount") from None
    if abs(amount) >= LARGEST_AMOUNT:
        raise ValueError(f"{value!r} is larger than any invoice line could be")
    return -amount if negative else amount


def parse_currency(text: str) -> str:
    code = text.strip().upper()
    if not code:
        raise ValueError("the currency is empty")
    if code not in ISO_4217:
        raise ValueError(f"{text.strip()!r} is not an ISO 4217 currency code (e.g. GBP, EUR, USD)")
    return code


def looks_like_decimal_comma(samples: list[str]) -> bool:
    """Whether amounts in a file's first rows read as "1.234,56" rather than "1,234.56"."""
    comma = point = 0
    for sample in samples:
        cleaned = re.sub(r"[£$€\s\u00a0'()+\-]", "", sample)
        if not cleaned:
            continue
        if re.search(r",\d{1,2}$", cleaned) or re.search(r"\.\d{3},", cleaned):
            comma += 1
        elif re.search(r"\.\d{1,2}$", cleaned) or re.search(r",\d{3}\.", cleaned):
            point += 1
    return comma > point


def guess_date_format(samples: list[str]) -> str:
    """The date format that reads every sample that looks like a date (a copyright line or a
    note in the date column decides nothing); day first wins ties (UK and European files).
    Give it every row that can decide: "03/04/2021" is either format, "13/04/2021" only one."""
    values = [
        value
        for value in (sample.strip() for sample in samples)
        if _ISO.match(value) or _NUMERIC_DATE.match(value) or _SERIAL.match(value)
    ]
    if not values:
        return "iso"
    for date_format in ("iso", "day_first", "excel", "month_first"):
        try:
            for value in values:
                parse_date(value, date_format)
        except ValueError:
            continue
        if date_format == "iso" and not all(_ISO.match(v) for v in values):
            continue
        return date_format
    return "iso"
