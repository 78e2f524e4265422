"""The installable app: the web manifest, the service worker, and the field screens' shells.

The shells carry no user data (their data comes from IndexedDB), so every visitor gets the same
page and the service worker can keep it for offline use. They are public for the same reason:
the service worker fetches them before anyone logs in; the data behind them needs a login.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

from flask import Blueprint, Flask, Response, current_app, jsonify, render_template, request, url_for
from flask_babel import force_locale, gettext as _, lazy_gettext as _l
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup

from ..assets import asset, static_version
from ..navigation import add_entry
from ..org.access import FIELD_SCREEN_ROLES, FIELD_TASK_ROLES, roles_text
from ..org.models import Role
from ..sync import registry
from .strings import strings_for

bp = Blueprint("pwa", __name__)

SW_SOURCE = Path(__file__).with_name("sw.js")
STATIC_DIRS = ("css", "js", "icons")  # everything the shells load, precached as one version
FIELD_SCREENS = ("pwa.field_home", "pwa.field_check", "pwa.field_staff_check", "pwa.field_report",
                 "pwa.field_outbox", "pwa.field_duty", "pwa.field_supplies", "pwa.field_notices",
                 "pwa.field_dashboard", "pwa.field_disinfection",
                 "pwa.field_reopening", "pwa.field_online", "pwa.field_tracking",
                 "pwa.field_training")
FIELD_ROLES = (Role.school_admin, Role.homeroom_teacher, Role.teacher, Role.volunteer)

add_entry("pwa.field_home", _l("Field screens"), FIELD_ROLES)


@bp.app_context_processor
def _strings():
    return {"pwa_strings": _strings_json}


def _strings_json(group: str) -> Markup:
    """The strings as JSON for a <script type="application/json">: safe in HTML, and the Chinese as
    UTF-8 (3 bytes a character) rather than \\u escapes (6): the field shells stay small."""
    return Markup(htmlsafe_json_dumps(strings_for(group), ensure_ascii=False))


@bp.route("/manifest.webmanifest")
def manifest():
    icon = lambda size: {"src": asset(f"icons/icon-{size}.png"),  # noqa: E731
                         "sizes": f"{size}x{size}", "type": "image/png", "purpose": "any maskable"}
    response = jsonify({
        "name": _("Shaodian epidemic reporting"), "short_name": _("Shaodian"),
        "start_url": url_for("pwa.field_home"), "scope": "/", "display": "standalone",
        "background_color": "#f5f6f8", "theme_color": "#b42318", "lang": "zh-CN",
        "icons": [icon(192), icon(512),
                  {"src": asset("icons/icon.svg"), "sizes": "any", "type": "image/svg+xml"}],
    })
    response.mimetype = "application/manifest+json"
    return response


# ---- the field screens' shells -----------------------------------------------------------

def _shell(template: str, **context) -> Response:
    roles = FIELD_SCREEN_ROLES.get(request.endpoint)
    response = Response(render_template(template, screen_roles=roles_text(roles) if roles else "",
                                        roles_of=lambda endpoint: roles_text(FIELD_TASK_ROLES[endpoint]),
                                        **context))
    # The service worker keeps the copy for offline use; the browser must not keep a stale one.
    response.headers["Cache-Control"] = "no-cache"
    response.vary.add("Cookie")  # the language
    return response


@bp.route("/field/")
def field_home():
    return _shell("field/home.html")


@bp.route("/field/check")
def field_check():
    return _shell("field/check.html", kind="health_check", collection="students", subject="student_id")


@bp.route("/field/staff-check")
def field_staff_check():
    return _shell("field/check.html", kind="staff_check", collection="staff", subject="staff_id")


@bp.route("/field/report")
def field_report():
    return _shell("field/report.html")


@bp.route("/field/outbox")
def field_outbox():
    return _shell("field/outbox.html")


@bp.route("/field/duty")
def field_duty():
    """On duty at a checkpoint (issue 4): static/js/field/duty.js, records through the outbox."""
    return _shell("field/duty.html")


@bp.route("/field/notices")
def field_notices():
    """Notices to pass on to the parents (issue 11): static/js/field/notices.js, confirmations through the outbox."""
    return _shell("field/notices.html")


@bp.route("/field/supplies")
def field_supplies():
    """A school's supplies ledger (物资台账), offline: static/js/field/supplies.js, through the outbox."""
    return _shell("field/supplies.html")


