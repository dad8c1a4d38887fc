"""Queries the stakeholder pages and exports share, as database aggregates."""

from django.db.models import Avg, Count, DecimalField, Exists, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce

from categories import cube
from categories.models import Category, SpendLine
from stakeholders.models import Priority, PriorityWeight, SurveyRating
from stakeholders.satisfaction import DETRACTOR_UP_TO, PROMOTER_FROM

MONEY = DecimalField(max_digits=18, decimal_places=2)


def categories_bought_by(unit, period):
    """The top-level categories a unit buys (spend anywhere in the subtree over the period) or
    has given priorities for, with the unit's spend and its priority, largest spend first.
    Priorities are stated at the level category managers run categories: the top of the tree."""
    unit_lines = SpendLine.objects.filter(
        business_unit=unit, category__path__startswith=OuterRef("path")
    )
    if period:
        unit_lines = unit_lines.filter(date__range=(period.start, period.end))
    spend = Subquery(
        unit_lines.order_by().values("business_unit").annotate(total=Sum("amount")).values("total"),
        output_field=MONEY,
    )
    priorities = Priority.objects.filter(unit=unit, category=OuterRef("pk"))
    return (
        Category.objects.filter(parent__isnull=True)
        .annotate(
            spend=Coalesce(spend, cube.ZERO, output_field=MONEY),
            priority_method=Subquery(priorities.values("method")[:1]),
            consistency_ratio=Subquery(priorities.values("consistency_ratio")[:1]),
            priority_updated=Subquery(priorities.values("updated_at")[:1]),
        )
        .filter(Q(Exists(unit_lines)) | Q(Exists(priorities)))
        .order_by("-spend", "code")
    )


def unit_weights(category) -> dict:
    """{unit code: {driver name: weight}} for every unit that gave priorities for `category`."""
    rows = PriorityWeight.objects.filter(priority__category=category).values_list(
        "priority__unit__code", "driver__name", "weight"
    )
    weights: dict = {}
    for unit, driver, weight in rows:
        weights.setdefault(unit, {})[driver] = weight
    return weights


def recommend_counts(responses, *group_by):
    """Promoters, passives and detractors among submitted answers, per group (or overall)."""
    counts = {
        "promoters": Count("id", filter=Q(recommend__gte=PROMOTER_FROM)),
        "detractors": Count("id", filter=Q(recommend__lte=DETRACTOR_UP_TO)),
        "passives": Count(
            "id", filter=Q(recommend__gt=DETRACTOR_UP_TO, recommend__lt=PROMOTER_FROM)
        ),
        "responses": Count("id"),
    }
    submitted = responses.filter(submitted_at__isnull=False, recommend__isnull=False)
    if not group_by:
        return submitted.aggregate(**counts)
    return list(submitted.values(*group_by).annotate(**counts).order_by(*group_by))


def driver_means(responses):
    """Mean importance and satisfaction per driver over submitted answers, with how many answers."""
    return list(
        SurveyRating.objects.filter(
            response__in=responses.filter(submitted_at__isnull=False),
            importance__isnull=False,
            satisfaction__isnull=False,
        )
        .values("driver__name", "driver__order")
        .annotate(
            importance=Avg("importance"),
            satisfaction=Avg("satisfaction"),
            answers=Count("response", distinct=True),
        )
        .order_by("driver__order", "driver__name")
    )


def submitted(responses):
    return responses.filter(submitted_at__isnull=False)
