"""How money and shares read on every page: compact, with the base currency."""

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def money(value, currency=""):
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


@register.filter
def money_exact(value):
    if value is None or value == "":
        return "–"
    return f"{Decimal(value):,.2f}"


@register.filter
def percent(value, digits=0):
    if value is None or value == "":
        return "–"
    return f"{float(value) * 100:.{int(digits)}f}%"


@register.filter
def percent_change(value):
    if value is None:
        return "–"
    return f"{float(value) * 100:+.1f}%"


@register.filter
def share_of(part, whole):
    """part / whole as a fraction, for bars and percentages; 0 when whole is empty."""
    if not whole:
        return 0
    return float(part) / float(whole)


@register.filter
def bar_width(part, whole):
    return f"{share_of(part, whole) * 100:.1f}"
