from django.conf import settings
from django.db import models


class SecurityEvent(models.Model):
    """One event an auditor asks about: who signed in (or failed to), who changed whose role,
    who opened or closed a survey round, exported a table, imported or undid spend, merged
    suppliers. Written once, never edited; the actor's name is kept as it was, so the record
    survives the account."""

    LOGIN = "login"
    LOGOUT = "logout"
    LOGIN_FAILED = "login_failed"
    LOCKED_OUT = "locked_out"
    USER_CREATED = "user_created"
    ROLE_CHANGED = "role_changed"
    PERMISSION_CHANGED = "permission_changed"
    ROUND_OPENED = "round_opened"
    ROUND_CLOSED = "round_closed"
    EXPORT = "export"
    IMPORT_STORED = "import_stored"
    IMPORT_UNDONE = "import_undone"
    SUPPLIERS_MERGED = "suppliers_merged"
    MERGE_UNDONE = "merge_undone"
    KINDS = [
        (LOGIN, "Signed in"),
        (LOGOUT, "Signed out"),
        (LOGIN_FAILED, "Failed sign-in"),
        (LOCKED_OUT, "Locked out"),
        (USER_CREATED, "User created"),
        (ROLE_CHANGED, "Role changed"),
        (PERMISSION_CHANGED, "Permission changed"),
        (ROUND_OPENED, "Survey round opened"),
        (ROUND_CLOSED, "Survey round closed"),
        (EXPORT, "Export"),
        (IMPORT_STORED, "Import stored"),
        (IMPORT_UNDONE, "Import undone"),
        (SUPPLIERS_MERGED, "Suppliers merged"),
        (MERGE_UNDONE, "Merge undone"),
    ]

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    kind = models.CharField(max_length=30, choices=KINDS, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_name = models.CharField(
        max_length=150, blank=True, help_text="The username as it was; kept if the account goes."
    )
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    summary = models.CharField(max_length=500)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_kind_display()}: {self.summary}"
