"""Adding and editing a plan's initiatives, with their impact on each value driver, and
recording the money they actually delivered."""

from decimal import Decimal

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from opportunities import queries as opportunity_queries
from opportunities import services as opportunity_services
from plans import initiative_sources, services
from plans import queries as planning
from plans.forms import InitiativeForm, RealisedForm, active_drivers, with_version
from plans.models import CategoryPlan
from spend import cube
from suppliers.models import Contract, SupplierIdea
from workbench import params
from workbench.permissions import (
    editable_initiative_for_user,
    editable_plan_for_user,
    editable_supplier_part,
    may_change_category,
    may_change_plan,
    require_procurement,
)


def _refuse_closed(request, plan):
    if plan.status == CategoryPlan.CLOSED:
        messages.error(request, "A closed plan is kept as it was; it cannot be changed.")
        return redirect(plan)
    return None


def initiative_create(request, pk):
    """A new initiative on the plan; the units that buy in the category are ticked to start."""
    plan = editable_plan_for_user(request, pk)
    if refused := _refuse_closed(request, plan):
        return refused
    drivers = list(active_drivers())
    spend = planning.unit_spend(plan.category, cube.latest_period())
    initial = {
        "affected_units": [row["business_unit"] for row in spend],
        "owner": request.user,
        # The whole category's last twelve months, to be narrowed to what it touches.
        "spend_affected": sum((row["spend"] for row in spend), Decimal("0.00")),
    }
    contract, idea = _source_of(request)
    if contract:
        initial.update(initiative_sources.initial_from_contract(contract, timezone.localdate()))
    if idea:
        initial.update(initiative_sources.initial_from_idea(idea, timezone.localdate()))
    finding = _finding_of(request, plan)
    if finding:
        units = opportunity_queries.finding_units(request.user, finding)
        initial.update(
            initiative_sources.initial_from_finding(finding, units, timezone.localdate())
        )
    form = InitiativeForm(request.POST or None, drivers=drivers, initial=initial)
    if request.method == "POST" and form.is_valid():
        initiative = services.initiative_create(
            plan=plan, form=form, by=request.user, source_contract=contract, source_idea=idea
        )
        if finding:
            opportunity_services.finding_initiative_record(
                finding_key=finding.key, initiative=initiative, by=request.user
            )
        messages.success(request, f"{initiative.title} added.")
        return redirect(f"{plan.get_absolute_url()}#tradeoff")
    return render(
        request,
        "plans/initiative_form.html",
        {
            "plan": plan,
            "form": form,
            "initiative": None,
            "contract": contract,
            "idea": idea,
            "finding": finding,
        },
    )


def _finding_of(request, plan):
    """The opportunity finder's finding named in the address (?finding=<key>), recomputed
    over what the user may read now, if it is in or around the plan's category; a finding
    that is gone is said so and left out."""
    # No key holds a NUL, and PostgreSQL refuses one in a query: it names no finding.
    key = request.GET.get("finding", "")
    if not key or "\x00" in key:
        return None
    finding = opportunity_queries.finding_by_key(request.user, key[:200], timezone.localdate())
    paths = finding.category_paths if finding else ()
    path = plan.category.path
    if not any(p.startswith(path) or path.startswith(p) for p in paths):
        messages.warning(request, "That finding is no longer in this plan's spend.")
        return None
    return finding


def _source_of(request):
    """The contract or supplier idea named in the address (?contract= or ?idea=), if any."""
    contract = idea = None
    if contract_id := params.record_id(request.GET, "contract"):
        contract = get_object_or_404(Contract.objects.select_related("supplier"), pk=contract_id)
    if idea_id := params.record_id(request.GET, "idea"):
        # Starting from an idea accepts it: the same right as changing its status on the
        # supplier's page, checked on the idea's supplier, not only on the plan.
        idea = editable_supplier_part(request, SupplierIdea, idea_id)
    return contract, idea


def initiative_from_source(request, kind, pk):
    """From a contract or a supplier's idea to an initiative: the open plans it could join,
    each a click away from the filled-in initiative form."""
    require_procurement(request)
    if kind == "contract":
        source = get_object_or_404(Contract.objects.select_related("supplier"), pk=pk)
        categories = initiative_sources.categories_of_contract(source)
    elif kind == "idea":
        source = get_object_or_404(SupplierIdea.objects.select_related("supplier"), pk=pk)
        categories = initiative_sources.categories_of_idea(source)
    else:
        raise Http404("Initiatives start from a contract or an idea.")
    categories = list(categories)
    candidates = list(initiative_sources.open_plans_for(categories))
    for plan in candidates:
        plan.may_change = may_change_plan(request.user, plan)
    return render(
        request,
        "plans/initiative_source.html",
        {
            "kind": kind,
            "source": source,
            "plans": candidates,
            "categories": categories,
            "owned_codes": {c.code for c in categories if may_change_category(request.user, c)},
        },
    )


def initiative_edit(request, pk):
    """Edit an initiative; a save over a newer one is refused with what changed since."""
    initiative = editable_initiative_for_user(request, pk)
    plan = initiative.plan
    if refused := _refuse_closed(request, plan):
        return refused
    drivers = list(active_drivers())
    form = InitiativeForm(request.POST or None, instance=initiative, drivers=drivers)
    stale = []
    if request.method == "POST" and form.is_valid():
        try:
            initiative = services.initiative_update(
                initiative=initiative, form=form, by=request.user
            )
        except services.StaleSave as refused:
            stale = refused.changes
            form = with_version(
                InitiativeForm,
                request.POST,
                refused.current.version,
                instance=refused.current,
                drivers=drivers,
            )
            form.is_valid()
        else:
            messages.success(request, f"{initiative.title} saved.")
            return redirect(f"{plan.get_absolute_url()}#tradeoff")
    return render(
        request,
        "plans/initiative_form.html",
        {"plan": plan, "form": form, "initiative": initiative, "stale": stale},
    )


def initiative_realised(request, pk):
    """Record what an initiative delivered in a month (one row per month: a second entry for
    the same month replaces the first) and see what it has delivered so far."""
    initiative = editable_initiative_for_user(request, pk)
    plan = initiative.plan
    form = RealisedForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.realised_saving_record(initiative=initiative, data=data, by=request.user)
        messages.success(request, f"Recorded for {data['period']:%B %Y}.")
        return redirect("plans:initiative_realised", pk=initiative.pk)
    return render(
        request,
        "plans/initiative_realised.html",
        {
            "plan": plan,
            "initiative": initiative,
            "form": form,
            "rows": initiative.realised.select_related("recorded_by"),
        },
    )
