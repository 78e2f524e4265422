"""The start page: the user's part of the county at a glance."""
from flask import Blueprint, render_template
from flask_login import current_user

from . import operations

bp = Blueprint("dashboard", __name__)


@bp.route("/")
def home():
    return render_template("dashboard/home.html", overview=operations.overview(current_user.scope))
