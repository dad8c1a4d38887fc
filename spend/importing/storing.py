"""Running an import job against the database.

Two phases. First every row is checked (the pure functions of this package): a CSV file whose
rows are all plain and right is checked a column at a time with Arrow (`columnar`); any other
file row by row in chunks (`validation`), which says what is wrong where, progress saved per
chunk. Then, only if nothing is wrong or the person chose to store the valid rows, one
transaction: the batch, the new business units and suppliers, the lines with their ids and
categories worked out in Arrow (`lines`), and the batch's rows of the spend summary (`writing`:
on PostgreSQL the lines go by COPY into a table of their own that becomes the batch's
partition, on SQLite they are inserted in batches). Either every line of the file is stored or
none is."""

import contextlib
import csv
import gc
import hashlib
import io
import itertools
import logging
import re
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from categories.models import Category
from spend import partitions
from spend.importing.columnar import (
    CHECKED_LINE,
    CheckedLines,
    NeedsRowCheck,
    check_columns,
    lines_from_tuples,
)
from spend.importing.heartbeat import STORING_MESSAGE, beating
from spend.importing.lines import Rules, stored_lines, summary_rows
from spend.importing.mapping import MappingSpec, mapping_problems
from spend.importing.matching import FUZZY, NEW, match_suppliers
from spend.importing.reading import Limits, UnreadableFile, content_kind, read_table, visible
from spend.importing.validation import (
    LINE_COLUMNS,
    UNASSIGNED_UNIT,
    Reference,
    column_indexes,
    key,
    shown_value,
    validate_rows,
)
from spend.importing.writing import timed, write_batch_lines, write_rows
from spend.models import (
    ClassificationRule,
    ExchangeRate,
    ImportBatch,
    ImportJob,
    SpendLine,
    SpendSummary,
)
from spend.summary import refresh_spend_summary
from stakeholders.models import BusinessUnit
from suppliers.models import Supplier, SupplierAlias

logger = logging.getLogger(__name__)
# Rows checked one by one go in chunks this long; the progress bar moves per chunk.
CHECK_ROWS_AT_ONCE = 20_000
ERRORS_KEPT = 500


class ImportRefused(Exception):
    """The whole file is refused; the message says why and what to do."""


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def earlier_batch(digest: str):
    return ImportBatch.objects.filter(content_hash=digest).select_related("job").first()


def import_limits() -> Limits:
    """How large a file an import takes (spend.importing.reading.Limits), from the settings."""
    defaults = Limits()
    return Limits(
        file_bytes=getattr(settings, "IMPORT_MAX_FILE_BYTES", defaults.file_bytes),
        unpacked_bytes=getattr(settings, "IMPORT_MAX_UNPACKED_BYTES", defaults.unpacked_bytes),
        rows=getattr(settings, "IMPORT_MAX_ROWS", defaults.rows),
    )


NO_LINES = "The file has a header but no lines: nothing to import."


def save_upload(data: bytes, file_name: str, user) -> ImportJob:
    """Keep the uploaded bytes under var/imports and open a job waiting for its mapping.
    Refuses an unreadable file, one larger than an import takes, one with a header and no
    lines, or one already imported, before anything is kept."""
    table = read_table(data, file_name, limits=import_limits())
    if next(table.rows, None) is None:
        raise ImportRefused(NO_LINES)
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
        sheets=table.sheets,
        sheet=table.sheet,
        created_by=user if user and user.is_authenticated else None,
    )


def duplicate_message(batch: ImportBatch) -> str:
    where = f" (import #{batch.job.pk})" if hasattr(batch, "job") else ""
    return (
        f"This file was already imported on {timezone.localtime(batch.created_at):%d %b %Y %H:%M} "
        f"as batch {batch.pk}, {batch.source}{where}. Undo that batch first to import it again."
    )


def job_table(job: ImportJob, sheet: str = ""):
    """The job's file as a table: for a workbook, `sheet` or else the sheet chosen."""
    # Its rows were counted when it was uploaded; the cheap checks of its size stay.
    return read_table(
        Path(job.stored_path).read_bytes(),
        job.file_name,
        sheet or job.sheet or None,
        limits=import_limits(),
        count_rows=False,
    )


def choose_sheet(job: ImportJob, sheet: str):
    """Read another sheet of the job's workbook: its header row becomes the job's."""
    table = job_table(job, sheet)
    job.sheet, job.headers = table.sheet, table.headers
    job.save(update_fields=["sheet", "headers"])


