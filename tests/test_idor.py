"""Object-level access: nobody reaches another person's items by guessing or copying an id.

Routes come from the resolver. Every route with an id in its path must have a case in
`ID_ROUTES` (the first test fails otherwise), every review route must refuse submitters, and
every admin route non-staff users.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from unittest import mock

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import Client

from feedback import services as feedback_services
from feedback.models import Feedback
from moderation.appeals import services as appeals
from moderation.images import services
from moderation.models import (
    Appeal,
    AuditEvent,
    BulkAction,
    ImageUpload,
    ItemStatus,
    QaSample,
    ReviewItem,
    ReviewSkip,
)
from moderation.review import bulk
from moderation.review import services as reviews
from tests.factories import (
    ReviewAnalyzer,
    make_moderator,
    make_user,
    signed_in,
    token_header,
    upload_file,
)
from tests.routes import Route, all_routes

pytestmark = pytest.mark.django_db

ROUTES = all_routes()
SECRET_TEXT = "secret feedback 7b3f about the owner"
SECRET_NAME = "secret-holiday-7b3f.jpg"
OWNER_NAME = "owner-7b3f"
LOGIN = "login"  # expected: a redirect to the sign-in page


@pytest.fixture(autouse=True)
def _offline() -> Iterator[None]:
    cache.clear()
    with (
        mock.patch("moderation.tasks.analyze_image.delay"),
        mock.patch("feedback.tasks.analyze_feedback.delay"),
        mock.patch("moderation.images.services.get_image_analyzer", return_value=ReviewAnalyzer()),
    ):
        yield


@dataclass
class World:
    """One submitter's items, in every state the routes care about."""

    owner: User
    other: User
    moderator: User
    approved: ImageUpload  # the owner's, approved: its file is the owner's to see
    image_entry: ReviewItem  # the owner's image waiting for review
    feedback: Feedback  # the owner's, waiting for review
    feedback_entry: ReviewItem
    bulk: BulkAction  # the moderator's last bulk decision
    bulk_entry: ReviewItem  # the owner's image the moderator rejected in bulk: appealable
    rejected_feedback: Feedback  # the owner's, rejected by the machine: appealable
    appeal: Appeal  # the owner's open appeal of another machine-rejected message
    qa_sample: QaSample  # the machine's approval of `approved`, sampled for QA


@pytest.fixture
def world() -> World:
    owner = make_user(username=OWNER_NAME)
    moderator = make_moderator()
    approved = services.image_upload_create(owner=owner, upload=upload_file(name=SECRET_NAME))
    ImageUpload.objects.filter(id=approved.id).update(status=ItemStatus.APPROVED)
    queued = services.image_upload_create(owner=owner, upload=upload_file(name=SECRET_NAME))
    services.image_analyze(image_id=queued.id)
    feedback = feedback_services.feedback_create(text=SECRET_TEXT, author=owner)
    Feedback.objects.filter(id=feedback.id).update(
        status=ItemStatus.IN_REVIEW, redacted_text=SECRET_TEXT, sentiment="neutral"
    )
    feedback_entry = ReviewItem.objects.create(kind="feedback", item_id=feedback.id, reason="x")
    # Held by the moderator: renewing and releasing a claim need one.
    reviews.review_claim(review_id=feedback_entry.id, moderator=moderator)
    batch = services.image_upload_create(owner=owner, upload=upload_file(name=SECRET_NAME))
    services.image_analyze(image_id=batch.id)
    bulk_entry = ReviewItem.objects.get(item_id=batch.id)
    result = bulk.review_bulk_decide(
        review_ids=[bulk_entry.id], moderator=moderator, decision="reject", reason="violence"
    )
    assert result.action is not None
    rejected: list[Feedback] = []
    for _ in range(2):
        message = feedback_services.feedback_create(text=SECRET_TEXT, author=owner)
        Feedback.objects.filter(id=message.id).update(
            status=ItemStatus.REJECTED, decided_by="machine", redacted_text=SECRET_TEXT
        )
        rejected.append(Feedback.objects.get(id=message.id))
    appeal = appeals.appeal_create(item=rejected[1], submitter=owner, message=SECRET_TEXT)
    return World(
        owner=owner,
        other=make_user(),
        moderator=moderator,
        approved=ImageUpload.objects.get(id=approved.id),
        image_entry=ReviewItem.objects.get(item_id=queued.id),
        feedback=Feedback.objects.get(id=feedback.id),
        feedback_entry=feedback_entry,
        bulk=result.action,
        bulk_entry=bulk_entry,
        rejected_feedback=rejected[0],
        appeal=appeal,
        qa_sample=QaSample.objects.create(
            kind="image", item_id=approved.id, machine_status=ItemStatus.APPROVED,
            category="clean", machine_decided_at=approved.created_at,
        ),
    )  # fmt: skip


