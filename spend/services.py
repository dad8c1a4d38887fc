"""Every change the spend pages make: queueing an import once its columns are mapped,
reviewing fuzzy supplier matches, classifying unclassified spend and the rules that classify
the next imports, monthly FX rates, and a category owner's Kraljic scores. Reading, validating
and storing a file is spend.importing's."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from spend.importing.files import FILE_GONE, upload_is_kept
from spend.importing.storing import ImportRefused
from spend.importing.tasks import import_spend_file
from spend.models import (
    ClassificationRule,
    ColumnMapping,
    ExchangeRate,
    ImportJob,
    KraljicAssessment,
    SpendLine,
)
from spend.summary import refresh_spend_summary
from spend.tasks import classifier_retrain_soon
from suppliers.models import Supplier, SupplierAlias
from suppliers.names import normalise
from workbench import corrections
from workbench.permissions import may_replace_classification_rule


def _upsert(model, lookup: dict, values: dict, *, exclude=()):
    """The row `lookup` names, created or changed to `values`, validated before it is saved.
    The caller holds the transaction the row lock lasts for."""
    row = model.objects.select_for_update().filter(**lookup).order_by().first() or model(**lookup)
    for name, value in values.items():
        setattr(row, name, value)
    row.full_clean(exclude=exclude)
    row.save()
    return row


def _enqueue(job: ImportJob):
    # After the commit, so the worker never picks up a job it cannot see yet.
    transaction.on_commit(lambda: _enqueued(job))


def _enqueued(job: ImportJob):
    task = import_spend_file.enqueue(job.pk)
    # The task's id lets the sweep tell a job still waiting for a worker from one whose worker
    # took it and died (spend.importing.heartbeat); queueing counts as its first sign of life.
    ImportJob.objects.filter(pk=job.pk, status=ImportJob.QUEUED).update(
        task_id=str(task.id)[:64], heartbeat_at=timezone.now()
    )


def import_job_map(
    *,
    job: ImportJob,
    by,
    name: str,
    columns: dict,
    date_format: str,
    decimal_comma: bool,
    default_currency: str,
    create_missing_units: bool,
    store_valid_rows: bool,
    default_business_unit: str = "",
    category_values: dict | None = None,
) -> ColumnMapping:
    """Save the confirmed mapping under its source's name (the next file from the same source
    reuses it) and queue the job to import with it."""
    with transaction.atomic():
        mapping = _upsert(
            ColumnMapping,
            {"name": name},
            {
                "columns": columns,
                "date_format": date_format,
                "decimal_comma": decimal_comma,
                "default_currency": default_currency,
                "create_missing_units": create_missing_units,
                "default_business_unit": default_business_unit,
                "kind": job.kind,
                "category_values": category_values or {},
                "created_by": by,
            },
        )
        job.mapping = mapping
        job.store_valid_rows = store_valid_rows
        job.status = ImportJob.QUEUED
        # No full_clean: the job's fields are set here by the code, not typed by a person, and
        # its JSON fields (errors, summary) are empty until it runs, which full_clean refuses.
        job.save()
        _enqueue(job)
    return mapping


def import_job_store_valid_rows(*, job: ImportJob):
    """Queue a file refused for row errors again, this time storing its valid rows and keeping
    the rejected ones."""
    with transaction.atomic():
        job.store_valid_rows = True
        job.status = ImportJob.QUEUED
        job.finished_at = None
        job.save()  # no full_clean: as in import_job_map
        _enqueue(job)


def import_job_retry(*, job: ImportJob):
    """Queue a failed job again from the file kept when it was uploaded, with its mapping: no
    need to upload it again. ImportRefused when the job did not fail or its file is gone."""
    if job.status != ImportJob.FAILED or job.mapping_id is None:
        raise ImportRefused("Only a failed import whose columns were mapped can be retried.")
    if not upload_is_kept(job.stored_path):
        raise ImportRefused(FILE_GONE)
    with transaction.atomic():
        job.status = ImportJob.QUEUED
        job.message = ""
        job.rows_done = 0
        job.finished_at = None
        job.heartbeat_at = timezone.now()
        job.save()  # no full_clean: as in import_job_map
        _enqueue(job)


def supplier_alias_confirm(*, alias: SupplierAlias):
    """The fuzzy match was right: the spelling stays an alias of its supplier."""
    alias.confirmed = True
    alias.full_clean()
    alias.save()


def supplier_alias_split(*, alias: SupplierAlias) -> Supplier:
    """The fuzzy match was wrong: the spelling becomes a supplier of its own and takes the
    lines written with it."""
    with transaction.atomic():
        supplier = Supplier(name=alias.name)
        supplier.full_clean(exclude=["normalised_name"])  # save() works it out
        supplier.save()
        spellings = [
            name
            for name in SpendLine.objects.filter(supplier=alias.supplier)
            .values_list("supplier_name_in_file", flat=True)
            .distinct()
            if normalise(name) == alias.normalised_name
        ]
        SpendLine.objects.filter(
            supplier=alias.supplier, supplier_name_in_file__in=spellings
        ).update(supplier=supplier)
        alias.supplier = supplier
        alias.confirmed = True
        alias.full_clean()
        alias.save()
    refresh_spend_summary()
    return supplier


def _refuse_taking_over(lookup: dict, category, by):
    """Refuse, under the row lock, to point another owner's rule at `category`: the check is on
    the rule being changed, not only on the category it would then give."""
    held = (
        # Only the rule's row: PostgreSQL locks no row on the nullable side of an outer join.
        ClassificationRule.objects.select_for_update(of=("self",))
        .filter(**lookup)
        .select_related("category__owner", "supplier")
        .order_by()
        .first()
    )
    if held and held.category_id != category.pk and not may_replace_classification_rule(by, held):
        owner = held.category.owner
        whose = f"{owner.get_full_name() or owner.username}'s" if owner else "another"
        raise ValidationError(
            f"The rule for {held.supplier or held.gl_account or held.keyword} already classifies "
            f"into {held.category.code} {held.category.name}, {whose} category: ask its owner or "
            "an administrator to change it."
        )


def spend_classify(*, category, supplier_ids: list[int], by) -> int:
    """Give the suppliers' unclassified lines the category, and remember a supplier rule so the
    next imports do the same. The number of lines classified. A supplier whose rule gives
    another owner's category is refused (ValidationError) and nothing is changed."""
    with transaction.atomic():
        for supplier_id in supplier_ids:
            lookup = {"kind": ClassificationRule.SUPPLIER, "supplier_id": supplier_id}
            _refuse_taking_over(lookup, category, by)
            _upsert(ClassificationRule, lookup, {"category": category, "created_by": by})
        changed = SpendLine.objects.filter(
            category__isnull=True, supplier_id__in=supplier_ids
        ).update(category=category)
        classifier_retrain_soon()  # the model learns from what the team just decided
    refresh_spend_summary()
    return changed


