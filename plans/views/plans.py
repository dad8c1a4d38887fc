"""The plan workbench: the plan list, a plan's page in sections htmx refreshes one at a time,
editing with stale-save refusal, the workflow (submit, endorse, approve, ...), printing and
exports, and savings tracking by fiscal year."""

import datetime
import math
from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST
from openpyxl import Workbook

from categories.models import Category
from plans import alignment as plans
from plans import charts
from plans import queries as planning
from plans.forms import (
    EndorsementForm,
    ObjectiveFormSet,
    PlanForm,
    SavingsWeightForm,
    StageProbabilityForm,
)
from plans.models import CategoryPlan, PlanEndorsement, PlanEvent, PlanVersion, StageProbability
from spend import charts as spend_charts
from spend import cube, summary
from stakeholders import queries as stakeholder_queries
from stakeholders.models import SurveyResponse, SurveyRound
from stakeholders.priorities import combined_weights
from stakeholders.satisfaction import recommend_group
from suppliers.models import Contract
from workbench.charts import figure_html
from workbench.exports import EXPORT_FORMATS, export_response
from workbench.permissions import (
    editable_plan_for_user,
    plan_for_user,
    plan_roles,
    readable_plans,
    require_plan_approver,
    require_procurement,
    units_led_by,
)
from workbench.roles import (
    ADMINISTRATOR,
    BUSINESS_UNIT_LEAD,
    CATEGORY_MANAGER,
    CPO,
    has_role,
    is_procurement,
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
LIVE = ~Q(initiatives__stage="cancelled")
ZERO = Decimal("0.00")
PLAN_FIELDS = (
    "title",
    "summary",
    "fiscal_year",
    "target_hard_savings",
    "target_cost_avoidance",
    "target_revenue",
    "conflict_threshold",
)


# --- Plan list and creation --------------------------------------------------------------------


def plan_list(request):
    """Every plan the user may read, with its initiatives' money and conflicts; exportable."""
    if not (is_procurement(request.user) or has_role(request.user, BUSINESS_UNIT_LEAD)):
        raise PermissionDenied("Plans are for procurement and business-unit leads.")
    plans_shown = (
        readable_plans(request.user)
        .annotate(
            initiative_count=Count("initiatives", filter=LIVE, distinct=True),
            # Cancelled initiatives are kept on the plan but promise nothing.
            hard_savings=Coalesce(Sum("initiatives__hard_savings", filter=LIVE), ZERO),
            cost_avoidance=Coalesce(Sum("initiatives__cost_avoidance", filter=LIVE), ZERO),
            revenue=Coalesce(Sum("initiatives__revenue", filter=LIVE), ZERO),
        )
        .order_by("-fiscal_year", "category__path")
    )
    status = request.GET.get("status", "")
    if status in dict(CategoryPlan.STATUSES):
        plans_shown = plans_shown.filter(status=status)
    year = request.GET.get("year", "")
    if year.isdigit():
        plans_shown = plans_shown.filter(fiscal_year=int(year))
    category = Category.objects.filter(code=request.GET.get("category", "")).first()
    if category is not None:
        plans_shown = plans_shown.filter(category__path__startswith=category.path)
    export_format = request.GET.get("format")
    if export_format in EXPORT_FORMATS:
        return export_response(
            export_format,
            "category-plans",
            [
                "Category code",
                "Category",
                "Fiscal year",
                "Title",
                "Status",
                "Revision",
                "Initiatives",
                "Target hard savings",
                "Target cost avoidance",
                "Target revenue",
                "Planned hard savings",
                "Planned cost avoidance",
                "Planned revenue",
            ],
            (
                [
                    p.category.code,
                    p.category.name,
                    p.fiscal_year,
                    p.title,
                    p.get_status_display(),
                    p.revision,
                    p.initiative_count,
                    p.target_hard_savings,
                    p.target_cost_avoidance,
                    p.target_revenue,
                    p.hard_savings,
                    p.cost_avoidance,
                    p.revenue,
                ]
                for p in plans_shown
            ),
        )
    years = (
        readable_plans(request.user)
        .order_by("-fiscal_year")
        .values_list("fiscal_year", flat=True)
        .distinct()
    )
    return render(
        request,
        "plans/plan_list.html",
        {
            "plans": plans_shown,
            "statuses": CategoryPlan.STATUSES,
            "status": status,
            "years": years,
            "year": year,
            "category": category,
            "may_create": has_role(request.user, CATEGORY_MANAGER, ADMINISTRATOR),
            "currency": settings.BASE_CURRENCY,
        },
    )


def _owned_categories(user):
    if has_role(user, ADMINISTRATOR):
        return Category.objects.all()
    return Category.objects.filter(owner=user)


def plan_create(request):
    """A category owner starts a plan for one of their categories and a fiscal year."""
    require_procurement(request)
    categories = _owned_categories(request.user)
    if not categories.exists():
        messages.error(request, "Only a category's owner starts its plans; you own none.")
        return redirect("plans:plan_list")
    initial = {}
    code = request.GET.get("category")
    if code:
        initial["category"] = categories.filter(code=code).first()
    form = PlanForm(request.POST or None, categories=categories, initial=initial)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            plan = form.save(commit=False)
            plan.created_by = request.user
            plan.save()
            _record(plan, request.user, "Plan started", {})
        messages.success(request, f"Plan started for {plan.category.name}. Add its initiatives.")
        return redirect(plan)
    return render(request, "plans/plan_form.html", {"form": form, "plan": None})


# --- The plan's page ---------------------------------------------------------------------------


def plan_detail(request, pk):
    """The plan workbench. With htmx and ?section=<name>, only that section is worked out and
    returned; ?alpha= re-ranks the initiatives without saving the CPO's α."""
    plan, may_change = plan_for_user(request, pk)
    if request.GET.get("format") in EXPORT_FORMATS:
        return _export_plan(request, plan)
    alpha = _alpha(request, plan)
    section = request.GET.get("section")
    wanted = (section,) if request.htmx and section in SECTIONS else SECTIONS
    data = _PlanData(plan, request.user, alpha)
    context = {
        "plan": plan,
        "may_change": may_change and plan.status != CategoryPlan.CLOSED,
        "alpha": alpha,
        "currency": settings.BASE_CURRENCY,
        "sections": SECTIONS,
        "is_cpo": "cpo" in plan_roles(request.user, plan),
    }
    for name in wanted:
        context.update(getattr(data, name)())
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


class _PlanData:
    """Each section's figures, worked out only when that section is shown. Sections share the
    period, the units' weights and spend, computed once."""

    def __init__(self, plan, user, alpha):
        self.plan, self.user, self.alpha = plan, user, alpha
        self._cache = {}

    def _once(self, key, make):
        if key not in self._cache:
            self._cache[key] = make()
        return self._cache[key]

    @property
    def period(self):
        return self._once("period", cube.latest_period)

    @property
    def weights(self):
        return self._once("weights", lambda: planning.unit_weights(self.plan.category))

    @property
    def unit_spend(self):
        return self._once(
            "unit_spend", lambda: planning.unit_spend(self.plan.category, self.period)
        )

    @property
    def probabilities(self):
        return self._once("probabilities", planning.stage_probabilities)

    @property
    def figures(self):
        def make():
            spend = {row["business_unit__code"]: row["spend"] for row in self.unit_spend}
            figures = planning.initiative_figures(
                self.plan, self.weights[0], spend, self.probabilities
            )
            return planning.rank_figures(figures, self.alpha)

        return self._once("figures", make)

    def baseline(self):
        category, period = self.plan.category, self.period
        if period is None:
            return {"period": None}
        totals = cube.with_subtree_spend(Category.objects.filter(pk=category.pk), period).get()
        monthly = cube.monthly_spend(cube.subtree_rows(category), period)
        return {
            "period": period,
            "spend": totals.spend,
            "previous_spend": totals.previous_spend,
            "supplier_count": totals.supplier_count,
            "change": cube.change_ratio(totals.spend, totals.previous_spend),
            "trend_chart": figure_html(
                spend_charts.monthly_spend_line(monthly, settings.BASE_CURRENCY), height=240
            ),
        }

    def kraljic(self):
        if self.period is None:
            return {"position": None}
        positions = summary.kraljic_positions(self.plan.category.depth, self.period)
        position = next((p for p in positions if p.category.pk == self.plan.category_id), None)
        return {"position": position}

    def priorities(self):
        weights, source = self.weights
        spend = {row["business_unit__code"]: row["spend"] for row in self.unit_spend}
        combined = combined_weights(weights, spend)
        drivers = sorted(combined, key=lambda d: -combined[d])
        latest_round = (
            SurveyRound.objects.filter(categories=source or self.plan.category)
            .order_by("-closes_on")
            .first()
            if (source or self.plan.category)
            else None
        )
        satisfaction_rows, voids = [], []
        if latest_round is not None:
            category = source or self.plan.category
            responses = SurveyResponse.objects.filter(
                round=latest_round, category=category, submitted_at__isnull=False
            )
            if not latest_round.anonymous or has_role(self.user, CPO, ADMINISTRATOR):
                scores = {}
                for unit, recommend in responses.values_list("unit__name", "recommend"):
                    scores.setdefault(unit, []).append(recommend)
                satisfaction_rows = [
                    {"unit": unit, "recommend": values[0], "group": recommend_group(values[0])}
                    for unit, values in sorted(scores.items())
                    if values[0] is not None
                ]
            voids = [
                row
                for row in stakeholder_queries.voids_in_round(self.user, latest_round)
                if row["category_code"] == category.code
            ]
        top_units = [u for u in self.unit_spend if u["business_unit__code"] in weights][:3]
        return {
            "weights_source": source,
            "combined": [(driver, combined[driver]) for driver in drivers],
            # Drivers as rows: eight drivers fit down a card, not across it; beside the
            # combination, the largest buyers' own weights.
            "top_units": top_units,
            "driver_rows": [
                {
                    "driver": driver,
                    "combined": combined[driver],
                    "weights": [
                        weights[unit["business_unit__code"]].get(driver) for unit in top_units
                    ],
                }
                for driver in drivers
            ],
            "drivers": drivers,
            "latest_round": latest_round,
            "satisfaction_rows": satisfaction_rows,
            "voids": voids,
        }

    def suppliers(self):
        category, period = self.plan.category, self.period
        top = cube.top_suppliers(cube.subtree_rows(category), period, 8) if period else []
        contracts = (
            Contract.objects.filter(categories__path__startswith=category.path)
            .select_related("supplier")
            .distinct()
            .order_by("end")[:12]
        )
        return {"top_suppliers": top, "contracts": contracts}

    def objectives(self):
        return {"objectives": list(self.plan.objectives.all())}

    def ranking(self):
        figures = self.figures
        live = [f for f in figures if f.rank]
        conflicts = [(f, c) for f in figures for c in f.conflicts]
        return {
            "figures": figures,
            "conflicts": conflicts,
            "probabilities": self.probabilities,
            "totals": {
                "hard_savings": sum(f.initiative.hard_savings for f in live),
                "cost_avoidance": sum(f.initiative.cost_avoidance for f in live),
                "revenue": sum(f.initiative.revenue for f in live),
                "one_off_cost": sum(f.initiative.one_off_cost for f in live),
                "risk_adjusted": sum(f.risk_adjusted for f in live),
            },
            "tradeoff_chart": (
                figure_html(charts.plan_tradeoff(figures, settings.BASE_CURRENCY), height=380)
                if live
                else None
            ),
        }

    def workflow(self):
        plan = self.plan
        units = list(planning.plan_affected_units(plan))
        answers = {
            e.unit_id: e
            for e in plan.endorsements.filter(revision=plan.revision).select_related("decided_by")
        }
        roles = plan_roles(self.user, plan)
        led = set(units_led_by(self.user).values_list("pk", flat=True))
        return {
            "endorsement_rows": [{"unit": unit, "answer": answers.get(unit.pk)} for unit in units],
            "actions": [
                (action, plans.ACTION_LABELS[action])
                for action in plans.allowed_actions(plan.status, roles)
            ],
            "may_endorse": plan.status == CategoryPlan.IN_REVIEW
            and any(unit.pk in led for unit in units),
            "waiting_for": [unit.name for unit in units if unit.pk not in answers],
        }

    def history(self):
        events = list(self.plan.events.select_related("by", "initiative")[:50])
        for event in events:
            event.shown_changes = {k: v for k, v in event.changes.items() if k != "version"}
        return {
            "events": events,
            "versions": list(self.plan.versions.select_related("approved_by")),
        }


INITIATIVE_HEADERS = [
    "Rank",
    "Initiative",
    "Lever",
    "Stage",
    "Hard savings",
    "Cost avoidance",
    "Revenue",
    "One-off cost",
    "Risk-adjusted value",
    "Start",
    "End",
    "Owner",
    "Effort",
    "Risk",
    "Affected units",
    "Value alignment",
    "Score",
    "Conflicts",
]


def _initiative_rows(figures):
    return [
        [
            f.rank or "",
            f.initiative.title,
            f.initiative.get_lever_display(),
            f.initiative.get_stage_display(),
            f.initiative.hard_savings,
            f.initiative.cost_avoidance,
            f.initiative.revenue,
            f.initiative.one_off_cost,
            f.risk_adjusted,
            f.initiative.start,
            f.initiative.end,
            f.initiative.owner.get_full_name() if f.initiative.owner else "",
            f.initiative.effort,
            f.initiative.risk,
            ", ".join(unit.code for unit in f.units),
            round(f.alignment, 3),
            round(f.score, 3) if f.rank else "",
            "; ".join(f"{c.unit} loses on {c.driver} ({c.impact:+d})" for c in f.conflicts),
        ]
        for f in figures
    ]


def _export_plan(request, plan):
    """CSV: the initiatives, one row each. Excel: the plan itself (targets, objectives,
    endorsements) on one sheet and its ranked initiatives on the next."""
    data = _PlanData(plan, request.user, _alpha(request, plan))
    name = f"plan-{plan.category.code}-{plan.fiscal_year}"
    rows = _initiative_rows(data.figures)
    if request.GET["format"] == "csv":
        return export_response("csv", name, INITIATIVE_HEADERS, rows)
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
        ("Weight of savings α", data.alpha),
        ("Conflict threshold", plan.conflict_threshold),
    ]:
        sheet.append([label, value])
    sheet.append([])
    sheet.append(["Objectives", "How we will know"])
    for objective in plan.objectives.all():
        sheet.append([objective.text, objective.measure])
    sheet.append([])
    sheet.append([f"Endorsements, revision {plan.revision}", "Answer", "Reason"])
    for row in data.workflow()["endorsement_rows"]:
        answer = row["answer"]
        sheet.append(
            [
                row["unit"].name,
                answer.get_decision_display() if answer else "No answer yet",
                answer.reason if answer else "",
            ]
        )
    initiatives = workbook.create_sheet("Initiatives")
    initiatives.append(INITIATIVE_HEADERS)
    for row in rows:
        initiatives.append([float(v) if isinstance(v, Decimal) else v for v in row])
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
    data = _PlanData(plan, request.user, plan.savings_weight)
    context = {"plan": plan, "currency": settings.BASE_CURRENCY, "printed_at": timezone.now()}
    for name in ("baseline", "kraljic", "priorities", "objectives", "ranking", "workflow"):
        context.update(getattr(data, name)())
    return render(request, "plans/plan_print.html", context)


