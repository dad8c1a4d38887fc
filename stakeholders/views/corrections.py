"""Correcting an engagement-log entry, a service agreement or one of its measures: edit it
(refused when someone saved it since the form was opened), remove it (kept, and undoable), and
read who changed what. Administrators correct the value-driver catalogue the same way (a driver
is retired, not removed). The pages themselves are the workbench's (workbench.correction_pages)."""

from functools import partial

from django.http import Http404
from django.urls import reverse
from django.views.decorators.http import require_POST

from stakeholders import services
from stakeholders.forms import AgreementForm, MeasureForm, UnitEngagementForm, ValueDriverForm
from stakeholders.models import AgreementMeasure, EngagementEntry, ServiceAgreement, ValueDriver
from workbench import correction_pages as pages
from workbench.permissions import (
    correctable_stakeholder_record_for_user,
    editable_value_driver_for_user,
    stakeholder_record_history_for_user,
    value_driver_history_for_user,
)


def _agreement_page(record):
    # A removed agreement's page is a 404 like any record out of the lists: it is listed under
    # "Removed" with the agreements instead.
    if record.is_removed:
        return reverse("stakeholders:agreements")
    return record.get_absolute_url()


def _measure_page(record):
    if record.agreement.is_removed:
        return reverse("stakeholders:agreements")
    return record.agreement.get_absolute_url()


KINDS = {
    "engagement": pages.RecordKind(
        EngagementEntry,
        UnitEngagementForm,
        "entry",
        lambda record: reverse("stakeholders:engagement"),
        lambda record: "Engagement log",
    ),
    "agreement": pages.RecordKind(
        ServiceAgreement,
        AgreementForm,
        "agreement",
        _agreement_page,
        lambda record: "Service agreements",
    ),
    "measure": pages.RecordKind(
        AgreementMeasure,
        MeasureForm,
        "measure",
        _measure_page,
        lambda record: record.agreement.title,
    ),
    "driver": pages.RecordKind(
        ValueDriver,
        ValueDriverForm,
        "value driver",
        lambda record: reverse("stakeholders:value_drivers"),
        lambda record: "Value drivers",
        removable=False,
    ),
}


def _kind(kind: str) -> pages.RecordKind:
    try:
        return KINDS[kind]
    except KeyError:
        raise Http404("No such kind of record.") from None


def _correctable(request, kind, pk, *, removing=False):
    record_kind = _kind(kind)
    if removing and not record_kind.removable:
        raise Http404("This kind of record is corrected, not removed.")
    if record_kind.model is ValueDriver:
        return record_kind, editable_value_driver_for_user(request, pk)
    return record_kind, correctable_stakeholder_record_for_user(request, record_kind.model, pk)


def record_edit(request, kind, pk):
    record_kind, record = _correctable(request, kind, pk)
    update = partial(services.stakeholder_record_update, by=request.user)
    return pages.edit(request, "stakeholders", kind, record_kind, record, update)


@require_POST
def record_remove(request, kind, pk):
    record_kind, record = _correctable(request, kind, pk, removing=True)
    remove = partial(services.stakeholder_record_remove, by=request.user)
    return pages.remove(request, "stakeholders", kind, record_kind, record, remove)


@require_POST
def record_restore(request, kind, pk):
    record_kind, record = _correctable(request, kind, pk, removing=True)
    restore = partial(services.stakeholder_record_restore, by=request.user)
    return pages.restore(request, record_kind, record, restore)


def record_history(request, kind, pk):
    record_kind = _kind(kind)
    if record_kind.model is ValueDriver:
        record, may_change = value_driver_history_for_user(request, pk)
    else:
        record, may_change = stakeholder_record_history_for_user(request, record_kind.model, pk)
    return pages.history(request, "stakeholders", kind, record_kind, record, may_change=may_change)
