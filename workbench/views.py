from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Count
from django.shortcuts import render

from categories.models import Category
from spend import charts, concentration, cube, panels
from spend.models import ImportBatch
from stakeholders import queries as stakeholder_queries
from stakeholders import you_said
from stakeholders.models import BusinessUnit, SurveyRound, ValueDriver
from workbench import figures
from workbench.charts import cached_chart, figure_html
from workbench.page_cache import kept_for_the_person
from workbench.permissions import answers_scope, units_led_by
from workbench.roles import (
    ADMINISTRATOR,
    ALL_ROLES,
    BUSINESS_UNIT_LEAD,
    CATEGORY_MANAGER,
    CPO,
    roles_of,
)


@kept_for_the_person
def home(request):
    """One page per person: a section for each role they hold, each with real figures."""
    roles = roles_of(request.user)
    period = cube.latest_period()
    context = {"period": period, "currency": settings.BASE_CURRENCY}
    if period is not None:
        if CATEGORY_MANAGER in roles:
            context["manager"] = _category_manager_home(request.user, period)
        if BUSINESS_UNIT_LEAD in roles:
            context["unit_lead"] = _unit_lead_home(request.user, period)
        if CPO in roles:
            context["portfolio"] = _portfolio_home(period, request.user)
    if ADMINISTRATOR in roles:
        context["administration"] = _administrator_home()
    return render(request, "workbench/home.html", context)


def _category_manager_home(user, period):
    """The categories the manager owns, at the highest level they own them."""
    owned = Category.objects.filter(owner=user).exclude(parent__owner=user)
    categories = sorted(cube.with_subtree_spend(owned, period), key=lambda c: c.spend, reverse=True)
    for category in categories:
        category.change = cube.change_ratio(category.spend, category.previous_spend)
    return {"categories": categories, "total": sum(c.spend for c in categories)}


def _unit_lead_home(user, period):
    units = list(units_led_by(user))
    lines = cube.spend_rows(business_unit__in=units)
    categories = cube.spend_by_leaf_category(lines, period)
    return {
        "units": units,
        "todo": _unit_lead_todo(user, units, period),
        "you_said": you_said.for_unit_lead_home(units, user),
        "categories": categories[:15],
        "category_count": len(categories),
        "total": sum(row["spend"] for row in categories),
        "trend_chart": panels.monthly_trend_chart(
            lines, period, of=", ".join(unit.name for unit in units) or "your units"
        ),
    }


def _unit_lead_todo(user, units, period):
    """What the lead still owes procurement: priorities not given, answers in open rounds,
    plans in review that affect their unit and await its endorsement or objection."""
    # Summed over the unit's spend in every subtree: kept under the spend and answers
    # versions (assigned categories and priorities are answers), per unit.
    missing = sum(
        figures.cached(
            "priorities-missing",
            areas=[figures.SPEND, figures.ANSWERS],
            scope=("unit", unit.pk),
            key=(period,),
            compute=lambda unit=unit: (
                stakeholder_queries.categories_bought_by(unit, period)
                .filter(priority_method__isnull=True)
                .count()
            ),
        )
        for unit in units
    )
    return {
        # Rounds to answer and plans to endorse wait in the inbox (inbox/items.py).
        "priorities_missing": missing,
    }


def _portfolio_home(period, user):
    totals = cube.portfolio_totals(period)
    by_top_category = concentration.with_shares(cube.spend_by_top_category(period))
    return {
        "totals": totals,
        "change": cube.change_ratio(totals["spend"], totals["previous_spend"]),
        "top_categories": by_top_category,
        "owned_share": _share_with_owner(by_top_category, totals["unclassified"]),
        "voids": _latest_voids(user),
        "chart": _spend_by_category_chart(by_top_category, period),
    }


def _spend_by_category_chart(rows, period) -> str:
    currency = settings.BASE_CURRENCY
    name = f"Spend by top-level category, {period.label}"

    def build():
        summary, table = charts.spend_by_category_text(rows, currency)
        return figure_html(
            charts.spend_by_category_bar(rows, currency),
            height=420,
            name=name,
            summary=summary,
            table=table,
        )

    return cached_chart("home-spend-by-category", (name, currency, rows), build)


def _latest_voids(user):
    """The voids of the latest round with submitted answers, for the CPO's count; cached
    under the answers' version for whoever reads the same answers (answers_scope)."""
    return figures.cached(
        "latest-voids",
        areas=[figures.ANSWERS, figures.SPEND],
        scope=answers_scope(user),
        compute=lambda: _count_latest_voids(user),
    )


def _count_latest_voids(user):
    survey_round = (
        SurveyRound.objects.filter(responses__submitted_at__isnull=False)
        .order_by("-opens_on")
        .first()
    )
    if survey_round is None:
        return None
    return {
        "round": survey_round,
        "count": len(stakeholder_queries.voids_in_round(user, survey_round)),
    }


def _share_with_owner(top_categories, unclassified):
    """The share of spend in top-level categories that have a manager, of all positive spend
    (unclassified included): a category netting to a credit neither adds nor takes away."""
    owners = dict(Category.objects.filter(parent__isnull=True).values_list("id", "owner_id"))
    base = concentration.positive_total([row["spend"] for row in top_categories] + [unclassified])
    owned = concentration.positive_total(
        row["spend"] for row in top_categories if owners.get(row["id"])
    )
    return float(owned / base) if base else None


def _administrator_home():
    users_by_role = dict(
        get_user_model()
        .objects.filter(groups__name__in=ALL_ROLES, is_active=True)
        .values_list("groups__name")
        .annotate(n=Count("id"))
    )
    return {
        "roles": [(role, users_by_role.get(role, 0)) for role in ALL_ROLES],
        "categories": Category.objects.count(),
        "units": BusinessUnit.objects.count(),
        "value_drivers": ValueDriver.objects.filter(active=True).count(),
        "batches": list(ImportBatch.objects.all()[:5]),
    }
