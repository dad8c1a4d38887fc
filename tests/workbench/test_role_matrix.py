"""Every page, requested as every role and as an anonymous visitor.

The matrix is the written answer to "who may see what"; a URL added without a row here fails
`test_every_url_is_in_the_matrix`, so no page escapes the check.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from spend.models import ImportJob
from tests.plans.plan_builders import plan_args
from tests.suppliers.builders import supplier_args

ROLES = ["anonymous", "manager", "othermanager", "unitlead", "otherlead", "cpo", "admin", "nobody"]

# url name, args, then the status for each role in ROLES order. 302 for anonymous is the
# redirect to the login page; 404 hides another unit's or category's existence.
MATRIX = [
    # Category plans: procurement and unit leads read; the category's owner edits; the CPO
    # approves and sets α (POSTs); an affected unit's lead endorses. "it-plan" is in review.
    ("plans:plan_list", [], [302, 200, 200, 200, 200, 200, 200, 403]),
    ("plans:plan_create", [], [302, 200, 200, 403, 403, 302, 200, 403]),
    ("plans:plan_savings", [], [302, 200, 200, 403, 403, 200, 200, 403]),
    ("plans:stage_probabilities", [], [302, 200, 200, 403, 403, 200, 200, 403]),
    ("plans:plan_detail", ["it-plan"], [302, 200, 200, 200, 404, 200, 200, 404]),
    ("plans:plan_print", ["it-plan"], [302, 200, 200, 200, 404, 200, 200, 404]),
    ("plans:plan_edit", ["it-plan"], [302, 200, 403, 403, 404, 403, 200, 404]),
    ("plans:plan_endorse", ["it-plan"], [302, 403, 403, 200, 404, 403, 403, 404]),
    ("plans:plan_alpha", ["it-plan"], [302, 405, 405, 405, 405, 405, 405, 405]),
    (
        "plans:plan_transition",
        ["it-plan", "approve"],
        [302, 405, 405, 405, 405, 405, 405, 405],
    ),
    ("plans:initiative_create", ["it-plan"], [302, 200, 403, 403, 404, 403, 200, 404]),
    ("plans:initiative_edit", ["it-initiative"], [302, 200, 403, 403, 404, 403, 200, 404]),
    (
        "plans:initiative_realised",
        ["it-initiative"],
        [302, 200, 403, 403, 404, 403, 200, 404],
    ),
    ("home", [], [302, 200, 200, 200, 200, 200, 200, 200]),
    ("login", [], [200, 302, 302, 302, 302, 302, 302, 302]),
    ("logout", [], [302, 405, 405, 405, 405, 405, 405, 405]),
    ("password_change", [], [302, 200, 200, 200, 200, 200, 200, 200]),
    ("password_change_done", [], [302, 200, 200, 200, 200, 200, 200, 200]),
    ("categories:list", [], [302, 200, 200, 403, 403, 200, 200, 403]),
    ("categories:detail", ["IT"], [302, 200, 200, 200, 404, 200, 200, 404]),
    ("categories:detail", ["FM.CLEAN"], [302, 200, 200, 404, 200, 200, 200, 404]),
    ("categories:edit", ["IT"], [302, 200, 403, 403, 404, 403, 200, 404]),
    ("categories:edit", ["FM"], [302, 403, 200, 404, 403, 403, 200, 404]),
    ("spend:cube", [], [302, 200, 200, 403, 403, 200, 200, 403]),
    ("spend:cube_lines", [], [302, 200, 200, 403, 403, 200, 200, 403]),
    # The cube's charts below the fold, fetched when scrolled to: the cube's own rule.
    ("spend:cube_chart", ["treemap"], [302, 200, 200, 403, 403, 200, 200, 403]),
    ("spend:kraljic", [], [302, 200, 200, 403, 403, 200, 200, 403]),
    ("spend:kraljic_position", ["IT"], [302, 200, 200, 403, 403, 200, 200, 403]),
    # Withdrawing a Kraljic override (and undoing it) is a POST by whoever may set one.
    ("spend:kraljic_withdraw", [1], [302, 405, 405, 405, 405, 405, 405, 405]),
    ("spend:kraljic_reinstate", [1], [302, 405, 405, 405, 405, 405, 405, 405]),
    # Suppliers: procurement reads all; a unit lead sees (and rates) the suppliers their unit
    # buys from; a category manager changes suppliers with spend in their categories.
    ("suppliers:list", [], [302, 200, 200, 200, 200, 200, 200, 403]),
    ("suppliers:detail", ["first-supplier"], [302, 200, 200, 200, 404, 200, 200, 403]),
    ("suppliers:segments", [], [302, 200, 200, 403, 403, 200, 200, 403]),
    ("suppliers:merges", [], [302, 200, 200, 403, 403, 403, 200, 403]),
    ("suppliers:merge_undo", ["dell-merge"], [302, 405, 405, 405, 405, 405, 405, 405]),
    # Uncertain supplier matches from imports: decided by those who import.
    ("suppliers:match_suggestions", [], [302, 200, 200, 403, 403, 403, 200, 403]),
    ("suppliers:contracts", [], [302, 200, 200, 403, 403, 200, 200, 403]),
    ("suppliers:kpis", [], [302, 200, 200, 403, 403, 200, 200, 403]),
    ("suppliers:template_add", [], [302, 200, 200, 403, 403, 403, 200, 403]),
    ("suppliers:scorecard", ["mfg-evaluation"], [302, 200, 200, 200, 404, 200, 200, 403]),
    (
        "suppliers:scorecard_print",
        ["mfg-evaluation"],
        [302, 200, 200, 200, 404, 200, 200, 403],
    ),
    ("suppliers:idea_status", ["dell-idea"], [302, 405, 405, 405, 405, 405, 405, 405]),
    (
        "plans:initiative_from_source",
        ["idea", "dell-idea"],
        [302, 200, 200, 403, 403, 200, 200, 403],
    ),
    ("suppliers:segment", ["first-supplier"], [302, 200, 403, 403, 404, 403, 200, 403]),
    ("suppliers:merge", ["first-supplier"], [302, 200, 403, 403, 404, 403, 200, 403]),
    ("suppliers:relationship_plan", ["first-supplier"], [302, 200, 403, 403, 404, 403, 200, 403]),
    ("suppliers:action_add", ["planned-supplier"], [302, 200, 403, 403, 404, 403, 200, 403]),
    ("suppliers:meeting_add", ["planned-supplier"], [302, 200, 403, 403, 404, 403, 200, 403]),
    ("suppliers:action_edit", ["planned-action"], [302, 200, 403, 403, 404, 403, 200, 403]),
    ("suppliers:evaluate", ["first-supplier"], [302, 200, 403, 200, 404, 403, 200, 403]),
    ("suppliers:contract_add", ["first-supplier"], [302, 200, 403, 403, 404, 403, 200, 403]),
    ("suppliers:engagement_add", ["first-supplier"], [302, 200, 403, 403, 404, 403, 200, 403]),
    ("suppliers:idea_add", ["first-supplier"], [302, 200, 403, 403, 404, 403, 200, 403]),
    ("suppliers:risk_add", ["first-supplier"], [302, 200, 403, 403, 404, 403, 200, 403]),
    # Corrections: whoever may add a contract, log entry, idea or risk corrects, removes and
    # restores it (POSTs); whoever sees its tab reads its history.
    (
        "suppliers:record_edit",
        ["contract", "dell-contract"],
        [302, 200, 403, 403, 404, 403, 200, 403],
    ),
    ("suppliers:record_edit", ["idea", "dell-idea"], [302, 200, 403, 403, 404, 403, 200, 403]),
    (
        "suppliers:record_remove",
        ["contract", "dell-contract"],
        [302, 405, 405, 405, 405, 405, 405, 405],
    ),
    (
        "suppliers:record_restore",
        ["contract", "dell-contract"],
        [302, 405, 405, 405, 405, 405, 405, 405],
    ),
    (
        "suppliers:record_history",
        ["contract", "dell-contract"],
        [302, 200, 200, 403, 404, 200, 200, 403],
    ),
    (
        "suppliers:record_history",
        ["idea", "dell-idea"],
        [302, 200, 200, 403, 404, 200, 200, 403],
    ),
    # A unit's scorecard is corrected by that unit's lead (or an administrator), not by the
    # category manager; it is read as the scorecard itself is.
    (
        "suppliers:record_edit",
        ["evaluation", "mfg-evaluation"],
        [302, 403, 403, 200, 404, 403, 200, 403],
    ),
    (
        "suppliers:record_history",
        ["evaluation", "mfg-evaluation"],
        [302, 200, 200, 200, 404, 200, 200, 403],
    ),
    # Spend imports: administrators and category managers; undo and store-valid are POSTs.
    ("spend:imports", [], [302, 200, 200, 403, 403, 403, 200, 403]),
    ("spend:import_job", ["refused-import"], [302, 200, 200, 403, 403, 403, 200, 403]),
    ("spend:import_rejected", ["refused-import"], [302, 200, 200, 403, 403, 403, 200, 403]),
    ("spend:import_store_valid", ["refused-import"], [302, 405, 405, 405, 405, 405, 405, 405]),
    ("spend:import_sheet", ["refused-import"], [302, 405, 405, 405, 405, 405, 405, 405]),
    # Undo asks first (a page): the importer (here the administrator) sees it, or is sent back
    # to the import when it was not stored; everyone else is refused.
    ("spend:import_undo", ["refused-import"], [302, 403, 403, 403, 403, 403, 302, 403]),
    ("spend:import_retry", ["refused-import"], [302, 405, 405, 405, 405, 405, 405, 405]),
    ("spend:supplier_matches", [], [302, 200, 200, 403, 403, 403, 200, 403]),
    ("spend:unclassified", [], [302, 200, 200, 403, 403, 403, 200, 403]),
    ("spend:exchange_rates", [], [302, 200, 200, 403, 403, 403, 200, 403]),
    ("spend:classification_rules", [], [302, 200, 200, 403, 403, 403, 200, 403]),
    ("spend:category_picker", [], [302, 200, 200, 403, 403, 403, 200, 403]),
    ("stakeholders:units", [], [302, 200, 200, 200, 200, 200, 200, 200]),
    ("stakeholders:unit", ["MFG"], [302, 200, 200, 200, 404, 200, 200, 404]),
    ("stakeholders:unit", ["FIN"], [302, 200, 200, 404, 200, 200, 200, 404]),
    ("stakeholders:value_drivers", [], [302, 200, 200, 200, 200, 200, 200, 200]),
    # Priorities: a unit lead changes only their own unit's; procurement reads categories.
    ("stakeholders:priorities", [], [302, 200, 200, 200, 200, 200, 200, 200]),
    ("stakeholders:priority_edit", ["MFG", "IT"], [302, 403, 403, 200, 404, 403, 200, 404]),
    ("stakeholders:priority_edit", ["FIN", "FM"], [302, 403, 403, 404, 200, 403, 200, 404]),
    ("stakeholders:category_priorities", ["IT"], [302, 200, 200, 403, 403, 200, 200, 403]),
    # Survey rounds: the CPO opens them, units answer their own, procurement reads results.
    ("stakeholders:rounds", [], [302, 200, 200, 200, 200, 200, 200, 200]),
    ("stakeholders:round_create", [], [302, 403, 403, 403, 403, 200, 200, 403]),
    ("stakeholders:round", ["open-round"], [302, 200, 200, 200, 200, 200, 200, 404]),
    ("stakeholders:round_results", ["open-round"], [302, 200, 200, 403, 403, 200, 200, 403]),
    ("stakeholders:round_close", ["open-round"], [302, 405, 405, 405, 405, 405, 405, 405]),
    # The security audit log names people and what they took: administrators only.
    ("audit:log", [], [302, 403, 403, 403, 403, 403, 200, 403]),
    (
        "stakeholders:response",
        ["open-round", "MFG", "IT"],
        [302, 403, 403, 200, 404, 403, 200, 404],
    ),
    ("stakeholders:voids", [], [302, 200, 200, 403, 403, 200, 200, 403]),
    # You said, we did: procurement and unit leads read (each their own part); the category's
    # manager (or an administrator) responds; a unit lead's verdict is a POST.
    ("stakeholders:concerns", [], [302, 200, 200, 200, 200, 200, 200, 403]),
    (
        "stakeholders:concern_respond",
        ["open-round", "mfg-it-concern"],
        [302, 200, 403, 403, 403, 403, 200, 404],
    ),
    ("stakeholders:concern_verdict", [1], [302, 405, 405, 405, 405, 405, 405, 405]),
    # Agreements: both sides see them; another unit's lead gets a 404.
    ("stakeholders:agreements", [], [302, 200, 200, 200, 200, 200, 200, 200]),
    ("stakeholders:agreement_create", [], [302, 200, 200, 403, 403, 200, 200, 403]),
    ("stakeholders:agreement", ["mfg-agreement"], [302, 200, 200, 200, 404, 200, 200, 404]),
    (
        "stakeholders:agreement_result",
        ["mfg-agreement"],
        [302, 200, 200, 200, 404, 200, 200, 404],
    ),
    ("stakeholders:engagement", [], [302, 200, 200, 200, 200, 200, 200, 200]),
    ("stakeholders:engagement_add", [], [302, 200, 200, 403, 403, 200, 200, 403]),
    # Corrections: procurement, who records entries and agreements, corrects, removes and
    # restores them (POSTs); both sides read the history, another unit's lead gets a 404.
    (
        "stakeholders:record_edit",
        ["engagement", "mfg-engagement"],
        [302, 200, 200, 403, 403, 200, 200, 403],
    ),
    (
        "stakeholders:record_edit",
        ["agreement", "mfg-agreement"],
        [302, 200, 200, 403, 403, 200, 200, 403],
    ),
    (
        "stakeholders:record_edit",
        ["measure", "mfg-measure"],
        [302, 200, 200, 403, 403, 200, 200, 403],
    ),
    (
        "stakeholders:record_remove",
        ["agreement", "mfg-agreement"],
        [302, 405, 405, 405, 405, 405, 405, 405],
    ),
    (
        "stakeholders:record_restore",
        ["agreement", "mfg-agreement"],
        [302, 405, 405, 405, 405, 405, 405, 405],
    ),
    (
        "stakeholders:record_history",
        ["engagement", "mfg-engagement"],
        [302, 200, 200, 200, 404, 200, 200, 404],
    ),
    (
        "stakeholders:record_history",
        ["measure", "mfg-measure"],
        [302, 200, 200, 200, 404, 200, 200, 404],
    ),
    # The value-driver catalogue: everyone reads it and its history; administrators correct.
    (
        "stakeholders:record_edit",
        ["driver", "first-driver"],
        [302, 403, 403, 403, 403, 403, 200, 403],
    ),
    (
        "stakeholders:record_history",
        ["driver", "first-driver"],
        [302, 200, 200, 200, 200, 200, 200, 200],
    ),
    # Portfolio: the whole portfolio is for the CPO and administrators; a category's maturity
    # for its owner too, who alone (with administrators) assesses it. Only top-level
    # categories are assessed.
    # The inbox: everyone's own; opening an import from it marks it seen (importers only).
    ("inbox:inbox", [], [302, 200, 200, 200, 200, 200, 200, 200]),
    ("inbox:count", [], [302, 200, 200, 200, 200, 200, 200, 200]),
    ("inbox:preferences", [], [302, 200, 200, 200, 200, 200, 200, 200]),
    ("inbox:open_import", ["refused-import"], [302, 302, 302, 403, 403, 403, 302, 403]),
    ("portfolio:dashboard", [], [302, 403, 403, 403, 403, 200, 200, 403]),
    ("portfolio:board_pack", [], [302, 403, 403, 403, 403, 200, 200, 403]),
    ("portfolio:board_pack_print", [], [302, 403, 403, 403, 403, 200, 200, 403]),
    ("portfolio:maturity", [], [302, 403, 403, 403, 403, 200, 200, 403]),
    ("portfolio:category_maturity", ["IT"], [302, 200, 403, 403, 403, 200, 200, 403]),
    ("portfolio:category_maturity", ["IT.HW"], [302, 404, 404, 404, 404, 404, 404, 404]),
    ("portfolio:assess", ["IT"], [302, 200, 403, 403, 403, 403, 200, 403]),
    ("portfolio:assess", ["FM"], [302, 403, 200, 403, 403, 403, 200, 403]),
    # The maturity model's wording: administrators correct it; procurement reads its history.
    (
        "portfolio:record_edit",
        ["descriptor", "first-descriptor"],
        [302, 403, 403, 403, 403, 403, 200, 403],
    ),
    (
        "portfolio:record_history",
        ["descriptor", "first-descriptor"],
        [302, 200, 200, 403, 403, 200, 200, 403],
    ),
    # Opportunities: a category's finder for whoever sees the category (over the spend they
    # may read); the whole portfolio's for the CPO and administrators; possible duplicate
    # payments for procurement, decided by POST.
    ("opportunities:portfolio", [], [302, 403, 403, 403, 403, 200, 200, 403]),
    ("opportunities:category", ["IT"], [302, 200, 200, 200, 404, 200, 200, 404]),
    ("opportunities:category", ["FM.CLEAN"], [302, 200, 200, 404, 200, 200, 200, 404]),
    ("opportunities:duplicates", [], [302, 200, 200, 403, 403, 200, 200, 403]),
    (
        "opportunities:duplicate_decide",
        [1, 2],
        [302, 405, 405, 405, 405, 405, 405, 405],
    ),
]


def _named_urls(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _named_urls(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}"


def test_every_url_is_in_the_matrix():
    covered = {name for name, _, _ in MATRIX}
    assert set(_named_urls()) <= covered


def resolve_args(args, company):
    """The placeholders the builders do not make: the first supplier and a refused import."""
    return [
        company.suppliers[0].pk
        if arg == "first-supplier"
        else refused_import().pk
        if arg == "refused-import"
        else arg
        for arg in args
    ]


def refused_import():
    return ImportJob.objects.create(
        file_name="spend.csv",
        stored_path="/nonexistent/spend.csv",
        content_hash="0" * 64,
        status=ImportJob.REJECTED,
        error_count=1,
        rejected_rows="Row,Supplier,What is wrong\n2,,the supplier is empty\n",
    )


@pytest.mark.parametrize(("name", "args", "statuses"), MATRIX)
def test_each_role_gets_the_expected_status(client, company_with_spend, name, args, statuses):
    args = supplier_args(stakeholder_args(args, company_with_spend), company_with_spend)
    args = plan_args(args, company_with_spend)
    url = reverse(name, args=resolve_args(args, company_with_spend))
    seen = {}
    for role in ROLES:
        client.logout()
        if role != "anonymous":
            client.force_login(user_for(company_with_spend, role))
        seen[role] = client.get(url).status_code
    assert seen == dict(zip(ROLES, statuses, strict=True))


def user_for(company, role):
    return {
        "manager": company.manager,
        "othermanager": company.other_manager,
        "unitlead": company.unit_lead,
        "otherlead": company.other_unit_lead,
        "cpo": company.cpo,
        "admin": company.administrator,
        "nobody": company.nobody,
    }[role]


def test_anonymous_visitor_is_sent_to_login_with_the_page_to_return_to(client, company):
    response = client.get(reverse("categories:list"))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={reverse('categories:list')}"


def test_only_administrators_reach_the_admin_site(client, company):
    for user, status in [(company.administrator, 200), (company.cpo, 302), (company.manager, 302)]:
        client.force_login(user)
        assert client.get("/admin/").status_code == status


def test_logout_is_a_post_and_ends_the_session(client, company):
    client.force_login(company.cpo)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302


def stakeholder_args(args, company):
    """Survey rounds and agreements made on demand for the rows that need them."""
    from tests.factories import add_agreement, add_survey_round

    made = {}
    if "open-round" in args:
        made["open-round"] = add_survey_round(company).pk
    if "mfg-agreement" in args:
        made["mfg-agreement"] = add_agreement(company).pk
    if "mfg-measure" in args:
        made["mfg-measure"] = add_agreement(company).measures.get().pk
    if "first-driver" in args:
        from stakeholders.models import ValueDriver

        made["first-driver"] = ValueDriver.objects.order_by("pk").first().pk
    if "first-descriptor" in args:
        from portfolio.models import MaturityDescriptor, MaturityDimension

        dimension, _ = MaturityDimension.objects.get_or_create(
            key="role-matrix", defaults={"name": "Role matrix"}
        )
        made["first-descriptor"] = MaturityDescriptor.objects.get_or_create(
            dimension=dimension, level=1, defaults={"descriptor": "Reactive"}
        )[0].pk
    if "mfg-engagement" in args:
        from tests.stakeholders.correction_builders import add_unit_engagement

        made["mfg-engagement"] = add_unit_engagement(company).pk
    if "mfg-it-concern" in args:
        from tests.stakeholders.concern_builders import mfg_it_comment_key

        survey_round = made.get("open-round") or next(
            (arg for arg in args if isinstance(arg, int)), None
        )
        made["mfg-it-concern"] = mfg_it_comment_key(company, survey_round)
    return [made.get(arg, arg) for arg in args]
