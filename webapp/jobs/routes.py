"""A user's background jobs: the page that follows one (progress, then the download), and the list."""
from __future__ import annotations

from urllib.parse import quote

from flask import Blueprint, Response, abort, jsonify, render_template, stream_with_context, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from .. import audit
from ..extensions import db
from ..org.access import people_readers
from ..org.models import Unit
from ..org.scoping import get_scoped
from . import operations
from .models import ExportJob, JobStatus

bp = Blueprint("jobs", __name__, url_prefix="/jobs")
STATUS_LABELS = {JobStatus.queued: _l("Waiting to start"), JobStatus.running: _l("Being prepared"),
                 JobStatus.done: _l("Ready"), JobStatus.failed: _l("Failed")}


def _mine(job_id: int) -> ExportJob:
    """The user's own job, its area still in the user's scope; 404 otherwise (never say it exists)."""
    job = db.session.get(ExportJob, job_id)
    if job is None or job.user_id != current_user.id:
        abort(404)
    get_scoped(Unit, job.unit_id)
    return job


@bp.context_processor
def _words():
    return {"status_labels": STATUS_LABELS, "JobStatus": JobStatus}


@bp.route("")
@people_readers
def index():
    return render_template("jobs/index.html", jobs=operations.recent(current_user))


@bp.route("/<int:job_id>")
@people_readers
def show(job_id: int):
    return render_template("jobs/show.html", job=_mine(job_id))


@bp.route("/<int:job_id>/status")
@people_readers
def status(job_id: int):
    job = _mine(job_id)
    return jsonify(status=job.status.value, label=str(STATUS_LABELS[job.status]), percent=job.percent,
                   rows_done=job.rows_done, rows_total=job.rows_total,
                   download=url_for("jobs.download", job_id=job.id) if job.status is JobStatus.done else None)


@bp.route("/<int:job_id>/download")
@people_readers
def download(job_id: int):
    job = _mine(job_id)
    if job.status is not JobStatus.done:
        abort(404)
    headers = {"Content-Disposition": f"attachment; filename*=UTF-8''{quote(job.file_name)}",
               "Content-Length": str(job.size)}
    audit.viewed("export", subject=job, detail=job.file_name)  # every download of the file, not only the first
    return Response(stream_with_context(operations.chunks(job.id)), mimetype=job.content_type, headers=headers)
