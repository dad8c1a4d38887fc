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


SUMMARY_KEYS = ["month", "category_id", "business_unit_id", "supplier_id"]


def merged_summary(*parts: pa.Table) -> pa.Table:
    """Summary rows (SUMMARY_ROW) of pieces of one batch summed into one row per month,
    category, business unit and supplier, as `summary_rows` gives for the lines all at once.
    As many rows as such combinations, however many lines: a streamed import keeps this and
    not its lines."""
    table = pa.concat_tables(parts)
    if not table.num_rows:
        return SUMMARY_ROW.empty_table()
    grouped = table.group_by(SUMMARY_KEYS).aggregate([("spend", "sum"), ("lines", "sum")])
    return pa.table(
        {
            **{name: grouped[name] for name in SUMMARY_KEYS},
            "spend": pc.cast(grouped["spend_sum"], pa.decimal128(18, 2)),
            "lines": grouped["lines_sum"],
        },
        schema=SUMMARY_ROW,
    )


class SummarySoFar:
    """The summary rows of a batch stored a piece at a time: each piece's rows are kept, and
    summed with the rest (`merged_summary`) only once they outnumber what is summed already,
    so that the pieces of a long file are not summed again and again, and what is kept stays
    within about twice the batch's combinations of month, category, unit and supplier."""

    def __init__(self):
        self.merged = SUMMARY_ROW.empty_table()
        self.pieces, self.waiting = [], 0

    def add(self, rows: pa.Table):
        self.pieces.append(rows)
        self.waiting += rows.num_rows
        if self.waiting > max(self.merged.num_rows, 100_000):
            self.merged = merged_summary(self.merged, *self.pieces)
            self.pieces, self.waiting = [], 0

    def rows(self) -> pa.Table:
        return merged_summary(self.merged, *self.pieces)
