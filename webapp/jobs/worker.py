"""Who runs the jobs: a thread in each web process (the default, no extra service), or `flask jobs run`.

JOBS_WORKER=thread (default) starts one worker thread in a process when it serves its first
request (never in `flask db upgrade` or other commands). JOBS_WORKER=off leaves the jobs to
`flask jobs run` processes (docs/deploy.md). Either way the queue is the `export_job` table: a
job started on one server may be run by another, and a worker that dies mid-job has its job
taken up again after operations.STALE_AFTER. The same loop keeps the month partitions of
health_check made ahead (health/partitions.py, once a day).
"""
from __future__ import annotations

import logging
import os
import socket
import threading

import click
from flask import current_app
from flask.cli import with_appcontext

from ..health import partitions
from . import operations

log = logging.getLogger(__name__)
POLL_SECONDS = 5.0  # how often an idle worker looks for jobs started by another process
_wakeup = threading.Event()
_started: set[int] = set()  # ids of the apps whose thread runs in this process
_lock = threading.Lock()


def init_app(app) -> None:
    if app.config.get("JOBS_WORKER", "thread") == "thread":
        app.before_request(lambda: _ensure_thread(app))
    app.cli.add_command(jobs)


def wake() -> None:
    """A job was just started here: look now instead of at the next poll."""
    _wakeup.set()


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"


def _ensure_thread(app) -> None:
    if id(app) in _started:
        return
    with _lock:
        if id(app) in _started:
            return
        _started.add(id(app))
        threading.Thread(target=loop, args=(app,), name="shaodian-jobs", daemon=True).start()


def loop(app, stop: threading.Event | None = None, poll: float = POLL_SECONDS) -> None:
    """Run jobs as they come until `stop` is set (never, for the web processes' thread)."""
    name = worker_name()
    while stop is None or not stop.is_set():
        try:
            with app.app_context():
                partitions.keep_ahead()  # the next months of health_check (PostgreSQL), once a day
                operations.run_pending(name)
        except Exception:  # the database away for a moment: try again at the next poll
            log.exception("The job worker could not run jobs")
        _wakeup.wait(poll)
        _wakeup.clear()


@click.group("jobs")
def jobs() -> None:
    """Background jobs (county exports)."""


@jobs.command("run")
@click.option("--once", is_flag=True, help="Run the jobs waiting now, then exit.")
@with_appcontext
def run(once: bool) -> None:
    """Run background jobs: in the foreground until stopped, or only those waiting (--once)."""
    if once:
        ran = operations.run_pending(worker_name())
        click.echo(f"{len(ran)} job(s) run")
        return
    loop(current_app._get_current_object())
