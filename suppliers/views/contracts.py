"""Contracts with suppliers and the ones coming up for renewal."""

from django.conf import settings
from django.shortcuts import render
from django.utils import timezone

from suppliers import queries, services
from suppliers.forms import ContractForm
from suppliers.views.common import render_form, saved, tab_url
from workbench.exports import EXPORT_FORMATS, export_table
from workbench.permissions import editable_supplier_for_user, require_procurement

DEFAULT_WINDOW = 90


def _window(request) -> int | None:
    """Days ahead from ?within=; None shows every contract. Nonsense falls back to all."""
    raw = request.GET.get("within", "")
    if raw == "":
        return None
    try:
        return max(0, min(int(raw), 3650))
    except ValueError:
        return None


def contract_list(request):
    """Every contract, or those ending within N days, soonest first, with the date by which
    notice must be given."""
    require_procurement(request)
    today = timezone.localdate()
    within = _window(request)
    contracts = queries.contract_table(today, within)
    export_format = request.GET.get("format")
    if export_format in EXPORT_FORMATS:
        return export_table(export_format, "contracts", queries.CONTRACT_COLUMNS, contracts)
    return render(
        request,
        "suppliers/contracts.html",
        {
            "contracts": contracts[:500],
            "within": within,
            "default_window": DEFAULT_WINDOW,
            "today": today,
            "currency": settings.BASE_CURRENCY,
        },
    )


def contract_add(request, pk):
    supplier = editable_supplier_for_user(request, pk)
    form = ContractForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        contract = services.contract_create(supplier=supplier, form=form)
        return saved(request, f"Contract “{contract.title}” added.", tab_url(supplier, "contracts"))
    return render_form(
        request,
        form,
        title="New contract",
        supplier=supplier,
        cancel_url=tab_url(supplier, "contracts"),
    )
