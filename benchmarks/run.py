"""`make bench`: figures, one per line with units, on the PostgreSQL cluster `make bench` starts.

1. load_demo --lines 1000000: wall time and lines per second.
2. The CPO home page with those lines: server time (the whole Django request, in process)
   p50 and p95 over repeated requests, its query count, and beside it the time of the bare SQL
   aggregates the page needs, with the ratio page / bare SQL.
3. The spend cube page with those lines, over requests with different filters: p50 and p95
   server time of the page and of the htmx swap, queries per page, and beside it the bare SQL
   aggregate over the lines for the same slices.
4. The CPO's portfolio dashboard (maturity, plans, satisfaction, supplier time), the radar
   swap and the board pack workbook: p50 and p95 server time and queries.
5. Spend import of a generated CSV (BENCH_IMPORT_LINES, default BENCH_LINES): rows per second
   of the whole import, and its ratio to a bare COPY of the same file into an unindexed table.
6. The classifier's held-out accuracy on the demo and on a real file, and its speed
   (benchmarks/classification.py says which figures); printed before the import's.
"""

import os
import random
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

from categories.models import Category  # noqa: E402
from spend import cube  # noqa: E402
from spend.filters import cube_filter_from  # noqa: E402
from spend.models import SpendLine, SpendSummary  # noqa: E402
from spend.summary import refresh_spend_summary  # noqa: E402
from stakeholders.models import BusinessUnit  # noqa: E402
from suppliers.models import Supplier  # noqa: E402

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
    params = [period.start, period.end]
    # The page reads the monthly summary; the same two aggregates over the raw lines show what
    # keeping the summary saves.
    summary_sql = [
        f"SELECT category_id, SUM(spend) FROM {SpendSummary._meta.db_table} "
        "WHERE month BETWEEN %s AND %s GROUP BY category_id",
        f"SELECT SUM(spend), SUM(lines), COUNT(DISTINCT supplier_id) "
        f"FROM {SpendSummary._meta.db_table} WHERE month BETWEEN %s AND %s",
    ]
    lines_sql = [
        f"SELECT category_id, SUM(amount) FROM {SpendLine._meta.db_table} "
        "WHERE date BETWEEN %s AND %s GROUP BY category_id",
        f"SELECT SUM(amount), COUNT(*), COUNT(DISTINCT supplier_id) "
        f"FROM {SpendLine._meta.db_table} WHERE date BETWEEN %s AND %s",
    ]
    bare_summary = statistics.median(_time_statements(summary_sql, params))
    bare_lines = statistics.median(_time_statements(lines_sql, params))
    p50, p95 = statistics.median(timings), percentile(timings, 0.95)
    print(f"CPO home page, {LINES} lines: p50 {p50:.0f} ms, p95 {p95:.0f} ms server time")
    print(f"CPO home page queries: {len(queries)}")
    print(f"bare SQL aggregates it needs, over the monthly summary: p50 {bare_summary:.0f} ms")
    print(f"CPO home / bare SQL ratio: {p50 / bare_summary:.2f}")
    print(f"the same aggregates over the raw lines: p50 {bare_lines:.0f} ms")


def _time_statements(statements, params) -> list[float]:
    """Milliseconds for running all `statements` once, REQUESTS times over."""
    timings = []
    with connection.cursor() as cursor:
        for _ in range(REQUESTS):
            started = time.perf_counter()
            for sql in statements:
                cursor.execute(sql, params)
                cursor.fetchall()
            timings.append((time.perf_counter() - started) * 1000)
    return timings


def bench_portfolio_dashboard():
    """The CPO's portfolio dashboard (target: p95 under 500 ms), the radar swap, and the board
    pack workbook, with the queries each costs."""
    client = Client()
    client.force_login(get_user_model().objects.get(username="cpo"))
    codes = list(Category.objects.filter(parent__isnull=True).values_list("code", flat=True))
    pages = [
        ("portfolio dashboard", "/portfolio/", {}),
        (
            "portfolio radar swap",
            "/portfolio/?part=radar&category=" + codes[0],
            {"HTTP_HX_REQUEST": "true"},
        ),
        ("board pack workbook", "/portfolio/board-pack/?format=xlsx", {}),
    ]
    for name, url, headers in pages:
        client.get(url, **headers)  # warm, as a running server would be
        timings = []
        for _ in range(REQUESTS):
            started = time.perf_counter()
            response = client.get(url, **headers)
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        with CaptureQueriesContext(connection) as queries:
            client.get(url, **headers)
        p50, p95 = statistics.median(timings), percentile(timings, 0.95)
        print(f"{name}, {LINES} lines: p50 {p50:.0f} ms, p95 {p95:.0f} ms server time")
        print(f"{name} queries: {len(queries)}")


