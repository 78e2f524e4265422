"""The app served the way `make run` serves it (gunicorn, 2 workers × 4 threads), and a phone that talks HTTP to it.

A bench that wants the real server path (sockets, gunicorn's threads, CSRF, the login cookie)
starts `serve(url)` and drives it with `Phone`s. Nothing here knows what is being measured.
"""
from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parent.parent
WORKERS, THREADS = 2, 4  # make run's defaults (Makefile: WORKERS ?= 2, --threads 4)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass(frozen=True)
class Server:
    url: str
    pid: int  # gunicorn's master

    def cpu_seconds(self) -> float:
        """CPU time (user + system) used so far by the master and its live workers (Linux /proc)."""
        total, tick = 0.0, os.sysconf("SC_CLK_TCK")
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(entry.name) == self.pid or int(fields[1]) == self.pid:  # fields[1] is the parent's pid
                total += (int(fields[11]) + int(fields[12])) / tick
        return total


@contextlib.contextmanager
def serve(database_url: str, workers: int = WORKERS, threads: int = THREADS,
          extra_env: dict | None = None) -> Iterator[Server]:
    """gunicorn serving wsgi:app on `database_url` (already migrated and seeded)."""
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="shaodian-bench-serve-") as instance:
        env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "bench-serve", "INSTANCE_DIR": instance,
               "LOGIN_FAILURE_LIMIT": "1000 per minute",
               "LOGIN_ADDRESS_LIMIT": "10000 per minute", **(extra_env or {})}
        log = open(Path(instance) / "gunicorn.log", "w")
        command = [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--threads", str(threads),
                   "--bind", f"127.0.0.1:{port}", "--access-logfile", "-", "wsgi:app"]
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)
        try:
            _wait_until_up(port, process, Path(instance) / "gunicorn.log")
            yield Server(f"http://127.0.0.1:{port}", process.pid)
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
            log.close()


def _wait_until_up(port: int, process: subprocess.Popen, log: Path, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}:\n{log.read_text()[-2000:]}")
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        try:
            connection.request("GET", "/login")
            if connection.getresponse().status == 200:
                # Both workers import the app; give the second a moment after the first answers.
                time.sleep(1)
                return
        except OSError:
            time.sleep(0.3)
        finally:
            connection.close()
    raise RuntimeError(f"gunicorn did not answer within {seconds} s:\n{log.read_text()[-2000:]}")


class Phone:
    """One phone: a kept-alive HTTP connection, the login cookie and the CSRF token, like static/js/sync.js."""

    def __init__(self, base_url: str, timeout: float = 60):
        host, port = base_url.removeprefix("http://").split(":")
        self.connection = http.client.HTTPConnection(host, int(port), timeout=timeout)
        self.cookies: dict[str, str] = {}
        self.csrf = ""

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        """(status, body bytes); reconnects once when the server closed the kept-alive connection."""
        headers = {**(headers or {}), "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        for attempt in (1, 2):
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                data = response.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.connection.close()
                if attempt == 2:
                    raise
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response.status, data

    def log_in(self, username: str, password: str) -> None:
        status, page = self.request("GET", "/login")
        token = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', page)
        form = f"login={username}&password={password}&csrf_token={token.group(1).decode() if token else ''}"
        status, _ = self.request("POST", "/login", form.encode(),
                                 {"Content-Type": "application/x-www-form-urlencoded"})
        if status != 302:
            raise RuntimeError(f"{username} could not log in ({status})")
        status, body = self.request("GET", "/api/v1/session")
        if status != 200:
            raise RuntimeError(f"/api/v1/session answered {status} for {username}")
        self.csrf = json.loads(body)["csrf_token"]

    def push(self, body: bytes):
        return self.request("POST", "/api/v1/sync/push", body,
                            {"Content-Type": "application/json", "X-CSRFToken": self.csrf})

    def close(self) -> None:
        self.connection.close()
