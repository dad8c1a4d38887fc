"""Where reads go when a replica is configured (workbench/db_router.py), one rule at a time;
tests/workbench/test_replica_reads.py checks the whole of it on a real primary and replica."""

import time

import pytest
from django.core.exceptions import MiddlewareNotUsed
from django.db import transaction
from django.http import HttpResponse
from django.test import RequestFactory

from workbench import db_router
from workbench.db_router import (
    REPLICA,
    PrimaryReplicaRouter,
    ReadYourWritesMiddleware,
    replica_has_replayed,
)

STAMP = db_router.STAMP_COOKIE


@pytest.fixture
def router():
    return PrimaryReplicaRouter()


def test_outside_a_request_everything_reads_the_primary(router):
    # Task workers and commands read what they are about to change.
    assert router.db_for_read(None) == "default"


def test_a_request_that_changes_nothing_reads_the_replica_until_its_first_write(router):
    reads = db_router._reads_from_replica.set(True)
    try:
        assert router.db_for_read(None) == REPLICA
        assert router.db_for_write(None) == "default"
        assert router.db_for_read(None) == "default"
        assert db_router._wrote.get()
    finally:
        db_router._reads_from_replica.reset(reads)


@pytest.mark.django_db
def test_a_read_inside_a_transaction_reads_the_primary(router):
    reads = db_router._reads_from_replica.set(True)
    try:
        with transaction.atomic():
            assert router.db_for_read(None) == "default"
    finally:
        db_router._reads_from_replica.reset(reads)


def test_only_the_primary_is_migrated(router):
    assert router.allow_migrate("default", "spend")
    assert not router.allow_migrate(REPLICA, "spend")


def test_a_stamp_without_a_log_position_waits_a_few_seconds():
    assert not replica_has_replayed(f"time:{time.time():.0f}")
    assert replica_has_replayed(f"time:{time.time() - 60:.0f}")


@pytest.mark.parametrize(
    "stamp", ["", "nonsense", "lsn:", "lsn:0-3000148; DROP", "lsn:x-y", "time:"]
)
def test_a_stamp_this_code_did_not_write_only_chooses_where_to_read(stamp):
    assert replica_has_replayed(stamp)  # never a query with what a browser sent


def test_without_a_replica_the_middleware_steps_aside(settings):
    assert REPLICA not in settings.DATABASES
    with pytest.raises(MiddlewareNotUsed):
        ReadYourWritesMiddleware(lambda request: HttpResponse())


# The middleware asks whether a replica is configured and answers (here: it does); no
# connection is opened.
@pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")
def test_a_get_reads_the_replica_and_a_post_stamps_the_browser(settings, monkeypatch):
    settings.DATABASES = {**settings.DATABASES, REPLICA: settings.DATABASES["default"]}
    monkeypatch.setattr(db_router, "primary_position", lambda: "lsn:0-3000148")
    monkeypatch.setattr(db_router, "replica_answers", lambda: True)
    seen = {}

    def view(request):
        seen[request.method] = db_router._reads_from_replica.get()
        return HttpResponse()

    middleware = ReadYourWritesMiddleware(view)
    requests = RequestFactory()
    assert STAMP not in middleware(requests.get("/")).cookies
    stamped = middleware(requests.post("/"))
    assert stamped.cookies[STAMP].value == "lsn:0-3000148"
    assert seen == {"GET": True, "POST": False}
    assert not db_router._reads_from_replica.get(), "the request's choice ends with it"


@pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")
def test_a_replica_that_does_not_answer_sends_reads_to_the_primary(settings, monkeypatch):
    settings.DATABASES = {**settings.DATABASES, REPLICA: settings.DATABASES["default"]}
    monkeypatch.setattr(db_router, "replica_answers", lambda: False)
    seen = []
    middleware = ReadYourWritesMiddleware(
        lambda request: seen.append(db_router._reads_from_replica.get()) or HttpResponse()
    )
    middleware(RequestFactory().get("/"))
    assert seen == [False]
