"""Command-line tasks: `flask seed-demo` and friends."""
from __future__ import annotations


def register_cli(app) -> None:
    pass
