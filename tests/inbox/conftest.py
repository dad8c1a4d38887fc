"""A real SMTP server on loopback (aiosmtpd) that the workbench's SMTP backend talks to, and a
company whose people have email addresses."""

import email
import email.policy
import socket

import pytest
from aiosmtpd.controller import Controller


class Mailbox:
    """What the server received: one parsed message per delivery, with its envelope rcpts."""

    def __init__(self):
        self.received = []

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.received.append((list(envelope.rcpt_tos), message))
        return "250 Message accepted"

    def to(self, address: str) -> list:
        return [message for rcpts, message in self.received if address in rcpts]

    def subjects_by_recipient(self) -> dict:
        seen = {}
        for rcpts, message in self.received:
            for rcpt in rcpts:
                seen.setdefault(rcpt.split("@")[0], []).append(message["Subject"])
        return seen


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SmtpServer:
    def __init__(self, port: int):
        self.port = port
        self.mailbox = Mailbox()
        self.controller = None

    def start(self):
        self.controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp_settings(settings):
    """The workbench set up for SMTP on a loopback port nothing listens on yet; tasks run at
    once (the immediate backend), as the worker would run them."""
    port = free_port()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    settings.SITE_URL = "https://workbench.example.com"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    return settings


@pytest.fixture
def smtp_server(smtp_settings):
    server = SmtpServer(smtp_settings.EMAIL_PORT)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def mailbox(smtp_server):
    return smtp_server.mailbox


@pytest.fixture
def people(company):
    """Everyone in the test company with an address: <username>@example.com."""
    for person in (
        company.manager,
        company.other_manager,
        company.unit_lead,
        company.other_unit_lead,
        company.cpo,
        company.administrator,
        company.nobody,
    ):
        person.email = f"{person.username}@example.com"
        person.save(update_fields=["email"])
    return company
