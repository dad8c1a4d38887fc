"""The real background path: the page queues the job in the database and returns at once; a
`db_worker` (as `make run` starts) picks it up and stores the lines, whoever is watching."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from spend.models import ImportJob, SpendLine
from tests.spend.import_support import COLUMNS, csv_bytes


@pytest.fixture
def database_queue(settings, tmp_path):
    settings.IMPORTS_DIR = tmp_path / "imports"
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.mark.django_db(transaction=True)
def test_import_waits_in_the_queue_and_the_worker_stores_it(client, company, database_queue):
    client.force_login(company.manager)
    client.post(
        reverse("spend:imports"),
        {
            "file": SimpleUploadedFile(
                "spend.csv",
                csv_bytes(
                    "2026-01-15,Dell Technologies Ltd,1200.50,GBP,MFG,IT.HW,6100,Laptops,INV-1"
                ),
            )
        },
    )
    job = ImportJob.objects.get()
    mapping = {"name": "ERP", "date_format": "iso", "default_currency": ""}
    mapping.update({f"column_{field}": header for field, header in COLUMNS.items()})
    client.post(job.get_absolute_url(), mapping)

    job.refresh_from_db()
    assert job.status == ImportJob.QUEUED  # the request did not import anything itself
    assert DBTaskResult.objects.get(task_path__endswith="import_spend_file").status == "READY"
    page = client.get(job.get_absolute_url())
    assert b"<progress" in page.content and b"goes on if you close this page" in page.content

    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)

    job.refresh_from_db()
    assert job.status == ImportJob.STORED, job.message
    assert SpendLine.objects.get().document_reference == "INV-1"
    assert DBTaskResult.objects.get(task_path__endswith="import_spend_file").status == "SUCCESSFUL"
