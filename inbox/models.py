from django.conf import settings
from django.db import models
from django.utils import timezone

from inbox import kinds


class DeliveryPreference(models.Model):
    """How a person wants to hear of one kind of news; no row means kinds.default_how."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="delivery_preferences"
    )
    kind = models.CharField(max_length=40, choices=kinds.CODE_CHOICES)
    how = models.CharField(max_length=20, choices=kinds.HOW_CHOICES)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "kind"], name="one_preference_per_kind")
        ]

    def __str__(self):
        return f"{self.person} · {self.kind}: {self.how}"


class Message(models.Model):
    """One email to one person, and what became of it: the log of what the workbench said.
    `key` names the event, so nobody is told of the same thing twice."""

    WAITING = "waiting"
    SENT = "sent"
    HELD = "held"
    IN_DIGEST = "in_digest"
    FAILED = "failed"
    STATUSES = [
        (WAITING, "Waiting to be sent"),
        (SENT, "Sent"),
        (HELD, "Held for the weekly digest"),
        (IN_DIGEST, "Told in a digest"),
        (FAILED, "Given up after repeated failures"),
    ]

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="inbox_messages"
    )
    kind = models.CharField(max_length=40)
    key = models.CharField(max_length=200)
    subject = models.CharField(max_length=300)
    body = models.TextField()
    status = models.CharField(max_length=20, choices=STATUSES, default=WAITING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Not before: a failed send waits here before its next try (and a claimed one while sent).
    send_after = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "key"], name="one_message_per_event")
        ]
        indexes = [models.Index(fields=["status", "send_after"])]

    def __str__(self):
        return f"{self.recipient} · {self.subject} ({self.status})"


class SeenItem(models.Model):
    """An inbox item a person has seen and that leaves their inbox for it (a finished import)."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="seen_items"
    )
    key = models.CharField(max_length=200)
    seen_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "key"], name="seen_once")]

    def __str__(self):
        return f"{self.person} saw {self.key}"
