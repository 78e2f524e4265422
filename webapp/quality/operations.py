"""The data-quality flags of an area over the last two weeks, and the "looked into" marks.

The checks of the window are read once (the current check per student, day and session, as the
reports count them), grouped per recorder (the account that saved them) and per class, and every
signal of `signals.py` runs on each group. A flag is something to look into, never a verdict; a
school admin or a township marks it "looked into" with a note, and the marks stay as a history.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

from flask_babel import gettext as _, lazy_gettext as _l
from sqlalchemy import select

from ..errors import RuleError
from ..extensions import db
from ..health.models import HealthCheck
from ..health.operations import expected_students, units_of_kind
from ..org.models import Unit, UnitKind, User, utcnow
from ..org.settings import county_id_of, county_zone, settings_for
from . import signals
from .models import QualityReview

WINDOW_DAYS = 14
AREA_KINDS = (UnitKind.township, UnitKind.school, UnitKind.grade, UnitKind.klass)

# What each signal means, in plain words; the figures fill them in.
TITLES = {
    "rounded": _l("Temperatures ending in .0 or .5"),
    "repeated": _l("One temperature written again and again"),
    "just_under": _l("Many readings just under the fever threshold"),
    "unvarying": _l("A child whose temperature never changes"),
    "identical_days": _l("The same whole-class submission day after day"),
    "same_time": _l("Saved at the same time every day"),
    "low": _l("Temperatures too low to be real"),
    "clock": _l("The phone's clock ahead of the server"),
    "before_day": _l("Checks recorded before the school day"),
}


@dataclass
class Flag:
    signal: str
    subject_kind: str  # "class" or "recorder"
    subject_id: int
    subject_name: str
    unit_id: int  # where the mark is kept (and scoped)
    figures: dict
    reviews: list[QualityReview] = field(default_factory=list)

    @property
    def title(self) -> str:
        return str(TITLES[self.signal])

    @property
    def explanation(self) -> str:
        return explain(self.signal, self.figures)

    @property
    def looked_into(self) -> QualityReview | None:
        return self.reviews[0] if self.reviews else None


def explain(signal: str, f: dict) -> str:
    """The flag in plain words: what was seen, and why it may (or may not) matter."""
    if signal == "rounded":
        return _("%(count)s of %(n)s temperatures end in .0 or .5. Read off a thermometer, about one in five "
                 "would; many more suggests numbers written from memory.", **f)
    if signal == "repeated":
        return _("%(value)s °C was written %(count)s times out of %(n)s temperatures. Real readings vary a little "
                 "from child to child and day to day.", **f)
    if signal == "just_under":
        return _("%(count)s of %(n)s temperatures lie just under the fever threshold of %(threshold)s °C. A fever "
                 "written down as just under it would look like this; so would a warm room.", **f)
    if signal == "unvarying":
        return _("%(children)s children had exactly the same temperature at each of at least %(checks)s checks.", **f)
    if signal == "identical_days":
        return _("The whole class's check was the same, student by student, on %(days)s days in a row.", **f)
    if signal == "same_time":
        words = _("the same second") if f["unit"] == "second" else _("the same minute")
        return _("The %(session)s check was saved at %(time)s (%(words)s) on %(days)s of %(of)s days. A person "
                 "saves at slightly different times; a copied or scripted entry does not.",
                 session=_("morning") if f["session"] == "morning" else _("noon"), words=words,
                 time=f["time"], days=f["days"], of=f["of"])
    if signal == "low":
        return _("%(count)s of %(n)s temperatures are below %(limit)s °C: a thermometer held too far, a cold "
                 "forehead, or a number typed wrong.", **f)
    if signal == "clock":
        return _("%(count)s checks carry a phone time after the server received them (up to %(minutes)s "
                 "minutes): the phone's clock runs ahead, so its times cannot be trusted.", **f)
    return _("%(count)s submissions were recorded before their school day began (before 05:00, or the day "
             "before): checks written in advance.", **f)


# ---- reading the checks --------------------------------------------------------------------

def _readings(area: Unit, start: date, end: date) -> list[tuple[int, int, signals.Reading]]:
    """(recorder, class, reading) of the current student checks of the window (one query)."""
    query = (select(HealthCheck.student_id, HealthCheck.unit_id, HealthCheck.user_id, HealthCheck.date,
                    HealthCheck.session, HealthCheck.present, HealthCheck.temperature, HealthCheck.recorded_at,
                    HealthCheck.received_at)
             .where(HealthCheck.unit_id.in_(units_of_kind(area, UnitKind.klass)),
                    HealthCheck.date.between(start, end), HealthCheck.student_id.is_not(None))
             .order_by(HealthCheck.effective_at, HealthCheck.received_at, HealthCheck.record_id))
    zone, current = county_zone(), {}
    for student, unit, user, day, session, present, temperature, recorded, received in db.session.execute(query):
        local = recorded.replace(tzinfo=timezone.utc).astimezone(zone).replace(tzinfo=None)
        current[(student, day, session)] = (user, unit, signals.Reading(
            student, day, session.value, present, temperature, recorded, received, local))
    return list(current.values())


def _class_signals(readings, size: int, threshold: float) -> dict:
    return {"rounded": signals.rounded(readings), "repeated": signals.repeated(readings, size),
            "just_under": signals.just_under(readings, threshold), "unvarying": signals.unvarying(readings),
            "identical_days": signals.identical_days(readings, size), "low": signals.low(readings)}


def _recorder_signals(readings, threshold: float) -> dict:
    return {"rounded": signals.rounded(readings), "just_under": signals.just_under(readings, threshold),
            "same_time": signals.same_time(readings), "low": signals.low(readings),
            "clock": signals.clock(readings), "before_day": signals.before_day(readings)}


def flags(area: Unit, end: date) -> list[Flag]:
    """Every flag of the area over the WINDOW_DAYS days up to `end`, class flags first, each with its marks."""
    start = end - timedelta(days=WINDOW_DAYS - 1)
    threshold = settings_for(county_id_of(area)).fever_threshold
    rows = _readings(area, start, end)
    per_class, per_user = {}, {}
    for user, unit, reading in rows:
        per_class.setdefault(unit, []).append(reading)
        per_user.setdefault(user, []).append((unit, reading))
    sizes = expected_students(list(per_class)) if per_class else {}
    names = _names(area, per_class, per_user)
    found = [Flag(signal, "class", unit, names["class"][unit][0], unit, figures)
             for unit, readings in per_class.items()
             for signal, figures in _class_signals(readings, sizes.get(unit, 0), threshold).items() if figures]
    for user, pairs in per_user.items():
        home = _home_unit(area, pairs)
        found += [Flag(signal, "recorder", user, names["recorder"].get(user, ("?",))[0], home, figures)
                  for signal, figures in _recorder_signals([r for _u, r in pairs], threshold).items() if figures]
    _attach_reviews(found)
    found.sort(key=lambda f: (f.subject_kind != "class", f.subject_name, f.signal))
    return found


def _home_unit(area: Unit, pairs) -> int:
    """Where a recorder's mark is kept: the class they recorded when only one, else the area."""
    units = {unit for unit, _r in pairs}
    return units.pop() if len(units) == 1 else area.id


