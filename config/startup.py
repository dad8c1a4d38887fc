"""Turn configuration mistakes into one line a person can act on, instead of a stack trace."""

import contextlib
import sys

from django.core.exceptions import ImproperlyConfigured
from django.db.utils import OperationalError


def describe_database_problem(error: Exception) -> str:
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        where = f"SQLite file {database['NAME']}"
    else:
        where = (
            f"PostgreSQL at {database.get('HOST') or 'local socket'}:{database.get('PORT') or 5432}"
            f" (database {database['NAME']!r}, from DATABASE_URL)"
        )
    reason = " ".join(str(error).split()) or error.__class__.__name__
    return f"Cannot use the database: {where}: {reason}"


@contextlib.contextmanager
def stop_on_bad_configuration():
    """Exit with a one-line message when settings or the database are unusable."""
    try:
        yield
    except ImproperlyConfigured as error:
        sys.exit(f"Configuration problem: {error}")
    except OperationalError as error:
        sys.exit(describe_database_problem(error))
