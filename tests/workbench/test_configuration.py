"""Bad configuration stops with one line that names the problem, not a stack trace."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _manage(*args, **env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        (
            {"DATABASE_URL": "postgres://workbench:secret@127.0.0.1:9/workbench"},
            "Cannot use the database: PostgreSQL at 127.0.0.1:9",
        ),
        ({"DATABASE_URL": "mongodb://127.0.0.1/workbench"}, "DATABASE_URL"),
        ({"DEBUG": "maybe"}, "DEBUG='maybe' is not a yes/no value"),
    ],
)
def test_bad_configuration_is_one_line(env, expected):
    result = _manage("migrate", "--check", **env)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert expected in lines[0]
    assert "Traceback" not in result.stderr
    assert "secret" not in result.stderr