# --- Editing -----------------------------------------------------------------------------------


def _record(plan, user, action, changes, initiative=None):
    return PlanEvent.objects.create(
        plan=plan,
        initiative=initiative,
        revision=plan.revision,
        action=action,
        changes=changes,
        by=user,
    )


def reopen_if_approved(plan, user, what: str):
    """An edit to an approved or running plan opens a new revision and sends it back to review
    (the approved copy stays in PlanVersion)."""
    after = plans.status_after_edit(plan.status)
    if after == plan.status:
        return False
    before = plan.get_status_display()
    plan.status, plan.revision = after, plan.revision + 1
    plan.submitted_at = timezone.now()
    plan.version += 1
    plan.save(update_fields=["status", "revision", "submitted_at", "version", "updated_at"])
    _record(
        plan,
        user,
        f"{what} after approval: revision {plan.revision} goes back to review",
        {
            "status": [before, plan.get_status_display()],
            "version": [str(plan.version - 1), str(plan.version)],
        },
    )
    return True


def stale_changes(events, seen_version: int) -> list:
    """The saves made since the version the form was opened on (newest first)."""
    newer = []
    for event in events:
        version = event.changes.get("version")
        if version and int(version[1]) > seen_version:
            event.shown_changes = {k: v for k, v in event.changes.items() if k != "version"}
            newer.append(event)
    return newer


