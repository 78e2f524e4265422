"""Office screens of checkpoint duty (issue 4)."""
from flask import Blueprint

bp = Blueprint("duty", __name__)