@bp.route("/field/dashboard")
def field_dashboard():
    """The last command view opened on this phone, offline (issue 11): static/js/field/last-dashboard.js."""
    return _shell("field/dashboard.html")


@bp.route("/field/disinfection")
def field_disinfection():
    """Disinfection of a school's or checkpoint's areas (消毒台账), offline: static/js/field/disinfection.js."""
    return _shell("field/disinfection.html")


@bp.route("/field/reopening")
def field_reopening():
    """The school's reopening plan (开学预案), offline: static/js/field/reopening.js, through the outbox."""
    return _shell("field/reopening.html")


@bp.route("/field/online")
def field_online():
    """A class's day of online learning (停课不停学), offline: static/js/field/online.js, through the outbox."""
    return _shell("field/online.html")


@bp.route("/field/tracking")
def field_tracking():
    """Follow-ups and screening (issue 8): static/js/field/tracking.js, records through the outbox."""
    return _shell("field/tracking.html")


@bp.route("/field/training")
def field_training():
    """A school's training session (培训台账), offline: static/js/field/training.js, through the outbox."""
    return _shell("field/training.html")


@bp.route("/offline")
def offline():
    return _shell("field/offline.html")


# ---- the service worker ------------------------------------------------------------------

def localized_urls() -> list[str]:
    """The pages whose text depends on the language: fetched again when the user switches."""
    return [url_for(endpoint) for endpoint in FIELD_SCREENS] + [url_for("pwa.offline"), url_for("pwa.manifest")]


def static_urls(app: Flask) -> list[str]:
    root = Path(app.static_folder)
    files = sorted(p for d in STATIC_DIRS if (root / d).is_dir() for p in (root / d).rglob("*") if p.is_file())
    return [asset(p.relative_to(root).as_posix()) for p in files]


def precache_urls() -> list[str]:
    return localized_urls() + static_urls(current_app)


def asset_version(app: Flask) -> str:
    """The content hash of every precached response (both languages), computed once per process."""
    state = app.extensions.setdefault("pwa", {})
    if "version" not in state:
        state["version"] = _hash_assets(app)
    return state["version"]


def _hash_assets(app: Flask) -> str:
    digest = hashlib.sha256(SW_SOURCE.read_bytes())
    client = app.test_client()
    for language in app.config["LANGUAGES"]:
        client.set_cookie("lang", language)
        for url in precache_urls():
            with client.get(url) as response:  # closes the static file it read
                if response.status_code != 200:
                    # A missing asset would make every phone's install fail: refuse to serve a worker.
                    raise RuntimeError(f"precached {url} answers {response.status_code}")
                digest.update(url.encode() + b"\0" + response.get_data() + b"\0")
    with force_locale("en"):
        schemas = {kind.name: kind.schema() for kind in registry.all_kinds()}
        digest.update(json.dumps(schemas, sort_keys=True, default=str).encode())
    return digest.hexdigest()[:12]


def render_worker(app: Flask) -> str:
    text = SW_SOURCE.read_text(encoding="utf-8")
    fields = {"__VERSION__": asset_version(app), "__PRECACHE__": json.dumps(precache_urls()),
              "__LOCALIZED__": json.dumps(localized_urls()),
              "__STATIC__": json.dumps(url_for("static", filename=f"{static_version(app)}/")),
              "__SHELLS__": json.dumps([url_for(e) for e in FIELD_SCREENS])}
    for placeholder, value in fields.items():
        text = text.replace(placeholder, value)
    return text


@bp.route("/sw.js")
def service_worker():
    response = Response(render_worker(current_app._get_current_object()), mimetype="text/javascript")
    # Served from the root so that its scope is the whole site; always checked for a new version.
    response.headers["Cache-Control"] = "no-cache"
    return response
