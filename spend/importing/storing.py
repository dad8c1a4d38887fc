"""Running an import job against the database.

Two passes over the file, neither holding it whole. First every row is checked (the pure
functions of this package): a CSV file is read a block of whole rows at a time (`streaming`),
each block whose rows are all plain and right checked a column at a time with Arrow
(`columnar`), any other block, and a workbook, row by row in chunks (`validation`), which says
what is wrong where; progress saved per block. The clean lines wait on the worker's disk, and
only the distinct suppliers and units are kept in memory. Then, only if nothing is wrong or
the person chose to store the valid rows, one transaction: the batch, the new business units
and suppliers, the lines read back a piece at a time with their ids and categories worked out
in Arrow (`lines`), and the batch's rows of the spend summary (`writing`: on PostgreSQL the
lines go by one COPY into a table of their own that becomes the batch's partition, on SQLite
they are inserted in batches). Either every line of the file is stored or none is."""

import contextlib
import csv
import gc
import hashlib
import io
import itertools
import logging
import re
import time
from dataclasses import dataclass
from dataclasses import field as dataclass_field

import pyarrow.compute as pc
from django.conf import settings
from django.core.files.base import ContentFile, File
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
    check_block,
    lines_from_tuples,
)
from spend.importing.contracts import (
    ContractMapping,
    check_contract,
    contract_mapping_problems,
    looks_like_contracts,
    propose_contract_mapping,
)
from spend.importing.files import upload_keep, upload_open, upload_read, upload_size
from spend.importing.heartbeat import STORING_MESSAGE, Pulse, beating
from spend.importing.lines import Rules, SummarySoFar, stored_lines, summary_rows
from spend.importing.mapping import PROFILE_ROWS, MappingSpec, mapping_problems, propose_mapping
from spend.importing.reading import (
    Limits,
    UnreadableFile,
    check_csv_rows,
    check_file_bytes,
    clean_rows,
    content_kind,
    read_csv_file,
    read_table,
    visible,
)
from spend.importing.streaming import (
    BLOCK_BYTES,
    CsvBlocks,
    SpilledLines,
    UnsureRowEnds,
    csv_rows,
    file_encoding,
)
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
from spend.importing.writing import BatchLines, timed, write_rows
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


# What is read of a kept CSV file to show its first rows and propose a mapping from them
# (PROFILE_ROWS of a typical export): the file itself may be a gigabyte.
HEAD_BYTES = 16 * 1024 * 1024


def _hash_and_head(upload: File) -> tuple[str, bytes]:
    """The upload's SHA-256 and its first HEAD_BYTES, read in chunks."""
    digest, head = hashlib.sha256(), bytearray()
    for chunk in upload.chunks():
        digest.update(chunk)
        if len(head) < HEAD_BYTES:
            head += chunk[: HEAD_BYTES - len(head)]
    return digest.hexdigest(), bytes(head)


def head_table(head: bytes, size: int, file_name: str, limits: Limits):
    """The header and first rows of a CSV file of `size` bytes from its head: a row the head
    cuts in two is left out."""
    check_file_bytes(size, limits)
    if size > len(head) and (cut := head.rfind(b"\n")) > 0:
        head = head[: cut + 1]
    return read_table(head, file_name, limits=limits)


def earlier_batch(digest: str):
    return ImportBatch.objects.filter(content_hash=digest).select_related("job").first()


def import_limits() -> Limits:
    """How large a file an import takes (spend.importing.reading.Limits), from the settings."""
    defaults = Limits()
    return Limits(
        file_bytes=getattr(settings, "IMPORT_MAX_FILE_BYTES", defaults.file_bytes),
        unpacked_bytes=getattr(settings, "IMPORT_MAX_UNPACKED_BYTES", defaults.unpacked_bytes),
        rows=getattr(settings, "IMPORT_MAX_ROWS", defaults.rows),
        csv_rows=getattr(settings, "IMPORT_MAX_CSV_ROWS", defaults.csv_rows),
    )


NO_LINES = "The file has a header but no lines: nothing to import."


