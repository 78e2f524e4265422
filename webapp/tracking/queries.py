"""What the tracking screens, the phones and other areas read: in bulk, one query per kind of thing.

Every read is limited to a unit's subtree (`scoping.subtree_ids`); views pass the user's scope.
A person is keyed ("student", id) or ("staff", id). `not_cleared_count(unit, day)` is what other
areas (the reopening plan) show.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import and_, func, or_, select

from ..extensions import db
from ..health.models import AbsenceReason, HealthCheck, abnormal_check
from ..org.models import Responsibility, Staff, Student, Unit
from ..org.scoping import subtree_ids
from ..org.settings import county_id_of
from . import operations as rules
from .models import (FollowUp, IllnessFollowUp, Isolation, IsolationChange, IsolationChangeKind, RiskArea,
                     Screening, ScreeningTrip, Subject, TrackingSettings)

CURRENT_LINK = Responsibility.valid_to.is_(None)  # a responsibility that holds today (ended ones are history)
SIGN_WINDOW_DAYS = 60  # illness signs older than this no longer open a case


def key_of(row) -> tuple[str, int]:
    return ("student", row.student_id) if row.student_id is not None else ("staff", row.staff_id)


def isolation_days(unit: Unit) -> int:
    """The county's isolation period."""
    saved = db.session.scalar(select(TrackingSettings.isolation_days)
                              .where(TrackingSettings.county_id == county_id_of(unit)))
    return saved or rules.DEFAULT_ISOLATION_DAYS


# ---- isolations ----------------------------------------------------------------------------

@dataclass
class IsolationView:
    row: Isolation
    state: rules.IsolationState
    followed: set = field(default_factory=set)  # the days with a follow-up

    @property
    def key(self):
        return key_of(self.row)


def isolations(where, open_only: bool = True) -> list[IsolationView]:
    """Isolations matching `where` (a clause on Isolation) with their changes and follow-up days: three queries."""
    query = select(Isolation).where(where)
    released = select(IsolationChange.isolation_id).where(IsolationChange.change == IsolationChangeKind.release)
    if open_only:
        query = query.where(Isolation.record_id.not_in(released))
    rows = list(db.session.scalars(query.order_by(Isolation.started_on, Isolation.record_id)))
    ids = [row.record_id for row in rows]
    changes, followed = defaultdict(list), defaultdict(set)
    if ids:
        for change in db.session.scalars(select(IsolationChange).where(IsolationChange.isolation_id.in_(ids))
                                         .order_by(IsolationChange.effective_at, IsolationChange.received_at)):
            changes[change.isolation_id].append(change)
        for isolation_id, day in db.session.execute(select(FollowUp.isolation_id, FollowUp.date)
                                                    .where(FollowUp.isolation_id.in_(ids)).distinct()):
            followed[isolation_id].add(day)
    return [IsolationView(row, state_of(row, changes[row.record_id]), followed[row.record_id]) for row in rows]


def state_of(row: Isolation, changes) -> rules.IsolationState:
    return rules.replay(row.started_on, row.last_exposure_on, row.period_days, row.planned_end_on, changes)


def open_isolations(unit: Unit) -> list[IsolationView]:
    return isolations(Isolation.unit_id.in_(subtree_ids(unit)))


def isolation_lists(unit: Unit, day: date, past_cutoff: bool) -> dict[str, list[IsolationView]]:
    """In isolation now, due for release today (or overdue), and not followed up yet today."""
    views = [v for v in open_isolations(unit) if v.state.started_on <= day]
    return {"now": views,
            "due": [v for v in views if v.state.end_on <= day],
            "no_followup": [v for v in views if day not in v.followed and v.state.end_on >= day]}


# ---- signs per person ----------------------------------------------------------------------

def _per_person(query) -> dict[tuple, date]:
    """{person key: value} of rows (student_id, staff_id, value)."""
    return {("student", s) if s is not None else ("staff", t): value for s, t, value in db.session.execute(query)}


def fevers(unit: Unit, day: date) -> dict[tuple, date]:
    """The last day with a fever at a check in the window, per person."""
    since = day - timedelta(days=rules.FEVER_WINDOW_DAYS - 1)
    return _per_person(select(HealthCheck.student_id, HealthCheck.staff_id, func.max(HealthCheck.date))
                       .where(HealthCheck.unit_id.in_(subtree_ids(unit)), HealthCheck.fever.is_(True),
                              abnormal_check(), HealthCheck.date >= since, HealthCheck.date <= day)
                       .group_by(HealthCheck.student_id, HealthCheck.staff_id))


