"""Who may see and change what. Every view fetches its object through one of these helpers, so
no view can forget the check (the pattern of healthchecks' `_get_check_for_user`).

Rules (DESIGN.md): procurement staff (category managers, the CPO, administrators) read every
category, supplier and business unit; a category manager changes only the categories they own;
a business-unit lead sees only their own unit (another unit is a 404, not a hint that it exists)
and the categories their unit buys.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from categories.models import Category
from plans.models import CategoryPlan, Initiative
from spend.models import ImportJob, SpendSummary
from stakeholders.models import BusinessUnit, ServiceAgreement, SurveyResponse, SurveyRound
from suppliers.models import Evaluation, RelationshipAction, Supplier, SupplierMerge
from workbench.roles import (
    ADMINISTRATOR,
    BUSINESS_UNIT_LEAD,
    CATEGORY_MANAGER,
    CPO,
    has_role,
    is_procurement,
)


def require_procurement(request):
    if not is_procurement(request.user):
        raise PermissionDenied("This page is for the procurement team.")


def require_portfolio_reader(request):
    """The whole portfolio is for the CPO and administrators (may_read_portfolio)."""
    if not may_read_portfolio(request.user):
        raise PermissionDenied("This page is for the CPO and administrators.")


def units_led_by(user):
    return BusinessUnit.objects.filter(leads=user)


def visible_units(user):
    if is_procurement(user):
        return BusinessUnit.objects.all()
    return units_led_by(user)


def may_change_category(user, category: Category) -> bool:
    return has_role(user, ADMINISTRATOR) or (
        category.owner_id is not None and category.owner_id == user.pk
    )


def may_view_category(user, category: Category) -> bool:
    if is_procurement(user):
        return True
    # The monthly summary answers "does the unit buy here" as the lines would, far faster.
    return SpendSummary.objects.filter(
        category__path__startswith=category.path, business_unit__leads=user
    ).exists()


def category_for_user(request, code: str) -> tuple[Category, bool]:
    """The category and whether the user may change it; 404 when they may not see it."""
    category = get_object_or_404(Category.objects.select_related("owner", "parent"), code=code)
    if not may_view_category(request.user, category):
        raise Http404("No such category.")
    return category, may_change_category(request.user, category)


def editable_category_for_user(request, code: str) -> Category:
    category, may_change = category_for_user(request, code)
    if not may_change:
        raise PermissionDenied("Only the category's owner or an administrator may change it.")
    return category


def may_reassign_category_owner(user) -> bool:
    """An owner changes their category's name and scope; only an administrator gives it to
    another manager."""
    return has_role(user, ADMINISTRATOR)


def unit_for_user(request, code: str) -> BusinessUnit:
    """A business unit the user may see; another unit's lead gets a 404."""
    return get_object_or_404(visible_units(request.user), code=code)


def supplier_for_user(request, pk: int) -> Supplier:
    """A supplier the user may see (see `supplier_access` in the suppliers section below)."""
    return supplier_access(request, pk)[0]


# --- Stakeholders: priorities, survey rounds, agreements, engagement --------------------------


def require_round_organiser(request):
    """Survey rounds are opened by the CPO or an administrator."""
    if not has_role(request.user, CPO, ADMINISTRATOR):
        raise PermissionDenied("Only the CPO or an administrator opens survey rounds.")


def reads_every_answer(user) -> bool:
    return has_role(user, CPO, ADMINISTRATOR)


def may_change_unit(user, unit: BusinessUnit) -> bool:
    """Only the unit's own leads (and administrators) state its priorities and answers."""
    return has_role(user, ADMINISTRATOR) or unit.leads.filter(pk=user.pk).exists()


def editable_unit_for_user(request, code: str) -> BusinessUnit:
    """A unit whose priorities and answers the user may change; another unit's lead gets 404."""
    unit = unit_for_user(request, code)
    if not may_change_unit(request.user, unit):
        raise PermissionDenied("Only the unit's lead states its priorities and answers.")
    return unit


def owned_category_filter(user, prefix: str = "category__"):
    """A Q matching rows whose category sits in a subtree the user owns (nothing if none)."""
    paths = Category.objects.filter(owner=user).values_list("path", flat=True)
    condition = Q(pk__in=[])
    for path in paths:
        condition |= Q(**{f"{prefix}path__startswith": path})
    return condition


