"""`make bench`: figures, one per line with units, on the PostgreSQL cluster `make bench` starts.

1. load_demo --lines 1000000: wall time and lines per second.
2. The CPO home page with those lines: server time (the whole Django request, in process)
   p50 and p95 over repeated requests, its query count, and beside it the time of the bare SQL
   aggregates the page needs, with the ratio page / bare SQL.
3. Spend import of a generated CSV (BENCH_IMPORT_LINES, default BENCH_LINES): rows per second
   of the whole import, and its ratio to a bare COPY of the same file into an unindexed table.
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


IMPORT_LINES = int(os.environ.get("BENCH_IMPORT_LINES", LINES))


def write_import_file(path, lines, seed=2026):
    """A deterministic AP export: the demo's suppliers (some spelt in capitals, as exports do)
    and units, a year of dates, amounts with credit notes, GL accounts, invoice numbers."""
    import random

    from stakeholders.models import BusinessUnit
    from suppliers.models import Supplier

    rng = random.Random(seed)
    suppliers = list(Supplier.objects.values_list("name", flat=True)[:2000]) or ["Acme Ltd"]
    suppliers += [name.upper() for name in suppliers[:200]]
    units = list(BusinessUnit.objects.values_list("code", flat=True))
    with open(path, "w", encoding="utf-8", newline="") as handle:
        handle.write(
            "Invoice Date,Vendor Name,Net Amount,Currency,Cost Centre,GL Account,"
            "Description,Invoice Number\n"
        )
        for index in range(lines):
            handle.write(
                f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d},"
                f'"{rng.choice(suppliers)}",{rng.randint(-20_000, 2_000_000) / 100:.2f},GBP,'
                f"{rng.choice(units)},{rng.randint(5000, 5999)},Goods and services,"
                f"BENCH-{index:08d}\n"
            )


def bench_import():
    """A generated CSV through the whole import (read, validate every row, match suppliers,
    COPY into staging, resolve in SQL, insert, refresh summaries) beside a bare COPY of the same
    file into an unindexed table. The batch is undone afterwards."""
    import tempfile

    from categories.importing.storing import run_job, save_upload, undo_batch
    from categories.models import ColumnMapping, ImportJob

    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "bench-import.csv"
        write_import_file(path, IMPORT_LINES)
        data = path.read_bytes()
        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE TEMP TABLE bare_copy (invoice_date date, vendor text, amount numeric, "
                "currency text, unit text, gl text, description text, reference text)"
            )
            started = time.perf_counter()
            with cursor.copy("COPY bare_copy FROM STDIN WITH (FORMAT csv, HEADER true)") as copy:
                copy.write(data)
            bare = time.perf_counter() - started
            cursor.execute("DROP TABLE bare_copy")

        mapping, _ = ColumnMapping.objects.update_or_create(
            name="Benchmark export",
            defaults={
                "columns": {
                    "date": "Invoice Date",
                    "supplier": "Vendor Name",
                    "amount": "Net Amount",
                    "currency": "Currency",
                    "business_unit": "Cost Centre",
                    "gl_account": "GL Account",
                    "description": "Description",
                    "document_reference": "Invoice Number",
                },
            },
        )
        started = time.perf_counter()
        job = save_upload(data, path.name, None)
        job.mapping, job.status = mapping, ImportJob.QUEUED
        job.save()
        job = run_job(job.pk)
        seconds = time.perf_counter() - started
        assert job.status == ImportJob.STORED, job.message
        assert job.lines_stored == IMPORT_LINES
        undo_batch(job)
        Path(job.stored_path).unlink(missing_ok=True)
    print(
        f"import of a {IMPORT_LINES}-line CSV: {seconds:.1f} s "
        f"({IMPORT_LINES / seconds:,.0f} rows/s)"
    )
    print(f"bare COPY of the same file: {bare:.1f} s ({IMPORT_LINES / bare:,.0f} rows/s)")
    print(f"import / bare COPY throughput ratio: {bare / seconds:.2f} (target >= 0.3)")


if __name__ == "__main__":
    if connection.vendor != "postgresql":
        sys.exit("The benchmarks run on PostgreSQL: `make bench` starts a throwaway cluster.")
    bench_load_demo()
    bench_cpo_home()
    bench_import()
