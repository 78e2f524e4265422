"""The service worker: served from the root, never cached by the browser, versioned by the assets' content."""
from __future__ import annotations

import json
import re
import shutil

from tests.conftest import make_test_app
from webapp.pwa.routes import FIELD_SCREENS

VERSION = re.compile(r'const VERSION = "([0-9a-f]{12})";')


def _list(text: str, name: str) -> list[str]:
    return json.loads(re.search(rf"const {name} = (\[.*?\]);", text).group(1))


def _static_prefix(text: str) -> str:
    return json.loads(re.search(r"const STATIC = (\"[^\"]*\");", text).group(1))


def _version_of(app) -> str:
    return VERSION.search(app.test_client().get("/sw.js").get_data(as_text=True)).group(1)


def test_the_worker_is_served_from_the_root_and_always_checked_for_a_new_version(client):
    response = client.get("/sw.js")  # no login: the browser fetches it on its own
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "no-cache"
    assert "Service-Worker-Allowed" not in response.headers  # scope / comes from the path
    assert VERSION.search(response.get_data(as_text=True))


def test_it_precaches_every_field_screen_the_offline_page_and_every_asset(app, client):
    text = client.get("/sw.js").get_data(as_text=True)
    precache = _list(text, "PRECACHE")
    with app.test_request_context():
        from flask import url_for
        screens = [url_for(endpoint) for endpoint in FIELD_SCREENS]
    assert set(screens) <= set(precache) and set(screens) == set(_list(text, "SHELLS"))
    static = _static_prefix(text)
    assert re.fullmatch(r"/static/[0-9a-f]{12}/", static)
    assert {"/offline", "/manifest.webmanifest"} | {static + name for name in (
        "css/app.css", "css/field.css", "js/db.js", "js/sync.js", "js/field/app.js", "icons/icon-192.png")} <= set(precache)
    for url in precache:
        with client.get(url) as response:
            assert response.status_code == 200, url  # one missing file would fail every install
    assert not any(url.startswith("/api/") for url in precache)  # the data is never precached


def test_the_version_is_the_same_for_the_same_assets_whatever_the_language(app, client):
    first = _version_of(app)
    client.set_cookie("lang", "en")
    assert VERSION.search(client.get("/sw.js").get_data(as_text=True)).group(1) == first
    assert _version_of(make_test_app(app.config["SQLALCHEMY_DATABASE_URI"])) == first


def test_changing_one_asset_changes_the_version(app, tmp_path):
    static = tmp_path / "static"
    shutil.copytree(app.static_folder, static)
    deployed = make_test_app(app.config["SQLALCHEMY_DATABASE_URI"])
    deployed.static_folder = str(static)
    before = _version_of(deployed)

    (static / "css" / "field.css").write_text((static / "css" / "field.css").read_text() + "\n/* v2 */\n")
    redeployed = make_test_app(app.config["SQLALCHEMY_DATABASE_URI"])
    redeployed.static_folder = str(static)
    assert _version_of(redeployed) != before


def test_a_new_static_file_is_precached_and_changes_the_version(app, tmp_path):
    static = tmp_path / "static"
    shutil.copytree(app.static_folder, static)
    deployed = make_test_app(app.config["SQLALCHEMY_DATABASE_URI"])
    deployed.static_folder = str(static)
    before = _version_of(deployed)

    (static / "js" / "field" / "new-screen.js").write_text("export const x = 1;\n")
    redeployed = make_test_app(app.config["SQLALCHEMY_DATABASE_URI"])
    redeployed.static_folder = str(static)
    text = redeployed.test_client().get("/sw.js").get_data(as_text=True)
    assert _static_prefix(text) + "js/field/new-screen.js" in _list(text, "PRECACHE")
    assert VERSION.search(text).group(1) != before


def test_the_version_is_computed_once_per_process(app, client, monkeypatch):
    first = _version_of(app)
    monkeypatch.setattr("webapp.pwa.routes._hash_assets", lambda app: "0" * 12)
    assert _version_of(app) == first


def test_the_manifest_starts_on_the_field_screens(client):
    manifest = client.get("/manifest.webmanifest").get_json()
    assert manifest["start_url"] == "/field/" and manifest["scope"] == "/"
    for icon in manifest["icons"]:
        with client.get(icon["src"]) as response:
            assert response.status_code == 200


def test_the_offline_page_needs_no_login(client):
    assert client.get("/offline").status_code == 200
