"""Writing Arrow tables of lines and summary rows to the database: COPY in CSV on PostgreSQL,
batched inserts elsewhere; a batch's lines as a table of their own that becomes its partition
(`spend.partitions`)."""

import contextlib
import time

import numpy as np
import pyarrow as pa
import pyarrow.csv as pa_csv
from django.db import connection
from psycopg.copy import QueuedLibpqWriter

from spend import partitions
from spend.importing.lines import in_category_order
from spend.models import ImportBatch, SpendLine


@contextlib.contextmanager
def timed(seconds: dict, phase: str):
    """How long each phase took, kept on the job (the benchmark prints them)."""
    started = time.perf_counter()
    try:
        yield
    finally:
        seconds[phase] = seconds.get(phase, 0) + time.perf_counter() - started


def write_batch_lines(batch: ImportBatch, lines: pa.Table, seconds: dict | None = None):
    """On PostgreSQL, the lines in category order into a new table attached as the batch's
    partition; elsewhere, into the lines table."""
    seconds = {} if seconds is None else seconds
    if not partitions.is_partitioned():
        with timed(seconds, "lines"):
            write_rows(SpendLine._meta.db_table, lines)
        return
    # The batch numbers its own lines (see spend.partitions), in the file's order.
    first = partitions.first_line_id(batch.pk)
    lines = lines.append_column(
        "id", pa.array(np.arange(first, first + lines.num_rows, dtype=np.int64))
    )
    with connection.cursor() as cursor:
        table = partitions.new_batch_table(cursor, batch.pk)
        with timed(seconds, "lines"):
            write_rows(table, lines, order=in_category_order(lines), new_table=True)
        with timed(seconds, "indexes and keys"):
            partitions.index_and_check_batch_table(cursor, batch.pk)
        with timed(seconds, "attach"):
            partitions.attach_batch_table(cursor, batch.pk)


# COPY takes the rows in pieces this long, each turned into CSV by Arrow.
COPY_ROWS_AT_ONCE = 100_000
INSERT_ROWS_AT_ONCE = 5_000


def write_rows(table: str, rows: pa.Table, order: pa.Array | None = None, new_table=False):
    """Append an Arrow table's rows to a database table with columns of the same names: COPY
    in CSV on PostgreSQL (Arrow writes NULL as an empty field and quotes every text, so an
    empty text stays empty), batched inserts elsewhere. `order`: row positions to write in.
    `new_table`: the table was made in this transaction, so PostgreSQL may write the rows
    frozen, sparing every later reader (the index builds first) from marking them visible."""
    quoted = connection.ops.quote_name
    columns = ", ".join(quoted(name) for name in rows.column_names)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            options = pa_csv.WriteOptions(include_header=False)
            # The queued writer sends from a thread of its own, so PostgreSQL reads one piece
            # while Arrow writes the next (both sides release the GIL).
            freeze = ", FREEZE" if new_table else ""
            copy_sql = f"COPY {quoted(table)} ({columns}) FROM STDIN (FORMAT csv{freeze})"
            psycopg_cursor = cursor.cursor
            writer = QueuedLibpqWriter(psycopg_cursor)
            with psycopg_cursor.copy(copy_sql, writer=writer) as copy:
                for start in range(0, rows.num_rows, COPY_ROWS_AT_ONCE):
                    piece = (
                        rows.slice(start, COPY_ROWS_AT_ONCE)
                        if order is None
                        else rows.take(order.slice(start, COPY_ROWS_AT_ONCE))
                    )
                    sink = pa.BufferOutputStream()
                    pa_csv.write_csv(piece, sink, options)
                    copy.write(sink.getvalue())
            return
        placeholders = ", ".join(["%s"] * rows.num_columns)
        sql = f"INSERT INTO {quoted(table)} ({columns}) VALUES ({placeholders})"
        for piece in rows.to_batches(max_chunksize=INSERT_ROWS_AT_ONCE):
            values = [column.to_pylist() for column in piece.columns]
            cursor.executemany(sql, list(zip(*values, strict=True)))
