"""A killed import worker: nothing half-stored, the job failed with the reason once its
heartbeat stops, and a retry from the kept file that stores it. The first test is the real
thing: `manage.py db_worker` in a process of its own, killed with SIGKILL while it stores, on
PostgreSQL and on SQLite alike; the others test the sweep and the retry one step at a time."""

import datetime
import itertools
import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from decimal import Decimal

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.db import connection
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from spend import services
from spend.importing.files import imports_storage
from spend.importing.heartbeat import STORING_MESSAGE, beating, sweep_stalled_jobs
from spend.importing.storing import ImportRefused, save_upload
from spend.models import ColumnMapping, ImportBatch, ImportJob, SpendLine, SpendSummary
from tests.spend.import_support import COLUMNS, HEADER, csv_bytes, imports_in_tmp

__all__ = ["imports_in_tmp"]

WORKER_TIMEOUT = 3  # seconds, as tests/spend/worker_settings.py gives the worker


@pytest.fixture
def database_queue(settings, tmp_path):
    settings.IMPORTS_DIR = tmp_path / "imports"
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.IMPORT_WORKER_TIMEOUT = WORKER_TIMEOUT
    settings.IMPORT_HEARTBEAT_SECONDS = 0.5


def large_file(rows: int) -> tuple[bytes, Decimal]:
    """A plain file of `rows` lines, and the total of their amounts."""
    suppliers = ["Dell Technologies Ltd", "Softcat plc", "Insight Direct", "CDW Ltd"]
    lines, total = [HEADER], 0
    for number in range(rows):
        pence = 1000 + number % 997 * 13
        total += pence
        lines.append(
            f"2026-{number % 12 + 1:02d}-15,{suppliers[number % 4]},"
            f"{pence // 100}.{pence % 100:02d},GBP,MFG,IT.HW,6100,Line {number},INV-{number}"
        )
    return ("\n".join(lines) + "\n").encode(), Decimal(total) / 100


def queue(job: ImportJob, by):
    services.import_job_map(
        job=job,
        by=by,
        name="ERP",
        columns=COLUMNS,
        date_format="iso",
        decimal_comma=False,
        default_currency="",
        create_missing_units=False,
        store_valid_rows=False,
    )


@pytest.fixture
def database_url(tmp_path):
    """The test database as the worker process opens it. PostgreSQL's is on the server. SQLite's
    lives in this process's memory, where no other process can reach it: for this test it is
    copied to a file (SQLite's backup API, as Django's parallel test runner clones it) and this
    process works on the file too, the in-memory database kept open aside and put back after."""
    database = connection.settings_dict
    if connection.vendor == "postgresql":
        yield (
            f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/"
            f"{database['NAME']}"
        )
        return
    path = tmp_path / "workbench.sqlite3"
    connection.ensure_connection()
    with sqlite3.connect(path) as copy:
        connection.connection.backup(copy)
    copy.close()
    in_memory, memory_name = connection.connection, database["NAME"]
    connection.connection, database["NAME"] = None, str(path)
    try:
        yield f"sqlite:///{path}"
    finally:
        connection.close()
        connection.connection, database["NAME"] = in_memory, memory_name