def sample_rows(job: ImportJob, count: int = 20) -> list[list[str]]:
    table = job_table(job)
    rows = []
    for _, cells in table.rows:
        rows.append(list(map(visible, cells)))  # a NUL in a cell is shown as ␀
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
    fields["heartbeat_at"] = timezone.now()  # each report of progress is a sign of life
    for name, value in fields.items():
        setattr(job, name, value)
    ImportJob.objects.filter(pk=job.pk).update(**fields)


def _finish(job: ImportJob, status: str, message: str = "", **fields):
    _progress(job, status=status, message=message, finished_at=timezone.now(), **fields)
    return job


def refuse_job(job: ImportJob, reason: str) -> ImportJob:
    """Refuse a job as a whole, before it is queued: its file can no longer be read."""
    return _finish(job, ImportJob.REJECTED, reason)


def run_job(job_id: int) -> ImportJob:
    """Run one job to its end; never raises for bad files (the job says what went wrong)."""
    job = ImportJob.objects.select_related("mapping", "created_by").get(pk=job_id)
    if job.finished:
        return job
    _progress(job, status=ImportJob.RUNNING, rows_done=0, message="", attempts=job.attempts + 1)
    seconds = {}
    try:
        with beating(job.pk):
            with timed(seconds, "check"), _no_cycle_collection():
                checked = _check(job)
            if job.status == ImportJob.RUNNING:
                _progress(job, message=STORING_MESSAGE)
                _store(job, checked, seconds)
    except (UnreadableFile, ImportRefused) as refusal:
        _finish(job, ImportJob.REJECTED, str(refusal))
    except Exception as error:  # the job page must say it failed, whatever the cause
        logger.exception("Import job %s failed", job.pk)
        _finish(job, ImportJob.FAILED, f"The import stopped on an unexpected error: {error}")
    if job.status == ImportJob.STORED:
        job.summary["seconds"] = {phase: round(value, 2) for phase, value in seconds.items()}
        _progress(job, summary=job.summary)
    return job


