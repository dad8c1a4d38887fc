"""The audit log: every security event, filtered by kind, person and dates, as a page and as a
CSV or Excel file."""

import datetime

from django.core.paginator import Paginator
from django.shortcuts import render

from audit.models import SecurityEvent
from workbench import params
from workbench.exports import EXPORT_FORMATS, Column, export_table
from workbench.permissions import require_audit_reader

EVENTS_PER_PAGE = 50
EVENT_COLUMNS = [
    Column("When", lambda event: event.at.replace(tzinfo=None)),
    Column("Event", lambda event: event.get_kind_display()),
    Column("Who", "actor_name"),
    Column("From address", "ip_address"),
    Column("What", "summary"),
    Column("Details", lambda event: ", ".join(f"{k}: {v}" for k, v in event.detail.items())),
]
KIND_NAMES = dict(SecurityEvent.KINDS)


def audit_log(request):
    require_audit_reader(request)
    kind = request.GET.get("kind", "")
    person = request.GET.get("who", "").strip()[:150]
    start = params.month(request.GET, "from")
    end = params.month(request.GET, "to")
    events = SecurityEvent.objects.all()
    if kind in KIND_NAMES:
        events = events.filter(kind=kind)
    if person:
        events = events.filter(actor_name__icontains=person)
    if start:
        events = events.filter(at__date__gte=start)
    if end:
        next_month = (end + datetime.timedelta(days=32)).replace(day=1)
        events = events.filter(at__date__lt=next_month)
    export_format = request.GET.get("format")
    if export_format in EXPORT_FORMATS:
        return export_table(export_format, "audit-log", EVENT_COLUMNS, events.iterator())
    page = Paginator(events, EVENTS_PER_PAGE).get_page(params.page_number(request.GET))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/log.html",
        {
            "page": page,
            "kinds": SecurityEvent.KINDS,
            "chosen": {
                "kind": kind,
                "who": person,
                "from": request.GET.get("from", ""),
                "to": request.GET.get("to", ""),
            },
            "query": query.urlencode(),
        },
    )