def _trip_matches(unit: Unit, *columns):
    """Trips under `unit` inside the window of a risk area of the county: a later area matches old trips."""
    columns = columns or (ScreeningTrip.student_id, ScreeningTrip.staff_id, ScreeningTrip.to_on)
    return (select(*columns)
            .join(RiskArea, and_(RiskArea.county_id == county_id_of(unit),
                                 ScreeningTrip.place.contains(RiskArea.place),
                                 ScreeningTrip.to_on >= RiskArea.starts_on,
                                 or_(RiskArea.ends_on.is_(None), ScreeningTrip.from_on <= RiskArea.ends_on)))
            .where(ScreeningTrip.unit_id.in_(subtree_ids(unit))))


def people_per_area(unit: Unit) -> dict[int, int]:
    """{risk area: how many people under `unit` were there in its window} (any time, not only lately)."""
    person = func.coalesce(ScreeningTrip.student_id, -ScreeningTrip.staff_id)
    query = _trip_matches(unit, RiskArea.id, func.count(func.distinct(person))).group_by(RiskArea.id)
    return dict(db.session.execute(query).all())


def risk_trips(unit: Unit, day: date) -> dict[tuple, date]:
    """The last day in a risk area, per person back less than RISK_TRIP_DAYS ago."""
    matches = _trip_matches(unit).where(ScreeningTrip.to_on > day - timedelta(days=rules.RISK_TRIP_DAYS)).subquery()
    return _per_person(select(matches.c.student_id, matches.c.staff_id, func.max(matches.c.to_on))
                       .group_by(matches.c.student_id, matches.c.staff_id))


def screened(unit: Unit) -> set[tuple]:
    """The people with a screening of their own on file."""
    return set(_per_person(select(Screening.student_id, Screening.staff_id, func.max(Screening.date))
                           .where(Screening.unit_id.in_(subtree_ids(unit)), Screening.subject == Subject.self)
                           .group_by(Screening.student_id, Screening.staff_id)))


def _screened_where(unit: Unit, *where) -> set[tuple]:
    """The people with a screening under `unit` matching `where`: one query of two columns."""
    query = select(Screening.student_id, Screening.staff_id).where(Screening.unit_id.in_(subtree_ids(unit)), *where)
    return {("student", s) if s is not None else ("staff", t) for s, t in db.session.execute(query.distinct())}


def contacts(unit: Unit, day: date) -> set[tuple]:
    """People with contact history in a screening of the last 14 days (theirs or a household member's)."""
    return _screened_where(unit, Screening.contact_history.is_(True), Screening.date > day - timedelta(days=14),
                           Screening.date <= day)


def returning(unit: Unit, day: date) -> set[tuple]:
    """People whose planned return to the county is in the next RETURNING_DAYS days."""
    return _screened_where(unit, Screening.date >= day - timedelta(days=30),
                           Screening.planned_return_on >= day,
                           Screening.planned_return_on <= day + timedelta(days=rules.RETURNING_DAYS))


def illness_signs(unit: Unit, day: date) -> dict[tuple, date]:
    """The last fever or illness absence at a check, per person (what opens an illness case by itself)."""
    sign = or_(HealthCheck.fever.is_(True), HealthCheck.absence_reason == AbsenceReason.illness)
    return _per_person(select(HealthCheck.student_id, HealthCheck.staff_id, func.max(HealthCheck.date))
                       .where(HealthCheck.unit_id.in_(subtree_ids(unit)), sign, abnormal_check(),
                              HealthCheck.date >= day - timedelta(days=SIGN_WINDOW_DAYS), HealthCheck.date <= day)
                       .group_by(HealthCheck.student_id, HealthCheck.staff_id))


def illness_closings(unit: Unit) -> dict[tuple, date]:
    return _per_person(select(IllnessFollowUp.student_id, IllnessFollowUp.staff_id, func.max(IllnessFollowUp.date))
                       .where(IllnessFollowUp.unit_id.in_(subtree_ids(unit)), IllnessFollowUp.closed.is_(True))
                       .group_by(IllnessFollowUp.student_id, IllnessFollowUp.staff_id))


def open_illness_cases(unit: Unit, day: date) -> dict[tuple, date]:
    """{person: the last sign} of every open illness case: a sign newer than the last closing."""
    closings = illness_closings(unit)
    return {key: sign for key, sign in illness_signs(unit, day).items()
            if rules.illness_open([sign], [closings[key]] if key in closings else [])}


