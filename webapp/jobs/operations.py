"""Start, claim, run and serve background jobs; the state is in the database, never in a process.

- `start` records a job (or returns the same one already waiting for this user) and wakes the
  worker of this process.
- `claim` takes the oldest queued job, or a running one whose heartbeat stopped (its worker was
  restarted or died): on PostgreSQL with `FOR UPDATE SKIP LOCKED`, and on both databases by a
  conditional UPDATE, so two workers never run the same job at once.
- `run_one` runs a claimed job: the kind writes its file to a temporary file, streaming, and
  reports progress every few thousand rows on its own short transaction (which is also the
  heartbeat); then the file goes into `export_chunk` in pieces, and the job is done.
"""
from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from flask import current_app
from flask_babel import force_locale, get_locale
from sqlalchemy import and_, delete, insert, or_, select, update

from .. import replica
from ..extensions import db
from ..org.models import Unit, User, utcnow
from ..org.settings import county_id_of
from .models import ExportChunk, ExportJob, JobStatus

log = logging.getLogger(__name__)
CHUNK_BYTES = 1024 * 1024
PROGRESS_EVERY = 5000  # rows between two progress writes (each is also the heartbeat)
STALE_AFTER = timedelta(minutes=2)  # a running job without a heartbeat this long is taken up again
MAX_ATTEMPTS = 3  # a job that stopped this many times is failed, not run forever
KEEP_FOR = timedelta(days=1)  # finished jobs and their files are deleted after this
WAITING = (JobStatus.queued, JobStatus.running)


class Lost(Exception):
    """Another worker took the job over (this one was thought dead): stop without writing."""


@dataclass(frozen=True)
class JobKind:
    """A kind of job: `run(params, progress, path)` writes the file at `path` and returns
    (file name for the download, content type)."""

    name: str
    run: Callable[[dict, Progress, Path], tuple[str, str]]


KINDS: dict[str, JobKind] = {}


def register(kind: JobKind) -> JobKind:
    KINDS[kind.name] = kind
    return kind


# ---- asking for a job ----------------------------------------------------------------------

def start(kind: str, params: dict, user: User, unit: Unit) -> ExportJob:
    """The user's job of this kind and params still waiting or running, else a new one (committed)."""
    if kind not in KINDS:
        raise KeyError(kind)
    prune()
    waiting = db.session.scalars(select(ExportJob).where(
        ExportJob.user_id == user.id, ExportJob.kind == kind, ExportJob.status.in_(WAITING)))
    job = next((j for j in waiting if j.params == params), None)
    if job is None:
        job = ExportJob(kind=kind, params=params, user_id=user.id, unit_id=unit.id, county_id=county_id_of(unit),
                        locale=str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"]),
                        status=JobStatus.queued)
        db.session.add(job)
    db.session.commit()
    from . import worker
    worker.wake()
    return job


def recent(user: User, limit: int = 20) -> list[ExportJob]:
    return list(db.session.scalars(select(ExportJob).where(ExportJob.user_id == user.id)
                                   .order_by(ExportJob.created_at.desc(), ExportJob.id.desc()).limit(limit)))


def prune() -> None:
    """Delete finished jobs (and their files) older than KEEP_FOR."""
    old = select(ExportJob.id).where(ExportJob.status.in_((JobStatus.done, JobStatus.failed)),
                                     ExportJob.finished_at < utcnow() - KEEP_FOR)
    db.session.execute(delete(ExportChunk).where(ExportChunk.job_id.in_(old)))
    db.session.execute(delete(ExportJob).where(ExportJob.id.in_(old)))


# ---- taking a job --------------------------------------------------------------------------

def _claimable():
    stale = utcnow() - STALE_AFTER
    return or_(ExportJob.status == JobStatus.queued,
               and_(ExportJob.status == JobStatus.running, ExportJob.heartbeat_at < stale))


def claim(worker: str) -> int | None:
    """The id of a job this worker now runs, or None when none is waiting (commits)."""
    query = select(ExportJob.id, ExportJob.attempts).where(_claimable()).order_by(ExportJob.created_at, ExportJob.id)
    if db.session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)  # SQLite has one writer: the UPDATE below decides
    while (found := db.session.execute(query.limit(1)).first()) is not None:
        job_id, attempts = found
        now = utcnow()
        if attempts >= MAX_ATTEMPTS:
            db.session.execute(update(ExportJob).where(ExportJob.id == job_id).values(
                status=JobStatus.failed, finished_at=now, error="stopped before the end too many times"))
            db.session.commit()
            continue
        taken = db.session.execute(update(ExportJob).where(ExportJob.id == job_id, _claimable()).values(
            status=JobStatus.running, worker=worker, attempts=ExportJob.attempts + 1, rows_done=0,
            started_at=now, heartbeat_at=now))
        db.session.commit()
        if taken.rowcount == 1:
            return job_id
    db.session.rollback()
    return None


