"""The history's CSV export never hands a spreadsheet a formula (issue 14, finding 7): a cell
starting with =, +, -, @, tab or CR gets a leading single quote (OWASP's CSV-injection
guidance), whichever column it is in."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client

from moderation.models import AuditEvent
from moderation.review import services as reviews
from tests.factories import make_moderator
from tests.test_reviews import queued_image

pytestmark = pytest.mark.django_db

PREFIXES = ["=", "+", "-", "@", "\t", "\r"]
PAYLOADS = {
    "=": "=cmd|' /C calc'!A0",
    "+": "+1+cmd|' /C calc'!A0",
    "-": "-2+3+cmd|' /C calc'!A0",
    "@": "@SUM(1+9)*cmd|' /C calc'!A0",
    "\t": "\t=1+1",
    "\r": "\r=1+1",
}


@pytest.fixture(autouse=True)
def _offline(offline_review: None) -> None:
    """No broker, and every image lands in the review band (tests/conftest.py)."""


def export_rows(query: str = "") -> list[list[str]]:
    client = Client()
    client.force_login(make_moderator())
    response = client.get(f"/review/history/?format=csv{query}")
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
    return list(csv.reader(io.StringIO(body, newline="")))


@pytest.mark.parametrize("prefix", PREFIXES)
def test_a_moderators_note_and_name_are_exported_as_text(prefix: str) -> None:
    payload = PAYLOADS[prefix]
    moderator = make_moderator(username=f"{prefix}mod")
    entry = queued_image()
    reviews.review_decide(
        review_id=entry.id, moderator=moderator, decision="reject", reason="spam", note=payload
    )

    rows = export_rows("&action=decision")

    assert len(rows) == 2
    header, row = rows
    assert row[header.index("note")] == "'" + payload
    assert row[header.index("actor")] == f"'{prefix}mod"


@pytest.mark.parametrize("prefix", PREFIXES)
def test_every_text_column_is_neutralised_and_harmless_cells_left_alone(prefix: str) -> None:
    payload = PAYLOADS[prefix]
    AuditEvent.objects.create(
        item_kind="image", actor_kind="machine", action="analysis", note="a = b, c - d"
    )
    AuditEvent.objects.create(
        item_kind=prefix + "k",
        actor_kind=prefix + "a",
        action=payload[:30],
        from_status=prefix + "f",
        to_status=prefix + "t",
        note=payload,
    )

    header, row, harmless = export_rows()  # newest first

    assert harmless[header.index("note")] == "a = b, c - d"
    assert harmless[header.index("actor")] == "machine"
    for column, value in zip(header, row, strict=True):
        if column in ("time", "item_id", "policy") or value == "":
            continue  # not text, or empty (the decision columns of an event that is none)
        assert value.startswith("'" + prefix), (column, value)
