"""The goals table: each figure a bench measured, next to its ceiling from the same run and its goal.

A bench that answers a goal has a `goals(results) -> list[dict]` function; each dict is one row:
`what`, `figure`, `ceiling` (from the same run, or None), `goal` (in words) and `met`. A new
bench adds its module to GOAL_BENCHES and nothing else changes.
"""
from __future__ import annotations

from . import phones, supplies
from .common import table

GOAL_BENCHES = {"phones": phones, "supplies": supplies}


def collect(results: dict) -> list[dict]:
    """The goal rows of every bench that ran."""
    rows = []
    for name, module in GOAL_BENCHES.items():
        if results.get(name):
            rows.extend(module.goals(results[name]))
    return rows


def report(rows: list[dict]) -> str:
    return table("Goals (issue 9): each figure next to its ceiling from the same run",
                 ["what", "figure", "ceiling", "goal", "met"],
                 [[r["what"], r["figure"], r["ceiling"], r["goal"], "yes" if r["met"] else "NO"] for r in rows])
