"""Supplier pages on the demo company with BENCH_LINES lines (default a million), on whatever
database DATABASE_URL names (run it through scripts/with-postgres for a throwaway cluster):

    scripts/with-postgres .venv/bin/python benchmarks/suppliers.py

Prints, one a line: load time; per page the server time p50 and max over seven requests (the
whole Django request, in process) and its query count; then the time to merge the two largest
suppliers and to undo it, checking the grand total is unchanged. Loads with --reset: never
point it at a database you care about.
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
from django.db.models import Sum  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from spend.models import SpendLine  # noqa: E402
from suppliers.merging import merge_suppliers, undo_merge  # noqa: E402
from suppliers.models import Supplier  # noqa: E402

REPEATS = 7


def main():
    lines = int(os.environ.get("BENCH_LINES", "1000000"))
    started = time.monotonic()
    call_command("migrate", verbosity=0)
    with open(os.devnull, "w") as quiet:
        call_command("load_demo", lines=lines, reset=True, verbosity=0, stdout=quiet)
    print(f"load_demo {lines:,} lines: {time.monotonic() - started:.1f} s")
    client = Client()
    client.force_login(get_user_model().objects.get(username="manager"))
    partner = Supplier.objects.filter(segment="strategic_partner").first()
    pages = {
        "supplier list": "/suppliers/",
        "supplier list, category + band + segment": (
            "/suppliers/?category=DM&band=100k&segment=preferred"
        ),
        "supplier list, search": "/suppliers/?q=sons",
        "supplier list, page 20": "/suppliers/?page=20",
        "supplier page, spend": f"/suppliers/{partner.pk}/",
        "supplier page, scorecards": f"/suppliers/{partner.pk}/?tab=scorecards",
        "segments and time spent": "/suppliers/segments/",
        "segment form (suggestion)": f"/suppliers/{partner.pk}/segment/",
        "contracts ending in 90 days": "/suppliers/contracts/?within=90",
    }
    for name, url in pages.items():
        times = []
        for _ in range(REPEATS):
            with CaptureQueriesContext(connection) as queries:
                began = time.perf_counter()
                response = client.get(url)
                times.append(time.perf_counter() - began)
            assert response.status_code == 200, (url, response.status_code)
        print(
            f"{name}: p50 {statistics.median(times) * 1000:.0f} ms, "
            f"max {max(times) * 1000:.0f} ms, {len(queries)} queries"
        )
    kept, duplicate = Supplier.objects.annotate(spend=Sum("spend_lines__amount")).order_by(
        "-spend"
    )[:2]
    moved = SpendLine.objects.filter(supplier=duplicate).count()
    total = SpendLine.objects.aggregate(total=Sum("amount"))["total"]
    began = time.perf_counter()
    merge = merge_suppliers(kept, duplicate)
    merged = time.perf_counter() - began
    began = time.perf_counter()
    undo_merge(merge)
    undone = time.perf_counter() - began
    assert SpendLine.objects.aggregate(total=Sum("amount"))["total"] == total
    print(f"merge moving {moved:,} lines: {merged * 1000:.0f} ms")
    print(f"undo of that merge: {undone * 1000:.0f} ms (grand total unchanged)")


if __name__ == "__main__":
    main()
