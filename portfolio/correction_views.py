"""Administrators correct the maturity model's wording in the app (it was only in Django's
admin), with the stale-save refusal and the history every correction has. A level's wording is
corrected, never removed: each dimension has exactly five."""

from functools import partial

from django.http import Http404
from django.urls import reverse

from portfolio import services
from portfolio.forms import MaturityDescriptorForm
from portfolio.models import MaturityDescriptor
from workbench import correction_pages as pages
from workbench.permissions import (
    maturity_descriptor_history_for_user,
    rewordable_maturity_descriptor_for_user,
)

DESCRIPTOR = pages.RecordKind(
    MaturityDescriptor,
    MaturityDescriptorForm,
    "wording",
    lambda record: reverse("portfolio:maturity") + "#model",
    lambda record: "Maturity",
    removable=False,
)


def _descriptor_kind(kind):
    if kind != "descriptor":
        raise Http404("No such kind of record.")
    return DESCRIPTOR


def record_edit(request, kind, pk):
    record_kind = _descriptor_kind(kind)
    descriptor = rewordable_maturity_descriptor_for_user(request, pk)
    update = partial(services.maturity_descriptor_update, by=request.user)
    return pages.edit(
        request,
        "portfolio",
        kind,
        record_kind,
        descriptor,
        lambda record, form: update(descriptor=record, form=form),
    )


def record_history(request, kind, pk):
    record_kind = _descriptor_kind(kind)
    descriptor, may_change = maturity_descriptor_history_for_user(request, pk)
    return pages.history(request, "portfolio", kind, record_kind, descriptor, may_change=may_change)
