"""The `notice_confirmation` record kind: a homeroom teacher passed a notice on to the class's parents group."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..errors import OutOfScope, RuleError
from ..extensions import db
from ..org.models import Unit, UnitKind
from ..org.scoping import scoped_by_id
from ..sync.registry import Field, Item, RecordKind, per_item, register
from .models import Notice, NoticeConfirmation

MAX_PARENTS = 500


def prepare_confirmations(batch, items: list[Item]) -> list:
    """One scope query for the classes, one for the notices, whatever the number of records."""
    classes = scoped_by_id(Unit, {i.data["class_id"] for i in items}, batch.user, columns=(Unit.kind, Unit.path))
    ids = {i.data["notice_id"] for i in items}
    notices = {n.id: n for n in db.session.execute(
        select(Notice.id, Notice.unit_id).where(Notice.id.in_(ids)))} if ids else {}

    def row(item: Item) -> dict:
        klass = classes.get(item.data["class_id"])
        if klass is None:
            raise OutOfScope(_l("Not in your area."), "class_id")
        if klass.kind is not UnitKind.klass:
            raise RuleError(_l("A notice is confirmed for a class."), "class_id")
        notice = notices.get(item.data["notice_id"])
        if notice is None or f"/{notice.unit_id}/" not in klass.path:
            raise RuleError(_l("This notice was not sent to this class."), "notice_id")
        return {NoticeConfirmation: {"record_id": item.id, "notice_id": notice.id, "class_id": klass.id,
                                     "parents_acknowledged": item.data["parents_acknowledged"], **batch.stamp(item)}}
    return per_item(items, row)


register(RecordKind(
    name="notice_confirmation",
    description="A homeroom teacher passed a notice on to the class's parents group (宣传), optionally "
                "with how many parents acknowledged it.",
    fields=(Field("notice_id", "integer", minimum=1), Field("class_id", "integer", minimum=1),
            Field("parents_acknowledged", "integer", required=False, nullable=True, minimum=0, maximum=MAX_PARENTS)),
    prepare=prepare_confirmations))
