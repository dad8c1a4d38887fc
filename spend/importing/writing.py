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


class BatchLines:
    """A batch's lines written a piece at a time, in one transaction: use it as a context
    manager. On PostgreSQL into a new table that `finish` indexes and attaches as the batch's
    partition, through one COPY that stays open from the first piece to the last, so that
    PostgreSQL stores one piece while the next is made; each piece in category order (a
    streamed import's lines of one category lie in a few runs, one a piece, rather than all
    over the batch); `end` closes the COPY, `attach` makes the table the batch's partition.
    Elsewhere into the lines table. The batch numbers its own lines (see
    spend.partitions), in the file's order."""

    def __init__(self, batch: ImportBatch, seconds: dict | None = None):
        self.batch = batch
        self.seconds = {} if seconds is None else seconds
        self.partitioned = partitions.is_partitioned()
        self.next_id = partitions.first_line_id(batch.pk)
        self.table = SpendLine._meta.db_table
        self._open = contextlib.ExitStack()
        self._copy = None

    def __enter__(self):
        if self.partitioned:
            with connection.cursor() as cursor:
                self.table = partitions.new_batch_table(cursor, self.batch.pk)
        return self

    def __exit__(self, *exc):
        self._open.__exit__(*exc)  # on an error, the COPY is abandoned with the transaction

    def write(self, lines: pa.Table):
        with timed(self.seconds, "lines"):
            if not self.partitioned:
                write_rows(self.table, lines)
                return
            ids = np.arange(self.next_id, self.next_id + lines.num_rows, dtype=np.int64)
            self.next_id += lines.num_rows
            lines = lines.append_column("id", pa.array(ids))
            if self._copy is None:
                self._copy = self._open.enter_context(
                    copy_into(self.table, lines.column_names, new_table=True)
                )
            order = in_category_order(lines)
            for start in range(0, lines.num_rows, COPY_ROWS_AT_ONCE):
                self._copy(lines.take(order.slice(start, COPY_ROWS_AT_ONCE)))

    def end(self):
        """Wait for the COPY to end: the connection is free for other statements."""
        with timed(self.seconds, "lines"):
            self._open.close()

    def attach(self):
        """The partition's indexes and keys, and its attachment: the last step of a batch."""
        self.end()
        if not self.partitioned:
            return
        with connection.cursor() as cursor:
            with timed(self.seconds, "indexes and keys"):
                partitions.index_and_check_batch_table(cursor, self.batch.pk)
            with timed(self.seconds, "attach"):
                partitions.attach_batch_table(cursor, self.batch.pk)


def write_batch_lines(batch: ImportBatch, lines: pa.Table, seconds: dict | None = None):
    """All of a batch's lines at once (see BatchLines)."""
    with BatchLines(batch, seconds) as writer:
        writer.write(lines)
        writer.attach()


@contextlib.contextmanager
def copy_into(table: str, columns: list[str], new_table=False):
    """A COPY in CSV into `table` on PostgreSQL, open while the block runs: it gives a function
    that sends an Arrow table of those columns (Arrow writes NULL as an empty field and quotes
    every text, so an empty text stays empty). The queued writer sends from a thread of its
    own, so PostgreSQL reads one piece while Arrow writes the next (both sides release the
    GIL). `new_table`: the table was made in this transaction, so PostgreSQL may write the
    rows frozen, sparing every later reader (the index builds first) from marking them
    visible."""
    quoted = connection.ops.quote_name
    names = ", ".join(quoted(name) for name in columns)
    freeze = ", FREEZE" if new_table else ""
    options = pa_csv.WriteOptions(include_header=False)
    with connection.cursor() as cursor:
        psycopg_cursor = cursor.cursor
        copy_sql = f"COPY {quoted(table)} ({names}) FROM STDIN (FORMAT csv{freeze})"
        with psycopg_cursor.copy(copy_sql, writer=QueuedLibpqWriter(psycopg_cursor)) as copy:

            def send(rows: pa.Table):
                sink = pa.BufferOutputStream()
                pa_csv.write_csv(rows, sink, options)
                copy.write(sink.getvalue())

            yield send


# COPY takes the rows in pieces this long, each turned into CSV by Arrow.
COPY_ROWS_AT_ONCE = 100_000
INSERT_ROWS_AT_ONCE = 5_000


def write_rows(table: str, rows: pa.Table, order: pa.Array | None = None, new_table=False):
    """Append an Arrow table's rows to a database table with columns of the same names: COPY
    in CSV on PostgreSQL (`copy_into`), batched inserts elsewhere. `order`: row positions to
    write in. `new_table`: see `copy_into`."""
    if connection.vendor == "postgresql":
        with copy_into(table, rows.column_names, new_table) as send:
            for start in range(0, rows.num_rows, COPY_ROWS_AT_ONCE):
                send(
                    rows.slice(start, COPY_ROWS_AT_ONCE)
                    if order is None
                    else rows.take(order.slice(start, COPY_ROWS_AT_ONCE))
                )
        return
    quoted = connection.ops.quote_name
    columns = ", ".join(quoted(name) for name in rows.column_names)
    placeholders = ", ".join(["%s"] * rows.num_columns)
    sql = f"INSERT INTO {quoted(table)} ({columns}) VALUES ({placeholders})"
    with connection.cursor() as cursor:
        for piece in rows.to_batches(max_chunksize=INSERT_ROWS_AT_ONCE):
            values = [column.to_pylist() for column in piece.columns]
            cursor.executemany(sql, list(zip(*values, strict=True)))
