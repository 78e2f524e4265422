"""Answers are compressed (issue 7.19): the field screens' first visit was 310 KB raw, 84 KB gzipped."""
from __future__ import annotations

import gzip

import brotli
import pytest


@pytest.mark.parametrize("path", ["/field/check", "/static/js/field/check.js", "/static/css/app.css", "/sw.js"])
def test_pages_scripts_and_styles_come_compressed(client, path):
    plain = client.get(path, headers={"Accept-Encoding": "identity"})
    packed = client.get(path, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert plain.status_code == packed.status_code == 200
    assert packed.headers["Content-Encoding"] == "br" and "Accept-Encoding" in packed.headers["Vary"]
    assert brotli.decompress(packed.get_data()) == plain.get_data()
    assert len(packed.get_data()) < len(plain.get_data()) / 2


def test_an_old_browser_gets_gzip_and_json_is_compressed_too(county, as_user):
    client = as_user("school_a1")
    answer = client.get("/api/v1/sync/pull", headers={"Accept-Encoding": "gzip"})
    assert answer.status_code == 200 and answer.headers["Content-Encoding"] == "gzip"
    assert b'"students"' in gzip.decompress(answer.get_data())
    page = client.get("/", headers={"Accept-Encoding": "gzip"})
    assert page.headers["Content-Encoding"] == "gzip" and "<h1>" in gzip.decompress(page.get_data()).decode()


def test_a_spreadsheet_is_not_compressed_again(county, as_user):
    answer = as_user("school_a1").get("/reports/ledger.xlsx", headers={"Accept-Encoding": "gzip, br"})
    assert answer.status_code == 200 and "Content-Encoding" not in answer.headers