def readable_responses(user):
    """Survey answers the user may read: the CPO and administrators all; a category manager
    those about their own categories; a unit lead their own unit's; anyone else none."""
    responses = SurveyResponse.objects.all()
    if reads_every_answer(user):
        return responses
    if has_role(user, CATEGORY_MANAGER):
        return responses.filter(owned_category_filter(user))
    return responses.filter(unit__leads=user)


def reads_units_one_by_one(user, category: Category) -> bool:
    """Whether the user reads each unit's priorities, survey answers and spend about
    `category` unit by unit: the CPO, administrators and whoever owns the category or one above
    it. Anyone else reads only their own units' (units_led_by) and, of the others, only
    aggregates over at least stakeholders.disclosure.MIN_UNITS units."""
    if reads_every_answer(user):
        return True
    if category.owner_id == user.pk:
        return True
    if not has_role(user, CATEGORY_MANAGER):
        return False
    owned = Category.objects.filter(owner=user).values_list("path", flat=True)
    return any(category.path.startswith(path) for path in owned)


def may_read_results(user) -> bool:
    """Survey results, voids and who has not answered a round yet are for procurement."""
    return is_procurement(user)


def require_results_reader(request):
    if not may_read_results(request.user):
        raise PermissionDenied("Survey results are for the procurement team.")


def may_compare_unit_priorities(user) -> bool:
    """Every unit's priorities for a category side by side are for procurement."""
    return is_procurement(user)


def readable_rounds(user, rounds=None):
    """The survey rounds the user may see: procurement every one, a unit lead those that ask
    their unit. `rounds` is where to start from (already annotated, say): annotating after
    this filter would count only the user's own units."""
    rounds = SurveyRound.objects.all() if rounds is None else rounds
    if is_procurement(user):
        return rounds
    return rounds.filter(units__leads=user).distinct()


def round_for_user(request, pk: int):
    """Procurement sees every round; a unit lead only rounds that ask their unit (else 404)."""
    return get_object_or_404(readable_rounds(request.user), pk=pk)


def agreement_for_user(request, pk: int):
    """An agreement and whether the user may record results on it: both sides see it,
    procurement and the unit's lead may record; another unit's lead gets a 404."""
    agreements = ServiceAgreement.objects.select_related("unit", "procurement_contact")
    if not is_procurement(request.user):
        agreements = agreements.filter(unit__leads=request.user)
    agreement = get_object_or_404(agreements, pk=pk)
    return agreement, is_procurement(request.user) or may_change_unit(request.user, agreement.unit)


def editable_agreement_for_user(request, pk: int):
    agreement, may_change = agreement_for_user(request, pk)
    if not may_change:
        raise PermissionDenied("Only procurement and the unit's lead record results.")
    return agreement


# --- Spend imports -----------------------------------------------------------------------------


def require_importer(request):
    """Spend imports are for administrators and category managers."""
    if not has_role(request.user, ADMINISTRATOR, CATEGORY_MANAGER):
        raise PermissionDenied("Imports are for administrators and category managers.")


def import_job_for_user(request, pk: int):

    require_importer(request)
    jobs = ImportJob.objects.select_related("mapping", "batch", "created_by")
    return get_object_or_404(jobs, pk=pk)


def may_undo_import(user, job) -> bool:
    """Undoing a batch is for administrators and the person who imported it."""
    return job.created_by_id == user.pk or has_role(user, ADMINISTRATOR)


def undoable_import_job_for_user(request, pk: int):
    job = import_job_for_user(request, pk)
    if not may_undo_import(request.user, job):
        raise PermissionDenied("Only an administrator or the person who imported it may undo it.")
    return job


def may_retry_import(user, job) -> bool:
    """Retrying a failed import is for those who may undo it: administrators and the person
    who imported it."""
    return may_undo_import(user, job)


def retryable_import_job_for_user(request, pk: int):
    job = import_job_for_user(request, pk)
    if not may_retry_import(request.user, job):
        raise PermissionDenied("Only an administrator or the person who imported it may retry it.")
    return job


