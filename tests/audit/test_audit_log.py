"""The security audit log: each event an auditor asks about is recorded when it is caused, with
who and from where, and an administrator (only) reads and exports it."""

import csv
import datetime
import io

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from audit.models import SecurityEvent
from spend.models import ImportJob
from stakeholders.models import SurveyRound
from suppliers import services as supplier_services
from suppliers.models import Supplier
from tests.spend.import_support import csv_bytes, import_file, imports_in_tmp  # noqa: F401
from workbench.roles import CATEGORY_MANAGER, CPO

pytestmark = pytest.mark.django_db


def _events(kind, after=0):
    return list(SecurityEvent.objects.filter(kind=kind, pk__gt=after).order_by("pk"))


def _last_event() -> int:
    return SecurityEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def _log_in(client, username, password):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR="10.0.0.7"
    )


def test_a_sign_in_and_a_sign_out_are_recorded_with_the_address(client, company, password):
    _log_in(client, "manager", password)
    client.post(reverse("logout"), REMOTE_ADDR="10.0.0.7")
    (signed_in,) = _events(SecurityEvent.LOGIN)
    assert (signed_in.actor, signed_in.ip_address) == (company.manager, "10.0.0.7")
    (signed_out,) = _events(SecurityEvent.LOGOUT)
    assert signed_out.actor == company.manager


def test_a_failed_sign_in_keeps_the_username_tried_and_never_the_password(client, company):
    _log_in(client, "manager", "Wrong-but-secret-1")
    (failed,) = _events(SecurityEvent.LOGIN_FAILED)
    assert failed.actor is None and failed.actor_name == "manager"
    assert failed.ip_address == "10.0.0.7"
    stored = f"{failed.summary} {failed.detail}"
    assert "Wrong-but-secret-1" not in stored


def test_a_lockout_is_recorded(client, company):
    for _ in range(5):
        _log_in(client, "unitlead", "guess")
    (locked,) = _events(SecurityEvent.LOCKED_OUT)
    assert locked.actor_name == "unitlead" and "locked out" in locked.summary
    assert len(_events(SecurityEvent.LOGIN_FAILED)) == 5


def test_roles_given_and_taken_away_from_either_side_are_recorded(company):
    person, before = company.unit_lead, _last_event()  # the company's own roles came first
    managers = Group.objects.get(name=CATEGORY_MANAGER)
    person.groups.add(managers)
    person.groups.remove(managers)
    Group.objects.get(name=CPO).user_set.add(person)
    person.groups.clear()
    changes = _events(SecurityEvent.ROLE_CHANGED, after=before)
    assert [event.detail["change"] for event in changes] == [
        "given",
        "taken away",
        "given",
        "taken away",
    ]
    assert changes[0].detail["roles"] == [CATEGORY_MANAGER]
    assert changes[2].detail == {"users": ["unitlead"], "roles": [CPO], "change": "given"}
    assert CPO in changes[3].detail["roles"]


def test_an_account_made_administrator_or_switched_off_is_recorded(company):
    person = company.unit_lead
    person.is_superuser = True
    person.save()
    person.is_active = False
    person.save()
    person.first_name = "Renamed"
    person.save()  # not a permission: not recorded
    changes = _events(SecurityEvent.PERMISSION_CHANGED)
    assert [event.detail["changed"] for event in changes] == [
        {"is_superuser": [False, True]},
        {"is_active": [True, False]},
    ]


def test_a_round_opened_and_closed_early_is_recorded_with_who(client, company):
    client.force_login(company.cpo)
    today = timezone.localdate()
    client.post(
        reverse("stakeholders:round_create"),
        {
            "name": "Autumn survey",
            "opens_on": today.isoformat(),
            "closes_on": (today + datetime.timedelta(days=20)).isoformat(),
            "units": [company.manufacturing.pk],
            "categories": [company.it.pk],
        },
    )
    survey_round = SurveyRound.objects.get()
    assert "Close the round now" in client.get(survey_round.get_absolute_url()).text
    response = client.post(reverse("stakeholders:round_close", args=[survey_round.pk]))
    assert response.status_code == 302
    survey_round.refresh_from_db()
    assert not survey_round.is_open(today)
    (opened,) = _events(SecurityEvent.ROUND_OPENED)
    (closed,) = _events(SecurityEvent.ROUND_CLOSED)
    assert opened.actor == closed.actor == company.cpo
    assert closed.detail["round"] == survey_round.pk
    assert "Close the round now" not in client.get(survey_round.get_absolute_url()).text