def _plan_values(plan) -> dict:
    return {name: getattr(plan, name) for name in PLAN_FIELDS}


def _objective_texts(plan) -> list:
    return [f"{o.text} ({o.measure})" if o.measure else o.text for o in plan.objectives.all()]


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
        seen = form.cleaned_data.get("version") or 0
        with transaction.atomic():
            current = CategoryPlan.objects.select_for_update().get(pk=plan.pk)
            if current.version != seen:
                stale = stale_changes(plan.events.select_related("by")[:30], seen)
                form = _with_version(PlanForm, request.POST, current.version, instance=current)
                form.is_valid()
            else:
                before = {**_plan_values(current), "objectives": _objective_texts(current)}
                plan = form.save(commit=False)
                plan.version = current.version + 1
                plan.save()
                objectives.save()
                after = {**_plan_values(plan), "objectives": _objective_texts(plan)}
                changed = plans.changes(before, after)
                if changed:
                    changed["version"] = [str(current.version), str(plan.version)]
                    _record(plan, request.user, "Plan edited", changed)
                    reopen_if_approved(plan, request.user, "Plan edited")
                else:
                    # Nothing changed: nobody else's open form should be refused for it.
                    CategoryPlan.objects.filter(pk=plan.pk).update(version=current.version)
                messages.success(request, "Plan saved.")
                return redirect(plan)
    return render(
        request,
        "plans/plan_form.html",
        {"form": form, "objectives": objectives, "plan": plan, "stale": stale},
    )