@dataclass(frozen=True)
class Case:
    method: str
    ids: Callable[[World], dict[str, object]]
    other: int  # what another submitter gets
    anonymous: int | str
    allowed: str  # who may: "owner" or "moderator" (the positive control)
    allowed_status: int
    data: dict[str, object] = field(default_factory=dict)


ID_ROUTES: dict[str, Case] = {
    "image-file": Case("get", lambda w: {"image_id": w.approved.id}, 404, LOGIN, "owner", 200),
    "api-image-detail": Case("get", lambda w: {"image_id": w.approved.id}, 404, 401, "owner", 200),
    # Thumbnails are the queue's: moderators only, even the image's owner gets a 404.
    "image-thumbnail": Case(
        "get", lambda w: {"image_id": w.image_entry.item_id}, 404, LOGIN, "moderator", 200
    ),
    "review-record": Case(
        "get",
        lambda w: {"kind": "feedback", "item_id": w.feedback.id},
        403,
        LOGIN,
        "moderator",
        200,
    ),
    "review-group-decide": Case(
        "post",
        lambda w: {"review_id": w.image_entry.id},
        403,
        LOGIN,
        "moderator",
        302,
        data={"decision": "reject", "reason": "violence"},
    ),
    "feedback-status": Case(
        "get", lambda w: {"feedback_id": w.feedback.id}, 404, 404, "owner", 200
    ),
    "api-feedback-detail": Case(
        "get", lambda w: {"feedback_id": w.feedback.id}, 404, 404, "owner", 200
    ),
    "review-item": Case(
        "get", lambda w: {"review_id": w.feedback_entry.id}, 403, LOGIN, "moderator", 200
    ),
    "review-decide": Case(
        "post",
        lambda w: {"review_id": w.image_entry.id},
        403,
        LOGIN,
        "moderator",
        302,
        data={"decision": "reject", "reason": "violence"},
    ),
    "review-renew": Case(
        "post", lambda w: {"review_id": w.feedback_entry.id}, 403, LOGIN, "moderator", 204
    ),
    "review-claim": Case(
        "post", lambda w: {"review_id": w.image_entry.id}, 403, LOGIN, "moderator", 302
    ),
    "review-take-over": Case(
        "post", lambda w: {"review_id": w.image_entry.id}, 403, LOGIN, "moderator", 302
    ),
    "review-release": Case(
        "post", lambda w: {"review_id": w.feedback_entry.id}, 403, LOGIN, "moderator", 302
    ),
    "review-skip": Case(
        "post", lambda w: {"review_id": w.image_entry.id}, 403, LOGIN, "moderator", 302
    ),
    "review-escalate": Case(
        "post",
        lambda w: {"review_id": w.image_entry.id},
        403,
        LOGIN,
        "moderator",
        302,
        data={"note": "Is this a real weapon?"},
    ),
    "api-review-release": Case(
        "post", lambda w: {"review_id": w.feedback_entry.id}, 403, 401, "moderator", 200
    ),
    "api-review-take-over": Case(
        "post", lambda w: {"review_id": w.image_entry.id}, 403, 401, "moderator", 200
    ),
    "api-review-skip": Case(
        "post", lambda w: {"review_id": w.image_entry.id}, 403, 401, "moderator", 200
    ),
    "api-review-escalate": Case(
        "post",
        lambda w: {"review_id": w.image_entry.id},
        403,
        401,
        "moderator",
        200,
        data={"note": "Is this a real weapon?"},
    ),
    "review-reveal": Case(
        "post", lambda w: {"review_id": w.feedback_entry.id}, 403, LOGIN, "moderator", 200
    ),
    "review-bulk-status": Case(
        "get", lambda w: {"bulk_id": w.bulk.id}, 403, LOGIN, "moderator", 200
    ),
    "review-bulk-undo": Case(
        "post", lambda w: {"bulk_id": w.bulk.id}, 403, LOGIN, "moderator", 302
    ),
    "review-undo": Case(
        "post", lambda w: {"review_id": w.bulk_entry.id}, 403, LOGIN, "moderator", 302
    ),
    "api-review-undo": Case(
        "post", lambda w: {"review_id": w.bulk_entry.id}, 403, 401, "moderator", 200
    ),
    "api-review-claim": Case(
        "post", lambda w: {"review_id": w.image_entry.id}, 403, 401, "moderator", 200
    ),
    "review-qa-item": Case(
        "get", lambda w: {"sample_id": w.qa_sample.id}, 403, LOGIN, "moderator", 200
    ),
    "review-qa-verdict": Case(
        "post",
        lambda w: {"sample_id": w.qa_sample.id},
        403,
        LOGIN,
        "moderator",
        302,
        data={"verdict": "agree"},
    ),
    "api-review-qa-verdict": Case(
        "post",
        lambda w: {"sample_id": w.qa_sample.id},
        403,
        401,
        "moderator",
        200,
        data={"verdict": "agree"},
    ),
    "api-review-decision": Case(
        "post",
        lambda w: {"review_id": w.image_entry.id},
        403,
        401,
        "moderator",
        200,
        data={"decision": "reject", "reason": "violence"},
    ),
    "image-appeal": Case(
        "post",
        lambda w: {"image_id": w.bulk_entry.item_id},
        404,
        LOGIN,
        "owner",
        302,
        data={"message": "It is mine and it is fine."},
    ),
    "api-image-appeal": Case(
        "post",
        lambda w: {"image_id": w.bulk_entry.item_id},
        404,
        401,
        "owner",
        201,
        data={"message": "It is mine and it is fine."},
    ),
    "feedback-appeal": Case(
        "post",
        lambda w: {"feedback_id": w.rejected_feedback.id},
        404,
        404,
        "owner",
        302,
        data={"message": "It is mine and it is fine."},
    ),
    "api-feedback-appeal": Case(
        "post",
        lambda w: {"feedback_id": w.rejected_feedback.id},
        404,
        404,
        "owner",
        201,
        data={"message": "It is mine and it is fine."},
    ),
    "review-appeal": Case(
        "get", lambda w: {"appeal_id": w.appeal.id}, 403, LOGIN, "moderator", 200
    ),
    "review-appeal-decide": Case(
        "post",
        lambda w: {"appeal_id": w.appeal.id},
        403,
        LOGIN,
        "moderator",
        302,
        data={"verdict": "uphold"},
    ),
    "api-appeal-verdict": Case(
        "post",
        lambda w: {"appeal_id": w.appeal.id},
        403,
        401,
        "moderator",
        200,
        data={"verdict": "uphold"},
    ),
}
ROUTE_BY_NAME = {route.name: route for route in ROUTES}


