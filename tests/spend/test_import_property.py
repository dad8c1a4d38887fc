"""For any valid file, what is stored adds up to what the file says: by category, unit and
supplier, whatever the spelling of names and the way amounts are written."""

import datetime
from collections import defaultdict
from decimal import Decimal

import pytest
from django.db import transaction
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spend.models import ImportJob, SpendLine
from tests.spend.import_support import csv_bytes, import_file, imports_in_tmp

__all__ = ["imports_in_tmp"]

# (spelling in the file, supplier it must land on)
SUPPLIERS = [
    ("Dell Technologies Ltd", "Dell Technologies Ltd"),
    ("DELL TECHNOLOGIES LIMITED", "Dell Technologies Ltd"),
    ("Softcat plc", "Softcat plc"),
    ("softcat PLC.", "Softcat plc"),
    ("Acme Widgets", "Acme Widgets"),
    ("Zenith Logistics GmbH", "Zenith Logistics GmbH"),
]
UNITS = [("MFG", "Manufacturing"), ("manufacturing", "Manufacturing"), ("Finance", "Finance")]
CATEGORIES = ["IT.HW", "IT.SW", "FM.CLEAN", ""]

line = st.tuples(
    st.dates(datetime.date(2024, 1, 1), datetime.date(2026, 12, 31)),
    st.decimals(min_value=-50_000, max_value=2_000_000, places=2, allow_nan=False),
    st.sampled_from(SUPPLIERS),
    st.sampled_from(UNITS),
    st.sampled_from(CATEGORIES),
    st.booleans(),  # write the amount with thousands separators
)


class Rollback(Exception):
    pass


def written(amount: Decimal, separators: bool) -> str:
    return f'"{amount:,.2f}"' if separators else f"{amount:.2f}"


@pytest.mark.django_db
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(lines=st.lists(line, min_size=1, max_size=40))
def test_stored_totals_equal_the_file_totals(company, lines):
    rows = [
        f"{date},{supplier},{written(amount, separators)},GBP,{unit},{category},,,R{index}"
        for index, (date, amount, (supplier, _), (unit, _), category, separators) in enumerate(
            lines
        )
    ]
    expected = {name: defaultdict(Decimal) for name in ("category", "unit", "supplier")}
    for _, amount, (_, supplier), (_, unit), category, _ in lines:
        expected["category"][category or None] += amount
        expected["unit"][unit] += amount
        expected["supplier"][supplier] += amount

    try:
        with transaction.atomic():
            job = import_file(csv_bytes(*rows))
            assert job.status == ImportJob.STORED, job.message
            for name, field in [
                ("category", "category__code"),
                ("unit", "business_unit__name"),
                ("supplier", "supplier__name"),
            ]:
                stored = {
                    key: total.quantize(Decimal("0.01"))
                    for key, total in SpendLine.objects.values(field)
                    .annotate(total=Sum("amount"))
                    .values_list(field, "total")
                }
                assert stored == {k: v for k, v in expected[name].items()}, name
            raise Rollback
    except Rollback:
        pass
