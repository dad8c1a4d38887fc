"""Merging duplicate supplier records, the merge history, and undoing a merge."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from suppliers import queries, services
from suppliers.forms import MergeForm
from suppliers.merging import MergeRefused
from suppliers.models import Supplier
from suppliers.names import normalise
from suppliers.suggestions import match_suggestion_accept, match_suggestion_reject
from workbench import params
from workbench.exports import EXPORT_FORMATS, export_table
from workbench.permissions import (
    editable_supplier_for_user,
    may_change_supplier,
    pending_match_suggestion_for_user,
    require_importer,
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


def match_suggestions(request):
    """Names from imports that are probably, not certainly, an existing supplier. Their lines
    wait on a supplier of their own: "Same supplier" merges the two (undoable from the merge
    history), "Different" keeps them apart for good."""
    if request.method == "POST":
        suggestion = pending_match_suggestion_for_user(
            request, params.record_id(request.POST, "suggestion")
        )
        try:
            if request.POST.get("action") == "accept":
                match_suggestion_accept(suggestion=suggestion, by=request.user)
                messages.success(
                    request,
                    f"{suggestion.name_in_file} is merged into {suggestion.suggested.name}. "
                    "The merge can be undone from the merge history.",
                )
            else:
                match_suggestion_reject(suggestion=suggestion, by=request.user)
                messages.success(
                    request,
                    f"{suggestion.name_in_file} stays a supplier of its own.",
                )
        except MergeRefused as refusal:
            messages.error(request, str(refusal))
        return redirect(request.get_full_path())
    require_importer(request)
    pending = queries.pending_match_suggestions()
    if (export_format := request.GET.get("format")) in EXPORT_FORMATS:
        return export_table(
            export_format, "supplier-match-suggestions", queries.MATCH_SUGGESTION_COLUMNS, pending
        )
    page = Paginator(pending, 50).get_page(params.page_number(request.GET))
    return render(request, "suppliers/match_suggestions.html", {"page": page})
