"""Pages read from a PostgreSQL streaming replica; every write, and what follows it, from the
primary.

With DATABASE_REPLICA_URL set (config/settings.py adds the "replica" alias and this router),
the reads of a request that changes nothing (GET, HEAD) go to the replica, so more app servers
and replicas carry more readers while one primary takes the writes. Everything else reads the
primary: the task workers and commands (they read and write in one breath), a request that
changes something (from its first write on), and a read inside a transaction.

A replica replays the primary's log a little behind it, so a person who has just saved must
not be shown the page from before: a request that wrote leaves a cookie holding the primary's
log position after the write (pg_current_wal_insert_lsn()), and the next requests of that
browser read the primary until the replica has replayed that far (pg_last_wal_replay_lsn()),
usually by the very next click. That is the whole of "read your own writes": PostgreSQL's own
positions, no guessed delay.

A replica that does not answer (stopped, rebuilt, its machine gone) costs readers nothing but
speed: the request reads the primary, and this process asks the replica again only after
REPLICA_RETRY_SECONDS, so a dead replica is not knocked on by every request."""

import contextvars
import re
import time

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

REPLICA = "replica"
STAMP_COOKIE = "workbench_read_primary"
# A stamp that outlives this many seconds is dropped even if the replica never caught up (it
# was rebuilt, say): by then the person has long seen their change.
STAMP_MAX_AGE = 60 * 60
# Without a log position to wait for (the primary would not tell), this long after a write.
UNKNOWN_POSITION_SECONDS = 10
# How long a process reads only the primary after the replica failed to answer.
REPLICA_RETRY_SECONDS = 30
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
LSN = re.compile(r"[0-9A-F]{1,8}/[0-9A-F]{1,8}")

_reads_from_replica = contextvars.ContextVar("reads_from_replica", default=False)
_wrote = contextvars.ContextVar("wrote", default=False)
_replica_down_until = 0.0


class PrimaryReplicaRouter:
    """Reads to the replica while the current request allows it; writes and migrations to the
    primary. Both aliases hold the same rows, so relations between them are fine."""

    def db_for_read(self, model, **hints):
        if _reads_from_replica.get() and not connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return REPLICA
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        # From its first write on, the request reads what it wrote: the primary.
        _reads_from_replica.set(False)
        _wrote.set(True)
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS  # a replica replays the primary's schema


class ReadYourWritesMiddleware:
    """Chooses, per request, where its reads go (see the module's docstring), and stamps the
    browser after a write. Not used at all without a replica."""

    def __init__(self, get_response):
        if REPLICA not in settings.DATABASES:
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request):
        stamp = request.COOKIES.get(STAMP_COOKIE, "")
        reads_replica = request.method in SAFE_METHODS and replica_answers()
        if reads_replica and stamp:
            reads_replica = replica_has_replayed(stamp)
        reads = _reads_from_replica.set(reads_replica)
        wrote = _wrote.set(False)
        try:
            response = self.get_response(request)
            if _wrote.get() or request.method not in SAFE_METHODS:
                response.set_cookie(
                    STAMP_COOKIE,
                    primary_position(),
                    max_age=STAMP_MAX_AGE,
                    secure=settings.SESSION_COOKIE_SECURE,
                    httponly=True,
                    samesite="Lax",
                )
            elif stamp and reads_replica:
                response.delete_cookie(STAMP_COOKIE, samesite="Lax")
        finally:
            _reads_from_replica.reset(reads)
            _wrote.reset(wrote)
        return response


def replica_answers() -> bool:
    """Whether the replica takes queries now: a kept connection passes Django's health check
    (CONN_HEALTH_CHECKS on the alias), or a new one opens. A failure is remembered for
    REPLICA_RETRY_SECONDS."""
    global _replica_down_until
    if time.monotonic() < _replica_down_until:
        return False
    replica = connections[REPLICA]
    try:
        replica.close_if_health_check_failed()
        replica.ensure_connection()
    except DatabaseError:
        _replica_down_until = time.monotonic() + REPLICA_RETRY_SECONDS
        return False
    return True


# The insert position on a primary, not the write position: with synchronous_commit off a
# commit record may be inserted (and its changes visible) before it is written.
LOG_POSITION_SQL = (
    "SELECT (CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() "
    "ELSE pg_current_wal_insert_lsn() END)::text"
)


def log_position(alias: str) -> str | None:
    """Where the database `alias` is in its log now, "0/3000148": on a primary the position
    its next record goes to, on a replica the position it has replayed to. None where the
    database cannot say (SQLite, or a failure)."""
    connection = connections[alias]
    if connection.vendor != "postgresql":
        return None
    try:
        with connection.cursor() as cursor:
            cursor.execute(LOG_POSITION_SQL)
            return cursor.fetchone()[0]
    except DatabaseError:
        return None


def primary_position() -> str:
    """The primary's log position now, after the request's writes: "lsn:0-3000148"; or the
    time, when the primary does not say. The insert position: with synchronous_commit off the
    request's commit record may not be written yet, and a replica that had replayed up to the
    write position would still lack it."""
    position = log_position(DEFAULT_DB_ALIAS)
    if position is None:
        return f"time:{time.time():.0f}"
    # "0/3000148" as "0-3000148": a slash would make the cookie a quoted one.
    return f"lsn:{position.replace('/', '-')}"


def replica_has_replayed(stamp: str) -> bool:
    """Whether the replica shows everything the primary held when `stamp` was taken. A stamp
    this code did not write counts as caught up (it only ever chose where to read)."""
    kind, _, value = stamp.partition(":")
    if kind == "time" and value.isdigit():
        return time.time() - int(value) >= UNKNOWN_POSITION_SECONDS
    value = value.replace("-", "/")
    if kind != "lsn" or not LSN.fullmatch(value):
        return True
    try:
        with connections[REPLICA].cursor() as cursor:
            # NULL when the alias is not in recovery: it is the primary itself (a test mirror).
            cursor.execute("SELECT coalesce(pg_last_wal_replay_lsn() >= %s::pg_lsn, true)", [value])
            return bool(cursor.fetchone()[0])
    except DatabaseError:
        return False  # an unreachable replica: the primary answers this request
