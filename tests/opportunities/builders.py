"""Hand-built spend for the opportunity finder and the duplicate finder: lines whose answers
are known by construction (each test says which)."""

import datetime
from decimal import Decimal

from spend.models import SpendLine
from spend.summary import refresh_spend_summary
from suppliers.models import Supplier

LATEST = datetime.date(2026, 10, 15)  # inside the latest month, October 2026
YEAR_BEFORE = datetime.date(2025, 10, 15)


def supplier(name):
    return Supplier.objects.get_or_create(name=name, defaults={"country": "GB"})[0]


def line(category, supplier_, unit, amount, date=LATEST, reference="", description="Invoice"):
    return SpendLine(
        date=date,
        amount=Decimal(amount),
        original_amount=Decimal(amount),
        currency="GBP",
        supplier=supplier_,
        category=category,
        business_unit=unit,
        description=description,
        document_reference=reference,
    )


def store(lines):
    made = SpendLine.objects.bulk_create(lines)
    refresh_spend_summary()
    return made
