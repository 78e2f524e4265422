"""Bulk import of students and staff: template, upload, preview, confirm."""
from flask import Blueprint

bp = Blueprint("imports", __name__)

bp.add_url_rule("/import", "upload", lambda: "todo")
