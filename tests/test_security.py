"""Security headers on every answer, and templates a CSP without 'unsafe-inline' can run."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import make_test_app
from webapp.security import CSP

TEMPLATES = Path(__file__).resolve().parents[1] / "webapp" / "templates"


def assert_secure_headers(response) -> None:
    headers = response.headers
    assert headers["Content-Security-Policy"] == CSP
    assert "unsafe-inline" not in CSP and "unsafe-eval" not in CSP
    assert "frame-ancestors 'none'" in CSP and "script-src 'self'" in CSP and "style-src 'self'" in CSP
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] in ("same-origin", "no-referrer")


@pytest.mark.parametrize("path", ["/login", "/static/css/app.css", "/sw.js", "/manifest.webmanifest",
                                  "/api/v1/openapi.json", "/no-such-page", "/v/not-a-token"])
def test_every_kind_of_answer_carries_the_headers_to_anyone(client, path):
    with client.get(path) as response:
        assert_secure_headers(response)


def test_logged_in_pages_api_and_errors_carry_the_headers(county, as_user):
    client = as_user("school_a1")
    for path in ("/", "/people", "/api/v1/sync/pull", "/settings", "/api/v1/no-such-thing"):
        assert_secure_headers(client.get(path))
    assert_secure_headers(client.post("/logout"))


def test_a_500_carries_the_headers_too(app, client):
    @app.route("/boom-for-test")
    def boom():
        raise RuntimeError("boom")
    from webapp.org import access
    access.PUBLIC_ENDPOINTS.add("boom")
    try:
        response = client.get("/boom-for-test")
    finally:
        access.PUBLIC_ENDPOINTS.discard("boom")
    assert response.status_code == 500
    assert_secure_headers(response)


def test_hsts_only_behind_https_and_the_proxys_scheme_only_from_trusted_proxies(database_url):
    direct = make_test_app(database_url).test_client()
    assert "Strict-Transport-Security" not in direct.get("/login").headers
    assert "Strict-Transport-Security" in direct.get("/login", base_url="https://localhost").headers
    # Nobody can claim HTTPS (or an address) with a header unless a proxy is configured to be trusted.
    assert "Strict-Transport-Security" not in direct.get("/login", headers={"X-Forwarded-Proto": "https"}).headers

    proxied = make_test_app(database_url, TRUSTED_PROXIES=1).test_client()
    answer = proxied.get("/login", headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "10.1.2.3"})
    assert answer.headers["Strict-Transport-Security"].startswith("max-age=31536000")


INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I), "inline <script> code"),
    (re.compile(r"<style", re.I), "a <style> block"),
    (re.compile(r"\sstyle\s*=", re.I), "a style= attribute"),
    (re.compile(r"\son[a-z]+\s*=\s*[\"']", re.I), "an on*= handler"),
    (re.compile(r"javascript:", re.I), "a javascript: address"),
]


def test_no_template_holds_inline_code_or_style():
    """The CSP refuses them in the browser: JS goes to static/js/, CSS to static/css/."""
    found = [f"{path.relative_to(TEMPLATES)}:{number}: {what}"
             for path in TEMPLATES.rglob("*.html")
             for number, line in enumerate(path.read_text().splitlines(), 1)
             for pattern, what in INLINE if pattern.search(line)]
    assert found == []


def test_no_browser_test_waits_with_wait_for_function():
    """Playwright's wait_for_function polls by evaluating a string in the page, which the CSP (no
    'unsafe-eval') refuses as soon as the condition is not true at once: use conftest's wait_until."""
    e2e = Path(__file__).resolve().parent / "e2e"
    using = [path.name for path in e2e.glob("*.py") if "wait_for_function(" in path.read_text()]
    assert using == [], f"use tests.e2e.conftest.wait_until(page, expression) instead in {using}"
