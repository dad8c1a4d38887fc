"""Email through a real SMTP server on loopback: each action tells the right people, and
nobody else; each person's choices hold; a refused connection is retried and the action that
caused the email stands."""

import logging

import pytest
from django.urls import reverse
from django.utils import timezone

from inbox import kinds
from inbox.models import DeliveryPreference, Message
from inbox.tasks import send_waiting_messages
from plans.models import CategoryPlan
from spend.importing.storing import save_upload
from spend.importing.tasks import import_spend_file
from spend.models import ColumnMapping, ImportJob
from tests.inbox.conftest import SmtpServer
from tests.plans.plan_builders import make_plan

pytestmark = pytest.mark.django_db

HEADER = "Invoice Date,Vendor Name,Net Amount,Currency,Cost Centre,Category,Invoice Number"
COLUMNS = {
    "date": "Invoice Date",
    "supplier": "Vendor Name",
    "amount": "Net Amount",
    "currency": "Currency",
    "business_unit": "Cost Centre",
    "category": "Category",
    "document_reference": "Invoice Number",
}


def open_round(client, company, capture, **fields):
    client.force_login(company.cpo)
    today = timezone.localdate()
    data = {
        "name": "Autumn survey",
        "opens_on": today.isoformat(),
        "closes_on": (today + timezone.timedelta(days=14)).isoformat(),
        "units": [company.manufacturing.pk],
        "categories": [company.it.pk, company.facilities.pk],
        **fields,
    }
    with capture(execute=True):
        response = client.post(reverse("stakeholders:round_create"), data)
    assert response.status_code == 302, response.content[:2000]


def move(client, user, plan, action, capture):
    client.force_login(user)
    plan.refresh_from_db()
    with capture(execute=True):
        response = client.post(
            reverse("plans:plan_transition", args=[plan.pk, action]), {"version": plan.version}
        )
    assert response.status_code == 302
    plan.refresh_from_db()
    return plan


def test_opening_a_round_emails_the_leads_of_the_units_it_asks_and_nobody_else(
    client, people, mailbox, django_capture_on_commit_callbacks
):
    open_round(client, people, django_capture_on_commit_callbacks)

    assert mailbox.subjects_by_recipient() == {"unitlead": ["Survey round: Autumn survey"]}
    body = mailbox.to("unitlead@example.com")[0].get_content()
    assert "Autumn survey asks Manufacturing" in body and "2 categories" in body
    survey_round_url = reverse("stakeholders:round", args=[Message.objects.get().key.split(":")[1]])
    assert f"https://workbench.example.com{survey_round_url}" in body
    assert Message.objects.get().status == Message.SENT


def test_an_anonymous_round_email_names_no_other_unit(
    client, people, mailbox, django_capture_on_commit_callbacks
):
    open_round(
        client,
        people,
        django_capture_on_commit_callbacks,
        anonymous="on",
        units=[people.manufacturing.pk, people.finance.pk],
    )
    for lead, own, other in [
        ("unitlead", "Manufacturing", "Finance"),
        ("otherlead", "Finance", "Manufacturing"),
    ]:
        (message,) = mailbox.to(f"{lead}@example.com")
        body = message.get_content()
        assert own in body and other not in body and "anonymous" in body
    assert len(mailbox.received) == 2


def test_submitting_a_plan_emails_the_cpo_and_the_affected_units_leads_only(
    client, people, mailbox, django_capture_on_commit_callbacks
):
    plan = make_plan(people, with_finance=False)

    move(client, people.manager, plan, "submit", django_capture_on_commit_callbacks)

    assert plan.status == CategoryPlan.IN_REVIEW
    assert mailbox.subjects_by_recipient() == {
        "cpo": ["Plan to approve: IT 2027"],
        "unitlead": ["Plan to endorse: IT 2027"],
    }
    endorse = mailbox.to("unitlead@example.com")[0].get_content()
    assert "affects Manufacturing" in endorse
    assert f"https://workbench.example.com/categories/plans/{plan.pk}/endorse/" in endorse
    # No figure of the plan travels in the email: its target and savings stay on the page.
    for message in (m for _, m in mailbox.received):
        assert "50,000" not in message.get_content() and "40,000" not in message.get_content()


