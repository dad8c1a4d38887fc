"""Supplier names from an import, resolved to supplier records; and the queue of uncertain
matches a person reviews.

`import_suppliers_resolve` is what the importer calls inside its transaction: exact and alias
matches and the certain fuzzy ones land on the existing supplier; an uncertain near match
becomes a supplier of its own with a `SupplierMatchSuggestion` on the import batch, so the money
does not move until someone says the two are one; redacted payees ("REDACTED PERSONAL DATA") go
to the source's one flagged redacted payee.
"""

from django.db import transaction
from django.utils import timezone

from spend.importing.matching import ALIAS, EXACT, FUZZY, NEW, match_suppliers
from suppliers.merging import MergeRefused, merge_suppliers
from suppliers.models import Supplier, SupplierAlias, SupplierMatchSuggestion
from suppliers.names import is_redacted

REDACTED, QUEUED = "redacted", "queued"


def redacted_payee_for(source: str) -> Supplier:
    """The one record that holds a source's withheld payees, made the first time it is needed."""
    source = source[:200]
    payee = Supplier.objects.filter(redacted_payee=True, redacted_source=source).first()
    if payee is None:
        payee = Supplier(
            name=f"Redacted payees ({source})"[:255],
            redacted_payee=True,
            redacted_source=source,
        )
        payee.full_clean(exclude=["normalised_name"])
        payee.save()
    return payee


def import_suppliers_resolve(*, names: dict, batch, source: str) -> tuple[dict, dict, dict]:
    """`names`: normalised name → name as the file spells it; `source`: the body the file comes
    from (its saved mapping's name), whose redacted payee the withheld names go to. Returns
    normalised name → supplier id; counts by how each name was resolved (exact, alias, fuzzy:
    accepted as certain, queued: a supplier of its own with a suggestion, new, redacted) with
    the names accepted fuzzily and the names queued; and what the batch created ("suppliers",
    "aliases": ids), for undoing it. Its suggestions hang on `batch` and go with it. Runs
    inside the importer's transaction."""
    redacted = {name for name, spelling in names.items() if is_redacted(spelling)}
    ordinary = {name: spelling for name, spelling in names.items() if name not in redacted}
    companies = Supplier.objects.filter(redacted_payee=False)
    existing = dict(companies.values_list("normalised_name", "pk"))
    aliases = dict(
        SupplierAlias.objects.filter(supplier__redacted_payee=False).values_list(
            "normalised_name", "supplier_id"
        )
    )
    matches = match_suppliers(ordinary, existing, aliases)
    new_keys = [name for name, match in matches.items() if match.how == NEW]
    created = Supplier.objects.bulk_create(
        [Supplier(name=ordinary[name], normalised_name=name) for name in new_keys],
        batch_size=2000,
    )
    ids = {name: supplier.pk for name, supplier in zip(new_keys, created, strict=True)}
    created_ids = [supplier.pk for supplier in created]
    if redacted:
        payee = Supplier.objects.filter(redacted_payee=True, redacted_source=source[:200]).first()
        if payee is None:
            payee = redacted_payee_for(source)
            created_ids.append(payee.pk)
        ids.update(dict.fromkeys(redacted, payee.pk))
    fuzzy, queued = [], []
    for name, match in matches.items():
        if match.how != NEW:
            ids[name] = match.supplier_id or ids[match.same_as]
        if match.how == FUZZY:
            fuzzy.append(
                SupplierAlias(
                    supplier_id=ids[name],
                    name=ordinary[name],
                    normalised_name=name,
                    score=match.score,
                )
            )
    for name, match in matches.items():
        if match.doubt:
            queued.append(
                SupplierMatchSuggestion(
                    batch=batch,
                    supplier_id=ids[name],
                    suggested_id=match.suggested_id or ids[match.suggested_same_as],
                    name_in_file=ordinary[name][:255],
                    score=match.score,
                    doubt=match.doubt[:255],
                )
            )
    known_aliases = set(
        SupplierAlias.objects.filter(
            normalised_name__in=[alias.normalised_name for alias in fuzzy]
        ).values_list("normalised_name", flat=True)
    )
    SupplierAlias.objects.bulk_create(fuzzy, ignore_conflicts=True)
    created_aliases = list(
        SupplierAlias.objects.filter(
            normalised_name__in=[
                alias.normalised_name
                for alias in fuzzy
                if alias.normalised_name not in known_aliases
            ]
        ).values_list("pk", flat=True)
    )
    SupplierMatchSuggestion.objects.bulk_create(queued, ignore_conflicts=True)
    counts = {how: 0 for how in (EXACT, ALIAS, FUZZY, QUEUED, NEW, REDACTED)}
    for match in matches.values():
        counts[QUEUED if match.doubt else match.how] += 1
    counts[REDACTED] = len(redacted)
    counts["fuzzy_names"] = [alias.name for alias in fuzzy][:50]
    counts["queued_names"] = [suggestion.name_in_file for suggestion in queued][:50]
    return ids, counts, {"suppliers": created_ids, "aliases": created_aliases}


def match_suggestion_accept(*, suggestion: SupplierMatchSuggestion, by):
    """The two are one supplier: the import's record is merged into the suggested one (its
    lines, and its spelling as an alias), undoable from the merge history. Returns the merge."""
    with transaction.atomic():
        suggestion = SupplierMatchSuggestion.objects.select_for_update().get(pk=suggestion.pk)
        if suggestion.status != SupplierMatchSuggestion.PENDING:
            raise MergeRefused("This suggestion has already been decided.")
        duplicate, kept = suggestion.supplier, suggestion.suggested
        reason = (
            f"Accepted match suggestion: {suggestion.name_in_file} is {kept.name} "
            f"(score {suggestion.score:.0f}; held back because of {suggestion.doubt})."
        )
        # The merge deletes the import's record and this suggestion with it; the merge record
        # keeps the decision.
        return merge_suppliers(kept, duplicate, user=by, reason=reason)


def match_suggestion_reject(*, suggestion: SupplierMatchSuggestion, by):
    """The two are different organisations: the name stays a supplier of its own, and the
    decision stays on record."""
    with transaction.atomic():
        suggestion = SupplierMatchSuggestion.objects.select_for_update().get(pk=suggestion.pk)
        if suggestion.status != SupplierMatchSuggestion.PENDING:
            raise MergeRefused("This suggestion has already been decided.")
        suggestion.status = SupplierMatchSuggestion.REJECTED
        suggestion.decided_by = by
        suggestion.decided_at = timezone.now()
        suggestion.full_clean()
        suggestion.save()
    return suggestion
