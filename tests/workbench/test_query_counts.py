"""Queries per page do not grow with the number of spend lines."""

import pytest
from django.urls import reverse

from tests.factories import add_spend
from tests.plans.plan_builders import plan_args
from tests.suppliers.builders import supplier_args
from tests.workbench.test_role_matrix import stakeholder_args

PAGES = [
    ("home", [], "cpo"),
    ("home", [], "manager"),
    ("home", [], "unit_lead"),
    ("home", [], "administrator"),
    ("categories:list", [], "manager"),
    ("categories:detail", ["IT"], "manager"),
    ("categories:edit", ["IT"], "manager"),
    ("spend:cube", [], "manager"),
    ("spend:cube_lines", [], "manager"),
    ("spend:kraljic", [], "manager"),
    ("spend:kraljic_position", ["IT"], "manager"),
    ("suppliers:list", [], "manager"),
    ("suppliers:detail", ["first-supplier"], "manager"),
    ("suppliers:detail", ["first-supplier"], "unit_lead"),
    ("suppliers:list", [], "unit_lead"),
    ("suppliers:segments", [], "cpo"),
    ("suppliers:merges", [], "manager"),
    ("suppliers:contracts", [], "cpo"),
    ("suppliers:kpis", [], "manager"),
    ("suppliers:scorecard", ["mfg-evaluation"], "unit_lead"),
    ("suppliers:evaluate", ["first-supplier"], "unit_lead"),
    ("suppliers:segment", ["first-supplier"], "manager"),
    ("suppliers:merge", ["first-supplier"], "manager"),
    ("suppliers:relationship_plan", ["planned-supplier"], "manager"),
    ("stakeholders:units", [], "cpo"),
    ("stakeholders:unit", ["MFG"], "unit_lead"),
    ("stakeholders:value_drivers", [], "unit_lead"),
    ("stakeholders:priorities", [], "unit_lead"),
    ("stakeholders:priority_edit", ["MFG", "IT"], "unit_lead"),
    ("stakeholders:category_priorities", ["IT"], "manager"),
    ("stakeholders:rounds", [], "cpo"),
    ("stakeholders:round", ["open-round"], "cpo"),
    ("stakeholders:round", ["open-round"], "unit_lead"),
    ("stakeholders:round_results", ["open-round"], "cpo"),
    ("stakeholders:response", ["open-round", "MFG", "IT"], "unit_lead"),
    ("stakeholders:voids", [], "manager"),
    ("stakeholders:agreements", [], "unit_lead"),
    ("stakeholders:agreement", ["mfg-agreement"], "unit_lead"),
    ("stakeholders:engagement", [], "cpo"),
    ("spend:imports", [], "manager"),
    ("spend:unclassified", [], "manager"),
    ("spend:supplier_matches", [], "administrator"),
    ("spend:exchange_rates", [], "administrator"),
    ("spend:classification_rules", [], "manager"),
    # Category plans (the plan page itself, with its eight sections, has its own bound in
    # tests/categories/test_plan_queries.py).
    ("plans:plan_list", [], "cpo"),
    ("plans:plan_list", [], "unit_lead"),
    ("plans:plan_create", [], "manager"),
    ("plans:plan_savings", [], "cpo"),
    ("plans:stage_probabilities", [], "cpo"),
    ("plans:plan_edit", ["it-plan"], "manager"),
    ("plans:plan_endorse", ["it-plan"], "unit_lead"),
    ("plans:initiative_create", ["it-plan"], "manager"),
    ("plans:initiative_edit", ["it-initiative"], "manager"),
    ("plans:initiative_realised", ["it-initiative"], "manager"),
]
# One of them reads the data versions the cached figures are filed under (workbench.figures).
MAX_QUERIES = 15
# A home page also gathers the person's inbox: a fixed number of queries per source of items
# (inbox/items.py), however many items or lines there are.
HOME_MAX_QUERIES = 17


@pytest.mark.django_db
@pytest.mark.parametrize("line_count", [10, 10_000])
@pytest.mark.parametrize(("name", "args", "role"), PAGES)
def test_queries_per_page_are_bounded(
    client, company, django_assert_max_num_queries, line_count, name, args, role
):
    add_spend(company, line_count)
    client.force_login(getattr(company, role))
    args = [company.suppliers[0].pk if arg == "first-supplier" else arg for arg in args]
    args = supplier_args(stakeholder_args(args, company), company)
    args = plan_args(args, company)
    with django_assert_max_num_queries(HOME_MAX_QUERIES if name == "home" else MAX_QUERIES):
        response = client.get(reverse(name, args=args))
    assert response.status_code == 200
