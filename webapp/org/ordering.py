"""The school's order of units, the same on every screen and in every export.

Names are compared by their numbers, Chinese or Arabic, not by code point: 一年级 … 六年级 (not
一, 三, 二, 五 …), 一(1)班, 一(2)班 … 一(10)班, 初一 before 初二, 东镇一小 before 东镇二小. A unit
below others is ordered by its ancestors first (`path_key`), so a township's classes come school
by school, grade by grade. Every sort of units goes through `unit_key` / `path_key` / `ordered_ids`,
or, in SQL (paged lists, exports), through `Unit.sort_key`: the same key written as text that sorts
byte-wise in the same order (`encoded`), kept by `refresh_sort_keys` when a unit is made, renamed or
moved.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import lru_cache

from sqlalchemy import select, update

from ..extensions import db
from .models import Unit

DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
UNITS = {"十": 10, "百": 100, "千": 1000}
NUMBER = re.compile(r"\d+|[零〇一二两三四五六七八九十百千]+")


def _chinese(numeral: str) -> int:
    """一 → 1, 十二 → 12, 二十 → 20, 一百零五 → 105, 二〇二六 → 2026 (digit by digit when there is no 十/百/千)."""
    if not any(ch in UNITS for ch in numeral):
        return int("".join(str(DIGITS[ch]) for ch in numeral))
    total, digit = 0, None
    for ch in numeral:
        if ch in UNITS:
            total += (1 if digit is None else digit) * UNITS[ch]
            digit = None
        else:
            digit = DIGITS[ch]
    return total + (digit or 0)


@lru_cache(maxsize=65536)
def unit_key(name: str) -> tuple:
    """The sort key of a unit's name: runs of text and numbers, numbers compared as numbers (kept: a
    county's 5,000 classes share a few dozen names, and every leaders' screen sorts them)."""
    parts: list[tuple] = []
    position = 0
    for match in NUMBER.finditer(name):
        if match.start() > position:
            parts.append((1, name[position:match.start()]))
        run = match.group()
        parts.append((0, int(run) if run.isdigit() else _chinese(run), run))
        position = match.end()
    if position < len(name):
        parts.append((1, name[position:]))
    return tuple(parts)


def path_key(path: str, names: Mapping[int, str]) -> tuple:
    """A unit's key under its ancestors: the keys of the names along its path ("/1/4/17/")."""
    return tuple(unit_key(names.get(int(part), "")) for part in path.strip("/").split("/") if part)


def encoded(key: tuple) -> str:
    """A `path_key` as text whose byte order is the key's order: ORDER BY Unit.sort_key in SQL.

    Each name part starts with \x02 and each name ends with \x01, so a unit sorts before those below
    it and a name before a longer one; numbers come before text and are compared zero-padded.
    """
    out = []
    for name in key:
        for part in name:
            out.append("\x020" + f"{part[1]:012d}" + part[2] if part[0] == 0 else "\x021" + part[1])
        out.append("\x01")
    return "".join(out)


def refresh_sort_keys(root: Unit) -> None:
    """Write `sort_key` for `root` and every unit below it (after it is made, renamed or moved)."""
    db.session.flush()
    rows = db.session.execute(select(Unit.id, Unit.path).where(Unit.path.startswith(root.path))).all()
    above = set(root.ancestor_ids)
    names = dict(db.session.execute(select(Unit.id, Unit.name).where(
        Unit.id.in_(above | {unit_id for unit_id, _ in rows}))).all())
    db.session.execute(update(Unit), [{"id": unit_id, "sort_key": encoded(path_key(path, names))}
                                      for unit_id, path in rows])
    db.session.expire(root, ["sort_key"])


def ordered_ids(units: Iterable[tuple[int, str]], names: Mapping[int, str]) -> list[int]:
    """The ids of (id, path) units in the school's order, tree order (a unit before those below it)."""
    return [unit_id for unit_id, path in sorted(units, key=lambda unit: (path_key(unit[1], names), unit[0]))]


def in_school_order(units: list) -> list:
    """Units (of any kinds) sorted in the school's order; the names above them read in one query."""
    above = {ancestor for unit in units for ancestor in unit.ancestor_ids} - {unit.id for unit in units}
    names = {unit.id: unit.name for unit in units}
    if above:
        names |= dict(db.session.execute(select(Unit.id, Unit.name).where(Unit.id.in_(above))).all())
    return sorted(units, key=lambda unit: (path_key(unit.path, names), unit.id))
