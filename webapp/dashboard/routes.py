"""The start page: the user's part of the county at a glance; for admins, who has not reported today."""
from flask import Blueprint, render_template
from flask_login import current_user

from ..org.settings import local_today
from . import operations

bp = Blueprint("dashboard", __name__)
MISSING_SHOWN = 20  # the start page lists this many missing reports; the completeness page has them all


@bp.route("/")
def home():
    status = operations.completeness(current_user.scope, local_today()) if current_user.is_admin else None
    return render_template("dashboard/home.html", overview=operations.overview(current_user.scope),
                           status=status, limit=MISSING_SHOWN)
