"""Running an import job against the database.

Two phases. First every row is read and validated (the pure functions of this package), in
chunks checked a column at a time, the clean ones written to a scratch file in COPY text form,
progress saved per chunk. Then, only if nothing is wrong or the person chose to store the
valid rows, one transaction: the batch, the new business units and suppliers, the lines loaded
into a staging table (COPY on PostgreSQL, batched inserts on SQLite) and one INSERT ... SELECT
that resolves suppliers, units and classification rules in SQL; on PostgreSQL a batch large
beside the lines already stored goes in with the table's secondary indexes and foreign keys
set aside and rebuilt. Either every line of the file is stored or none is."""

import contextlib
import csv
import gc
import hashlib
import inspect
import io
import itertools
import logging
import re
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from categories.importing.mapping import MappingSpec, mapping_problems
from categories.importing.matching import FUZZY, NEW, match_suppliers
from categories.importing.reading import UnreadableFile, read_table
from categories.importing.validation import LINE_COLUMNS, Reference, key, validate_rows
from categories.models import (
    Category,
    ClassificationRule,
    ExchangeRate,
    ImportBatch,
    ImportJob,
    SpendLine,
)
from stakeholders.models import BusinessUnit
from suppliers.models import Supplier, SupplierAlias

logger = logging.getLogger(__name__)
# Rows are checked a column at a time in chunks this long; the progress bar moves per chunk.
CHECK_ROWS_AT_ONCE = 20_000
ERRORS_KEPT = 500
# The staging table takes the checked lines column for column, in the order validation gives
# them; only the file's row number goes by a longer name there.
STAGING_COLUMNS = ("row_number", *LINE_COLUMNS[1:])


class ImportRefused(Exception):
    """The whole file is refused; the message says why and what to do."""


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def earlier_batch(digest: str):
    return ImportBatch.objects.filter(content_hash=digest).select_related("job").first()