class Progress:
    """How far a job got, written on its own short transaction: the heartbeat that keeps it claimed."""

    def __init__(self, job_id: int, worker: str, every: int = PROGRESS_EVERY):
        self.job_id, self.worker, self.every, self.done = job_id, worker, every, 0

    def total(self, rows: int) -> None:
        self._write(rows_total=rows)

    def counted(self, rows: Iterable) -> Iterator:
        """The rows, counting them as they go."""
        for row in rows:
            yield row
            self.done += 1
            if self.done % self.every == 0:
                self._write(rows_done=self.done)

    def _write(self, **values) -> None:
        with db.engine.begin() as connection:
            mine = connection.execute(update(ExportJob).where(
                ExportJob.id == self.job_id, ExportJob.worker == self.worker,
                ExportJob.status == JobStatus.running).values(heartbeat_at=utcnow(), **values))
        if mine.rowcount != 1:
            raise Lost(self.job_id)


def run_one(worker: str) -> int | None:
    """Claim a job and run it to its end (done or failed); its id, or None when none was waiting."""
    job_id = claim(worker)
    if job_id is None:
        return None
    job = db.session.get(ExportJob, job_id)
    kind, params, locale = KINDS.get(job.kind), dict(job.params), job.locale
    progress = Progress(job_id, worker)
    try:
        with tempfile.TemporaryDirectory(prefix="shaodian-job-") as folder, force_locale(locale):
            if kind is None:
                raise LookupError(f"no job kind {job.kind}")
            path = Path(folder) / "file"
            with replica.reading():  # an export only reads: from the replica when there is one
                file_name, content_type = kind.run(params, progress, path)
            db.session.rollback()  # end the kind's reading transaction (and its cursor)
            _store_file(job_id, worker, path, file_name, content_type, progress.done)
    except Lost:
        db.session.rollback()
        log.info("Job %s was taken over by another worker", job_id)
    except Exception as error:  # a failed job says so on its page; the worker goes on with the next
        db.session.rollback()
        log.exception("Job %s failed", job_id)
        db.session.execute(update(ExportJob).where(ExportJob.id == job_id, ExportJob.worker == worker).values(
            status=JobStatus.failed, finished_at=utcnow(), error=str(error)[:500]))
        db.session.commit()
    return job_id


def _store_file(job_id: int, worker: str, path: Path, file_name: str, content_type: str, rows: int) -> None:
    """The file into export_chunk piece by piece, and the job done, in one transaction."""
    db.session.execute(delete(ExportChunk).where(ExportChunk.job_id == job_id))
    county_id = db.session.scalar(select(ExportJob.county_id).where(ExportJob.id == job_id))
    with path.open("rb") as file:
        seq = 0
        while piece := file.read(CHUNK_BYTES):
            db.session.execute(insert(ExportChunk), [{"job_id": job_id, "seq": seq, "data": piece,
                                                      "county_id": county_id}])
            seq += 1
    done = db.session.execute(update(ExportJob).where(
        ExportJob.id == job_id, ExportJob.worker == worker, ExportJob.status == JobStatus.running).values(
        status=JobStatus.done, finished_at=utcnow(), heartbeat_at=utcnow(), file_name=file_name,
        content_type=content_type, size=path.stat().st_size, rows_done=rows, rows_total=rows))
    if done.rowcount != 1:
        raise Lost(job_id)
    db.session.commit()


def run_pending(worker: str = "inline") -> list[int]:
    """Run every waiting job in this thread (`flask jobs run --once`, tests); the ids run."""
    ran = []
    while (job_id := run_one(worker)) is not None:
        ran.append(job_id)
    return ran


# ---- the file ------------------------------------------------------------------------------

def chunks(job_id: int) -> Iterator[bytes]:
    """The job's file, one piece (one query) at a time."""
    seq = 0
    while (piece := db.session.scalar(select(ExportChunk.data).where(
            ExportChunk.job_id == job_id, ExportChunk.seq == seq))) is not None:
        yield piece
        db.session.expire_all()
        seq += 1
