"""The sync API: session, push, pull, OpenAPI (issue 3)."""
from flask import Blueprint

bp = Blueprint("sync", __name__, url_prefix="/api/v1")
