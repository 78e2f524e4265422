"""Demo notices (宣传): the bureau's letter to every school's parents, passed on by part of the classes.

The county login published it yesterday afternoon, asking how many parents acknowledged; about
half the classes confirmed it last evening (the demo teacher's class has not: she confirms it on
/field/notices during a walk), each confirmation with its sync envelope as if a phone had sent it
(device "demo"), recorded by the nearest demo login above the class, as the demo's checks are.
"""
from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta, timezone
from types import SimpleNamespace

from sqlalchemy import func, select

from ..health.demo import _recorders  # the nearest demo login above a class, as its checks
from ..org.models import Student
from ..org.settings import county_zone, local_today
from ..sync.engine import content_hash
from ..sync.models import SyncRecord
from .models import Notice, NoticeConfirmation, NoticeKind

TITLE = "致全县中小学生家长的一封信：做好冬季疫情防控"
BODY = """各位家长：

冬季是呼吸道传染病的高发季节。为保护孩子和家人的健康，请配合学校做好以下几点：

一、每天早上出门前为孩子测量体温。体温达到 37.3 °C 或有咳嗽、咽痛、乏力等症状的，请不要送孩子上学，及时就医，并告知班主任。
二、孩子因病缺课的，请当天告诉班主任病因和就诊情况；痊愈返校时请带上就诊记录。
三、家庭成员从中高风险地区返回或有接触史的，请主动向社区和学校报告。
四、督促孩子勤洗手、常通风、戴口罩，少去人员密集的场所。

感谢您的理解和支持！

镇平县教育体育局"""
CONFIRMED_SHARE = 0.5


def seed_demo(session, county: SimpleNamespace, rng, today: date | None = None) -> None:
    """Add the bureau's letter and the classes' confirmations (flush, no commit)."""
    yesterday = (today or local_today()) - timedelta(days=1)
    zone = county_zone()
    published = datetime.combine(yesterday, time(15, 30), tzinfo=zone)
    notice = Notice(unit_id=county.county.id, kind=NoticeKind.letter, title=TITLE, body=BODY, ask_parents=True,
                    published_by_id=county.users["county"].id, published_at=_utc(published))
    session.add(notice)
    session.flush()
    sizes = dict(session.execute(select(Student.class_id, func.count()).group_by(Student.class_id)).all())
    by_class, teacher_class = _recorders(county), county.users["teacher"].scope_unit_id
    for klass in county.classes:
        if klass.unit.id == teacher_class or rng.random() >= CONFIRMED_SHARE:
            continue
        moment = published + timedelta(minutes=rng.randint(60, 330))
        parents = rng.randint(sizes.get(klass.unit.id, 0) * 2 // 3, sizes.get(klass.unit.id, 0))
        _confirmation(session, by_class[klass.unit.id], notice, klass.unit.id, parents, moment, rng)
    session.flush()


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(timezone.utc).replace(tzinfo=None)


def _confirmation(session, user, notice: Notice, class_id: int, parents: int, moment: datetime, rng) -> None:
    data = {"notice_id": notice.id, "class_id": class_id, "parents_acknowledged": parents}
    record_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
    recorded, received = _utc(moment), _utc(moment) + timedelta(minutes=rng.randint(1, 30))
    session.add(SyncRecord(id=record_id, kind="notice_confirmation", user_id=user.id, device_id="demo",
                           recorded_at=recorded, recorded_offset_minutes=int(moment.utcoffset().total_seconds() // 60),
                           received_at=received, content_hash=content_hash("notice_confirmation", moment, data),
                           data=data))
    session.flush()
    session.add(NoticeConfirmation(record_id=record_id, notice_id=notice.id, class_id=class_id,
                                   parents_acknowledged=parents, user_id=user.id, device_id="demo",
                                   recorded_at=recorded, received_at=received))
