"""Writing and sending the emails: a message is written into the log (inbox.models.Message) in
the transaction of the change it reports, then sent by the task worker (inbox.tasks), never by
the request. A send that fails is logged, waits and is tried again; it never undoes the change.
"""

import datetime
import logging

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from inbox import kinds
from inbox.models import DeliveryPreference, Message

logger = logging.getLogger(__name__)


# Waits before the 2nd, 3rd, ... try; after the last the message is given up (and logged).
def retry_seconds() -> list[int]:
    return getattr(settings, "EMAIL_RETRY_SECONDS", [60, 300, 1800, 7200, 21600])


# How long a worker holds a message it is sending before another may take it over.
CLAIM_SECONDS = 600
BATCH = 200


def absolute(path: str) -> str:
    """A link for an email: SITE_URL and the page; a reader who is logged out logs in first and
    lands on that page (the login page's `next`)."""
    return f"{settings.SITE_URL}{path}"


def write(*, kind: str, subject: str, lines: list[str], path: str) -> str:
    return render_to_string(
        "inbox/email/message.txt",
        {
            "lines": lines,
            "link": absolute(path),
            "preferences": absolute(reverse("inbox:preferences")),
            "kind": kinds.BY_CODE[kind].label,
        },
    )


def preferences_of(people, kind: str) -> dict:
    """How each of `people` wants to hear of `kind`: {person id: how}."""
    chosen = dict(
        DeliveryPreference.objects.filter(person__in=people, kind=kind).values_list("person", "how")
    )
    return {person.pk: chosen.get(person.pk, kinds.default_how(kind)) for person in people}


def address(people, *, kind: str, key: str, subject: str, lines: list[str], path: str) -> int:
    """Log one message about event `key` for each of `people` who wants to hear of it and has an
    address: waiting to be sent, or held for the digest (news only: an item is in the digest
    anyway while it waits). Nobody gets the same event twice. The number waiting to be sent."""
    people = [person for person in people if person.email]
    # A title with a line break in it would be refused as a header: one line, always.
    subject = " ".join(subject.split())[:300]
    how = preferences_of(people, kind)
    body = write(kind=kind, subject=subject, lines=lines, path=path)
    rows = []
    for person in people:
        if how[person.pk] == kinds.IMMEDIATELY:
            status = Message.WAITING
        elif how[person.pk] == kinds.DIGEST and kinds.BY_CODE[kind].news:
            status = Message.HELD
        else:
            continue
        rows.append(
            Message(recipient=person, kind=kind, key=key, subject=subject, body=body, status=status)
        )
    created = Message.objects.bulk_create(rows, ignore_conflicts=True)
    return sum(1 for row in created if row.status == Message.WAITING)


def _claim(message: Message, now) -> bool:
    """Take the message for this worker: no other worker sends it meanwhile, and if this one
    dies it is due again after CLAIM_SECONDS."""
    return bool(
        Message.objects.filter(
            pk=message.pk, status=Message.WAITING, send_after=message.send_after
        ).update(
            send_after=now + datetime.timedelta(seconds=CLAIM_SECONDS),
            attempts=F("attempts") + 1,
        )
    )


def deliver_waiting(now=None):
    """Send the messages that are due, each on its own; one that fails waits for its next try.
    Returns when the next waiting message is due (None when none waits)."""
    now = now or timezone.now()
    due = list(
        Message.objects.filter(status=Message.WAITING, send_after__lte=now)
        .select_related("recipient")
        .order_by("send_after", "pk")[:BATCH]
    )
    if due:
        connection = get_connection(fail_silently=False)
        try:
            for message in due:
                if _claim(message, now):
                    _send(message, connection)
        finally:
            try:
                connection.close()
            except Exception:  # a connection that never opened may fail to close
                logger.debug("Closing the mail connection failed", exc_info=True)
    return (
        Message.objects.filter(status=Message.WAITING)
        .order_by("send_after")
        .values_list("send_after", flat=True)
        .first()
    )


def _send(message: Message, connection):
    attempts = message.attempts + 1
    try:
        EmailMessage(
            subject=message.subject,
            body=message.body,
            to=[message.recipient.email],
            connection=connection,
        ).send()
    except Exception as error:  # whatever the mail server does, the next message still goes
        waits = retry_seconds()
        give_up = attempts > len(waits)
        logger.warning(
            "Email %s to %s failed (try %s%s): %s",
            message.pk,
            message.recipient.email,
            attempts,
            ", giving up" if give_up else "",
            error,
        )
        wait = 0 if give_up else waits[attempts - 1]
        Message.objects.filter(pk=message.pk).update(
            status=Message.FAILED if give_up else Message.WAITING,
            last_error=f"{type(error).__name__}: {error}"[:2000],
            send_after=timezone.now() + datetime.timedelta(seconds=wait),
        )
        # A refused connection is refused for every message: open a fresh one for the next.
        try:
            connection.close()
        except Exception:
            logger.debug("Closing the mail connection failed", exc_info=True)
        return
    Message.objects.filter(pk=message.pk).update(
        status=Message.SENT, sent_at=timezone.now(), last_error=""
    )


def send_soon():
    """Have the worker send what waits, once the current transaction commits (and never make
    that transaction fail for it)."""
    transaction.on_commit(enqueue_sending, robust=True)


def enqueue_sending(run_after=None):
    """Queue the sending task, after `run_after` if given (on a queue that can wait)."""
    from inbox.tasks import send_waiting_messages

    try:
        task = send_waiting_messages
        if run_after is not None:
            if not task.get_backend().supports_defer:
                return  # the next send picks it up
            task = task.using(run_after=run_after)
        task.enqueue()
    except Exception:
        logger.exception("Could not queue the sending of emails; they wait for the next run")
