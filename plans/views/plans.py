"""The plan workbench: the plan list, a plan's page in sections htmx refreshes one at a time,
editing with stale-save refusal, the workflow (submit, endorse, approve, ...), printing and
exports, and savings tracking by fiscal year. Figures come from plans.queries, changes go
through plans.services."""

import datetime
import math

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST
from openpyxl import Workbook

from categories.models import Category
from plans import charts, services
from plans import queries as planning
from plans.alignment import ACTION_LABELS, TransitionRefused, allowed_actions
from plans.forms import (
    EndorsementForm,
    ObjectiveFormSet,
    PlanForm,
    SavingsWeightForm,
    StageProbabilityForm,
    TransitionForm,
    with_version,
)
from plans.models import CategoryPlan
from workbench import params
from workbench.charts import figure_html
from workbench.exports import (
    EXPORT_FORMATS,
    append_inert_row,
    cells_of,
    export_response,
    export_table,
    headers_of,
)
from workbench.page_cache import kept_for_the_person
from workbench.permissions import (
    editable_plan_for_user,
    endorsing_units_for_user,
    may_create_plans,
    may_set_stage_probabilities,
    plan_for_user,
    plan_roles,
    plannable_categories,
    readable_plans,
    require_plan_approver,
    require_plan_reader,
    require_procurement,
    require_stage_probability_setter,
)

SECTIONS = (
    "baseline",
    "kraljic",
    "priorities",
    "suppliers",
    "objectives",
    "ranking",
    "workflow",
    "history",
)


# --- Plan list and creation --------------------------------------------------------------------


def plan_list(request):
    """Every plan the user may read, with its initiatives' money and conflicts; exportable."""
    require_plan_reader(request)
    status = request.GET.get("status", "")
    year = params.year(request.GET, "year")
    year = str(year) if year else ""
    category = Category.objects.filter(code=request.GET.get("category", "")).first()
    plans_shown = planning.plans_with_figures(
        readable_plans(request.user), status=status, year=year, category=category
    )
    export_format = request.GET.get("format")
    if export_format in EXPORT_FORMATS:
        return export_table(
            export_format, "category-plans", planning.PLAN_LIST_COLUMNS, plans_shown
        )
    return render(
        request,
        "plans/plan_list.html",
        {
            "plans": plans_shown,
            "statuses": CategoryPlan.STATUSES,
            "status": status,
            "years": planning.plan_years(readable_plans(request.user)),
            "year": year,
            "category": category,
            "may_create": may_create_plans(request.user),
            "currency": settings.BASE_CURRENCY,
        },
    )


def plan_create(request):
    """A category owner starts a plan for one of their categories and a fiscal year."""
    require_procurement(request)
    categories = plannable_categories(request.user)
    if not categories.exists():
        messages.error(request, "Only a category's owner starts its plans; you own none.")
        return redirect("plans:plan_list")
    initial = {}
    code = request.GET.get("category")
    if code:
        initial["category"] = categories.filter(code=code).first()
    form = PlanForm(request.POST or None, categories=categories, initial=initial)
    if request.method == "POST" and form.is_valid():
        plan = services.plan_create(form=form, by=request.user)
        messages.success(request, f"Plan started for {plan.category.name}. Add its initiatives.")
        return redirect(plan)
    return render(request, "plans/plan_form.html", {"form": form, "plan": None})


# --- The plan's page ---------------------------------------------------------------------------


@kept_for_the_person
def plan_detail(request, pk):
    """The plan workbench. With htmx and ?section=<name>, only that section is worked out and
    returned; ?alpha= re-ranks the initiatives without saving the CPO's α."""
    plan, may_change = plan_for_user(request, pk)
    if request.GET.get("format") in EXPORT_FORMATS:
        return _export_plan(request, plan)
    alpha = _alpha(request, plan)
    section = request.GET.get("section")
    wanted = (section,) if request.htmx and section in SECTIONS else SECTIONS
    page = planning.PlanPage(plan, request.user, alpha)
    context = {
        "plan": plan,
        "may_change": may_change and plan.status != CategoryPlan.CLOSED,
        "alpha": alpha,
        "currency": settings.BASE_CURRENCY,
        "sections": SECTIONS,
        "is_cpo": "cpo" in plan_roles(request.user, plan),
    }
    for name in wanted:
        context.update(getattr(page, name)())
    if request.htmx and section in SECTIONS:
        return render(request, f"plans/plan_detail.html#{section}", context)
    return render(request, "plans/plan_detail.html", context)


def _alpha(request, plan) -> float:
    try:
        alpha = float(request.GET.get("alpha", plan.savings_weight))
    except ValueError:
        return plan.savings_weight
    if not math.isfinite(alpha):
        return plan.savings_weight
    return min(max(alpha, 0.0), 1.0)


