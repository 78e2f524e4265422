"""The installable app: the web manifest (the service worker arrives with the offline issue)."""
from flask import Blueprint, jsonify, url_for
from flask_babel import gettext as _

bp = Blueprint("pwa", __name__)


@bp.route("/manifest.webmanifest")
def manifest():
    icon = lambda size: {"src": url_for("static", filename=f"icons/icon-{size}.png"),  # noqa: E731
                         "sizes": f"{size}x{size}", "type": "image/png", "purpose": "any maskable"}
    response = jsonify({
        "name": _("Shaodian epidemic reporting"), "short_name": _("Shaodian"),
        "start_url": url_for("dashboard.home"), "scope": "/", "display": "standalone",
        "background_color": "#f5f6f8", "theme_color": "#b42318", "lang": "zh-CN",
        "icons": [icon(192), icon(512)],
    })
    response.mimetype = "application/manifest+json"
    return response
