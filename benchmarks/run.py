"""`make bench`: figures, one per line with units and each beside its goal (MET / NOT MET),
on the PostgreSQL cluster `make bench` starts, with BENCH_LINES demo lines (default a million;
BENCH_LINES=10000000 for ten million, which takes a while: it is a benchmark, not a test).

1. load_demo --lines BENCH_LINES (its own process): wall time, lines per second, peak RSS.
2. Every GET page of the role matrix (benchmarks/pages.py), as the person with the widest view
   of it: p50 and p95 server time and queries beside its budget (p95 <= 150 ms at a million
   lines; at ten million the cube 400 ms, the CPO's portfolio dashboard 300 ms, every other
   page twice its budget), and how many pages are over. Every request is rendered: this
   process runs with PAGE_CACHE=0, so no page is a person's kept copy (workbench.page_cache).
3. Many at once (benchmarks/load.py): the production server, BENCH_CONCURRENCY (8) logged-in
   people cycling through their roles' main pages for BENCH_SECONDS (30), and the bare login
   page in the same run: req/s, p50, p95, errors, and the mix's share of the login throughput;
   the CPU per request of the client, the gunicorn workers and PostgreSQL, and the mix's first
   pass (each worker's cache still cold) apart; how many pages were people's kept copies; and
   the same mix again with every page rendered (PAGE_CACHE=0), for what the page cache adds.
4. The CPO home page beside the bare SQL aggregates it needs; the spend cube over different
   filters beside the bare SQL aggregate for the same slices; the portfolio dashboard, the
   radar swap and the board pack workbook.
5. The classifier's held-out accuracy on the demo and on a real file, and its speed
   (benchmarks/classification.py says which figures).
6. Spend import of a generated CSV of BENCH_IMPORT_LINES (default BENCH_LINES) lines, in its own
   process (benchmarks/importing.py): rows per second, its ratio to a bare COPY of the same
   file (goal >= 0.2), its peak RSS (goal < 1.5 GB).
BENCH_ONLY=pages|load|import runs the demo load and that part alone.
"""

import logging
import os
import random
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
# Page times here are renders: a page served from a person's kept copy would time the cache.
# The production server of the load (benchmarks/load.py) sets its own.
os.environ["PAGE_CACHE"] = "0"

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from benchmarks.figures import peak_rss_mb, percentile, verdict  # noqa: E402
from benchmarks.load import bench_many_at_once  # noqa: E402
from benchmarks.pages import bench_every_page, people_and_pages  # noqa: E402
from categories.models import Category  # noqa: E402
from spend import cube  # noqa: E402
from spend.filters import cube_filter_from  # noqa: E402
from spend.models import SpendLine, SpendSummary  # noqa: E402
from spend.summary import refresh_spend_summary  # noqa: E402
from stakeholders.models import BusinessUnit  # noqa: E402
from suppliers.models import Supplier  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
LINES = int(os.environ.get("BENCH_LINES", 1_000_000))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", 30))
PAGE_REQUESTS = int(os.environ.get("BENCH_PAGE_REQUESTS", 20))
SECONDS = float(os.environ.get("BENCH_SECONDS", 30))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", 8))
WORKERS = int(os.environ.get("WEB_CONCURRENCY", 3))  # as `make serve`
# The loader streams: its memory is Python, Django and one block of lines, whatever --lines.
LOAD_DEMO_RSS_MB = 1024


def bench_load_demo():
    """In a process of its own, so that its peak memory is the loader's alone."""
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    loaded = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "load_demo", f"--lines={LINES}", "--reset"],
        capture_output=True,
        text=True,
        check=True,
    )
    seconds = time.perf_counter() - started
    print(f"load_demo --lines {LINES}: {seconds:.1f} s ({LINES / seconds:,.0f} lines/s)")
    # The figure the command prints of itself: the kernel's high-water mark of its memory.
    printed = re.search(r"Peak memory \(RSS\): ([\d,]+) MB", loaded.stdout)
    if printed is None:
        print("load_demo did not print its peak memory")
        return
    rss = int(printed.group(1).replace(",", ""))
    print(
        f"load_demo peak RSS: {rss:,} MB (goal: flat in --lines, under "
        f"{LOAD_DEMO_RSS_MB} MB) {verdict(rss < LOAD_DEMO_RSS_MB)}"
    )


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


def bench_import():
    """In a process of its own (benchmarks/importing.py), so that its peak RSS is the
    import's and not the loader's or the pages'."""
    sys.stdout.flush()
    subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "importing.py"), str(IMPORT_LINES)], check=True
    )


if __name__ == "__main__":
    if connection.vendor != "postgresql":
        sys.exit("The benchmarks run on PostgreSQL: `make bench` starts a throwaway cluster.")
    sys.stdout.reconfigure(line_buffering=True)  # figures as they come, in order with children's
    # A refused page is expected while finding who sees what; its traceback is not a figure.
    logging.getLogger("django.request").setLevel(logging.ERROR)
    print(f"load average at the start: {os.getloadavg()[0]:.2f} ({os.cpu_count()} cores)")
    bench_load_demo()
    only = os.environ.get("BENCH_ONLY", "")
    if only in ("", "pages"):
        bench_every_page(LINES, PAGE_REQUESTS)
    if only in ("", "load"):
        bench_many_at_once(people_and_pages(), SECONDS, CONCURRENCY, WORKERS)
    if only == "":
        bench_cpo_home()
        bench_portfolio_dashboard()
        bench_spend_cube()
        # The classifier that learns from the team, on the demo: benchmarks/classification.py.
        from classification import bench_classifier

        bench_classifier()
    if only in ("", "import"):
        bench_import()
    print(
        f"load average at the end: {os.getloadavg()[0]:.2f}; bench peak RSS {peak_rss_mb():,.0f} MB"
    )