def _export_plan(request, plan):
    """CSV: the initiatives, one row each. Excel: the plan itself (targets, objectives,
    endorsements) on one sheet and its ranked initiatives on the next."""
    page = planning.PlanPage(plan, request.user, _alpha(request, plan))
    name = f"plan-{plan.category.code}-{plan.fiscal_year}"
    figures = page.figures
    if request.GET["format"] == "csv":
        return export_table("csv", name, planning.INITIATIVE_COLUMNS, figures)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Plan"
    for label, value in [
        ("Category", f"{plan.category.code} {plan.category.name}"),
        ("Fiscal year", plan.fiscal_year),
        ("Title", plan.title),
        ("Summary", plan.summary),
        ("Status", plan.get_status_display()),
        ("Revision", plan.revision),
        ("Target hard savings", float(plan.target_hard_savings)),
        ("Target cost avoidance", float(plan.target_cost_avoidance)),
        ("Target revenue", float(plan.target_revenue)),
        ("Weight of savings α", page.alpha),
        ("Conflict threshold", plan.conflict_threshold),
    ]:
        append_inert_row(sheet, [label, value])
    append_inert_row(sheet, [])
    append_inert_row(sheet, ["Objectives", "How we will know"])
    for objective in plan.objectives.all():
        append_inert_row(sheet, [objective.text, objective.measure])
    append_inert_row(sheet, [])
    append_inert_row(sheet, [f"Endorsements, revision {plan.revision}", "Answer", "Reason"])
    for row in page.workflow()["endorsement_rows"]:
        answer = row["answer"]
        append_inert_row(
            sheet,
            [
                row["unit"].name,
                answer.get_decision_display() if answer else "No answer yet",
                answer.reason if answer else "",
            ],
        )
    initiatives = workbook.create_sheet("Initiatives")
    append_inert_row(initiatives, headers_of(planning.INITIATIVE_COLUMNS))
    for row in cells_of(planning.INITIATIVE_COLUMNS, figures):
        append_inert_row(initiatives, row)
    response = HttpResponse(
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    workbook.save(response)
    response["Content-Disposition"] = (
        f'attachment; filename="{name}-{datetime.date.today().isoformat()}.xlsx"'
    )
    return response


def plan_print(request, pk):
    """The plan as a document to print or save as PDF."""
    plan, _ = plan_for_user(request, pk)
    page = planning.PlanPage(plan, request.user, plan.savings_weight)
    context = {"plan": plan, "currency": settings.BASE_CURRENCY, "printed_at": timezone.now()}
    for name in ("baseline", "kraljic", "priorities", "objectives", "ranking", "workflow"):
        context.update(getattr(page, name)())
    return render(request, "plans/plan_print.html", context)


# --- Editing -----------------------------------------------------------------------------------


def plan_edit(request, pk):
    """The owner edits the plan and its objectives. A form opened on an older version than the
    one saved is refused, showing what the other person changed; what was typed stays."""
    plan = editable_plan_for_user(request, pk)
    if plan.status == CategoryPlan.CLOSED:
        messages.error(request, "A closed plan is kept as it was; it cannot be changed.")
        return redirect(plan)
    form = PlanForm(request.POST or None, instance=plan)
    objectives = ObjectiveFormSet(request.POST or None, instance=plan, prefix="objectives")
    stale = []
    if request.method == "POST" and form.is_valid() and objectives.is_valid():
        try:
            plan = services.plan_update(
                plan=plan, form=form, objectives=objectives, by=request.user
            )
        except services.StaleSave as refused:
            stale = refused.changes
            form = with_version(
                PlanForm, request.POST, refused.current.version, instance=refused.current
            )
            form.is_valid()
        else:
            messages.success(request, "Plan saved.")
            return redirect(plan)
    return render(
        request,
        "plans/plan_form.html",
        {"form": form, "objectives": objectives, "plan": plan, "stale": stale},
    )


# --- Workflow ----------------------------------------------------------------------------------


@require_POST
def plan_transition(request, pk, action):
    """Submit, withdraw, return, approve, start or close: who may do which is in
    plans.alignment.TRANSITIONS. A button pressed on a page loaded before the plan last changed
    is refused with what changed, so nobody approves (or withdraws) a plan they have not seen."""
    plan, _ = plan_for_user(request, pk)
    form = TransitionForm(request.POST)
    # Without the version (a page from before it was carried, a hand-made request) there is no
    # telling what the person saw: everything recorded is shown and they press again.
    seen = form.cleaned_data["version"] if form.is_valid() else 0
    roles = plan_roles(request.user, plan)
    try:
        plan = services.plan_transition(
            plan=plan, action=action, roles=roles, by=request.user, seen_version=seen
        )
    except services.StaleSave as refused:
        current = refused.current
        return render(
            request,
            "plans/plan_transition_stale.html",
            {
                "plan": current,
                "stale": refused.changes,
                "stale_move": ACTION_LABELS.get(action, action),
                "action": action,
                "may_retry": action in allowed_actions(current.status, roles),
            },
            status=409,
        )
    except TransitionRefused as refusal:
        messages.error(request, str(refusal))
        return redirect(plan)
    messages.success(
        request,
        f"{ACTION_LABELS[action]}: the plan is now {plan.get_status_display().lower()}.",
    )
    return redirect(plan)


def plan_endorse(request, pk):
    """An affected unit's lead endorses the plan under review, or objects with a reason."""
    plan, _ = plan_for_user(request, pk)
    units = endorsing_units_for_user(request, plan)
    if plan.status != CategoryPlan.IN_REVIEW:
        messages.error(request, "The plan is not in review: there is nothing to endorse.")
        return redirect(plan)
    form = EndorsementForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        endorsement = services.endorsement_record(
            plan=plan,
            unit=form.cleaned_data["unit"],
            decision=form.cleaned_data["decision"],
            reason=form.cleaned_data["reason"],
            by=request.user,
        )
        messages.success(
            request,
            f"Recorded: {endorsement.unit.name} "
            f"{endorsement.get_decision_display().lower()} the plan.",
        )
        return redirect(plan)
    return render(request, "plans/plan_endorse.html", {"plan": plan, "form": form})


@require_POST
def plan_alpha(request, pk):
    """The CPO sets how much savings count against alignment for this plan's ranking."""
    require_plan_approver(request)
    plan, _ = plan_for_user(request, pk)
    form = SavingsWeightForm(request.POST)
    if not form.is_valid():
        messages.error(request, "α must be a number between 0 and 1.")
        return redirect(plan)
    plan = services.plan_savings_weight_set(
        plan=plan, alpha=form.cleaned_data["alpha"], by=request.user
    )
    messages.success(request, f"Savings now weigh {plan.savings_weight:.2f} against alignment.")
    return redirect(f"{reverse('plans:plan_detail', args=[plan.pk])}#tradeoff")


# --- Savings tracking and stage probabilities --------------------------------------------------


def plan_savings(request):
    """Target vs risk-adjusted pipeline vs realised by fiscal year, for the portfolio or one
    category (?category=CODE), the three kinds of money apart."""
    require_procurement(request)
    code = request.GET.get("category", "")
    category = Category.objects.filter(code=code).first() if code else None
    plan_filter = {"category__path__startswith": category.path} if category else {}
    rows = planning.savings_by_year(plan_filter, planning.stage_probabilities())
    per_category = planning.savings_by_category(plan_filter, planning.stage_probabilities())
    export_format = request.GET.get("format")
    if export_format in EXPORT_FORMATS:
        return export_response(
            export_format,
            f"savings-{category.code if category else 'portfolio'}",
            ["Fiscal year", "Measure", *planning.KIND_LABELS.values(), "Total"],
            (
                [row.year, label, *[getattr(row, part)[k] for k in planning.KINDS], row.total(part)]
                for row in rows
                for part, label in planning.PARTS
            ),
        )
    return render(
        request,
        "plans/plan_savings.html",
        {
            "rows": rows,
            "per_category": per_category,
            "category": category,
            "categories": Category.objects.filter(plans__isnull=False).distinct(),
            "parts": planning.PARTS,
            "kinds": planning.KIND_LABELS,
            "currency": settings.BASE_CURRENCY,
            "chart": _savings_chart(rows, category) if rows else None,
        },
    )


def _savings_chart(rows, category) -> str:
    currency = settings.BASE_CURRENCY
    summary, table = charts.savings_by_year_text(rows, currency)
    return figure_html(
        charts.savings_by_year(rows, currency),
        height=400,
        name=f"Savings by fiscal year{f' in {category.name}' if category else ''}: target, "
        "risk-adjusted pipeline and realised",
        summary=summary,
        table=table,
    )


def stage_probabilities(request):
    """The probability of each stage, for the risk-adjusted pipeline: the CPO sets them."""
    require_procurement(request)
    current = planning.stage_probabilities()
    form = StageProbabilityForm(request.POST or None, current=current)
    if request.method == "POST":
        require_stage_probability_setter(request)
        if form.is_valid():
            services.stage_probabilities_set(percents=form.cleaned_data)
            messages.success(request, "Stage probabilities saved.")
            return redirect("plans:stage_probabilities")
    return render(
        request,
        "plans/stage_probabilities.html",
        {
            "form": form,
            "may_change": may_set_stage_probabilities(request.user),
            "rows": current,
        },
    )
