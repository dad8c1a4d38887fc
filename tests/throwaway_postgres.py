"""Throwaway PostgreSQL 15 clusters for the tests that need a server of their own (a primary
and its streaming replica), made as scripts/with-postgres makes the suite's: in a temporary
directory, on a free loopback port, run as the `postgres` user when we are root (PostgreSQL
refuses to run as root), stopped and removed afterwards."""

import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
# Durability is worth nothing for a cluster that lives for one test.
FAST = "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=30"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _as_postgres(command: list) -> list:
    return ["runuser", "-u", "postgres", "--", *command] if os.getuid() == 0 else command


class Cluster:
    """A PostgreSQL server on 127.0.0.1:`port` whose data lives in `directory`/data."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.data = directory / "data"
        self.port = free_port()

    def url(self, database="postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def run(self, *command, **options):
        return subprocess.run(_as_postgres([str(PG_BIN / command[0]), *command[1:]]), **options)

    def start(self, settings: str = ""):
        self.run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-l",
            str(self.directory / "server.log"),
            "-w",
            "-o",
            f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 {FAST} {settings}",
            "start",
            check=True,
            stdout=subprocess.DEVNULL,
        )

    def stop(self):
        self.run("pg_ctl", "-D", str(self.data), "-m", "immediate", "stop", capture_output=True)

    def log(self) -> str:
        path = self.directory / "server.log"
        return path.read_text()[-3000:] if path.exists() else ""


def _directory() -> Path:
    directory = Path(tempfile.mkdtemp(prefix="workbench-pg-"))
    if os.getuid() == 0:
        shutil.chown(directory, "postgres")
    return directory


def new_primary() -> Cluster:
    """A fresh cluster that streams its log to replicas (wal_level=replica, WAL senders)."""
    cluster = Cluster(_directory())
    cluster.run(
        "initdb", "-D", str(cluster.data), "-A", "trust", "-U", "postgres", "-E", "UTF8",
        "--no-sync", check=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    cluster.start("-c wal_level=replica -c max_wal_senders=5")
    return cluster


def new_replica(primary: Cluster) -> Cluster:
    """A hot standby of `primary`: pg_basebackup -R copies its data and writes the settings
    (standby.signal, primary_conninfo) that make the copy follow the primary's log."""
    cluster = Cluster(_directory())
    cluster.run(
        "pg_basebackup", "-h", "127.0.0.1", "-p", str(primary.port), "-U", "postgres",
        "-D", str(cluster.data), "-R", "-X", "stream", "--checkpoint=fast", "--no-sync",
        check=True,
    )  # fmt: skip
    cluster.start("-c hot_standby=on")
    return cluster


def remove(cluster: Cluster):
    cluster.stop()
    shutil.rmtree(cluster.directory, ignore_errors=True)
