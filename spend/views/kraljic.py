"""Kraljic positioning: the matrix of all categories at one level of the tree, and the owner's
override of a category's scores."""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from categories.models import Category
from spend import charts, cube, kraljic, queries, services
from spend.forms import KraljicAssessmentForm
from spend.models import KraljicAssessment
from workbench import corrections
from workbench.charts import figure_html
from workbench.exports import EXPORT_FORMATS, Column, export_table
from workbench.permissions import (
    category_for_user,
    editable_category_for_user,
    may_change_category,
    require_procurement,
    withdrawable_kraljic_assessment_for_user,
)

# Categories are positioned against their peers at one level; the middle level is where
# category plans are usually made.
DEFAULT_LEVEL = 2


def _who(assessment) -> str:
    if assessment is None:
        return ""
    person = assessment.set_by
    name = (person.get_full_name() or person.username) if person else "someone since removed"
    return f"{name}, {assessment.set_at:%d %b %Y}"


# The matrix's table as its export writes it, one row per queries.KraljicPosition.
MATRIX_COLUMNS = [
    Column("Code", lambda p: p.category.code),
    Column("Category", lambda p: p.category.name),
    Column("Owner", lambda p: p.category.owner.get_full_name() if p.category.owner else ""),
    Column("Spend", lambda p: p.figures.spend),
    Column("Share of spend", lambda p: round(p.spend_share, 4)),
    Column("Suppliers", lambda p: p.figures.suppliers),
    Column("HHI", lambda p: None if p.figures.hhi is None else round(p.figures.hhi)),
    Column("Suggested impact", "suggested_impact"),
    Column("Suggested risk", "suggested_risk"),
    Column("Profit impact", "impact"),
    Column("Supply risk", "risk"),
    Column("Quadrant", lambda p: p.quadrant.name),
    Column("Approach", lambda p: p.quadrant.approach),
    Column("Overridden by", lambda p: _who(p.assessment)),
    Column("Reason", lambda p: p.assessment.reason if p.assessment else ""),
]


def _levels() -> list[int]:
    depths = Category.objects.order_by("depth").values_list("depth", flat=True).distinct()
    return [depth + 1 for depth in depths]


def _level_from(request, levels: list[int]) -> int:
    try:
        level = int(request.GET.get("level", DEFAULT_LEVEL))
    except ValueError:
        level = DEFAULT_LEVEL
    if level in levels:
        return level
    return min(levels, key=lambda shown: abs(shown - DEFAULT_LEVEL)) if levels else 1


def kraljic_matrix(request):
    """All categories of one level on profit impact and supply risk, with each quadrant's
    approach; exportable."""
    require_procurement(request)
    period = cube.latest_period()
    levels = _levels()
    level = _level_from(request, levels)
    positions = queries.kraljic_positions(level - 1, period) if period else []
    export_format = request.GET.get("format")
    if export_format in EXPORT_FORMATS:
        return export_table(export_format, f"kraljic-level-{level}", MATRIX_COLUMNS, positions)
    currency = settings.BASE_CURRENCY
    for position in positions:
        position.may_change = may_change_category(request.user, position.category)
    points = [
        {
            "name": p.category.name,
            "impact": p.impact,
            "risk": p.risk,
            "spend": p.figures.spend,
            "quadrant": p.quadrant.key,
            "url": reverse("spend:kraljic_position", args=[p.category.code]),
        }
        for p in positions
    ]
    quadrants = [
        {"quadrant": quadrant, "count": sum(p.quadrant.key == key for p in positions)}
        for key, quadrant in kraljic.QUADRANTS.items()
    ]
    context = {
        "positions": positions,
        "quadrants": quadrants,
        "levels": levels,
        "level": level,
        "period": period,
        "currency": currency,
        "matrix": _matrix_html(points, currency, level) if positions else "",
    }
    return render(request, "spend/kraljic.html", context)


def _matrix_html(points: list[dict], currency: str, level: int) -> str:
    summary, table = charts.kraljic_matrix_text(points, kraljic.QUADRANTS, currency)
    return figure_html(
        charts.kraljic_matrix(points, kraljic.QUADRANTS, currency),
        height=560,
        name=f"Kraljic matrix of level {level} categories: supply risk across, profit impact up",
        summary=summary,
        table=table,
    )


def kraljic_position(request, code):
    """One category's position: the figures behind the suggestion, the overrides on record and,
    for its owner, the form to set the scores with a reason."""
    require_procurement(request)
    category, may_change = category_for_user(request, code)
    if request.method == "POST":
        category = editable_category_for_user(request, code)
    form = KraljicAssessmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        assessment = services.kraljic_assessment_record(
            category=category, by=request.user, **form.cleaned_data
        )
        quadrant = kraljic.QUADRANTS[
            kraljic.quadrant(assessment.profit_impact, assessment.supply_risk)
        ]
        messages.success(request, f"{category.name} is now positioned as {quadrant.name.lower()}.")
        return redirect(f"{reverse('spend:kraljic')}?level={category.depth + 1}")
    period = cube.latest_period()
    position = queries.kraljic_position(category, period) if period else None
    if position and not form.is_bound:
        form = KraljicAssessmentForm(
            initial={"profit_impact": position.impact, "supply_risk": position.risk}
        )
    context = {
        "category": category,
        "may_change": may_change,
        "position": position,
        "period": period,
        "form": form,
        # Withdrawn overrides too, marked: the record of who set and withdrew what stays.
        "history": KraljicAssessment.every_record.filter(category=category).select_related(
            "set_by", "removed_by"
        ),
        "in_force": category.kraljic_assessments.first(),
        "currency": settings.BASE_CURRENCY,
        "quadrants": kraljic.QUADRANTS,
    }
    return render(request, "spend/kraljic_position.html", context)


@require_POST
def kraljic_assessment_withdraw(request, pk):
    """Withdraw an override set by mistake; refused when it changed since the page was loaded.
    The one before it, or the data's suggestion, is in force again at once."""
    assessment = withdrawable_kraljic_assessment_for_user(request, pk)
    position_url = reverse("spend:kraljic_position", args=[assessment.category.code])
    try:
        seen = int(request.POST.get("version", ""))
        services.kraljic_assessment_withdraw(
            assessment=assessment, by=request.user, seen_version=seen
        )
    except (ValueError, corrections.StaleSave):
        messages.error(
            request, "Not withdrawn: the override changed since you loaded the page. Look again."
        )
        return redirect(position_url)
    messages.success(request, f"Override withdrawn ({assessment}); it can be put back below.")
    return redirect(position_url)


@require_POST
def kraljic_assessment_reinstate(request, pk):
    assessment = withdrawable_kraljic_assessment_for_user(request, pk)
    services.kraljic_assessment_reinstate(assessment=assessment, by=request.user)
    messages.success(request, f"Override put back ({assessment}).")
    return redirect(reverse("spend:kraljic_position", args=[assessment.category.code]))