def classification_rule_save(*, kind: str, value: str, category, by) -> ClassificationRule:
    """A GL-account or keyword rule: the one for that account or keyword now gives
    `category`."""
    field = "gl_account" if kind == ClassificationRule.GL_ACCOUNT else "keyword"
    with transaction.atomic():
        _refuse_taking_over({"kind": kind, field: value}, category, by)
        return _upsert(
            ClassificationRule,
            {"kind": kind, field: value},
            {"category": category, "created_by": by},
        )


def classification_rule_delete(*, rule: ClassificationRule, by):
    """Remove a rule; only its category's owner or an administrator may (ValidationError).
    Its history keeps it, with who removed it, so the removal can be undone."""
    if not may_replace_classification_rule(by, rule):
        raise ValidationError("Only the category's owner or an administrator may remove it.")
    rule._history_user = by
    rule._change_reason = ClassificationRule.REMOVED_ON_RULES_PAGE
    rule.delete()


def classification_rule_restore(*, removal, by) -> ClassificationRule:
    """Undo a removal (`removal`: the rule's historical row written when it was removed on the
    rules page). Refused (ValidationError) when a rule for the same supplier, GL account or
    keyword has been made since, or when `by` may not hold rules for its category."""
    rule = removal.instance
    lookup = {
        ClassificationRule.SUPPLIER: {"kind": rule.kind, "supplier_id": rule.supplier_id},
        ClassificationRule.GL_ACCOUNT: {"kind": rule.kind, "gl_account": rule.gl_account},
        ClassificationRule.KEYWORD: {"kind": rule.kind, "keyword": rule.keyword},
    }[rule.kind]
    with transaction.atomic():
        if ClassificationRule.objects.select_for_update().filter(**lookup).exists():
            raise ValidationError(
                f"A rule for {rule.supplier or rule.gl_account or rule.keyword} has been set "
                "since it was removed: change that one instead."
            )
        if not may_replace_classification_rule(by, rule):
            raise ValidationError("Only the category's owner or an administrator may put it back.")
        rule._history_user, rule._change_reason = by, "Removal undone"
        rule.full_clean()
        rule.save(force_insert=True)
    return rule


def exchange_rates_save(*, rates: list[tuple]):
    """Monthly rates as (currency, first day of the month, rate), each replacing the one
    already held for its currency and month; all or none."""
    with transaction.atomic():
        for currency, month, rate in rates:
            # parse_rates has checked the rate; the column rounds it to its places, as it
            # always has, rather than refusing a rate written with more of them.
            _upsert(
                ExchangeRate,
                {"currency": currency, "month": month},
                {"rate": rate},
                exclude=["rate"],
            )


def kraljic_assessment_withdraw(*, assessment, by, seen_version: int):
    """Withdraw an override set by mistake: the one before it, or the data's suggestion, is in
    force again at once. Kept, with who withdrew it, and undoable. Raises
    corrections.StaleSave when it changed since the page showed it."""
    return corrections.record_remove(record=assessment, by=by, seen_version=seen_version)


def kraljic_assessment_reinstate(*, assessment, by):
    """Undo a withdrawal: the override counts again (in force if it is still the latest)."""
    return corrections.record_restore(record=assessment, by=by)


def kraljic_assessment_record(
    *, category, profit_impact: int, supply_risk: int, reason: str, by
) -> KraljicAssessment:
    """The owner's own scores for the category, in force from now; earlier ones stay on
    record."""
    assessment = KraljicAssessment(
        category=category,
        profit_impact=profit_impact,
        supply_risk=supply_risk,
        reason=reason,
        set_by=by,
    )
    assessment.full_clean()
    assessment.save()
    return assessment
