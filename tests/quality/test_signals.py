"""Each signal trips on made-up data that has it, and stays quiet on honest data and under its guards."""
from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta, timezone

from tests.conftest import COUNTY_ZONE
from webapp.quality import signals
from webapp.quality.signals import Reading

START = date(2026, 3, 2)
CLASS = 30


def honest(days: int = 14, size: int = CLASS, seed: int = 1, sessions=("morning", "noon")) -> list[Reading]:
    """A class measured for real: temperatures around 36.5 with spread, saved at a different second each day."""
    rng, rows = random.Random(seed), []
    for d in range(days):
        day = START + timedelta(days=d)
        for session in sessions:
            hour = 7 if session == "morning" else 13
            moment = datetime.combine(day, time(hour, rng.randrange(20, 50), rng.randrange(60)))
            for student in range(1, size + 1):
                temperature = round(rng.gauss(36.5, 0.3), 1)
                rows.append(_reading(student, day, session, temperature, moment))
    return rows


def _reading(student, day, session, temperature, local, received_after=timedelta(minutes=3), present=True):
    utc = local.replace(tzinfo=COUNTY_ZONE).astimezone(timezone.utc).replace(tzinfo=None)
    return Reading(student, day, session, present, temperature, utc, utc + received_after, local)


def _with(rows, **change):
    return [Reading(**{**r.__dict__, **change}) for r in rows]


def _temps(rows, make):
    return [Reading(**{**r.__dict__, "temperature": make(i, r)}) for i, r in enumerate(rows)]


def test_honest_data_trips_no_signal():
    rows = honest()
    assert signals.rounded(rows) is None
    assert signals.repeated(rows, CLASS) is None
    assert signals.just_under(rows, 37.3) is None
    assert signals.unvarying(rows) is None
    assert signals.identical_days(rows, CLASS) is None
    assert signals.same_time(rows) is None
    assert signals.low(rows) is None
    assert signals.clock(rows) is None
    assert signals.before_day(rows) is None


def test_temperatures_ending_in_0_or_5():
    rows = _temps(honest(), lambda i, r: (36.0, 36.5, 37.0)[i % 3])
    assert signals.rounded(rows)["count"] == len(rows)
    assert signals.rounded(rows[:signals.MIN_READINGS - 1]) is None  # too few readings to say


def test_one_value_repeated():
    rows = _temps(honest(), lambda i, r: 36.6 if i % 4 else r.temperature)
    found = signals.repeated(rows, CLASS)
    assert found["value"] == 36.6 and found["count"] >= len(rows) * 0.75 - 1
    assert signals.repeated(rows, class_size=5) is None  # a class of five


def test_an_excess_just_under_the_threshold():
    rows = _temps(honest(), lambda i, r: 37.2 if i % 3 == 0 else r.temperature)
    assert signals.just_under(rows, 37.3)["count"] >= len(rows) // 3
    assert signals.just_under(rows, 38.0) is None  # the same readings are not "just under" 38.0


def test_a_child_whose_temperature_never_varies():
    rows = _temps(honest(), lambda i, r: 36.4 if r.student_id == 7 else r.temperature)
    assert signals.unvarying(rows) == {"children": 1, "checks": signals.UNVARYING_CHECKS}
    few = [r for r in rows if r.day < START + timedelta(days=4)]  # 8 checks: not enough to tell
    assert signals.unvarying(few) is None


def test_the_same_whole_class_submission_day_after_day():
    first_day = [r for r in honest() if r.day == START]
    copied = [Reading(**{**r.__dict__, "day": START + timedelta(days=d)}) for d in range(6) for r in first_day]
    assert signals.identical_days(copied, CLASS)["days"] == 6
    # A class reported "all normal" without temperatures every day is honest, not copied.
    assert signals.identical_days(_with(copied, temperature=None), CLASS) is None
    small = [r for r in copied if r.student_id <= 5]
    assert signals.identical_days(small, 5) is None  # a class of five


def test_saved_at_the_same_second_or_minute_every_day():
    rows = honest()
    scripted = [Reading(**{**r.__dict__, "local_recorded": datetime.combine(r.day, time(7, 30, 0) if r.session == "morning" else time(13, 1, 5))})
                for r in rows]
    found = signals.same_time(scripted)
    assert found["unit"] == "second" and found["days"] == 14
    minute = [Reading(**{**r.__dict__, "local_recorded": datetime.combine(r.day, time(7, 30, r.day.day % 60))})
              for r in rows if r.session == "morning"]
    assert signals.same_time(minute)["unit"] == "minute"
    # Single-session days: a morning at 07:30:00 and a noon at 07:30:00 of another day are never compared.
    mixed = [Reading(**{**r.__dict__, "session": "morning" if r.day.day % 2 else "noon",
                        "local_recorded": datetime.combine(r.day, time(7, 30, 0))})
             for r in honest(days=4, sessions=("morning",))]
    assert signals.same_time(mixed) is None


def test_implausibly_low_readings():
    rows = _temps(honest(), lambda i, r: 34.8 if i in (3, 50, 90) else r.temperature)
    assert signals.low(rows)["count"] == 3
    assert signals.low(_temps(honest(), lambda i, r: 35.2 if i in (3, 50) else r.temperature)) is None


def test_a_phone_clock_ahead_of_the_server():
    rows = honest()
    ahead = [Reading(**{**r.__dict__, "received_at": r.recorded_at - timedelta(minutes=45)}) if i < 40 else r
             for i, r in enumerate(rows)]
    assert signals.clock(ahead) == {"count": 40, "minutes": 45}
    # Synced days later (a village without signal) is honest: the phone's time is before the server's.
    late = [Reading(**{**r.__dict__, "received_at": r.recorded_at + timedelta(days=3)}) for r in rows]
    assert signals.clock(late) is None


def test_checks_dated_before_the_school_day():
    rows = honest()
    early = [Reading(**{**r.__dict__, "local_recorded": datetime.combine(r.day - timedelta(days=1), time(21, 0))})
             if r.day.day in (3, 4) and r.session == "morning" else r for r in rows]
    assert signals.before_day(early) == {"count": 2}
