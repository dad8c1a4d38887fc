"""Merging duplicate supplier records, the merge history, and undoing a merge."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from rapidfuzz import fuzz, process

from suppliers.forms import MergeForm
from suppliers.merging import MergeRefused, merge_suppliers, undo_merge
from suppliers.models import Supplier, SupplierMerge
from suppliers.names import normalise
from workbench.exports import EXPORT_FORMATS, export_response
from workbench.permissions import (
    editable_supplier_for_user,
    may_change_supplier,
    require_supplier_manager,
    undoable_merge_for_user,
)

CANDIDATES = 12


def _candidates(kept: Supplier, query: str):
    """Records that may be the same company: the closest names, or those matching `query`."""
    others = Supplier.objects.exclude(pk=kept.pk)
    if query:
        return others.filter(name__icontains=query).order_by("name")[:CANDIDATES]
    names = dict(others.values_list("pk", "normalised_name"))
    closest = process.extract(
        kept.normalised_name, names, scorer=fuzz.token_sort_ratio, limit=CANDIDATES
    )
    ids = [pk for _name, _score, pk in closest]
    return sorted(others.filter(pk__in=ids), key=lambda supplier: ids.index(supplier.pk))


def merge(request, pk):
    """Choose the duplicate to fold into this supplier. Both must be suppliers the user may
    change: a merge moves the other's spend too."""
    kept = editable_supplier_for_user(request, pk)
    query = request.GET.get("q", "").strip()
    candidates = list(_candidates(kept, query))
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
                    record = merge_suppliers(
                        kept, duplicate, user=request.user, reason=form.cleaned_data["reason"]
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
    merges = SupplierMerge.objects.select_related("kept", "merged_by", "undone_by")
    export_format = request.GET.get("format")
    if export_format in EXPORT_FORMATS:
        return export_response(
            export_format,
            "supplier-merges",
            ["Merged name", "Into", "By", "On", "Reason", "Undone on"],
            (
                [
                    merge.merged_name,
                    merge.kept.name,
                    str(merge.merged_by or ""),
                    merge.merged_at.date(),
                    merge.reason,
                    merge.undone_at.date() if merge.undone_at else None,
                ]
                for merge in merges
            ),
        )
    return render(request, "suppliers/merges.html", {"merges": merges[:200]})


@require_POST
def undo(request, pk):
    merge = undoable_merge_for_user(request, pk)
    try:
        restored = undo_merge(merge, user=request.user)
    except MergeRefused as refusal:
        messages.error(request, str(refusal))
        return redirect(reverse("suppliers:merges"))
    messages.success(request, f"{restored.name} is back as its own supplier, with its history.")
    return redirect(restored.get_absolute_url())
