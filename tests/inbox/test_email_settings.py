"""Email settings from the environment: the console unless a server is named; EMAIL_URL read
whole; a malformed one stops manage.py with one line that does not echo the password."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHOW = (
    "import json; from django.conf import settings as s; print(json.dumps([s.EMAIL_BACKEND, "
    "s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_HOST_USER, s.EMAIL_HOST_PASSWORD, s.EMAIL_USE_TLS, "
    "s.EMAIL_USE_SSL, s.SITE_URL]))"
)


def _manage(*args, **env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("EMAIL_", "SITE_URL"))}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def _settings(**env):
    result = _manage("shell", "-c", SHOW, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_without_a_mail_server_emails_go_to_the_console():
    backend, host, *_ = _settings()
    assert backend == "django.core.mail.backends.console.EmailBackend" and host == ""


def test_email_url_names_server_login_and_encryption():
    assert _settings(
        EMAIL_URL="submission://me%40example.com:p%2Fss@mail.example.com",
        SITE_URL="https://workbench.example.com/",
    ) == [
        "django.core.mail.backends.smtp.EmailBackend",
        "mail.example.com",
        587,
        "me@example.com",
        "p/ss",
        True,
        False,
        "https://workbench.example.com",
    ]
    assert _settings(EMAIL_URL="smtps://mail.example.com")[2:7] == [465, "", "", False, True]


def test_email_host_alone_turns_smtp_on():
    backend, host, port, *_ = _settings(EMAIL_HOST="relay.local", EMAIL_PORT="2525")
    assert (backend, host, port) == (
        "django.core.mail.backends.smtp.EmailBackend",
        "relay.local",
        2525,
    )


def test_a_malformed_email_url_is_one_line_without_the_password():
    result = _manage("check", EMAIL_URL="http://me:hunter2@mail.example.com")
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "EMAIL_URL" in lines[0], result.stderr
    assert "hunter2" not in result.stderr
