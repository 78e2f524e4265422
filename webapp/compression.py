"""Compressed answers (issue 7.19): Flask-Compress for pages, JSON and static files (webapp/assets.py
reads static files whole so that they are compressed too)."""
from __future__ import annotations

from flask import Flask

from .extensions import compress


def init_app(app: Flask) -> None:
    compress.init_app(app)
