"""Template filters for money and shares; the formatting itself is in workbench.money."""

from decimal import Decimal

from django import template

from workbench.money import compact

register = template.Library()


@register.filter
def money(value, currency=""):
    return compact(value, currency)


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
    """part / whole as a fraction, for bars and percentages; 0 when whole is empty. For a share
    of spend, prefer a row's `share` (spend.concentration.with_shares), which follows the
    definition of how negative spend counts."""
    if not whole:
        return 0
    return float(part) / float(whole)


@register.filter
def bar_width(part, whole):
    return f"{share_of(part, whole) * 100:.1f}"


@register.filter
def share_bar(share):
    """A bar's width in percent for a share of spend; no bar for a row without a share."""
    return f"{(share or 0) * 100:.1f}"
