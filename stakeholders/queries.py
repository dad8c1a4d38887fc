"""Queries the stakeholder pages and exports share, as database aggregates."""

from django.db.models import Avg, Count, DecimalField, Exists, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce

from categories.models import Category
from spend import cube
from spend.models import SpendSummary
from stakeholders import satisfaction
from stakeholders.models import (
    BusinessUnit,
    Priority,
    PriorityWeight,
    SurveyRating,
    SurveyRound,
)
from stakeholders.satisfaction import DETRACTOR_UP_TO, PROMOTER_FROM
from workbench.permissions import readable_responses, reads_every_answer

MONEY = DecimalField(max_digits=18, decimal_places=2)


def categories_bought_by(unit, period):
    """The top-level categories a unit buys (spend anywhere in the subtree over the period), is
    assigned, or has given priorities for, with the unit's spend and its priority, largest
    spend first. Priorities are stated at the level category managers run categories: the top
    of the tree."""
    # From the monthly summary: the unit's spend in a subtree, whatever the number of lines.
    unit_lines = SpendSummary.objects.filter(
        business_unit=unit, category__path__startswith=OuterRef("path")
    )
    if period:
        unit_lines = unit_lines.filter(month__range=(period.start, period.end))
    spend = Subquery(
        unit_lines.order_by().values("business_unit").annotate(total=Sum("spend")).values("total"),
        output_field=MONEY,
    )
    priorities = Priority.objects.filter(unit=unit, category=OuterRef("pk"))
    assigned = BusinessUnit.assigned_categories.through.objects.filter(
        businessunit=unit, category=OuterRef("pk")
    )
    return (
        Category.objects.filter(parent__isnull=True)
        .annotate(
            spend=Coalesce(spend, cube.ZERO, output_field=MONEY),
            priority_method=Subquery(priorities.values("method")[:1]),
            consistency_ratio=Subquery(priorities.values("consistency_ratio")[:1]),
            priority_updated=Subquery(priorities.values("updated_at")[:1]),
        )
        .filter(Q(Exists(unit_lines)) | Q(Exists(priorities)) | Q(Exists(assigned)))
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


def satisfaction_by_round(responses):
    """Mean satisfaction per round and driver over submitted answers, oldest round first."""
    return list(
        SurveyRating.objects.filter(
            response__in=responses.filter(submitted_at__isnull=False),
            satisfaction__isnull=False,
        )
        .values(
            "response__round",
            "response__round__name",
            "response__round__opens_on",
            "response__round__anonymous",
            "driver__name",
            "driver__order",
        )
        .annotate(satisfaction=Avg("satisfaction"), answers=Count("response", distinct=True))
        .order_by("response__round__opens_on", "driver__order")
    )


def submitted(responses):
    return responses.filter(submitted_at__isnull=False)


def answer_states(survey_round, units=None):
    """(unit, category) pairs of the round with no submitted answer yet, in one query each."""
    units = list(units if units is not None else survey_round.units.all())
    categories = list(survey_round.categories.all())
    states = {
        (unit_id, category_id): submitted_at
        for unit_id, category_id, submitted_at in survey_round.responses.values_list(
            "unit_id", "category_id", "submitted_at"
        )
    }
    rows = []
    for unit in units:
        for category in categories:
            key = (unit.pk, category.pk)
            state = "submitted" if states.get(key) else ("draft" if key in states else "to do")
            rows.append({"unit": unit, "category": category, "state": state})
    return rows


def voids_in_round(user, survey_round) -> list[dict]:
    """The voids of one round that `user` may read, in a fixed number of queries."""
    anonymous = survey_round.anonymous and not reads_every_answer(user)
    responses = list(
        submitted(readable_responses(user).filter(round=survey_round)).values(
            "id",
            "unit_id",
            "unit__name",
            "category_id",
            "category__name",
            "category__code",
            "recommend",
        )
    )
    ratings: dict = {}
    for response_id, driver, importance, level in SurveyRating.objects.filter(
        response_id__in=[r["id"] for r in responses]
    ).values_list("response_id", "driver__name", "importance", "satisfaction"):
        ratings.setdefault(response_id, {})[driver] = (importance, level)
    weights: dict = {}
    for unit_id, category_id, driver, weight in PriorityWeight.objects.filter(
        priority__category_id__in={r["category_id"] for r in responses}
    ).values_list("priority__unit_id", "priority__category_id", "driver__name", "weight"):
        weights.setdefault((unit_id, category_id), {})[driver] = weight
    rows = []
    for response in responses:
        rated = ratings.get(response["id"], {})
        # Without stated priorities, the drivers the unit rated most important stand in.
        stated = weights.get((response["unit_id"], response["category_id"])) or {
            driver: importance or 0 for driver, (importance, _) in rated.items()
        }
        top = satisfaction.top_drivers(stated)
        unhappy = {d: rated[d][1] for d in top if d in rated}
        if not satisfaction.is_void(response["recommend"], list(unhappy.values())):
            continue
        reasons = []
        if satisfaction.recommend_group(response["recommend"]) == "detractor":
            reasons.append(f"detractor (recommend {response['recommend']} of 10)")
        reasons += [
            f"satisfaction {level} on {driver}, which it weights highest"
            for driver, level in sorted(unhappy.items())
            if level is not None and level <= satisfaction.VOID_SATISFACTION
        ]
        rows.append(
            {
                "unit": "Withheld (anonymous round)" if anonymous else response["unit__name"],
                "category": response["category__name"],
                "category_code": response["category__code"],
                "recommend": response["recommend"],
                "reason": "; ".join(reasons),
            }
        )
    return sorted(rows, key=lambda r: (r["category"], r["unit"]))


def answers_owed(user, today) -> int:
    """How many answers the user's units still owe in rounds open today (for the home page)."""
    count = 0
    for survey_round in SurveyRound.objects.filter(
        opens_on__lte=today, closes_on__gte=today, units__leads=user
    ).distinct():
        count += sum(
            1
            for row in answer_states(survey_round, survey_round.units.filter(leads=user))
            if row["state"] != "submitted"
        )
    return count
