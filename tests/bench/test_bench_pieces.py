"""The pieces `make bench` relies on: its arithmetic and goals, the URL list taken from the role
matrix (every row either a page timed as someone who gets it, or no page at all), each
placeholder as a demo object, and load_demo writing its lines a block at a time.

The benchmark itself is not a test (it takes minutes at a million lines); these are quick."""

import os
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from benchmarks import figures, pages
from spend.models import SpendLine
from tests.workbench.test_role_matrix import MATRIX, ROLES
from workbench import demo
from workbench.management.commands import load_demo

CODE = re.compile(r"^[A-Z][A-Z0-9]*(\.[A-Z0-9]+)*$")


def test_percentile_is_the_nearest_rank():
    samples = list(range(1, 101))  # 1..100 ms
    assert figures.percentile(samples, 0.5) == 50 or figures.percentile(samples, 0.5) == 51
    assert figures.percentile(samples, 0.95) == 95
    assert figures.percentile([7], 0.95) == 7
    with pytest.raises(ValueError):
        figures.percentile([], 0.5)


def test_budgets_follow_the_issue():
    assert figures.page_budget_ms("spend:cube", 1_000_000) == 150
    assert figures.page_budget_ms("home", 1_000_000) == 150
    assert figures.page_budget_ms("spend:cube", 10_000_000) == 400
    assert figures.page_budget_ms("portfolio:dashboard", 10_000_000) == 300
    assert figures.page_budget_ms("suppliers:list", 10_000_000) == 300
    assert figures.at_most(151, 150, " ms") == "(goal <= 150 ms) NOT MET"
    assert figures.at_most(150, 150, " ms") == "(goal <= 150 ms) MET"
    assert figures.at_least(0.39, 0.4) == "(goal >= 0.4) NOT MET"


def test_every_matrix_row_is_timed_as_someone_who_gets_it_or_has_no_page():
    timed = {(name, tuple(args)): role for name, args, role in pages.page_rows()}
    for name, args, statuses in MATRIX:
        seen = dict(zip(ROLES, statuses, strict=True))
        if 200 in statuses:
            role = timed[(name, tuple(args))]
            assert seen[role] == 200
            # Nobody earlier in the widest-view order gets the page.
            earlier = pages.WIDEST_VIEW_FIRST[: pages.WIDEST_VIEW_FIRST.index(role)]
            assert all(seen[other] != 200 for other in earlier)
        else:
            assert (name, tuple(args)) not in timed
    assert len(timed) == sum(200 in statuses for _, _, statuses in MATRIX)
    assert timed[("portfolio:dashboard", ())] == "cpo"
    assert timed[("login", ())] == "anonymous"


def test_every_placeholder_of_a_page_has_a_demo_object():
    # The rest are codes (IT, FM.CLEAN) and record kinds (contract, idea), which stay text.
    used = pages.placeholders()
    assert {"it-plan", "first-supplier", "refused-import", "mfg-it-concern"} <= used
    assert used <= set(pages.DEMO_OBJECTS), used - set(pages.DEMO_OBJECTS)
    others = {
        arg
        for _, args, _ in pages.page_rows()
        for arg in args
        if isinstance(arg, str) and arg not in used
    }
    assert all(CODE.match(arg) or arg.isalpha() and arg.islower() for arg in others), others
    # and every demo user a role maps to is one the demo makes
    demo_users = set(demo.DEMO_USERNAMES) | {""}
    assert all(set(users) <= demo_users for users in pages.DEMO_USERS.values())


def _load_in_small_blocks(monkeypatch, lines, block):
    """load_demo with `block`-line chunks; returns its output and the size of each write."""
    monkeypatch.setattr(demo, "CHUNK_LINES", block)
    writes = []
    for name in ("_copy_block", "_insert_block"):
        original = getattr(load_demo, name)

        def spy(cursor, table, columns, rows, original=original):
            writes.append(len(rows[0]))
            return original(cursor, table, columns, rows)

        monkeypatch.setattr(load_demo, name, spy)
    out = StringIO()
    call_command("load_demo", lines=lines, stdout=out)
    return out.getvalue(), writes


