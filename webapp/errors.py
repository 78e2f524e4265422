"""Errors: the domain's RuleError, and the handlers that answer HTML or JSON (never a bare 500 page)."""
from __future__ import annotations

from flask import jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DataError
from werkzeug.exceptions import HTTPException

from .extensions import db


class RuleError(ValueError):
    """A request that breaks a rule of the domain; the message is shown to the user."""

    def __init__(self, message, field: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.field = field


class OutOfScope(RuleError):
    """The record or request names a person or unit outside the user's area."""


def wants_json() -> bool:
    return request.path.startswith("/api/")


def _answer(status: int, message: str):
    if wants_json():
        return jsonify(error=message, status=status), status
    return render_template("error.html", status=status, message=message), status


def register_error_handlers(app) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return _answer(400, _("The form expired or was sent from elsewhere. Reload the page and try again."))

    @app.errorhandler(HTTPException)
    def http_error(error):
        return _answer(error.code or 500, error.description if wants_json() else _describe(error.code))

    @app.errorhandler(DataError)
    def bad_value(error):
        # A value the database cannot hold (a NUL character, a number out of range) is bad input.
        db.session.rollback()
        return _answer(400, _("A value in the request cannot be stored (an invalid character or a number out of range)."))

    @app.errorhandler(Exception)
    def unexpected(error):
        db.session.rollback()
        app.logger.exception("Unhandled error on %s", request.path)
        return _answer(500, _("Something went wrong on the server. Nothing was changed; please try again."))


def _describe(code: int | None) -> str:
    messages = {
        400: _("The request could not be understood."),
        403: _("You do not have access to this page."),
        404: _("Not found, or not in your area."),
        405: _("This action is not allowed here."),
        413: _("The upload is too large."),
        429: _("Too many attempts. Please wait a few minutes and try again."),
    }
    return messages.get(code, _("Something went wrong."))
