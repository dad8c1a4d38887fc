"""Logging in resists guessing, sessions end, and what a logged-in person sees stays private:
lockout after repeated wrong passwords (django-axes), password rules and the password-change
page, a working day's session, `Cache-Control: private, no-store`, the Content-Security-Policy
header and `manage.py check --deploy` with production settings (issue "Trust", attack 7)."""

import datetime
import json
import os
import secrets
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from unittest import mock

import plotly.graph_objects as go
import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_user
from workbench.charts import figure_html
from workbench.roles import ADMINISTRATOR

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
LOCKED = "Logging in is locked after 5 wrong passwords"


def _log_in(client, username, password, address="127.0.0.1"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def _logged_in(client) -> bool:
    return SESSION_KEY in client.session


# --- Lockout --------------------------------------------------------------------------------


def test_five_wrong_passwords_lock_the_user_and_the_right_one_is_then_refused(
    client, company, password
):
    for _ in range(4):
        response = _log_in(client, "unitlead", "guess")
        assert response.status_code == 200
        assert LOCKED not in response.text
    assert _log_in(client, "unitlead", "guess").status_code == 429

    response = _log_in(client, "unitlead", password)

    assert response.status_code == 429
    assert not _logged_in(client)
    assert (
        "Logging in is locked after 5 wrong passwords for this user name or from this computer. "
        "Wait 30 minutes and try again, or ask an administrator to unlock it."
    ) in response.text
    # The page is still the login page, the user name kept.
    assert 'name="username"' in response.text and 'value="unitlead"' in response.text


def test_guessing_one_user_from_many_addresses_still_locks_that_user(client, company, password):
    for number in range(5):
        _log_in(client, "unitlead", "guess", address=f"192.0.2.{number}")

    assert _log_in(client, "unitlead", password, address="198.51.100.7").status_code == 429
    assert not _logged_in(client)


def test_guessing_many_users_from_one_address_locks_that_address(client, company, password):
    for username in ("manager", "othermanager", "otherlead", "cpo", "nobody"):
        _log_in(client, username, "guess", address="203.0.113.9")

    assert _log_in(client, "unitlead", password, address="203.0.113.9").status_code == 429
    # Someone elsewhere is not held up by it.
    assert _log_in(client, "unitlead", password, address="198.51.100.7").status_code == 302


def test_a_right_password_before_the_limit_logs_in_and_starts_the_count_again(
    client, company, password
):
    for _ in range(4):
        _log_in(client, "unitlead", "guess")
    assert _log_in(client, "unitlead", password).status_code == 302
    client.logout()
    for _ in range(4):
        _log_in(client, "unitlead", "guess")
    assert _log_in(client, "unitlead", password).status_code == 302


def test_an_administrator_unlocks_the_user_in_the_admin_site(client, company, password):
    for _ in range(5):
        _log_in(client, "unitlead", "guess")
    assert _log_in(client, "unitlead", password).status_code == 429

    administrator = make_user("root", ADMINISTRATOR, is_staff=True, is_superuser=True)
    client.force_login(administrator)
    listing = client.get(reverse("admin:axes_accessattempt_changelist"))
    assert listing.status_code == 200 and "unitlead" in listing.text
    attempts = AccessAttempt.objects.filter(username="unitlead")
    response = client.post(
        reverse("admin:axes_accessattempt_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [attempt.pk for attempt in attempts],
            "post": "yes",
        },
    )
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username="unitlead").exists()
    client.logout()

    assert _log_in(client, "unitlead", password).status_code == 302
    assert _logged_in(client)


def test_an_administrator_unlocks_the_user_from_the_command_line(client, company, password):
    for _ in range(5):
        _log_in(client, "unitlead", "guess")

    call_command("axes_reset_username", "unitlead", stdout=open(os.devnull, "w"))

    assert _log_in(client, "unitlead", password).status_code == 302


def test_the_lock_lifts_by_itself_after_the_lockout_time(client, company, password):
    for _ in range(5):
        _log_in(client, "unitlead", "guess")

    def last_failure_ago(minutes):
        AccessAttempt.objects.update(
            attempt_time=timezone.now() - datetime.timedelta(minutes=minutes)
        )

    last_failure_ago(29)
    assert _log_in(client, "unitlead", password).status_code == 429
    last_failure_ago(31)
    assert _log_in(client, "unitlead", password).status_code == 302


# --- Password rules and changing one's own password ----------------------------------------


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("84736291", "This password is entirely numeric."),
        ("847362918273645", "This password is entirely numeric."),
        ("pine-cone-7", "This password is too short. It must contain at least 12 characters."),
    ],
)
def test_numeric_and_short_passwords_are_refused(password, message):
    with pytest.raises(ValidationError) as refusal:
        validate_password(password)
    assert message in refusal.value.messages


def test_the_demo_password_is_long_enough_and_not_numeric():
    validate_password("workbench-demo")


def test_every_page_links_to_changing_ones_password(client, company):
    client.force_login(company.unit_lead)
    assert f'href="{reverse("password_change")}"' in client.get(reverse("home")).text


def test_everyone_logged_in_may_open_the_password_pages_and_visitors_are_sent_to_login(
    client, company
):
    for user in (
        company.manager,
        company.unit_lead,
        company.cpo,
        company.administrator,
        company.nobody,
    ):
        client.force_login(user)
        assert client.get(reverse("password_change")).status_code == 200
        assert client.get(reverse("password_change_done")).status_code == 200
    client.logout()
    assert client.get(reverse("password_change")).status_code == 302