def cube_filter_mix(count, seed=7):
    """`count` different slices a category manager might ask for, drawn from the data: all
    spend, a category at each level, a unit, a supplier, a quarter, and combinations."""
    rng = random.Random(seed)
    codes = list(Category.objects.values_list("code", flat=True))
    units = list(BusinessUnit.objects.values_list("code", flat=True))
    suppliers = list(Supplier.objects.values_list("pk", flat=True))
    end = cube.latest_period().end
    latest = end.year * 12 + end.month - 1
    months = [f"{(latest - back) // 12}-{(latest - back) % 12 + 1:02d}" for back in range(24)]
    mix = [{}]
    while len(mix) < count:
        params = {}
        if rng.random() < 0.7:
            params["category"] = rng.choice(codes)
        if rng.random() < 0.4:
            params["unit"] = rng.choice(units)
        if rng.random() < 0.2:
            params["supplier"] = rng.choice(suppliers)
        if rng.random() < 0.4:
            first = rng.randrange(3, 24)
            params["start"], params["end"] = months[first], months[rng.randrange(0, first)]
        mix.append(params)
    return mix


def bench_spend_cube():
    """The spend cube page over repeated requests with different filters: server time of the
    whole request (full page, and the htmx swap a filter change makes), queries per page, and
    beside it the bare SQL aggregate over the lines for the same slices."""
    started = time.perf_counter()
    refresh_spend_summary()
    refresh_seconds = time.perf_counter() - started
    client = Client()
    client.force_login(get_user_model().objects.get(username="manager"))
    mix = cube_filter_mix(REQUESTS)
    client.get("/categories/cube/")  # warm up, as a running server would be
    page, swap, query_counts = [], [], []
    for params in mix:
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/categories/cube/", params)
        page.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200 and b'id="kpi-spend"' in response.content
        query_counts.append(len(queries))
        started = time.perf_counter()
        client.get("/categories/cube/", params, HTTP_HX_REQUEST="true")
        swap.append((time.perf_counter() - started) * 1000)

    bare = []
    with connection.cursor() as cursor:
        for params in mix:
            slice_ = cube_filter_from(params)[0]
            sql, values = (
                slice_.lines()
                .values("business_unit")  # any column; the aggregate below replaces it
                .query.sql_with_params()
            )
            where = sql[sql.index(" FROM ") :]
            started = time.perf_counter()
            cursor.execute(
                "SELECT SUM(categories_spendline.amount), COUNT(*), "
                f"COUNT(DISTINCT categories_spendline.supplier_id){where}",
                values,
            )
            cursor.fetchall()
            bare.append((time.perf_counter() - started) * 1000)
    p50, p95 = statistics.median(page), percentile(page, 0.95)
    print(
        f"spend cube page, {LINES} lines, {len(mix)} different filters: "
        f"p50 {p50:.0f} ms, p95 {p95:.0f} ms server time (target p95 < 300 ms)"
    )
    print(
        f"spend cube htmx filter change: p50 {statistics.median(swap):.0f} ms, "
        f"p95 {percentile(swap, 0.95):.0f} ms"
    )
    print(f"spend cube queries per page: {min(query_counts)} to {max(query_counts)}")
    print(
        "bare SQL aggregate over the lines for the same slices (total, lines, suppliers): "
        f"p50 {statistics.median(bare):.0f} ms, p95 {percentile(bare, 0.95):.0f} ms"
    )
    print(f"spend summary rebuild after an import: {refresh_seconds:.1f} s")


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
    """A generated CSV through the whole import (upload kept, every row checked, suppliers
    matched, lines written as the batch's partition with its indexes and keys, summary rows
    added, one commit) beside a bare COPY of the same file into an unindexed table. The bare
    COPY goes into an ordinary table, which writes the write-ahead log as the import must; a
    temporary table, which does not, is timed too. The batch is undone afterwards."""
    import tempfile

    from spend.importing.storing import run_job, save_upload, undo_batch
    from spend.models import ColumnMapping, ImportJob

    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "bench-import.csv"
        write_import_file(path, IMPORT_LINES)
        data = path.read_bytes()
        bare = {}
        for kind in ("TEMP", ""):
            with connection.cursor() as cursor:
                cursor.execute(
                    f"CREATE {kind} TABLE bare_copy (invoice_date date, vendor text, "
                    "amount numeric, currency text, unit text, gl text, description text, "
                    "reference text)"
                )
                started = time.perf_counter()
                with cursor.copy(
                    "COPY bare_copy FROM STDIN WITH (FORMAT csv, HEADER true)"
                ) as copy:
                    copy.write(data)
                bare[kind or "logged"] = time.perf_counter() - started
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
    logged, temporary = bare["logged"], bare["TEMP"]
    print(
        f"bare COPY of the same file: {logged:.1f} s into an ordinary table "
        f"({IMPORT_LINES / logged:,.0f} rows/s), {temporary:.1f} s into a temporary one"
    )
    print(
        f"import / bare COPY throughput ratio: {logged / seconds:.2f} (target >= 0.3); "
        f"against the temporary table: {temporary / seconds:.2f}"
    )
    phases = ", ".join(f"{phase} {value:.1f} s" for phase, value in job.summary["seconds"].items())
    print(f"import phases: {phases}")


if __name__ == "__main__":
    if connection.vendor != "postgresql":
        sys.exit("The benchmarks run on PostgreSQL: `make bench` starts a throwaway cluster.")
    bench_load_demo()
    # BENCH_ONLY=import: the demo lines and the import alone, when working on the import.
    if os.environ.get("BENCH_ONLY") != "import":
        bench_cpo_home()
        bench_portfolio_dashboard()
        bench_spend_cube()
        # The classifier that learns from the team, on the demo: benchmarks/classification.py.
        from classification import bench_classifier

        bench_classifier()
    bench_import()
