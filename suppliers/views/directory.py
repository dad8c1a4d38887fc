"""The supplier list (search, filters, export) and the supplier page with its tabs."""

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Sum
from django.shortcuts import render
from django.utils import timezone

from categories.models import Category
from spend import cube, panels
from suppliers import charts, queries, scorecards
from suppliers.models import (
    ELEMENTS,
    SEGMENT_NAMES,
    SEGMENTS,
    Contract,
    Evaluation,
    RelationshipPlan,
    Supplier,
)
from workbench.charts import figure_html
from workbench.exports import EXPORT_FORMATS, export_response
from workbench.permissions import readable_suppliers, require_supplier_reader, supplier_access
from workbench.roles import is_procurement

PAGE_SIZE = 50
TABS = [
    ("overview", "Spend"),
    ("relationship", "Relationship plan"),
    ("scorecards", "Scorecards"),
    ("contracts", "Contracts"),
    ("engagement", "Engagement log"),
    ("ideas", "Ideas and risks"),
]
# What a business-unit lead sees of a supplier their unit buys from.
UNIT_LEAD_TABS = {"overview", "scorecards"}


def supplier_list(request):
    """Suppliers by spend over the latest twelve months, narrowed by search and filters."""
    require_supplier_reader(request)
    period = cube.latest_period()
    filters = queries.supplier_filter_from(request.GET)
    suppliers = queries.supplier_table(filters, period, readable_suppliers(request.user))
    export_format = request.GET.get("format")
    if export_format in EXPORT_FORMATS:
        return export_response(
            export_format,
            "suppliers",
            ["Supplier", "Country", "Segment", "Spend", "Categories"],
            (
                (name, country, SEGMENT_NAMES.get(segment, ""), spend, count)
                for name, country, segment, spend, count in suppliers.values_list(
                    "name", "country", "segment", "spend", "category_count"
                ).iterator()
            ),
        )
    page = Paginator(suppliers, PAGE_SIZE).get_page(request.GET.get("page"))
    params = filters.as_params()
    context = {
        "page": page,
        "filters": filters,
        "query": filters.query,
        "params": params,
        "period": period,
        "currency": settings.BASE_CURRENCY,
        "segments": SEGMENTS,
        "bands": [(key, label) for key, label, *_ in queries.SPEND_BANDS],
        "categories": Category.objects.filter(depth__lte=1)
        .order_by("path")
        .only("code", "name", "depth"),
        "countries": Supplier.objects.exclude(country="")
        .order_by("country")
        .values_list("country", flat=True)
        .distinct(),
    }
    template = "suppliers/supplier_list.html"
    if request.htmx and request.htmx.target == "supplier-table":
        template += "#supplier-table"
    return render(request, template, context)


def supplier_detail(request, pk):
    """One supplier: spend, relationship plan, scorecards, contracts, engagement log, ideas
    and risks, a tab each so the page reads in parts and each part costs a few queries."""
    supplier, may_change = supplier_access(request, pk)
    procurement = is_procurement(request.user)
    tab = request.GET.get("tab", "overview")
    if tab not in dict(TABS):
        tab = "overview"
    if not procurement and tab not in UNIT_LEAD_TABS:
        raise PermissionDenied("This part of the supplier page is for the procurement team.")
    context = {
        "supplier": supplier,
        "may_change": may_change,
        "procurement": procurement,
        "tab": tab,
        "tabs": [(key, name) for key, name in TABS if procurement or key in UNIT_LEAD_TABS],
        "currency": settings.BASE_CURRENCY,
        "segment_name": SEGMENT_NAMES.get(supplier.segment, "Not yet segmented"),
    }
    context.update(TAB_BUILDERS[tab](request, supplier))
    template = "suppliers/supplier_detail.html"
    if request.htmx and request.htmx.target == "supplier-tab":
        template += "#supplier-tab"
    return render(request, template, context)


def _overview(request, supplier):
    period = cube.latest_period()
    context = {"period": period}
    if period is None:
        return context
    lines = cube.spend_rows(supplier=supplier)
    if not is_procurement(request.user):
        lines = lines.filter(business_unit__leads=request.user)
    by_category = cube.spend_by_leaf_category(lines, period)
    context.update(
        spend=sum(row["spend"] for row in by_category),
        categories=by_category,
        units=cube.spend_by_unit(lines, period),
        trend_chart=panels.monthly_trend_chart(lines, period),
        aliases=list(supplier.aliases.all()[:20]) if is_procurement(request.user) else [],
        decisions=list(supplier.segment_decisions.select_related("set_by")[:3]),
    )
    return context


def _relationship(request, supplier):
    plan = (
        RelationshipPlan.objects.filter(supplier=supplier)
        .select_related("owner")
        .prefetch_related("actions", "meetings")
        .first()
    )
    elements = []
    if plan:
        actions = list(plan.actions.all())
        for number, name in ELEMENTS:
            mine = [action for action in actions if action.element == number]
            elements.append({"number": number, "name": name, "actions": mine})
    return {
        "plan": plan,
        "elements": elements,
        "covered": sum(1 for element in elements if element["actions"]),
        "meetings": list(plan.meetings.all()) if plan else [],
    }


def evaluations_of(request, supplier):
    """The supplier's evaluations the user may read, with what scoring needs prefetched."""
    evaluations = (
        Evaluation.objects.filter(supplier=supplier)
        .select_related("business_unit", "evaluator", "template")
        .prefetch_related("ratings", "template__weights")
    )
    if not is_procurement(request.user):
        evaluations = evaluations.filter(business_unit__leads=request.user)
    return evaluations


def _scorecards(request, supplier):
    scored = queries.evaluation_scores(evaluations_of(request, supplier))
    trend = scorecards.trend(
        (
            (row["evaluation"].year, row["evaluation"].quarter),
            row["group"],
            row["score"],
        )
        for row in scored
    )
    return {
        "scored": scored,
        "trend": trend,
        "trend_chart": figure_html(charts.scorecard_trend(trend), height=280) if trend else "",
    }


def _contracts(request, supplier):
    return {
        "contracts": list(
            Contract.objects.filter(supplier=supplier).prefetch_related("categories")
        ),
        "today": timezone.localdate(),
    }


def _engagement(request, supplier):
    today = timezone.localdate()
    year_ago = today - datetime.timedelta(days=365)
    return {
        "engagements": list(supplier.engagements.select_related("logged_by")[:50]),
        "minutes_this_year": supplier.engagements.filter(date__gt=year_ago).aggregate(
            total=Sum("minutes")
        )["total"]
        or 0,
    }


def _ideas(request, supplier):
    return {"ideas": list(supplier.ideas.all()), "risks": list(supplier.risks.all())}


TAB_BUILDERS = {
    "overview": _overview,
    "relationship": _relationship,
    "scorecards": _scorecards,
    "contracts": _contracts,
    "engagement": _engagement,
    "ideas": _ideas,
}
