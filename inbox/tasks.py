"""Sending email in the task worker (`manage.py db_worker`), never in a request."""

from django_tasks import task

from inbox import mail


@task()
def send_waiting_messages():
    """Send what is due; if some wait for a retry, come back when the first is due."""
    next_due = mail.deliver_waiting()
    if next_due is not None:
        mail.enqueue_sending(run_after=next_due)
