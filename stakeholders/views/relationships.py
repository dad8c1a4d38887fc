"""Internal service agreements between procurement and a unit, and the engagement log of time
procurement spends with units."""

import datetime

from django.contrib import messages
from django.db import transaction
from django.db.models import Count, Sum
from django.shortcuts import redirect, render
from django.utils import timezone

from stakeholders import charts
from stakeholders.forms import (
    AgreementForm,
    EngagementForm,
    MeasureFormSet,
    MeasureResultForm,
    PeriodForm,
)
from stakeholders.models import EngagementEntry, MeasureResult, ServiceAgreement
from stakeholders.satisfaction import agreement_status
from workbench.charts import figure_html
from workbench.exports import EXPORT_FORMATS, export_response
from workbench.permissions import (
    agreement_for_user,
    editable_agreement_for_user,
    require_procurement,
    visible_units,
)


def agreement_list(request):
    """Both sides see agreements: procurement all of them, a unit lead their own unit's."""
    agreements = ServiceAgreement.objects.filter(
        unit__in=visible_units(request.user)
    ).select_related("unit", "procurement_contact")
    latest = _latest_results(MeasureResult.objects.filter(measure__agreement__in=agreements))
    rows = []
    for agreement in agreements.prefetch_related("measures"):
        statuses = [latest[m.pk]["status"] for m in agreement.measures.all() if m.pk in latest]
        rows.append(
            {
                "agreement": agreement,
                "measures": len(agreement.measures.all()),
                "on_track": statuses.count("On track"),
                "at_risk": statuses.count("At risk"),
                "missed": statuses.count("Missed"),
            }
        )
    if request.GET.get("format") in EXPORT_FORMATS:
        return export_response(
            request.GET["format"],
            "service-agreements",
            ["Agreement", "Unit", "Starts", "Ends", "Measures", "On track", "At risk", "Missed"],
            [
                [
                    row["agreement"].title,
                    row["agreement"].unit.name,
                    row["agreement"].starts_on,
                    row["agreement"].ends_on,
                    row["measures"],
                    row["on_track"],
                    row["at_risk"],
                    row["missed"],
                ]
                for row in rows
            ],
        )
    return render(request, "stakeholders/agreement_list.html", {"rows": rows})


def _latest_results(results) -> dict:
    """The most recent result of each measure with its status, {measure id: {...}}."""
    latest = {}
    for row in results.select_related("measure").order_by("measure_id", "period"):
        latest[row.measure_id] = {
            "period": row.period,
            "actual": row.actual,
            "status": agreement_status(
                float(row.measure.target), float(row.actual), row.measure.higher_is_better
            ),
        }
    return latest


def agreement_create(request):
    """Procurement sets up an agreement with a unit and the measures it is judged on."""
    require_procurement(request)
    form = AgreementForm(request.POST or None)
    measures = MeasureFormSet(request.POST or None, prefix="measures")
    if request.method == "POST" and form.is_valid() and measures.is_valid():
        with transaction.atomic():
            agreement = form.save()
            measures.instance = agreement
            measures.save()
        messages.success(request, f"Agreement with {agreement.unit.name} set up.")
        return redirect(agreement)
    return render(request, "stakeholders/agreement_form.html", {"form": form, "measures": measures})


def agreement_detail(request, pk):
    agreement, may_change = agreement_for_user(request, pk)
    measures = list(agreement.measures.all())
    results = MeasureResult.objects.filter(measure__agreement=agreement).order_by("period")
    periods = sorted({r.period for r in results})
    table = {(r.measure_id, r.period): r for r in results}
    grid = [
        {
            "measure": measure,
            "cells": [_cell(measure, table.get((measure.pk, period))) for period in periods],
        }
        for measure in measures
    ]
    if request.GET.get("format") in EXPORT_FORMATS:
        return export_response(
            request.GET["format"],
            f"agreement-{agreement.pk}",
            ["Measure", "Target", "Period", "Actual", "Status"],
            [
                [row["measure"].name, row["measure"].target, period, cell["actual"], cell["status"]]
                for row in grid
                for period, cell in zip(periods, row["cells"], strict=True)
                if cell
            ],
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
        },
    )


def _cell(measure, result):
    if result is None:
        return None
    return {
        "actual": result.actual,
        "status": agreement_status(
            float(measure.target), float(result.actual), measure.higher_is_better
        ),
    }


def agreement_result(request, pk):
    """Record (or correct) the actual of a measure for a month."""
    agreement = editable_agreement_for_user(request, pk)
    form = MeasureResultForm(agreement, request.POST or None)
    if request.method == "POST" and form.is_valid():
        MeasureResult.objects.update_or_create(
            measure=form.cleaned_data["measure"],
            period=form.cleaned_data["period"],
            defaults={"actual": form.cleaned_data["actual"]},
        )
        messages.success(request, "Result recorded.")
        return redirect(agreement)
    return render(
        request, "stakeholders/agreement_result.html", {"agreement": agreement, "form": form}
    )


def engagement_log(request):
    """Time with units over a period: the entries, and the totals per unit and per category.
    Procurement records entries and sees every unit; a unit lead sees their own unit's."""
    today = timezone.localdate()
    period = PeriodForm(request.GET or None)
    start, end = today - datetime.timedelta(days=365), today
    if period.is_valid():
        start = period.cleaned_data["start"] or start
        end = period.cleaned_data["end"] or end
    entries = EngagementEntry.objects.filter(
        unit__in=visible_units(request.user), date__range=(start, end)
    ).select_related("unit", "category", "recorded_by")
    if request.GET.get("format") in EXPORT_FORMATS:
        return export_response(
            request.GET["format"],
            "engagement-log",
            ["Date", "Unit", "Category", "Minutes", "People", "Topic"],
            entries.values_list(
                "date", "unit__name", "category__name", "minutes", "people", "topic"
            ).iterator(),
        )
    by_unit = list(
        entries.values("unit__name")
        .annotate(minutes=Sum("minutes"), meetings=Count("id"))
        .order_by("-minutes")
    )
    by_category = list(
        entries.values("category__name").annotate(minutes=Sum("minutes")).order_by("-minutes")
    )
    return render(
        request,
        "stakeholders/engagement_log.html",
        {
            "entries": entries[:200],
            "start": start,
            "end": end,
            "by_unit": by_unit,
            "by_category": by_category,
            "total_minutes": sum(row["minutes"] for row in by_unit),
            "entry_count": sum(row["meetings"] for row in by_unit),
            "chart": figure_html(charts.time_by_unit(by_unit), height=320) if by_unit else None,
        },
    )


def engagement_add(request):
    require_procurement(request)
    form = EngagementForm(request.POST or None, initial={"date": timezone.localdate()})
    form.fields["category"].queryset = form.fields["category"].queryset.filter(parent__isnull=True)
    if request.method == "POST" and form.is_valid():
        entry = form.save(commit=False)
        entry.recorded_by = request.user
        entry.save()
        messages.success(request, f"Logged {entry.minutes} minutes with {entry.unit.name}.")
        return redirect("stakeholders:engagement")
    return render(request, "stakeholders/engagement_form.html", {"form": form})