def illness_absences(unit: Unit, day: date) -> set[tuple]:
    """Students absent for illness on ILLNESS_ABSENCE_DAYS days or more of the last week."""
    query = (select(HealthCheck.student_id, HealthCheck.staff_id, func.count(func.distinct(HealthCheck.date)))
             .where(HealthCheck.unit_id.in_(subtree_ids(unit)), HealthCheck.absence_reason == AbsenceReason.illness,
                    abnormal_check(), HealthCheck.date > day - timedelta(days=7), HealthCheck.date <= day)
             .group_by(HealthCheck.student_id, HealthCheck.staff_id))
    return {key for key, days in _per_person(query).items() if days >= rules.ILLNESS_ABSENCE_DAYS}


# ---- tracked people and clearance -----------------------------------------------------------

@dataclass
class Tracked:
    key: tuple
    reasons: list = field(default_factory=list)
    isolation: IsolationView | None = None


def tracked(unit: Unit, day: date) -> dict[tuple, Tracked]:
    """Everyone under `unit` with a flag, and why (codes of rules.REASONS, in their order)."""
    people: dict[tuple, Tracked] = {}

    def flag(key, reason):
        people.setdefault(key, Tracked(key)).reasons.append(reason)

    for key in fevers(unit, day):
        flag(key, "fever")
    for key in contacts(unit, day):
        flag(key, "contact")
    for key in risk_trips(unit, day):
        flag(key, "risk_trip")
    for view in open_isolations(unit):
        flag(view.key, "isolation")
        people[view.key].isolation = view
    for key in returning(unit, day):
        flag(key, "returning")
    for key in illness_absences(unit, day):
        flag(key, "illness_absence")
    order = list(rules.REASONS)
    for person in people.values():
        person.reasons.sort(key=order.index)
    return people


def roll(unit: Unit) -> set[tuple]:
    """Every student and staff member on the roll under `unit` (volunteers are not screened for school)."""
    students = select(Student.id).where(Student.class_id.in_(subtree_ids(unit)), Student.active.is_(True))
    staff = select(Staff.id).where(Staff.unit_id.in_(subtree_ids(unit)), Staff.active.is_(True),
                                   Staff.is_volunteer.is_(False))
    return {("student", i) for i in db.session.scalars(students)} | {("staff", i) for i in db.session.scalars(staff)}


def clearance(unit: Unit, day: date, people: set[tuple] | None = None) -> dict[tuple, list[str]]:
    """{person: why not cleared (codes of rules.NOT_CLEARED), [] when cleared} for everyone on the roll."""
    people = roll(unit) if people is None else people
    isolation = {view.key: view.state for view in open_isolations(unit)}
    fever, trips, on_file = fevers(unit, day), risk_trips(unit, day), screened(unit)
    cases = open_illness_cases(unit, day)
    return {key: rules.not_cleared_reasons(isolation=isolation.get(key), today=day, fever_on=fever.get(key),
                                           risk_trip_to=trips.get(key), screened=key in on_file,
                                           followup_open=key in cases)
            for key in people}


@dataclass
class ClearanceSummary:
    """The clearance of a unit's roll in figures: on the roll, not cleared, and per reason (rules.NOT_CLEARED)."""

    total: int
    not_cleared: int
    counts: dict[str, int]


ROLL = {"student": (Student, Student.class_id, Screening.student_id, (Student.active.is_(True),)),
        "staff": (Staff, Staff.unit_id, Screening.staff_id, (Staff.active.is_(True), Staff.is_volunteer.is_(False)))}


def flagged_reasons(unit: Unit, day: date) -> dict[tuple, list[str]]:
    """{person: reasons} of the few with a sign under `unit` (isolation, fever, risk trip, open case),
    screening aside: small grouped queries, never the roll."""
    isolation = {view.key: view.state for view in open_isolations(unit)}
    fever, trips, cases = fevers(unit, day), risk_trips(unit, day), open_illness_cases(unit, day)
    found = {}
    for key in set(isolation) | set(fever) | set(trips) | set(cases):
        reasons = rules.not_cleared_reasons(isolation=isolation.get(key), today=day, fever_on=fever.get(key),
                                            risk_trip_to=trips.get(key), screened=True, followup_open=key in cases)
        if reasons:
            found[key] = reasons
    return found


