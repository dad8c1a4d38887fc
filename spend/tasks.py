"""Background work of the spend pages that is not an import (spend.importing.tasks has those):
relearning the classifier on the django-tasks database queue, so the page that classified
or imported does not wait for it (`manage.py db_worker` runs it; `make run` starts one)."""

from django.db import transaction
from django_tasks import task
from django_tasks.base import TaskResultStatus
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult


@task()
def classifier_retrain():
    from spend.suggestions import classifier_retrain as retrain

    retrain()


def classifier_retrain_soon():
    """Queue a relearning once the current transaction commits, unless one is already waiting
    for a worker (a burst of classifications then costs one training, not one each)."""
    transaction.on_commit(_enqueue_retrain)


def _enqueue_retrain():
    if isinstance(classifier_retrain.get_backend(), DatabaseBackend):
        waiting = DBTaskResult.objects.filter(
            task_path=classifier_retrain.module_path, status=TaskResultStatus.READY
        )
        if waiting.exists():
            return
    classifier_retrain.enqueue()