def test_only_the_cpo_or_an_administrator_closes_a_round(client, company):
    today = timezone.localdate()
    survey_round = SurveyRound.objects.create(
        name="Spring", opens_on=today, closes_on=today + datetime.timedelta(days=5)
    )
    client.force_login(company.manager)
    assert (
        client.post(reverse("stakeholders:round_close", args=[survey_round.pk])).status_code == 403
    )
    survey_round.refresh_from_db()
    assert survey_round.is_open(today)
    assert not _events(SecurityEvent.ROUND_CLOSED)


def test_a_download_is_recorded_with_who_took_which_table(client, company):
    client.force_login(company.cpo)
    response = client.get(reverse("stakeholders:priorities"), {"format": "csv"})
    assert response.status_code == 200
    (export,) = _events(SecurityEvent.EXPORT)
    assert export.actor == company.cpo
    assert export.detail["address"] == reverse("stakeholders:priorities") + "?format=csv"
    assert export.detail["file"].endswith(".csv")
    client.get(reverse("stakeholders:priorities"))
    assert len(_events(SecurityEvent.EXPORT)) == 1  # a page read is not a download


def test_an_import_stored_and_undone_is_recorded(client, company, imports_in_tmp):  # noqa: F811
    data = csv_bytes("2026-01-05,Dell Technologies Ltd,100.00,GBP,MFG,IT,6100,Laptops,INV-1")
    job = import_file(data, user=company.manager)
    assert job.status == ImportJob.STORED
    (stored,) = _events(SecurityEvent.IMPORT_STORED)
    assert stored.actor == company.manager and stored.detail["source"] == "spend.csv"
    client.force_login(company.manager)
    client.post(reverse("spend:import_undo", args=[job.pk]), {"confirm": "yes"})
    (undone,) = _events(SecurityEvent.IMPORT_UNDONE)
    assert undone.actor == company.manager
    assert undone.detail["batch"] == stored.detail["batch"]


def test_a_merge_and_its_undo_are_recorded(company):
    kept, duplicate = company.suppliers[0], Supplier.objects.create(name="Dell Tech Ltd")
    merge = supplier_services.supplier_merge(
        kept=kept, duplicate=duplicate, by=company.manager, reason="Same company"
    )
    supplier_services.supplier_merge_undo(merge=merge, by=company.other_manager)
    (merged,) = _events(SecurityEvent.SUPPLIERS_MERGED)
    (unmerged,) = _events(SecurityEvent.MERGE_UNDONE)
    assert merged.actor == company.manager and "Dell Tech Ltd" in merged.summary
    assert unmerged.actor == company.other_manager


def test_an_administrator_reads_filters_and_exports_the_log(client, company, password):
    _log_in(client, "manager", "not-it")
    client.force_login(company.administrator)
    page = client.get(reverse("audit:log"), {"kind": SecurityEvent.LOGIN_FAILED})
    assert page.status_code == 200
    assert "Failed sign-in as “manager”" in page.text
    assert "signed in" not in page.text
    response = client.get(reverse("audit:log"), {"format": "csv", "who": "manager"})
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body)))
    assert [row["Event"] for row in rows] == ["Failed sign-in"]
    # Exporting the log is itself on the record.
    assert _events(SecurityEvent.EXPORT)[-1].detail["file"].startswith("audit-log")


def test_nobody_else_reads_the_log(client, company):
    for person in (company.manager, company.cpo, company.unit_lead):
        client.force_login(person)
        assert client.get(reverse("audit:log")).status_code == 403
        assert client.get(reverse("audit:log"), {"format": "csv"}).status_code == 403


def test_the_log_cannot_be_edited_even_in_the_admin(client, company):
    _log_in(client, "manager", "not-it")
    event = SecurityEvent.objects.get(kind=SecurityEvent.LOGIN_FAILED)
    url = reverse("admin:audit_securityevent_change", args=[event.pk])
    client.force_login(company.administrator)
    client.post(url, {"summary": "nothing happened"})
    event.refresh_from_db()
    assert event.summary.startswith("Failed sign-in")
    assert (
        client.post(
            reverse("admin:audit_securityevent_delete", args=[event.pk]), {"post": "yes"}
        ).status_code
        == 403
    )


def test_the_log_page_reads_a_fixed_number_of_queries(
    client, company, django_assert_max_num_queries
):
    for attempt in range(60):
        SecurityEvent.objects.create(kind=SecurityEvent.LOGIN_FAILED, summary=f"try {attempt}")
    client.force_login(company.administrator)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("audit:log")).status_code == 200
