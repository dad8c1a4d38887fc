"""Segments: the suggestion from spend and Kraljic, the manager's decision, the overview."""

from django.conf import settings
from django.shortcuts import render
from django.utils import timezone

from spend import cube
from suppliers import charts, queries, services
from suppliers.forms import SegmentForm
from suppliers.models import SEGMENT_NAMES
from suppliers.views.common import render_form, saved, tab_url
from workbench.charts import figure_html, segment_shares_text
from workbench.exports import EXPORT_FORMATS, export_table
from workbench.permissions import editable_supplier_for_user, require_procurement


def set_segment(request, pk):
    """The category manager puts the supplier in a segment, with a reason; the data's
    suggestion is shown beside the form and kept on the decision."""
    supplier = editable_supplier_for_user(request, pk)
    period = cube.latest_period()
    suggestion = queries.suggested_segments(period, [supplier.pk])[supplier.pk] if period else None
    form = SegmentForm(
        request.POST or None,
        initial={"segment": supplier.segment or (suggestion[0] if suggestion else "")},
    )
    if request.method == "POST" and form.is_valid():
        services.segment_set(
            supplier=supplier,
            segment=form.cleaned_data["segment"],
            reason=form.cleaned_data["reason"],
            suggested=suggestion[0] if suggestion else "",
            by=request.user,
        )
        return saved(
            request,
            f"{supplier.name} is now {SEGMENT_NAMES[supplier.segment].lower()}.",
            tab_url(supplier, "overview"),
        )
    intro = ""
    if suggestion:
        intro = f"Suggested: {SEGMENT_NAMES[suggestion[0]]}. {suggestion[1]}"
    return render_form(
        request,
        form,
        title="Segment",
        supplier=supplier,
        cancel_url=supplier.get_absolute_url(),
        intro=intro,
        submit="Set segment",
    )


def segment_overview(request):
    """Suppliers and spend by segment, and where the time with suppliers goes against where
    the money goes."""
    require_procurement(request)
    period = cube.latest_period()
    rows = queries.segment_overview(period, timezone.localdate())
    export_format = request.GET.get("format")
    if export_format in EXPORT_FORMATS:
        return export_table(export_format, "supplier-segments", queries.SEGMENT_COLUMNS, rows)
    currency = settings.BASE_CURRENCY
    segment_text = charts.suppliers_by_segment_text(rows, currency)
    time_text = segment_shares_text(rows, "Share of time")
    return render(
        request,
        "suppliers/segments.html",
        {
            "rows": rows,
            "period": period,
            "currency": currency,
            "segment_chart": figure_html(
                charts.suppliers_by_segment(rows, currency),
                height=320,
                name="Spend per supplier segment",
                summary=segment_text[0],
                table=segment_text[1],
            ),
            "time_chart": figure_html(
                charts.time_against_spend(rows),
                height=320,
                name="Time with suppliers against spend, per segment",
                summary=time_text[0],
                table=time_text[1],
            ),
            "partners": queries.partner_plan_coverage()[:200],
        },
    )
