"""The plan's workflow as services, apart from the pages: moves judged on where the plan stands
in the database, weights found up the tree, and views that only fetch, authorise and call."""

import ast
from pathlib import Path

import pytest

from categories.tree import ancestor_paths
from plans import services
from plans.alignment import TransitionRefused
from plans.models import CategoryPlan, PlanEvent, PlanVersion
from stakeholders.queries import nearest_unit_weights, unit_weights
from tests.plans.plan_builders import WEIGHTS, give_priorities, make_plan

VIEWS = Path(__file__).resolve().parents[2] / "plans" / "views"


def test_second_approval_from_a_page_opened_before_the_first_is_refused(company):
    plan = make_plan(company, status=CategoryPlan.IN_REVIEW)
    first_page, second_page = CategoryPlan.objects.get(pk=plan.pk), plan
    seen = plan.version
    services.plan_transition(
        plan=first_page, action="approve", roles={"cpo"}, by=company.cpo, seen_version=seen
    )
    with pytest.raises(services.StaleSave):
        services.plan_transition(
            plan=second_page, action="approve", roles={"cpo"}, by=company.cpo, seen_version=seen
        )
    assert PlanVersion.objects.filter(plan=plan).count() == 1
    assert PlanEvent.objects.filter(plan=plan).count() == 1


def test_submitting_without_initiatives_changes_nothing(company):
    plan = make_plan(company)
    plan.initiatives.all().delete()
    with pytest.raises(TransitionRefused, match="Add at least one initiative"):
        services.plan_transition(
            plan=plan, action="submit", roles={"owner"}, by=company.manager, seen_version=1
        )
    plan.refresh_from_db()
    assert (plan.status, plan.version) == (CategoryPlan.DRAFT, 1)


def test_reopening_builds_on_a_save_made_meanwhile(company):
    plan = make_plan(company, status=CategoryPlan.APPROVED)
    CategoryPlan.objects.filter(pk=plan.pk).update(version=7)  # someone saved since
    assert services.plan_reopen_if_approved(plan=plan, by=company.manager, what="Plan edited")
    plan.refresh_from_db()
    assert (plan.status, plan.revision, plan.version) == (CategoryPlan.IN_REVIEW, 2, 8)


def test_a_subcategory_plan_uses_the_weights_stated_above_it(company):
    give_priorities(company)  # stated for IT, the top level
    weights, source = nearest_unit_weights(company.hardware)
    assert source == company.it and weights == WEIGHTS
    # The stakeholders' page for the subcategory shows only what was stated for it.
    assert unit_weights(company.hardware) == {}
    assert unit_weights(company.it) == WEIGHTS


def test_ancestor_paths_with_and_without_the_category_itself():
    assert ancestor_paths("/DM/DM01/", including_self=True) == ["/DM/", "/DM/DM01/"]
    assert ancestor_paths("/DM/DM01/", including_self=False) == ["/DM/"]
    assert ancestor_paths("/DM/", including_self=False) == []


@pytest.mark.parametrize("module", sorted(VIEWS.glob("*.py")), ids=lambda path: path.name)
def test_plan_views_hold_no_permission_rule_and_write_nothing_themselves(module):
    tree = ast.parse(module.read_text())
    calls = {
        node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
    }
    assert not calls & {"has_role", "is_procurement", "PermissionDenied", "bulk_create"}
    assert not calls & {"delete", "create", "update_or_create", "get_or_create"}
    imported = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }
    assert not {name for name in imported if name.startswith("_")}
    assert not any(
        isinstance(node, ast.ImportFrom) and (node.module or "").startswith("plans.views")
        for node in ast.walk(tree)
    )
