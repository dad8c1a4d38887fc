"""Correcting a contract, an engagement-log entry, an idea or a risk: edit it (refused when
someone saved it since the form was opened), remove it (kept, and undoable), and read who
changed what. The pages themselves are the workbench's (workbench.correction_pages)."""

from functools import partial

from django.http import Http404
from django.views.decorators.http import require_POST

from suppliers import services
from suppliers.forms import (
    ContractForm,
    EvaluationCorrectionForm,
    IdeaForm,
    RiskForm,
    SupplierEngagementForm,
)
from suppliers.models import Contract, Evaluation, SupplierEngagement, SupplierIdea, SupplierRisk
from suppliers.views.common import tab_url
from workbench import correction_pages as pages
from workbench.permissions import (
    correctable_evaluation_for_user,
    correctable_supplier_record_for_user,
    evaluation_history_for_user,
    supplier_record_history_for_user,
)


def _on_tab(tab):
    return lambda record: tab_url(record.supplier, tab)


def _supplier_name(record):
    return record.supplier.name


KINDS = {
    "contract": pages.RecordKind(
        Contract, ContractForm, "contract", _on_tab("contracts"), _supplier_name
    ),
    "engagement": pages.RecordKind(
        SupplierEngagement, SupplierEngagementForm, "entry", _on_tab("engagement"), _supplier_name
    ),
    "idea": pages.RecordKind(SupplierIdea, IdeaForm, "idea", _on_tab("ideas"), _supplier_name),
    "risk": pages.RecordKind(SupplierRisk, RiskForm, "risk", _on_tab("ideas"), _supplier_name),
    "evaluation": pages.RecordKind(
        Evaluation, EvaluationCorrectionForm, "scorecard", _on_tab("scorecards"), _supplier_name
    ),
}
# The supplier tab each kind is listed on: who may see the tab may read the history.
TABS = {"contract": "contracts", "engagement": "engagement", "idea": "ideas", "risk": "ideas"}
# A scorecard is corrected by whoever rated for its unit (or for procurement), not by whoever
# may change the supplier: its rules are its own.
EVALUATION = "evaluation"


def _kind(kind: str) -> pages.RecordKind:
    try:
        return KINDS[kind]
    except KeyError:
        raise Http404("No such kind of record.") from None


def _correctable(request, kind, pk):
    record_kind = _kind(kind)
    if kind == EVALUATION:
        return record_kind, correctable_evaluation_for_user(request, pk)
    return record_kind, correctable_supplier_record_for_user(request, record_kind.model, pk)


def record_edit(request, kind, pk):
    record_kind, record = _correctable(request, kind, pk)
    if kind == EVALUATION:

        def update(*, record, form):
            return services.evaluation_update(evaluation=record, form=form, by=request.user)

    else:
        update = partial(services.supplier_record_update, by=request.user)
    return pages.edit(request, "suppliers", kind, record_kind, record, update)


@require_POST
def record_remove(request, kind, pk):
    record_kind, record = _correctable(request, kind, pk)
    remove = partial(services.supplier_record_remove, by=request.user)
    return pages.remove(request, "suppliers", kind, record_kind, record, remove)


@require_POST
def record_restore(request, kind, pk):
    record_kind, record = _correctable(request, kind, pk)
    restore = partial(services.supplier_record_restore, by=request.user)
    return pages.restore(request, record_kind, record, restore)


def record_history(request, kind, pk):
    record_kind = _kind(kind)
    if kind == EVALUATION:
        record, may_change = evaluation_history_for_user(request, pk)
    else:
        record, may_change = supplier_record_history_for_user(
            request, record_kind.model, pk, TABS[kind]
        )
    return pages.history(request, "suppliers", kind, record_kind, record, may_change=may_change)
