"""Spend lines on PostgreSQL: one partition per import batch.

The lines table is partitioned by LIST (import_batch_id). A batch's lines are loaded into a
table of their own, which is then attached as the batch's partition: its indexes are built in
one sorted pass over the batch and its foreign keys checked in one join each, instead of a
million index insertions into a table that keeps growing, and undoing the batch drops the
table. Lines written through the ORM for a batch without a partition (and lines without a
batch) land in the default partition, so the model behaves as any other.

The table has no primary key constraint: PostgreSQL wants the partition key in it, and lines
without a batch have none. Ids stay unique by construction: a batch numbers its lines from
`first_line_id(batch)` (batch id × 10^10), so COPY need not draw a million values from a
sequence, and the sequence that numbers every other line stops below 10^10.

Everything here runs in the caller's transaction: an import that fails leaves no table behind.
SQLite keeps one plain table; `is_partitioned()` says which is in use."""

from django.db import connection

from spend.models import SpendLine

LINES = SpendLine._meta.db_table
DEFAULT_PARTITION = f"{LINES}_other"
ID_SEQUENCE = f"{LINES}_line_id_seq"
LINE_IDS_PER_BATCH = 10**10


def first_line_id(batch_id: int) -> int:
    return int(batch_id) * LINE_IDS_PER_BATCH


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def partition_name(batch_id: int) -> str:
    return f"{LINES}_batch_{int(batch_id)}"


def is_partitioned() -> bool:
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT relkind FROM pg_class WHERE oid = to_regclass(%s)", [LINES])
        row = cursor.fetchone()
    return bool(row) and row[0] == "p"


def new_batch_table(cursor, batch_id: int) -> str:
    """An empty table shaped like the lines table, not yet part of it; returns its name. The
    id column keeps the shared sequence as its default, for writers that leave ids out."""
    name = partition_name(batch_id)
    cursor.execute(f"CREATE TABLE {_quote(name)} (LIKE {_quote(LINES)} INCLUDING DEFAULTS)")
    return name


def index_and_check_batch_table(cursor, batch_id: int):
    """Give the filled table, before it is attached, the indexes and foreign keys the lines
    table has (from their own definitions), and a CHECK constraint proving every row belongs
    to the batch. Built here, they lock nothing readers of the lines need; attaching then
    adopts them as they are instead of building and checking them under its lock."""
    name = _quote(partition_name(batch_id))
    cursor.execute(
        "SELECT pg_get_indexdef(ix.indexrelid) FROM pg_index ix "
        "WHERE ix.indrelid = %s::regclass ORDER BY ix.indexrelid",
        [LINES],
    )
    # "CREATE INDEX spend_date ON ONLY public.categories_spendline USING btree (date)"
    definitions = [row[0] for row in cursor.fetchall()]
    cursor.execute(
        "SELECT pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY conname",
        [LINES],
    )
    keys = [row[0] for row in cursor.fetchall()]
    # Each index of a million-line batch is sorted in memory rather than on disk.
    cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
    for definition in definitions:
        using = definition[definition.index(" USING ") :]
        cursor.execute(f"CREATE INDEX ON {name}{using}")
    for key in keys:
        cursor.execute(f"ALTER TABLE {name} ADD {key}")
    cursor.execute(
        f"ALTER TABLE {name} ADD CONSTRAINT {_quote(partition_name(batch_id) + '_batch')} "
        f"CHECK (import_batch_id IS NOT NULL AND import_batch_id = {int(batch_id)})"
    )


def attach_batch_table(cursor, batch_id: int):
    """Make the indexed and checked table the batch's partition: a change to the catalogue,
    under a lock readers of the lines wait for only that long."""
    cursor.execute(
        f"ALTER TABLE {_quote(LINES)} ATTACH PARTITION {_quote(partition_name(batch_id))} "
        f"FOR VALUES IN ({int(batch_id)})"
    )


def drop_batch_partition(cursor, batch_id: int) -> int | None:
    """Drop the batch's partition; returns how many lines it held, or None when the batch has
    no partition of its own (its lines, if any, are in the default partition)."""
    name = partition_name(batch_id)
    cursor.execute(
        "SELECT 1 FROM pg_inherits WHERE inhrelid = to_regclass(%s) AND inhparent = %s::regclass",
        [name, LINES],
    )
    if cursor.fetchone() is None:
        return None
    cursor.execute(f"SELECT COUNT(*) FROM {_quote(name)}")
    removed = cursor.fetchone()[0]
    cursor.execute(f"DROP TABLE {_quote(name)}")
    return removed


def batch_partitions(cursor) -> list[str]:
    cursor.execute(
        "SELECT child.relname FROM pg_inherits JOIN pg_class child ON child.oid = inhrelid "
        "WHERE inhparent = %s::regclass ORDER BY child.relname",
        [LINES],
    )
    return [name for (name,) in cursor.fetchall() if name != DEFAULT_PARTITION]
