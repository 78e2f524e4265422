"""An entry's detail in the reader's language. The log stores a short fixed English phrase with the
figures in it ("tracked list: 27 people", "report 2026-12-03", "teacher: enabled"); the screen says it
in Chinese. A detail of no known shape (a file's name, a username) is shown as stored."""
from __future__ import annotations

import re

from flask_babel import gettext as _

from ..org.labels import role_label
from ..org.models import Role


def _role(value: str) -> str:
    try:
        return role_label(Role(value))
    except ValueError:
        return value


def _shapes():
    """(pattern, how to say it): read at each call, so the phrases are in the request's language."""
    return [
        (r"report (\d{4}-\d\d-\d\d)", lambda m: _("daily report of %(day)s", day=m[1])),
        (r"tracked list: (\d+) people", lambda m: _("tracked people list: %(n)s people", n=m[1])),
        (r"isolation lists: (\d+) people", lambda m: _("home isolation lists: %(n)s people", n=m[1])),
        (r"clearance list: (\d+) people", lambda m: _("return-to-school clearance: %(n)s people", n=m[1])),
        (r"tracking card", lambda m: _("the tracked person's page")),
        (r"created", lambda m: _("created")),
        (r"edited", lambda m: _("edited")),
        (r"(.+): enabled", lambda m: _("%(user)s: enabled", user=m[1])),
        (r"(.+): disabled", lambda m: _("%(user)s: disabled", user=m[1])),
        (r"(.+): by the server's operator", lambda m: _("%(user)s: by the server's operator", user=m[1])),
        (r"(.+): (\w+) @ (\w+) -> (\w+) @ (\w+)",
         lambda m: _("%(user)s: %(before)s (unit %(old)s) → %(after)s (unit %(new)s)",
                     user=m[1], before=_role(m[2]), old=m[3], after=_role(m[4]), new=m[5])),
        (r"add: (.+)", lambda m: _("added: %(name)s", name=m[1])),
        (r"remove: (.+)", lambda m: _("removed: %(name)s", name=m[1])),
        (r"students: (.+)", lambda m: _("students: %(file)s", file=m[1])),
        (r"staff: (.+)", lambda m: _("staff: %(file)s", file=m[1])),
        (r"(.+): (\w+)", lambda m: f"{m[1]}: {_role(m[2])}" if m[2] in Role.__members__ else m[0]),
    ]


def detail_text(detail: str | None) -> str:
    if not detail:
        return ""
    for pattern, say in _shapes():
        found = re.fullmatch(pattern, detail)
        if found:
            return say(found)
    return detail
