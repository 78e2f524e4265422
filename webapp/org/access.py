"""Who may enter: the login guard in front of every page, and the role check for views."""
from __future__ import annotations

from functools import wraps

from flask import abort, jsonify, redirect, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from . import operations
from .models import ADMIN_ROLES, Role

# Who uses which screen (and sends its records, and reads the data behind it): one table that the
# menus, the field shells, the views and the pushes read (issue 7.17).
CHECKERS = (Role.school_admin, Role.homeroom_teacher, Role.teacher)  # the class health check
STAFF_HEALTH = (Role.county_admin, Role.township_admin, Role.school_admin)  # staff health data: leaders and above
STAFF_CHECKERS = (Role.school_admin,)  # the school's staff check (a phone at a school)
REPORTERS = (Role.school_admin, Role.homeroom_teacher)  # a class's or school's daily / zero report
REPORT_READERS = (*ADMIN_ROLES, Role.homeroom_teacher)  # a unit's day: completeness, reports, the ledger
STUDENT_CREATORS = ADMIN_ROLES  # adding a student (a homeroom teacher edits her class's students)
# A field shell opened by a role not listed shows a notice instead (static/js/field/app.js); the class
# check is everyone's with a roll (a volunteer has none: the screen says she has no one to check).
FIELD_SCREEN_ROLES = {
    "pwa.field_staff_check": STAFF_CHECKERS,
    "pwa.field_report": REPORTERS,
}
FIELD_TASK_ROLES = {**FIELD_SCREEN_ROLES, "pwa.field_check": CHECKERS}  # the tasks on the field home


def roles_text(roles) -> str:
    """For a data-roles attribute: "school_admin homeroom_teacher"."""
    return " ".join(role.value for role in roles)


# Endpoints anyone may open: the login page, static files, the PWA shell and volunteer links.
PUBLIC_ENDPOINTS = {"auth.login", "auth.set_language", "static", "pwa.manifest", "pwa.service_worker",
                    "pwa.offline",
                    # The sync API's description holds no user data; the service worker caches it
                    # before any login.
                    "sync.openapi"}
# pwa.*: the manifest, the service worker and the field screens' shells, which carry no user data
# (the service worker fetches them before anyone logs in; their data comes from the login-only API).
PUBLIC_PREFIXES = ("public.", "pwa.")


def init_login(app, login_manager) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in.")
    login_manager.session_protection = None  # sessions are server-side; a phone changes IP all day
    login_manager.user_loader(operations.load_session)
    login_manager.unauthorized_handler(_unauthorized)
    app.before_request(_guard)


def _is_public(endpoint: str | None) -> bool:
    return endpoint is None or endpoint in PUBLIC_ENDPOINTS or endpoint.startswith(PUBLIC_PREFIXES)


def _guard():
    """Every page needs a login, and an account with a temporary password changes it first."""
    if _is_public(request.endpoint):
        return None
    if not current_user.is_authenticated:
        return _unauthorized()
    if current_user.must_change_password and request.endpoint not in ("auth.change_password", "auth.logout"):
        if request.path.startswith("/api/"):
            return jsonify(error="password change required", status=403), 403
        return redirect(url_for("auth.change_password"))
    return None


def _unauthorized():
    if request.path.startswith("/api/"):
        return jsonify(error="not logged in", status=401), 401
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?") if request.method == "GET" else None))


def require_roles(*roles: Role):
    """Only these roles may use the view; anyone else gets 403."""
    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)
        return wrapped
    return decorator


admin_only = require_roles(*ADMIN_ROLES)
# People screens: admins manage, teachers read (and homeroom teachers edit) their own class.
people_readers = require_roles(*ADMIN_ROLES, Role.homeroom_teacher, Role.teacher)
people_editors = require_roles(*ADMIN_ROLES, Role.homeroom_teacher)
student_creators = require_roles(*STUDENT_CREATORS)
# A unit's day (counts, names of the abnormal, staff checks) is for the leaders and the class's own
# teacher; a subject teacher reads her own students' histories (people_readers, scoped).
report_readers = require_roles(*REPORT_READERS)
staff_health_readers = require_roles(*STAFF_HEALTH)
