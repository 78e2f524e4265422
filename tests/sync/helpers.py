"""Builders for sync tests: records of the test-only kind `test_note`, and a push."""
from __future__ import annotations

import uuid

DEVICE = "3f0c9a52-7d1e-4c8b-9e2a-5b6d7c8e9f01"
RECORDED_AT = "2026-03-02T07:41:09+08:00"


def note(student_id: int, text: str | None = None, **overrides) -> dict:
    """One push envelope of kind test_note about a student."""
    record = {"id": str(uuid.uuid4()), "kind": "test_note", "recorded_at": RECORDED_AT,
              "data": {"student_id": student_id, "text": text}}
    record.update(overrides)
    return record


def push(client, records: list, device_id: str = DEVICE, **headers):
    return client.post("/api/v1/sync/push", json={"device_id": device_id, "records": records}, headers=headers)


def statuses(response) -> list[tuple[str, str | None]]:
    return [(r["status"], r["code"]) for r in response.get_json()["results"]]
