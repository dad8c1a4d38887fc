"""The daily reminders (`send_reminders`) and the weekly digest (`send_digest`), through the
real SMTP server: each person hears once, of their own things only."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from inbox import kinds
from inbox.models import DeliveryPreference, Message
from plans.models import CategoryPlan
from stakeholders.models import SurveyResponse
from tests.factories import add_survey_round
from tests.inbox.test_items import contract
from tests.plans.plan_builders import make_plan

pytestmark = pytest.mark.django_db


def run(command, capture):
    with capture(execute=True):
        call_command(command, verbosity=0)


def test_a_round_closing_soon_reminds_only_the_units_that_have_not_answered(
    people, mailbox, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    closing = add_survey_round(people, closes_on=today + datetime.timedelta(days=2), anonymous=True)
    add_survey_round(people, name="Later survey", closes_on=today + datetime.timedelta(days=20))
    for category in (people.it, people.facilities):
        SurveyResponse.objects.create(
            round=closing, unit=people.finance, category=category, submitted_at=timezone.now()
        )

    run("send_reminders", django_capture_on_commit_callbacks)
    run("send_reminders", django_capture_on_commit_callbacks)  # the next day's run, say

    assert mailbox.subjects_by_recipient() == {
        "unitlead": [f"Spring survey closes {closing.closes_on:%-d %b %Y}"]
    }
    body = mailbox.to("unitlead@example.com")[0].get_content()
    assert "Manufacturing has 2 answers to give" in body and "Finance" not in body


def test_a_contract_nearing_its_notice_date_is_told_to_its_categories_manager_once(
    people, mailbox, django_capture_on_commit_callbacks
):
    contract(people, category=people.hardware, days_to_notice=20, auto_renewal=True)
    contract(people, category=people.hardware, days_to_notice=45, title="Not yet")
    contract(people, category=people.hardware, days_to_notice=-3, title="Passed")

    run("send_reminders", django_capture_on_commit_callbacks)
    run("send_reminders", django_capture_on_commit_callbacks)

    notice_by = timezone.localdate() + datetime.timedelta(days=20)
    assert mailbox.subjects_by_recipient() == {
        "manager": [f"Contract notice due {notice_by:%-d %b %Y}: Laptop framework"]
    }
    body = mailbox.to("manager@example.com")[0].get_content()
    assert "(in 20 days)" in body and "renews itself" in body
    assert "100,000" not in body and "100000" not in body


def test_the_digest_gathers_what_waits_and_the_news_held_for_it(
    people, mailbox, django_capture_on_commit_callbacks
):
    add_survey_round(people)
    plan = make_plan(people, status=CategoryPlan.IN_REVIEW, with_finance=False)
    Message.objects.create(
        recipient=people.manager,
        kind=kinds.PLAN_APPROVED,
        key="plan-approved:x",
        subject="Plan approved: Fleet 2027",
        body="...",
        status=Message.HELD,
    )
    DeliveryPreference.objects.create(
        person=people.other_unit_lead, kind=kinds.ROUND_OPENED, how=kinds.NEVER
    )

    run("send_digest", django_capture_on_commit_callbacks)
    run("send_digest", django_capture_on_commit_callbacks)  # once a week, however often run

    subjects = mailbox.subjects_by_recipient()
    assert subjects == {
        "unitlead": ["Your week in the workbench: 2 waiting for you"],
        "cpo": ["Your week in the workbench: 1 waiting for you"],
        "manager": ["Your week in the workbench: news since last week"],
    }
    lead = mailbox.to("unitlead@example.com")[0].get_content()
    assert "Spring survey" in lead and "IT 2027" in lead
    assert f"https://workbench.example.com/categories/plans/{plan.pk}/endorse/" in lead
    assert "Plan approved: Fleet 2027" in mailbox.to("manager@example.com")[0].get_content()
    assert Message.objects.get(key="plan-approved:x").status == Message.IN_DIGEST
