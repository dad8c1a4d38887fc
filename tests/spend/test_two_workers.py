"""Two task workers on one queue, as two machines would run them: each import runs exactly
once and both take a share. django-tasks-db hands a task to one worker (SELECT ... FOR UPDATE
SKIP LOCKED, then marks it running in the same transaction); an import job queued twice is
begun by one worker only (spend.importing.storing._claim). PostgreSQL only: SQLite lets one
process write at a time, so a second worker there waits rather than shares (the database, not
the queue, would be what this measured)."""

import os
import subprocess
import sys
import time

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from spend.importing.storing import save_upload
from spend.importing.tasks import import_spend_file
from spend.models import ImportBatch, ImportJob, SpendLine
from tests.spend.import_support import csv_bytes
from tests.spend.test_import_faults import queue

pytestmark = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="SQLite has one writer at a time: two workers there take turns, they do not share",
)
JOBS = 8
LINES_PER_FILE = 40


@pytest.fixture
def database_queue(settings, tmp_path):
    settings.IMPORTS_DIR = tmp_path / "imports"
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def start_worker(name: str, log) -> subprocess.Popen:
    database = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": (
            f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/"
            f"{database['NAME']}"
        ),
        "IMPORTS_DIR": str(django_settings.IMPORTS_DIR),
        "LOG_LEVEL": "INFO",  # the worker says when it starts polling
    }
    return subprocess.Popen(
        [
            *(sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay"),
            *("--interval", "0.05", "--worker-id", name),
        ],
        cwd=django_settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )


def wait_for(condition, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if result := condition():
            return result
        time.sleep(0.1)
    raise AssertionError(f"waited {seconds} s for {what}")


def spend_file(number: int) -> bytes:
    return csv_bytes(
        *(
            f"2026-01-{line % 28 + 1:02d},Supplier {number} Ltd,{100 + line}.{number:02d},GBP,"
            f"MFG,IT.HW,6100,Line {line},INV-{number}-{line}"
            for line in range(LINES_PER_FILE)
        )
    )


@pytest.mark.django_db(transaction=True)
def test_two_workers_share_the_queue_and_run_each_import_once(company, database_queue, tmp_path):
    logs = {name: (tmp_path / f"{name}.log").open("w+") for name in ("worker-a", "worker-b")}
    workers = [start_worker(name, log) for name, log in logs.items()]
    try:
        wait_for(
            lambda: all("Starting worker" in (tmp_path / f"{n}.log").read_text() for n in logs),
            60,
            "both workers to poll the queue",
        )
        jobs = []
        for number in range(JOBS):
            job = save_upload(spend_file(number), f"ledger-{number}.csv", company.manager)
            queue(job, company.manager)  # queued as the page queues it, after the commit
            import_spend_file.enqueue(job.pk)  # and once more, as a retry clicked twice would
            jobs.append(job)
        tasks = DBTaskResult.objects.filter(task_path__endswith="import_spend_file")
        wait_for(
            lambda: (
                tasks.filter(
                    status__in=[TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED]
                ).count()
                == 2 * JOBS
            ),
            120,
            "every task to finish",
        )
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(20)
    assert tasks.count() == 2 * JOBS
    assert set(tasks.values_list("status", flat=True)) == {TaskResultStatus.SUCCESSFUL}
    # Each task was claimed once, by one worker; both workers took some.
    claims = [task.worker_ids for task in tasks]
    assert all(len(worker_ids) == 1 for worker_ids in claims), claims
    taken = {name: sum(ids == [name] for ids in claims) for name in logs}
    assert all(taken.values()), taken
    # Each import ran once: one attempt, one batch, its lines once.
    for job in jobs:
        job.refresh_from_db()
        assert (job.status, job.attempts, job.lines_stored) == (
            ImportJob.STORED,
            1,
            LINES_PER_FILE,
        ), job.message
    assert ImportBatch.objects.count() == JOBS
    assert SpendLine.objects.count() == JOBS * LINES_PER_FILE
    assert SpendLine.objects.values("import_batch_id").distinct().count() == JOBS