def state(w: World) -> dict[str, object]:
    """Everything a refused request must leave as it was."""
    entries = ReviewItem.objects.filter(
        id__in=[w.image_entry.id, w.feedback_entry.id, w.bulk_entry.id]
    ).order_by("id")
    return {
        "entries": list(
            entries.values_list("claimed_by", "claim_expires_at", "resolved_at", "escalated_at")
        ),
        "skips": ReviewSkip.objects.count(),
        "images": list(ImageUpload.objects.order_by("id").values_list("status", "file_key")),
        "feedback": list(Feedback.objects.values_list("status", "sentiment")),
        "audit": AuditEvent.objects.count(),
        "bulk_undone": BulkAction.objects.get(id=w.bulk.id).undone_at,
        "qa": list(QaSample.objects.order_by("id").values_list("verdict", "verdict_by")),
        "appeals": list(Appeal.objects.order_by("id").values_list("id", "state")),
    }


def request(client: Client, case: Case, path: str) -> Any:
    if case.method == "get":
        return client.get(path)
    if path.startswith("/api/"):
        return client.post(path, json.dumps(case.data), content_type="application/json")
    return client.post(path, case.data)


def assert_refused(response: Any, expected: int | str) -> None:
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    else:
        assert response.status_code == expected
    body = b"".join(response) if response.streaming else response.content
    for secret in (SECRET_TEXT, SECRET_NAME, OWNER_NAME):
        assert secret.encode() not in body


def test_every_route_with_an_id_has_an_access_case() -> None:
    """A new route taking an id fails here until its access rules are tested below."""
    site_routes = [route for route in ROUTES if route.params and not route.is_admin]
    assert all(route.name for route in site_routes), "name every route that takes an id"
    assert {route.name for route in site_routes} == set(ID_ROUTES)


