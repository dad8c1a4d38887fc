"""Internal service agreements between procurement and a business unit, and the results of the
measures each is judged on."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone

from stakeholders import queries, services
from stakeholders.forms import AgreementForm, MeasureFormSet, MeasureResultForm
from stakeholders.models import AgreementMeasure, ServiceAgreement
from workbench.exports import EXPORT_FORMATS, export_table
from workbench.permissions import (
    agreement_for_user,
    editable_agreement_for_user,
    require_procurement,
    visible_units,
)


def agreement_list(request):
    """Both sides see agreements: procurement all of them, a unit lead their own unit's."""
    units = visible_units(request.user)
    rows = queries.agreements_with_status(units)
    if request.GET.get("format") in EXPORT_FORMATS:
        return export_table(
            request.GET["format"], "service-agreements", queries.AGREEMENT_COLUMNS, rows
        )
    removed = queries.removed_records(ServiceAgreement, unit__in=units)
    return render(
        request,
        "stakeholders/agreement_list.html",
        {"rows": rows, "removed_agreements": removed},
    )


def agreement_create(request):
    """Procurement sets up an agreement with a unit and the measures it is judged on."""
    require_procurement(request)
    form = AgreementForm(request.POST or None)
    measures = MeasureFormSet(request.POST or None, prefix="measures")
    if request.method == "POST" and form.is_valid() and measures.is_valid():
        agreement = services.agreement_create(form=form, measures=measures)
        messages.success(request, f"Agreement with {agreement.unit.name} set up.")
        return redirect(agreement)
    return render(request, "stakeholders/agreement_form.html", {"form": form, "measures": measures})


def agreement_detail(request, pk):
    agreement, may_change = agreement_for_user(request, pk)
    periods, grid = queries.agreement_results(agreement)
    if request.GET.get("format") in EXPORT_FORMATS:
        return export_table(
            request.GET["format"],
            f"agreement-{agreement.pk}",
            queries.AGREEMENT_RESULT_COLUMNS,
            queries.recorded_results(periods, grid),
        )
    form = MeasureResultForm(agreement, initial={"period": timezone.localdate().replace(day=1)})
    return render(
        request,
        "stakeholders/agreement_detail.html",
        {
            "agreement": agreement,
            "may_change": may_change,
            "periods": periods,
            "grid": grid,
            "form": form,
            "removed_measures": queries.removed_records(AgreementMeasure, agreement=agreement),
        },
    )


def agreement_result(request, pk):
    """Record (or correct) the actual of a measure for a month."""
    agreement = editable_agreement_for_user(request, pk)
    form = MeasureResultForm(agreement, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.measure_result_record(
            measure=form.cleaned_data["measure"],
            period=form.cleaned_data["period"],
            actual=form.cleaned_data["actual"],
        )
        messages.success(request, "Result recorded.")
        return redirect(agreement)
    return render(
        request, "stakeholders/agreement_result.html", {"agreement": agreement, "form": form}
    )
