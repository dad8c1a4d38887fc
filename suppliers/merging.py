"""Merging two supplier records that are one company, and undoing it.

Every row that points at the duplicate (spend lines, aliases, rules, contracts, scorecards, log
entries, ideas, risks, ...) moves to the kept supplier, and the ids of what moved are written
on the merge record. The duplicate's name becomes an alias, so the next import with that
spelling lands on the kept supplier. Undoing recreates the duplicate with its old id and moves
exactly those rows back, so every total is what it was before.
"""

from django.db import transaction
from django.db.models import Count, ForeignKey, OneToOneField, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from spend.models import ClassificationRule, SpendLine, SpendSummary
from suppliers.models import Supplier, SupplierAlias, SupplierMatchSuggestion, SupplierMerge
from suppliers.names import normalise
from workbench import figures


class MergeRefused(Exception):
    """A merge or undo that cannot be done, with the reason in words."""


def _relations():
    """Every foreign key to Supplier, as (label, model, field name, is one-to-one). The spend
    summary is left out: it is rebuilt from the lines. So are match suggestions: merging a
    record is a person's decision about it, so its pending suggestions go with it."""
    for relation in Supplier._meta.related_objects:
        field = relation.field
        if relation.related_model in (SpendSummary, SupplierMatchSuggestion) or not isinstance(
            field, ForeignKey
        ):
            continue
        model = relation.related_model
        label = f"{model._meta.app_label}.{model._meta.model_name}.{field.name}"
        yield label, model, field.name, isinstance(field, OneToOneField)


@transaction.atomic
def merge_suppliers(kept: Supplier, duplicate: Supplier, *, user=None, reason="") -> SupplierMerge:
    """Fold `duplicate` into `kept` and return the merge record. Refused when they are the
    same record or both have a relationship plan (two plans need a person to combine them)."""
    if kept.pk == duplicate.pk:
        raise MergeRefused("A supplier cannot be merged into itself.")
    moved, deleted_rules = {}, []
    kept_rule = ClassificationRule.objects.filter(
        supplier=kept, kind=ClassificationRule.SUPPLIER
    ).first()
    for label, model, field, one_to_one in _relations():
        # The base manager: a removed contract or log entry moves too, so it can be restored.
        rows = model._base_manager.filter(**{field: duplicate})
        if one_to_one and rows.exists() and model.objects.filter(**{field: kept}).exists():
            raise MergeRefused(
                f"Both suppliers have a {model._meta.verbose_name}: combine them by hand first."
            )
        if model is ClassificationRule and kept_rule is not None:
            # One supplier rule per supplier: the kept supplier's rule stands, the duplicate's
            # is set aside on the merge record.
            for rule in rows.filter(kind=ClassificationRule.SUPPLIER):
                deleted_rules.append(
                    {
                        "kind": rule.kind,
                        "category_id": rule.category_id,
                        "created_by_id": rule.created_by_id,
                    }
                )
                rule.delete()
        ids = list(rows.values_list("pk", flat=True))
        if ids:
            rows.update(**{field: kept})
            moved[label] = ids
    merge = SupplierMerge.objects.create(
        kept=kept,
        merged_name=duplicate.name,
        merged_record={
            "pk": duplicate.pk,
            "name": duplicate.name,
            "country": duplicate.country,
            "identifiers": duplicate.identifiers,
            "segment": duplicate.segment,
            "kept_pk": kept.pk,
            "kept_identifiers": kept.identifiers,
            "kept_country": kept.country,
            "deleted_rules": deleted_rules,
        },
        moved=moved,
        reason=reason,
        merged_by=user,
    )
    if not SupplierAlias.objects.filter(normalised_name=normalise(duplicate.name)).exists():
        merge.alias = SupplierAlias.objects.create(
            supplier=kept, name=duplicate.name, confirmed=True
        )
        merge.save(update_fields=["alias"])
    # The kept record learns the duplicate's registry numbers and country where it had none.
    kept.identifiers = {**duplicate.identifiers, **kept.identifiers}
    kept.country = kept.country or duplicate.country
    kept.save()
    _resummarise(kept.pk, duplicate.pk)
    duplicate.delete()
    return merge


@transaction.atomic
def undo_merge(merge: SupplierMerge, *, user=None) -> Supplier:
    """Recreate the duplicate and move back exactly what the merge moved; returns it."""
    if merge.undone_at is not None:
        raise MergeRefused("This merge has already been undone.")
    record = merge.merged_record
    if Supplier.objects.filter(pk=record["pk"]).exists():
        raise MergeRefused("The merged supplier's record number is taken; it cannot come back.")
    duplicate = Supplier(
        pk=record["pk"],
        name=record["name"],
        country=record["country"],
        identifiers=record["identifiers"],
        segment=record["segment"],
    )
    duplicate.save(force_insert=True)
    relations = {label: (model, field) for label, model, field, _ in _relations()}
    for label, ids in merge.moved.items():
        model, field = relations[label]
        # Only rows still on the kept supplier: a later undo may already have taken some home.
        model._base_manager.filter(pk__in=ids, **{field: merge.kept_id}).update(
            **{field: duplicate}
        )
    for rule in record.get("deleted_rules", []):
        ClassificationRule.objects.create(supplier=duplicate, **rule)
    if merge.alias_id:
        SupplierAlias.objects.filter(pk=merge.alias_id).delete()
    kept = merge.kept
    if kept.pk == record["kept_pk"]:
        # Only the record the duplicate was folded into learnt its numbers; if that record has
        # since been merged on, the numbers stay with the survivor.
        kept.identifiers = record["kept_identifiers"]
        kept.country = record["kept_country"]
        kept.save()
    merge.undone_at = timezone.now()
    merge.undone_by = user
    merge.save(update_fields=["undone_at", "undone_by"])
    _resummarise(kept.pk, duplicate.pk)
    return duplicate


def _resummarise(*supplier_ids):
    """Rebuild the spend summary rows of these suppliers only: a merge or undo changes no
    other supplier's spend, so it costs what their lines cost, not what the whole table does."""
    SpendSummary.objects.filter(supplier__in=supplier_ids).delete()
    rows = (
        SpendLine.objects.filter(supplier__in=supplier_ids)
        .annotate(month=TruncMonth("date"))
        .values("month", "category", "business_unit", "supplier")
        .annotate(spend=Sum("amount"), lines=Count("pk"))
        .order_by()
    )
    SpendSummary.objects.bulk_create(
        (
            SpendSummary(
                month=row["month"],
                category_id=row["category"],
                business_unit_id=row["business_unit"],
                supplier_id=row["supplier"],
                spend=row["spend"],
                lines=row["lines"],
            )
            for row in rows.iterator()
        ),
        batch_size=2000,
    )
    figures.bump(figures.SPEND)
