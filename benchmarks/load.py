"""Many people at once: the production server (gunicorn as `make serve` runs it: DEBUG off,
static files collected, WEB_CONCURRENCY workers, on loopback) against the bench's database,
with BENCH_CONCURRENCY (8) logged-in people cycling through their roles' main pages for
BENCH_SECONDS (30), and, in the same run and from the same processes, the bare login page
under the same concurrency: requests per second, p50, p95 and errors of both, and the share
of the login page's throughput the logged-in mix keeps.

The load comes from a small pool of threads, each a person with their own cookie jar who logs
in through the login form (CSRF token and all) as a browser does, using only the standard
library's urllib: gunicorn's sync workers close every connection after its response, so a
client with keep-alive (requests, httpx) would measure the same, and locust would bring gevent
and a web UI into the dependencies for what thirty lines do here.

Where the time goes: each phase also reads, from /proc (Linux), the CPU the load's own threads
(the client), the gunicorn processes and the PostgreSQL processes spent, per request, so a
figure limited by the client (the bare login page) is told apart from one limited by the app;
and the logged-in mix is split into each person's first pass through their pages (each
worker's in-memory cache of figures and charts still cold) and the rest.
"""

import http.cookiejar
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.figures import at_least, at_most, percentile, verdict
from workbench.page_cache import KEPT_HEADER

ROOT = Path(__file__).resolve().parents[1]
GUNICORN = Path(sys.executable).with_name("gunicorn")
DEMO_PASSWORD = "workbench-demo"  # workbench.demo.DEMO_PASSWORD; the server's own users
# Issue 15's goals for the logged-in mix.
MIX_SHARE_OF_LOGIN = 0.4
MIX_P95_MS = 300
CSRF_FIELD = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Phase:
    """What one phase of the load measured: every request's time, and what went wrong."""

    name: str
    seconds: float = 0.0
    timings: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    by_page: dict = field(default_factory=dict)
    first_pass: list = field(default_factory=list)
    kept: int = 0  # pages served from the person's kept copy (workbench.page_cache)
    cpu: dict = field(default_factory=dict)  # who -> CPU seconds over the phase
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(
        self, milliseconds: float, problem: str = "", path: str = "", first=False, kept=False
    ):
        with self.lock:
            self.kept += kept
            if first:
                self.first_pass.append(milliseconds)
            self.timings.append(milliseconds)
            self.by_page.setdefault(path, []).append(milliseconds)
            if problem:
                self.errors.append(problem)

    @property
    def per_second(self) -> float:
        return len(self.timings) / self.seconds if self.seconds else 0.0


class Person:
    """One browser: its own cookies, logging in through the form as a person does."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def get(self, path: str) -> tuple[int, str, bytes]:
        status, url, body, _ = self.get_page(path)
        return status, url, body

    def get_page(self, path: str) -> tuple[int, str, bytes, bool]:
        """Status, final address, body, and whether the page was the person's kept copy."""
        try:
            with self.opener.open(self.base + path, timeout=30) as response:
                kept = response.headers.get(KEPT_HEADER) == "kept"
                return response.status, response.url, response.read(), kept
        except urllib.error.HTTPError as error:
            return error.code, error.url, error.read(), False

    def log_in(self, username: str):
        status, _, body = self.get("/login/")
        token = CSRF_FIELD.search(body)
        if status != 200 or not token:
            raise RuntimeError(f"no login form ({status})")
        form = urllib.parse.urlencode(
            {
                "username": username,
                "password": DEMO_PASSWORD,
                "csrfmiddlewaretoken": token.group(1).decode(),
            }
        ).encode()
        request = urllib.request.Request(
            self.base + "/login/", data=form, headers={"Referer": self.base + "/login/"}
        )
        with self.opener.open(request, timeout=30) as response:
            if urllib.parse.urlsplit(response.url).path.startswith("/login/"):
                raise RuntimeError(f"{username} could not log in")


CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _processes() -> dict:
    """pid -> (parent pid, CPU seconds so far) of every process /proc shows; {} elsewhere."""
    found = {}
    for entry in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = entry.read_text()
        except OSError:  # gone since the listing
            continue
        # The command name is in parentheses and may hold spaces: split after it.
        fields = text[text.rindex(")") + 2 :].split()
        found[int(entry.parent.name)] = (int(fields[1]), (int(fields[11]) + int(fields[12])))
    return {pid: (parent, ticks / CLOCK_TICKS) for pid, (parent, ticks) in found.items()}


