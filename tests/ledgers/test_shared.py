"""What the ledgers share is written once: the typed rows of synced records (sync.models.TypedRecord) and
the county's list screens to add and edit an item (common.item_views, ids through org.scoping)."""
from __future__ import annotations

import pytest

from webapp.extensions import db
from webapp.sync.models import RecordPart, TypedRecord


def test_every_ledger_row_of_a_synced_record_is_a_typed_record(app):
    tables = [m for m in db.Model.registry.mappers if m.class_.__module__.startswith("webapp.ledgers.")]
    typed = [m.class_ for m in tables if any(fk.column.table.name == "sync_record"
                                              for fk in m.local_table.foreign_keys)]
    assert len(typed) >= 5
    assert [c.__name__ for c in typed if not issubclass(c, TypedRecord)] == []
    parts = [m.class_ for m in tables if any(fk.column.name == "record_id" and fk.column.table.name != "sync_record"
                                             and fk.parent.primary_key for fk in m.local_table.foreign_keys)]
    assert len(parts) >= 3 and [c.__name__ for c in parts if not issubclass(c, RecordPart)] == []


@pytest.mark.parametrize("ledger", ["supplies", "reopening"])
def test_the_county_items_screens_are_one_helper_and_404_an_id_that_cannot_exist(app, county, as_user, ledger):
    view = app.view_functions[f"{ledger}.edit_item"]
    assert view.__wrapped__.__qualname__ == "item_views.<locals>.edit_item"
    client = as_user("county")
    for item_id in (0, 2**31, 2**63, 999999):
        assert client.get(f"/ledgers/{ledger}/items/{item_id}/edit").status_code == 404, item_id
    assert client.get(f"/ledgers/{ledger}/items/new").status_code == 200
    assert as_user("school_a1").get(f"/ledgers/{ledger}/items/new").status_code == 403
