"""Bulk import of students and staff: template, upload, preview, confirm, the new accounts once."""
from __future__ import annotations

import io
from datetime import date

from flask import Blueprint, flash, make_response, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import SelectChoice, SelectField

from .. import audit
from ..errors import RuleError
from ..database import committed
from ..extensions import db
from . import importer
from .access import admin_only

bp = Blueprint("imports", __name__)
SHOWN_ISSUES = 200  # a file with thousands of bad rows: the first ones tell what is wrong


class ImportForm(FlaskForm):
    kind = SelectField(_l("The file holds"), choices=[SelectChoice(importer.STUDENTS, _l("Students")),
                                                      SelectChoice(importer.STAFF, _l("Staff"))])
    file = FileField(_l("Spreadsheet (.xlsx or .csv)"), validators=[
        FileRequired(_l("Choose a file.")),
        FileAllowed(["xlsx", "csv"], _l("Upload an .xlsx or .csv file."))],
        render_kw={"accept": ".xlsx,.csv"})


def _no_store(response):
    # The pages carry personal data and passwords: no browser or proxy may keep a copy.
    response.headers["Cache-Control"] = "no-store"
    return response


def _upload_page(form: ImportForm, issues: list | None = None):
    issues = issues or []
    page = render_template("imports/upload.html", form=form, issues=issues[:SHOWN_ISSUES],
                           issue_count=len(issues))
    return _no_store(make_response(page))


@bp.route("/import", methods=["GET", "POST"])
@admin_only
def upload():
    """Choose a file; a valid one is kept under a token and previewed, an invalid one explained."""
    form = ImportForm()
    if not form.validate_on_submit():
        return _upload_page(form)
    filename, data = form.file.data.filename or "", form.file.data.read()
    try:
        plan = importer.plan_import(form.kind.data, filename, data, current_user)
    except RuleError as error:
        form.file.errors = [error.message]
        return _upload_page(form)
    if not plan.ok:
        return _upload_page(form, plan.issues)
    token = importer.keep_upload(current_user, form.kind.data, filename, data)
    page = render_template("imports/preview.html", plan=plan, token=token, filename=filename,
                           changes=plan.changes, shown=importer.PREVIEW_CHANGES)
    return _no_store(make_response(page))


@bp.route("/import/<token>/confirm", methods=["POST"])
@admin_only
def confirm(token: str):
    """Apply the kept file, checked once more against the database as it is now."""
    upload = importer.claim_upload(current_user, token)
    if upload is None or upload.kind == importer.ACCOUNTS:
        flash(_("This upload has expired or was already imported. Upload the file again."), "error")
        return redirect(url_for("imports.upload"))
    form = ImportForm(kind=upload.kind)
    try:
        plan, result = committed(lambda: _apply(upload))
    except RuleError as error:
        db.session.rollback()
        form.file.errors = [error.message]
        return _upload_page(form)
    finally:
        importer.discard_upload(token)
    if result is None:  # the database changed since the preview
        return _upload_page(form, plan.issues)
    download = importer.keep_accounts(current_user, result.accounts)
    return _no_store(make_response(render_template("imports/result.html", result=result, download=download)))


def _apply(upload: importer.Upload):
    """(plan, result): the plan made now, after any other import of the county, and applied if it can be."""
    importer.lock_imports(current_user)
    plan = importer.plan_import(upload.kind, upload.filename, upload.data, current_user)
    result = importer.apply_plan(plan) if plan.ok else None
    if result is not None:  # in the import's transaction: recorded exactly when it is applied
        audit.record("import", unit=current_user.scope, detail=f"{upload.kind}: {upload.filename}"[:300])
    return plan, result


@bp.route("/import/<token>/cancel", methods=["POST"])
@admin_only
def cancel(token: str):
    if importer.peek_upload(current_user, token):
        importer.discard_upload(token)
    flash(_("The import was cancelled; nothing was changed."))
    return redirect(url_for("imports.upload"))


@bp.route("/import/accounts/<token>", methods=["POST"])
@admin_only
def accounts(token: str):
    """The new accounts with their temporary passwords as .xlsx: one download, then the file is gone."""
    kept = importer.claim_upload(current_user, token, kind=importer.ACCOUNTS)
    if kept is None:
        flash(_("The list of new accounts can be downloaded only once, right after the import."), "error")
        return redirect(url_for("imports.upload"))
    importer.discard_upload(token)
    name = f"accounts-{date.today().isoformat()}.xlsx"
    audit.viewed("export", unit=current_user.scope, detail=name)
    return _no_store(send_file(io.BytesIO(kept.data), mimetype=importer.XLSX_TYPE, as_attachment=True,
                               download_name=name))


@bp.route("/import/template/<any(students, staff):kind>.<any(xlsx, csv):fmt>")
@admin_only
def template(kind: str, fmt: str):
    """The empty template with the column headers people already use."""
    if fmt == "csv":
        data, mimetype = importer.template_csv(kind), "text/csv"
    else:
        data, mimetype = importer.template_workbook(kind), importer.XLSX_TYPE
    name = f"{_('students') if kind == importer.STUDENTS else _('staff')}-template.{fmt}"
    return send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=name)
