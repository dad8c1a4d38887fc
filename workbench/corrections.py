"""Correcting what people record: edit with a stale-save check, remove undoably, and read the
history of every change.

A correctable record carries a `version` that each save moves on; a form opened on an older
version is refused with the saves made since, as category plans refuse theirs. "Removed" is a
date and a person, not a deleted row: the default manager hides removed rows, so every list and
every figure that reads `Model.objects` (or a related manager) leaves them out without knowing
about removal, while `Model.every_record` still reaches them for undo and history.

History is django-simple-history's: each model declares `history = HistoricalRecords()`, and a
save made through these functions names who made it. What changed between two saves is read
here from the historical rows, newest first, without a query per row."""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.formats import date_format, number_format
from simple_history import utils

# Bookkeeping a person does not change by hand: left out of "what changed".
UNSHOWN_FIELDS = frozenset({"id", "version", "removed_by", "created_at"})
HISTORY_SHOWN = 50
# The reason on the row written for a record made before history was kept (or in bulk).
BASELINE = "As it was before history was kept"


class CurrentRecords(models.Manager):
    """Records as they stand: removed ones are left out."""

    def get_queryset(self):
        return super().get_queryset().filter(removed_at__isnull=True)


class Versioned(models.Model):
    """A record corrected in place but never removed (reference data such as the maturity
    model's wording, which other records are read against)."""

    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True

    is_removed = False


class Correctable(Versioned):
    """A record its owner may correct and remove, keeping what it was."""

    removed_at = models.DateTimeField(null=True, blank=True, editable=False)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = CurrentRecords()
    every_record = models.Manager()

    class Meta:
        abstract = True

    @property
    def is_removed(self) -> bool:
        return self.removed_at is not None


class StaleSave(Exception):
    """Someone saved since the form was opened on version `seen`: `current` is the record as it
    is now, `changes` the saves made since (newest first, as `Change`)."""

    def __init__(self, current, changes: list):
        super().__init__("Saved by someone else since the form was opened.")
        self.current, self.changes = current, changes


@dataclass
class Change:
    """One save of a record: who, when, what kind of change, and each field from what to what
    (as shown to people). `by`, `at`, `action` and `shown_changes` are what the stale-save
    warning (templates/plans/_stale.html) reads."""

    by: object
    at: datetime.datetime
    action: str
    version: int
    shown_changes: dict = field(default_factory=dict)
    reason: str = ""


def _shown(model_field, value) -> str:
    if value is None or value == "":
        return ""
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(model_field, models.BooleanField):
        return "yes" if value else "no"
    if isinstance(model_field, models.DateTimeField):
        return date_format(timezone.localtime(value), "j M Y H:i")
    if isinstance(model_field, models.DateField):
        return date_format(value, "j M Y")
    if isinstance(model_field, models.DecimalField):
        return number_format(value, decimal_pos=model_field.decimal_places, force_grouping=True)
    return str(value)


def _tracked_fields(model):
    return [f for f in model._meta.concrete_fields if f.editable and f.name not in UNSHOWN_FIELDS]


def _action(newer, older, *, created: bool) -> str:
    if older is None:
        return "Recorded" if created else "As first kept"
    was_removed = getattr(older, "removed_at", None) is not None
    is_removed = getattr(newer, "removed_at", None) is not None
    if is_removed and not was_removed:
        return "Removed"
    if was_removed and not is_removed:
        return "Removal undone"
    return "Edited"


def _m2m_snapshots(history_model, rows) -> dict:
    """{(history_id, field name): "names, in order"} for the many-to-many fields history keeps
    (a contract's categories), in one query per field."""
    snapshots = {}
    ids = [row.history_id for row in rows]
    for m2m_field in getattr(history_model, "_history_m2m_fields", []):
        relation = next(
            r
            for r in history_model._meta.related_objects
            if r.related_model.__name__ == f"{history_model.__name__}_{m2m_field.name}"
        )
        target = utils.get_m2m_reverse_field_name(m2m_field)
        names = {history_id: [] for history_id in ids}
        for link in relation.related_model.objects.filter(history_id__in=ids).select_related(
            target
        ):
            names[link.history_id].append(str(getattr(link, target)))
        for history_id, found in names.items():
            snapshots[history_id, m2m_field.name] = ", ".join(sorted(found))
    return snapshots