def save_upload(data: bytes, file_name: str, user) -> ImportJob:
    """Keep the uploaded bytes under var/imports and open a job waiting for its mapping.
    Refuses an unreadable file or one already imported, before anything is kept."""
    table = read_table(data, file_name)
    digest = content_hash(data)
    if batch := earlier_batch(digest):
        raise ImportRefused(duplicate_message(batch))
    directory = Path(settings.IMPORTS_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{digest}{Path(file_name).suffix.lower()[:10]}"
    path.write_bytes(data)
    return ImportJob.objects.create(
        file_name=file_name[:255],
        stored_path=str(path),
        content_hash=digest,
        headers=table.headers,
        created_by=user if user and user.is_authenticated else None,
    )


def duplicate_message(batch: ImportBatch) -> str:
    where = f" (import #{batch.job.pk})" if hasattr(batch, "job") else ""
    return (
        f"This file was already imported on {timezone.localtime(batch.created_at):%d %b %Y %H:%M} "
        f"as batch {batch.pk}, {batch.source}{where}. Undo that batch first to import it again."
    )


def sample_rows(job: ImportJob, count: int = 20) -> list[list[str]]:
    table = read_table(Path(job.stored_path).read_bytes(), job.file_name)
    rows = []
    for _, cells in table.rows:
        rows.append(cells)
        if len(rows) == count:
            break
    return rows


def spec_of(mapping) -> MappingSpec:
    return MappingSpec(
        columns=dict(mapping.columns),
        date_format=mapping.date_format,
        decimal_comma=mapping.decimal_comma,
        default_currency=mapping.default_currency,
        create_missing_units=mapping.create_missing_units,
    )


def load_reference() -> Reference:
    units, categories = {}, {}
    for pk, code, name in BusinessUnit.objects.values_list("pk", "code", "name"):
        units.setdefault(key(name), pk)
        units[key(code)] = pk
    for pk, code, name in Category.objects.values_list("pk", "code", "name"):
        categories.setdefault(key(name), pk)
        categories[key(code)] = pk
    rates = {
        (currency, month): rate
        for currency, month, rate in ExchangeRate.objects.values_list("currency", "month", "rate")
    }
    return Reference(settings.BASE_CURRENCY, units, categories, rates)


def _progress(job: ImportJob, **fields):
    for name, value in fields.items():
        setattr(job, name, value)
    ImportJob.objects.filter(pk=job.pk).update(**fields)


def _finish(job: ImportJob, status: str, message: str = "", **fields):
    _progress(job, status=status, message=message, finished_at=timezone.now(), **fields)
    return job


def run_job(job_id: int) -> ImportJob:
    """Run one job to its end; never raises for bad files (the job says what went wrong)."""
    job = ImportJob.objects.select_related("mapping", "created_by").get(pk=job_id)
    if job.finished:
        return job
    _progress(job, status=ImportJob.RUNNING, rows_done=0, message="")
    scratch = None
    seconds = {}
    try:
        started = time.perf_counter()
        with _no_cycle_collection():
            scratch = _validate_into_scratch(job)
        seconds["validate"] = time.perf_counter() - started
        if job.status == ImportJob.RUNNING:
            started = time.perf_counter()
            _progress(job, message="Every row checked; storing the lines in one transaction.")
            seconds["refresh_summary"] = _store(job, scratch)
            seconds["store"] = time.perf_counter() - started - seconds["refresh_summary"]
    except (UnreadableFile, ImportRefused) as refusal:
        _finish(job, ImportJob.REJECTED, str(refusal))
    except Exception as error:  # the job page must say it failed, whatever the cause
        logger.exception("Import job %s failed", job.pk)
        _finish(job, ImportJob.FAILED, f"The import stopped on an unexpected error: {error}")
    finally:
        if scratch:
            scratch.unlink(missing_ok=True)
    if job.status == ImportJob.STORED:
        job.summary["seconds"] = {phase: round(value, 2) for phase, value in seconds.items()}
        _progress(job, summary=job.summary)
    return job


@contextlib.contextmanager
def _no_cycle_collection():
    """Checking a million rows makes millions of small tuples that all live until their chunk
    is written, and Python's cycle collector would walk every one of them again and again
    (measured: 7 of 11 seconds for a million rows). None of them is part of a cycle."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _validate_into_scratch(job: ImportJob) -> Path:
    data = Path(job.stored_path).read_bytes()
    if batch := earlier_batch(job.content_hash):
        raise ImportRefused(duplicate_message(batch))
    table = read_table(data, job.file_name)
    if job.mapping is None:
        raise ImportRefused("Confirm the column mapping first.")
    spec = spec_of(job.mapping)
    if problems := mapping_problems(table.headers, spec):
        raise ImportRefused(" ".join(problems))
    reference = load_reference()
    indexes = {name: table.headers.index(header) for name, header in spec.columns.items() if header}
    _progress(job, rows_total=table.estimated_rows)

    errors, error_count, rows_seen, skipped, lines_checked = [], 0, 0, 0, 0
    rejected = io.StringIO()
    rejected_writer = csv.writer(rejected)
    rejected_writer.writerow(["Row", *table.headers, "What is wrong"])
    suppliers, units, unit_names = {}, set(), {}
    directory = Path(settings.IMPORTS_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    handle = tempfile.NamedTemporaryFile(
        "w", newline="", encoding="utf-8", suffix=".tsv", dir=directory, delete=False
    )
    scratch = Path(handle.name)
    with handle:
        rows = iter(table.rows)
        while chunk := list(itertools.islice(rows, CHECK_ROWS_AT_ONCE)):
            rows_seen += len(chunk)
            checked = validate_rows(chunk, indexes, spec, reference)
            for number, cells, result in checked.others:
                if result.skipped:
                    skipped += 1
                    continue
                error_count += len(result.errors)
                if len(errors) < ERRORS_KEPT:
                    errors.extend(
                        {"row": e.row, "column": e.column, "value": e.value, "problem": e.problem}
                        for e in result.errors
                    )
                rejected_writer.writerow(
                    [number, *cells, "; ".join(e.problem for e in result.errors)]
                )
            handle.write(scratch_text(checked.lines))
            lines_checked += len(checked.lines)
            for supplier_key, name in checked.suppliers.items():
                suppliers.setdefault(supplier_key, name)
            for unit_key, name in checked.unit_names.items():
                units.add(unit_key)
                unit_names.setdefault(unit_key, name)
            _progress(job, rows_done=rows_seen)
    job.summary = {
        "rows_read": rows_seen,
        "total_rows_skipped": skipped,
        "suppliers_in_file": len(suppliers),
        "_lines": lines_checked,
        "_units": sorted(units),
        "_unit_names": unit_names,
        "_suppliers": suppliers,
    }
    _progress(
        job,
        rows_total=rows_seen,
        rows_done=rows_seen,
        errors=errors,
        error_count=error_count,
        rejected_rows=rejected.getvalue() if error_count else "",
    )
    if rows_seen - skipped == 0:
        raise ImportRefused("The file has a header but no data rows: nothing to import.")
    if error_count and not job.store_valid_rows:
        _finish(
            job,
            ImportJob.REJECTED,
            f"{error_count} problem(s) in the file, so nothing was stored. Correct the file and "
            "upload it again, or store the valid rows and keep the rejected ones for download.",
            summary=_public(job.summary),
        )
    return scratch


def _public(summary: dict) -> dict:
    return {name: value for name, value in summary.items() if not name.startswith("_")}


def unit_code_for(name: str, taken: set) -> str:
    """A short unique code for a unit made from a file's unit name: "Highways Asset Management"
    → "HIGHWAYS-ASSET-MANAG"."""
    base = re.sub(r"[^A-Z0-9]+", "-", name.upper()).strip("-")[:20].strip("-") or "UNIT"
    code, suffix = base, 2
    while code in taken:
        code = f"{base[: 20 - len(str(suffix)) - 1]}-{suffix}"
        suffix += 1
    taken.add(code)
    return code


def _resolve_units(unit_keys: list, unit_names: dict) -> tuple[dict, list]:
    known = {}
    for pk, code, name in BusinessUnit.objects.values_list("pk", "code", "name"):
        known.setdefault(key(name), pk)
        known[key(code)] = pk
    taken = set(BusinessUnit.objects.values_list("code", flat=True))
    created = []
    for unit_key in unit_keys:
        if unit_key not in known:
            name = unit_names[unit_key]
            unit = BusinessUnit.objects.create(code=unit_code_for(name, taken), name=name)
            known[unit_key] = unit.pk
            created.append(f"{unit.code} {unit.name}")
    return {unit_key: known[unit_key] for unit_key in unit_keys}, created


def _resolve_suppliers(names: dict) -> tuple[dict, dict]:
    existing = dict(Supplier.objects.values_list("normalised_name", "pk"))
    aliases = dict(SupplierAlias.objects.values_list("normalised_name", "supplier_id"))
    matches = match_suppliers(names, existing, aliases)
    new_keys = [name for name, match in matches.items() if match.how == NEW]
    created = Supplier.objects.bulk_create(
        [Supplier(name=names[name], normalised_name=name) for name in new_keys], batch_size=2000
    )
    ids = {name: supplier.pk for name, supplier in zip(new_keys, created, strict=True)}
    fuzzy = []
    for name, match in matches.items():
        if match.how != NEW:
            ids[name] = match.supplier_id or ids[match.same_as]
        if match.how == FUZZY:
            fuzzy.append(
                SupplierAlias(
                    supplier_id=ids[name],
                    name=names[name],
                    normalised_name=name,
                    score=match.score,
                )
            )
    SupplierAlias.objects.bulk_create(fuzzy, ignore_conflicts=True)
    counts = {how: 0 for how in ("exact", "alias", "fuzzy", "new")}
    for match in matches.values():
        counts[match.how] += 1
    counts["fuzzy_names"] = [alias.name for alias in fuzzy][:50]
    return ids, counts


def _store(job: ImportJob, scratch: Path) -> float:
    """Store the checked lines in one transaction; returns the seconds the summary took."""
    summary = job.summary
    try:
        with transaction.atomic():
            rebuild = _rebuild_pays(summary["_lines"])
            if rebuild:
                # First, before this transaction holds anything another import needs: two
                # large imports at once wait for each other here rather than deadlock.
                with connection.cursor() as cursor:
                    table = connection.ops.quote_name(SpendLine._meta.db_table)
                    cursor.execute(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE")
            batch = ImportBatch.objects.create(
                source=job.file_name[:200], content_hash=job.content_hash, created_by=job.created_by
            )
            unit_ids, units_created = _resolve_units(summary["_units"], summary["_unit_names"])
            supplier_ids, supplier_counts = _resolve_suppliers(summary["_suppliers"])
            stored = _load_lines(batch, scratch, supplier_ids, unit_ids, rebuild)
            batch.line_count = stored
            batch.save(update_fields=["line_count"])
            # In the same transaction: the cube's summary never shows half an import.
            started = time.perf_counter()
            refresh_spend_summary(batch)
            refresh_seconds = time.perf_counter() - started
    except IntegrityError:
        if batch := earlier_batch(job.content_hash):
            raise ImportRefused(duplicate_message(batch)) from None
        raise
    unclassified = SpendLine.objects.filter(import_batch=batch, category__isnull=True).count()
    _finish(
        job,
        ImportJob.STORED,
        f"{stored} lines stored"
        + (
            f"; {job.error_count} rejected row problem(s) kept for download"
            if job.error_count
            else ""
        ),
        batch=batch,
        lines_stored=stored,
        summary={
            **_public(summary),
            "units_created": units_created,
            "suppliers": supplier_counts,
            "unclassified_lines": unclassified,
        },
    )
    return refresh_seconds


def _staging_sql() -> str:
    return (
        "CREATE TEMP TABLE import_staging (row_number integer, date date, "
        "amount numeric(16,2), original_amount numeric(16,2), currency varchar(3), "
        "supplier_key text, supplier_name text, unit_key text, category_id bigint, "
        "gl_account text, description text, document_reference text)"
    )


def _load_lines(
    batch: ImportBatch, scratch: Path, supplier_ids: dict, unit_ids: dict, rebuild: bool
) -> int:
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS import_staging")
        cursor.execute("DROP TABLE IF EXISTS import_keys")
        cursor.execute(_staging_sql())
        cursor.execute(
            "CREATE TEMP TABLE import_keys (kind varchar(8), key text, target_id bigint)"
        )
        cursor.executemany(
            "INSERT INTO import_keys (kind, key, target_id) VALUES (%s, %s, %s)",
            [("supplier", name, pk) for name, pk in supplier_ids.items()]
            + [("unit", name, pk) for name, pk in unit_ids.items()],
        )
        if connection.vendor == "postgresql":
            _copy_into_staging(cursor, scratch)
            cursor.execute("CREATE INDEX ON import_keys (kind, key)")
            cursor.execute("ANALYZE import_staging")
        else:
            _insert_into_staging(cursor, scratch)
        if rebuild:
            with _indexes_and_keys_set_aside(cursor, SpendLine):
                cursor.execute(*_resolve_sql(batch))
                stored = cursor.rowcount
        else:
            cursor.execute(*_resolve_sql(batch))
            stored = cursor.rowcount
        cursor.execute("DROP TABLE import_staging")
        cursor.execute("DROP TABLE import_keys")
    return stored


# Below this many lines a batch is stored into the table as it stands: setting aside its
# indexes and foreign keys locks the spend lines against readers until the commit.
REBUILD_FROM_LINES = 100_000
# Measured on PostgreSQL 15 (benchmarks/run.py): keeping an index current costs about 2.4 µs
# per incoming line and rebuilding it about 0.75 µs per line in the table, so a rebuild pays
# once a batch is about half the lines already stored. Each deferred foreign key check costs
# about 4 µs per line at commit; adding the key back checks the whole table in one join at
# about 0.2 µs per line.
REBUILD_FROM_SHARE = 0.5


def _rebuild_pays(incoming: int) -> bool:
    """Whether `incoming` lines go in faster with the indexes and keys set aside (PostgreSQL)."""
    if connection.vendor != "postgresql" or incoming < REBUILD_FROM_LINES:
        return False
    with connection.cursor() as cursor:
        # The planner's estimate of the lines stored: exact enough, and free.
        cursor.execute(
            "SELECT GREATEST(reltuples, 0)::bigint FROM pg_class WHERE oid = %s::regclass",
            [SpendLine._meta.db_table],
        )
        return incoming >= cursor.fetchone()[0] * REBUILD_FROM_SHARE


@contextlib.contextmanager
def _indexes_and_keys_set_aside(cursor, model):
    """Fill `model`'s table with a large batch without its secondary indexes and foreign
    keys, then build them again from their own definitions, in the caller's transaction: a
    sorted index build and one join per key instead of a million index insertions and four
    million per-row checks at commit. Unique indexes and the primary key stay. The keys come
    back exactly as they were (DEFERRABLE INITIALLY DEFERRED), and adding a key checks every
    row, so a row pointing nowhere still fails the import as a whole."""
    table = model._meta.db_table
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY conname",
        [table],
    )
    keys = cursor.fetchall()
    cursor.execute(
        "SELECT index_class.relname, pg_get_indexdef(ix.indexrelid) FROM pg_index ix "
        "JOIN pg_class index_class ON index_class.oid = ix.indexrelid "
        "WHERE ix.indrelid = %s::regclass AND NOT ix.indisprimary AND NOT ix.indisunique "
        "ORDER BY index_class.relname",
        [table],
    )
    indexes = cursor.fetchall()
    quoted = connection.ops.quote_name
    # A table whose keys change may have no checks waiting for the commit (the batch row just
    # created has some): run them now, then go back to checking at commit.
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    if keys:
        cursor.execute(
            f"ALTER TABLE {quoted(table)} "
            + ", ".join(f"DROP CONSTRAINT {quoted(name)}" for name, _ in keys)
        )
    if indexes:
        cursor.execute("DROP INDEX " + ", ".join(quoted(name) for name, _ in indexes))
    yield
    cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
    for _, definition in indexes:
        cursor.execute(definition)
    for name, definition in keys:
        cursor.execute(f"ALTER TABLE {quoted(table)} ADD CONSTRAINT {quoted(name)} {definition}")


def _copy_into_staging(cursor, scratch: Path):
    columns = ", ".join(STAGING_COLUMNS)
    with cursor.copy(f"COPY import_staging ({columns}) FROM STDIN") as copy:
        with scratch.open("rb") as handle:
            while chunk := handle.read(1 << 20):
                copy.write(chunk)


def _insert_into_staging(cursor, scratch: Path, batch_size: int = 5_000):
    placeholders = ", ".join(["%s"] * len(STAGING_COLUMNS))
    sql = f"INSERT INTO import_staging ({', '.join(STAGING_COLUMNS)}) VALUES ({placeholders})"
    with scratch.open(newline="", encoding="utf-8") as handle:
        lines = (read_scratch_line(text) for text in handle)
        while chunk := list(itertools.islice(lines, batch_size)):
            cursor.executemany(sql, chunk)


# The scratch file is in PostgreSQL's COPY text format: a line per row, tab between values,
# \N for nothing, and backslash escapes for the characters that would break a line apart.
COPY_ESCAPES = (("\\", "\\\\"), ("\t", "\\t"), ("\n", "\\n"), ("\r", "\\r"))
_COPY_UNESCAPE = re.compile(r"\\(.)")
_COPY_UNESCAPED = {"t": "\t", "n": "\n", "r": "\r"}


def _copy_escaped(values):
    """The column as COPY text; most columns need no escape, and are checked in one pass."""
    joined = "\x00".join(values)
    if not any(special in joined for special, _ in COPY_ESCAPES):
        return values
    escaped = []
    for value in values:
        for special, escape in COPY_ESCAPES:
            value = value.replace(special, escape)
        escaped.append(value)
    return escaped


def scratch_text(lines: list[tuple]) -> str:
    """Clean lines (tuples in STAGING_COLUMNS order) as COPY text, built a column at a time:
    a million rows formatted one value at a time cost seconds."""
    if not lines:
        return ""
    columns = [list(column) for column in zip(*lines, strict=True)]
    for index, name in enumerate(STAGING_COLUMNS):
        if name == "row_number":
            columns[index] = list(map(str, columns[index]))
        elif name == "category_id":
            columns[index] = ["\\N" if value is None else str(value) for value in columns[index]]
        else:
            columns[index] = _copy_escaped(columns[index])
    return "\n".join(map("\t".join, zip(*columns, strict=True))) + "\n"


def read_scratch_line(text: str) -> list:
    values = text.rstrip("\n").split("\t")
    return [
        None
        if value == "\\N"
        else _COPY_UNESCAPE.sub(lambda m: _COPY_UNESCAPED.get(m[1], m[1]), value)
        if "\\" in value
        else value
        for value in values
    ]


def _resolve_sql(batch: ImportBatch) -> tuple[str, list]:
    """One statement: suppliers and units by the keys resolved above, the category from the file
    or else the classification rules in their order of precedence (ClassificationRule.PRECEDENCE:
    supplier, GL account, the longest keyword found in the description)."""
    lines = SpendLine._meta.db_table
    rules = ClassificationRule._meta.db_table
    keyword = ""
    if ClassificationRule.objects.filter(kind=ClassificationRule.KEYWORD).exists():
        keyword = (
            f", (SELECT r.category_id FROM {rules} r WHERE r.kind = 'keyword' "
            "AND r.keyword <> '' AND LOWER(COALESCE(s.description, '')) "
            "LIKE '%%' || LOWER(r.keyword) || '%%' ORDER BY LENGTH(r.keyword) DESC, r.id LIMIT 1)"
        )
    sql = f"""
        INSERT INTO {lines} (date, amount, original_amount, currency, supplier_id, category_id,
            business_unit_id, description, document_reference, gl_account,
            supplier_name_in_file, import_batch_id)
        SELECT s.date, s.amount, s.original_amount, s.currency, supplier.target_id,
            COALESCE(s.category_id, by_supplier.category_id, by_gl.category_id{keyword}),
            unit.target_id, COALESCE(s.description, ''), COALESCE(s.document_reference, ''),
            COALESCE(s.gl_account, ''), COALESCE(s.supplier_name, ''), %s
        FROM import_staging s
        JOIN import_keys supplier ON supplier.kind = 'supplier' AND supplier.key = s.supplier_key
        JOIN import_keys unit ON unit.kind = 'unit' AND unit.key = s.unit_key
        LEFT JOIN {rules} by_supplier
            ON by_supplier.kind = 'supplier' AND by_supplier.supplier_id = supplier.target_id
        LEFT JOIN {rules} by_gl
            ON by_gl.kind = 'gl_account' AND s.gl_account <> '' AND by_gl.gl_account = s.gl_account
    """
    return sql, [batch.pk]


def undo_batch(job: ImportJob):
    """Remove exactly the lines the job's batch brought in; suppliers and units it created stay
    (other data may point at them by now)."""
    with transaction.atomic():
        batch = job.batch
        removed = SpendLine.objects.filter(import_batch=batch).delete()[0] if batch else 0
        if batch:
            batch.delete()
        _finish(job, ImportJob.UNDONE, f"Undone: {removed} lines removed.", batch=None)
    refresh_spend_summary()
    return removed


def refresh_spend_summary(batch=None):
    """The spend cube's summary tables (if that module exists) follow every import and undo."""
    try:
        from categories import summary
    except ImportError:
        return
    refresh = getattr(summary, "refresh_spend_summary", None)
    if refresh is None:
        return
    # A stored batch is added on its own where the summary can (it costs what the batch costs);
    # anything that removes or moves lines rebuilds it.
    if batch is not None and "batch" in inspect.signature(refresh).parameters:
        refresh(batch=batch)
    else:
        refresh()