def changeable_import_job_for_user(request, pk: int):
    """An import whose sheet, mapping or stored rows the user may decide: the person who
    uploaded it, or an administrator (the same people who may undo it)."""
    job = import_job_for_user(request, pk)
    if not may_undo_import(request.user, job):
        raise PermissionDenied(
            "Only the person who uploaded this file, or an administrator, may decide how it is "
            "imported."
        )
    return job


def may_replace_classification_rule(user, rule) -> bool:
    """A rule already held for a keyword, GL account or supplier is its category owner's: another
    manager may not point it at their own category (nor remove it)."""
    return rule is None or may_change_category(user, rule.category)


# --- Suppliers: records, segments, plans, scorecards, contracts -------------------------------
# Procurement reads every supplier; a category manager changes the suppliers that have spend in
# categories they own; a unit lead sees (and rates) only the suppliers their unit buys from.


def readable_suppliers(user):

    if is_procurement(user):
        return Supplier.objects.all()
    if has_role(user, BUSINESS_UNIT_LEAD):
        # The summary, kept current by every import, holds each unit's suppliers in a few rows.
        bought = SpendSummary.objects.filter(business_unit__leads=user).values("supplier")
        return Supplier.objects.filter(pk__in=bought)
    return None


def require_supplier_reader(request):
    if readable_suppliers(request.user) is None:
        raise PermissionDenied("Supplier pages are for procurement and business-unit leads.")


def may_change_supplier(user, supplier: Supplier) -> bool:
    """Administrators, and category managers whose categories the supplier has spend in."""
    if has_role(user, ADMINISTRATOR):
        return True
    if not has_role(user, CATEGORY_MANAGER):
        return False
    return (
        SpendSummary.objects.filter(supplier=supplier).filter(owned_category_filter(user)).exists()
    )


def supplier_access(request, pk: int) -> tuple[Supplier, bool]:
    """The supplier and whether the user may change it; 404 when a unit lead's unit does not
    buy from it."""
    suppliers = readable_suppliers(request.user)
    if suppliers is None:
        raise PermissionDenied("Supplier pages are for procurement and business-unit leads.")
    supplier = get_object_or_404(suppliers, pk=pk)
    return supplier, may_change_supplier(request.user, supplier)


def editable_supplier_for_user(request, pk: int) -> Supplier:
    supplier, may_change = supplier_access(request, pk)
    if not may_change:
        raise PermissionDenied(
            "Only the manager of a category this supplier sells in, or an administrator, "
            "may change it."
        )
    return supplier


# What a business-unit lead sees of a supplier their unit buys from: its spend and scorecards,
# each narrowed to their own units; the rest of the supplier page is procurement's.
SUPPLIER_TABS_FOR_UNIT_LEADS = frozenset({"overview", "scorecards"})


def sees_whole_supplier_page(user) -> bool:
    """Procurement sees every tab of the supplier page and every unit's part of it."""
    return is_procurement(user)


def may_see_supplier_tab(user, tab: str) -> bool:
    return sees_whole_supplier_page(user) or tab in SUPPLIER_TABS_FOR_UNIT_LEADS


def require_supplier_tab(request, tab: str):
    if not may_see_supplier_tab(request.user, tab):
        raise PermissionDenied("This part of the supplier page is for the procurement team.")


def may_see_supplier_aliases(user) -> bool:
    """The other spellings imports learnt for a supplier are procurement's working detail."""
    return is_procurement(user)


def readable_unit_rows(user, rows):
    """Rows that belong to a business unit (spend lines, scorecard evaluations) as the user may
    read them: procurement every unit's, anyone else only the units they lead."""
    if is_procurement(user):
        return rows
    return rows.filter(business_unit__leads=user)


# --- Spend by unit and by supplier -------------------------------------------------------------
# Procurement reads every unit's spend. A unit lead reads their own units' spend line by line
# and, of the other units, at most one total over at least OTHER_UNITS_MINIMUM of them: fewer
# and the total would be one unit's figure (or two, which each of them can subtract).
# Pages, htmx sections, exports and charts all read spend through these, never around them.

OTHER_UNITS_MINIMUM = 3


def reads_every_units_spend(user) -> bool:
    return is_procurement(user)


def readable_spend(user, rows):
    """Spend summary rows or spend lines the user may read one unit at a time."""
    return readable_unit_rows(user, rows)


