"""Who may see and change what. Every view fetches its object through one of these helpers, so
no view can forget the check (the pattern of healthchecks' `_get_check_for_user`).

Rules (DESIGN.md): procurement staff (category managers, the CPO, administrators) read every
category, supplier and business unit; a category manager changes only the categories they own;
a business-unit lead sees only their own unit (another unit is a 404, not a hint that it exists)
and the categories their unit buys.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from categories.models import Category
from plans.models import CategoryPlan, Initiative
from portfolio.models import MaturityDescriptor
from spend.models import ImportJob, KraljicAssessment, SpendSummary
from stakeholders.disclosure import may_show_aggregate
from stakeholders.models import (
    AgreementMeasure,
    BusinessUnit,
    ConcernResponse,
    ServiceAgreement,
    SurveyResponse,
    SurveyRound,
    ValueDriver,
)
from suppliers.models import (
    Evaluation,
    RelationshipAction,
    Supplier,
    SupplierAlias,
    SupplierMatchSuggestion,
    SupplierMerge,
)
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


def withdrawable_kraljic_assessment_for_user(request, pk: int):
    """A Kraljic override, withdrawn or not, which the user may withdraw or put back: whoever
    may set one on its category (its owner, administrators)."""
    assessment = get_object_or_404(KraljicAssessment.every_record.select_related("category"), pk=pk)
    editable_category_for_user(request, assessment.category.code)
    return assessment


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


def answers_scope(user):
    """What decides which survey figures the user may see, as a cache key (workbench.figures):
    one scope for everyone who reads every answer; anyone else reads through their own
    categories and units, so their figures are theirs alone."""
    if reads_every_answer(user):
        return "every answer"
    return ("reader", user.pk)


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


def may_edit_value_drivers(user) -> bool:
    """The value-driver catalogue is reference data: administrators keep it."""
    return has_role(user, ADMINISTRATOR)


def editable_value_driver_for_user(request, pk: int):
    if not may_edit_value_drivers(request.user):
        raise PermissionDenied("Administrators keep the value-driver catalogue.")
    return get_object_or_404(ValueDriver, pk=pk)


def value_driver_history_for_user(request, pk: int):
    """Everyone reads the catalogue, so everyone may read how a driver's wording changed; and
    whether the user may correct it."""
    return get_object_or_404(ValueDriver, pk=pk), may_edit_value_drivers(request.user)


def _unit_of(record):
    """The business unit an engagement entry, agreement or measure belongs to."""
    return record.agreement.unit if isinstance(record, AgreementMeasure) else record.unit


def _stakeholder_record(model, pk: int):
    related = ["agreement__unit"] if model is AgreementMeasure else ["unit"]
    return get_object_or_404(model.every_record.select_related(*related), pk=pk)


def correctable_stakeholder_record_for_user(request, model, pk: int):
    """An engagement entry, service agreement or agreement measure, removed or not, which the
    user may correct, remove or restore: procurement, who records them."""
    require_procurement(request)
    return _stakeholder_record(model, pk)


def stakeholder_record_history_for_user(request, model, pk: int):
    """An engagement entry, agreement or measure whose history the user may read (both sides
    see them: procurement every one, a unit's lead their own unit's; another unit's is a 404),
    and whether they may correct it."""
    record = _stakeholder_record(model, pk)
    if not visible_units(request.user).filter(pk=_unit_of(record).pk).exists():
        raise Http404("No such record.")
    return record, is_procurement(request.user)


# --- You said, we did: responses to the concerns a survey round raised -----------------------
# The category's manager responds (administrators too); the unit's lead reads the responses to
# their own unit's concerns and, of an anonymous round, those for the category as a whole once
# at least MIN_UNITS other units answered on it (fewer and a category-wide concern would be
# one or two other units' answer); the CPO and administrators read every one.


def may_read_concerns(user) -> bool:
    """The "you said, we did" list is for procurement and business-unit leads."""
    return is_procurement(user) or has_role(user, BUSINESS_UNIT_LEAD)


def require_concern_reader(request):
    if not may_read_concerns(request.user):
        raise PermissionDenied("This is for procurement and business-unit leads.")


def concern_scope(user) -> dict:
    """Whose concerns the user reads: {"all": True} for the CPO and administrators; else a
    manager's owned-category condition on Category (None for none) and the units they lead."""
    if reads_every_answer(user):
        return {"all": True, "owned": None, "units": []}
    owned = owned_category_filter(user, prefix="") if has_role(user, CATEGORY_MANAGER) else None
    return {
        "all": False,
        "owned": owned,
        "units": list(units_led_by(user).values_list("pk", flat=True)),
    }


def may_respond_to_concern(user, category: Category) -> bool:
    """The category's manager answers its concerns (and administrators, who change any category)."""
    return may_change_category(user, category)


def respondable_concern_round_for_user(request, pk: int, category: Category):
    """The round of a concern the user may respond to: 404 when they may not see the round,
    PermissionDenied when the category is not theirs."""
    survey_round = round_for_user(request, pk)
    if not may_respond_to_concern(request.user, category):
        raise PermissionDenied("Only the category's manager responds to its concerns.")
    return survey_round


def sees_category_wide_concerns(other_units_answered: int) -> bool:
    """A unit lead reads an anonymous round's category-wide responses once enough other units
    answered on the category that none of them is pointed at."""
    return may_show_aggregate(other_units_answered)


def judging_units_for_user(request, pk: int):
    """A done response and the units the user leads that may say whether it addressed what
    they said: in a named round the unit that said it, in an anonymous round any unit the user
    leads that answered on the category. 404 when the user leads none of them."""
    response = get_object_or_404(ConcernResponse.objects.select_related("round", "category"), pk=pk)
    led = units_led_by(request.user)
    if response.unit_id is not None:
        units = led.filter(pk=response.unit_id)
    else:
        answered = SurveyResponse.objects.filter(
            round=response.round_id, category=response.category_id, submitted_at__isnull=False
        ).values("unit")
        units = led.filter(pk__in=answered)
    units = list(units)
    if not units:
        raise Http404("No such response for your unit.")
    if response.done_on is None:
        raise PermissionDenied("The action is not done yet.")
    return response, units


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


def classifiable_categories(user):
    """The categories a person may classify spend into (and accept suggestions for): the ones
    they may change (may_change_category), every one for an administrator."""
    if has_role(user, ADMINISTRATOR):
        return Category.objects.all()
    return Category.objects.filter(owner_id=user.pk)


def may_create_top_level_categories(user) -> bool:
    """A new branch of the taxonomy is the administrators' to make; a category manager adds
    categories only beneath the ones they own (parents_for_new_categories)."""
    return has_role(user, ADMINISTRATOR)


def parents_for_new_categories(user):
    """Where a person may add categories made from an imported file's classification: under
    any category they may classify into (an administrator: any)."""
    return classifiable_categories(user)


def new_categories_parent_for_user(request, code: str | None):
    """The category new ones go under (None: the top of the tree), as the rules allow."""
    if code is None:
        if not may_create_top_level_categories(request.user):
            raise PermissionDenied("Only an administrator adds categories at the top of the tree.")
        return None
    return get_object_or_404(parents_for_new_categories(request.user), code=code)


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


def _may_correct_evaluation(user, evaluation, as_procurement: bool, units) -> bool:
    """Whoever may rate for what it rates for: procurement's by those who rate for
    procurement, a unit's by that unit's lead; administrators any."""
    if has_role(user, ADMINISTRATOR):
        return True
    if evaluation.business_unit_id is None:
        return as_procurement
    return evaluation.business_unit_id in {unit.pk for unit in units}


def evaluation_corrector(user, supplier):
    """A test of which of the supplier's evaluations the user may correct, read once for a
    whole table."""
    as_procurement = may_change_supplier(user, supplier)
    units = list(rating_units(user, supplier))
    return lambda evaluation: _may_correct_evaluation(user, evaluation, as_procurement, units)


def correctable_evaluation_for_user(request, pk: int):
    """A scorecard evaluation, removed or not, which the user may correct, remove or restore."""
    evaluation = evaluation_history_for_user(request, pk)[0]
    _, as_procurement, units = ratable_supplier_for_user(request, evaluation.supplier_id)
    if not _may_correct_evaluation(request.user, evaluation, as_procurement, units):
        raise PermissionDenied("Only who rated for this unit (or for procurement) corrects it.")
    return evaluation


def evaluation_history_for_user(request, pk: int):
    """An evaluation, removed or not, the user may read (procurement all, a unit lead their
    own unit's), and whether they may correct it."""
    require_supplier_reader(request)
    evaluations = Evaluation.every_record.select_related("supplier", "template", "business_unit")
    evaluation = get_object_or_404(readable_unit_rows(request.user, evaluations), pk=pk)
    may_change = supplier_access(request, evaluation.supplier_id)[1]
    units = list(rating_units(request.user, evaluation.supplier))
    return evaluation, _may_correct_evaluation(request.user, evaluation, may_change, units)


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


def correctable_supplier_record_for_user(request, model, pk: int):
    """A contract, engagement-log entry, idea or risk, removed or not, which the user may
    correct, remove or restore: the people who may add one to its supplier (the managers of
    categories it sells in, administrators). 404 when the user may not see the supplier."""
    record = get_object_or_404(model.every_record.select_related("supplier"), pk=pk)
    editable_supplier_for_user(request, record.supplier_id)
    return record


def supplier_record_history_for_user(request, model, pk: int, tab: str):
    """A supplier record, removed or not, whose history the user may read (whoever sees the
    tab it is listed on), and whether they may correct it."""
    record = get_object_or_404(model.every_record.select_related("supplier"), pk=pk)
    _, may_change = supplier_access(request, record.supplier_id)
    require_supplier_tab(request, tab)
    return record, may_change


def editable_relationship_action_for_user(request, pk: int):
    """An objective of a relationship plan, and its supplier, which the user may change."""
    action = get_object_or_404(RelationshipAction.objects.select_related("plan"), pk=pk)
    return action, editable_supplier_for_user(request, action.plan.supplier_id)


def pending_match_suggestion_for_user(request, pk: int):
    """An import's match suggestion still waiting for a person. Those who import decide them
    (administrators and category managers), as they confirm or split fuzzy matches."""
    require_importer(request)
    return get_object_or_404(
        SupplierMatchSuggestion.objects.select_related("supplier", "suggested"),
        pk=pk,
        status=SupplierMatchSuggestion.PENDING,
    )


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


def may_read_audit_log(user) -> bool:
    """The security audit log (who signed in, changed roles, exported, imported, merged) is the
    administrators': it names people and what they took."""
    return has_role(user, ADMINISTRATOR)


def require_audit_reader(request):
    if not may_read_audit_log(request.user):
        raise PermissionDenied("The audit log is for administrators.")


def may_reword_maturity_model(user) -> bool:
    """The maturity model's wording is the Administrator role's to change (the role, not
    Django's per-model permissions, which the app's groups do not carry)."""
    return has_role(user, ADMINISTRATOR)


def rewordable_maturity_descriptor_for_user(request, pk: int):
    """A level's wording on one dimension, which only administrators correct."""
    if not may_reword_maturity_model(request.user):
        raise PermissionDenied("Administrators keep the maturity model's wording.")
    return get_object_or_404(MaturityDescriptor.objects.select_related("dimension"), pk=pk)


def maturity_descriptor_history_for_user(request, pk: int):
    """The history of a level's wording: for procurement, who assess against it; and whether
    the user may correct it."""
    require_procurement(request)
    descriptor = get_object_or_404(MaturityDescriptor.objects.select_related("dimension"), pk=pk)
    return descriptor, may_reword_maturity_model(request.user)


# --- The inbox and email -----------------------------------------------------------------------
# Who is told about what: the people who may act on it on its own page, by the rules above, so
# an inbox item or an email never names a round, plan, contract or import its reader may not
# open. Only active people are told.


def _active_people():
    return get_user_model().objects.filter(is_active=True)


def may_approve_plans(user) -> bool:
    """The CPO approves plans (require_plan_approver)."""
    return has_role(user, CPO)


def plan_approvers():
    return _active_people().filter(groups__name=CPO).distinct()


def plan_endorsers(plan):
    """The leads of the units the plan affects: those endorsing_units_for_user lets answer."""
    return _active_people().filter(led_business_units__initiatives__plan=plan).distinct()


def plan_owners(plan):
    """The manager who owns the plan's category (administrators may change it too, but it is
    not theirs to run)."""
    return _active_people().filter(pk=plan.category.owner_id)


def round_answerers(survey_round):
    """The leads of the units a round asks: they answer for their own unit only."""
    return _active_people().filter(led_business_units__survey_rounds=survey_round).distinct()


def may_import(user) -> bool:
    """Imports and supplier matches are for administrators and category managers."""
    return has_role(user, ADMINISTRATOR, CATEGORY_MANAGER)


def import_watchers(job):
    """The person who uploaded the file, while they still may import."""
    people = _active_people().filter(pk=job.created_by_id)
    return [person for person in people if may_import(person)]


def supplier_matches_for(user):
    """Unconfirmed fuzzy supplier matches for the user to review: an administrator every one; a
    category manager those whose supplier sells in categories they own."""
    if has_role(user, ADMINISTRATOR):
        return SupplierAlias.objects.filter(confirmed=False)
    if not has_role(user, CATEGORY_MANAGER):
        return SupplierAlias.objects.none()
    selling = SpendSummary.objects.filter(owned_category_filter(user)).values("supplier")
    return SupplierAlias.objects.filter(confirmed=False, supplier__in=selling)


def watched_contracts(user, contracts):
    """Of `contracts`, those in categories the user owns (or below them): whose notice dates
    are theirs to act on. Contracts are procurement's; anyone else watches none."""
    if not has_role(user, CATEGORY_MANAGER, ADMINISTRATOR):
        return contracts.none()
    return contracts.filter(owned_category_filter(user, "categories__")).distinct()


def contract_watchers(contract):
    """The managers who own one of the contract's categories or a category above it."""
    paths = set()
    for path in contract.categories.values_list("path", flat=True):
        codes = [code for code in path.split("/") if code]
        paths |= {"/" + "/".join(codes[:depth]) + "/" for depth in range(1, len(codes) + 1)}
    return _active_people().filter(owned_categories__path__in=paths).distinct()


# --- Opportunities and possible duplicate payments ---------------------------------------------
# A category's opportunity finder is for whoever may see the category, over the spend they may
# read there (readable_spend: a unit lead finds opportunities in their own units' spend only);
# findings built on contracts are procurement's, as contracts are. The whole portfolio's
# findings are the CPO's and administrators'. Possible duplicate payments are procurement's
# to read; the CPO, administrators and the owner of the payment's category decide them.


def opportunity_category_for_user(request, code: str):
    """The category whose findings the user reads, and whether they may start initiatives
    from them (they own it); 404 when they may not see it."""
    return category_for_user(request, code)


def may_configure_opportunities(user) -> bool:
    """The benchmark saving rates and approval thresholds are the Administrator role's (the
    role, not Django's per-model permissions, which the app's groups do not carry)."""
    return has_role(user, ADMINISTRATOR)


def reads_contract_findings(user) -> bool:
    """Contracts ending and spend off contract name contracts: procurement's."""
    return is_procurement(user)


def may_review_duplicates(user) -> bool:
    return is_procurement(user)


def require_duplicate_reader(request):
    if not may_review_duplicates(request.user):
        raise PermissionDenied("Possible duplicate payments are for the procurement team.")


def duplicate_decider(user):
    """Whether the user decides a pair in a category (None: unclassified), as a test read
    once for a whole list: the CPO and administrators every pair; a category manager the
    pairs in categories they own or that sit below one they own."""
    if has_role(user, CPO, ADMINISTRATOR):
        return lambda category: True
    if not has_role(user, CATEGORY_MANAGER):
        return lambda category: False
    owned = list(Category.objects.filter(owner=user).values_list("path", flat=True))
    return lambda category: (
        category is not None and any(category.path.startswith(path) for path in owned)
    )


def may_decide_duplicate(user, category) -> bool:
    return duplicate_decider(user)(category)


def require_duplicate_decider(request, category):
    if not may_decide_duplicate(request.user, category):
        raise PermissionDenied(
            "Only the CPO, an administrator or the category's owner decides a possible duplicate."
        )