def cpu_of(roots: dict) -> dict:
    """CPU seconds so far of each named process and its children ({"app": pid, ...})."""
    if not any(roots.values()):
        return {}
    processes = _processes()
    return {
        name: sum(cpu for pid, (parent, cpu) in processes.items() if root in (pid, parent))
        for name, root in roots.items()
        if root
    }


def database_server_pid() -> int | None:
    """The PostgreSQL server (postmaster) this process's Django connection talks to, when it
    runs on this machine: the parent of the connection's own backend."""
    try:
        from django.db import connection

        if connection.vendor != "postgresql":
            return None
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            backend = cursor.fetchone()[0]
        stat = Path(f"/proc/{backend}/stat").read_text()
        return int(stat[stat.rindex(")") + 2 :].split()[1])
    except Exception:  # another machine, or no /proc: the figure is left out
        return None


def run_phase(phase: Phase, people: list, seconds: float, roots: dict | None = None):
    """Every person requests their pages in turn, as fast as answers come, for `seconds`;
    `roots` names the server processes whose CPU the phase reads (beside the client's)."""
    roots = roots or {}
    cpu_before, client_before = cpu_of(roots), time.process_time()
    deadline = time.monotonic() + seconds

    def work(person: Person, paths: list[str]):
        index = 0
        while time.monotonic() < deadline:
            path = paths[index % len(paths)]
            index += 1
            started = time.perf_counter()
            kept = False
            try:
                status, url, _, kept = person.get_page(path)
                problem = "" if status == 200 else f"{path}: {status}"
                # A session lost sends a logged-in page to the login form with a 200.
                if not problem and path != "/login/" and "/login/" in url:
                    problem = f"{path}: sent to the login page"
            except OSError as error:
                problem = f"{path}: {error}"
            milliseconds = (time.perf_counter() - started) * 1000
            phase.record(milliseconds, problem, path, index <= len(paths), kept)

    threads = [threading.Thread(target=work, args=pair) for pair in people]
    started = deadline - seconds
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    phase.seconds = time.monotonic() - started
    phase.cpu = {"client": time.process_time() - client_before}
    phase.cpu.update(
        {name: seconds - cpu_before.get(name, 0.0) for name, seconds in cpu_of(roots).items()}
    )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(var_dir: str, workers: int, page_cache: bool = True):
    """gunicorn as `make serve` starts it, on a free loopback port; returns (process, base).
    Without `page_cache`, every page is rendered for every request (PAGE_CACHE=0)."""
    env = {
        **os.environ,
        "PAGE_CACHE": "1" if page_cache else "0",
        "DEBUG": "0",
        "STATIC_FILES_COLLECTED": "1",
        "WORKBENCH_VAR_DIR": var_dir,
        "SECRET_KEY": os.environ.get("SECRET_KEY") or "bench-only-key-" + "k" * 40,
        "ALLOWED_HOSTS": "127.0.0.1",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "collectstatic", "--noinput", "-v", "0"],
        env=env,
        check=True,
        cwd=ROOT,
    )
    port = _free_port()
    server = subprocess.Popen(
        [
            str(GUNICORN),
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            Person(base).get("/login/")
            return server, base
        except OSError:
            time.sleep(0.3)
    server.kill()
    raise RuntimeError("gunicorn did not answer within a minute")


def summary(phase: Phase) -> str:
    p50, p95 = statistics.median(phase.timings), percentile(phase.timings, 0.95)
    return (
        f"{phase.name}: {len(phase.timings):,} requests in {phase.seconds:.0f} s, "
        f"{phase.per_second:.1f} req/s, p50 {p50:.0f} ms, p95 {p95:.0f} ms, "
        f"errors {len(phase.errors)}"
    )


def cpu_summary(phase: Phase) -> str:
    """CPU per request of the client, the app server and the database, and how many of the
    machine's cores they kept busy between them."""
    if not phase.timings or not phase.seconds:
        return ""
    parts = [
        f"{who} {seconds * 1000 / len(phase.timings):.1f} ms" for who, seconds in phase.cpu.items()
    ]
    busy = sum(phase.cpu.values()) / phase.seconds
    return (
        f"{phase.name}, CPU per request: "
        + ", ".join(parts)
        + f"; {busy:.1f} of {os.cpu_count()} cores busy"
    )


def _logged_in(base: str, mix: dict, concurrency: int) -> list:
    usernames = list(mix)
    people = []
    for index in range(concurrency):
        username = usernames[index % len(usernames)]
        person = Person(base)
        person.log_in(username)
        people.append((person, mix[username]))
    return people


def _load(var_dir, workers, phases, seconds, page_cache=True):
    """Runs each (phase, people of base) in turn against one production server."""
    server, base = start_server(var_dir, workers, page_cache)
    roots = {"app server": server.pid, "database": database_server_pid()}
    try:
        for phase, people_of in phases:
            run_phase(phase, people_of(base), seconds, roots)
    finally:
        server.terminate()
        server.wait(timeout=30)


def bench_many_at_once(mix: dict, seconds: float, concurrency: int, workers: int, out=print):
    """`mix` maps each person's username to their pages; `concurrency` people are taken from
    it in turn. Returns the number of goals not met."""
    usernames = list(mix)
    login = Phase("bare login page")
    mixed = Phase("logged-in mix")
    rendered = Phase("logged-in mix, every page rendered (PAGE_CACHE=0)")
    with tempfile.TemporaryDirectory() as var_dir:
        _load(
            var_dir,
            workers,
            [
                (login, lambda base: [(Person(base), ["/login/"]) for _ in range(concurrency)]),
                (mixed, lambda base: _logged_in(base, mix, concurrency)),
            ],
            seconds,
        )
        _load(
            var_dir,
            workers,
            [(rendered, lambda base: _logged_in(base, mix, concurrency))],
            seconds,
            page_cache=False,
        )
    out(
        f"Many at once: gunicorn, {workers} workers, DEBUG off, {concurrency} people, "
        f"{seconds:.0f} s a phase, loopback; load average {os.getloadavg()[0]:.2f}"
    )
    out("  people: " + ", ".join(usernames[i % len(usernames)] for i in range(concurrency)))
    out("  " + summary(login))
    out("  " + summary(mixed))
    out(
        f"  logged-in mix: {mixed.kept:,} of {len(mixed.timings):,} pages were the person's "
        "kept copy (workbench.page_cache: nothing was written meanwhile)"
    )
    out("  " + summary(rendered))
    for phase in (login, mixed, rendered):
        if phase.cpu:
            out("  " + cpu_summary(phase))
    if mixed.first_pass and len(mixed.timings) > len(mixed.first_pass):
        later = sorted(mixed.timings)  # every request; the first passes are a small part
        out(
            f"  logged-in mix, each person's first pass through their pages (caches cold): "
            f"{len(mixed.first_pass)} requests, p50 {statistics.median(mixed.first_pass):.0f} ms;"
            f" all requests p50 {statistics.median(later):.0f} ms"
        )
    p95 = percentile(mixed.timings, 0.95)
    share = mixed.per_second / login.per_second if login.per_second else 0.0
    out(
        f"  logged-in mix / login page throughput: {share:.2f} "
        + at_least(share, MIX_SHARE_OF_LOGIN)
    )
    out(f"  logged-in mix p95: {p95:.0f} ms {at_most(p95, MIX_P95_MS, ' ms')}")
    if login.per_second:
        out(
            f"  every page rendered / login page throughput: "
            f"{rendered.per_second / login.per_second:.2f}, p95 "
            f"{percentile(rendered.timings, 0.95):.0f} ms (what the mix gets without kept pages)"
        )
    errors = len(mixed.errors) + len(login.errors) + len(rendered.errors)
    out(f"  errors: {errors} (goal 0) {verdict(errors == 0)}")
    slowest = sorted(mixed.by_page.items(), key=lambda item: -statistics.median(item[1]))
    out(
        "  slowest in the mix (p50): "
        + ", ".join(f"{path} {statistics.median(times):.0f} ms" for path, times in slowest[:5])
    )
    for problem in sorted(set(mixed.errors + login.errors + rendered.errors))[:10]:
        out(f"    {problem}")
    return sum(
        [share < MIX_SHARE_OF_LOGIN, p95 > MIX_P95_MS, errors > 0],
    )
