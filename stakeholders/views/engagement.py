"""The engagement log: time procurement spends with business units."""

import datetime
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone

from stakeholders import charts, queries, services
from stakeholders.forms import PeriodForm, UnitEngagementForm
from stakeholders.models import EngagementEntry
from workbench import params
from workbench.charts import figure_html
from workbench.exports import EXPORT_FORMATS, export_table
from workbench.permissions import require_procurement, visible_units

ENTRIES_PER_PAGE = 50


def engagement_log(request):
    """Time with units over a period: the entries, and the totals per unit and per category.
    Procurement records entries and sees every unit; a unit lead sees their own unit's."""
    today = timezone.localdate()
    period = PeriodForm(request.GET or None)
    start, end = today - datetime.timedelta(days=365), today
    if period.is_valid():
        start = period.cleaned_data["start"] or start
        end = period.cleaned_data["end"] or end
    units = visible_units(request.user)
    entries = queries.engagement_entries(units, start, end)
    if request.GET.get("format") in EXPORT_FORMATS:
        return export_table(
            request.GET["format"],
            "engagement-log",
            queries.ENGAGEMENT_COLUMNS,
            queries.engagement_rows(entries),
        )
    by_unit = queries.engagement_by_unit(entries)
    # A page at a time: a year of a team's meetings runs to thousands of entries.
    page = Paginator(entries, ENTRIES_PER_PAGE).get_page(params.page_number(request.GET))
    return render(
        request,
        "stakeholders/engagement_log.html",
        {
            "entries": page,
            "page": page,
            "page_query": urlencode(
                {name: request.GET[name] for name in ("start", "end") if request.GET.get(name)}
            ),
            "start": start,
            "end": end,
            "by_unit": by_unit,
            "by_category": queries.engagement_by_category(entries),
            "total_minutes": sum(row["minutes"] for row in by_unit),
            "entry_count": sum(row["meetings"] for row in by_unit),
            "chart": _hours_chart(by_unit) if by_unit else None,
            "removed_entries": queries.removed_records(EngagementEntry, unit__in=units),
        },
    )


def engagement_add(request):
    require_procurement(request)
    form = UnitEngagementForm(request.POST or None, initial={"date": timezone.localdate()})
    form.fields["category"].queryset = form.fields["category"].queryset.filter(parent__isnull=True)
    if request.method == "POST" and form.is_valid():
        entry = services.engagement_entry_record(form=form, by=request.user)
        messages.success(request, f"Logged {entry.minutes} minutes with {entry.unit.name}.")
        return redirect("stakeholders:engagement")
    return render(request, "stakeholders/engagement_form.html", {"form": form})


def _hours_chart(by_unit) -> str:
    summary, table = charts.time_by_unit_text(by_unit)
    return figure_html(
        charts.time_by_unit(by_unit),
        height=320,
        name="Hours spent with each business unit",
        summary=summary,
        table=table,
    )
