"""The pull in pages: never one huge answer, every item sent, and nothing lost to changes between pages
or to a sequence of pages cut off half way."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import update

from webapp.extensions import db
from webapp.org.models import Gender, Staff, Student, Unit, utcnow
from webapp.sync import reference

PAGE = 3


def pull(client, cursor: str | None = None) -> dict:
    """A pull as the phone asks for it: following pages (pages=1)."""
    response = client.get("/api/v1/sync/pull", query_string={"pages": "1", "cursor": cursor or ""})
    assert response.status_code == 200 and response.is_json
    return response.get_json()


class PhoneCopy:
    """What static/js/db.js keeps of the pulls: items by collection and id, merged page after page."""

    def __init__(self):
        self.items: dict[str, dict] = {}  # collection -> {id: (item, sequence)}
        self.cursor = None

    def apply(self, answer: dict) -> None:
        for name, items in answer["data"].items():
            kept = self.items.setdefault(name, {})
            for item in items:
                if item.get("active") is False:
                    kept.pop(item["id"], None)
                else:
                    kept[item["id"]] = (item, answer["sequence"] if answer["full"] else None)
            if answer["full"] and not answer["more"]:  # the last page of a full pull: what it did not send goes
                for ident in [i for i, (_item, seq) in kept.items() if seq != answer["sequence"]]:
                    del kept[ident]
        self.cursor = answer["cursor"]

    def ids(self, name: str) -> set:
        return set(self.items.get(name, {}))

    def names(self) -> dict:
        return {ident: item["name"] for ident, (item, _seq) in self.items.get("students", {}).items()}


def follow(client, phone: PhoneCopy, pages: list | None = None) -> PhoneCopy:
    """Pull page after page until the sequence is complete (as static/js/sync.js does)."""
    for _ in range(100):
        answer = pull(client, phone.cursor)
        if pages is not None:
            pages.append(answer)
        phone.apply(answer)
        if not answer["more"]:
            return phone
    raise AssertionError("the pages never ended")


@pytest.fixture
def small_pages(app):
    app.config["SYNC_PULL_PAGE_ITEMS"] = PAGE


@pytest.fixture
def school(county, small_pages, as_user):
    """The school admin of A1 (9 students, 2 staff, 2 classes), with the county as it stood yesterday."""
    yesterday = utcnow() - timedelta(days=1)
    for model in (Student, Staff):
        db.session.execute(update(model).values(updated_at=yesterday))
    db.session.execute(update(Unit).values(created_at=yesterday))
    db.session.commit()
    return as_user("school_a1")


def test_a_full_pull_comes_in_pages_and_sends_every_item_once(county, school):
    pages = []
    phone = follow(school, PhoneCopy(), pages)
    assert len(pages) > 3 and all(sum(map(len, p["data"].values())) <= PAGE for p in pages)
    assert [p["more"] for p in pages] == [True] * (len(pages) - 1) + [False]
    assert {p["sequence"] for p in pages} == {pages[0]["sequence"]} and all(p["full"] for p in pages)
    sent = [s["id"] for p in pages for s in p["data"]["students"]]
    assert sorted(sent) == sorted(s.id for s in county.students_a1_1 + county.students_a1_2)  # each once
    assert phone.ids("classes") == {county.class_a1_1.id, county.class_a1_2.id}
    assert all(set(p["data"]) == set(reference.collection_names()) for p in pages)


def test_changes_between_pages_reach_the_phone_by_the_next_pull(county, school, monkeypatch):
    monkeypatch.setattr(reference, "CURSOR_OVERLAP", timedelta(0))  # the sequence's own start must suffice
    students = sorted(county.students_a1_1 + county.students_a1_2, key=lambda s: s.id)
    phone, sent_ids = PhoneCopy(), set()
    while len(sent_ids) < 2:  # a few pages in: some students are on the phone, most not yet
        answer = pull(school, phone.cursor)
        phone.apply(answer)
        sent_ids |= {item["id"] for item in answer["data"]["students"]}
    sent = [s for s in students if s.id in sent_ids]
    assert answer["more"] and students[-1] not in sent
    sent[0].name, students[-1].name = "已发后改名", "未发先改名"
    sent[1].active, students[-2].active = False, False  # one already on the phone, one not yet sent
    newcomer = Student(class_id=county.class_a1_1.id, student_no="NEW1", name="插班生", gender=Gender.male,
                       birth_date=date(2015, 5, 5))
    db.session.add(newcomer)
    db.session.commit()
    follow(school, phone)  # the rest of this sequence
    follow(school, phone)  # and the next one, from the time the first began
    expected = {s.id: s.name for s in students + [newcomer] if s.active}
    assert phone.names() == expected


def test_a_sequence_cut_off_half_way_resumes_and_loses_nothing(county, school):
    phone = PhoneCopy()
    first = pull(school, None)
    phone.apply(first)
    second = pull(school, phone.cursor)  # the answer is lost on the way: the phone keeps its cursor
    again = pull(school, phone.cursor)
    assert again["data"] == second["data"] and again["more"] == second["more"]
    phone.apply(again)
    follow(school, phone)
    assert phone.ids("students") == {s.id for s in county.students_a1_1 + county.students_a1_2}


def test_a_full_pull_in_pages_drops_what_left_the_scope_only_at_its_end(county, school):
    phone = follow(school, PhoneCopy())
    gone = county.students_a1_2[0]
    gone.class_id = county.class_b1_1.id  # moved to another school: out of this scope, the phone is not told
    db.session.commit()
    full = PhoneCopy()
    full.items = {name: dict(items) for name, items in phone.items.items()}
    first = pull(school, None)
    full.apply(first)
    assert gone.id in full.ids("students")  # still shown while the pages come: nothing half-empty
    follow(school, full)
    assert gone.id not in full.ids("students") and len(full.ids("students")) == 8


def test_a_page_cursor_made_for_someone_else_starts_a_full_pull(county, school, as_user):
    page = pull(school, None)
    other = pull(as_user("school_b1"), page["cursor"])
    assert other["full"] is True and {s["id"] for s in other["data"]["students"]} <= {s.id for s in county.students_b1_1}


def test_an_app_from_before_paging_gets_everything_in_one_answer(county, school):
    """A phone still running the app cached before pages came would take a page for the whole list."""
    answer = school.get("/api/v1/sync/pull").get_json()
    assert answer["more"] is False and len(answer["data"]["students"]) == 9


def test_a_collection_without_paging_of_its_own_is_cut_into_pages(county, school):
    reference.register_collection("test_things", lambda user, since: [{"id": n} for n in range(7, 0, -1)])
    try:
        phone, pages = PhoneCopy(), []
        follow(school, phone, pages)
    finally:
        reference.unregister_collection("test_things")
    assert [t["id"] for p in pages for t in p["data"]["test_things"]] == list(range(1, 8))
