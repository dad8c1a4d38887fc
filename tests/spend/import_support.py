"""Helpers for the import tests: files built in the test, and jobs run to their end."""

from pathlib import Path

import pytest

from spend.importing.storing import run_job, save_upload
from spend.models import ColumnMapping, ImportJob

HEADER = (
    "Invoice Date,Vendor Name,Net Amount,Currency,Cost Centre,Category,GL Account,Description,"
    "Invoice Number"
)
COLUMNS = {
    "date": "Invoice Date",
    "supplier": "Vendor Name",
    "amount": "Net Amount",
    "currency": "Currency",
    "business_unit": "Cost Centre",
    "category": "Category",
    "gl_account": "GL Account",
    "description": "Description",
    "document_reference": "Invoice Number",
}


@pytest.fixture(autouse=True)
def imports_in_tmp(settings, tmp_path):
    settings.IMPORTS_DIR = tmp_path / "imports"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def csv_bytes(*rows, header=HEADER, encoding="utf-8", delimiter=","):
    text = "\n".join([header, *rows]) + "\n"
    if delimiter != ",":
        text = text.replace(",", delimiter)
    return text.encode(encoding)


def import_file(data, name="spend.csv", user=None, store_valid_rows=False, **mapping) -> ImportJob:
    """Upload, map and run, as the page does, and return the finished job."""
    job = save_upload(data, name, user)
    defaults = {"columns": COLUMNS, "date_format": "iso", "default_currency": ""}
    defaults.update(mapping)
    job.mapping = ColumnMapping.objects.update_or_create(name=Path(name).stem, defaults=defaults)[0]
    job.store_valid_rows = store_valid_rows
    job.status = ImportJob.QUEUED
    job.save()
    return run_job(job.pk)
