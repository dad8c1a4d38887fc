"""The demo company's approval thresholds. The findings themselves are planted in the demo's
spend lines by workbench.demo.plant_findings (documented there): split invoices under the
5,000.00 threshold set here, duplicates, and a supplier's price drift."""

from decimal import Decimal

from opportunities.models import ApprovalThreshold

THRESHOLDS = [
    ("Budget holder", Decimal("5000.00")),
    ("Finance director", Decimal("25000.00")),
    ("Chief executive", Decimal("100000.00")),
]


def load() -> None:
    for name, amount in THRESHOLDS:
        ApprovalThreshold.objects.get_or_create(amount=amount, defaults={"name": name})
