"""You said, we did: every concern a survey round raised with procurement's response to it; the
category manager's response form; a unit lead's word on whether a done action addressed what
the unit said."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from categories.models import Category
from plans.models import Initiative
from spend.models import SpendSummary
from stakeholders import concerns, services, you_said
from stakeholders.forms import ConcernResponseForm, ConcernVerdictForm
from stakeholders.models import AgreementMeasure
from suppliers.models import RelationshipAction
from workbench.exports import EXPORT_FORMATS, export_table
from workbench.params import record_id
from workbench.permissions import (
    judging_units_for_user,
    may_respond_to_concern,
    require_concern_reader,
    respondable_concern_round_for_user,
    units_led_by,
)

STATUSES = [
    you_said.AWAITING,
    you_said.PROMISED,
    you_said.OVERDUE,
    you_said.DONE,
    you_said.NOT_ACTING,
]


def concern_list(request):
    """The concerns the reader may see, newest round first, filtered by round and status; a
    category manager responds from here, a unit lead says whether a done action worked."""
    require_concern_reader(request)
    today = timezone.localdate()
    rounds = you_said.rounds_with_concerns(today)
    chosen_pk = record_id(request.GET, "round")
    chosen = next((r for r in rounds if r.pk == chosen_pk), None)
    status = request.GET.get("status", "")
    status = status if status in STATUSES else ""
    rows = you_said.concern_rows(request.user, rounds=[chosen] if chosen else rounds, today=today)
    if status:
        rows = [row for row in rows if row.status == status]
    if request.GET.get("format") in EXPORT_FORMATS:
        return export_table(
            request.GET["format"], "you-said-we-did", you_said.CONCERN_COLUMNS, rows
        )
    categories = {row.category.pk: row.category for row in rows}
    responders = {
        pk for pk, category in categories.items() if may_respond_to_concern(request.user, category)
    }
    for row in rows:
        row.may_respond = row.category.pk in responders
    context = {
        "rows": rows,
        "rounds": rounds,
        "chosen": chosen,
        "status": status,
        "statuses": STATUSES,
        "judging": _judging(request.user, rows),
    }
    template = "stakeholders/concern_list.html"
    if request.htmx:
        template += "#concern-table"
    return render(request, template, context)


def _judging(user, rows) -> set:
    """The responses on the page whose unit lead is the reader and that are done: those they
    may mark as having addressed the concern or not."""
    led = set(units_led_by(user).values_list("pk", flat=True))
    if not led:
        return set()
    for row in rows:
        row.verdict = row.verdict_of(led)
    return {
        row.response.pk
        for row in rows
        if row.response is not None
        and row.response.done_on is not None
        and (row.concern.unit_id in led or row.concern.unit_id is None)
    }


def concern_respond(request, pk, key):
    """The category manager's response to one concern: what will be done (linked to an
    initiative, a service-agreement measure or a relationship-plan action), by when, or why
    not; and when it was done."""
    parsed = concerns.parse_key(key)
    if parsed is None:
        raise Http404("No such concern.")
    category = get_object_or_404(Category.objects.select_related("owner"), pk=parsed[1])
    survey_round = respondable_concern_round_for_user(request, pk, category)
    row = next(
        (
            row
            for row in you_said.concern_rows(request.user, rounds=[survey_round])
            if row.key == key
        ),
        None,
    )
    if row is None:
        raise Http404("No such concern in this round.")
    form = ConcernResponseForm(
        request.POST or None,
        instance=row.response,
        initiatives=Initiative.objects.filter(
            plan__category__path__startswith=category.path
        ).select_related("plan"),
        measures=AgreementMeasure.objects.filter(agreement__unit_id=row.concern.unit_id)
        if row.concern.unit_id
        else AgreementMeasure.objects.none(),
        relationship_actions=RelationshipAction.objects.filter(
            plan__supplier__in=SpendSummary.objects.filter(
                category__path__startswith=category.path
            ).values("supplier")
        ).select_related("plan__supplier"),
    )
    if request.method == "POST" and form.is_valid():
        services.concern_response_save(
            survey_round=survey_round, concern=row.concern, form=form, by=request.user
        )
        messages.success(request, f"Response saved for {category.name}: the unit sees it now.")
        return redirect("stakeholders:concerns")
    return render(
        request,
        "stakeholders/concern_respond.html",
        {"row": row, "round": survey_round, "category": category, "form": form},
    )


@require_POST
def concern_verdict(request, pk):
    """A unit lead says whether the done action addressed what their unit said."""
    response, units = judging_units_for_user(request, pk)
    form = ConcernVerdictForm(request.POST)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = ""
    if not form.is_valid():
        messages.error(request, "Say whether the action addressed what you said.")
        return redirect(back or "stakeholders:concerns")
    # A lead of several units that said it answers for all of them unless they name one.
    chosen = [u for u in units if u.pk == form.cleaned_data["unit"]] or units
    for unit in chosen:
        services.concern_verdict_give(
            response=response, unit=unit, addressed=form.cleaned_data["addressed"], by=request.user
        )
    messages.success(request, "Thank you: procurement sees your answer.")
    return redirect(back or "stakeholders:concerns")
