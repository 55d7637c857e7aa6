"""Every page, on a desktop and on a 390 px phone: nothing scrolls sideways, and axe-core finds
no critical or serious accessibility violation.

axe-core is vendored under tests/browser/vendor (npm package `axe-core`, MPL-2.0) and evaluated
from the test side: it is never part of the app or its static files.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from playwright.sync_api import Page, ViewportSize, expect

from feedback import services as feedback_services
from moderation.access import SENIOR_MODERATORS_GROUP
from moderation.models import Policy
from moderation.review import services as review_services
from moderation.review.handoff import review_escalate
from tests.browser.conftest import PASSWORD
from tests.factories import make_moderator, make_user
from tests.qa_helpers import machine_image, sampled
from tests.test_reviews import queued_feedback, queued_image

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
PHONE: ViewportSize = {"width": 390, "height": 844}
DESKTOP: ViewportSize = {"width": 1280, "height": 900}

# Only what fails WCAG A/AA (and axe's best practices) at these impacts fails the test.
AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations
    .filter((v) => v.impact === "critical" || v.impact === "serious")
    .map((v) => ({id: v.id, impact: v.impact, help: v.help,
                  nodes: v.nodes.slice(0, 4).map((n) => n.target.join(" "))}));
}"""


@pytest.fixture(autouse=True)
def _offline(offline_review: None) -> None:
    """No broker, and every image lands in the review band (tests/conftest.py)."""


def axe_violations(page: Page) -> list[dict[str, Any]]:
    # An expression, not an injected <script>: the page's CSP refuses inline scripts, and the
    # engine must not be served by the app.
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    return list(page.evaluate(AXE_RUN))


def sideways(page: Page) -> str:
    """Empty when the page is no wider than the window, else by how much and what sticks out."""
    extra = int(page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth"))
    if extra <= 0:
        return ""
    culprits = page.evaluate(
        """() => Array.from(document.querySelectorAll("body *"))
          .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1)
          .filter((e) => {  // what sticks out of the page, not out of a scrolling box
            for (let up = e.parentElement; up && up !== document.body; up = up.parentElement) {
              if (getComputedStyle(up).overflowX !== "visible") return false;
            }
            return true;
          })
          .slice(0, 5)
          .map((e) => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "")
                      + (e.className && typeof e.className === "string"
                         ? "." + e.className.trim().split(/\\s+/).join(".") : ""))"""
    )
    return f"{extra} px wider than the window ({', '.join(culprits)})"


@dataclass
class Visit:
    who: str
    path: str
    status: int = 200


def sign_in(page: Page, user: User) -> None:
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(user.get_username())
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("/")


def populated() -> dict[str, Any]:
    """A queue with both kinds, a decided item in the history, a submitter with uploads."""
    moderator = make_moderator(username="moderator")
    submitter = make_user(username="submitter")
    admin = make_user(username="admin", is_staff=True, is_superuser=True)
    image = queued_image(owner=submitter)
    queued_image(owner=submitter)
    message = queued_feedback()
    decided = queued_image()
    review_services.review_claim(review_id=decided.id, moderator=moderator)
    review_services.review_decide(
        review_id=decided.id, moderator=moderator, decision="reject", reason="violence"
    )
    own = feedback_services.feedback_create(text="Takk for sist!", author=submitter)
    senior = make_moderator(username="senior")
    senior.groups.add(Group.objects.get(name=SENIOR_MODERATORS_GROUP))
    escalated = queued_image()
    review_services.review_claim(review_id=escalated.id, moderator=moderator)
    review_escalate(review_id=escalated.id, moderator=moderator, note="Is this a weapon?")
    qa_sample = sampled(machine_image(owner=submitter, reject=True))
    return {
        "qa_sample": qa_sample,
        "senior": senior,
        "escalated": escalated,
        "moderator": moderator,
        "submitter": submitter,
        "admin": admin,
        "image": image,
        "feedback": message,
        "decided": decided,
        "own_feedback": own,
    }


def visits(data: dict[str, Any]) -> list[Visit]:
    policy = Policy.objects.order_by("-version").first()
    assert policy is not None
    return [
        Visit("anonymous", "/"),
        Visit("anonymous", "/accounts/login/"),
        Visit("anonymous", "/accounts/signup/"),
        Visit("anonymous", "/feedback/"),
        Visit("anonymous", "/no-such-page/", 404),
        Visit("submitter", "/"),
        Visit("submitter", "/upload/"),
        Visit("submitter", "/feedback/"),
        Visit("submitter", f"/feedback/{data['own_feedback'].id}/"),
        Visit("submitter", "/review/", 403),
        Visit("submitter", "/no-such-page/", 404),
        Visit("moderator", "/review/"),
        Visit("moderator", f"/review/{data['image'].id}/"),
        Visit("moderator", f"/review/{data['feedback'].id}/"),
        Visit("moderator", f"/review/{data['decided'].id}/"),
        Visit("moderator", f"/review/items/image/{data['decided'].item_id}/"),
        Visit("moderator", "/review/history/"),
        Visit("moderator", "/review/stats/"),
        Visit("moderator", "/review/qa/"),
        Visit("moderator", f"/review/qa/{data['qa_sample'].id}/"),
        Visit("senior", "/review/?queue=escalated"),
        Visit("senior", f"/review/{data['escalated'].id}/"),
        Visit("admin", "/admin/"),
        Visit("admin", "/admin/moderation/policy/"),
        Visit("admin", f"/admin/moderation/policy/{policy.pk}/change/"),
        Visit("admin", "/admin/moderation/policy/propose/"),
    ]


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_every_page_fits_the_screen_and_passes_axe(page: Page, viewport: ViewportSize) -> None:
    data = populated()
    page.set_viewport_size(viewport)
    problems: list[str] = []
    signed_in_as = ""
    for visit in visits(data):
        if visit.who != signed_in_as:
            if visit.who == "anonymous":
                page.context.clear_cookies()
            else:
                sign_in(page, data[visit.who])
            signed_in_as = visit.who
        response = page.goto(visit.path)
        assert response is not None
        where = f"{visit.who} {visit.path}"
        if response.status != visit.status:
            problems.append(f"{where}: HTTP {response.status}, expected {visit.status}")
        if wider := sideways(page):
            problems.append(f"{where}: {wider}")
        for violation in axe_violations(page):
            problems.append(f"{where}: axe {json.dumps(violation)}")
        if visit.path == "/admin/moderation/policy/propose/":
            # The preview result is a page of its own state: check it too.
            page.get_by_role("button", name="Preview impact").click()
            page.wait_for_load_state()
            if wider := sideways(page):
                problems.append(f"{where} (preview): {wider}")
            for violation in axe_violations(page):
                problems.append(f"{where} (preview): axe {json.dumps(violation)}")
    assert not problems, "\n".join(problems)


def test_the_navigation_is_within_reach_on_a_phone(page: Page) -> None:
    data = populated()
    page.set_viewport_size(PHONE)
    sign_in(page, data["moderator"])
    page.goto("/review/")
    for control in (
        page.get_by_role("button", name="Sign out"),
        page.get_by_role("button", name="Shortcuts"),
        page.get_by_role("link", name="Review", exact=True),
        page.get_by_role("link", name="History"),
    ):
        expect(control).to_be_visible()
        box = control.bounding_box()
        assert box is not None
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
    page.get_by_role("button", name="Shortcuts").click()
    expect(page.locator("#shortcuts")).to_be_visible()
    page.keyboard.press("Escape")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/")
    expect(page.locator(".account").get_by_role("link", name="Sign in")).to_be_visible()
