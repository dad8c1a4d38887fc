"""Kraljic positioning: the matrix of all categories at one level of the tree, and the owner's
override of a category's scores."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse

from categories.models import Category
from spend import charts, kraljic, summary
from spend.models import KraljicAssessment
from workbench.charts import figure_html
from workbench.exports import EXPORT_FORMATS, export_response
from workbench.permissions import (
    category_for_user,
    editable_category_for_user,
    may_change_category,
    require_procurement,
)

SCORES = [(score, str(score)) for score in range(kraljic.LOWEST, kraljic.HIGHEST + 1)]
# Categories are positioned against their peers at one level; the middle level is where
# category plans are usually made.
DEFAULT_LEVEL = 2


class KraljicAssessmentForm(forms.ModelForm):
    class Meta:
        model = KraljicAssessment
        fields = ["profit_impact", "supply_risk", "reason"]
        widgets = {
            "profit_impact": forms.Select(choices=SCORES),
            "supply_risk": forms.Select(choices=SCORES),
            "reason": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages = {
            "reason": {"required": "Say why the data's suggestion does not fit this category."}
        }


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
    period = summary.default_period()
    levels = _levels()
    level = _level_from(request, levels)
    positions = summary.kraljic_positions(level - 1, period) if period else []
    export_format = request.GET.get("format")
    if export_format in EXPORT_FORMATS:
        return export_response(
            export_format,
            f"kraljic-level-{level}",
            [
                "Code",
                "Category",
                "Owner",
                "Spend",
                "Share of spend",
                "Suppliers",
                "HHI",
                "Suggested impact",
                "Suggested risk",
                "Profit impact",
                "Supply risk",
                "Quadrant",
                "Approach",
                "Overridden by",
                "Reason",
            ],
            (
                [
                    p.category.code,
                    p.category.name,
                    p.category.owner.get_full_name() if p.category.owner else "",
                    p.figures.spend,
                    round(p.spend_share, 4),
                    p.figures.suppliers,
                    None if p.figures.hhi is None else round(p.figures.hhi),
                    p.suggested_impact,
                    p.suggested_risk,
                    p.impact,
                    p.risk,
                    p.quadrant.name,
                    p.quadrant.approach,
                    _who(p.assessment),
                    p.assessment.reason if p.assessment else "",
                ]
                for p in positions
            ),
        )
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
        "matrix": figure_html(
            charts.kraljic_matrix(points, kraljic.QUADRANTS, currency), height=560
        )
        if positions
        else "",
    }
    return render(request, "spend/kraljic.html", context)


def _who(assessment) -> str:
    if assessment is None:
        return ""
    person = assessment.set_by
    name = (person.get_full_name() or person.username) if person else "someone since removed"
    return f"{name}, {assessment.set_at:%d %b %Y}"


def kraljic_position(request, code):
    """One category's position: the figures behind the suggestion, the overrides on record and,
    for its owner, the form to set the scores with a reason."""
    require_procurement(request)
    category, may_change = category_for_user(request, code)
    if request.method == "POST":
        category = editable_category_for_user(request, code)
    form = KraljicAssessmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        assessment = form.save(commit=False)
        assessment.category = category
        assessment.set_by = request.user
        assessment.save()
        quadrant = kraljic.QUADRANTS[
            kraljic.quadrant(assessment.profit_impact, assessment.supply_risk)
        ]
        messages.success(request, f"{category.name} is now positioned as {quadrant.name.lower()}.")
        return redirect(f"{reverse('spend:kraljic')}?level={category.depth + 1}")
    period = summary.default_period()
    position = None
    if period:
        position = next(
            (
                p
                for p in summary.kraljic_positions(category.depth, period)
                if p.category.pk == category.pk
            ),
            None,
        )
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
        "history": category.kraljic_assessments.select_related("set_by"),
        "currency": settings.BASE_CURRENCY,
        "quadrants": kraljic.QUADRANTS,
    }
    return render(request, "spend/kraljic_position.html", context)
