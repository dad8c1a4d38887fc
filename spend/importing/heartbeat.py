"""Import jobs that cannot be orphaned.

A running job gives a sign of life (`ImportJob.heartbeat_at`) as it goes: with every report of
its progress, and from a thread of its own while a long step runs (the one transaction that
stores the lines reports nothing until it commits). A worker killed mid-import leaves nothing
half-stored (that transaction rolls back) but would leave its job "Importing" for ever: the
sweep fails every job whose heartbeat stopped longer ago than IMPORT_WORKER_TIMEOUT seconds,
saying so, and its page offers to retry it from the kept file. The worker sweeps when it
starts and every little while (`spend/management/commands/db_worker.py`); the import pages
sweep when they are viewed."""

import contextlib
import datetime
import logging
import threading

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection, transaction
from django.db.models.functions import Coalesce
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks.exceptions import TaskResultDoesNotExist

from spend.models import ImportBatch, ImportJob

logger = logging.getLogger(__name__)

# A job storing its lines says this (spend.importing.storing.run_job); the sweep's message
# tells a job killed while storing from one killed while checking.
STORING_MESSAGE = "Every row checked; storing the lines in one transaction."


def worker_timeout() -> datetime.timedelta:
    """How long a job may show no sign of life before its worker counts as gone."""
    return datetime.timedelta(seconds=getattr(settings, "IMPORT_WORKER_TIMEOUT", 120))


def heartbeat_interval() -> float:
    """How often a running job gives a sign of life; well inside the timeout."""
    default = worker_timeout().total_seconds() / 6
    return getattr(settings, "IMPORT_HEARTBEAT_SECONDS", default)


class Pulse:
    """What the heartbeat carries besides the sign of life: how many rows are done, set by a
    step whose own writes nobody sees until it commits (the storing transaction), so that
    the progress bar keeps moving through it."""

    rows_done: int | None = None


# How often the heartbeat looks whether there is progress to report.
PROGRESS_SECONDS = 1.0


@contextlib.contextmanager
def beating(job_id: int):
    """While the block runs, a thread marks the job alive every `heartbeat_interval()` on a
    database connection of its own, whatever the block is doing, and reports the progress
    the block sets on the Pulse it is given. When the process dies the thread dies with it:
    that silence is what the sweep looks for."""
    stop = threading.Event()
    pulse = Pulse()

    def beat():
        interval = heartbeat_interval()
        tick = min(interval, PROGRESS_SECONDS)
        waited, reported = 0.0, None
        try:
            while not stop.wait(tick):
                waited += tick
                progress = pulse.rows_done
                if waited < interval and progress == reported:
                    continue
                fields = {"heartbeat_at": timezone.now()}
                if progress is not None and progress != reported:
                    fields["rows_done"] = progress
                try:
                    ImportJob.objects.filter(pk=job_id).update(**fields)
                    waited, reported = 0.0, progress
                except DatabaseError:
                    # SQLite lets no one write while the lines are being stored; the next
                    # beat tries again, and the timeout allows for a few missed ones.
                    logger.debug("Import job %s missed a heartbeat", job_id, exc_info=True)
        finally:
            connection.close()

    thread = threading.Thread(target=beat, name=f"import-{job_id}-heartbeat", daemon=True)
    thread.start()
    try:
        yield pulse
    finally:
        stop.set()
        thread.join()


def sweep_stalled_jobs(*, job_ids=None) -> list[int]:
    """Fail the queued and running jobs whose worker is gone, with the reason and the time of
    their last sign of life; the ids of the jobs failed. A running job is gone when its
    heartbeat is older than the timeout. A queued job only when, as well, its task is no
    longer waiting for a worker (it was claimed, or lost): a job queued while no worker runs
    simply waits. A job whose lines were committed just before its worker died is recorded
    as stored instead. `job_ids`: look at these jobs only (a page sweeps its own)."""
    cutoff = timezone.now() - worker_timeout()
    jobs = (
        ImportJob.objects.filter(status__in=[ImportJob.QUEUED, ImportJob.RUNNING])
        .annotate(last_sign_of_life=Coalesce("heartbeat_at", "created_at"))
        .filter(last_sign_of_life__lt=cutoff)
    )
    if job_ids is not None:
        jobs = jobs.filter(pk__in=job_ids)
    failed = []
    for job in jobs:
        if job.status == ImportJob.QUEUED and _task_waits_for_a_worker(job):
            continue
        try:
            with transaction.atomic():
                if _fail_or_record_stored(job):
                    failed.append(job.pk)
        except DatabaseError:
            # SQLite: a worker holds the write lock while it stores a file, so it is alive
            # after all; the next sweep looks again.
            logger.warning("The sweep could not change import job %s", job.pk, exc_info=True)
    return failed


def _fail_or_record_stored(job: ImportJob) -> bool:
    """Whether the job was failed (False: recorded as stored, or changed meanwhile)."""
    # Changed only if nothing else did meanwhile: a worker that beats again keeps its job.
    unchanged = ImportJob.objects.filter(
        pk=job.pk, status=job.status, heartbeat_at=job.heartbeat_at
    )
    batch = ImportBatch.objects.filter(content_hash=job.content_hash).first()
    if batch is not None and not hasattr(batch, "job"):
        unchanged.update(
            status=ImportJob.STORED,
            batch=batch,
            lines_stored=batch.line_count,
            message=f"{batch.line_count:,} lines stored (the import worker stopped just "
            "after storing them, before it could say so).",
            finished_at=timezone.now(),
        )
        return False
    if unchanged.update(
        status=ImportJob.FAILED, message=_stopped_message(job), finished_at=timezone.now()
    ):
        logger.warning("Import job %s failed: its worker stopped", job.pk)
        return True
    return False


def _task_waits_for_a_worker(job: ImportJob) -> bool:
    from spend.importing.tasks import import_spend_file

    if not job.task_id:
        return True  # queued before jobs kept their task: a worker will still take it
    try:
        result = import_spend_file.get_result(job.task_id)
    except TaskResultDoesNotExist:
        return False
    except NotImplementedError:
        return True  # a backend that cannot tell (tests run jobs there and then)
    return result.status == TaskResultStatus.READY


def _stopped_message(job: ImportJob) -> str:
    last = timezone.localtime(job.last_sign_of_life)
    since = f"{last:%H:%M}" if last.date() == timezone.localdate() else f"{last:%d %b %Y %H:%M}"
    if job.status == ImportJob.QUEUED:
        doing = "before it began this file"
    elif job.message == STORING_MESSAGE:
        doing = "while storing this file"
    else:
        doing = "while checking this file"
    return (
        f"The import worker stopped {doing} (no sign of life since {since}). "
        "Nothing was stored. Retry it below."
    )


def sweep_now_and_then(stop: threading.Event):
    """The worker's periodic sweep, on a thread of its own until `stop` is set: jobs whose
    worker died (another worker, or this one's earlier life) are failed within a timeout or
    so, whether anyone looks at the import pages or not."""
    while not stop.wait(worker_timeout().total_seconds() / 2):
        close_old_connections()
        try:
            sweep_stalled_jobs()
        except DatabaseError:
            logger.warning("The import sweep could not run this time", exc_info=True)
    connection.close()