def _with_version(form_class, data, version, **kwargs):
    """The user's own input, now carrying the current version: saving again is a deliberate
    choice to put their values over the other person's."""
    data = data.copy()
    data["version"] = str(version)
    return form_class(data, **kwargs)


# --- Workflow ----------------------------------------------------------------------------------


@require_POST
def plan_transition(request, pk, action):
    """Submit, withdraw, return, approve, start or close: who may do which is in
    plans.alignment.TRANSITIONS."""
    plan, _ = plan_for_user(request, pk)
    try:
        target = plans.next_status(plan.status, action, plan_roles(request.user, plan))
    except plans.TransitionRefused as refusal:
        messages.error(request, str(refusal))
        return redirect(plan)
    if action == "submit" and not plan.initiatives.exists():
        messages.error(request, "Add at least one initiative before submitting the plan.")
        return redirect(plan)
    with transaction.atomic():
        before = plan.get_status_display()
        plan.status = target
        plan.version += 1
        fields = ["status", "version", "updated_at"]
        if action == "submit":
            plan.submitted_at = timezone.now()
            fields.append("submitted_at")
        if action == "approve":
            plan.approved_by, plan.approved_at = request.user, timezone.now()
            fields += ["approved_by", "approved_at"]
            PlanVersion.objects.update_or_create(
                plan=plan,
                revision=plan.revision,
                defaults={
                    "snapshot": snapshot(plan),
                    "approved_by": request.user,
                    "approved_at": plan.approved_at,
                },
            )
        plan.save(update_fields=fields)
        _record(
            plan,
            request.user,
            plans.ACTION_LABELS[action],
            {
                "status": [before, plan.get_status_display()],
                "version": [str(plan.version - 1), str(plan.version)],
            },
        )
    messages.success(
        request,
        f"{plans.ACTION_LABELS[action]}: the plan is now {plan.get_status_display().lower()}.",
    )
    return redirect(plan)


