"""Screening (摸排), risk areas, tracked people (重点人员), home isolation (居家隔离) with daily
follow-ups, illness and support follow-ups, and clearance to return (返校).

`bp` is the `tracking` blueprint of the office screens; the view modules (routes, person_views,
admin_views) register on it. The app factory imports them; nothing here imports them back.
"""
from flask import Blueprint

bp = Blueprint("tracking", __name__, url_prefix="/tracking")
