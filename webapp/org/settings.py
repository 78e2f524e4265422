"""The county's settings (fever threshold, report cut-off, field login length) and their screen."""
from flask import Blueprint

bp = Blueprint("settings", __name__)
