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

import pyarrow as pa
import pyarrow.compute as pc
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from simple_history.models import HistoricalChanges

from categories.models import Category
from spend import partitions
from spend.importing.columnar import (
    CHECKED_LINE,
    CheckedLines,
    NeedsRowCheck,
    check_columns,
    lines_from_tuples,
)
from spend.importing.contracts import (
    ContractMapping,
    check_contract,
    contract_mapping_problems,
    looks_like_contracts,
    propose_contract_mapping,
)
from spend.importing.files import upload_keep, upload_read
from spend.importing.heartbeat import STORING_MESSAGE, beating
from spend.importing.lines import Rules, stored_lines, summary_rows
from spend.importing.mapping import PROFILE_ROWS, MappingSpec, mapping_problems, propose_mapping
from spend.importing.reading import Limits, UnreadableFile, content_kind, read_table, visible
from spend.importing.validation import (
    LINE_COLUMNS,
    NOTE_ROW,
    TOTAL_ROW,
    UNASSIGNED_UNIT,
    Reference,
    column_indexes,
    is_note_row,
    is_total_row,
    key,
    shown_value,
    validate_rows,
)
from spend.importing.writing import timed, write_batch_lines, write_rows
from spend.models import (
    ClassificationRule,
    ColumnMapping,
    ExchangeRate,
    ImportBatch,
    ImportJob,
    SpendLine,
    SpendSummary,
)
from spend.summary import refresh_spend_summary
from spend.tasks import classifier_retrain_soon
from stakeholders.models import BusinessUnit
from suppliers.models import Contract, Supplier, SupplierAlias
from suppliers.suggestions import import_suppliers_resolve
from workbench import figures

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


