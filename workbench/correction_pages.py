"""The pages every app uses to correct what people record (workbench.corrections): the
correction form with its stale-save refusal and remove button, and the history page (or its
htmx panel). Each app's views fetch the record through workbench.permissions and pass it here
with the words and addresses of its own pages."""

from dataclasses import dataclass

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse

from workbench import corrections


@dataclass(frozen=True)
class RecordKind:
    """One kind of correctable record: its model, its form, what people call it and, from a
    record, the page it is listed on (and what that page is called)."""

    model: type
    form: type
    noun: str
    list_url: object  # record -> address of the page that lists it
    list_name: object  # record -> what that page is called
    removable: bool = True  # reference data is corrected in place, never removed


def urls_for(namespace: str, kind: str, record, *, removable=True) -> dict:
    actions = ("edit", "history") + (("remove", "restore") if removable else ())
    return {
        action: reverse(f"{namespace}:record_{action}", args=[kind, record.pk])
        for action in actions
    }


def _context(namespace, kind, record_kind, record, **extra) -> dict:
    return {
        "kind": kind,
        "noun": record_kind.noun,
        "removable": record_kind.removable,
        "record": record,
        "urls": urls_for(namespace, kind, record, removable=record_kind.removable),
        "back_url": record_kind.list_url(record),
        "back_name": record_kind.list_name(record),
        "changes": corrections.changes_of(record),
        **extra,
    }


def correction_page(request, namespace, kind, record_kind, record, form, *, status=200, **extra):
    return render(
        request,
        "corrections/correction.html",
        _context(namespace, kind, record_kind, record, form=form, **extra),
        status=status,
    )


def _with_version(form_class, data, current):
    """The person's own input, now carrying the current version: saving again is a deliberate
    choice to put their values over the other person's."""
    data = data.copy()
    data["version"] = str(current.version)
    form = form_class(data, instance=current)
    form.is_valid()
    return form


def edit(request, namespace, kind, record_kind, record, update):
    """The correction form; `update(record=, form=)` saves it (an app's service). A save over a
    newer one is refused (409) with what changed since."""
    if record.is_removed:
        messages.info(request, "This was removed: undo the removal before correcting it.")
        return redirect(urls_for(namespace, kind, record)["history"])
    form = record_kind.form(request.POST or None, instance=record)
    if request.method == "POST" and form.is_valid():
        try:
            update(record=record, form=form)
        except corrections.StaleSave as refused:
            form = _with_version(record_kind.form, request.POST, refused.current)
            return correction_page(
                request,
                namespace,
                kind,
                record_kind,
                refused.current,
                form,
                stale=refused.changes,
                status=409,
            )
        messages.success(request, f"The {record_kind.noun} “{record}” is saved.")
        return redirect(record_kind.list_url(record))
    return correction_page(request, namespace, kind, record_kind, record, form)


def remove(request, namespace, kind, record_kind, record, remove_record):
    """Remove on a POST carrying the version the page showed; `remove_record(record=,
    seen_version=)` is the app's service. Refused (409) with what changed when it was
    corrected since."""
    try:
        seen = int(request.POST.get("version", ""))
    except ValueError:
        return redirect(urls_for(namespace, kind, record)["edit"])
    try:
        removed = remove_record(record=record, seen_version=seen)
    except corrections.StaleSave as refused:
        current = refused.current
        return correction_page(
            request,
            namespace,
            kind,
            record_kind,
            current,
            record_kind.form(instance=current),
            stale=refused.changes,
            stale_remove=True,
            status=409,
        )
    messages.success(
        request,
        f"The {record_kind.noun} “{record}” is removed. It is listed under “Removed” here, "
        "where the removal can be undone.",
    )
    return redirect(record_kind.list_url(removed))


def restore(request, record_kind, record, restore_record):
    restored = restore_record(record=record)
    messages.success(request, f"The {record_kind.noun} “{record}” is back.")
    return redirect(record_kind.list_url(restored))


def history(request, namespace, kind, record_kind, record, *, may_change: bool):
    """Who changed which field from what to what, and when; the panel alone for htmx."""
    template = "corrections/history_page.html"
    if request.htmx:
        template += "#history-panel"
    return render(
        request,
        template,
        _context(namespace, kind, record_kind, record, may_change=may_change),
    )
