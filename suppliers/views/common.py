from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse


def tab_url(supplier, tab: str) -> str:
    return f"{reverse('suppliers:detail', args=[supplier.pk])}?tab={tab}"


def render_form(request, form, *, title: str, supplier=None, cancel_url="", intro="", submit=""):
    """Every supplier form page looks the same: a card with the fields and their errors."""
    return render(
        request,
        "suppliers/form.html",
        {
            "form": form,
            "title": title,
            "supplier": supplier,
            "cancel_url": cancel_url,
            "intro": intro,
            "submit": submit or "Save",
        },
    )


def saved(request, message: str, url: str):
    messages.success(request, message)
    return redirect(url)
