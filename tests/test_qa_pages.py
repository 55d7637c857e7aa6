"""QA for moderators: the pages, the API and the precision on the stats page."""

from __future__ import annotations

import json
import math
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from moderation.models import ImageUpload, QaSample
from moderation.qa import services as qa
from moderation.qa.sampling import qa_sample_recent
from moderation.qa.selectors import qa_precision, wilson_interval
from moderation.stats.figures import stats_for
from tests.factories import make_moderator, make_user, signed_in, token_header
from tests.qa_helpers import machine_image, sampled, share_everything

pytestmark = pytest.mark.django_db


def approx(interval: tuple[float, float] | None, low: float, high: float) -> bool:
    assert interval is not None
    return math.isclose(interval[0], low, abs_tol=5e-5) and math.isclose(
        interval[1], high, abs_tol=5e-5
    )


def test_the_wilson_interval_matches_known_values() -> None:
    # Reference values: Wilson score interval, z = 1.95996 (95 %).
    assert approx(wilson_interval(5, 10), 0.2366, 0.7634)
    assert approx(wilson_interval(10, 10), 0.7225, 1.0)
    assert approx(wilson_interval(0, 10), 0.0, 0.2775)
    assert approx(wilson_interval(1, 1), 0.2065, 1.0)
    assert approx(wilson_interval(81, 263), 0.2553, 0.3662)
    assert wilson_interval(0, 0) is None
    with pytest.raises(ValueError):
        wilson_interval(3, 2)


def test_precision_per_category_counts_the_verdicts_in_the_window() -> None:
    share_everything()
    images = [machine_image() for _ in range(3)] + [machine_image(reject=True)]
    qa_sample_recent()
    moderator = make_moderator()
    samples = {s.item_id: s for s in QaSample.objects.all()}
    for image, verdict in zip(images, ["agree", "agree", "overturn", "agree"], strict=True):
        reason = "violence" if image.status == "approved" else "false_positive"
        qa.qa_decide(sample_id=samples[image.id].id, moderator=moderator, verdict=verdict,
                     reason=reason)  # fmt: skip

    now = timezone.now()
    figures = qa_precision(since=now - timedelta(days=1), until=now)

    rows = {(r.machine_status, r.category): r for r in figures.rows}
    clean = rows[("approved", "clean")]
    assert (clean.checked, clean.agreed, clean.overturned) == (3, 2, 1)
    assert math.isclose(clean.precision, 2 / 3)
    assert clean.interval == wilson_interval(2, 3)
    explicit = rows[("rejected", "Explicit")]
    assert (explicit.checked, explicit.agreed) == (1, 1)
    assert figures.open == 0 and figures.checked == 4
    assert qa_precision(since=now + timedelta(seconds=1), until=now + timedelta(days=1)).rows == []


def test_the_stats_page_shows_precision_with_its_interval() -> None:
    sample = sampled(machine_image())
    qa.qa_decide(sample_id=sample.id, moderator=make_moderator(), verdict="agree")

    page = signed_in(make_moderator()).get("/review/stats/")

    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="qa-precision"' in html
    assert 'data-qa-category="clean" data-qa-status="approved"' in html
    low, high = wilson_interval(1, 1)  # type: ignore[misc]
    assert f"{100 * low:.1f}–{100 * high:.1f} %" in html


def test_an_overturn_counts_as_a_moderator_decision_but_not_in_the_review_agreement() -> None:
    sample = sampled(machine_image())
    qa.qa_decide(sample_id=sample.id, moderator=make_moderator(), verdict="overturn",
                 reason="violence")  # fmt: skip

    numbers = stats_for(7)

    assert numbers.decisions.human_rejected == 1
    assert numbers.agreement == []


def test_the_queue_page_lists_open_samples_but_not_the_moderators_own() -> None:
    moderator = make_moderator()
    other = sampled(machine_image())
    own = sampled(machine_image(owner=moderator))

    page = signed_in(moderator).get("/review/qa/")

    assert page.status_code == 200
    assert f'data-sample="{other.id}"'.encode() in page.content
    assert f'data-sample="{own.id}"'.encode() not in page.content
    assert signed_in(make_user()).get("/review/qa/").status_code == 403


def test_a_verdict_from_the_item_page() -> None:
    first, second = sampled(machine_image()), sampled(machine_image(reject=True))
    moderator = signed_in(make_moderator())
    page = moderator.get(f"/review/qa/{first.id}/")
    assert page.status_code == 200
    assert b'id="qa-agree"' in page.content and b'id="qa-overturn"' in page.content

    response = moderator.post(
        f"/review/qa/{first.id}/verdict/", {"verdict": "overturn", "reason": "violence"}
    )

    # On to the next sample.
    assert response.status_code == 302
    assert response["Location"] == f"/review/qa/{second.id}/"
    assert ImageUpload.objects.get(id=first.item_id).status == "rejected"
    again = moderator.post(f"/review/qa/{first.id}/verdict/", {"verdict": "agree"})
    assert again.status_code == 302 and again["Location"] == "/review/qa/"
    assert QaSample.objects.get(id=first.id).verdict == "overturn"


def test_the_item_page_of_an_own_item_is_forbidden() -> None:
    moderator = make_moderator()
    sample = sampled(machine_image(owner=moderator))
    assert signed_in(moderator).get(f"/review/qa/{sample.id}/").status_code == 403


def test_the_api_lists_samples_and_takes_a_verdict() -> None:
    sample = sampled(machine_image())
    moderator = make_moderator()
    client = Client(HTTP_AUTHORIZATION=token_header(moderator))

    listed = client.get("/api/v1/reviews/qa/")
    assert listed.status_code == 200
    [row] = listed.json()["results"]
    assert (row["id"], row["item_id"], row["machine_status"], row["category"]) == (
        str(sample.id), str(sample.item_id), "approved", "clean",
    )  # fmt: skip

    url = f"/api/v1/reviews/qa/{sample.id}/verdict/"
    bad = client.post(url, json.dumps({"verdict": "maybe"}), content_type="application/json")
    assert bad.status_code == 400 and "verdict" in bad.json()
    no_reason = client.post(url, json.dumps({"verdict": "overturn"}), "application/json")
    assert no_reason.status_code == 400 and "reason" in no_reason.json()
    done = client.post(
        url, json.dumps({"verdict": "overturn", "reason": "violence", "note": "No."}),
        content_type="application/json",
    )  # fmt: skip
    assert done.status_code == 200
    assert (done.json()["verdict"], done.json()["verdict_by"]) == ("overturn", moderator.username)
    assert ImageUpload.objects.get(id=sample.item_id).status == "rejected"

    second = client.post(url, json.dumps({"verdict": "agree"}), "application/json")
    assert second.status_code == 409
    assert client.get("/api/v1/reviews/qa/").json()["results"] == []


def test_the_api_refuses_submitters_and_anonymous_users() -> None:
    sample = sampled(machine_image())
    url = f"/api/v1/reviews/qa/{sample.id}/verdict/"
    submitter = Client(HTTP_AUTHORIZATION=token_header(make_user()))
    assert submitter.get("/api/v1/reviews/qa/").status_code == 403
    assert submitter.post(url, {"verdict": "agree"}, "application/json").status_code == 403
    assert Client().post(url, {"verdict": "agree"}, "application/json").status_code == 401
    assert QaSample.objects.get(id=sample.id).verdict == ""