def start_worker(database_url: str) -> subprocess.Popen:
    """`manage.py db_worker` as `make run` starts it, on the test database."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.spend.worker_settings",
        "DATABASE_URL": database_url,
        # The uploads this test keeps, where the worker reads them: one storage for both.
        "IMPORTS_DIR": str(django_settings.IMPORTS_DIR),
    }
    return subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--no-reload", "--interval", "0.1"],
        cwd=django_settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def wait_for(condition, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if result := condition():
            return result
        time.sleep(0.02)
    raise AssertionError(f"waited {seconds} s for {what}")


def job_now(job: ImportJob) -> ImportJob:
    job.refresh_from_db()
    return job


@pytest.mark.django_db(transaction=True)
def test_worker_killed_while_storing_leaves_nothing_and_the_retry_stores_the_file(
    client, company, database_queue, database_url
):
    data, total = large_file(300_000)
    job = save_upload(data, "ledger.csv", company.manager)
    queue(job, company.manager)
    worker = start_worker(database_url)
    try:
        wait_for(
            lambda: job_now(job).message == STORING_MESSAGE, 60, "the worker to store the lines"
        )
        time.sleep(0.2)  # well into the transaction
        worker.send_signal(signal.SIGKILL)
        worker.wait(10)
    finally:
        worker.kill()
    assert job_now(job).status == ImportJob.RUNNING, "the import ended before the kill"
    assert not SpendLine.objects.exists()
    assert not ImportBatch.objects.exists()
    assert not SpendSummary.objects.exists()

    # A restarted worker fails the job once its heartbeat has been silent for the timeout.
    worker = start_worker(database_url)
    try:
        wait_for(lambda: job_now(job).status == ImportJob.FAILED, 30, "the sweep to fail the job")
        assert "The import worker stopped while storing this file (no sign of life since" in (
            job.message
        )
        assert "Nothing was stored. Retry it below." in job.message
        assert not SpendLine.objects.exists()
        client.force_login(company.manager)
        page = client.get(job.get_absolute_url())
        assert b"Retry this import" in page.content

        client.post(reverse("spend:import_retry", args=[job.pk]))
        wait_for(lambda: job_now(job).finished, 60, "the retried import")
    finally:
        worker.terminate()
        worker.wait(10)
    assert job.status == ImportJob.STORED, job.message
    assert job.attempts == 2
    assert SpendLine.objects.count() == 300_000
    stored_total = SpendLine.objects.aggregate(total=Sum("amount"))["total"]
    assert Decimal(stored_total).quantize(Decimal("0.01")) == total  # SQLite sums in floats


INVOICES = itertools.count(1)


def running_job(company, *, seconds_ago: int, message="", status=ImportJob.RUNNING, task_id=""):
    """A job of one line (a file of its own) that a worker began, its last sign of life
    `seconds_ago`."""
    invoice = f"INV-{next(INVOICES)}"
    job = save_upload(
        csv_bytes(f"2026-01-15,Dell Technologies Ltd,1200.50,GBP,MFG,IT.HW,6100,Laptops,{invoice}"),
        "spend.csv",
        company.manager,
    )
    job.mapping = ColumnMapping.objects.get_or_create(
        name="ERP", defaults={"columns": COLUMNS, "date_format": "iso", "default_currency": ""}
    )[0]
    job.status, job.message, job.task_id = status, message, task_id
    job.heartbeat_at = timezone.now() - datetime.timedelta(seconds=seconds_ago)
    job.save()
    return job


def test_a_running_job_silent_for_longer_than_the_timeout_is_failed_with_the_reason(
    company, settings
):
    settings.IMPORT_WORKER_TIMEOUT = 120
    storing = running_job(company, seconds_ago=200, message=STORING_MESSAGE)
    checking = running_job(company, seconds_ago=125)
    alive = running_job(company, seconds_ago=30)

    assert sorted(sweep_stalled_jobs()) == sorted([storing.pk, checking.pk])

    since = f"{timezone.localtime(storing.heartbeat_at):%H:%M}"
    assert job_now(storing).status == ImportJob.FAILED
    assert storing.message == (
        f"The import worker stopped while storing this file (no sign of life since {since}). "
        "Nothing was stored. Retry it below."
    )
    assert job_now(checking).message.startswith("The import worker stopped while checking")
    assert job_now(alive).status == ImportJob.RUNNING


@pytest.mark.django_db(transaction=True)
def test_a_queued_job_is_failed_only_once_a_worker_took_its_task_and_went_quiet(
    company, database_queue
):
    waiting = running_job(company, seconds_ago=600, status=ImportJob.QUEUED)
    queue(waiting, company.manager)  # its task waits for a worker: no worker is running
    ImportJob.objects.filter(pk=waiting.pk).update(
        heartbeat_at=timezone.now() - datetime.timedelta(seconds=600)
    )
    lost = running_job(company, seconds_ago=600, status=ImportJob.QUEUED, task_id=str(uuid.uuid4()))

    assert sweep_stalled_jobs() == [lost.pk]
    assert job_now(waiting).status == ImportJob.QUEUED
    assert job_now(lost).message.startswith("The import worker stopped before it began this file")


def test_the_job_page_sweeps_and_the_retry_stores_the_kept_file(
    client, company, django_capture_on_commit_callbacks
):
    job = running_job(company, seconds_ago=600, message=STORING_MESSAGE)
    client.force_login(company.manager)

    progress = client.get(job.get_absolute_url(), {"progress": 1}, headers={"HX-Request": "true"})
    assert progress.headers["HX-Redirect"] == job.get_absolute_url()
    page = client.get(job.get_absolute_url()).content.decode()
    assert "The import worker stopped while storing this file" in page
    assert "Retry this import" in page

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("spend:import_retry", args=[job.pk]))

    assert job_now(job).status == ImportJob.STORED, job.message
    assert job.attempts == 1
    assert SpendLine.objects.get().supplier_name_in_file == "Dell Technologies Ltd"


@pytest.mark.django_db(transaction=True)  # the worker closes connections it finds in a transaction
def test_the_worker_fails_a_silent_job_when_it_starts(company, database_queue):
    job = running_job(company, seconds_ago=600, message=STORING_MESSAGE)
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    assert job_now(job).status == ImportJob.FAILED
    assert job.message.startswith("The import worker stopped while storing this file")


def test_a_job_stored_just_before_its_worker_died_is_recorded_as_stored(company):
    job = running_job(company, seconds_ago=600, message=STORING_MESSAGE)
    batch = ImportBatch.objects.create(source="spend.csv", content_hash=job.content_hash)
    ImportBatch.objects.filter(pk=batch.pk).update(line_count=1)
    assert sweep_stalled_jobs() == []
    assert job_now(job).status == ImportJob.STORED
    assert job.batch == batch and job.lines_stored == 1


def test_the_import_list_sweeps_too(client, company):
    job = running_job(company, seconds_ago=600)
    client.force_login(company.manager)
    page = client.get(reverse("spend:imports"))
    assert "Failed" in page.content.decode()
    assert job_now(job).status == ImportJob.FAILED


def test_only_a_failed_job_with_its_file_can_be_retried(client, company):
    job = running_job(company, seconds_ago=0)
    with pytest.raises(ImportRefused, match="Only a failed import"):
        services.import_job_retry(job=job)
    job.status = ImportJob.FAILED
    job.save()
    imports_storage().delete(job.stored_path)
    with pytest.raises(ImportRefused, match="no longer kept on the server: upload it again"):
        services.import_job_retry(job=job)
    assert job_now(job).status == ImportJob.FAILED


def test_another_manager_may_not_retry_someone_elses_import(client, company):
    job = running_job(company, seconds_ago=600)
    sweep_stalled_jobs()
    client.force_login(company.other_manager)
    assert b"Retry this import" not in client.get(job.get_absolute_url()).content
    assert client.post(reverse("spend:import_retry", args=[job.pk])).status_code == 403
    assert job_now(job).status == ImportJob.FAILED


@pytest.mark.django_db(transaction=True)
def test_a_running_job_beats_while_a_long_step_runs(company, settings):
    settings.IMPORT_HEARTBEAT_SECONDS = 0.05
    job = running_job(company, seconds_ago=600)
    with beating(job.pk):
        time.sleep(0.5)  # a step that reports nothing, as the storing transaction
    assert timezone.now() - job_now(job).heartbeat_at < datetime.timedelta(seconds=1)
    assert sweep_stalled_jobs() == []
