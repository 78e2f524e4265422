"""Page weight: what a phone downloads to open each field screen, the login page and the start page.

For each page: its HTML, the stylesheets and scripts it links (`<link rel=stylesheet>`,
`<script src>`), and every module those scripts import statically, followed transitively: raw
and gzip-compressed. `import("…")` loads a module only when the screen needs it: those are counted
apart (lazy). The depth is the longest chain of requests the browser makes one after the other
(HTML → app.js → sync.js → db.js is 4): on a slow link every level costs a round trip.

The service worker, installed on the first visit of a field screen, then downloads everything the
field screens need for offline use: that is the real first-visit cost, and it is measured too.
"""
from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from flask import url_for

from webapp.extensions import db
from webapp.pwa.routes import FIELD_SCREENS, precache_urls

from .common import Backend, bench_app, fresh_database, gzipped_size, kib, logged_in, request, table
from .county import generate

# A slow village link, for the estimate: 400 kbit/s down (Chrome's "Slow 3G") and 300 ms a round trip.
LINK_BITS_PER_S = 400_000
ROUND_TRIP_S = 0.3
STATIC_IMPORT = re.compile(r"""(?:^|[;\s])(?:import|export)\s+(?:[\w*${}\s,]*?\s*from\s*)?["']([^"']+)["']""",
                           re.MULTILINE)
DYNAMIC_IMPORT = re.compile(r"""\bimport\s*\(\s*["']([^"']+)["']\s*\)""")


@dataclass
class File:
    url: str
    raw: int
    gzip: int
    depth: int


@dataclass
class Page:
    """A page and the files it loads: `eager` at once, `lazy` when a dynamic import runs."""

    name: str
    url: str
    eager: dict[str, File] = field(default_factory=dict)
    lazy: dict[str, File] = field(default_factory=dict)

    def as_dict(self) -> dict:
        html = self.eager[self.url]
        assets = [f for f in self.eager.values() if f.url != self.url]
        raw, gz = sum(f.raw for f in self.eager.values()), sum(f.gzip for f in self.eager.values())
        return {"name": self.name, "url": self.url, "html_bytes": html.raw, "html_gzip": html.gzip,
                "assets_bytes": sum(f.raw for f in assets), "assets_gzip": sum(f.gzip for f in assets),
                "total_bytes": raw, "total_gzip": gz, "files": len(self.eager),
                "depth": max(f.depth for f in self.eager.values()),
                "lazy_bytes": sum(f.raw for f in self.lazy.values()),
                "lazy_gzip": sum(f.gzip for f in self.lazy.values()),
                "slow_link_s": round(slow_link_seconds(gz, max(f.depth for f in self.eager.values())), 1),
                "eager": sorted(f.url for f in assets), "lazy": sorted(self.lazy)}


def slow_link_seconds(gzip_bytes: int, depth: int) -> float:
    """A rough time to load on the slow link: the bytes, plus a round trip per level of the chain."""
    return gzip_bytes * 8 / LINK_BITS_PER_S + depth * ROUND_TRIP_S


class Links(HTMLParser):
    """The stylesheets and scripts a page loads."""

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and "stylesheet" in (attrs.get("rel") or "").split() and attrs.get("href"):
            self.urls.append(attrs["href"])
        elif tag == "script" and attrs.get("src"):
            self.urls.append(attrs["src"])


def run() -> dict:
    """Weigh every field screen, the login page and the start page, and the service worker's install."""
    with fresh_database(Backend("sqlite"), "weight") as url, bench_app(url) as app:
        generate(db.session, scale=0, days=1)
        with app.test_request_context():
            screens = [(endpoint.removeprefix("pwa."), url_for(endpoint)) for endpoint in FIELD_SCREENS]
            precache = precache_urls()
        anonymous, teacher = app.test_client(), logged_in(app, "teacher")
        pages = [weigh(app, anonymous, name, path) for name, path in screens]
        pages.append(weigh(app, anonymous, "login page", "/login"))
        pages.append(weigh(app, teacher, "start page (homeroom teacher)", "/"))
        return {"pages": [page.as_dict() for page in pages], "service_worker": install(app, anonymous, precache)}


def weigh(app, client, name: str, path: str) -> Page:
    """A page with the files it loads, followed breadth first (so each file gets its shortest chain)."""
    page = Page(name, path)
    queue = [(path, 1, False)]
    while queue:
        url, depth, lazy = queue.pop(0)
        if url in page.eager or (lazy and url in page.lazy):
            continue
        body = _fetch(app, client, url)
        (page.lazy if lazy else page.eager)[url] = File(url, len(body), gzipped_size(body), depth)
        queue.extend((child, depth + 1, lazy or child_lazy) for child, child_lazy in _children(url, body))
    for url in list(page.lazy):
        if url in page.eager:
            del page.lazy[url]  # also loaded at once by another module: already counted
    return page


def _children(url: str, body: bytes) -> list[tuple[str, bool]]:
    """(url, lazy) of what this HTML page or module loads; same-site files only."""
    text = body.decode("utf-8", "replace")
    if url.endswith(".js"):
        found = [(spec, False) for spec in STATIC_IMPORT.findall(text)]
        found += [(spec, True) for spec in DYNAMIC_IMPORT.findall(text)]
    elif url.endswith(".css"):
        return []
    else:
        parser = Links()
        parser.feed(text)
        found = [(href, False) for href in parser.urls]
    resolved = [(posixpath.normpath(urlsplit(urljoin(url, spec)).path), lazy) for spec, lazy in found]
    return [(path, lazy) for (path, lazy), (spec, _) in zip(resolved, found) if not urlsplit(spec).netloc]


def _fetch(app, client, url: str) -> bytes:
    response = request(app, client, "GET", url)
    if response.status_code != 200:
        raise RuntimeError(f"GET {url} answered {response.status_code}")
    return response.get_data()


def install(app, client, precache: list[str]) -> dict:
    """What the service worker downloads when it installs: itself, every precached URL, the OpenAPI schema."""
    urls = ["/sw.js", *precache, "/api/v1/openapi.json"]
    bodies = {url: _fetch(app, client, url) for url in urls}
    raw, gz = sum(len(b) for b in bodies.values()), sum(gzipped_size(b) for b in bodies.values())
    return {"files": len(urls), "total_bytes": raw, "total_gzip": gz,
            "slow_link_s": round(slow_link_seconds(gz, 2), 1),
            "largest": sorted(((len(b), url) for url, b in bodies.items()), reverse=True)[:5]}


def report(result: dict) -> str:
    rows = [[p["name"], p["url"], kib(p["html_bytes"]), kib(p["html_gzip"]), kib(p["assets_bytes"]),
             kib(p["assets_gzip"]), kib(p["total_bytes"]), kib(p["total_gzip"]), p["files"], p["depth"],
             kib(p["lazy_gzip"]), p["slow_link_s"]] for p in result["pages"]]
    sw = result["service_worker"]
    rows.append(["service worker install", f"{sw['files']} URLs", None, None, None, None, kib(sw["total_bytes"]),
                 kib(sw["total_gzip"]), sw["files"], 2, None, sw["slow_link_s"]])
    return table(f"Page weight, first visit (KiB; gzip level 6; est. s at {LINK_BITS_PER_S // 1000} kbit/s "
                 f"and {int(ROUND_TRIP_S * 1000)} ms per round trip)",
                 ["page", "url", "HTML", "HTML gz", "CSS+JS", "CSS+JS gz", "total", "total gz", "files", "depth",
                  "lazy gz", "est. s"], rows)
