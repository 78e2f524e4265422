"""PostgreSQL clusters a test starts on this machine: a primary of its own and a streaming replica.

The primary is made with `initdb` (trust on 127.0.0.1, replication allowed) in a temporary
directory, the replica with `pg_basebackup -R` from it; both listen on free ports and are stopped
and removed afterwards. The server binaries run as the `postgres` user when the tests run as
root (PostgreSQL refuses root). Where the binaries are missing, `available()` says why.
"""
from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path


def _bindir() -> Path | None:
    """Debian's versioned server binaries first (initdb on the PATH may be a wrapper), else the PATH."""
    for found in [*sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True), shutil.which("initdb")]:
        if found and (Path(found).parent / "pg_basebackup").exists():
            return Path(found).parent
    return None


def available() -> str | None:
    """None when clusters can be started here, else the reason they cannot."""
    bindir = _bindir()
    if bindir is None or not (bindir / "pg_basebackup").exists():
        return "PostgreSQL's initdb and pg_basebackup are not installed"
    if os.geteuid() == 0 and not shutil.which("runuser"):
        return "running as root without runuser (PostgreSQL refuses to run as root)"
    return None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _run(*command: str) -> None:
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    subprocess.run([*prefix, *command], check=True, capture_output=True, timeout=120)


@dataclass
class Cluster:
    directory: Path
    port: int

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        _run(str(_bindir() / "pg_ctl"), "-D", str(self.directory), "-l", str(self.directory / "log"), "-w",
             "-o", f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1", "start")

    def stop(self) -> None:
        try:
            _run(str(_bindir() / "pg_ctl"), "-D", str(self.directory), "-m", "immediate", "-w", "stop")
        except subprocess.CalledProcessError:
            pass


def _directory() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="shaodian-pg-"))
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    folder.chmod(0o700)
    return folder


def primary() -> Cluster:
    """A new cluster that allows streaming replication from 127.0.0.1, started."""
    cluster = Cluster(_directory() / "data", _free_port())
    cluster.directory.parent.chmod(0o755)
    if os.geteuid() == 0:
        shutil.chown(cluster.directory.parent, "postgres", "postgres")
    _run(str(_bindir() / "initdb"), "-D", str(cluster.directory), "-U", "postgres", "--auth=trust",
         "--no-sync", "-E", "UTF8", "--locale=C")
    with open(cluster.directory / "postgresql.conf", "a") as conf:  # small and fast: a throw-away cluster
        conf.write("\nwal_level = replica\nmax_wal_senders = 4\nfsync = off\nsynchronous_commit = off\n"
                   "full_page_writes = off\nshared_buffers = 16MB\nmax_connections = 30\n")
    cluster.start()
    return cluster


def replica_of(source: Cluster) -> Cluster:
    """A hot standby of `source` fed by streaming replication (pg_basebackup -R), started."""
    cluster = Cluster(_directory() / "data", _free_port())
    if os.geteuid() == 0:
        shutil.chown(cluster.directory.parent, "postgres", "postgres")
    _run(str(_bindir() / "pg_basebackup"), "-h", "127.0.0.1", "-p", str(source.port), "-U", "postgres",
         "-D", str(cluster.directory), "-R", "-X", "stream", "--no-sync")
    cluster.start()
    return cluster


def remove(cluster: Cluster) -> None:
    cluster.stop()
    shutil.rmtree(cluster.directory.parent, ignore_errors=True)


def wait_for(condition, seconds: float = 30) -> None:
    """Until `condition()` holds (replication catching up); fails after `seconds`."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("the replica did not catch up")
        time.sleep(0.05)
