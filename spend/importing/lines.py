"""From checked lines to the rows stored: suppliers and units by id, the category from the file
or else the classification rules, and the batch's rows of the spend summary. Pure: Arrow
tables and dictionaries in, Arrow tables out, each decision taken once per distinct value."""

from dataclasses import dataclass, field

import pyarrow as pa
import pyarrow.compute as pc

from spend.importing.columnar import Distinct, per_distinct

# The lines table's columns in the order an import writes them (the id comes from the table).
STORED_LINE = pa.schema(
    [
        ("date", pa.string()),
        ("amount", pa.string()),
        ("original_amount", pa.string()),
        ("currency", pa.string()),
        ("supplier_id", pa.int64()),
        ("category_id", pa.int64()),
        ("business_unit_id", pa.int64()),
        ("description", pa.string()),
        ("document_reference", pa.string()),
        ("gl_account", pa.string()),
        ("supplier_name_in_file", pa.string()),
        ("import_batch_id", pa.int64()),
    ]
)
SUMMARY_ROW = pa.schema(
    [
        ("month", pa.string()),
        ("category_id", pa.int64()),
        ("business_unit_id", pa.int64()),
        ("supplier_id", pa.int64()),
        ("spend", pa.decimal128(18, 2)),
        ("lines", pa.int64()),
    ]
)


@dataclass(frozen=True)
class Rules:
    """The classification rules, in ClassificationRule.PRECEDENCE: by supplier, by GL account,
    then the longest keyword found in the description (the older rule on a tie)."""

    by_supplier: dict = field(default_factory=dict)  # supplier id → category id
    by_gl_account: dict = field(default_factory=dict)  # GL account → category id
    keywords: tuple = ()  # (keyword in lower case, category id), longest first

    def by_keyword(self, description: str) -> int | None:
        text = description.lower()
        return next((category for word, category in self.keywords if word in text), None)


def stored_lines(
    checked: pa.Table, supplier_ids: dict, unit_ids: dict, rules: Rules, batch_id: int
) -> pa.Table:
    """The rows to store for checked lines (CHECKED_LINE), in STORED_LINE's columns."""
    suppliers = Distinct(checked["supplier_key"])
    supplier = suppliers.map(supplier_ids.__getitem__, pa.int64())
    category = [checked["category_id"]]
    if rules.by_supplier:
        category.append(suppliers.map(lambda k: rules.by_supplier.get(supplier_ids[k]), pa.int64()))
    if rules.by_gl_account:
        category.append(per_distinct(checked["gl_account"], rules.by_gl_account.get, pa.int64()))
    if rules.keywords:
        category.append(per_distinct(checked["description"], rules.by_keyword, pa.int64()))
    return pa.table(
        {
            "date": checked["date"],
            "amount": checked["amount"],
            "original_amount": checked["original_amount"],
            "currency": checked["currency"],
            "supplier_id": supplier,
            "category_id": pc.coalesce(*category) if len(category) > 1 else category[0],
            "business_unit_id": per_distinct(checked["unit_key"], unit_ids.__getitem__, pa.int64()),
            "description": checked["description"],
            "document_reference": checked["document_reference"],
            "gl_account": checked["gl_account"],
            "supplier_name_in_file": checked["supplier_name"],
            "import_batch_id": pa.array([batch_id] * checked.num_rows, pa.int64()),
        },
        schema=STORED_LINE,
    )


def in_category_order(lines: pa.Table) -> pa.Array:
    """Row positions by category, then date: stored in this order, a batch's lines lie
    together as the drill-down from a category reads them, and the category index is built
    from rows already in order."""
    return pc.sort_indices(
        pa.table(
            {"category_id": lines["category_id"], "date": pc.cast(lines["date"], pa.date32())}
        ),
        sort_keys=[("category_id", "ascending", "at_end"), ("date", "ascending", "at_end")],
    )


def summary_rows(lines: pa.Table) -> pa.Table:
    """The lines summed by month, category, business unit and supplier (SpendSummary's rows)."""
    if not lines.num_rows:
        return SUMMARY_ROW.empty_table()
    month = pc.binary_join_element_wise(pc.utf8_slice_codeunits(lines["date"], 0, 8), "01", "")
    grouped = (
        pa.table(
            {
                "month": month,
                "category_id": lines["category_id"],
                "business_unit_id": lines["business_unit_id"],
                "supplier_id": lines["supplier_id"],
                "amount": pc.cast(lines["amount"], pa.decimal128(16, 2)),
            }
        )
        .group_by(["month", "category_id", "business_unit_id", "supplier_id"])
        .aggregate([("amount", "sum"), ("amount", "count")])
    )
    return pa.table(
        {
            "month": grouped["month"],
            "category_id": grouped["category_id"],
            "business_unit_id": grouped["business_unit_id"],
            "supplier_id": grouped["supplier_id"],
            "spend": pc.cast(grouped["amount_sum"], pa.decimal128(18, 2)),
            "lines": grouped["amount_count"],
        },
        schema=SUMMARY_ROW,
    )
