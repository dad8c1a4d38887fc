"""Two people pressing workflow buttons on the same plan page at the same moment (issue 13,
item 1): exactly one move happens, the other person gets the "changed since you loaded it"
page. And a button pressed on a page older than the plan's last change is refused with what
changed, so the CPO never approves a target they did not see.

The races need two real database connections that block on each other's row lock: PostgreSQL
only (SQLite serialises whole-database writes and has no SELECT ... FOR UPDATE)."""

import threading
import time

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from plans import alignment
from plans.models import CategoryPlan, PlanEvent, PlanVersion
from tests.plans.plan_builders import make_plan

STALE_PAGE = "changed since you loaded it"

# Every pair of buttons two people can press from the same status: the owner's submit twice
# (two tabs), withdraw/return/approve in review, start and close twice.
PAIRS = [
    (CategoryPlan.DRAFT, ("submit", "manager"), ("submit", "manager")),
    (CategoryPlan.IN_REVIEW, ("withdraw", "manager"), ("approve", "cpo")),
    (CategoryPlan.IN_REVIEW, ("withdraw", "manager"), ("return", "cpo")),
    (CategoryPlan.IN_REVIEW, ("withdraw", "manager"), ("withdraw", "manager")),
    (CategoryPlan.IN_REVIEW, ("return", "cpo"), ("approve", "cpo")),
    (CategoryPlan.IN_REVIEW, ("approve", "cpo"), ("approve", "cpo")),
    (CategoryPlan.IN_REVIEW, ("return", "cpo"), ("return", "cpo")),
    (CategoryPlan.APPROVED, ("activate", "manager"), ("activate", "manager")),
    (CategoryPlan.ACTIVE, ("close", "manager"), ("close", "manager")),
]


def _press_together(presses):
    """Each (client, url, data) posted from its own thread, hence its own database
    connection, released at the same moment; the responses in the same order."""
    start = threading.Barrier(len(presses))
    responses = [None] * len(presses)
    problems = []

    def press(index, client, url, data):
        try:
            start.wait(timeout=10)
            responses[index] = client.post(url, data)
        except Exception as problem:  # reported in the main thread
            problems.append(problem)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=press, args=(index, *press_args))
        for index, press_args in enumerate(presses)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not problems, problems
    return responses


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs two connections blocking on a row lock: PostgreSQL only",
)
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("status", "first", "second"),
    PAIRS,
    ids=[f"{status}:{a[0]}+{b[0]}" for status, a, b in PAIRS],
)
def test_two_buttons_pressed_at_once_move_the_plan_once(
    company, monkeypatch, status, first, second
):
    plan = make_plan(company, status=status)
    seen = plan.version
    events_before = PlanEvent.objects.filter(plan=plan).count()
    judge = alignment.next_status

    def slow_judge(*args, **kwargs):
        # Hold the move open a moment, so the other press arrives while it is under way.
        time.sleep(0.3)
        return judge(*args, **kwargs)

    monkeypatch.setattr(alignment, "next_status", slow_judge)
    people = {"manager": company.manager, "cpo": company.cpo}
    presses = []
    for action, who in (first, second):
        client = Client()
        client.force_login(people[who])
        url = reverse("plans:plan_transition", args=[plan.pk, action])
        presses.append((client, url, {"version": seen}))

    responses = _press_together(presses)

    codes = [response.status_code for response in responses]
    assert sorted(codes) == [302, 409], codes
    winner = (first, second)[codes.index(302)][0]
    loser_page = responses[codes.index(409)].content.decode()
    assert STALE_PAGE in loser_page and "Not done" in loser_page
    plan.refresh_from_db()
    assert plan.status == alignment.TRANSITIONS[winner][1]
    assert plan.version == seen + 1
    assert PlanEvent.objects.filter(plan=plan).count() == events_before + 1
    assert PlanVersion.objects.filter(plan=plan).count() == (1 if winner == "approve" else 0)
    assert plan.approved_by == (company.cpo if winner == "approve" else None)


# --- A page older than the plan's last change (any database) -----------------------------------