@pytest.mark.parametrize("name", ID_ROUTES)
def test_other_submitters_and_anonymous_users_are_refused(world: World, name: str) -> None:
    case = ID_ROUTES[name]
    path = ROUTE_BY_NAME[name].path(case.ids(world))
    before = state(world)

    assert_refused(request(signed_in(world.other), case, path), case.other)
    assert_refused(request(Client(), case, path), case.anonymous)
    # A token is no master key either.
    if name.startswith("api-"):
        token = Client(HTTP_AUTHORIZATION=token_header(world.other))
        assert_refused(request(token, case, path), case.other)
    assert state(world) == before

    # The control: whoever may use it does get through, so the refusals above mean something.
    allowed = world.owner if case.allowed == "owner" else world.moderator
    response = request(signed_in(allowed), case, path)
    assert response.status_code == case.allowed_status


@pytest.mark.parametrize("name", ["image-file", "api-image-detail"])
def test_the_owner_of_a_quarantined_image_gets_its_data_not_its_file(
    world: World, name: str
) -> None:
    image = world.image_entry.item
    assert image is not None
    path = ROUTE_BY_NAME[name].path({"image_id": image.id})
    status = signed_in(world.owner).get(path).status_code
    assert status == (404 if name == "image-file" else 200)
    assert signed_in(world.other).get(path).status_code == 404


def test_anonymous_feedback_is_visible_to_its_browser_session_only() -> None:
    sender = Client()
    response = sender.post("/api/v1/feedback/", {"text": SECRET_TEXT}, "application/json")
    feedback_id = response.json()["id"]
    for path in (f"/api/v1/feedback/{feedback_id}/", f"/feedback/{feedback_id}/"):
        assert sender.get(path).status_code == 200
        assert_refused(Client().get(path), 404)
        assert_refused(signed_in(make_user()).get(path), 404)


def test_another_moderator_cannot_undo_a_bulk_decision(world: World) -> None:
    before = state(world)
    response = signed_in(make_moderator()).post(f"/review/bulk/{world.bulk.id}/undo/")
    assert response.status_code == 302
    assert state(world) == before


def test_another_moderator_cannot_undo_a_single_decision(world: World) -> None:
    before = state(world)
    intruder = signed_in(make_moderator())
    assert intruder.post(f"/review/{world.bulk_entry.id}/undo/").status_code == 302
    assert intruder.post(f"/api/v1/reviews/{world.bulk_entry.id}/undo/").status_code == 409
    assert state(world) == before


def test_lists_show_only_the_submitters_own_items(world: World) -> None:
    other = signed_in(world.other)
    assert other.get("/api/v1/images/").json()["count"] == 0
    for path in ("/upload/", "/upload/mine/"):
        page = other.get(path)
        assert page.status_code == 200
        assert SECRET_NAME.encode() not in page.content
    assert signed_in(world.owner).get("/api/v1/images/").json()["count"] == 3


MODERATOR_ROUTES = [
    route for route in ROUTES if route.template.startswith(("review/", "api/v1/reviews/"))
]


@pytest.mark.parametrize("route", MODERATOR_ROUTES, ids=str)
@pytest.mark.parametrize("method", ["get", "post"])
def test_review_routes_refuse_submitters(world: World, route: Route, method: str) -> None:
    path = route.path(
        {
            "review_id": world.feedback_entry.id,
            "bulk_id": world.bulk.id,
            "sample_id": world.qa_sample.id,
            "appeal_id": world.appeal.id,
        }
    )
    path += "?item=" + str(world.feedback.id) if route.name == "review-history" else ""
    before = state(world)
    response = getattr(signed_in(world.other), method)(path)
    # 405 for a method the view does not take; either way, nothing about the item shows.
    assert response.status_code in (403, 405)
    assert SECRET_TEXT.encode() not in response.content
    anonymous = getattr(Client(), method)(path)
    if route.is_api:
        assert anonymous.status_code in (401, 405)
    elif anonymous.status_code != 405:
        assert_refused(anonymous, LOGIN)
    assert state(world) == before


ADMIN_ROUTES = [route for route in ROUTES if route.is_admin and route.template != "admin/login/"]


@pytest.mark.parametrize("route", ADMIN_ROUTES, ids=str)
def test_admin_routes_refuse_everyone_but_staff(world: World, route: Route) -> None:
    path = route.path({"object_id": world.owner.pk, "pk": 1, "app_label": "moderation"})
    for client in (Client(), signed_in(world.other), signed_in(world.moderator)):
        response = client.get(path)
        assert response.status_code == 302, (route, response.status_code)
        # The admin's logout sends non-staff to the admin's index, which asks them to sign in.
        expected = "/admin/" if route.name == "admin:logout" else "/admin/login/"
        assert response["Location"].startswith(expected)
