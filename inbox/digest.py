"""The weekly digest: for each person, what still waits on them and the news they chose to read
once a week rather than at once. Written by `manage.py send_digest`, sent by the task worker."""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from inbox import kinds, mail
from inbox.items import items_for
from inbox.models import DeliveryPreference, Message

DIGEST = "digest"


def digest_key(today) -> str:
    year, week, _ = today.isocalendar()
    return f"digest:{year}-W{week:02d}"


def digest_for(person, today):
    """(subject, body) of `person`'s digest, or None when there is nothing to tell."""
    how = dict(DeliveryPreference.objects.filter(person=person).values_list("kind", "how"))
    wanted = {
        kind.code
        for kind in kinds.kinds_for(person)
        if how.get(kind.code, kinds.default_how(kind.code)) != kinds.NEVER
    }
    # News kinds are told once (at once, or held below), not again while they wait.
    waiting = [
        item
        for item in items_for(person, today)
        if item.kind in wanted and not kinds.BY_CODE[item.kind].news
    ]
    held = list(
        Message.objects.filter(recipient=person, status=Message.HELD).order_by("created_at")
    )
    if not waiting and not held:
        return None, held
    subject = "Your week in the workbench: " + (
        f"{len(waiting)} waiting for you" if waiting else "news since last week"
    )
    body = render_to_string(
        "inbox/email/digest.txt",
        {
            "waiting": [(item, mail.absolute(item.url)) for item in waiting],
            "held": held,
            "inbox": mail.absolute(reverse("inbox:inbox")),
            "preferences": mail.absolute(reverse("inbox:preferences")),
        },
    )
    return (subject, body), held


def digests_write(today=None) -> int:
    """Write this week's digest for everyone with something to tell (once a week: running it
    again the same week writes none twice). The number written."""
    today = today or timezone.localdate()
    key = digest_key(today)
    written = 0
    people = (
        get_user_model()
        .objects.filter(is_active=True)
        .exclude(email="")
        .exclude(inbox_messages__key=key)
    )
    for person in people:
        digest, held = digest_for(person, today)
        if digest is None:
            continue
        with transaction.atomic():
            Message.objects.create(
                recipient=person, kind=DIGEST, key=key, subject=digest[0], body=digest[1]
            )
            Message.objects.filter(pk__in=[m.pk for m in held]).update(status=Message.IN_DIGEST)
        written += 1
    if written:
        mail.send_soon()
    return written
