"""Merging duplicate supplier records, the merge history, and undoing a merge."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from suppliers import queries, services
from suppliers.forms import MergeForm
from suppliers.merging import MergeRefused
from suppliers.models import Supplier
from suppliers.names import normalise
from workbench.exports import EXPORT_FORMATS, export_table
from workbench.permissions import (
    editable_supplier_for_user,
    may_change_supplier,
    require_supplier_manager,
    undoable_merge_for_user,
)


def merge(request, pk):
    """Choose the duplicate to fold into this supplier. Both must be suppliers the user may
    change: a merge moves the other's spend too."""
    kept = editable_supplier_for_user(request, pk)
    query = request.GET.get("q", "").strip()
    candidates = list(queries.merge_candidates(kept, query))
    if request.method == "POST":
        form = MergeForm(request.POST, kept=kept, candidates=Supplier.objects.exclude(pk=kept.pk))
        if form.is_valid():
            duplicate = form.cleaned_data["duplicate"]
            if not may_change_supplier(request.user, duplicate):
                form.add_error(
                    "duplicate",
                    f"{duplicate.name} has spend in categories you do not manage: ask their "
                    "manager or an administrator to merge it.",
                )
            else:
                try:
                    record = services.supplier_merge(
                        kept=kept,
                        duplicate=duplicate,
                        by=request.user,
                        reason=form.cleaned_data["reason"],
                    )
                except MergeRefused as refusal:
                    form.add_error(None, str(refusal))
                else:
                    messages.success(
                        request,
                        f"{record.merged_name} is merged into {kept.name}; its name is now an "
                        "alias. The merge can be undone from the merge history.",
                    )
                    return redirect(kept.get_absolute_url())
        if form.cleaned_data.get("duplicate") and form.cleaned_data["duplicate"] not in candidates:
            candidates.insert(0, form.cleaned_data["duplicate"])
    else:
        form = MergeForm(kept=kept, candidates=Supplier.objects.none())
    form.fields["duplicate"].queryset = Supplier.objects.filter(
        pk__in=[candidate.pk for candidate in candidates]
    )
    return render(
        request,
        "suppliers/merge.html",
        {
            "kept": kept,
            "supplier": kept,
            "form": form,
            "candidates": candidates,
            "query": query,
            "normalised": normalise(kept.name),
        },
    )


def merge_history(request):
    """Every merge, newest first, with undo for those not yet undone."""
    require_supplier_manager(request)
    merges = queries.merge_history()
    export_format = request.GET.get("format")
    if export_format in EXPORT_FORMATS:
        return export_table(export_format, "supplier-merges", queries.MERGE_COLUMNS, merges)
    return render(request, "suppliers/merges.html", {"merges": merges[:200]})


@require_POST
def undo(request, pk):
    merge = undoable_merge_for_user(request, pk)
    try:
        restored = services.supplier_merge_undo(merge=merge, by=request.user)
    except MergeRefused as refusal:
        messages.error(request, str(refusal))
        return redirect(reverse("suppliers:merges"))
    messages.success(request, f"{restored.name} is back as its own supplier, with its history.")
    return redirect(restored.get_absolute_url())
