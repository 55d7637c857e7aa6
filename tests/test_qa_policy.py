"""The QA sample shares in the policy editor: a policy-wide one and one per band, versioned."""

from __future__ import annotations

import pytest
from django.test import Client

from moderation.models import AuditEvent, Policy
from moderation.policy import services
from tests.test_policy_admin import PROPOSE, form_data

pytestmark = pytest.mark.django_db


def band_row(data: dict[str, object], category: str) -> int:
    return next(
        int(key.split("-")[1])
        for key, value in data.items()
        if key.endswith("-category") and value == category
    )


def test_the_editor_saves_the_shares_as_a_new_version(admin_client: Client) -> None:
    v1 = Policy.objects.get()
    assert v1.qa_sample_percent == 2
    data = form_data(v1, comment="check violence more")
    data["qa_sample_percent"] = 5
    data[f"bands-{band_row(data, 'Violence')}-qa_sample_percent"] = 25

    response = admin_client.post(PROPOSE, {**data, "_save": "1"})

    assert response.status_code == 302
    v2 = Policy.objects.get(version=2)
    assert v2.qa_sample_percent == 5
    assert v2.bands.get(category="Violence").qa_sample_percent == 25
    assert v2.bands.get(category="Explicit").qa_sample_percent is None  # the policy's
    note = AuditEvent.objects.get(action="policy_change", policy_version=2).note
    assert "qa_sample_percent 2.0 → 5.0" in note and "Violence QA None → 25.0" in note


def test_a_share_outside_0_to_100_is_refused_by_name(admin_client: Client) -> None:
    v1 = Policy.objects.get()
    data = form_data(v1)
    data["qa_sample_percent"] = 101
    data[f"bands-{band_row(data, 'Violence')}-qa_sample_percent"] = -1

    response = admin_client.post(PROPOSE, {**data, "_save": "1"})

    assert response.status_code == 200
    assert not Policy.objects.filter(version=2).exists()
    assert response.context["settings_form"].errors["qa_sample_percent"]
    row = band_row(data, "Violence")
    assert response.context["bands"].forms[row].errors["qa_sample_percent"]


def test_an_empty_share_keeps_the_current_versions() -> None:
    v1 = Policy.objects.get()
    Policy.objects.filter(id=v1.id).update(qa_sample_percent=7)
    v2 = services.policy_publish(
        bands=[], default_review_at=60, default_reject_at=95, sentiment_review_below=80
    )
    assert v2.qa_sample_percent == 7
