"""Time spent with suppliers, ideas they bring, and risks in depending on them."""

from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_POST

from suppliers.forms import EngagementForm, IdeaForm, IdeaStatusForm, RiskForm
from suppliers.models import SupplierIdea
from suppliers.views.common import render_form, saved, tab_url
from workbench.permissions import editable_supplier_for_user, editable_supplier_part


def _add(request, pk, form_class, *, title, tab, message, extra=None):
    supplier = editable_supplier_for_user(request, pk)
    form = form_class(
        request.POST or None,
        initial={"date": timezone.localdate(), "raised_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        item = form.save(commit=False)
        item.supplier = supplier
        for field, value in (extra or {}).items():
            setattr(item, field, value)
        item.save()
        return saved(request, message, tab_url(supplier, tab))
    return render_form(
        request, form, title=title, supplier=supplier, cancel_url=tab_url(supplier, tab)
    )


def engagement_add(request, pk):
    return _add(
        request,
        pk,
        EngagementForm,
        title="Log time with the supplier",
        tab="engagement",
        message="Logged.",
        extra={"logged_by": request.user},
    )


def idea_add(request, pk):
    return _add(
        request,
        pk,
        IdeaForm,
        title="Idea from the supplier",
        tab="ideas",
        message="The idea is recorded.",
    )


def risk_add(request, pk):
    return _add(
        request, pk, RiskForm, title="Supplier risk", tab="ideas", message="The risk is recorded."
    )


@require_POST
def idea_status(request, pk):
    idea = editable_supplier_part(request, SupplierIdea, pk)
    form = IdeaStatusForm(request.POST, instance=idea)
    if form.is_valid():
        form.save()
        return saved(
            request,
            f"“{idea.title}” is now {idea.get_status_display().lower()}.",
            tab_url(idea.supplier, "ideas"),
        )
    return redirect(tab_url(idea.supplier, "ideas"))
