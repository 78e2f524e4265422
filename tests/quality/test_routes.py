"""The data-quality screen: a flag with its explanation, the "looked into" mark and its history, in scope."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.health.helpers import at, check, push, record
from webapp.extensions import db
from webapp.org.settings import local_today
from webapp.quality.models import QualityReview


@pytest.fixture
def rounded_class(county):
    """Class 1-1 of 东镇一小: two weeks of checks, every temperature 36.0 or 36.5."""
    today = local_today()
    for offset in range(14):
        day = today - timedelta(days=offset)
        records = [record("health_check", check(s, session, day, temperature=(36.0, 36.5)[i % 2]),
                          at(7 if session == "morning" else 13, 10 + offset, day))
                   for i, s in enumerate(county.students_a1_1) for session in ("morning", "noon")]
        push(county.users.homeroom_a1, *records)
    return county


def test_the_school_sees_the_flag_explained_in_plain_words(rounded_class, as_user):
    page = as_user("school_a1").get("/quality").get_data(as_text=True)
    assert "体温末位为 .0 或 .5" in page
    assert "140 个体温中有 140 个末位是 .0 或 .5" in page
    assert "一(1)班" in page and "homeroom_a1" in page  # the class, and the recorder


def test_a_township_sees_which_schools_class_is_flagged(rounded_class, as_user):
    """A township holds many 一(1)班: its flag names the school before the class; a school's does not need to."""
    township = as_user("township_a").get("/quality").get_data(as_text=True)
    assert "班级: <a" in township and ">东镇一小 一(1)班</a>" in township
    assert ">一(1)班</a>" in as_user("school_a1").get("/quality").get_data(as_text=True)


def test_honest_classes_have_no_flag(county, as_user):
    assert "这两周没有需要核查的情况" in as_user("school_a1").get("/quality").get_data(as_text=True)


def test_looked_into_is_kept_with_its_note_in_the_history(rounded_class, as_user):
    client = as_user("school_a1")
    form = {"signal": "rounded", "subject_kind": "class", "subject_id": rounded_class.class_a1_1.id,
            "unit_id": rounded_class.class_a1_1.id, "note": "问过王老师：体温计只显示半度"}
    assert client.post("/quality/review", data=form).status_code == 302
    assert client.post("/quality/review", data={**form, "note": "换了体温计"}).status_code == 302
    page = client.get("/quality").get_data(as_text=True)
    assert "已核查" in page and "问过王老师：体温计只显示半度" in page and "换了体温计" in page
    history = client.get("/quality/history").get_data(as_text=True)
    assert history.index("换了体温计") < history.index("问过王老师")  # newest first, both kept
    assert "东镇一小 一(1)班" in history  # which school's 一(1)班
    assert db.session.scalar(select(db.func.count()).select_from(QualityReview)) == 2


def test_a_mark_needs_a_note_and_a_real_flag(rounded_class, as_user):
    client = as_user("school_a1")
    base = {"signal": "rounded", "subject_kind": "class", "subject_id": rounded_class.class_a1_1.id,
            "unit_id": rounded_class.class_a1_1.id}
    client.post("/quality/review", data={**base, "note": "  "})
    client.post("/quality/review", data={**base, "signal": "nonsense", "note": "x"})
    assert db.session.scalar(select(db.func.count()).select_from(QualityReview)) == 0


def test_flags_and_marks_stay_in_scope(rounded_class, as_user):
    client = as_user("school_b1")
    assert "一(1)班" not in client.get("/quality").get_data(as_text=True).replace("西镇一小", "")
    assert client.get(f"/quality?unit_id={rounded_class.class_a1_1.id}").status_code == 404
    form = {"signal": "rounded", "subject_kind": "class", "subject_id": rounded_class.class_a1_1.id,
            "unit_id": rounded_class.class_a1_1.id, "note": "x"}
    assert client.post("/quality/review", data=form).status_code == 404


def test_the_county_chooses_a_township_and_teachers_have_no_flags(county, as_user):
    assert "东镇" in as_user("county").get("/quality").get_data(as_text=True)
    assert as_user("homeroom_a1").get("/quality").status_code == 403


def test_the_command_view_says_how_many_flags_wait_to_be_looked_into(rounded_class, as_user):
    """Tapping down to a class, the officer sees that it has flags before she opens them."""
    import re
    client = as_user("county")
    klass = rounded_class.class_a1_1
    badge = re.compile(r'id="flags-to-look-into"[^>]*>(\d+)<')
    page = client.get(f"/command?unit_id={klass.id}").get_data(as_text=True)
    shown = int(badge.search(page).group(1))
    assert shown >= 1 and badge.search(client.get(f"/command?unit_id={rounded_class.school_a1.id}").get_data(as_text=True))
    assert not badge.search(client.get(f"/command?unit_id={rounded_class.township_a.id}").get_data(as_text=True))
    client.post("/quality/review", data={"signal": "rounded", "subject_kind": "class", "subject_id": klass.id,
                                         "unit_id": klass.id, "note": "问过王老师"})
    after = badge.search(client.get(f"/command?unit_id={klass.id}").get_data(as_text=True))
    assert (int(after.group(1)) if after else 0) == shown - 1
