"""Uploads kept through Django's storage API (spend/importing/files.py), so any app server can
take a file and any worker run it: the page and the worker meet only in the storage named
"imports", whatever it is (the local folder by default, S3 or a shared folder on several
machines)."""

import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from config.settings import env_json_object
from spend.importing.files import FILE_GONE, imports_storage
from spend.importing.storing import save_upload
from spend.models import ImportJob, SpendLine
from tests.spend.import_support import COLUMNS, csv_bytes

FILE = csv_bytes(
    "2026-01-15,Dell Technologies Ltd,1200.50,GBP,MFG,IT.HW,6100,Laptops,INV-1",
    "2026-01-16,Softcat plc,99.99,GBP,MFG,IT.HW,6100,Licences,INV-2",
)


@pytest.fixture
def memory_storage(settings, tmp_path):
    """The imports storage is Django's InMemoryStorage: nothing of it is on any disk, so a
    worker that opened a local path could not find the file."""
    settings.IMPORTS_DIR = tmp_path / "imports"
    settings.STORAGES = {
        **settings.STORAGES,
        "imports": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.mark.django_db(transaction=True)
def test_an_upload_kept_in_memory_storage_is_run_by_the_worker_from_there(
    client, company, memory_storage
):
    client.force_login(company.manager)
    client.post(reverse("spend:imports"), {"file": SimpleUploadedFile("january.csv", FILE)})
    job = ImportJob.objects.get()
    assert imports_storage().exists(job.stored_path)
    assert job.stored_path == f"{job.content_hash}.csv"  # a name in the storage, not a path
    mapping = {"name": "ERP", "date_format": "iso", "default_currency": ""}
    mapping.update({f"column_{field}": header for field, header in COLUMNS.items()})
    client.post(job.get_absolute_url(), mapping)
    assert ImportJob.objects.get().status == ImportJob.QUEUED

    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)

    job.refresh_from_db()
    assert job.status == ImportJob.STORED, job.message
    assert SpendLine.objects.count() == 2
    assert not django_settings.IMPORTS_DIR.exists()  # nothing went through the local disk


@pytest.mark.django_db(transaction=True)
def test_a_file_gone_from_the_storage_refuses_the_import_with_the_reason(
    client, company, memory_storage
):
    job = save_upload(FILE, "january.csv", company.manager)
    imports_storage().delete(job.stored_path)
    client.force_login(company.manager)
    page = client.get(job.get_absolute_url())
    assert FILE_GONE in page.content.decode()
    job.refresh_from_db()
    assert (job.status, job.message) == (ImportJob.REJECTED, FILE_GONE)


def test_by_default_uploads_are_kept_once_in_the_imports_folder(db, settings, tmp_path):
    settings.IMPORTS_DIR = tmp_path / "imports"
    first = save_upload(FILE, "january.csv", None)
    second = save_upload(FILE, "January copy.CSV", None)  # not imported yet: both may wait
    assert first.stored_path == second.stored_path == f"{first.content_hash}.csv"
    assert [path.name for path in (tmp_path / "imports").iterdir()] == [first.stored_path]
    assert (tmp_path / "imports" / first.stored_path).read_bytes() == FILE


def test_the_imports_storage_is_chosen_from_the_environment():
    check = (
        "from django.core.files.storage import storages; "
        "s = storages['imports']; print(type(s).__name__, s.location)"
    )
    env = {
        **os.environ,
        "IMPORTS_STORAGE": "django.core.files.storage.FileSystemStorage",
        "IMPORTS_STORAGE_OPTIONS": '{"location": "/srv/shared/imports"}',
    }
    shown = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", check],
        cwd=django_settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert shown.splitlines()[-1].split() == ["FileSystemStorage", "/srv/shared/imports"]


def test_storage_options_that_are_not_a_json_object_are_refused_in_one_line(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    monkeypatch.setenv("IMPORTS_STORAGE_OPTIONS", "bucket_name=imports")
    with pytest.raises(ImproperlyConfigured, match="IMPORTS_STORAGE_OPTIONS is not JSON"):
        env_json_object("IMPORTS_STORAGE_OPTIONS")
    monkeypatch.setenv("IMPORTS_STORAGE_OPTIONS", '["imports"]')
    with pytest.raises(ImproperlyConfigured, match="not a JSON object"):
        env_json_object("IMPORTS_STORAGE_OPTIONS")
    monkeypatch.setenv("IMPORTS_STORAGE_OPTIONS", '{"bucket_name": "imports"}')
    assert env_json_object("IMPORTS_STORAGE_OPTIONS") == {"bucket_name": "imports"}