def clearance_summary(unit: Unit, day: date, kinds: tuple[str, ...] = ("student", "staff")) -> ClearanceSummary:
    """The same figures as `clearance(unit, day)` counted in the database, set-wise: one query of counts
    over the roll (on it, and not screened: an indexed anti-join on the person's screenings), then the
    few with a sign looked up by id (primary key). Nothing of the size of the roll comes to Python."""
    flagged = flagged_reasons(unit, day)
    columns, signs = [], {}
    for kind in kinds:
        model, on_roll, screened_ = _roll_clauses(unit, kind)
        columns += [select(func.count(model.id)).where(on_roll).scalar_subquery(),
                    select(func.count(model.id)).where(on_roll, ~screened_).scalar_subquery()]
        ids = [key[1] for key in flagged if key[0] == kind]
        if ids:
            signs |= {(kind, i): was for i, was in db.session.execute(
                select(model.id, screened_).where(model.id.in_(ids), on_roll))}
    figures = db.session.execute(select(*columns)).one()
    counts = {code: 0 for code in rules.NOT_CLEARED}
    counts["no_screening"] = sum(figures[1::2])
    for key in signs:
        for code in flagged[key]:
            counts[code] += 1
    not_cleared = counts["no_screening"] + sum(1 for was_screened in signs.values() if was_screened)
    return ClearanceSummary(sum(figures[0::2]), not_cleared, counts)


def _roll_clauses(unit: Unit, kind: str):
    """(model, on the roll under `unit`, has a screening of their own under `unit`) for a kind of person."""
    model, place, person, active = ROLL[kind]
    screened_ = select(Screening.record_id).where(person == model.id, Screening.subject == Subject.self,
                                                  Screening.unit_id.in_(subtree_ids(unit))).exists()
    return model, and_(place.in_(subtree_ids(unit)), *active), screened_


def not_cleared_count(unit: Unit, day: date, kinds: tuple[str, ...] = ("student", "staff")) -> int:
    """How many students and staff under `unit` may not come back on `day` (for the reopening plan)."""
    return clearance_summary(unit, day, kinds).not_cleared


# ---- who answers for whom ------------------------------------------------------------------

def people_rows(keys) -> dict[tuple, object]:
    """The Student / Staff rows of these keys (with their unit), two queries."""
    students = {k[1] for k in keys if k[0] == "student"}
    staff = {k[1] for k in keys if k[0] == "staff"}
    rows = {}
    if students:
        rows.update({("student", s.id): s for s in db.session.scalars(select(Student).where(Student.id.in_(students)))})
    if staff:
        rows.update({("staff", s.id): s for s in db.session.scalars(select(Staff).where(Staff.id.in_(staff)))})
    return rows


def responsible(rows: dict[tuple, object]) -> dict[tuple, Staff]:
    """The staff member answering for each person: their own link (三包一 / 五包一), else the nearest unit's."""
    units = {key: (row.klass if key[0] == "student" else row.unit) for key, row in rows.items()}
    unit_ids = {i for unit in units.values() for i in unit.ancestor_ids}
    students = [k[1] for k in rows if k[0] == "student"]
    staff = [k[1] for k in rows if k[0] == "staff"]
    clauses = [Responsibility.unit_id.in_(unit_ids)] if unit_ids else []
    if students:
        clauses.append(Responsibility.student_id.in_(students))
    if staff:
        clauses.append(Responsibility.colleague_id.in_(staff))
    if not clauses:
        return {}
    links = list(db.session.execute(select(Responsibility, Staff).join(Staff, Staff.id == Responsibility.staff_id)
                                    .where(or_(*clauses), CURRENT_LINK).order_by(Responsibility.id)))
    direct, by_unit = {}, {}
    for link, person in links:
        if link.student_id is not None:
            direct.setdefault(("student", link.student_id), person)
        elif link.colleague_id is not None:
            direct.setdefault(("staff", link.colleague_id), person)
        else:
            by_unit.setdefault(link.unit_id, person)
    answer = {}
    for key, unit in units.items():
        nearest = next((by_unit[i] for i in reversed(unit.ancestor_ids) if i in by_unit), None)
        found = direct.get(key) or nearest
        if found is not None:
            answer[key] = found
    return answer


def responsible_keys(staff_id: int) -> set[tuple]:
    """The people a staff member answers for: students and colleagues linked to them, and everyone on the
    roll of the units they answer for."""
    links = list(db.session.scalars(select(Responsibility).where(Responsibility.staff_id == staff_id, CURRENT_LINK)))
    keys = {("student", l.student_id) for l in links if l.student_id} | \
        {("staff", l.colleague_id) for l in links if l.colleague_id}
    for link in links:
        if link.unit_id:
            keys |= roll(db.session.get(Unit, link.unit_id))
    return keys
