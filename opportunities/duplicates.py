"""Possible duplicate payments, the first test of every accounts payable recovery audit: two
payments to one supplier of the same amount a few days apart, or the same document reference
paid twice. The database finds the pairs (opportunities.queries.duplicate_pairs); this module
says what a pair is and how the review adds up."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from opportunities.models import DuplicateReview


@dataclass(frozen=True)
class PaymentPair:
    """The earlier payment and the later one that may repeat it."""

    first_id: int
    second_id: int
    reasons: tuple[str, ...]
    supplier_id: int
    supplier_name: str
    category_id: int | None
    category_name: str
    amount: Decimal  # the later payment: what a recovery would claim back
    first_amount: Decimal
    first_date: datetime.date
    second_date: datetime.date
    first_reference: str
    second_reference: str
    unit_name: str

    @property
    def key(self) -> str:
        return f"{self.first_id}-{self.second_id}"

    @property
    def days_apart(self) -> int:
        return (self.second_date - self.first_date).days

    @property
    def reason_text(self) -> str:
        names = dict(DuplicateReview.REASONS)
        return "; ".join(names[reason] for reason in self.reasons)


def merge_pairs(same_amount: list[dict], same_reference: list[dict]) -> list[PaymentPair]:
    """One pair per two lines, whichever tests found it, largest amount first. Each input row
    is a later line with the earlier one's id, date, amount and reference beside it."""
    found: dict[tuple[int, int], tuple[dict, list[str]]] = {}
    for reason, rows in (
        (DuplicateReview.SAME_AMOUNT, same_amount),
        (DuplicateReview.SAME_REFERENCE, same_reference),
    ):
        for row in rows:
            entry = found.setdefault((row["first_id"], row["id"]), (row, []))
            entry[1].append(reason)
    pairs = [
        PaymentPair(
            first_id=row["first_id"],
            second_id=row["id"],
            reasons=tuple(reasons),
            supplier_id=row["supplier_id"],
            supplier_name=row["supplier__name"],
            category_id=row["category_id"],
            category_name=row["category__name"] or "Unclassified",
            amount=row["amount"],
            first_amount=row["first_amount"],
            first_date=row["first_date"],
            second_date=row["date"],
            first_reference=row["first_reference"] or "",
            second_reference=row["document_reference"] or "",
            unit_name=row["business_unit__name"],
        )
        for row, reasons in found.values()
    ]
    return sorted(pairs, key=lambda p: (-p.amount, p.second_date, p.first_id, p.second_id))


@dataclass(frozen=True)
class ReviewTotals:
    pairs: int
    open_pairs: int
    open_amount: Decimal
    confirmed: int
    confirmed_amount: Decimal
    cleared: int


def review_totals(pairs: list[PaymentPair], decisions: dict[str, str]) -> ReviewTotals:
    """How far the review has got over the pairs shown: `decisions` maps a pair's key to its
    decision. The confirmed amount is what the team can claim back."""
    confirmed = [p for p in pairs if decisions.get(p.key) == DuplicateReview.CONFIRMED]
    cleared = [p for p in pairs if decisions.get(p.key) == DuplicateReview.NOT_DUPLICATE]
    open_pairs = [p for p in pairs if p.key not in decisions]
    return ReviewTotals(
        pairs=len(pairs),
        open_pairs=len(open_pairs),
        open_amount=sum((p.amount for p in open_pairs), Decimal("0.00")),
        confirmed=len(confirmed),
        confirmed_amount=sum((p.amount for p in confirmed), Decimal("0.00")),
        cleared=len(cleared),
    )


def pair_from_lines(first: dict, second: dict, window_days: int) -> PaymentPair | None:
    """The two lines as a pair of possible duplicates, or None when they are not one: the
    same supplier, the earlier first, both payments, and either the same amount within
    `window_days` or the same (non-empty) document reference."""
    if first["supplier_id"] != second["supplier_id"]:
        return None
    if (first["date"], first["id"]) >= (second["date"], second["id"]):
        return None
    if first["amount"] <= 0 or second["amount"] <= 0:
        return None
    reasons = []
    if first["amount"] == second["amount"] and (second["date"] - first["date"]).days <= window_days:
        reasons.append(DuplicateReview.SAME_AMOUNT)
    reference = first["document_reference"]
    if reference and reference == second["document_reference"]:
        reasons.append(DuplicateReview.SAME_REFERENCE)
    if not reasons:
        return None
    return PaymentPair(
        first_id=first["id"],
        second_id=second["id"],
        reasons=tuple(reasons),
        supplier_id=second["supplier_id"],
        supplier_name=second["supplier__name"],
        category_id=second["category_id"],
        category_name=second["category__name"] or "Unclassified",
        amount=second["amount"],
        first_amount=first["amount"],
        first_date=first["date"],
        second_date=second["date"],
        first_reference=reference,
        second_reference=second["document_reference"],
        unit_name=second["business_unit__name"],
    )
