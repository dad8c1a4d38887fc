"""The app served as `make serve` serves it: gunicorn worker processes, DEBUG off, static files
collected, compressed and served by whitenoise, the error pages our own."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")

pytestmark = pytest.mark.skipif(
    bool(os.environ.get("DATABASE_URL")),
    reason="the server is the same on either database; checked once, on its own SQLite file",
)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url, **headers):
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.fixture(scope="module")
def production_server(tmp_path_factory):
    var = tmp_path_factory.mktemp("var")
    env = {
        **{
            k: v
            for k, v in os.environ.items()
            if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")
        },
        "DEBUG": "0",
        "STATIC_FILES_COLLECTED": "1",  # as `make serve` says after collectstatic
        "WORKBENCH_VAR_DIR": str(var),
        "SECRET_KEY": "a-production-like-key-" + "x" * 40,
    }
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], env=env, check=True, cwd=ROOT)
    subprocess.run(
        [*manage, "collectstatic", "--noinput", "-v", "0"], env=env, check=True, cwd=ROOT
    )
    port = _free_port()
    server = subprocess.Popen(
        [str(GUNICORN), "config.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            _get(base + "/login/")
            break
        except OSError:
            time.sleep(0.3)
    else:
        server.kill()
        pytest.fail("gunicorn did not answer: " + server.stderr.read().decode()[-2000:])
    yield base, var
    server.terminate()
    server.wait(timeout=20)


def test_the_login_page_is_served_by_gunicorn_with_debug_off(production_server):
    base, _ = production_server
    status, headers, body = _get(base + "/login/")
    assert status == 200
    assert headers["Server"].startswith("gunicorn")
    assert b'name="username"' in body
    status, _, body = _get(base + "/no-such-page/")
    assert status in (302, 404)  # to the login page first; never Django's debug page
    assert b"Traceback" not in body and b"DEBUG = True" not in body


def test_static_files_are_collected_compressed_and_cached(production_server):
    base, var = production_server
    assert (var / "staticfiles" / "vendor" / "htmx.min.js").exists()
    status, headers, body = _get(base + "/static/vendor/htmx.min.js", **{"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers.get("Content-Encoding") == "gzip"
    assert len(body) < (ROOT / "static" / "vendor" / "htmx.min.js").stat().st_size
    assert "max-age" in headers.get("Cache-Control", "")
