"""The security headers on every answer, and the client's real address behind a reverse proxy.

Every answer (pages, the API, static files, errors) carries a Content-Security-Policy without
`unsafe-inline`: scripts and styles come only from this site's files (`static/js`, `static/css`),
never from inline `<script>` code, `style=` attributes or `on*=` handlers (`tests/test_security.py`
refuses them in templates). `<script type="application/json">` blocks are data, not code, and
stay. No page may be framed (`frame-ancestors 'none'`), no answer is sniffed into another type,
no address (with its tokens) leaks to another site, and behind HTTPS the browser is told to
stay on HTTPS (HSTS).

Behind nginx every request comes from 127.0.0.1: `TRUSTED_PROXIES` (the number of proxies in
front of the app, 0 by default: the forwarded headers are then ignored, nobody can forge them)
lets `ProxyFix` take the client's address and scheme from the last proxies' X-Forwarded-For and
X-Forwarded-Proto, so the login throttle counts real addresses and HSTS knows the scheme.
"""
from __future__ import annotations

from flask import Flask, request
from werkzeug.middleware.proxy_fix import ProxyFix

CSP = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",  # frame-ancestors for browsers older than CSP level 2
    # Same-site links keep their referrer (the "back" of a form); another site never sees our paths,
    # which may carry a volunteer's token. A page may ask for stricter (the volunteer page: no-referrer).
    "Referrer-Policy": "same-origin",
}


def init_app(app: Flask) -> None:
    proxies = int(app.config["TRUSTED_PROXIES"])
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)
    hsts = f"max-age={int(app.config['HSTS_SECONDS'])}; includeSubDomains"

    @app.after_request
    def security_headers(response):
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        if request.is_secure:
            response.headers.setdefault("Strict-Transport-Security", hsts)
        return response
