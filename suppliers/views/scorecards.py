"""The KPI catalogue, scorecard templates, rating a supplier, and the shareable scorecard."""

from django.db.models import Count
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from suppliers import queries, services
from suppliers.forms import EvaluationForm, KpiForm, TemplateForm
from suppliers.models import Kpi, ScorecardTemplate
from suppliers.views.common import render_form, saved, tab_url
from workbench.exports import EXPORT_FORMATS, export_response, headers_of
from workbench.permissions import (
    evaluation_for_user,
    may_manage_suppliers,
    ratable_supplier_for_user,
    require_procurement,
    require_supplier_manager,
)

PROCUREMENT = "procurement"


def kpi_catalogue(request):
    """The KPIs and templates; category managers add KPIs here."""
    require_procurement(request)
    may_add = may_manage_suppliers(request.user)
    form = KpiForm(request.POST or None)
    if request.method == "POST":
        require_supplier_manager(request)
        if form.is_valid():
            kpi = services.kpi_create(form=form)
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
        template = services.scorecard_template_create(
            name=form.cleaned_data["name"],
            description=form.cleaned_data["description"],
            weights=form.weights(),
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
        evaluation = services.evaluation_record(
            supplier=supplier,
            template=template,
            year=form.cleaned_data["year"],
            quarter=form.cleaned_data["quarter"],
            unit=unit,
            by=request.user,
            comment=form.cleaned_data["comment"],
            ratings=form.ratings(),
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
    card = queries.scorecard_of(evaluation)
    export_format = request.GET.get("format")
    if export_format in EXPORT_FORMATS:
        return export_response(
            export_format,
            f"scorecard-{evaluation.supplier.normalised_name[:20]}-{evaluation.year}-q"
            f"{evaluation.quarter}",
            headers_of(queries.SCORECARD_COLUMNS),
            queries.scorecard_cells(card),
        )
    return render(request, "suppliers/scorecard.html", _scorecard_context(evaluation, card))


def scorecard_print(request, pk):
    """The scorecard alone, the width of A4 on screen: where "Print" leads without
    JavaScript, to print from the browser's own Print command."""
    evaluation = evaluation_for_user(request, pk)
    context = _scorecard_context(evaluation, queries.scorecard_of(evaluation))
    context.update(layout="print_base.html", print_view=True)
    return render(request, "suppliers/scorecard.html", context)


def _scorecard_context(evaluation, card):
    return {
        "evaluation": evaluation,
        "supplier": evaluation.supplier,
        "rows": card["rows"],
        "score": card["score"],
        "coverage": card["coverage"],
        "back": tab_url(evaluation.supplier, "scorecards"),
    }
