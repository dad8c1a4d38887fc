"""Initiatives that start from something the supplier side already holds (a contract coming up
for renewal, an idea a supplier brought) or from a finding of the opportunity finder. The plan's
initiative form opens filled in from it, and the initiative keeps a link back to where it came
from."""

import datetime
from decimal import Decimal

from django.db.models import Q

from categories.models import Category
from plans.models import CategoryPlan
from spend.models import SpendSummary

# What a supplier's idea most often becomes, by the idea's kind.
LEVER_FOR_IDEA = {"innovation": "innovation", "savings": "specification", "revenue": "revenue"}


def initial_from_contract(contract, today: datetime.date) -> dict:
    """A contract nearing its end is the moment to go to market or renegotiate: a tender when it
    ends, a renegotiation when it would renew by itself."""
    reference = f" ({contract.reference})" if contract.reference else ""
    return {
        "title": f"{contract.title}: before it {'renews' if contract.auto_renewal else 'ends'}",
        "description": (
            f"From the contract{reference} with {contract.supplier.name}, "
            f"{contract.start:%d %b %Y} to {contract.end:%d %b %Y}; "
            f"notice by {contract.notice_by:%d %b %Y}."
        ),
        "lever": "renegotiation" if contract.auto_renewal else "tender",
        "spend_affected": contract.value or Decimal("0.00"),
        "start": max(today, contract.start),
        "end": contract.end,
    }


def initial_from_idea(idea, today: datetime.date) -> dict:
    value = idea.estimated_value or Decimal("0.00")
    initial = {
        "title": idea.title,
        "description": f"{idea.description}\n\nIdea from {idea.supplier.name}, "
        f"raised {idea.raised_on:%d %b %Y}.",
        "lever": LEVER_FOR_IDEA.get(idea.kind, "innovation"),
        # The idea's value is a yearly figure: the first year is the initiative's to deliver.
        "start": today,
        "end": today + datetime.timedelta(days=364),
    }
    if idea.kind == "savings":
        initial["hard_savings"] = value
    elif idea.kind == "revenue":
        initial["revenue"] = value
    return initial


def initial_from_finding(finding, units, today: datetime.date) -> dict:
    """A finding of the opportunity finder as an initiative: its lever, the spend it addresses,
    the lower end of its estimated saving (the manager raises it once validated), the units
    that buy where it was found, and where it came from in the description."""
    rate = finding.rate
    return {
        "title": finding.title[:200],
        "description": (
            f"{finding.why}\n\nFrom the opportunity finder ({finding.kind_name.lower()}): "
            f"addressable spend {finding.addressable:,.2f}, estimated saving "
            f"{finding.saving_low:,.2f} to {finding.saving_high:,.2f} at "
            f"{rate.low:.1%} to {rate.high:.1%} ({rate.source})"
        ),
        "lever": finding.lever,
        "spend_affected": finding.addressable,
        "hard_savings": finding.saving_low,
        "affected_units": list(units),
        # The benchmark rates are yearly: the first year is the initiative's to deliver.
        "start": today,
        "end": today + datetime.timedelta(days=364),
    }


def _related_paths(categories) -> Q:
    """Plans on any of the categories, on a category above one (a plan covers its subtree), or
    below one (a contract filed under a broad category still belongs to a narrower plan)."""
    condition = Q(pk__in=[])
    for category in categories:
        ancestors = category.path.strip("/").split("/")
        above = ["/" + "/".join(ancestors[: i + 1]) + "/" for i in range(len(ancestors))]
        condition |= Q(category__path__in=above) | Q(category__path__startswith=category.path)
    return condition


def open_plans_for(categories):
    """Plans not yet closed on or around these categories, newest fiscal year first."""
    categories = list(categories)
    if not categories:
        return CategoryPlan.objects.none()
    return (
        CategoryPlan.objects.exclude(status=CategoryPlan.CLOSED)
        .filter(_related_paths(categories))
        .select_related("category", "category__owner")
        .order_by("-fiscal_year", "category__path")
    )


def categories_of_contract(contract):
    return contract.categories.all()


def categories_of_idea(idea):
    """Where the supplier's spend is booked: the plans an idea of theirs could feed."""
    booked = SpendSummary.objects.filter(supplier=idea.supplier, category__isnull=False)
    return Category.objects.filter(pk__in=booked.values("category"))