def save_upload(upload: bytes | File, file_name: str, user, kind: str = "") -> ImportJob:
    """Keep an upload (its bytes, or a file such as request.FILES gives, read in chunks so
    that a gigabyte CSV file is never held in memory) in the imports storage
    (spend.importing.files) and open a job waiting for its mapping. Refuses an unreadable
    file, one larger than an import takes, one with a header and no lines, or one already
    imported, before anything is kept."""
    upload = ContentFile(upload) if isinstance(upload, bytes) else upload
    limits = import_limits()
    digest, head = _hash_and_head(upload)
    if content_kind(head, file_name) == "xlsx":
        # A workbook is read whole (its size capped first): its rows are counted in its XML.
        check_file_bytes(upload.size, limits, workbook=True)
        upload.seek(0)
        table = read_table(upload.read(), file_name, limits=limits)
    else:
        table = head_table(head, upload.size, file_name, limits)
    if next(table.rows, None) is None:
        raise ImportRefused(NO_LINES)
    if batch := earlier_batch(digest):
        raise ImportRefused(duplicate_message(batch))
    stored_name = upload_keep(upload, digest, file_name)
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
    """The job's file as a table: for a workbook, `sheet` or else the sheet chosen; of a CSV
    file, the rows of its head (HEAD_BYTES), which is what the mapping pages show and propose
    from."""
    limits = import_limits()
    with upload_open(job.stored_path) as kept:
        head = kept.read(HEAD_BYTES)
        if content_kind(head, job.file_name) == "csv":
            return head_table(head, upload_size(job.stored_path), job.file_name, limits)
        # Its rows were counted when it was uploaded; the cheap checks of its size stay.
        return read_table(
            head + kept.read(),
            job.file_name,
            sheet or job.sheet or None,
            limits=limits,
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
        with beating(job.pk) as pulse, contextlib.ExitStack() as scratch:
            store = _store_contracts if job.kind == CONTRACTS else _store
            with timed(seconds, "check"), _no_cycle_collection():
                checked = _check(job, scratch)
            if job.status == ImportJob.RUNNING:
                if job.kind == CONTRACTS:
                    _progress(job, message=STORING_MESSAGE)
                    store(job, checked, seconds)
                else:
                    store(job, checked, seconds, pulse)
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


@dataclass
class CheckedFile:
    """What the check of a spend file hands to the store: its clean lines, kept on the
    worker's disk (`streaming.SpilledLines`), and the spelling each supplier and unit key
    first has in the file."""

    lines: SpilledLines
    suppliers: dict = dataclass_field(default_factory=dict)
    unit_names: dict = dataclass_field(default_factory=dict)


def _check(job: ImportJob, scratch: contextlib.ExitStack):
    if batch := earlier_batch(job.content_hash):
        raise ImportRefused(duplicate_message(batch))
    if job.mapping is None:
        raise ImportRefused("Confirm the column mapping first.")
    with upload_open(job.stored_path) as kept:
        kind = content_kind(kept.read(4096), job.file_name)
    if job.kind == CONTRACTS or kind == "xlsx":
        # A register of contracts is short, and a workbook is capped at Excel's rows: read
        # whole, as their rows are checked one after another.
        table = read_table(
            upload_read(job.stored_path), job.file_name, job.sheet or None, import_limits()
        )
        if job.kind == CONTRACTS:
            return _check_contracts(job, table)
    spec = spec_of(job.mapping, job.create_missing_units)
    reference = load_reference(job.mapping.category_values)
    tally = _Tally(job, scratch.enter_context(SpilledLines(CHECKED_LINE)))
    if kind == "xlsx":
        _refuse_mapping_problems(table.headers, spec)
        tally.begin(table.headers)
        _progress(job, rows_total=table.estimated_rows)
        _check_rows(tally, table.rows, column_indexes(table.headers, spec), spec, reference)
    else:
        _check_csv(job, tally, spec, reference)
    return tally.finish()


def _refuse_mapping_problems(headers: list[str], spec: MappingSpec):
    if problems := mapping_problems(headers, spec):
        raise ImportRefused(" ".join(problems))


def _check_csv(job: ImportJob, tally: "_Tally", spec: MappingSpec, reference: Reference):
    """Every row of a kept CSV file checked a block at a time (`streaming`): a block whose
    rows are all plain and right a column at a time (`columnar`), any other block row by
    row. A file whose row ends only the csv reader can find is read row by row throughout."""
    limits = import_limits()
    size = upload_size(job.stored_path)
    check_file_bytes(size, limits)  # kept before the limit was lowered
    with upload_open(job.stored_path) as kept:
        encoding = file_encoding(kept)
        try:
            blocks = CsvBlocks(kept, encoding, getattr(settings, "IMPORT_BLOCK_BYTES", BLOCK_BYTES))
            _refuse_mapping_problems(blocks.headers, spec)
            tally.begin(blocks.headers)
            indexes = column_indexes(blocks.headers, spec)
            for block in blocks:
                try:
                    tally.add_lines(
                        check_block(block.text, blocks.headers, blocks.delimiter, spec, reference)
                    )
                except NeedsRowCheck as reason:
                    logger.info(
                        "Import job %s: rows from line %s are checked one by one: %s",
                        job.pk,
                        block.first_line,
                        reason,
                    )
                    rows = clean_rows(csv_rows(block, blocks.delimiter), blocks.headers)
                    _check_rows(tally, rows, indexes, spec, reference, report=False)
                check_csv_rows(tally.rows_seen, limits)
                share_read = blocks.bytes_read / max(size, 1)
                estimate = round(tally.rows_seen / share_read) if share_read else 0
                _progress(job, rows_done=tally.rows_seen, rows_total=max(estimate, tally.rows_seen))
        except UnsureRowEnds:
            logger.info("Import job %s is read row by row: a quote inside a cell", job.pk)
            kept.seek(0)
            table = read_csv_file(kept.file if hasattr(kept, "file") else kept, encoding, 0)
            tally.begin(table.headers)
            _progress(job, rows_total=tally.estimate_rows(size))
            _check_rows(
                tally,
                table.rows,
                column_indexes(table.headers, spec),
                spec,
                reference,
                limits=limits,
            )


def _check_rows(tally, rows, indexes, spec, reference, report=True, limits=None):
    """Rows checked one by one (`validation.validate_rows`), CHECK_ROWS_AT_ONCE at a time;
    `report`: the progress is saved after each."""
    rows = iter(rows)
    while chunk := list(itertools.islice(rows, CHECK_ROWS_AT_ONCE)):
        tally.add_rows(len(chunk), validate_rows(chunk, indexes, spec, reference))
        if limits:
            check_csv_rows(tally.rows_seen, limits)
        if report:
            _progress(tally.job, rows_done=tally.rows_seen)


class _Tally:
    """What the check of a spend file has found so far: its clean lines (on disk), the
    suppliers and units they name, the rows skipped and the problems, with the rejected rows
    as CSV to download."""

    def __init__(self, job: ImportJob, lines: SpilledLines):
        self.job, self.lines = job, lines
        self.headers = []
        self.begin([])

    def begin(self, headers: list[str]):
        """From the start of the file (again, when it is read another way)."""
        self.lines.clear()
        self.headers = headers
        self.errors, self.error_count, self.rows_seen, self.skipped = [], 0, 0, {}
        self.suppliers, self.unit_names = {}, {}
        self.rejected = io.StringIO()
        self.rejected_writer = csv.writer(self.rejected)
        self.rejected_writer.writerow(["Row", *headers, "What is wrong"])

    def estimate_rows(self, size: int) -> int:
        return max(size // 100, 1)  # a typical export line is about a hundred bytes

    def _names(self, suppliers: dict, unit_names: dict):
        for supplier_key, name in suppliers.items():
            self.suppliers.setdefault(supplier_key, name)
        for unit_key, name in unit_names.items():
            self.unit_names.setdefault(unit_key, name)

    def add_lines(self, checked: CheckedLines):
        """A block whose every row is clean (`columnar.check_block`)."""
        self.rows_seen += checked.lines.num_rows
        self.lines.add(checked.lines)
        self._names(checked.suppliers, checked.unit_names)

    def add_rows(self, count: int, checked):
        """Rows checked one by one (`validation.CheckedRows`)."""
        self.rows_seen += count
        for number, cells, result in checked.others:
            if result.skipped:
                self.skipped[result.skipped] = self.skipped.get(result.skipped, 0) + 1
                continue
            self.error_count += len(result.errors)
            if len(self.errors) < ERRORS_KEPT:
                self.errors.extend(
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
            self.rejected_writer.writerow([number, *map(visible, cells), problems])
        self.lines.add(lines_from_tuples(checked.lines, LINE_COLUMNS))
        self._names(checked.suppliers, checked.unit_names)

    def finish(self) -> CheckedFile:
        """The job's figures and problems saved; the job refused when the file has no lines,
        or has problems and the person did not choose to store the valid rows."""
        job = self.job
        job.summary = {
            "rows_read": self.rows_seen,
            "total_rows_skipped": self.skipped.get(TOTAL_ROW, 0),
            "note_rows_skipped": self.skipped.get(NOTE_ROW, 0),
            "suppliers_in_file": len(self.suppliers),
        }
        _progress(
            job,
            rows_total=self.rows_seen,
            rows_done=self.rows_seen,
            errors=self.errors,
            error_count=self.error_count,
            rejected_rows=self.rejected.getvalue() if self.error_count else "",
        )
        if self.rows_seen - sum(self.skipped.values()) == 0:
            raise ImportRefused(NO_LINES)
        if self.error_count and not job.store_valid_rows:
            _finish(
                job,
                ImportJob.REJECTED,
                f"{self.error_count} problem(s) in the file, so nothing was stored. Correct the "
                "file and upload it again, or store the valid rows and keep the rejected ones "
                "for download.",
                summary=job.summary,
            )
        return CheckedFile(self.lines, self.suppliers, self.unit_names)


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


# The lines are stored in pieces this long: each is put in category order and written, so
# that the memory the store takes does not grow with the file (half a million lines take
# about 150 MB as they are written).
STORE_ROWS_AT_ONCE = 500_000


def _store(job: ImportJob, checked: CheckedFile, seconds: dict, pulse: Pulse):
    """Store the checked lines and their summary rows in one transaction, a piece at a time
    (the progress bar counts the lines stored, carried by the heartbeat: the transaction's
    own writes are seen by nobody until it commits)."""
    rows = checked.lines.rows
    job.summary["storing"] = True
    _progress(job, message=STORING_MESSAGE, rows_done=0, rows_total=rows, summary=job.summary)
    pulse.rows_done = 0
    try:
        with transaction.atomic():
            _one_import_stores_at_a_time()
            batch = ImportBatch.objects.create(
                source=job.file_name[:200],
                content_hash=job.content_hash,
                created_by=job.created_by,
                line_count=rows,
            )
            unit_ids, units_created, unit_ids_created = _resolve_units(
                list(checked.unit_names), checked.unit_names
            )
            supplier_ids, supplier_counts, created = import_suppliers_resolve(
                names=checked.suppliers,
                batch=batch,
                source=job.mapping.name if job.mapping else job.file_name,
            )
            rules = load_rules()
            summary, unclassified, unassigned = SummarySoFar(), 0, 0
            unassigned_id = unit_ids.get(key(UNASSIGNED_UNIT))
            store_rows = getattr(settings, "IMPORT_STORE_ROWS", STORE_ROWS_AT_ONCE)
            with BatchLines(batch, seconds) as writer:
                for piece in checked.lines.tables(store_rows):
                    lines = stored_lines(piece, supplier_ids, unit_ids, rules, batch.pk)
                    writer.write(lines)  # PostgreSQL stores it while the summary is added up
                    with timed(seconds, "summary"):
                        summary.add(summary_rows(lines))
                    unclassified += lines["category_id"].null_count
                    if unassigned_id is not None:
                        is_unassigned = pc.equal(lines["business_unit_id"], unassigned_id)
                        unassigned += pc.sum(is_unassigned).as_py() or 0
                    pulse.rows_done += lines.num_rows
                    del lines, piece
                writer.end()
                # In the same transaction: the cube's summary never shows half an import.
                # Before the partition is attached, which is the last step before the commit.
                with timed(seconds, "summary"):
                    write_rows(SpendSummary._meta.db_table, summary.rows())
                writer.attach()
            # Last, so the spend figures' version stays locked for the commit alone.
            figures.bump(figures.SPEND)
            commit_started = time.perf_counter()
        seconds["commit"] = time.perf_counter() - commit_started
    except IntegrityError:
        if batch := earlier_batch(job.content_hash):
            raise ImportRefused(duplicate_message(batch)) from None
        raise
    job.summary.pop("storing", None)
    _finish(
        job,
        ImportJob.STORED,
        f"{rows:,} lines stored"
        + (
            f"; {job.error_count} rejected row problem(s) kept for download"
            if job.error_count
            else ""
        ),
        batch=batch,
        rows_done=rows,
        lines_stored=rows,
        summary={
            **job.summary,
            "units_created": units_created,
            "suppliers": supplier_counts,
            "unclassified_lines": unclassified,
            "unassigned": _unassigned(unassigned, unit_ids),
            # What the batch brought into the workbench besides its lines: undoing it removes
            # them too, unless something else uses them by then.
            "created": {**created, "units": unit_ids_created},
        },
    )


def _unassigned(count: int, unit_ids: dict) -> dict:
    """How many lines named no business unit and went to the Unassigned unit, and its code."""
    unit_id = unit_ids.get(key(UNASSIGNED_UNIT))
    if unit_id is None:
        return {}
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
