"""Read scaling on PostgreSQL's own streaming replication: a real primary and a pg_basebackup
replica as throwaway clusters, the app served by gunicorn with DATABASE_URL and
DATABASE_REPLICA_URL, and a person in a browser-like session. Pages read from the replica; a
person who has just saved reads the primary until the replica has replayed their write, so
they always see it; a replica that stops answering sends pages to the primary
(workbench/db_router.py). PostgreSQL only: a replica is PostgreSQL's."""

import http.cookiejar
import os
import re
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import psycopg
import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection

from tests.factories import PASSWORD, make_user
from tests.throwaway_postgres import PG_BIN, free_port, new_primary, new_replica, remove
from workbench.db_router import STAMP_COOKIE
from workbench.page_cache import KEPT_HEADER
from workbench.roles import ADMINISTRATOR

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")
RATES = "/categories/imports/fx-rates/"

pytestmark = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="a streaming replica is PostgreSQL's; SQLite has none",
)


def wait_for(condition, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if result := condition():
            return result
        time.sleep(0.05)
    raise AssertionError(f"waited {seconds} s for {what}")


class Browser:
    """Cookies kept and redirects followed, as a browser would."""

    def __init__(self, base: str):
        self.base = base
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def cookie(self, name: str):
        return next((cookie.value for cookie in self.cookies if cookie.name == name), None)

    def get(self, path: str) -> str:
        return self.get_page(path)[0]

    def get_page(self, path: str) -> tuple[str, bool]:
        """The page, and whether it was the person's kept copy (workbench.page_cache)."""
        with self.opener.open(self.base + path, timeout=20) as response:
            return response.read().decode(), response.headers.get(KEPT_HEADER) == "kept"

    def post(self, path: str, fields: dict, files: dict | None = None) -> str:
        fields = {"csrfmiddlewaretoken": self.cookie("csrftoken"), **fields}
        headers = {"Referer": self.base + path}
        if files:
            boundary = uuid.uuid4().hex
            parts = [
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
                for name, value in fields.items()
            ]
            parts += [
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                f'filename="{file_name}"\r\nContent-Type: text/csv\r\n\r\n{content}\r\n'
                for name, (file_name, content) in files.items()
            ]
            body = ("".join(parts) + f"--{boundary}--\r\n").encode()
            headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
        else:
            body = urllib.parse.urlencode(fields).encode()
        request = urllib.request.Request(self.base + path, data=body, headers=headers)
        with self.opener.open(request, timeout=20) as response:
            return response.read().decode()


def replayed(primary, replica) -> bool:
    """Whether the replica has replayed everything the primary has written so far."""
    position = primary.execute("SELECT pg_current_wal_insert_lsn()").fetchone()[0]
    return replica.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [position]).fetchone()[
        0
    ]


def fx_rows(page: str) -> set[str]:
    return set(re.findall(r"<td>(JPY|USD|CHF)</td>", page))


@pytest.fixture
def primary_and_replica(transactional_db):
    """A primary holding the test database's schema and one administrator, and its replica."""
    admin = make_user("replica-admin", ADMINISTRATOR)
    # The server runs with Django's own password hashers, not the tests' fast one.
    admin.password = PBKDF2PasswordHasher().encode(PASSWORD, "replicasalt", iterations=1000)
    admin.save(update_fields=["password"])
    primary = new_primary()
    replica = None
    try:
        subprocess.run(
            [str(PG_BIN / "psql"), primary.url(), "-q", "-c", "CREATE DATABASE workbench"],
            check=True,
        )
        test_database = connection.settings_dict
        dump = subprocess.Popen(
            [
                str(PG_BIN / "pg_dump"), "--no-owner", "--no-privileges",
                "-h", test_database["HOST"], "-p", str(test_database["PORT"]),
                "-U", test_database["USER"],
                test_database["NAME"],
            ],
            stdout=subprocess.PIPE,
        )  # fmt: skip
        subprocess.run(
            [str(PG_BIN / "psql"), primary.url("workbench"), "-q", "-v", "ON_ERROR_STOP=1"],
            stdin=dump.stdout,
            stdout=subprocess.DEVNULL,
            check=True,
        )
        assert dump.wait() == 0
        replica = new_replica(primary)
        yield primary, replica
    finally:
        if replica is not None:
            remove(replica)
        remove(primary)


