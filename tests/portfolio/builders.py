"""Spend with round figures, and assessments, for the portfolio tests.

Hand-worked spend in October 2026 (the latest month, so the twelve months to it):
IT 3,000 (Manufacturing 2,250 on hardware, Finance 750 on software) and Facilities 1,000
(Finance, cleaning): IT holds three quarters of the spend.
"""

import datetime
from decimal import Decimal

from portfolio.maturity_wording import ensure_maturity_model
from portfolio.models import (
    MaturityAssessment,
    MaturityDescriptor,
    MaturityDimension,
    MaturityScore,
)
from spend.models import SpendLine
from spend.summary import refresh_spend_summary

DAY = datetime.date(2026, 10, 15)


def add_round_spend(company):
    rows = [
        (company.hardware, company.manufacturing, company.suppliers[0], 2250),
        (company.software, company.finance, company.suppliers[1], 750),
        (company.cleaning, company.finance, company.suppliers[2], 1000),
    ]
    SpendLine.objects.bulk_create(
        SpendLine(
            date=DAY,
            amount=Decimal(amount),
            original_amount=Decimal(amount),
            currency="GBP",
            supplier=supplier,
            category=category,
            business_unit=unit,
        )
        for category, unit, supplier, amount in rows
    )
    refresh_spend_summary()


def assess(category, day, levels: dict, user=None):
    """An assessment with {dimension key: level}; every other dimension left out."""
    ensure_maturity_model(MaturityDimension, MaturityDescriptor)
    dimensions = {dimension.key: dimension for dimension in MaturityDimension.objects.all()}
    assessment = MaturityAssessment.objects.create(
        category=category, assessed_on=day, assessed_by=user
    )
    for key, level in levels.items():
        MaturityScore.objects.create(
            assessment=assessment,
            dimension=dimensions[key],
            answers=[step <= level for step in range(2, 6)],
            suggested_level=level,
            level=level,
        )
    return assessment