def changes_of(record, *, since_version: int | None = None, limit: int = HISTORY_SHOWN):
    """The saves of `record`, newest first, each with the fields it changed; only those after
    `since_version` when given. A few queries whatever the length, as the page's query budget
    asks. One save can leave several historical rows (the row, then its many-to-many fields):
    they are read as one, the newest standing for it."""
    model = type(record)
    rows = record.history.select_related("history_user").order_by("-history_date", "-history_id")
    if since_version is not None:
        # Down to the version seen, so the oldest save since has its "before".
        rows = rows.filter(version__gte=since_version)
    saves, seen_versions, created = [], set(), set()
    for row in rows[: (limit + 1) * 4]:
        if row.history_type == "+" and row.history_change_reason != BASELINE:
            created.add(row.version)
        if row.version not in seen_versions:
            seen_versions.add(row.version)
            saves.append(row)
    saves = saves[: limit + 1]
    if not saves:
        # Rows a data migration wrote carry no history until their first save.
        return []
    tracked = _tracked_fields(model)
    m2m_fields = getattr(record.history.model, "_history_m2m_fields", [])
    snapshots = _m2m_snapshots(record.history.model, saves) if m2m_fields else {}
    result = []
    for newer, older in zip(saves, saves[1:] + [None], strict=True):
        if since_version is not None and newer.version <= since_version:
            break
        shown = {}
        if older is not None:
            for model_field in tracked:
                before = getattr(older, model_field.attname)
                after = getattr(newer, model_field.attname)
                if before != after:
                    shown[str(model_field.verbose_name)] = [
                        _shown(model_field, before),
                        _shown(model_field, after),
                    ]
            for m2m_field in m2m_fields:
                before = snapshots[older.history_id, m2m_field.name]
                after = snapshots[newer.history_id, m2m_field.name]
                if before != after:
                    shown[str(m2m_field.verbose_name)] = [before, after]
        result.append(
            Change(
                by=newer.history_user,
                at=newer.history_date,
                action=_action(newer, older, created=newer.version in created),
                version=newer.version,
                shown_changes=shown,
                reason=newer.history_change_reason or "",
            )
        )
    return result[:limit]


def _keep_baseline(current):
    """Rows made before history was kept (or in bulk) get their present state written down
    first, so the first correction shows what it changed from."""
    if not current.history.exists():
        type(current).history.bulk_history_create([current], default_change_reason=BASELINE)


def _locked(record):
    # The base manager: a removed record is still there to restore.
    return type(record)._base_manager.select_for_update().get(pk=record.pk)


def _refuse_if_stale(current, seen: int | None):
    if seen is not None and current.version != seen:
        raise StaleSave(current, changes_of(current, since_version=seen))


def record_update(*, record, form, by, seen_version: int | None, change_reason: str = ""):
    """Save a validated model form over `record` as `by`, moving its version on. Raises
    StaleSave, saving nothing, when it was saved since version `seen_version`; a save that
    changes nothing leaves the version (and everyone's open form) as it was."""
    with transaction.atomic():
        current = _locked(record)
        _refuse_if_stale(current, seen_version)
        _keep_baseline(current)
        updated = form.save(commit=False)
        if not form.has_changed():
            return current
        updated.version = current.version + 1
        if isinstance(current, Correctable):
            updated.removed_at, updated.removed_by = current.removed_at, current.removed_by
        updated._history_user = by
        if change_reason:
            # What the row's own fields cannot hold (an evaluation's ratings) goes in its
            # history as the reason for the save.
            updated._change_reason = change_reason
        updated.save()
        form.save_m2m()
    return updated


def record_remove(*, record, by, seen_version: int | None):
    """Take `record` out of every list and figure, keeping it (and who removed it, when) for
    history and undo. Refused like a save when it changed since `seen_version`."""
    with transaction.atomic():
        current = _locked(record)
        _refuse_if_stale(current, seen_version)
        if current.removed_at is not None:
            return current
        _keep_baseline(current)
        current.removed_at, current.removed_by = timezone.now(), by
        current.version += 1
        current._history_user = by
        current.save()
    return current


def record_restore(*, record, by):
    """Undo a removal: the record counts again, as it was when removed."""
    with transaction.atomic():
        current = _locked(record)
        if current.removed_at is None:
            return current
        current.removed_at, current.removed_by = None, None
        current.version += 1
        current._history_user = by
        current.save()
    return current
