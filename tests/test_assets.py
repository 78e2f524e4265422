"""Static files have long cache lifetimes by content hash (issue 7.19): pages name them at
/static/<hash of every file>/..., answered as immutable; the plain /static/... still answers (for
shells phones kept from before), but is revalidated every time."""
from __future__ import annotations

import re
import shutil

from tests.conftest import make_test_app

HASHED = re.compile(r'(?:src|href)="(/static/([0-9a-f]{12})/([^"]+))"')
IMMUTABLE = "public, max-age=31536000, immutable"


def _assets(client, page: str) -> dict[str, str]:
    """The static files a page names: their path under static/ -> the URL it uses."""
    html = client.get(page).get_data(as_text=True)
    return {name: url for url, _, name in HASHED.findall(html)}


def test_a_page_names_its_files_by_content_hash_and_they_are_kept_for_a_year(client):
    assets = _assets(client, "/field/check")
    assert {"css/app.css", "css/field.css", "js/field/app.js", "js/field/check.js"} <= set(assets)
    assert len({url.split("/")[2] for url in assets.values()}) == 1  # one version for the whole folder
    for name, url in assets.items():
        hashed = client.get(url)
        assert hashed.status_code == 200, url
        assert hashed.headers["Cache-Control"] == IMMUTABLE
        plain = client.get(f"/static/{name}")  # an old phone's cached shell still loads
        assert plain.status_code == 200 and plain.get_data() == hashed.get_data()
        assert "no-cache" in plain.headers["Cache-Control"] and "max-age=31536000" not in plain.headers["Cache-Control"]
        assert client.get(f"/static/{name}", headers={"If-None-Match": plain.headers["ETag"]}).status_code == 304


def test_the_scripts_relative_imports_stay_inside_the_version(client):
    """The field scripts import each other by relative name; each resolves to an immutable file."""
    url = _assets(client, "/field/check")["js/field/check.js"]
    source = client.get(url).get_data(as_text=True)
    imports = re.findall(r'from "(\.\.?/[^"]+)"', source)
    assert "../db.js" in imports
    base = url.rsplit("/", 1)[0]
    for name in imports:
        parts = (base + "/" + name).split("/")
        resolved = []
        for part in parts:
            if part == "..":
                resolved.pop()
            elif part != ".":
                resolved.append(part)
        answer = client.get("/".join(resolved))
        assert answer.status_code == 200 and answer.headers["Cache-Control"] == IMMUTABLE, name


def test_changing_a_file_changes_every_url_and_the_old_url_is_not_kept_for_a_year(app, tmp_path):
    static = tmp_path / "static"
    shutil.copytree(app.static_folder, static)
    deployed = make_test_app(app.config["SQLALCHEMY_DATABASE_URI"])
    deployed.static_folder = str(static)
    before = _assets(deployed.test_client(), "/field/check")

    (static / "css" / "field.css").write_text((static / "css" / "field.css").read_text() + "\n/* v2 */\n")
    redeployed = make_test_app(app.config["SQLALCHEMY_DATABASE_URI"])
    redeployed.static_folder = str(static)
    client = redeployed.test_client()
    after = _assets(client, "/field/check")
    assert before.keys() == after.keys() and before["css/field.css"] != after["css/field.css"]
    assert b"/* v2 */" in client.get(after["css/field.css"]).get_data()
    stale = client.get(before["css/field.css"])  # a page from before the deploy asks its old URL
    assert stale.status_code == 200 and b"/* v2 */" in stale.get_data()
    assert "no-cache" in stale.headers["Cache-Control"] and "immutable" not in stale.headers["Cache-Control"]


def test_the_manifest_and_office_pages_use_the_hashed_urls_too(client):
    icons = [icon["src"] for icon in client.get("/manifest.webmanifest").get_json()["icons"]]
    assert icons and all(re.fullmatch(r"/static/[0-9a-f]{12}/icons/icon[-\w]*\.(png|svg)", src) for src in icons)
    login = client.get("/login").get_data(as_text=True)
    assert not re.search(r'(?:src|href)="/static/(?![0-9a-f]{12}/)', login)  # no page names an unhashed file
    assert {"css/app.css", "css/office.css", "js/office.js"} <= set(_assets(client, "/login"))


def test_a_missing_file_is_404_under_either_url(client):
    assert client.get("/static/js/no-such.js").status_code == 404
    version = client.get("/field/check").get_data(as_text=True)
    hashed = HASHED.search(version).group(2)
    assert client.get(f"/static/{hashed}/js/no-such.js").status_code == 404
    assert client.get(f"/static/{hashed}/../webapp/config.py").status_code == 404