def save_upload(data: bytes, file_name: str, user, kind: str = "") -> ImportJob:
    """Keep the uploaded bytes in the imports storage (spend.importing.files) and open a job
    waiting for its mapping. Refuses an unreadable file, one larger than an import takes, one
    with a header and no lines, or one already imported, before anything is kept."""
    table = read_table(data, file_name, limits=import_limits())
    if next(table.rows, None) is None:
        raise ImportRefused(NO_LINES)
    digest = content_hash(data)
    if batch := earlier_batch(digest):
        raise ImportRefused(duplicate_message(batch))
    stored_name = upload_keep(data, digest, file_name)
    if not kind:
        kind = CONTRACTS if looks_like_contracts(table.headers) else ColumnMapping.SPEND_LINES
    return ImportJob.objects.create(
        kind=kind,
        file_name=file_name[:255],
        stored_path=stored_name,
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
        upload_read(job.stored_path),
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


def spec_of(mapping, create_missing_units: bool | None = None) -> MappingSpec:
    """The mapping as plain values; `create_missing_units` overrides the mapping's choice (the
    command line's flag, for one run)."""
    return MappingSpec(
        columns=dict(mapping.columns),
        date_format=mapping.date_format,
        decimal_comma=mapping.decimal_comma,
        default_currency=mapping.default_currency,
        create_missing_units=(
            mapping.create_missing_units if create_missing_units is None else create_missing_units
        ),
        default_business_unit=mapping.default_business_unit,
    )


def saved_mapping_for(job: ImportJob, name: str = ""):
    """The saved mapping to read the job's file with: the one called `name` if there is one;
    else the most recently saved one whose columns the file has (the same source); else None."""
    mappings = ColumnMapping.objects.filter(kind=job.kind)
    if name and (mapping := mappings.filter(name=name).first()):
        return mapping
    for mapping in mappings.order_by("-updated_at"):
        if mapping.columns and set(mapping.columns.values()) <= set(job.headers):
            return mapping
    return None


def known_names(model) -> frozenset:
    """A model's codes and names as `validation.key` writes them, for the proposal."""
    return frozenset(
        key(text) for pair in model.objects.values_list("code", "name") for text in pair
    )


# A value map offers a choice per distinct value: beyond this many, the column is no
# classification but a description.
MOST_CATEGORY_VALUES = 200


def category_values_in(job: ImportJob, header: str) -> list[tuple[str, int]]:
    """The distinct values of the file's column `header`, with how many rows carry each, most
    used first: what a value map maps (empty when there are more than MOST_CATEGORY_VALUES)."""
    if header not in job.headers:
        return []
    index = job.headers.index(header)
    counts = {}
    for cells in proposal_rows(job):
        value = " ".join(cells[index].split()) if index < len(cells) else ""
        if value:
            counts[value] = counts.get(value, 0) + 1
    if len(counts) > MOST_CATEGORY_VALUES:
        return []
    return sorted(counts.items(), key=lambda pair: (-pair[1], pair[0]))


def proposal_rows(job: ImportJob) -> list[list[str]]:
    """The rows a mapping is proposed from: the first PROFILE_ROWS of the file."""
    return [cells for _, cells in itertools.islice(job_table(job).rows, PROFILE_ROWS)]


def propose_for(job: ImportJob):
    """A proposed mapping for the job's file, from its headers and the cells of its rows: a
    MappingSpec, or a ContractMapping for a contracts register."""
    if job.kind == CONTRACTS:
        return propose_contract_mapping(job.headers, proposal_rows(job))
    return propose_mapping(
        job.headers,
        proposal_rows(job),
        settings.BASE_CURRENCY,
        known_categories=known_names(Category),
        known_units=known_names(BusinessUnit),
    )


def load_reference(category_values: dict | None = None) -> Reference:
    """Units, categories and rates as the checks look them up; `category_values` (a mapping's
    value map: a file's classification value → category code) adds the file's own values."""
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
    for value, code in (category_values or {}).items():
        if (category := categories.get(key(code))) is not None:
            categories.setdefault(key(value), category)
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
    """Run one job to its end; never raises for bad files (the job says what went wrong).
    A job already finished, or already running, is returned as it is: see `_claim`."""
    if not _claim(job_id):
        return ImportJob.objects.get(pk=job_id)
    job = ImportJob.objects.select_related("mapping", "created_by").get(pk=job_id)
    seconds = {}
    try:
        with beating(job.pk):
            store = _store_contracts if job.kind == CONTRACTS else _store
            with timed(seconds, "check"), _no_cycle_collection():
                checked = _check(job)
            if job.status == ImportJob.RUNNING:
                _progress(job, message=STORING_MESSAGE)
                store(job, checked, seconds)
    except (UnreadableFile, ImportRefused) as refusal:
        _finish(job, ImportJob.REJECTED, str(refusal))
    except Exception as error:  # the job page must say it failed, whatever the cause
        logger.exception("Import job %s failed", job.pk)
        _finish(job, ImportJob.FAILED, f"The import stopped on an unexpected error: {error}")
    if job.status == ImportJob.STORED:
        job.summary["seconds"] = {phase: round(value, 2) for phase, value in seconds.items()}
        _progress(job, summary=job.summary)
        classifier_retrain_soon()  # the new lines want suggestions, and may teach the model
    return job


def _claim(job_id: int) -> bool:
    """Mark the job running, if no one has begun or finished it, in one conditional UPDATE:
    when two workers are handed the same job (queued twice: a retry clicked twice, a task
    re-sent), the database lets exactly one of them change the row and the other leaves it
    alone. The task queue's own claim (django-tasks-db's SELECT ... FOR UPDATE SKIP LOCKED)
    already hands each task to one worker; this makes the job, not only the task, run once."""
    return bool(
        ImportJob.objects.filter(pk=job_id)
        .exclude(status__in=[*ImportJob.FINISHED, ImportJob.RUNNING])
        .update(
            status=ImportJob.RUNNING,
            rows_done=0,
            message="",
            attempts=F("attempts") + 1,
            heartbeat_at=timezone.now(),
        )
    )


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
    data = upload_read(job.stored_path)
    if batch := earlier_batch(job.content_hash):
        raise ImportRefused(duplicate_message(batch))
    table = read_table(data, job.file_name, job.sheet or None, limits=import_limits())
    if job.mapping is None:
        raise ImportRefused("Confirm the column mapping first.")
    if job.kind == CONTRACTS:
        return _check_contracts(job, table)
    spec = spec_of(job.mapping, job.create_missing_units)
    if problems := mapping_problems(table.headers, spec):
        raise ImportRefused(" ".join(problems))
    reference = load_reference(job.mapping.category_values)
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
    errors, error_count, rows_seen, skipped = [], 0, 0, {}
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
                skipped[result.skipped] = skipped.get(result.skipped, 0) + 1
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
        "total_rows_skipped": skipped.get(TOTAL_ROW, 0),
        "note_rows_skipped": skipped.get(NOTE_ROW, 0),
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
    if rows_seen - sum(skipped.values()) == 0:
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


CONTRACTS = "contracts"  # ImportJob.kind of a contracts register
# BusinessUnit.code's length.
UNIT_CODE_LENGTH = 20


# Words a code can do without: "Housing, Environment and Healthy Communities" → "HOU-ENV-HEA-COM".
CODE_STOP_WORDS = frozenset({"AND", "OF", "THE", "FOR", "TO", "IN"})


def _skipped_row(cells: list[str], indexes: dict) -> str:
    if is_total_row(cells, indexes):
        return TOTAL_ROW
    return NOTE_ROW if is_note_row(cells, indexes) else ""


def _check_contracts(job: ImportJob, table) -> list:
    """Every row of a contracts register checked (spend.importing.contracts), the errors kept
    as a spend file's are; the job is refused, nothing stored, if any row is wrong and the
    person did not choose to store the valid rows."""
    mapping = ContractMapping(
        columns=dict(job.mapping.columns),
        date_format=job.mapping.date_format,
        decimal_comma=job.mapping.decimal_comma,
    )
    if problems := contract_mapping_problems(table.headers, mapping):
        raise ImportRefused(" ".join(problems))
    indexes = {name: table.headers.index(header) for name, header in mapping.columns.items()}
    categories = {}
    for pk, code, name in Category.objects.values_list("pk", "code", "name"):
        categories.setdefault(key(name), pk)
        categories[key(code)] = pk
    contracts, errors, error_count, rows_seen, skipped = [], [], 0, 0, {}
    rejected = io.StringIO()
    rejected_writer = csv.writer(rejected)
    rejected_writer.writerow(["Row", *table.headers, "What is wrong"])
    for number, cells in table.rows:
        rows_seen += 1
        if reason := _skipped_row(cells, {"amount": indexes.get("value")}):
            skipped[reason] = skipped.get(reason, 0) + 1
            continue
        contract, row_errors = check_contract(number, cells, indexes, mapping, categories)
        if contract:
            contracts.append(contract)
            continue
        error_count += len(row_errors)
        if len(errors) < ERRORS_KEPT:
            errors.extend(
                {"row": e.row, "column": e.column, "value": e.value, "problem": e.problem}
                for e in row_errors
            )
        problems = "; ".join(e.problem for e in row_errors)
        rejected_writer.writerow([number, *map(visible, cells), problems])
    job.summary = {
        "rows_read": rows_seen,
        "total_rows_skipped": skipped.get(TOTAL_ROW, 0),
        "note_rows_skipped": skipped.get(NOTE_ROW, 0),
        "suppliers_in_file": len({contract.supplier_key for contract in contracts}),
    }
    _progress(
        job,
        rows_total=rows_seen,
        rows_done=rows_seen,
        errors=errors,
        error_count=error_count,
        rejected_rows=rejected.getvalue() if error_count else "",
    )
    if not contracts and not error_count:
        raise ImportRefused("The register has a header but no contracts: nothing to import.")
    if error_count and not job.store_valid_rows:
        _finish(
            job,
            ImportJob.REJECTED,
            f"{error_count} problem(s) in the register, so nothing was stored. Correct the file "
            "and upload it again, or store the valid rows and keep the rejected ones for "
            "download.",
            summary=job.summary,
        )
    return contracts


def _store_contracts(job: ImportJob, contracts: list, seconds: dict):
    """The register's contracts, their new suppliers (matched as spend lines' are) and their
    categories, in one transaction, on a batch that undoing the import removes."""
    with transaction.atomic():
        _one_import_stores_at_a_time()
        try:
            batch = ImportBatch.objects.create(
                source=job.file_name[:200],
                content_hash=job.content_hash,
                created_by=job.created_by,
                line_count=len(contracts),
            )
        except IntegrityError:
            raise ImportRefused(duplicate_message(earlier_batch(job.content_hash))) from None
        names = {}
        for contract in contracts:
            names.setdefault(contract.supplier_key, contract.supplier_name)
        supplier_ids, supplier_counts, created = import_suppliers_resolve(
            names=names, batch=batch, source=job.mapping.name
        )
        stored = Contract.objects.bulk_create(
            [
                Contract(
                    supplier_id=supplier_ids[contract.supplier_key],
                    title=contract.title,
                    reference=contract.reference,
                    start=contract.start,
                    end=contract.end,
                    value=contract.value,
                    annual_value=contract.annual_value,
                    extension_months=contract.extension_months,
                    import_batch=batch,
                )
                for contract in contracts
            ],
            batch_size=1000,
        )
        Contract.categories.through.objects.bulk_create(
            [
                Contract.categories.through(contract_id=row.pk, category_id=contract.category_id)
                for row, contract in zip(stored, contracts, strict=True)
                if contract.category_id
            ]
        )
    total = sum(contract.value for contract in contracts)
    _finish(
        job,
        ImportJob.STORED,
        f"{len(contracts):,} contracts stored"
        + (f"; {job.error_count} rejected row problem(s) kept" if job.error_count else ""),
        batch=batch,
        lines_stored=len(contracts),
        summary={
            **job.summary,
            "contracts_value": str(total),
            "suppliers": supplier_counts,
            "created": {**created, "units": []},
        },
    )


def unit_code_for(name: str, taken: set) -> str:
    """A short unique code for a unit made from a file's unit name, as a person would shorten
    it: whole words when they fit ("CORPORATE-RESOURCES"), else the first letters of each
    word ("Strategic Housing Services" → "STRAT-HOUSI-SERVI", "Strategic Housing Investment"
    → "STRAT-HOUSI-INVES"), else the first word and the others' initials. Never cut mid-way
    with a number after it; a clash that remains is numbered "-2", "-3"."""
    words = re.sub(r"[^A-Z0-9]+", " ", name.upper().replace("'", "")).split() or ["UNIT"]
    words = [word for word in words if word not in CODE_STOP_WORDS] or words
    code = _abbreviation(words, UNIT_CODE_LENGTH)
    suffix = 2
    while code in taken:
        code = f"{_abbreviation(words, UNIT_CODE_LENGTH - len(str(suffix)) - 1)}-{suffix}"
        suffix += 1
    taken.add(code)
    return code


def _abbreviation(words: list[str], room: int) -> str:
    for letters in (room, 5, 4, 3):
        code = "-".join(word[:letters] for word in words)
        if len(code) <= room:
            return code
    initials = "".join(word[0] for word in words[1:])[: room // 2]
    return f"{words[0][: room - len(initials) - 1]}-{initials}"


def _resolve_units(unit_keys: list, unit_names: dict) -> tuple[dict, list, list]:
    """Unit key → unit id, creating the units the workbench lacks; also what was created, as
    "CODE Name" for the page and as ids for undoing the batch."""
    known = {}
    for pk, code, name in BusinessUnit.objects.values_list("pk", "code", "name"):
        known.setdefault(key(name), pk)
        known[key(code)] = pk
    taken = set(BusinessUnit.objects.values_list("code", flat=True))
    created, created_ids = [], []
    for unit_key in unit_keys:
        if unit_key not in known:
            name = unit_names[unit_key]
            unit = BusinessUnit.objects.create(code=unit_code_for(name, taken), name=name)
            known[unit_key] = unit.pk
            created.append(f"{unit.code} {unit.name}")
            created_ids.append(unit.pk)
    return {unit_key: known[unit_key] for unit_key in unit_keys}, created, created_ids


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
            unit_ids, units_created, unit_ids_created = _resolve_units(
                list(checked.unit_names), checked.unit_names
            )
            supplier_ids, supplier_counts, created = import_suppliers_resolve(
                names=checked.suppliers,
                batch=batch,
                source=job.mapping.name if job.mapping else job.file_name,
            )
            lines = stored_lines(checked.lines, supplier_ids, unit_ids, load_rules(), batch.pk)
            batch.line_count = lines.num_rows
            batch.save(update_fields=["line_count"])
            # In the same transaction: the cube's summary never shows half an import. Before
            # the lines, so that attaching their partition is the last step before the commit.
            with timed(seconds, "summary"):
                write_rows(SpendSummary._meta.db_table, summary_rows(lines))
            write_batch_lines(batch, lines, seconds)
            # Last, so the spend figures' version stays locked for the commit alone.
            figures.bump(figures.SPEND)
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
        f"{stored:,} lines stored"
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
            # What the batch brought into the workbench besides its lines: undoing it removes
            # them too, unless something else uses them by then.
            "created": {**created, "units": unit_ids_created},
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


def _reverse_relations(model):
    """Every foreign key and many-to-many field pointing at `model`, hidden ones included
    (a `related_name="+"` points at it all the same)."""
    return [
        field
        for field in model._meta.get_fields(include_hidden=True)
        if field.auto_created and not field.concrete and (field.one_to_many or field.many_to_many)
    ]


def unused(model, ids, batch_id: int, ignoring: dict | None = None) -> list:
    """Those of `ids` that no row of any other table points at, leaving out the rows that go
    with the batch (its lines, its match suggestions), the rows `ignoring` names (model → ids
    that go too) and the spend summary, which is rebuilt from the lines: what an undo may
    remove."""
    left, ignoring = set(ids), ignoring or {}
    for relation in _reverse_relations(model):
        if not left:
            break
        related = relation.related_model
        if related is SpendSummary or issubclass(related, HistoricalChanges):
            continue  # derived from the lines; or the record of a row's past, not a use
        name = relation.field.name
        rows = related._base_manager.filter(**{f"{name}__in": left})
        for field in related._meta.concrete_fields:
            if field.is_relation and field.related_model is ImportBatch:
                rows = rows.exclude(**{field.attname: batch_id})
        if related in ignoring:
            rows = rows.exclude(pk__in=ignoring[related])
        left -= set(rows.values_list(name, flat=True))
    return sorted(left)


def undo_preview(job: ImportJob) -> dict:
    """What undoing the job's batch would remove: its lines, and of what the batch created,
    the suppliers, units and unconfirmed supplier matches nothing else uses by now."""
    created = job.summary.get("created", {})
    aliases = SupplierAlias.objects.filter(pk__in=created.get("aliases", []), confirmed=False)
    alias_ids = list(aliases.values_list("pk", flat=True))
    suppliers = unused(
        Supplier, created.get("suppliers", []), job.batch_id, {SupplierAlias: alias_ids}
    )
    units = unused(BusinessUnit, created.get("units", []), job.batch_id)
    suggestions = job.batch.match_suggestions.count() if job.batch_id else 0
    return {
        "lines": job.lines_stored,
        "suppliers": suppliers,
        "units": units,
        "aliases": alias_ids,
        "suggestions": suggestions,
        "kept_suppliers": len(created.get("suppliers", [])) - len(suppliers),
        "kept_units": len(created.get("units", [])) - len(units),
    }


def undo_batch(job: ImportJob):
    """Remove exactly the lines the job's batch brought in, and what the batch created that
    nothing else uses by now: its new suppliers, business units and unconfirmed supplier
    matches (see `undo_preview`). Returns how many lines were removed."""
    with transaction.atomic():
        _one_import_stores_at_a_time()  # no import matches a supplier that is going away
        batch = job.batch
        removed = 0
        preview = undo_preview(job) if batch else {}
        if batch:
            if partitions.is_partitioned():
                with connection.cursor() as cursor:
                    removed = partitions.drop_batch_partition(cursor, batch.pk)
            if not removed:
                removed = SpendLine.objects.filter(import_batch=batch).delete()[0]
            batch.delete()
            SupplierAlias.objects.filter(pk__in=preview["aliases"]).delete()
            SpendSummary.objects.filter(
                Q(supplier_id__in=preview["suppliers"]) | Q(business_unit_id__in=preview["units"])
            ).delete()
            Supplier.objects.filter(pk__in=preview["suppliers"]).delete()
            BusinessUnit.objects.filter(pk__in=preview["units"]).delete()
            figures.bump(figures.SPEND)
        message = f"Undone: {removed} lines removed"
        if preview.get("suppliers") or preview.get("units"):
            message += (
                f", with the {len(preview['suppliers'])} supplier(s) and "
                f"{len(preview['units'])} business unit(s) the import had created"
            )
        _finish(job, ImportJob.UNDONE, message + ".", batch=None)
    refresh_spend_summary()
    classifier_retrain_soon()  # the undone lines' suggestions go with them
    return removed
