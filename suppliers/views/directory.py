"""The supplier list (search, filters, export) and the supplier page with its tabs."""

import datetime

from django.conf import settings
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone

from spend import cube, panels
from suppliers import charts, queries, scorecards
from suppliers.models import (
    SEGMENT_NAMES,
    SEGMENTS,
    Contract,
    Evaluation,
    SupplierEngagement,
    SupplierIdea,
    SupplierRisk,
)
from workbench import figures
from workbench.charts import figure_html
from workbench.exports import EXPORT_FORMATS, export_table
from workbench.page_cache import kept_for_the_person
from workbench.permissions import (
    evaluation_corrector,
    may_see_supplier_aliases,
    may_see_supplier_tab,
    readable_spend,
    readable_spend_by_unit,
    readable_suppliers,
    readable_unit_rows,
    require_supplier_reader,
    require_supplier_tab,
    sees_whole_supplier_page,
    spend_units_for,
    supplier_access,
)

PAGE_SIZE = 50
TABS = [
    ("overview", "Spend"),
    ("relationship", "Relationship plan"),
    ("scorecards", "Scorecards"),
    ("contracts", "Contracts"),
    ("engagement", "Engagement log"),
    ("ideas", "Ideas and risks"),
]


@kept_for_the_person
def supplier_list(request):
    """Suppliers by spend over the latest twelve months, narrowed by search and filters."""
    require_supplier_reader(request)
    period = cube.latest_period()
    filters = queries.supplier_filter_from(request.GET)
    suppliers = queries.supplier_table(
        filters, period, readable_suppliers(request.user), spend_units_for(request.user)
    )
    export_format = request.GET.get("format")
    if export_format in EXPORT_FORMATS:
        return export_table(
            export_format,
            "suppliers",
            queries.SUPPLIER_LIST_COLUMNS,
            queries.supplier_table_rows(suppliers),
        )
    # The list sums the spend of every supplier to order them: cached, as the figure it is.
    rows = figures.CachedRows("supplier-list", suppliers, areas=[figures.SPEND, figures.SUPPLIERS])
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
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
        "categories": queries.filter_categories(),
        "countries": queries.supplier_countries(),
    }
    template = "suppliers/supplier_list.html"
    if request.htmx and request.htmx.target == "supplier-table":
        template += "#supplier-table"
    return render(request, template, context)


def supplier_detail(request, pk):
    """One supplier: spend, relationship plan, scorecards, contracts, engagement log, ideas
    and risks, a tab each so the page reads in parts and each part costs a few queries."""
    supplier, may_change = supplier_access(request, pk)
    tab = request.GET.get("tab", "overview")
    if tab not in dict(TABS):
        tab = "overview"
    require_supplier_tab(request, tab)
    context = {
        "supplier": supplier,
        "may_change": may_change,
        "procurement": sees_whole_supplier_page(request.user),
        "tab": tab,
        "tabs": [(key, name) for key, name in TABS if may_see_supplier_tab(request.user, key)],
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
    lines = readable_spend(request.user, cube.spend_rows(supplier=supplier))
    by_category = cube.spend_by_leaf_category(lines, period)
    context.update(
        spend=sum(row["spend"] for row in by_category),
        categories=by_category,
        units=readable_spend_by_unit(
            request.user, cube.spend_by_unit(cube.spend_rows(supplier=supplier), period)
        ),
        trend_chart=panels.monthly_trend_chart(lines, period, of=supplier.name),
        aliases=list(supplier.aliases.all()[:20]) if may_see_supplier_aliases(request.user) else [],
        decisions=list(supplier.segment_decisions.select_related("set_by")[:3]),
    )
    return context


def _relationship(request, supplier):
    plan = queries.relationship_plan(supplier)
    elements = queries.objectives_by_element(plan) if plan else []
    return {
        "plan": plan,
        "elements": elements,
        "covered": sum(1 for element in elements if element["actions"]),
        "meetings": list(plan.meetings.all()) if plan else [],
    }


def _scorecards(request, supplier):
    scored = queries.evaluation_scores(
        readable_unit_rows(request.user, queries.supplier_evaluations(supplier))
    )
    trend = scorecards.trend(
        (
            (row["evaluation"].year, row["evaluation"].quarter),
            row["group"],
            row["score"],
        )
        for row in scored
    )
    may_correct = evaluation_corrector(request.user, supplier)
    for row in scored:
        row["may_correct"] = may_correct(row["evaluation"])
    # Only the removals this user may undo are offered here; all are in each one's history.
    removed = [
        evaluation
        for evaluation in readable_unit_rows(request.user, Evaluation.every_record.all())
        .filter(supplier=supplier, removed_at__isnull=False)
        .select_related("removed_by", "business_unit", "template")
        .order_by("-removed_at")[:50]
        if may_correct(evaluation)
    ]
    return {
        "scored": scored,
        "removed_evaluations": removed,
        "may_correct_removed": True,
        "trend": trend,
        "trend_chart": _scorecard_chart(supplier, trend) if trend else "",
    }


def _scorecard_chart(supplier, trend) -> str:
    summary, table = charts.scorecard_trend_text(trend)
    return figure_html(
        charts.scorecard_trend(trend),
        height=280,
        name=f"Mean scorecard score of {supplier.name} per quarter, by evaluator group",
        summary=summary,
        table=table,
    )


def _contracts(request, supplier):
    return {
        "contracts": list(queries.supplier_contracts(supplier)),
        "removed_contracts": list(queries.removed_records(Contract, supplier)),
        "today": timezone.localdate(),
    }


def _engagement(request, supplier):
    year_ago = timezone.localdate() - datetime.timedelta(days=365)
    return {
        "engagements": list(supplier.engagements.select_related("logged_by")[:50]),
        "minutes_this_year": queries.engagement_minutes(supplier, since=year_ago),
        "removed_engagements": list(queries.removed_records(SupplierEngagement, supplier)),
    }


def _ideas(request, supplier):
    return {
        "ideas": list(supplier.ideas.all()),
        "risks": list(supplier.risks.all()),
        "removed_ideas": list(queries.removed_records(SupplierIdea, supplier)),
        "removed_risks": list(queries.removed_records(SupplierRisk, supplier)),
    }


TAB_BUILDERS = {
    "overview": _overview,
    "relationship": _relationship,
    "scorecards": _scorecards,
    "contracts": _contracts,
    "engagement": _engagement,
    "ideas": _ideas,
}
