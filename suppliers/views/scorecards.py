"""The KPI catalogue, scorecard templates, rating a supplier, and the shareable scorecard."""

from django.db import transaction
from django.db.models import Count
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from suppliers import scorecards
from suppliers.forms import EvaluationForm, KpiForm, TemplateForm
from suppliers.models import Evaluation, Kpi, Rating, ScorecardTemplate, TemplateKpi
from suppliers.views.common import render_form, saved, tab_url
from workbench.exports import EXPORT_FORMATS, export_response
from workbench.permissions import (
    evaluation_for_user,
    ratable_supplier_for_user,
    require_procurement,
    require_supplier_manager,
)
from workbench.roles import ADMINISTRATOR, CATEGORY_MANAGER, has_role

PROCUREMENT = "procurement"


def kpi_catalogue(request):
    """The KPIs and templates; category managers add KPIs here."""
    require_procurement(request)
    may_add = has_role(request.user, CATEGORY_MANAGER, ADMINISTRATOR)
    form = KpiForm(request.POST or None)
    if request.method == "POST":
        require_supplier_manager(request)
        if form.is_valid():
            kpi = form.save()
            return saved(request, f"“{kpi.name}” is in the catalogue.", request.path)
    templates = ScorecardTemplate.objects.annotate(kpi_count=Count("weights")).prefetch_related(
        "weights__kpi"
    )
    return render(
        request,
        "suppliers/kpis.html",
        {
            "kpis": Kpi.objects.all(),
            "templates": templates,
            "form": form if may_add else None,
        },
    )


def template_add(request):
    require_supplier_manager(request)
    form = TemplateForm(request.POST or None, kpis=Kpi.objects.all())
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            template = ScorecardTemplate.objects.create(
                name=form.cleaned_data["name"], description=form.cleaned_data["description"]
            )
            TemplateKpi.objects.bulk_create(
                TemplateKpi(template=template, kpi=kpi, weight=weight)
                for kpi, weight in form.weights().items()
            )
        return saved(request, f"Template “{template.name}” is ready.", reverse("suppliers:kpis"))
    return render_form(
        request,
        form,
        title="New scorecard template",
        intro="Give each KPI the template uses a weight; the weights must add up to 100.",
    )


def evaluate(request, pk):
    """Rate the supplier for a quarter: as its category manager, or for a unit that buys
    from it. KPIs left "not rated" stay out of the score."""
    supplier, as_procurement, units = ratable_supplier_for_user(request, pk)
    templates = list(ScorecardTemplate.objects.all())
    if not templates:
        return render_form(
            request,
            None,
            title="Rate the supplier",
            supplier=supplier,
            intro="There is no scorecard template yet: a category manager creates one first.",
        )
    chosen = request.POST.get("template") or request.GET.get("template")
    template = next((t for t in templates if str(t.pk) == chosen), templates[0])
    choices = ([(PROCUREMENT, "Category manager (procurement)")] if as_procurement else []) + [
        (f"unit-{unit.pk}", unit.name) for unit in units
    ]
    today = timezone.localdate()
    form = EvaluationForm(
        request.POST or None,
        template=template,
        rate_for_choices=choices,
        initial={"year": today.year, "quarter": (today.month - 1) // 3 + 1},
    )
    if request.method == "POST" and form.is_valid():
        rate_for = form.cleaned_data["rate_for"]
        unit = (
            None
            if rate_for == PROCUREMENT
            else next(unit for unit in units if f"unit-{unit.pk}" == rate_for)
        )
        with transaction.atomic():
            evaluation = Evaluation.objects.create(
                supplier=supplier,
                template=template,
                year=form.cleaned_data["year"],
                quarter=form.cleaned_data["quarter"],
                business_unit=unit,
                evaluator=request.user,
                comment=form.cleaned_data["comment"],
            )
            Rating.objects.bulk_create(
                Rating(evaluation=evaluation, kpi_id=kpi_id, score=score)
                for kpi_id, score in form.ratings().items()
                if score is not None
            )
        return saved(request, "The scorecard is saved.", evaluation.get_absolute_url())
    return render(
        request,
        "suppliers/evaluate.html",
        {
            "supplier": supplier,
            "form": form,
            "templates": templates,
            "template": template,
        },
    )


def scorecard(request, pk):
    """One evaluation as a page to print and share with the supplier, or as an Excel file."""
    evaluation = evaluation_for_user(request, pk)
    weights = list(evaluation.template.weights.select_related("kpi"))
    ratings = {rating.kpi_id: rating.score for rating in evaluation.ratings.all()}
    weight_of = {weight.kpi_id: weight.weight for weight in weights}
    score = scorecards.weighted_score(weight_of, ratings)
    rated_weight = sum(weight.weight for weight in weights if ratings.get(weight.kpi_id))
    rows = [
        {
            "kpi": weight.kpi,
            "weight": weight.weight,
            "rating": ratings.get(weight.kpi_id),
            # The weight it carries in this score once unrated KPIs are left out.
            "effective": weight.weight / rated_weight
            if rated_weight and ratings.get(weight.kpi_id)
            else None,
        }
        for weight in weights
    ]
    export_format = request.GET.get("format")
    if export_format in EXPORT_FORMATS:
        return export_response(
            export_format,
            f"scorecard-{evaluation.supplier.normalised_name[:20]}-{evaluation.year}-q"
            f"{evaluation.quarter}",
            ["KPI", "Weight", "Rating (1-5)", "Weight in score", "Score"],
            [
                [
                    row["kpi"].name,
                    row["weight"],
                    row["rating"] if row["rating"] is not None else "not rated",
                    round(row["effective"], 4) if row["effective"] else None,
                    None,
                ]
                for row in rows
            ]
            + [["Score", 100, None, 1 if score else None, score]],
        )
    return render(
        request,
        "suppliers/scorecard.html",
        {
            "evaluation": evaluation,
            "supplier": evaluation.supplier,
            "rows": rows,
            "score": score,
            "coverage": scorecards.coverage(weight_of, ratings),
            "back": tab_url(evaluation.supplier, "scorecards"),
        },
    )