def snapshot(plan) -> dict:
    """The plan as approved, as plain JSON."""
    return {
        "title": plan.title,
        "fiscal_year": plan.fiscal_year,
        "summary": plan.summary,
        "targets": {
            "hard_savings": str(plan.target_hard_savings),
            "cost_avoidance": str(plan.target_cost_avoidance),
            "revenue": str(plan.target_revenue),
        },
        "objectives": _objective_texts(plan),
        "initiatives": [
            {
                "title": i.title,
                "lever": i.get_lever_display(),
                "stage": i.get_stage_display(),
                "hard_savings": str(i.hard_savings),
                "cost_avoidance": str(i.cost_avoidance),
                "revenue": str(i.revenue),
                "start": i.start.isoformat(),
                "end": i.end.isoformat(),
                "units": sorted(u.code for u in i.affected_units.all()),
                "impacts": {x.driver.name: x.impact for x in i.impacts.all()},
            }
            for i in planning.initiatives_of(plan)
        ],
    }


def plan_endorse(request, pk):
    """An affected unit's lead endorses the plan under review, or objects with a reason."""
    plan, _ = plan_for_user(request, pk)
    units = planning.plan_affected_units(plan).filter(leads=request.user)
    if not units.exists():
        raise PermissionDenied("Only the leads of the units the plan affects endorse it.")
    if plan.status != CategoryPlan.IN_REVIEW:
        messages.error(request, "The plan is not in review: there is nothing to endorse.")
        return redirect(plan)
    form = EndorsementForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        unit = form.cleaned_data["unit"]
        with transaction.atomic():
            PlanEndorsement.objects.update_or_create(
                plan=plan,
                revision=plan.revision,
                unit=unit,
                defaults={
                    "decision": form.cleaned_data["decision"],
                    "reason": form.cleaned_data["reason"],
                    "decided_by": request.user,
                },
            )
            decision = dict(PlanEndorsement.DECISIONS)[form.cleaned_data["decision"]]
            _record(
                plan,
                request.user,
                f"{unit.name} {decision.lower()} revision {plan.revision}",
                {"reason": ["", form.cleaned_data["reason"]]}
                if form.cleaned_data["reason"]
                else {},
            )
        messages.success(request, f"Recorded: {unit.name} {decision.lower()} the plan.")
        return redirect(plan)
    return render(
        request,
        "plans/plan_endorse.html",
        {"plan": plan, "form": form, "data": _PlanData(plan, request.user, plan.savings_weight)},
    )


