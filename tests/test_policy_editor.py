"""The admin's policy editor: categories from the taxonomy, a comment and a preview to save."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from moderation.models import AuditEvent, Policy
from moderation.policy.taxonomy import CATEGORY_KINDS, TEXT_SIGNALS, image_labels
from tests.test_policy_admin import PROPOSE, form_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _offline(offline_review: None) -> None:
    """No broker (tests/conftest.py)."""


def blank_row(data: dict[str, object]) -> int:
    return int(str(data["bands-TOTAL_FORMS"])) - 1


def test_the_taxonomy_covers_the_seeded_bands_and_both_kinds() -> None:
    seeded = Policy.objects.get()
    for band in seeded.bands.all():
        assert CATEGORY_KINDS[band.category] == band.kind
    names = [name for name, _ in image_labels()]
    assert "Weapons" in names and "Exposed Female Nipple" in names
    assert len(names) == len(set(names))
    assert set(TEXT_SIGNALS) <= {name for name, kind in CATEGORY_KINDS.items() if kind == "text"}


def test_categories_are_chosen_from_the_taxonomy(admin_client: Client) -> None:
    html = admin_client.get(PROPOSE).content.decode()
    assert '<optgroup label="Image labels (Rekognition)">' in html
    assert '<optgroup label="Text signals (feedback)">' in html
    assert '<option value="Weapons">Violence › Weapons</option>' in html
    assert '<option value="VIOLENCE_OR_THREAT">VIOLENCE_OR_THREAT</option>' in html
    assert 'name="bands-0-kind"' not in html  # the kind follows from the category


def test_an_unknown_category_is_a_validation_error(admin_client: Client) -> None:
    v1 = Policy.objects.get()
    data = form_data(v1)
    row = blank_row(data)
    data.update(
        {f"bands-{row}-category": "Weapon", f"bands-{row}-review_at": 80,
         f"bands-{row}-reject_at": 99, f"bands-{row}-enabled": "on", "_save": "1"}
    )  # fmt: skip
    response = admin_client.post(PROPOSE, data)
    assert response.status_code == 200
    assert "Weapon is not a known category: choose one from the list." in response.content.decode()
    assert Policy.objects.count() == 1


def test_a_band_gets_the_kind_of_its_category(admin_client: Client) -> None:
    v1 = Policy.objects.get()
    data = form_data(v1)
    row = blank_row(data)
    data.update(
        {f"bands-{row}-category": "Middle Finger", f"bands-{row}-review_at": 50,
         f"bands-{row}-reject_at": 90, f"bands-{row}-enabled": "on", "_save": "1"}
    )  # fmt: skip
    assert admin_client.post(PROPOSE, data).status_code == 302
    v2 = Policy.objects.get(version=2)
    assert v2.bands.get(category="Middle Finger").kind == "image"
    assert v2.bands.get(category="INSULT").kind == "text"
    assert v2.bands.count() == v1.bands.count() + 1


def test_saving_needs_a_comment(admin_client: Client) -> None:
    v1 = Policy.objects.get()
    response = admin_client.post(PROPOSE, {**form_data(v1, comment=""), "_save": "1"})
    assert response.status_code == 200
    assert "Say what changes and why before saving." in response.content.decode()
    assert Policy.objects.count() == 1
    assert not AuditEvent.objects.filter(action="policy_change").exists()


def previewed_token(html: str) -> str:
    found = re.search(r'name="previewed" value="([0-9a-f]{64})"', html)
    assert found, "the page carries no preview token"
    return found.group(1)


def test_saving_unpreviewed_shows_the_preview_and_the_next_save_goes_through(
    admin_client: Client,
) -> None:
    v1 = Policy.objects.get()
    data = {**form_data(v1, Violence=(80, 95), comment="fairs", confirm=False), "_save": "1"}
    refused = admin_client.post(PROPOSE, data)
    html = refused.content.decode()
    assert refused.status_code == 200
    assert 'id="save-refused"' in html and 'id="preview"' in html
    assert Policy.objects.count() == 1

    saved = admin_client.post(PROPOSE, {**data, "previewed": previewed_token(html)})
    assert saved.status_code == 302
    assert Policy.objects.get(version=2).comment == "fairs"


def test_a_preview_allows_saving_that_proposal_only(admin_client: Client) -> None:
    v1 = Policy.objects.get()
    previewed = form_data(v1, Violence=(80, 95), confirm=False)
    token = previewed_token(
        admin_client.post(PROPOSE, {**previewed, "_preview": "1"}).content.decode()
    )

    changed = {**form_data(v1, Violence=(70, 95), confirm=False), "previewed": token, "_save": "1"}
    response = admin_client.post(PROPOSE, changed)
    assert response.status_code == 200 and 'id="save-refused"' in response.content.decode()
    assert Policy.objects.count() == 1

    # A different comment is still the same proposal.
    same = {**previewed, "comment": "weapons at fairs", "previewed": token, "_save": "1"}
    assert admin_client.post(PROPOSE, same).status_code == 302
    assert Policy.objects.get(version=2).bands.get(category="Violence").review_at == 80


def test_save_without_a_preview_when_the_admin_says_so(admin_client: Client) -> None:
    v1 = Policy.objects.get()
    response = admin_client.post(PROPOSE, {**form_data(v1, Violence=(80, 95)), "_save": "1"})
    assert response.status_code == 302
    assert Policy.objects.filter(version=2).exists()
