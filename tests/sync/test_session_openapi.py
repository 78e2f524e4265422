"""GET /api/v1/session and GET /api/v1/openapi.json."""
from __future__ import annotations

import json

from webapp.sync import registry


def test_the_session_tells_the_phone_who_is_logged_in(county, as_user):
    response = as_user("homeroom_a1").get("/api/v1/session")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    body = response.get_json()
    assert body["user"] == {"id": county.users.homeroom_a1.id, "username": "homeroom_a1",
                            "display_name": "homeroom_a1", "role": "homeroom_teacher"}
    assert body["scope"] == {"id": county.class_a1_1.id, "name": "一(1)班", "kind": "class",
                             "label": "东镇 / 东镇一小 / 一年级 / 一(1)班"}
    assert isinstance(body["csrf_token"], str) and body["csrf_token"]
    assert isinstance(body["settings"], dict)
    assert "server_time" in body


def test_the_county_admins_scope_label_is_the_county(county, as_user):
    assert as_user("county").get("/api/v1/session").get_json()["scope"]["label"] == "测试县"


def test_the_openapi_document_describes_the_api_and_every_kind(client, county, note_kind):
    response = client.get("/api/v1/openapi.json")
    document = json.loads(response.get_data(as_text=True))
    assert document["openapi"].startswith("3.1")
    assert {"/api/v1/session", "/api/v1/sync/push", "/api/v1/sync/pull"} <= set(document["paths"])
    schemas = document["components"]["schemas"]
    for kind in registry.all_kinds():
        assert schemas[kind.name] == kind.schema()
    note = schemas["test_note"]
    assert note["required"] == ["student_id"] and note["additionalProperties"] is False
    assert note["properties"]["count"] == {"type": ["integer", "null"], "minimum": 0, "maximum": 10}
    assert note["properties"]["text"]["maxLength"] == 50
    assert "test_note" in schemas["Record"]["properties"]["kind"]["enum"]
    assert schemas["PushRequest"]["properties"]["records"]["maxItems"] == 500
    assert "413" in document["paths"]["/api/v1/sync/push"]["post"]["responses"]


def test_every_reference_to_a_schema_resolves(client, county, note_kind):
    document = client.get("/api/v1/openapi.json").get_json()
    text = json.dumps(document)
    refs = {part.split('"')[0] for part in text.split('"$ref": "#/components/schemas/')[1:]}
    assert refs and refs <= set(document["components"]["schemas"])


def test_a_nullable_choice_allows_null_in_its_schema():
    field = registry.Field("reason", "string", nullable=True, choices=("a", "b"))
    assert field.schema() == {"type": ["string", "null"], "enum": ["a", "b", None]}
    assert field.check(None) is None and field.check("c") is not None
