"""`make bench`: figures, one per line with units, on the PostgreSQL cluster `make bench` starts.

1. load_demo --lines 1000000: wall time and lines per second.
2. The CPO home page with those lines: server time (the whole Django request, in process)
   p50 and p95 over repeated requests, its query count, and beside it the time of the bare SQL
   aggregates the page needs, with the ratio page / bare SQL.
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from categories import cube  # noqa: E402
from categories.models import SpendLine  # noqa: E402

LINES = int(os.environ.get("BENCH_LINES", 1_000_000))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", 30))


def percentile(samples, fraction):
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def bench_load_demo():
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    call_command("load_demo", lines=LINES, reset=True, verbosity=0, stdout=open(os.devnull, "w"))
    seconds = time.perf_counter() - started
    print(f"load_demo --lines {LINES}: {seconds:.1f} s ({LINES / seconds:,.0f} lines/s)")


def bench_cpo_home():
    client = Client()
    client.force_login(get_user_model().objects.get(username="cpo"))
    client.get("/")  # warm caches and connections, as a running server would be
    timings = []
    for _ in range(REQUESTS):
        started = time.perf_counter()
        response = client.get("/")
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        client.get("/")

    period = cube.latest_period()
    table = SpendLine._meta.db_table
    bare = []
    with connection.cursor() as cursor:
        for _ in range(REQUESTS):
            started = time.perf_counter()
            cursor.execute(
                f"SELECT category_id, SUM(amount) FROM {table} "
                "WHERE date BETWEEN %s AND %s GROUP BY category_id",
                [period.start, period.end],
            )
            cursor.fetchall()
            cursor.execute(
                f"SELECT SUM(amount), COUNT(*), COUNT(DISTINCT supplier_id) FROM {table} "
                "WHERE date BETWEEN %s AND %s",
                [period.start, period.end],
            )
            cursor.fetchall()
            bare.append((time.perf_counter() - started) * 1000)
    p50, p95 = statistics.median(timings), percentile(timings, 0.95)
    bare_p50 = statistics.median(bare)
    print(f"CPO home page, {LINES} lines: p50 {p50:.0f} ms, p95 {p95:.0f} ms server time")
    print(f"CPO home page queries: {len(queries)}")
    print(f"bare SQL aggregates behind it: p50 {bare_p50:.0f} ms")
    print(f"CPO home / bare SQL ratio: {p50 / bare_p50:.2f}")


if __name__ == "__main__":
    if connection.vendor != "postgresql":
        sys.exit("The benchmarks run on PostgreSQL: `make bench` starts a throwaway cluster.")
    bench_load_demo()
    bench_cpo_home()
