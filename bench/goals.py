"""The goals table: each figure a bench measured, next to its ceiling from the same run and its goal.

A bench that answers a goal has a `goals(results) -> list[dict]` function; each dict is one row:
`what`, `figure`, `ceiling` (from the same run, or None), `goal` (in words) and `met`. A new
bench adds its module to GOAL_BENCHES and nothing else changes.
"""
from __future__ import annotations

import os

from . import exports, leaders, phones, supplies
from .common import table

GOAL_BENCHES = {"phones": phones, "leaders": leaders, "supplies": supplies, "exports": exports}


def collect(results: dict) -> list[dict]:
    """The goal rows of every bench that ran (the county's day is set against the phones' ceiling)."""
    rows = []
    for name, module in GOAL_BENCHES.items():
        if not results.get(name):
            continue
        if module is leaders:
            rows.extend(leaders.goals(results[name], _ceiling_rate(results.get("phones") or [])))
        else:
            rows.extend(module.goals(results[name]))
    return rows


def _ceiling_rate(phone_results: list[dict]) -> float | None:
    """PostgreSQL's executemany rate of the phones bench, same run: the county's day at the database's pace."""
    return next((r["ceiling"]["records_per_s"] for r in phone_results if r["backend"] == "postgresql"), None)


def report(rows: list[dict], load: tuple | None = None) -> str:
    """The table; `load`: the machine's load averages at the start and the end (a shared machine is slower)."""
    title = "Goals (issue 9): each figure next to its ceiling from the same run"
    if load:
        title += f" (load average {load[0]} at the start, {load[1]} at the end, on {os.cpu_count()} CPUs)"
    return table(title, ["what", "figure", "ceiling", "goal", "met"],
                 [[r["what"], r["figure"], r["ceiling"], r["goal"], _met(r["met"])] for r in rows])


def _met(met: bool | None) -> str:
    return "-" if met is None else "yes" if met else "NO"
