"""Real-browser tests: Playwright driving Debian's Chromium at phone size, against the app served
in a subprocess (tests/e2e/serve.py) that a test can stop and start again on the same database.
"""
from __future__ import annotations

import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "pass-1234"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """The app in its own process: start(), stop(), start() again on the same port and database."""

    def __init__(self, tmp_path: Path, template: Path):
        self.db = tmp_path / "e2e.sqlite"
        shutil.copyfile(template, self.db)
        self.log = tmp_path / "server.log"
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def start(self, *extra: str) -> None:
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "tests.e2e.serve", "--db", f"sqlite:///{self.db}", "--port", str(self.port),
                 *extra], cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
        self._wait_until_up()

    def _wait_until_up(self) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"the server stopped:\n{self.log.read_text()}")
            try:
                with urllib.request.urlopen(self.url + "/sw.js", timeout=5) as answer:
                    if answer.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.1)
        pytest.fail(f"the server did not start:\n{self.log.read_text()}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)
        self.process = None

    def query(self, sql: str, *params) -> list[tuple]:
        connection = sqlite3.connect(self.db)
        try:
            return connection.execute(sql, params).fetchall()
        finally:
            connection.close()

    def execute(self, sql: str, *params) -> None:
        connection = sqlite3.connect(self.db)
        try:
            connection.execute(sql, params)
            connection.commit()
        finally:
            connection.close()

    def scalar(self, sql: str, *params):
        return self.query(sql, *params)[0][0]


class Phone:
    """A phone-sized Chromium on a persistent profile: close() it and open() it again, storage kept."""

    def __init__(self, playwright, profile: Path):
        self.playwright, self.profile = playwright, profile
        self.context = None
        self.errors: list[str] = []

    def open(self):
        self.context = self.playwright.chromium.launch_persistent_context(
            str(self.profile), executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True,
            viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True,
            locale="zh-CN", timezone_id=os.environ["COUNTY_TIMEZONE"])  # the county's, see tests/conftest.py
        self.context.set_default_timeout(20000)
        page = self.context.pages[0] if self.context.pages else self.context.new_page()
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        # Chromium reports what the Content-Security-Policy refused on the console: any is a bug.
        page.on("console", lambda message: self.errors.append(message.text)
                if "Content Security Policy" in message.text else None)
        return page

    def close(self) -> None:
        if self.context:
            self.context.close()
            self.context = None


@pytest.fixture(scope="session")
def playwright():
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium; .ci/run does it)")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as instance:
        yield instance


@pytest.fixture(scope="session")
def county_database(tmp_path_factory) -> Path:
    """The small county, built once; every test's server starts on a copy of it."""
    from tests.e2e.serve import build_app
    from webapp.extensions import db

    path = tmp_path_factory.mktemp("county") / "county.sqlite"
    app = build_app(f"sqlite:///{path}", None)
    with app.app_context():
        db.engine.dispose()
    return path


@pytest.fixture
def server(tmp_path, county_database):
    server = Server(tmp_path, county_database)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def phone(playwright, tmp_path):
    phone = Phone(playwright, tmp_path / "profile")
    yield phone
    phone.close()
    assert not phone.errors, f"script errors on the page: {phone.errors}"


@pytest.fixture
def second_phone(playwright, tmp_path):
    """Another phone (its own storage): a colleague's, or the same user's second one."""
    phone = Phone(playwright, tmp_path / "second-profile")
    yield phone
    phone.close()
    assert not phone.errors, f"script errors on the page: {phone.errors}"


# ---- steps the tests share ---------------------------------------------------------------

def log_in(page, server: Server, username: str, next_path: str = "/field/check") -> None:
    page.goto(f"{server.url}/login?next={next_path}")
    page.fill("#login", username)
    page.fill("#password", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(f"**{next_path}")


def wait_until(page, expression: str, timeout: float = 20) -> None:
    """Until the expression (or function, maybe async) is true in the page. Not wait_for_function:
    its polling evaluates a string in the page, which the CSP (no 'unsafe-eval') rightly refuses."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            pytest.fail(f"still false after {timeout} s: {expression}")
        page.wait_for_timeout(50)


def wait_until_offline_ready(page) -> None:
    """The service worker controls the page (so the shell is cached) and the class list is pulled."""
    wait_until(page, "navigator.serviceWorker.controller !== null")
    page.wait_for_selector("#people li[data-id]")
    wait_until(page, "document.getElementById('sync-status').dataset.synced !== ''")


def pending(page) -> str:
    return page.get_attribute("#sync-status", "data-pending")


def idb_dump(page) -> dict:
    """Every store of the phone's database: {store: [values]} (meta as {key: value})."""
    return page.evaluate("""() => new Promise((resolve, reject) => {
        const open = indexedDB.open("shaodian");
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
            const db = open.result, names = [...db.objectStoreNames], out = {};
            const tx = db.transaction(names, "readonly");
            for (const name of names) {
                const store = tx.objectStore(name);
                const values = store.getAll(), keys = store.getAllKeys();
                tx.addEventListener("complete", () => {
                    out[name] = name === "meta"
                        ? Object.fromEntries(keys.result.map((k, i) => [k, values.result[i]])) : values.result;
                });
            }
            tx.oncomplete = () => { db.close(); resolve(out); };
        };
    })""")


def wait_until_synced(page, timeout: float = 20) -> None:
    """The phone's outbox is empty: every record saved so far was acknowledged by the server."""
    deadline = time.monotonic() + timeout
    while page.evaluate(OUTBOX_COUNT):
        if time.monotonic() > deadline:
            pytest.fail("the outbox was not synced")
        page.wait_for_timeout(100)


OUTBOX_COUNT = """() => new Promise((resolve, reject) => {
    const open = indexedDB.open("shaodian");
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
        const db = open.result, count = db.transaction("outbox").objectStore("outbox").count();
        count.onsuccess = () => { db.close(); resolve(count.result); };
    };
})"""


def save(page, button: str = "#save") -> None:
    """Tap the save button and wait until the records are on the phone."""
    page.locator("#saved").evaluate("(el) => { el.hidden = true; }")
    page.click(button)
    expect(page.locator("#saved")).to_be_visible()