@require_POST
def plan_alpha(request, pk):
    """The CPO sets how much savings count against alignment for this plan's ranking."""
    require_plan_approver(request)
    plan, _ = plan_for_user(request, pk)
    form = SavingsWeightForm(request.POST)
    if not form.is_valid():
        messages.error(request, "α must be a number between 0 and 1.")
        return redirect(plan)
    before = plan.savings_weight
    plan.savings_weight = form.cleaned_data["alpha"]
    plan.save(update_fields=["savings_weight", "updated_at"])
    _record(
        plan, request.user, "CPO set the weight of savings", {"α": [before, plan.savings_weight]}
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
            "chart": figure_html(charts.savings_by_year(rows, settings.BASE_CURRENCY), height=400)
            if rows
            else None,
        },
    )


def stage_probabilities(request):
    """The probability of each stage, for the risk-adjusted pipeline: the CPO sets them."""
    require_procurement(request)
    current = planning.stage_probabilities()
    may_change = has_role(request.user, CPO, ADMINISTRATOR)
    form = StageProbabilityForm(request.POST or None, current=current)
    if request.method == "POST":
        if not may_change:
            raise PermissionDenied("Only the CPO sets the stage probabilities.")
        if form.is_valid():
            for stage, percent in form.cleaned_data.items():
                StageProbability.objects.update_or_create(
                    stage=stage, defaults={"probability": percent / 100}
                )
            messages.success(request, "Stage probabilities saved.")
            return redirect("plans:stage_probabilities")
    return render(
        request,
        "plans/stage_probabilities.html",
        {"form": form, "may_change": may_change, "rows": current},
    )
