"""A handful of spend lines small enough to work every cube figure out by hand."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from spend.models import SpendLine
from spend.summary import refresh_spend_summary


@dataclass
class Line:
    day: str
    amount: str
    category: str | None  # attribute of the company, or None for unclassified
    supplier: int
    unit: str


# Suppliers: 0 Dell, 1 Softcat, 2 Bright Clean. The default period is Nov 2025 - Oct 2026.
#   IT.HW   Dell 1,000 - 100 (credit note) = 900; Softcat 500        -> 1,400
#   IT.SW   Softcat 300                                              ->   300
#   FM.CLEAN Bright Clean 200                                        ->   200
#   unclassified Bright Clean 50                                     ->    50
#   total 1,950 in 6 lines from 3 suppliers; one line of 999 a year earlier.
LINES = [
    Line("2026-10-05", "1000.00", "hardware", 0, "manufacturing"),
    Line("2026-10-20", "500.00", "hardware", 1, "manufacturing"),
    Line("2026-10-25", "-100.00", "hardware", 0, "manufacturing"),
    Line("2026-09-10", "300.00", "software", 1, "finance"),
    Line("2026-08-01", "200.00", "cleaning", 2, "finance"),
    Line("2026-10-15", "50.00", None, 2, "manufacturing"),
    Line("2025-10-31", "999.00", "hardware", 0, "manufacturing"),
]


def add_hand_worked_spend(company):
    SpendLine.objects.bulk_create(
        SpendLine(
            date=datetime.date.fromisoformat(line.day),
            amount=Decimal(line.amount),
            original_amount=Decimal(line.amount),
            currency="GBP",
            supplier=company.suppliers[line.supplier],
            category=getattr(company, line.category) if line.category else None,
            business_unit=getattr(company, line.unit),
            description=f"Line {index}",
            document_reference=f"DOC-{index}",
        )
        for index, line in enumerate(LINES)
    )
    refresh_spend_summary()