@pytest.mark.django_db
def test_load_demo_writes_its_lines_a_block_at_a_time_and_prints_its_peak_memory(monkeypatch):
    output, writes = _load_in_small_blocks(monkeypatch, lines=1_700, block=500)
    # Never a list of every line: one write per block, none larger than a block.
    assert writes == [500, 500, 500, 200]
    assert SpendLine.objects.count() == 1_700
    peak = re.search(r"Peak memory \(RSS\): ([\d,]+) MB", output)
    assert peak and int(peak.group(1).replace(",", "")) > 0


@pytest.mark.skipif(
    bool(os.environ.get("DATABASE_URL")),
    reason="walks every page on the demo: the same on either database, so run once, on SQLite",
)
@pytest.mark.django_db
def test_every_page_the_bench_times_is_served_on_the_demo(monkeypatch):
    """What `make bench` does at a million lines, on a small demo and with one request each:
    every placeholder becomes a demo object and someone of the row's role gets a 200."""
    _load_in_small_blocks(monkeypatch, lines=1_000, block=1_000)
    problems = {}
    for name, args, role in pages.page_rows():
        url = reverse(name, args=pages.demo_args(name, args))
        client, who = pages.client_for(url, role)
        if client is None:
            problems[url] = who
    assert problems == {}


def test_the_load_counts_every_answer_and_every_error_per_page():
    """benchmarks.load's people against a tiny local server for half a second: every request
    is timed under its page, a non-200 is an error, a page answered by the login form is too,
    and a page marked as a person's kept copy is counted as one."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from benchmarks import load

    class Answers(BaseHTTPRequestHandler):
        def do_GET(self):
            status = {"/ok/": 200, "/gone/": 404, "/login/": 200}.get(self.path, 302)
            self.send_response(status)
            if status == 302:
                self.send_header("Location", "/login/")
            if self.path == "/ok/":
                self.send_header(load.KEPT_HEADER, "kept")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Answers)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        phase = load.Phase("test")
        people = [(load.Person(base), ["/ok/", "/gone/", "/session-lost/"]) for _ in range(2)]
        load.run_phase(phase, people, 0.5)
    finally:
        server.shutdown()
    assert phase.seconds >= 0.5 and len(phase.timings) >= 3
    assert set(phase.by_page) == {"/ok/", "/gone/", "/session-lost/"}
    assert sum(map(len, phase.by_page.values())) == len(phase.timings)
    assert len(phase.errors) == len(phase.timings) - len(phase.by_page["/ok/"])
    assert {"/gone/: 404", "/session-lost/: sent to the login page"} == set(phase.errors)
    # Each page the server said was a person's kept copy, and only those.
    assert phase.kept == len(phase.by_page["/ok/"])
    assert "errors" in load.summary(phase)


def test_the_load_reads_the_cpu_of_the_client_and_of_each_server_process(monkeypatch):
    """The split of a phase's CPU between client, app and database comes from /proc: a
    process that spins for a while shows at least that much CPU under its own name, and a
    phase reports each person's first pass through their pages apart."""
    import subprocess
    import sys
    import time

    from benchmarks import load

    if not os.path.exists("/proc/self/stat"):
        pytest.skip("no /proc on this system")
    spinner = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import time\nend = time.process_time() + 0.4\n"
            "while time.process_time() < end: pass\ntime.sleep(30)",
        ]
    )
    try:
        before = load.cpu_of({"app server": spinner.pid})["app server"]
        time.sleep(1.0)
        after = load.cpu_of({"app server": spinner.pid})["app server"]
    finally:
        spinner.kill()
        spinner.wait()
    assert after - before >= 0.2

    phase = load.Phase("test")
    for milliseconds, first in [(300, True), (10, False), (12, False)]:
        phase.record(milliseconds, path="/", first=first)
    phase.seconds, phase.cpu = 1.0, {"client": 0.03, "app server": 0.3}
    assert phase.first_pass == [300]
    assert load.cpu_summary(phase).startswith(
        "test, CPU per request: client 10.0 ms, app server 100.0 ms; 0.3 of"
    )
