"""Volunteers' personal links: their shifts and their checkpoints' rosters, without an account.

`/v/<token>` is open to whoever holds the token (endpoints `public.*` skip the login guard). The
token is signed with the app's secret and names a `VolunteerLink` row: a tampered token answers
404, an expired or revoked link 410, and neither shows anyone's data. Other people's phone
numbers are masked, except the shift leader's.

Offline: the page registers a small service worker of its own (`/v/sw.js`, scope `/v/`), which
answers `/v/…` pages network-first with a cache fallback, so a link opened once still reads
without signal. It is separate from the app's worker (scope `/`) on purpose: the more specific
scope wins for these pages, and the app's precache and update cycle stay untouched.
"""
from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, make_response, render_template, request, url_for
from flask_babel import gettext as _

from ..org.models import utcnow
from . import calendar, clock
from . import operations as ops
from .routes import day_label

bp = Blueprint("public", __name__, url_prefix="/v")

CACHE_NAME = "volunteer-pages-v1"  # not "shaodian-…": those are the app worker's own
PAGE_DAYS = 60  # how far ahead the page lists shifts
CALENDAR_PAST_DAYS, CALENDAR_DAYS = 7, 90


@bp.context_processor
def _helpers():
    return {"local": clock.to_local, "day_label": day_label, "mask_phone": ops.mask_phone}


def _private(response):
    # The token is the key: never in a shared cache, never sent on as a Referer, never indexed.
    response.headers["Cache-Control"] = "private, no-cache"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _refuse(link):
    """404 for a token we never signed, 410 for a link that expired or was withdrawn."""
    status = 404 if link is None else 410
    message = (_("This link does not open. Check that it was copied whole, or ask your township office.")
               if link is None else
               _("This link has expired or was withdrawn. Ask your township office for a new one."))
    return _private(make_response(render_template("public/gone.html", status=status, message=message), status))


def _scope() -> str:
    """The worker's scope: the folder of the personal pages (`/v/`), nothing else of the site."""
    return url_for("public.service_worker").rsplit("/", 1)[0] + "/"


@bp.route("/sw.js")
def service_worker():
    response = make_response(render_template("public/sw.js", cache_name=CACHE_NAME, scope=_scope()))
    response.mimetype = "text/javascript"
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.route("/<token>")
def volunteer(token: str):
    link = ops.find_link(token)
    if link is None or not ops.is_live(link):
        return _refuse(link)
    now = utcnow()
    shifts = ops.shifts_of(link.staff, now, now + timedelta(days=PAGE_DAYS))
    page = render_template("public/volunteer.html", person=link.staff, link=link, token=token, shifts=shifts,
                           rosters=ops.rosters_for(shifts), generated=clock.local_now(), cache_name=CACHE_NAME,
                           sw_scope=_scope())
    return _private(make_response(page))


@bp.route("/<token>/shifts.ics")
def calendar_feed(token: str):
    link = ops.find_link(token)
    if link is None or not ops.is_live(link):
        return _private(make_response(_("This link has expired or was withdrawn."), 404 if link is None else 410))
    now = utcnow()
    shifts = ops.shifts_of(link.staff, now - timedelta(days=CALENDAR_PAST_DAYS), now + timedelta(days=CALENDAR_DAYS))
    response = make_response(calendar.shifts_calendar(link.staff, shifts, request.host.split(":")[0]))
    response.mimetype = "text/calendar"
    response.headers["Content-Disposition"] = 'inline; filename="shifts.ics"'
    return _private(response)