def spend_units_for(user):
    """The units whose spend the user reads, or None for every unit (procurement)."""
    if reads_every_units_spend(user):
        return None
    return units_led_by(user)


def readable_spend_by_unit(user, rows: list[dict]) -> list[dict]:
    """Rows of spend per unit (keys business_unit, business_unit__name, spend, ...) as the user
    may see them: procurement every row; anyone else their own units' rows and one "Other
    units" row when it sums at least OTHER_UNITS_MINIMUM other units."""
    if reads_every_units_spend(user):
        return rows
    own = set(units_led_by(user).values_list("pk", flat=True))
    shown = [row for row in rows if row["business_unit"] in own]
    others = [row for row in rows if row["business_unit"] not in own and row["spend"]]
    if len(others) >= OTHER_UNITS_MINIMUM:
        shown.append(
            {
                "business_unit": None,
                "business_unit__code": "",
                "business_unit__name": f"Other units ({len(others)})",
                "spend": sum(row["spend"] for row in others),
            }
        )
    return shown


def rating_units(user, supplier: Supplier):
    """The units the user leads that buy from the supplier: whose scorecard they may fill."""
    return BusinessUnit.objects.filter(
        leads=user, pk__in=SpendSummary.objects.filter(supplier=supplier).values("business_unit")
    )


def ratable_supplier_for_user(request, pk: int) -> tuple[Supplier, bool, list]:
    """The supplier, whether the user rates for procurement (they may change it), and the units
    they may rate for; PermissionDenied when neither."""
    supplier, may_change = supplier_access(request, pk)
    units = list(rating_units(request.user, supplier))
    if not may_change and not units:
        raise PermissionDenied(
            "Scorecards are filled by the supplier's category managers and the leads of the "
            "units that buy from it."
        )
    return supplier, may_change, units


def evaluation_for_user(request, pk: int):
    """A scorecard evaluation: procurement reads all; a unit lead only their own unit's."""
    require_supplier_reader(request)
    evaluations = Evaluation.objects.select_related(
        "supplier", "template", "business_unit", "evaluator"
    )
    return get_object_or_404(readable_unit_rows(request.user, evaluations), pk=pk)


def may_manage_suppliers(user) -> bool:
    """The KPI catalogue, scorecard templates and merges: category managers and administrators."""
    return has_role(user, CATEGORY_MANAGER, ADMINISTRATOR)


def require_supplier_manager(request):
    if not may_manage_suppliers(request.user):
        raise PermissionDenied("This is for category managers and administrators.")


def editable_supplier_part(request, model, pk: int):
    """A contract, idea, risk or plan row whose supplier the user may change."""
    item = get_object_or_404(model.objects.select_related("supplier"), pk=pk)
    editable_supplier_for_user(request, item.supplier_id)
    return item


def editable_relationship_action_for_user(request, pk: int):
    """An objective of a relationship plan, and its supplier, which the user may change."""
    action = get_object_or_404(RelationshipAction.objects.select_related("plan"), pk=pk)
    return action, editable_supplier_for_user(request, action.plan.supplier_id)


def undoable_merge_for_user(request, pk: int):
    """A merge not yet undone, on a supplier the user may change."""
    merge = get_object_or_404(SupplierMerge, pk=pk, undone_at__isnull=True)
    editable_supplier_for_user(request, merge.kept_id)
    return merge


# --- Category plans ----------------------------------------------------------------------------
# Procurement reads every plan; a unit lead reads the plans of categories their unit buys or
# that name their unit as affected (another plan is a 404). Only the category's owner (or an
# administrator) edits a plan; only the CPO approves; only affected units' leads endorse.


def readable_plans(user):

    plans = CategoryPlan.objects.select_related("category", "category__owner", "approved_by")
    if is_procurement(user):
        return plans
    led = units_led_by(user)
    # Bought: the unit has spend anywhere in the plan category's subtree.
    bought = SpendSummary.objects.filter(
        business_unit__in=led, category__path__startswith=OuterRef("category__path")
    )
    affected = CategoryPlan.objects.filter(initiatives__affected_units__in=led).values("pk")
    return plans.filter(Q(Exists(bought)) | Q(pk__in=affected))


def may_change_plan(user, plan) -> bool:
    return may_change_category(user, plan.category)


