"""What records each security event: Django's and django-axes's sign-in signals, changes to a
person's groups (our roles) and permissions wherever they are made (our pages or the admin),
and the records that imports, undos, survey rounds and supplier merges leave."""

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver

from audit.events import record
from audit.models import SecurityEvent
from spend.models import ImportBatch
from stakeholders.models import SurveyRound
from suppliers.models import SupplierMerge

User = get_user_model()
# Account flags that widen or end what a person may do.
WATCHED_FLAGS = ("is_active", "is_staff", "is_superuser")


@receiver(user_logged_in)
def _signed_in(sender, request, user, **kwargs):
    record(SecurityEvent.LOGIN, f"{user.get_username()} signed in", actor=user, request=request)


@receiver(user_logged_out)
def _signed_out(sender, request, user, **kwargs):
    if user is not None:
        record(
            SecurityEvent.LOGOUT, f"{user.get_username()} signed out", actor=user, request=request
        )


@receiver(user_login_failed)
def _sign_in_failed(sender, credentials, request=None, **kwargs):
    # Django has already masked the password in `credentials`; only the username is kept.
    username = str(credentials.get("username", ""))[:150]
    record(
        SecurityEvent.LOGIN_FAILED,
        f"Failed sign-in as “{username}”",
        actor_name=username,
        request=request,
    )


@receiver(user_locked_out)
def _locked_out(sender, request, username, ip_address, **kwargs):
    record(
        SecurityEvent.LOCKED_OUT,
        f"“{username}” locked out after repeated failed sign-ins",
        actor_name=str(username or "")[:150],
        request=request,
        ip_address=ip_address,
    )


@receiver(pre_save, sender=User)
def _remember_flags(sender, instance, **kwargs):
    if instance.pk:
        instance._flags_before = (
            User.objects.filter(pk=instance.pk).values(*WATCHED_FLAGS).first() or {}
        )


@receiver(post_save, sender=User)
def _account_saved(sender, instance, created, **kwargs):
    if created:
        record(SecurityEvent.USER_CREATED, f"Account {instance.get_username()} created")
        return
    before = getattr(instance, "_flags_before", {})
    changed = {
        flag: [before[flag], getattr(instance, flag)]
        for flag in WATCHED_FLAGS
        if flag in before and before[flag] != getattr(instance, flag)
    }
    if changed:
        words = ", ".join(f"{flag} {old} → {new}" for flag, (old, new) in changed.items())
        record(
            SecurityEvent.PERMISSION_CHANGED,
            f"{instance.get_username()}: {words}",
            user=instance.get_username(),
            changed=changed,
        )


def _named(model, pks) -> list[str]:
    field = "name" if hasattr(model, "name") else "codename"
    return sorted(model.objects.filter(pk__in=pks or []).values_list(field, flat=True))


@receiver(m2m_changed, sender=User.groups.through)
def _roles_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    _membership_changed(
        SecurityEvent.ROLE_CHANGED, "role", "groups", instance, action, reverse, model, pk_set
    )


@receiver(m2m_changed, sender=User.user_permissions.through)
def _permissions_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    _membership_changed(
        SecurityEvent.PERMISSION_CHANGED,
        "permission",
        "user_permissions",
        instance,
        action,
        reverse,
        model,
        pk_set,
    )


def _membership_changed(kind, noun, field, instance, action, reverse, model, pk_set):
    """A person given or refused roles (groups) or permissions, from either side of the
    relation: the person's page, or the role's page listing its people."""
    if action not in ("post_add", "post_remove", "pre_clear"):
        return
    if action == "pre_clear":
        # What is about to go, read now: post_clear no longer knows.
        related = instance.user_set if reverse else getattr(instance, field)
        pk_set = set(related.values_list("pk", flat=True))
    if not pk_set:
        return
    verb = "given" if action == "post_add" else "taken away"
    if reverse:
        people = _usernames(pk_set)
        target = getattr(instance, "name", str(instance))
        summary = f"{noun.capitalize()} {target} {verb}: {', '.join(people)}"
        record(kind, summary, users=people, **{noun + "s": [target]}, change=verb)
    else:
        names = _named(model, pk_set)
        summary = f"{instance.get_username()}: {noun} {', '.join(names)} {verb}"
        record(kind, summary, users=[instance.get_username()], **{noun + "s": names}, change=verb)


def _usernames(pks) -> list[str]:
    return sorted(User.objects.filter(pk__in=pks).values_list(User.USERNAME_FIELD, flat=True))


@receiver(post_save, sender=SurveyRound)
def _round_opened(sender, instance, created, **kwargs):
    if created:
        record(
            SecurityEvent.ROUND_OPENED,
            f"Survey round “{instance.name}” opened ({instance.opens_on} to {instance.closes_on})",
            actor=instance.created_by,
            round=instance.pk,
            anonymous=instance.anonymous,
        )


@receiver(post_save, sender=ImportBatch)
def _import_stored(sender, instance, created, **kwargs):
    if created:
        record(
            SecurityEvent.IMPORT_STORED,
            f"Spend imported from {instance.source}",
            actor=instance.created_by,
            batch=instance.pk,
            source=instance.source,
        )


@receiver(post_delete, sender=ImportBatch)
def _import_undone(sender, instance, **kwargs):
    record(
        SecurityEvent.IMPORT_UNDONE,
        f"Import of {instance.source} undone ({instance.line_count:,} lines)",
        batch=instance.pk,
        source=instance.source,
        lines=instance.line_count,
    )


@receiver(post_save, sender=SupplierMerge)
def _merge_recorded(sender, instance, created, update_fields=None, **kwargs):
    if created:
        record(
            SecurityEvent.SUPPLIERS_MERGED,
            f"{instance.merged_name} merged into {instance.kept}",
            actor=instance.merged_by,
            merge=instance.pk,
            kept=instance.kept_id,
        )
    elif instance.undone_at and update_fields and "undone_at" in update_fields:
        record(
            SecurityEvent.MERGE_UNDONE,
            f"Merge of {instance.merged_name} into {instance.kept} undone",
            actor=instance.undone_by,
            merge=instance.pk,
            kept=instance.kept_id,
        )
