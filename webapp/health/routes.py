"""Office screens of the health checks and daily reports (issue 3)."""
from flask import Blueprint

bp = Blueprint("health", __name__)