def plan_for_user(request, pk: int):
    """The plan and whether the user may change it; 404 when they may not see it."""
    plan = get_object_or_404(readable_plans(request.user), pk=pk)
    return plan, may_change_plan(request.user, plan)


def editable_plan_for_user(request, pk: int):
    plan, may_change = plan_for_user(request, pk)
    if not may_change:
        raise PermissionDenied("Only the category's owner may change its plans.")
    return plan


def initiative_for_user(request, pk: int):
    """An initiative (with its plan) and whether the user may change it."""

    initiative = get_object_or_404(Initiative.objects.select_related("plan", "owner"), pk=pk)
    plan, may_change = plan_for_user(request, initiative.plan_id)
    initiative.plan = plan
    return initiative, may_change


def editable_initiative_for_user(request, pk: int):
    initiative, may_change = initiative_for_user(request, pk)
    if not may_change:
        raise PermissionDenied("Only the category's owner may change its initiatives.")
    return initiative


def require_plan_approver(request):
    if not has_role(request.user, CPO):
        raise PermissionDenied("Only the CPO approves plans and sets how savings are weighed.")


def plan_roles(user, plan) -> set:
    """The parts the user plays in a plan's workflow: "owner", "cpo" (see plans.alignment)."""
    roles = set()
    if may_change_plan(user, plan):
        roles.add("owner")
    if has_role(user, CPO):
        roles.add("cpo")
    return roles


def require_plan_reader(request):
    """The plan list is for procurement and business-unit leads (each sees readable_plans)."""
    if not (is_procurement(request.user) or has_role(request.user, BUSINESS_UNIT_LEAD)):
        raise PermissionDenied("Plans are for procurement and business-unit leads.")


def may_create_plans(user) -> bool:
    return has_role(user, CATEGORY_MANAGER, ADMINISTRATOR)


def plannable_categories(user):
    """The categories the user may start plans for: an administrator any, an owner their own."""
    if has_role(user, ADMINISTRATOR):
        return Category.objects.all()
    return Category.objects.filter(owner=user)


def sees_who_answered(user, survey_round) -> bool:
    """Whether a plan page names the unit behind each survey answer: not in an anonymous round,
    unless the user reads every answer."""
    return not survey_round.anonymous or reads_every_answer(user)


def endorsing_units_for_user(request, plan):
    """The units the plan affects that the user leads: the ones they may answer for."""
    units = (
        BusinessUnit.objects.filter(initiatives__plan=plan)
        .distinct()
        .order_by("name")
        .filter(leads=request.user)
    )
    if not units.exists():
        raise PermissionDenied("Only the leads of the units the plan affects endorse it.")
    return units


def may_set_stage_probabilities(user) -> bool:
    return has_role(user, CPO, ADMINISTRATOR)


def require_stage_probability_setter(request):
    if not may_set_stage_probabilities(request.user):
        raise PermissionDenied("Only the CPO sets the stage probabilities.")


# --- Portfolio and maturity assessments --------------------------------------------------------
# The whole portfolio (dashboard, board pack, heatmap) is for the CPO and administrators
# (require_portfolio_reader above); a category manager reads and assesses the maturity of the
# top-level categories they own.


def may_read_portfolio(user) -> bool:
    return has_role(user, CPO, ADMINISTRATOR)


def maturity_category_for_user(request, code: str):
    """A top-level category's maturity and whether the user may assess it: the CPO and
    administrators read every one, its owner reads and assesses it; anyone else is refused."""
    category = get_object_or_404(
        Category.objects.select_related("owner"), code=code, parent__isnull=True
    )
    may_assess = may_change_category(request.user, category)
    if not (may_assess or may_read_portfolio(request.user)):
        raise PermissionDenied(
            "A category's maturity is for its owner, the CPO and administrators."
        )
    return category, may_assess


def assessable_category_for_user(request, code: str):
    category, may_assess = maturity_category_for_user(request, code)
    if not may_assess:
        raise PermissionDenied("Only the category's owner or an administrator assesses it.")
    return category


def may_reword_maturity_model(user) -> bool:
    """The maturity model's wording is the Administrator role's to change (the role, not
    Django's per-model permissions, which the app's groups do not carry)."""
    return has_role(user, ADMINISTRATOR)