def test_approving_a_page_loaded_before_the_target_changed_is_refused_with_the_change(
    client, company
):
    from tests.plans.test_plan_workflow import plan_data

    plan = make_plan(company, status=CategoryPlan.IN_REVIEW)
    cpo_saw = plan.version
    client.force_login(company.manager)
    client.post(
        reverse("plans:plan_edit", args=[plan.pk]),
        plan_data(plan, target_hard_savings="90000"),
    )
    client.force_login(company.cpo)
    response = client.post(
        reverse("plans:plan_transition", args=[plan.pk, "approve"]), {"version": cpo_saw}
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert STALE_PAGE in page
    assert "Plan edited" in page and "“50000.00” → “90000.00”" in page
    plan.refresh_from_db()
    assert plan.status == CategoryPlan.IN_REVIEW and plan.approved_by is None
    assert not PlanVersion.objects.filter(plan=plan).exists()
    # Having seen it, the CPO approves the plan as it is now, from the refusal page.
    response = client.post(
        reverse("plans:plan_transition", args=[plan.pk, "approve"]), {"version": plan.version}
    )
    assert response.status_code == 302
    copy = PlanVersion.objects.get(plan=plan)
    assert copy.snapshot["targets"]["hard_savings"] == "90000.00"


def test_the_refusal_page_offers_the_move_again_only_when_it_is_still_possible(client, company):
    plan = make_plan(company, status=CategoryPlan.IN_REVIEW)
    seen = plan.version
    client.force_login(company.manager)
    client.post(reverse("plans:plan_transition", args=[plan.pk, "withdraw"]), {"version": seen})
    client.force_login(company.cpo)
    page = client.post(
        reverse("plans:plan_transition", args=[plan.pk, "approve"]), {"version": seen}
    ).content.decode()
    assert "Withdraw to draft" in page  # what happened meanwhile
    assert "Approve anyway" not in page  # a draft cannot be approved
    plan.refresh_from_db()
    assert plan.status == CategoryPlan.DRAFT and plan.approved_by is None


def test_a_button_without_the_version_it_was_pressed_on_is_refused(client, company):
    plan = make_plan(company)
    client.force_login(company.manager)
    response = client.post(reverse("plans:plan_transition", args=[plan.pk, "submit"]))
    assert response.status_code == 409
    assert CategoryPlan.objects.get(pk=plan.pk).status == CategoryPlan.DRAFT


def test_the_plan_page_buttons_carry_the_version_shown(client, company_with_spend):
    plan = make_plan(company_with_spend)
    CategoryPlan.objects.filter(pk=plan.pk).update(version=5)
    client.force_login(company_with_spend.manager)
    page = client.get(reverse("plans:plan_detail", args=[plan.pk])).content.decode()
    assert 'name="version" value="5"' in page


def test_approving_a_page_loaded_before_an_initiative_changed_is_refused(client, company):
    from tests.plans.test_plan_workflow import initiative_data

    plan = make_plan(company, status=CategoryPlan.IN_REVIEW)
    cpo_saw = plan.version
    initiative = plan.initiatives.get(title="Tender laptops")
    client.force_login(company.manager)
    client.post(
        reverse("plans:initiative_edit", args=[initiative.pk]),
        initiative_data(initiative, hard_savings="45000"),
    )
    client.force_login(company.cpo)
    response = client.post(
        reverse("plans:plan_transition", args=[plan.pk, "approve"]), {"version": cpo_saw}
    )
    assert response.status_code == 409
    assert "Initiative edited: Tender laptops while the plan is in review" in (
        response.content.decode()
    )
    plan.refresh_from_db()
    assert plan.status == CategoryPlan.IN_REVIEW and not PlanVersion.objects.exists()
    # A stage moved on is running the plan, not changing it: no refusal for that.
    initiative.refresh_from_db()
    client.force_login(company.manager)
    client.post(
        reverse("plans:initiative_edit", args=[initiative.pk]),
        initiative_data(initiative, stage="validated"),
    )
    client.force_login(company.cpo)
    response = client.post(
        reverse("plans:plan_transition", args=[plan.pk, "approve"]), {"version": plan.version}
    )
    assert response.status_code == 302
    assert PlanVersion.objects.get(plan=plan).snapshot