def test_a_unit_lead_changes_their_password_and_logs_in_with_the_new_one(client, company, password):
    client.force_login(company.unit_lead)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": password,
            "new_password1": "ledger-lantern-quarry",
            "new_password2": "ledger-lantern-quarry",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("password_change_done")
    assert "Password changed" in client.get(reverse("password_change_done")).text
    client.logout()

    assert _log_in(client, "unitlead", password).status_code == 200
    assert not _logged_in(client)
    assert _log_in(client, "unitlead", "ledger-lantern-quarry").status_code == 302
    assert _logged_in(client)


def test_a_numeric_new_password_is_refused_with_the_reason(client, company, password):
    client.force_login(company.unit_lead)
    response = client.post(
        reverse("password_change"),
        {"old_password": password, "new_password1": "84736291", "new_password2": "84736291"},
    )
    assert response.status_code == 200
    assert "This password is entirely numeric." in response.text
    company.unit_lead.refresh_from_db()
    assert company.unit_lead.check_password(password)


# --- Sessions -------------------------------------------------------------------------------


def test_a_session_idle_for_more_than_a_working_day_is_logged_out(client, company):
    client.force_login(company.cpo)
    assert client.get(reverse("home")).status_code == 200

    nine_hours_on = timezone.now() + datetime.timedelta(hours=9, minutes=1)
    with mock.patch("django.utils.timezone.now", return_value=nine_hours_on):
        response = client.get(reverse("home"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_activity_keeps_the_session_going(client, company):
    client.force_login(company.cpo)
    start = timezone.now()
    for hours in (5, 10, 15):
        with mock.patch(
            "django.utils.timezone.now", return_value=start + datetime.timedelta(hours=hours)
        ):
            assert client.get(reverse("home")).status_code == 200


def test_a_session_is_renewed_at_most_every_quarter_of_an_hour(client, company):
    client.force_login(company.cpo)
    session = Session.objects.get()
    saved_at_login = session.expire_date

    client.get(reverse("home"))
    session.refresh_from_db()
    assert session.expire_date == saved_at_login

    twenty_minutes_on = timezone.now() + datetime.timedelta(minutes=20)
    with mock.patch("django.utils.timezone.now", return_value=twenty_minutes_on):
        client.get(reverse("home"))
    session.refresh_from_db()
    assert session.expire_date == twenty_minutes_on + datetime.timedelta(hours=9)


# --- What the browser is told ---------------------------------------------------------------


def test_pages_partials_and_exports_of_a_logged_in_person_are_private_and_not_stored(
    client, company_with_spend
):
    client.force_login(company_with_spend.cpo)
    suppliers = reverse("suppliers:list")
    responses = {
        "page": client.get(suppliers),
        "htmx section": client.get(suppliers, headers={"HX-Request": "true"}),
        "csv": client.get(suppliers, {"format": "csv"}),
        "excel": client.get(suppliers, {"format": "xlsx"}),
    }
    for what, response in responses.items():
        assert response.status_code == 200, what
        directives = {part.strip() for part in response["Cache-Control"].split(",")}
        assert {"private", "no-store"} <= directives, what


def test_static_files_keep_their_own_caching(client, company):
    client.force_login(company.cpo)
    response = client.get("/static/js/charts.js")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


def test_every_page_carries_a_content_security_policy_without_inline_scripts(client, company):
    client.force_login(company.cpo)
    header = client.get(reverse("home"))["Content-Security-Policy"]
    directives = dict(
        (part.strip().split(" ", 1) + [""])[:2] for part in header.split(";") if part.strip()
    )
    assert directives["script-src"] == "'self'"
    assert "unsafe-eval" not in header
    assert directives["object-src"] == "'none'"
    assert directives["base-uri"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["form-action"] == "'self'"


def test_a_chart_is_inert_json_that_no_name_can_break_out_of():
    name = '"></div><script>alert(1)</script>'
    html = figure_html(go.Figure(go.Bar(x=[name], y=[1])), height=300)

    class Elements(HTMLParser):
        def __init__(self):
            super().__init__()
            self.found = []

        def handle_starttag(self, tag, attrs):
            self.found.append((tag, dict(attrs)))

    parser = Elements()
    parser.feed(html)
    [(tag, attributes)] = parser.found
    assert tag == "div" and attributes["class"] == "plotly-graph-div"
    assert json.loads(attributes["data-figure"])["data"][0]["x"] == [name]


# --- Production settings --------------------------------------------------------------------


def test_deploy_check_with_production_settings_notes_only_hsts_preload(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env={
            # Production's environment: not the browser tests' async switch, which they set
            # for Playwright in this process.
            **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
            "DEBUG": "0",
            "HTTPS": "1",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "WORKBENCH_VAR_DIR": str(tmp_path),
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    issues = [line for line in output.splitlines() if line.startswith("?:") or ": (" in line]
    assert len(issues) == 1 and "(security.W021)" in issues[0], output


@pytest.mark.parametrize("name", ["LOGIN_FAILURE_LIMIT", "LOGIN_LOCKOUT_MINUTES", "SESSION_HOURS"])
def test_a_bad_number_in_the_login_settings_is_one_line(name, tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={**os.environ, name: "lots", "WORKBENCH_VAR_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert f"{name}='lots' is not a whole number above zero" in lines[0]