def test_approving_a_plan_tells_its_owner_and_the_affected_units(
    client, people, mailbox, django_capture_on_commit_callbacks
):
    plan = make_plan(people, status=CategoryPlan.IN_REVIEW)

    move(client, people.cpo, plan, "approve", django_capture_on_commit_callbacks)

    assert plan.status == CategoryPlan.APPROVED
    assert mailbox.subjects_by_recipient() == {
        "manager": ["Plan approved: IT 2027"],
        "unitlead": ["Plan approved: IT 2027"],
        "otherlead": ["Plan approved: IT 2027"],
    }


def test_an_objection_tells_the_plans_owner_and_the_cpo_why(
    client, people, mailbox, django_capture_on_commit_callbacks
):
    plan = make_plan(people, status=CategoryPlan.IN_REVIEW)
    client.force_login(people.unit_lead)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("plans:plan_endorse", args=[plan.pk]),
            {"unit": people.manufacturing.pk, "decision": "object", "reason": "Slower laptops"},
        )

    assert set(mailbox.subjects_by_recipient()) == {"manager", "cpo"}
    assert "Its reason: Slower laptops" in mailbox.to("cpo@example.com")[0].get_content()


def queued_import(company, data: bytes, tmp_path, settings) -> ImportJob:
    settings.IMPORTS_DIR = tmp_path / "imports"
    job = save_upload(data, "october.csv", company.manager)
    job.mapping = ColumnMapping.objects.create(
        name="ERP", columns=COLUMNS, date_format="iso", default_currency=""
    )
    job.status = ImportJob.QUEUED
    job.save()
    return job


def test_a_finished_import_emails_the_person_who_uploaded_it(people, mailbox, tmp_path, settings):
    job = queued_import(
        people,
        f"{HEADER}\n2026-10-15,Dell Technologies Ltd,1200.50,GBP,MFG,IT.HW,INV-1\n".encode(),
        tmp_path,
        settings,
    )

    import_spend_file.call(job.pk)  # as the worker runs it

    job.refresh_from_db()
    assert job.status == ImportJob.STORED, job.message
    assert mailbox.subjects_by_recipient() == {"manager": ["Import stored: october.csv"]}
    assert "Stored 1 line." in mailbox.to("manager@example.com")[0].get_content()


def test_a_failed_import_emails_the_person_who_uploaded_it(
    people, mailbox, tmp_path, settings, monkeypatch
):
    job = queued_import(
        people,
        f"{HEADER}\n2026-10-15,Dell Technologies Ltd,1200.50,GBP,MFG,IT.HW,INV-1\n".encode(),
        tmp_path,
        settings,
    )

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("spend.importing.storing._store", broken)
    import_spend_file.call(job.pk)

    job.refresh_from_db()
    assert job.status == ImportJob.FAILED
    assert mailbox.subjects_by_recipient() == {"manager": ["Import failed: october.csv"]}
    assert "disk full" in mailbox.to("manager@example.com")[0].get_content()


def test_each_persons_choices_hold(client, people, mailbox, django_capture_on_commit_callbacks):
    DeliveryPreference.objects.create(
        person=people.cpo, kind=kinds.PLAN_TO_APPROVE, how=kinds.NEVER
    )
    DeliveryPreference.objects.create(
        person=people.unit_lead, kind=kinds.PLAN_TO_ENDORSE, how=kinds.DIGEST
    )
    DeliveryPreference.objects.create(
        person=people.manager, kind=kinds.PLAN_APPROVED, how=kinds.DIGEST
    )
    plan = make_plan(people)

    move(client, people.manager, plan, "submit", django_capture_on_commit_callbacks)
    assert mailbox.subjects_by_recipient() == {"otherlead": ["Plan to endorse: IT 2027"]}

    move(client, people.cpo, plan, "approve", django_capture_on_commit_callbacks)
    assert set(mailbox.subjects_by_recipient()) == {"otherlead", "unitlead"}
    # The owner chose the digest: the news waits there, not in the mail.
    held = Message.objects.get(recipient=people.manager)
    assert held.status == Message.HELD and held.subject == "Plan approved: IT 2027"