@contextlib.contextmanager
def _no_cycle_collection():
    """Checking a million rows makes millions of small tuples that all live until their chunk
    is converted, and Python's cycle collector would walk every one of them again and again
    (measured: 7 of 11 seconds for a million rows). None of them is part of a cycle."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _check(job: ImportJob) -> CheckedLines:
    data = Path(job.stored_path).read_bytes()
    if batch := earlier_batch(job.content_hash):
        raise ImportRefused(duplicate_message(batch))
    table = read_table(data, job.file_name, job.sheet or None, limits=import_limits())
    if job.mapping is None:
        raise ImportRefused("Confirm the column mapping first.")
    spec = spec_of(job.mapping)
    if problems := mapping_problems(table.headers, spec):
        raise ImportRefused(" ".join(problems))
    reference = load_reference()
    _progress(job, rows_total=table.estimated_rows)
    if content_kind(data, job.file_name) == "csv":
        try:
            checked = check_columns(data, table.headers, spec, reference)
        except NeedsRowCheck as reason:
            logger.info("Import job %s is checked row by row: %s", job.pk, reason)
        else:
            rows = checked.lines.num_rows
            job.summary = {
                "rows_read": rows,
                "total_rows_skipped": 0,
                "suppliers_in_file": len(checked.suppliers),
            }
            _progress(job, rows_total=rows, rows_done=rows, errors=[], error_count=0)
            return checked
    return _check_row_by_row(job, table, spec, reference)


def _check_row_by_row(job: ImportJob, table, spec, reference) -> CheckedLines:
    indexes = column_indexes(table.headers, spec)
    errors, error_count, rows_seen, skipped = [], 0, 0, 0
    rejected = io.StringIO()
    rejected_writer = csv.writer(rejected)
    rejected_writer.writerow(["Row", *table.headers, "What is wrong"])
    suppliers, unit_names, parts = {}, {}, []
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
                    {
                        "row": e.row,
                        "column": e.column,
                        "value": shown_value(e.value),
                        "problem": e.problem,
                    }
                    for e in result.errors
                )
            # Kept as text PostgreSQL can store, to be corrected and uploaded again.
            problems = "; ".join(e.problem for e in result.errors)
            rejected_writer.writerow([number, *map(visible, cells), problems])
        parts.append(lines_from_tuples(checked.lines, LINE_COLUMNS))
        for supplier_key, name in checked.suppliers.items():
            suppliers.setdefault(supplier_key, name)
        for unit_key, name in checked.unit_names.items():
            unit_names.setdefault(unit_key, name)
        _progress(job, rows_done=rows_seen)
    job.summary = {
        "rows_read": rows_seen,
        "total_rows_skipped": skipped,
        "suppliers_in_file": len(suppliers),
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
        raise ImportRefused(NO_LINES)
    if error_count and not job.store_valid_rows:
        _finish(
            job,
            ImportJob.REJECTED,
            f"{error_count} problem(s) in the file, so nothing was stored. Correct the file and "
            "upload it again, or store the valid rows and keep the rejected ones for download.",
            summary=job.summary,
        )
    lines = pa.concat_tables(parts) if parts else CHECKED_LINE.empty_table()
    return CheckedLines(lines, suppliers, unit_names)


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


def load_rules() -> Rules:
    rules = ClassificationRule.objects.order_by("id")
    keywords = [
        (rule.keyword.lower(), rule.category_id)
        for rule in rules.filter(kind=ClassificationRule.KEYWORD).exclude(keyword="")
    ]
    return Rules(
        by_supplier=dict(
            rules.filter(kind=ClassificationRule.SUPPLIER).values_list("supplier_id", "category_id")
        ),
        by_gl_account=dict(
            rules.filter(kind=ClassificationRule.GL_ACCOUNT)
            .exclude(gl_account="")
            .values_list("gl_account", "category_id")
        ),
        # Longest first; sorted() keeps the older rule first among keywords of one length.
        keywords=tuple(sorted(keywords, key=lambda rule: -len(rule[0]))),
    )


# Any constant number will do, as long as nothing else takes an advisory lock with it.
STORING_LOCK = 0x5350454E44  # "SPEND"


def _one_import_stores_at_a_time():
    """Two imports storing at once would each create the suppliers and units new to both (or
    trip over the other's unit codes): the second waits here, in its transaction, until the
    first has committed, then finds what the first created. Checking files goes on in
    parallel. SQLite lets one writer in at a time anyway."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [STORING_LOCK])


def _store(job: ImportJob, checked: CheckedLines, seconds: dict):
    """Store the checked lines and their summary rows in one transaction."""
    try:
        with transaction.atomic():
            _one_import_stores_at_a_time()
            batch = ImportBatch.objects.create(
                source=job.file_name[:200], content_hash=job.content_hash, created_by=job.created_by
            )
            unit_ids, units_created = _resolve_units(list(checked.unit_names), checked.unit_names)
            supplier_ids, supplier_counts = _resolve_suppliers(checked.suppliers)
            lines = stored_lines(checked.lines, supplier_ids, unit_ids, load_rules(), batch.pk)
            batch.line_count = lines.num_rows
            batch.save(update_fields=["line_count"])
            # In the same transaction: the cube's summary never shows half an import. Before
            # the lines, so that attaching their partition is the last step before the commit.
            with timed(seconds, "summary"):
                write_rows(SpendSummary._meta.db_table, summary_rows(lines))
            write_batch_lines(batch, lines, seconds)
            commit_started = time.perf_counter()
        seconds["commit"] = time.perf_counter() - commit_started
    except IntegrityError:
        if batch := earlier_batch(job.content_hash):
            raise ImportRefused(duplicate_message(batch)) from None
        raise
    stored = lines.num_rows
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
            **job.summary,
            "units_created": units_created,
            "suppliers": supplier_counts,
            "unclassified_lines": lines["category_id"].null_count,
            "unassigned": _unassigned(lines, unit_ids),
        },
    )


def _unassigned(lines: pa.Table, unit_ids: dict) -> dict:
    """How many lines named no business unit and went to the Unassigned unit, and its code."""
    unit_id = unit_ids.get(key(UNASSIGNED_UNIT))
    if unit_id is None:
        return {}
    count = pc.sum(pc.equal(lines["business_unit_id"], unit_id)).as_py() or 0
    code = BusinessUnit.objects.filter(pk=unit_id).values_list("code", flat=True).first()
    return {"lines": count, "unit": code}


def undo_batch(job: ImportJob):
    """Remove exactly the lines the job's batch brought in; suppliers and units it created stay
    (other data may point at them by now)."""
    with transaction.atomic():
        batch = job.batch
        removed = 0
        if batch:
            if partitions.is_partitioned():
                with connection.cursor() as cursor:
                    removed = partitions.drop_batch_partition(cursor, batch.pk)
            if not removed:
                removed = SpendLine.objects.filter(import_batch=batch).delete()[0]
            batch.delete()
        _finish(job, ImportJob.UNDONE, f"Undone: {removed} lines removed.", batch=None)
    refresh_spend_summary()
    return removed
