"""How amounts read everywhere (pages, chart labels): compact, with the currency."""

from decimal import Decimal


def compact(value, currency: str = "") -> str:
    """12345678.9 -> "12.3m", 45600 -> "45.6k", 950 -> "950"; prefixed with the currency."""
    if value is None or value == "":
        return "–"
    amount = Decimal(value)
    magnitude = abs(amount)
    if magnitude >= 1_000_000_000:
        text = f"{amount / Decimal(1e9):,.2f}bn"
    elif magnitude >= 1_000_000:
        text = f"{amount / Decimal(1e6):,.1f}m"
    elif magnitude >= 10_000:
        text = f"{amount / Decimal(1e3):,.0f}k"
    elif magnitude >= 1_000:
        text = f"{amount / Decimal(1e3):,.1f}k"
    else:
        text = f"{amount:,.0f}"
    return f"{currency} {text}".strip()
