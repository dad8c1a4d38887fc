"""Where uploaded files wait for their import: Django's storage called "imports".

Every app server and every task worker reads and writes the files through the storage API
(`storages["imports"]`), never through a local path, so an upload taken by one machine can be
run by a worker on another: on one machine the storage is the local folder IMPORTS_DIR; on
several it is whatever shared storage STORAGES["imports"] names (S3 through django-storages,
a network folder, ...), set with IMPORTS_STORAGE and IMPORTS_STORAGE_OPTIONS."""

import contextlib
import os
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.base import ContentFile, File
from django.core.files.storage import FileSystemStorage, storages

from spend.importing.reading import UnreadableFile

STORAGE_ALIAS = "imports"
FILE_GONE = "The uploaded file is no longer kept on the server: upload it again to import it."


class ImportsDirectoryStorage(FileSystemStorage):
    """The local folder settings.IMPORTS_DIR (var/imports by default), read when each file is
    opened rather than once, so a test or a command that points IMPORTS_DIR elsewhere moves
    the files with it. A `location` given in the storage's OPTIONS wins."""

    @property
    def base_location(self):
        return self._value_or_setting(self._location, str(settings.IMPORTS_DIR))

    @property
    def location(self):
        return os.path.abspath(self.base_location)


def imports_storage():
    return storages[STORAGE_ALIAS]


def upload_keep(upload: bytes | File, digest: str, file_name: str) -> str:
    """Keep an upload (its bytes, or a file: the storage copies it in chunks, so a gigabyte
    upload is never held in memory) and return the name it is kept under. Named after its
    content's hash (and the file's own suffix, which says how to read it), so the same file
    uploaded twice is kept once."""
    name = f"{digest}{PurePath(file_name).suffix.lower()[:10]}"
    storage = imports_storage()
    if not storage.exists(name):
        content = ContentFile(upload) if isinstance(upload, bytes) else upload
        # A storage may pick another name when it thinks this one is taken: keep what it says.
        name = storage.save(name, content)
    return name


def upload_read(name: str) -> bytes:
    """The bytes kept under `name` (a workbook, or the head of a CSV file, is read whole);
    UnreadableFile when they are gone (removed from the storage, or kept on a machine's own
    disk that this one cannot see)."""
    with upload_open(name) as kept:
        return kept.read()


@contextlib.contextmanager
def upload_open(name: str):
    """The kept file, open for reading in binary: what a streamed import reads block by
    block. UnreadableFile when it is gone."""
    try:
        kept = imports_storage().open(name, "rb")
    except (FileNotFoundError, SuspiciousFileOperation):
        raise UnreadableFile(FILE_GONE) from None
    with kept:
        yield kept


def upload_size(name: str) -> int:
    try:
        return imports_storage().size(name)
    except (FileNotFoundError, SuspiciousFileOperation, OSError):
        raise UnreadableFile(FILE_GONE) from None


def upload_is_kept(name: str) -> bool:
    try:
        return bool(name) and imports_storage().exists(name)
    except SuspiciousFileOperation:
        return False  # a name from before the storage (an absolute path) or made up
