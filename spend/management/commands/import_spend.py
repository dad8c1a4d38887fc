"""`manage.py import_spend PATH [--mapping NAME]`: the same import as the web page, run here and
now. Exits 0 when the lines are stored, non-zero with the problems otherwise."""

from dataclasses import replace
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from spend.importing.mapping import mapping_problems, propose_mapping
from spend.importing.reading import UnreadableFile
from spend.importing.storing import ImportRefused, run_job, sample_rows, save_upload
from spend.models import ColumnMapping, ImportJob


class Command(BaseCommand):
    help = "Import spend lines from a CSV or Excel (.xlsx) file."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument(
            "--mapping",
            help="Name of the source's column mapping: used if saved, else proposed from the "
            "headers and saved under this name (default: the file's name).",
        )
        parser.add_argument(
            "--store-valid-rows",
            action="store_true",
            help="Store the valid rows even if some are rejected (they are listed).",
        )
        parser.add_argument(
            "--create-missing-units",
            action="store_true",
            help="Create business units the file names that do not exist yet.",
        )
        parser.add_argument("--currency", help="Currency of every line when the file has none.")

    def handle(self, *args, **options):
        path = Path(options["path"])
        if not path.is_file():
            raise CommandError(f"No file at {path}")
        try:
            job = save_upload(path.read_bytes(), path.name, None)
        except (UnreadableFile, ImportRefused) as refusal:
            raise CommandError(str(refusal)) from None
        job.mapping = self._mapping(job, options)
        job.store_valid_rows = options["store_valid_rows"]
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
        self.stdout.write(
            f"{job.lines_stored} lines stored as batch {job.batch_id} "
            f"(import #{job.pk}); {summary.get('unclassified_lines', 0)} unclassified; "
            f"suppliers: {summary['suppliers']['exact']} exact, {summary['suppliers']['alias']} "
            f"by alias, {summary['suppliers']['fuzzy']} fuzzy, {summary['suppliers']['new']} new; "
            f"units created: {len(summary.get('units_created', []))}"
        )

    def _mapping(self, job, options):
        """The saved mapping of that name; else one proposed from the headers, saved under the
        name (or the file's) so the next file of the source reuses it."""
        name = options["mapping"] or Path(job.file_name).stem[:100]
        mapping = ColumnMapping.objects.filter(name=name).first()
        if mapping is None or not options["mapping"]:
            spec = propose_mapping(job.headers, sample_rows(job), settings.BASE_CURRENCY)
            if options["currency"]:
                spec = replace(spec, default_currency=options["currency"].upper())
            if problems := mapping_problems(job.headers, spec):
                raise CommandError(" ".join(problems))
            mapping, _ = ColumnMapping.objects.update_or_create(
                name=name,
                defaults={
                    "columns": spec.columns,
                    "date_format": spec.date_format,
                    "decimal_comma": spec.decimal_comma,
                    "default_currency": spec.default_currency,
                },
            )
            self.stdout.write(f"Mapping {name!r} proposed from the headers: {spec.columns}")
        if options["currency"]:
            mapping.default_currency = options["currency"].upper()
        if options["create_missing_units"]:
            mapping.create_missing_units = True
        mapping.save()
        return mapping
