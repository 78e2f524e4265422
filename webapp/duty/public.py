"""Volunteers' personal links: their shifts and roster without an account (issue 4)."""
from flask import Blueprint

bp = Blueprint("public", __name__, url_prefix="/v")
