"""The spend summary: lines summed by month, category, business unit and supplier, kept current
with the lines. Whatever changes lines in bulk (imports, undoing a batch, classifying
unclassified spend, the demo loader) calls `refresh_spend_summary()` afterwards; the figures
read from it are in spend.cube.
"""

from django.db import connection, transaction

from spend.models import SpendLine, SpendSummary
from workbench import figures


def refresh_spend_summary():
    """Rebuild the summary from every line, in one transaction so a reader sees the old
    summary or the new one, never half of it: after anything that deletes or changes lines
    (undoing a batch, classifying, merging suppliers). An import adds its batch's rows itself
    (spend.importing.lines.summary_rows); every figure is a SUM over the summary, so
    those add up the same beside rows already there for the same slice, and the next rebuild
    folds them together."""
    summary = connection.ops.quote_name(SpendSummary._meta.db_table)
    lines = connection.ops.quote_name(SpendLine._meta.db_table)
    if connection.vendor == "postgresql":
        # Truncated as a timestamp: truncating the date itself goes through a time zone.
        month = "date_trunc('month', date::timestamp)::date"
    elif connection.vendor == "sqlite":
        month = "date(date, 'start of month')"
    else:
        raise NotImplementedError(f"No month truncation for {connection.vendor}")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {summary}")
        cursor.execute(
            f"INSERT INTO {summary} (month, category_id, business_unit_id, supplier_id, spend, "
            f"lines) SELECT {month}, category_id, business_unit_id, supplier_id, SUM(amount), "
            f"COUNT(*) FROM {lines} GROUP BY {month}, category_id, business_unit_id, supplier_id"
        )
        figures.bump(figures.SPEND)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {summary}")
