"""The person card (重点人员档案): everything tracked about one student or staff member, with the
office's forms for their records (the same records a phone pushes)."""
from __future__ import annotations

import uuid
from datetime import datetime

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import and_, select

from .. import audit
from ..extensions import db
from ..health.models import SYMPTOMS
from ..org.models import Role, Staff, Student, User
from ..org.scoping import get_scoped
from ..org.settings import county_zone, local_today
from . import forms, listing, queries
from .models import (ContactMethod, ContactType, Diagnosis, Health, IllnessFollowUp, Isolation, IsolationChangeKind,
                     Mood, Screening, ScreeningTrip, StatusChange, SupportFollowUp, Verification)
from .records import MANUAL_STATUSES
from . import bp
from .routes import readers

MODELS = {"student": Student, "staff": Staff}


def _person(kind: str, person_id: int):
    if kind not in MODELS:
        abort(404)
    person = get_scoped(MODELS[kind], person_id)
    keys = listing.visible_keys(current_user)
    if keys is not None and (kind, person.id) not in keys:
        abort(404)  # a subject teacher sees only the people they answer for
    return person


def can_read_support(user, key: tuple) -> bool:
    """心理疏导 is read by the school's leaders and the staff answering for the student, nobody else."""
    if user.role is Role.school_admin:
        return True
    return bool(user.staff_id) and key in queries.responsible_keys(user.staff_id)


def _of(model, key):
    column = model.student_id if key[0] == "student" else model.staff_id
    return column == key[1]


def _history(key, support: bool) -> dict:
    """The person's records, newest first (one query each)."""
    def newest(model, *order):
        return list(db.session.scalars(select(model).where(_of(model, key)).order_by(*order)))
    screenings = newest(Screening, Screening.date.desc(), Screening.effective_at.desc())
    trips = {}
    if screenings:
        for trip in db.session.scalars(select(ScreeningTrip).where(
                ScreeningTrip.screening_id.in_([s.record_id for s in screenings])).order_by(ScreeningTrip.position)):
            trips.setdefault(trip.screening_id, []).append(trip)
    history = {"screenings": screenings, "trips": trips,
               "isolations": queries.isolations(_of(Isolation, key), open_only=False),
               "statuses": newest(StatusChange, StatusChange.effective_at.desc()),
               "illness": newest(IllnessFollowUp, IllnessFollowUp.date.desc(), IllnessFollowUp.effective_at.desc()),
               "support": newest(SupportFollowUp, SupportFollowUp.date.desc()) if support else None}
    history["by"] = _who_recorded(history)
    return history


def _who_recorded(history: dict) -> dict[int, str]:
    """{user id: name} of everyone who recorded something on the card: who did what, when (one query)."""
    rows = [*history["screenings"], *history["statuses"], *history["illness"], *(history["support"] or [])]
    for view in history["isolations"]:
        rows += [view.row, *view.state.history]
    ids = {row.user_id for row in rows}
    return dict(db.session.execute(select(User.id, User.display_name).where(User.id.in_(ids))).all()) if ids else {}


CHOICES = {"health": Health, "contact_types": ContactType, "verifications": Verification, "changes": IsolationChangeKind,
           "methods": ContactMethod, "diagnoses": Diagnosis, "moods": Mood}


@bp.route("/person/<kind>/<int:person_id>", methods=["GET", "POST"])
@readers
def person(kind: str, person_id: int):
    person = _person(kind, person_id)
    key = (kind, person.id)
    support = kind == "student" and can_read_support(current_user, key)
    errors, posted = {}, None
    if request.method == "POST":
        posted = request.form.get("kind")
        errors = _save(posted, key, support)
        if not errors:
            flash(_("Saved."))
            return redirect(url_for("tracking.person", kind=kind, person_id=person.id))
    history = _history(key, support)
    audit.record("view_screening", subject=person, detail="tracking card")
    if history["isolations"]:
        audit.record("view_isolation", subject=person, detail="tracking card")
    db.session.commit()
    today = local_today()
    unit = person.klass if kind == "student" else person.unit
    tracked = queries.tracked(unit, today).get(key)
    reasons = queries.clearance(unit, today, {key})[key]
    return render_template("tracking/person.html", person=person, kind=kind, key=key, today=today,
                           tracked=tracked, not_cleared=reasons, history=history, support=support,
                           errors=errors, posted=posted, form=request.form, symptoms=SYMPTOMS,
                           statuses=MANUAL_STATUSES, choices=CHOICES,
                           responsible=queries.responsible(queries.people_rows({key})).get(key)), \
        (400 if errors else 200)


def _save(kind: str | None, key: tuple, support: bool) -> dict:
    """Push the posted record; {field: reason} when it was refused (nothing stored then)."""
    make = forms.FORMS.get(kind or "")
    if make is None or (kind == "support_followup" and not support):
        abort(400)
    try:
        data = make(request.form, forms.person_data(*key))
    except forms.FormError as error:
        return error.errors
    if kind in ("isolation_change", "isolation_followup") and not _isolation_of(key, data["isolation_id"]):
        return {"isolation_id": _("Not in your area.")}
    result = forms.record(current_user._get_current_object(), kind, data,
                          datetime.now(county_zone()).isoformat(timespec="seconds"))
    if result["status"] == "rejected":
        db.session.rollback()
        return result["errors"] or {"kind": _("Refused: a value is not valid.")}
    db.session.commit()
    return {}


def _isolation_of(key: tuple, isolation_id: str | None) -> bool:
    """The isolation named in the form is this person's (a form cannot reach someone else's)."""
    try:
        isolation_id = str(uuid.UUID(isolation_id or ""))
    except ValueError:
        return False
    return db.session.scalar(select(Isolation.record_id)
                             .where(and_(Isolation.record_id == isolation_id, _of(Isolation, key)))) is not None
