"""Appeals through the API and the pages: the submitter's endpoints and forms, the moderators'
queue, item page and verdicts, the policy's appeal SLA and the stats page's overturn rate."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from feedback.models import Feedback
from moderation.appeals import services as appeals
from moderation.appeals.models import Appeal, AppealState
from moderation.models import AuditEvent, ImageUpload, ItemStatus, Policy
from tests.factories import make_moderator, make_user, signed_in, token_header
from tests.test_appeals import machine_rejected_feedback, owner_of, rejected_image
from tests.test_policy_admin import PROPOSE, form_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _offline(offline_review: None) -> None:
    """No broker, and every image lands in the review band (tests/conftest.py)."""


def post_json(client: Client, path: str, data: object) -> Any:
    return client.post(path, json.dumps(data), content_type="application/json")


# --- The submitter's API -----------------------------------------------------------------------


def test_the_owner_appeals_through_the_api_once() -> None:
    image = rejected_image()
    client = Client(HTTP_AUTHORIZATION=token_header(owner_of(image)))
    path = f"/api/v1/images/{image.id}/appeal/"

    response = post_json(client, path, {"message": "It is a water pistol."})

    assert response.status_code == 201
    body = response.json()
    assert body["state"] == "open" and body["message"] == "It is a water pistol."
    assert set(body) == {"id", "state", "message", "created_at", "handled_at", "note"}
    detail = client.get(f"/api/v1/images/{image.id}/").json()
    assert detail["appeal"]["state"] == "open"
    listed = client.get("/api/v1/images/").json()["results"]
    assert [row["appeal"]["id"] for row in listed] == [body["id"]]

    again = post_json(client, path, {"message": "Please!"})
    assert again.status_code == 409
    assert "already been appealed" in again.json()["detail"]
    assert Appeal.objects.count() == 1


def test_the_api_refuses_an_item_that_is_not_rejected_with_409() -> None:
    image = rejected_image()
    ImageUpload.objects.filter(id=image.id).update(status=ItemStatus.APPROVED)
    client = Client(HTTP_AUTHORIZATION=token_header(owner_of(image)))
    response = post_json(client, f"/api/v1/images/{image.id}/appeal/", {"message": "Hm."})
    assert response.status_code == 409
    assert not Appeal.objects.exists()


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"message": "x" * 2001}, "message is 2001 characters; the limit is 2000 characters"),
        ({}, "This field is required."),
        ({"message": 12}, "message must be text"),
        (["message"], 'expected a JSON object: {"message": "…"}'),
    ],
)
def test_bad_input_is_a_400_naming_the_field(data: object, expected: str) -> None:
    image = rejected_image()
    client = Client(HTTP_AUTHORIZATION=token_header(owner_of(image)))
    response = post_json(client, f"/api/v1/images/{image.id}/appeal/", data)
    assert response.status_code == 400
    assert response.json() == {"message": [expected]}
    assert not Appeal.objects.exists()


def test_another_user_and_a_moderator_get_404() -> None:
    image = rejected_image()
    for user in (make_user(), make_moderator()):
        client = Client(HTTP_AUTHORIZATION=token_header(user))
        response = post_json(client, f"/api/v1/images/{image.id}/appeal/", {"message": "Hi"})
        assert response.status_code == 404
    assert not Appeal.objects.exists()


def test_an_anonymous_sender_appeals_their_feedback_from_their_session() -> None:
    sender = Client()
    created = sender.post("/api/v1/feedback/", {"text": "Elendig service."}, "application/json")
    feedback_id = created.json()["id"]
    Feedback.objects.filter(id=feedback_id).update(status=ItemStatus.REJECTED, decided_by="machine")
    path = f"/api/v1/feedback/{feedback_id}/appeal/"

    assert post_json(Client(), path, {"message": "Mine?"}).status_code == 404
    response = post_json(sender, path, {"message": "Honest, not rude."})

    assert response.status_code == 201
    assert sender.get(f"/api/v1/feedback/{feedback_id}/").json()["appeal"]["state"] == "open"
    assert Appeal.objects.get().submitter is None


# --- The submitter's pages ---------------------------------------------------------------------


def test_my_uploads_offers_an_appeal_for_a_rejected_image_and_shows_its_outcome() -> None:
    image = rejected_image()
    owner = signed_in(owner_of(image))
    html = owner.get("/upload/mine/").content.decode()
    assert f'action="/images/{image.id}/appeal/"' in html

    response = owner.post(f"/images/{image.id}/appeal/", {"message": "A toy."})
    assert response.status_code == 302 and response["Location"] == "/upload/"
    assert Appeal.objects.get().message == "A toy."
    html = owner.get("/upload/mine/").content.decode()
    assert 'data-appeal-state="open"' in html and "/appeal/" not in html

    appeals.appeal_decide(
        appeal_id=Appeal.objects.get().id, moderator=make_moderator(), verdict="uphold",
        note="A real gun.",
    )  # fmt: skip
    html = owner.get("/upload/mine/").content.decode()
    assert 'data-appeal-state="upheld"' in html and "A real gun." in html


def test_a_refused_web_appeal_says_why() -> None:
    image = rejected_image()
    owner = signed_in(owner_of(image))
    response = owner.post(f"/images/{image.id}/appeal/", {"message": "x" * 2001}, follow=True)
    assert "message is 2001 characters; the limit is 2000 characters" in response.content.decode()
    assert not Appeal.objects.exists()
    assert (
        signed_in(make_user()).post(f"/images/{image.id}/appeal/", {"message": "Hi"}).status_code
        == 404
    )


def test_the_feedback_status_page_appeals_and_shows_the_outcome() -> None:
    author = make_user()
    feedback = machine_rejected_feedback(author=author)
    client = signed_in(author)
    assert (
        f'action="/feedback/{feedback.id}/appeal/"'
        in client.get(f"/feedback/{feedback.id}/").content.decode()
    )

    response = client.post(f"/feedback/{feedback.id}/appeal/", {"message": "Be fair."})

    assert response.status_code == 302 and response["Location"] == f"/feedback/{feedback.id}/"
    appeal = Appeal.objects.get()
    appeals.appeal_decide(
        appeal_id=appeal.id, moderator=make_moderator(), verdict="overturn", sentiment="negative"
    )
    html = client.get(f"/feedback/{feedback.id}/").content.decode()
    assert 'data-appeal-state="overturned"' in html and "Your appeal was accepted." in html


# --- The moderators' pages and API -------------------------------------------------------------


def test_the_appeals_queue_hides_appeals_of_ones_own_decisions_and_marks_overdue_ones() -> None:
    rejecter, other = make_moderator(), make_moderator()
    image = rejected_image(moderator=rejecter)
    appeal = appeals.appeal_create(item=image, submitter=image.owner, message="Toy gun.")
    Policy.objects.update(appeal_sla_seconds=3600)
    Appeal.objects.filter(id=appeal.id).update(created_at=timezone.now() - timedelta(hours=2))

    html = signed_in(other).get("/review/appeals/").content.decode()
    assert f'href="/review/appeals/{appeal.id}/"' in html
    assert "queue-row overdue" in html and "Appeals waiting over 1 h are highlighted." in html

    html = signed_in(rejecter).get("/review/appeals/").content.decode()
    assert f"/review/appeals/{appeal.id}/" not in html
    assert 'id="appeals-hidden"' in html
    api = Client(HTTP_AUTHORIZATION=token_header(rejecter)).get("/api/v1/reviews/appeals/")
    assert api.json()["count"] == 0
    api = Client(HTTP_AUTHORIZATION=token_header(other)).get("/api/v1/reviews/appeals/")
    assert [row["id"] for row in api.json()["results"]] == [str(appeal.id)]


def test_the_rejecting_moderator_sees_the_appeal_read_only_and_gets_403() -> None:
    rejecter = make_moderator()
    image = rejected_image(moderator=rejecter)
    appeal = appeals.appeal_create(item=image, submitter=image.owner, message="Toy gun.")
    client = signed_in(rejecter)

    html = client.get(f"/review/appeals/{appeal.id}/").content.decode()
    assert 'id="appeal-refused"' in html and 'id="appeal-form"' not in html
    response = client.post(f"/review/appeals/{appeal.id}/decide/", {"verdict": "overturn"})
    assert response.status_code == 403
    assert "You made the decision this appeal is about" in response.content.decode()
    api = post_json(
        Client(HTTP_AUTHORIZATION=token_header(rejecter)),
        f"/api/v1/reviews/appeals/{appeal.id}/verdict/",
        {"verdict": "overturn"},
    )
    assert api.status_code == 403
    assert Appeal.objects.get().state == AppealState.OPEN


def test_a_moderator_overturns_from_the_appeal_page() -> None:
    image = rejected_image()
    appeal = appeals.appeal_create(item=image, submitter=image.owner, message="Toy gun.")
    client = signed_in(make_moderator())
    html = client.get(f"/review/appeals/{appeal.id}/").content.decode()
    assert "Toy gun." in html and 'id="appeal-form"' in html

    response = client.post(
        f"/review/appeals/{appeal.id}/decide/", {"verdict": "overturn", "note": "Fine."}
    )

    assert response.status_code == 302 and response["Location"] == "/review/appeals/"
    assert ImageUpload.objects.get(id=image.id).status == ItemStatus.APPROVED
    assert Appeal.objects.get().state == AppealState.OVERTURNED
    again = client.post(f"/review/appeals/{appeal.id}/decide/", {"verdict": "uphold"})
    assert again.status_code == 302  # back to the appeal page, with the conflict said there
    assert "already been decided" in client.get(again["Location"]).content.decode()
    assert Appeal.objects.get().state == AppealState.OVERTURNED


def test_the_verdict_api() -> None:
    author = make_user()
    feedback = machine_rejected_feedback(author=author)
    appeal = appeals.appeal_create(item=feedback, submitter=author, message="Be fair.")
    client = Client(HTTP_AUTHORIZATION=token_header(make_moderator()))
    path = f"/api/v1/reviews/appeals/{appeal.id}/verdict/"

    refused = post_json(client, path, {"verdict": "overturn"})
    assert refused.status_code == 400
    assert "sentiment" in refused.json()
    assert post_json(client, path, {"verdict": "perhaps"}).status_code == 400

    response = post_json(client, path, {"verdict": "overturn", "sentiment": "mixed"})
    assert response.status_code == 200
    assert response.json()["state"] == "overturned"
    assert Feedback.objects.get(id=feedback.id).status == ItemStatus.APPROVED
    assert post_json(client, path, {"verdict": "uphold"}).status_code == 409
    assert (
        post_json(
            Client(HTTP_AUTHORIZATION=token_header(author)), path, {"verdict": "uphold"}
        ).status_code
        == 403
    )


def test_the_history_names_appeal_events() -> None:
    image = rejected_image()
    appeal = appeals.appeal_create(item=image, submitter=image.owner, message="Toy gun.")
    appeals.appeal_decide(appeal_id=appeal.id, moderator=make_moderator(), verdict="uphold")
    assert AuditEvent.objects.filter(item_id=image.id, action="appeal_upheld").exists()
    html = signed_in(make_moderator()).get(f"/review/history/?item={image.id}").content.decode()
    assert "appealed by the submitter" in html and "appeal: rejection upheld" in html


# --- Policy and stats --------------------------------------------------------------------------


def test_the_policy_editor_sets_the_appeal_sla(admin_client: Client) -> None:
    v1 = Policy.objects.get()
    assert v1.appeal_sla_seconds == 24 * 3600
    assert 'name="appeal_sla_seconds"' in admin_client.get(PROPOSE).content.decode()

    saved = admin_client.post(PROPOSE, {**form_data(v1), "appeal_sla_seconds": 7200, "_save": "1"})
    assert saved.status_code == 302
    assert Policy.objects.get(version=2).appeal_sla_seconds == 7200

    # Left empty, it keeps the current version's.
    v2 = Policy.objects.get(version=2)
    assert admin_client.post(PROPOSE, {**form_data(v2), "_save": "1"}).status_code == 302
    assert Policy.objects.get(version=3).appeal_sla_seconds == 7200
    refused = admin_client.post(PROPOSE, {**form_data(v2), "appeal_sla_seconds": 5, "_save": "1"})
    assert refused.status_code == 200 and Policy.objects.count() == 3


def test_the_stats_page_shows_the_overturn_rate_on_appeal() -> None:
    made = []
    for seed in range(4):
        image = rejected_image(seed=seed)
        made.append(appeals.appeal_create(item=image, submitter=image.owner, message="Please."))
    appeals.appeal_decide(appeal_id=made[0].id, moderator=make_moderator(), verdict="overturn")
    appeals.appeal_decide(appeal_id=made[1].id, moderator=make_moderator(), verdict="uphold")
    appeals.appeal_decide(appeal_id=made[2].id, moderator=make_moderator(), verdict="uphold")
    # Decided before the window: counted nowhere in it.
    old = timezone.now() - timedelta(days=40)
    Appeal.objects.filter(id=made[2].id).update(created_at=old, handled_at=old)

    html = signed_in(make_moderator()).get("/review/stats/?days=7").content.decode()
    kpi = re.search(r'id="kpi-appeals">(.*?)</div>', html, re.S)
    assert kpi is not None
    text = " ".join(re.sub(r"<[^>]+>", " ", kpi.group(1)).split())
    assert text == "Overturned on appeal 50.0 % 1 of 2 appeals decided · 3 received"