def _names(area: Unit, per_class: dict, per_user: dict) -> dict:
    """The classes' names (after their school's in a township: it holds many 一(1)班) and the recorders'."""
    classes = db.session.execute(select(Unit.id, Unit.name, Unit.path).where(Unit.id.in_(list(per_class)))).all()
    schools = {}
    if area.kind is UnitKind.township:
        above = {int(i) for _id, _name, path in classes for i in path.strip("/").split("/")}
        schools = dict(db.session.execute(select(Unit.id, Unit.name).where(Unit.id.in_(above),
                                                                            Unit.kind == UnitKind.school)).all())
    users = db.session.execute(select(User.id, User.display_name).where(User.id.in_(list(per_user)))).all()

    def name(class_name: str, path: str) -> str:
        school = next((schools[int(i)] for i in path.strip("/").split("/") if int(i) in schools), None)
        return f"{school} {class_name}" if school else class_name
    return {"class": {uid: (name(class_name, path),) for uid, class_name, path in classes},
            "recorder": {uid: (name,) for uid, name in users}}


def _attach_reviews(found: list[Flag]) -> None:
    if not found:
        return
    query = (select(QualityReview).where(QualityReview.subject_id.in_({f.subject_id for f in found}))
             .order_by(QualityReview.reviewed_at.desc(), QualityReview.id.desc()))
    marks: dict[tuple, list] = {}
    for review in db.session.scalars(query):
        marks.setdefault((review.signal, review.subject_kind, review.subject_id), []).append(review)
    for flag in found:
        flag.reviews = marks.get((flag.signal, flag.subject_kind, flag.subject_id), [])


# ---- looked into ---------------------------------------------------------------------------

def mark_looked_into(unit: Unit, signal: str, subject_kind: str, subject_id: int, note: str, by: User) -> QualityReview:
    """Keep a "looked into" mark with its note (the unit was checked against the user's scope by the caller)."""
    if signal not in TITLES or subject_kind not in ("class", "recorder"):
        raise RuleError(_l("There is no such flag."), "signal")
    note = (note or "").strip()
    if not note:
        raise RuleError(_l("Say what you found: the note is what the mark is for."), "note")
    review = QualityReview(unit_id=unit.id, signal=signal, subject_kind=subject_kind, subject_id=subject_id,
                           note=note[:500], reviewed_by_id=by.id, reviewed_at=utcnow())
    db.session.add(review)
    db.session.flush()
    return review


def history(query) -> list[QualityReview]:
    """The marks of a scoped query, newest first."""
    return list(db.session.scalars(query.order_by(QualityReview.reviewed_at.desc(), QualityReview.id.desc()).limit(500)))
