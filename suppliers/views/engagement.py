"""Time spent with suppliers, ideas they bring, and risks in depending on them."""

from functools import partial

from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_POST

from suppliers import services
from suppliers.forms import IdeaForm, IdeaStatusForm, RiskForm, SupplierEngagementForm
from suppliers.models import SupplierIdea
from suppliers.views.common import render_form, saved, tab_url
from workbench.permissions import editable_supplier_for_user, editable_supplier_part


def _add(request, pk, form_class, record, *, title, tab, message):
    """A form page that adds one row to the supplier; `record(supplier=, form=)` stores it."""
    supplier = editable_supplier_for_user(request, pk)
    form = form_class(
        request.POST or None,
        initial={"date": timezone.localdate(), "raised_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        record(supplier=supplier, form=form)
        return saved(request, message, tab_url(supplier, tab))
    return render_form(
        request, form, title=title, supplier=supplier, cancel_url=tab_url(supplier, tab)
    )


def engagement_add(request, pk):
    return _add(
        request,
        pk,
        SupplierEngagementForm,
        partial(services.engagement_record, by=request.user),
        title="Log time with the supplier",
        tab="engagement",
        message="Logged.",
    )


def idea_add(request, pk):
    return _add(
        request,
        pk,
        IdeaForm,
        services.idea_record,
        title="Idea from the supplier",
        tab="ideas",
        message="The idea is recorded.",
    )


def risk_add(request, pk):
    return _add(
        request,
        pk,
        RiskForm,
        services.risk_record,
        title="Supplier risk",
        tab="ideas",
        message="The risk is recorded.",
    )


@require_POST
def idea_status(request, pk):
    idea = editable_supplier_part(request, SupplierIdea, pk)
    form = IdeaStatusForm(request.POST, instance=idea)
    if form.is_valid():
        services.idea_status_set(form=form, by=request.user)
        return saved(
            request,
            f"“{idea.title}” is now {idea.get_status_display().lower()}.",
            tab_url(idea.supplier, "ideas"),
        )
    return redirect(tab_url(idea.supplier, "ideas"))
