"""Every change the spend pages make: queueing an import once its columns are mapped,
reviewing fuzzy supplier matches, classifying unclassified spend and the rules that classify
the next imports, monthly FX rates, and a category owner's Kraljic scores. Reading, validating
and storing a file is spend.importing's."""

from django.db import transaction

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
from suppliers.models import Supplier, SupplierAlias
from suppliers.names import normalise


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
    transaction.on_commit(lambda: import_spend_file.enqueue(job.pk))


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


def spend_classify(*, category, supplier_ids: list[int], by) -> int:
    """Give the suppliers' unclassified lines the category, and remember a supplier rule so the
    next imports do the same. The number of lines classified."""
    with transaction.atomic():
        for supplier_id in supplier_ids:
            _upsert(
                ClassificationRule,
                {"kind": ClassificationRule.SUPPLIER, "supplier_id": supplier_id},
                {"category": category, "created_by": by},
            )
        changed = SpendLine.objects.filter(
            category__isnull=True, supplier_id__in=supplier_ids
        ).update(category=category)
    refresh_spend_summary()
    return changed


def classification_rule_save(*, kind: str, value: str, category, by) -> ClassificationRule:
    """A GL-account or keyword rule: the one for that account or keyword now gives
    `category`."""
    field = "gl_account" if kind == ClassificationRule.GL_ACCOUNT else "keyword"
    with transaction.atomic():
        return _upsert(
            ClassificationRule,
            {"kind": kind, field: value},
            {"category": category, "created_by": by},
        )


def classification_rule_delete(*, rule: ClassificationRule):
    rule.delete()


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