def test_a_refused_connection_is_retried_and_the_action_stands(
    client, people, smtp_settings, django_capture_on_commit_callbacks, caplog
):
    smtp_settings.EMAIL_RETRY_SECONDS = [0, 0]
    plan = make_plan(people, with_finance=False)

    with caplog.at_level(logging.WARNING, logger="inbox.mail"):
        move(client, people.manager, plan, "submit", django_capture_on_commit_callbacks)

    assert plan.status == CategoryPlan.IN_REVIEW  # the submission is not undone
    waiting = Message.objects.filter(status=Message.WAITING)
    assert waiting.count() == 2
    assert all(m.attempts == 1 and "ConnectionRefused" in m.last_error for m in waiting)
    assert "failed (try 1)" in caplog.text

    server = SmtpServer(smtp_settings.EMAIL_PORT)  # the mail server comes back
    server.start()
    try:
        send_waiting_messages.call()
    finally:
        server.stop()

    assert server.mailbox.subjects_by_recipient() == {
        "cpo": ["Plan to approve: IT 2027"],
        "unitlead": ["Plan to endorse: IT 2027"],
    }
    assert set(Message.objects.values_list("status", "attempts")) == {(Message.SENT, 2)}


def test_a_message_is_given_up_after_its_last_try_and_logged(
    client, people, smtp_settings, django_capture_on_commit_callbacks, caplog
):
    smtp_settings.EMAIL_RETRY_SECONDS = [0]
    plan = make_plan(people, with_finance=False)
    move(client, people.manager, plan, "submit", django_capture_on_commit_callbacks)

    with caplog.at_level(logging.WARNING, logger="inbox.mail"):
        send_waiting_messages.call()

    assert set(Message.objects.values_list("status", "attempts")) == {(Message.FAILED, 2)}
    assert "giving up" in caplog.text


def test_on_the_database_queue_a_failed_send_comes_back_later(
    client, people, smtp_settings, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    smtp_settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    plan = make_plan(people, with_finance=False)
    move(client, people.manager, plan, "submit", django_capture_on_commit_callbacks)
    assert DBTaskResult.objects.count() == 1  # queued, not sent by the request

    send_waiting_messages.call()  # the worker runs it while the server refuses

    # The first retry is a minute away (EMAIL_RETRY_SECONDS' default): queued for then.
    now = timezone.now()
    retry = DBTaskResult.objects.get(
        run_after__gt=now, run_after__lt=now + timezone.timedelta(minutes=2)
    )
    assert retry.task_path == "inbox.tasks.send_waiting_messages"


def test_an_edit_after_approval_asks_for_approval_and_endorsement_again(
    people, mailbox, django_capture_on_commit_callbacks
):
    from plans.services import plan_reopen_if_approved

    plan = make_plan(people, status=CategoryPlan.APPROVED, with_finance=False)

    with django_capture_on_commit_callbacks(execute=True):
        assert plan_reopen_if_approved(plan=plan, by=people.manager, what="Targets changed")

    assert mailbox.subjects_by_recipient() == {
        "cpo": ["Plan to approve: IT 2027"],
        "unitlead": ["Plan to endorse: IT 2027"],
    }
    assert "revision 2 is back in review" in mailbox.to("cpo@example.com")[0].get_content()


def test_a_message_that_cannot_be_written_does_not_stop_the_action(
    client, people, smtp_settings, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    def broken(*args, **kwargs):
        raise RuntimeError("mail log unavailable")

    monkeypatch.setattr("inbox.mail.address", broken)
    plan = make_plan(people, with_finance=False)

    with caplog.at_level(logging.ERROR, logger="inbox.notify"):
        move(client, people.manager, plan, "submit", django_capture_on_commit_callbacks)

    assert plan.status == CategoryPlan.IN_REVIEW
    assert plan.events.filter(action="Submit for review").exists()
    assert "Could not write the emails of plan_moved" in caplog.text
    assert not Message.objects.exists()