@pytest.fixture
def server(primary_and_replica, tmp_path):
    primary, replica = primary_and_replica
    env = {
        **{
            name: value
            for name, value in os.environ.items()
            if name not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")
        },
        "DATABASE_URL": primary.url("workbench"),
        "DATABASE_REPLICA_URL": replica.url("workbench"),
        "DEBUG": "0",
        "WORKBENCH_VAR_DIR": str(tmp_path),
        "SECRET_KEY": "a-replica-test-key-" + "x" * 40,
    }
    port = free_port()
    process = subprocess.Popen(
        [str(GUNICORN), "config.wsgi:application", "--bind", f"127.0.0.1:{port}", "-w", "1"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"

    def answers():
        try:
            urllib.request.urlopen(base + "/login/", timeout=10).close()
        except OSError:
            return process.poll() is not None  # stop waiting for a server that died
        return True

    wait_for(answers, 60, "gunicorn")
    if process.poll() is not None:
        pytest.fail("gunicorn stopped: " + process.stderr.read().decode()[-3000:])
    with (
        psycopg.connect(primary.url("workbench"), autocommit=True) as on_primary,
        psycopg.connect(replica.url("workbench"), autocommit=True) as on_replica,
    ):
        yield Browser(base), on_primary, on_replica
    process.terminate()
    process.wait(timeout=20)


def test_pages_read_the_replica_and_a_person_sees_their_own_write_at_once(
    server, primary_and_replica
):
    browser, primary, replica = server
    replica_cluster = primary_and_replica[1]
    assert replica.execute("SELECT pg_is_in_recovery()").fetchone()[0]
    browser.get("/login/")
    # Logging in writes the session; the page it leads to reads it (from the primary, until
    # the replica has replayed it, which here is at once).
    home = browser.post("/login/", {"username": "replica-admin", "password": PASSWORD})
    assert "Log out" in home
    wait_for(lambda: replayed(primary, replica), 10, "the replica to replay the login")
    browser.get(RATES)
    assert browser.cookie(STAMP_COOKIE) is None, "the replica caught up: the stamp is dropped"

    # The replica stops replaying; a rate written straight to the primary is not on the page,
    # which therefore came from the replica.
    replica.execute("SELECT pg_wal_replay_pause()")
    primary.execute(
        "INSERT INTO categories_exchangerate (currency, month, rate) "
        "VALUES ('JPY', '2026-01-01', 0.0053)"
    )
    assert fx_rows(browser.get(RATES)) == set()

    # The person saves a rate: the page after the save reads the primary, though the replica
    # is still paused, and shows their rate (and the one written before it).
    rates = "currency,month,rate\r\nUSD,2026-01,0.79\r\n"
    page = browser.post(RATES, {}, files={"file": ("rates.csv", rates)})
    assert "1 monthly rates saved." in page
    assert fx_rows(page) == {"JPY", "USD"}
    assert browser.cookie(STAMP_COOKIE).startswith("lsn:")
    assert fx_rows(browser.get(RATES)) == {"JPY", "USD"}, "as long as the replica lags"
    assert not replica.execute("SELECT count(*) FROM categories_exchangerate").fetchone()[0], (
        "the replica was paused all along"
    )

    # Replaying again, the replica catches up and pages read it once more.
    replica.execute("SELECT pg_wal_replay_resume()")
    wait_for(lambda: replayed(primary, replica), 10, "the replica to catch up")
    assert fx_rows(browser.get(RATES)) == {"JPY", "USD"}
    assert browser.cookie(STAMP_COOKIE) is None
    replica.execute("SELECT pg_wal_replay_pause()")
    primary.execute(
        "INSERT INTO categories_exchangerate (currency, month, rate) "
        "VALUES ('CHF', '2026-01-01', 0.88)"
    )
    assert fx_rows(browser.get(RATES)) == {"JPY", "USD"}, "read from the paused replica"

    # The replica goes away: pages read the primary instead, and show everything on it.
    replica_cluster.stop()
    assert fx_rows(browser.get(RATES)) == {"JPY", "USD", "CHF"}, "read from the primary"
    assert fx_rows(browser.get(RATES)) == {"JPY", "USD", "CHF"}, "and again, without waiting"


def units_counted(page: str) -> int:
    return int(re.search(r'Business units</a></td><td class="num">(\d+)<', page).group(1))


def test_a_kept_page_read_from_the_replica_is_kept_while_the_replica_stands_still(server):
    """On a replica a page is filed under what the replica has replayed: a write on the
    primary that has not reached it changes nothing the page reads, and once replayed the page
    is rendered afresh."""
    browser, primary, replica = server
    browser.get("/login/")
    browser.post("/login/", {"username": "replica-admin", "password": PASSWORD})
    wait_for(lambda: replayed(primary, replica), 10, "the replica to replay the login")
    assert wait_for(lambda: browser.get_page("/")[1], 10, "the home page to come back kept")
    units = units_counted(browser.get("/"))

    replica.execute("SELECT pg_wal_replay_pause()")
    primary.execute("INSERT INTO stakeholders_businessunit (code, name) VALUES ('NEW', 'New')")
    page, kept = browser.get_page("/")
    assert kept and units_counted(page) == units, "the replica has not replayed the unit yet"

    replica.execute("SELECT pg_wal_replay_resume()")
    wait_for(lambda: replayed(primary, replica), 10, "the replica to catch up")
    page, kept = browser.get_page("/")
    assert not kept
    assert units_counted(page) == units + 1
