"""The field screens' shells: the same page for everyone (no user data: the service worker caches it),
a label on every control, translatable, and light enough for a small data plan."""
from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

SHELLS = ["/field/", "/field/check", "/field/staff-check", "/field/report", "/field/outbox", "/offline"]
STATIC = Path(__file__).resolve().parents[2] / "static"


class Controls(HTMLParser):
    """The form controls of a page, the labels' `for`, and the controls wrapped in a label."""

    def __init__(self):
        super().__init__()
        self.controls, self.label_for, self.wrapped, self.buttons = [], set(), set(), []
        self._in_label, self._button = 0, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "label":
            self._in_label += 1
            if attrs.get("for"):
                self.label_for.add(attrs["for"])
        elif tag in ("input", "select", "textarea") and attrs.get("type") != "hidden":
            self.controls.append(attrs)
            if self._in_label:
                self.wrapped.add(id(attrs))
        elif tag == "button":
            self._button = {"attrs": attrs, "text": ""}

    def handle_endtag(self, tag):
        if tag == "label":
            self._in_label -= 1
        elif tag == "button" and self._button is not None:
            self.buttons.append(self._button)
            self._button = None

    def handle_data(self, data):
        if self._button is not None:
            self._button["text"] += data.strip()


def _parse(html: str) -> Controls:
    parser = Controls()
    parser.feed(html)
    return parser


@pytest.mark.parametrize("url", SHELLS)
def test_a_shell_is_public_and_the_same_for_everyone(url, client, county, as_user):
    anonymous = client.get(url)
    assert anonymous.status_code == 200
    assert anonymous.headers["Cache-Control"] == "no-cache"
    as_user("homeroom_a1")
    logged_in = client.get(url).get_data(as_text=True)
    assert logged_in == anonymous.get_data(as_text=True)
    for secret in ("homeroom_a1", "王老师", county.class_a1_1.name, county.students_a1_1[0].name, "csrf_token"):
        assert secret not in logged_in


@pytest.mark.parametrize("url", SHELLS)
def test_every_control_of_a_shell_has_a_label(url, client):
    page = _parse(client.get(url).get_data(as_text=True))
    for control in page.controls:
        assert control.get("id") in page.label_for or id(control) in page.wrapped or control.get("aria-label"), control
    for button in page.buttons:
        assert button["text"] or button["attrs"].get("aria-label"), button


@pytest.mark.parametrize("url", SHELLS)
def test_a_shell_speaks_the_users_language(url, client):
    client.set_cookie("lang", "en")
    english = client.get(url).get_data(as_text=True)
    assert '<html lang="en">' in english
    strings = json.loads(re.search(r'<script type="application/json" id="i18n">(.*?)</script>', english, re.S).group(1))
    assert strings["sync_now"] == "Sync now"
    client.set_cookie("lang", "zh")
    assert '<html lang="zh-Hans">' in client.get(url).get_data(as_text=True)


def test_the_office_pages_load_the_logout_guard_and_register_the_worker(client, county, as_user):
    as_user("school_a1")
    page = client.get("/").get_data(as_text=True)
    assert re.search(r'src="/static/[0-9a-f]{12}/js/office\.js"', page)
    assert 'id="i18n"' in page and "data-logout" in page
    office = (STATIC / "js" / "office.js").read_text()
    assert "guardLogout()" in office and "registerWorker()" in office


def _imports(path: Path) -> set[Path]:
    """Every module `path` imports statically, and theirs (a dynamic import() is loaded only on demand)."""
    found, todo = set(), [path]
    while todo:
        module = todo.pop()
        for name in re.findall(r'^(?:import|export)\b[^;]*?from "(\.[^"]+)";', module.read_text(), re.M | re.S):
            target = (module.parent / name).resolve()
            if target not in found:
                found.add(target)
                todo.append(target)
    return found


@pytest.mark.parametrize("screen", ["check", "report", "outbox-page", "home"])
def test_a_field_screen_stays_small(screen, client):
    """Cheap phones and small data plans: shell + CSS + every script it loads, before compression."""
    entry = [STATIC / "js" / "field" / "app.js", STATIC / "js" / "field" / f"{screen}.js"]
    scripts = set(entry).union(*(_imports(p) for p in entry))
    shell = {"check": "/field/check", "report": "/field/report", "outbox-page": "/field/outbox", "home": "/field/"}
    total = len(client.get(shell[screen]).data) + sum(p.stat().st_size for p in scripts) + \
        sum((STATIC / "css" / name).stat().st_size for name in ("app.css", "field.css"))
    assert total < 90_000, f"{screen}: {total} bytes"


def test_the_database_schema_lives_in_one_module():
    """Only db.js opens the database or names its stores."""
    for path in (STATIC / "js").rglob("*.js"):
        text = path.read_text()
        if path.name != "db.js":
            assert "indexedDB.open" not in text and "createObjectStore" not in text, path
