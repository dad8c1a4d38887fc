"""`manage.py import_spend PATH [--mapping NAME]`: the same import as the web page, run here and
now. Exits 0 when the lines are stored, non-zero with the problems otherwise."""

from dataclasses import replace
from pathlib import Path

from django.core.files import File
from django.core.management.base import BaseCommand, CommandError

from spend.importing.contracts import contract_mapping_problems
from spend.importing.mapping import mapping_problems
from spend.importing.reading import UnreadableFile
from spend.importing.storing import (
    ImportRefused,
    propose_for,
    run_job,
    save_upload,
    saved_mapping_for,
)
from spend.models import ColumnMapping, ImportJob


class Command(BaseCommand):
    help = "Import spend lines from a CSV or Excel (.xlsx) file."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument(
            "--mapping",
            help="Name of the source's column mapping: used as saved (in the browser or by an "
            "earlier run), else proposed from the file and saved under this name (default: "
            "the file's name, or a saved mapping whose columns the file has).",
        )
        parser.add_argument(
            "--store-valid-rows",
            action="store_true",
            help="Store the valid rows even if some are rejected (they are listed).",
        )
        parser.add_argument(
            "--create-missing-units",
            action="store_true",
            help="Create business units the file names that do not exist yet (for this run "
            "only: a saved mapping's choice does not count here).",
        )
        parser.add_argument("--currency", help="Currency of every line when the file has none.")

    def handle(self, *args, **options):
        path = Path(options["path"])
        if not path.is_file():
            raise CommandError(f"No file at {path}")
        try:
            with path.open("rb") as handle:  # read in chunks: the file may be a gigabyte
                job = save_upload(File(handle), path.name, None)
        except (UnreadableFile, ImportRefused) as refusal:
            raise CommandError(str(refusal)) from None
        job.mapping = self._mapping(job, options)
        job.store_valid_rows = options["store_valid_rows"]
        # Units are created only when this run asks, whatever the saved mapping says.
        job.create_missing_units = options["create_missing_units"]
        job.status = ImportJob.QUEUED
        job.save()
        job = run_job(job.pk)
        for error in job.errors[:50]:
            self.stderr.write(
                f"row {error['row']}, column {error['column']!r}, value {error['value']!r}: "
                f"{error['problem']}"
            )
        if job.error_count > 50:
            self.stderr.write(f"... {job.error_count - 50} more problem(s)")
        if job.status != ImportJob.STORED:
            raise CommandError(job.message)
        summary = job.summary
        suppliers = summary["suppliers"]
        if job.kind == ColumnMapping.CONTRACTS:
            self.stdout.write(
                f"{job.lines_stored:,} contracts stored as batch {job.batch_id} (import "
                f"#{job.pk}), worth {summary['contracts_value']}; suppliers: {suppliers['exact']} "
                f"exact, {suppliers.get('queued', 0)} queued for review, {suppliers['new']} new"
            )
            return
        self.stdout.write(
            f"{job.lines_stored:,} lines stored as batch {job.batch_id} "
            f"(import #{job.pk}); {summary.get('unclassified_lines', 0)} unclassified; "
            f"suppliers: {suppliers['exact']} exact, {suppliers['alias']} by alias, "
            f"{suppliers['fuzzy']} fuzzy, {suppliers.get('queued', 0)} queued for review, "
            f"{suppliers['new']} new, {suppliers.get('redacted', 0)} redacted; "
            f"units created: {len(summary.get('units_created', []))}"
        )

    def _mapping(self, job, options):
        """The saved mapping of that name, or else the one the browser would offer (saved
        for a file with these columns), used as saved; else one proposed from the file, saved
        under the name (or the file's) so the next file of the source reuses it."""
        name = options["mapping"] or Path(job.file_name).stem[:100]
        mapping = saved_mapping_for(job, name)
        if mapping is not None:
            self.stdout.write(f"Using the saved mapping {mapping.name!r}: {mapping.columns}")
            if options["currency"] and not mapping.columns.get("currency"):
                mapping.default_currency = options["currency"].upper()
                mapping.save(update_fields=["default_currency"])
            return mapping
        spec = propose_for(job)
        if job.kind == ColumnMapping.CONTRACTS:
            problems = contract_mapping_problems(job.headers, spec)
        else:
            if options["currency"]:
                spec = replace(spec, default_currency=options["currency"].upper())
            problems = mapping_problems(job.headers, spec)
        if problems:
            raise CommandError(" ".join(problems))
        mapping = ColumnMapping.objects.create(
            name=name,
            kind=job.kind,
            columns=spec.columns,
            date_format=spec.date_format,
            decimal_comma=spec.decimal_comma,
            default_currency=getattr(spec, "default_currency", ""),
        )
        self.stdout.write(f"Mapping {name!r} proposed from the file: {spec.columns}")
        for note in spec.problems:
            self.stdout.write(note)
        return mapping
