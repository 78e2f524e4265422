"""Office screens of the hierarchy, people and accounts."""
from flask import Blueprint

bp = Blueprint("org", __name__)

for _endpoint in ("people", "staff_list", "units", "accounts"):
    bp.add_url_rule(f"/{_endpoint}", _endpoint, lambda: "todo")
