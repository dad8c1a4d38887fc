"""The background side of imports: a django-tasks task on the database queue, so the import
goes on when the browser is closed (`manage.py db_worker` runs it; `make run` starts one)."""

from django_tasks import task

from inbox import notify
from spend.importing.storing import run_job


@task()
def import_spend_file(job_id: int):
    run_job(job_id)
    notify.import_finished(job_id)  # never raises: the import's outcome stands
