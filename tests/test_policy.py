from __future__ import annotations

import json
import math

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from hypothesis import given, settings
from hypothesis import strategies as st

from feedback.analyzers.base import SENTIMENTS, SentimentScores, TextAnalysis, ToxicityLabel
from feedback.policy import decide_feedback
from moderation.images.analyzers.base import ModerationLabel
from moderation.models import AuditEvent, ItemStatus, Policy, PolicyBand
from moderation.policy.engine import Band, PolicySnapshot, decide
from moderation.policy.selectors import policy_current
from moderation.policy.taxonomy import PARENTS, TOP_LEVEL

POLICY = PolicySnapshot(
    version=3,
    bands={
        "Explicit": Band(50, 85),
        "Violence": Band(50, 90),
        "Weapons": Band(80, 100),  # a child with its own band
        "Gambling": Band(10, 20, enabled=False),
        "PROFANITY": Band(5, 90, kind="text"),
    },
    default=Band(60, 95),
)
SEVERITY = {ItemStatus.APPROVED: 0, ItemStatus.IN_REVIEW: 1, ItemStatus.REJECTED: 2}


def label(name: str, confidence: float, parent: str = "") -> ModerationLabel:
    return ModerationLabel(name=name, confidence=confidence, parent=parent)


def test_no_labels_approves() -> None:
    decision = decide([], POLICY)
    assert decision.outcome == ItemStatus.APPROVED
    assert decision.reasons == ()
    assert decision.policy_version == 3


def test_bands_are_inclusive_at_the_threshold() -> None:
    assert decide([label("Explicit", 49.99)], POLICY).outcome == ItemStatus.APPROVED
    assert decide([label("Explicit", 50)], POLICY).outcome == ItemStatus.IN_REVIEW
    assert decide([label("Explicit", 84.99)], POLICY).outcome == ItemStatus.IN_REVIEW
    assert decide([label("Explicit", 85)], POLICY).outcome == ItemStatus.REJECTED


def test_any_reject_wins_over_reviews_and_reasons_explain_it() -> None:
    decision = decide([label("Violence", 70), label("Explicit", 99.5)], POLICY)
    assert decision.outcome == ItemStatus.REJECTED
    assert [r.as_dict() for r in decision.reasons] == [
        {"label": "Explicit", "confidence": 99.5, "band": "reject", "threshold": 85,
         "category": "Explicit"},
        {"label": "Violence", "confidence": 70, "band": "review", "threshold": 50,
         "category": "Violence"},
    ]  # fmt: skip


def test_parent_band_applies_to_children_and_grandchildren() -> None:
    # Rekognition names the parent; the grandparent comes from the taxonomy.
    child = decide([label("Explicit Nudity", 86, parent="Explicit")], POLICY)
    assert child.outcome == ItemStatus.REJECTED
    assert child.reasons[0].category == "Explicit"
    grandchild = decide([label("Exposed Female Nipple", 60, parent="Explicit Nudity")], POLICY)
    assert grandchild.outcome == ItemStatus.IN_REVIEW
    assert grandchild.reasons[0].category == "Explicit"
    assert grandchild.reasons[0].threshold == 50


def test_a_child_band_overrides_its_parent() -> None:
    # Violence would reject at 90, but Weapons has its own band: review from 80, reject at 100.
    decision = decide([label("Weapons", 95, parent="Violence")], POLICY)
    assert decision.outcome == ItemStatus.IN_REVIEW
    assert decision.reasons[0].category == "Weapons"
    # …and Weapons' siblings still follow Violence.
    assert decide([label("Graphic Violence", 95, "Violence")], POLICY).outcome == "rejected"


def test_disabled_category_and_its_children_are_ignored() -> None:
    assert decide([label("Gambling", 99)], POLICY).outcome == ItemStatus.APPROVED


def test_unknown_labels_use_the_default_band() -> None:
    decision = decide([label("Something New", 70)], POLICY)
    assert decision.outcome == ItemStatus.IN_REVIEW
    assert decision.reasons[0].category == ""
    assert decision.reasons[0].threshold == 60
    assert decide([label("Something New", 96)], POLICY).outcome == ItemStatus.REJECTED


def test_min_confidence_is_the_lowest_enabled_review_threshold() -> None:
    # Gambling's 10 is disabled; PROFANITY's 5 is a text signal, never asked of Rekognition.
    assert POLICY.min_confidence == 50


def test_taxonomy_parents_point_at_known_labels() -> None:
    assert PARENTS["Exposed Female Nipple"] == "Explicit Nudity"
    assert PARENTS["Explicit Nudity"] == "Explicit"
    assert all(parent in PARENTS or parent in TOP_LEVEL for parent in PARENTS.values())


names = st.sampled_from([*TOP_LEVEL, *PARENTS, "Unknown Label"])
labels = st.lists(
    st.builds(
        lambda name, confidence: ModerationLabel(name, confidence, PARENTS.get(name, "")),
        names,
        st.floats(0, 100),
    ),
    max_size=6,
)
bands = st.tuples(st.floats(0, 100), st.floats(0, 100), st.booleans()).map(
    lambda t: Band(min(t[0], t[1]), max(t[0], t[1]), t[2])
)
policies = st.builds(
    lambda chosen, default: PolicySnapshot(version=1, bands=chosen, default=default),
    st.dictionaries(names, bands, max_size=8),
    bands.map(lambda b: Band(b.review_at, b.reject_at)),
)


@settings(max_examples=300, deadline=None)
@given(policy=policies, found=labels, index=st.integers(0, 5), raise_by=st.floats(0, 100))
def test_raising_a_confidence_never_moves_towards_approve(
    policy: PolicySnapshot, found: list[ModerationLabel], index: int, raise_by: float
) -> None:
    before = decide(found, policy).outcome
    if found:
        i = index % len(found)
        old = found[i]
        found = [*found]
        found[i] = ModerationLabel(old.name, min(100.0, old.confidence + raise_by), old.parent)
    after = decide(found, policy).outcome
    assert SEVERITY[after] >= SEVERITY[before]


@settings(max_examples=200, deadline=None)
@given(policy=policies, found=labels, extra=labels)
def test_more_labels_never_move_towards_approve(
    policy: PolicySnapshot, found: list[ModerationLabel], extra: list[ModerationLabel]
) -> None:
    before = decide(found, policy).outcome
    assert SEVERITY[decide(found + extra, policy).outcome] >= SEVERITY[before]


@pytest.mark.django_db
def test_seeded_policy_is_version_1_with_every_top_level_category() -> None:
    snapshot = policy_current()
    assert snapshot.version == 1
    image_bands = {name for name, band in snapshot.bands.items() if band.kind == "image"}
    assert image_bands == set(TOP_LEVEL)
    assert {"PROFANITY", "HATE_SPEECH", "INSULT", "VIOLENCE_OR_THREAT"} <= set(snapshot.bands)
    for band in snapshot.bands.values():
        assert 0 <= band.review_at <= band.reject_at <= 100


@pytest.mark.django_db
def test_band_validation_names_the_field() -> None:
    policy = Policy.objects.get(version=1)
    with pytest.raises(ValidationError) as error:
        PolicyBand(policy=policy, category="X", review_at=90, reject_at=50).full_clean()
    assert error.value.message_dict["reject_at"] == ["reject_at must be at least review_at"]
    with pytest.raises(ValidationError) as error:
        PolicyBand(policy=policy, category="X", review_at=-1, reject_at=150).full_clean()
    assert set(error.value.message_dict) == {"review_at", "reject_at"}


@pytest.mark.django_db
def test_database_refuses_a_band_out_of_order() -> None:
    policy = Policy.objects.get(version=1)
    with pytest.raises(IntegrityError):
        PolicyBand.objects.create(policy=policy, category="X", review_at=90, reject_at=50)


@pytest.mark.django_db
def test_every_publish_is_a_new_version_and_old_ones_stay() -> None:
    from moderation.policy.services import policy_publish

    v1 = Policy.objects.get(version=1)
    bands = [
        PolicyBand(category=b.category, kind=b.kind, review_at=b.review_at, reject_at=b.reject_at)
        for b in v1.bands.all()
    ]
    bands[0].reject_at = 99
    v2 = policy_publish(
        bands=bands, default_review_at=55, default_reject_at=90, sentiment_review_below=50
    )
    assert v2.version == 2
    assert policy_current().version == 2
    assert policy_current().default == Band(55, 90)
    assert v1.bands.get(category=bands[0].category).reject_at != 99
    assert v2.bands.get(category=bands[0].category).reject_at == 99
    assert Policy.objects.count() == 2


@pytest.mark.django_db
def test_publish_refuses_a_bad_band_and_writes_nothing() -> None:
    from moderation.policy.services import policy_publish

    with pytest.raises(ValidationError):
        policy_publish(
            bands=[PolicyBand(category="Explicit", review_at=80, reject_at=20)],
            default_review_at=60,
            default_reject_at=95,
            sentiment_review_below=60,
        )
    assert Policy.objects.count() == 1


# --- Hostile or broken analyzer output ---------------------------------------------------------

any_confidence = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(-(10**6), 10**6),
    st.sampled_from([float("nan"), float("inf"), -0.0, -1e-9, 100.0000001]),
)
any_labels = st.lists(
    st.builds(
        ModerationLabel,
        st.one_of(names, st.text(max_size=40)),
        any_confidence,
        st.one_of(st.just(""), names, st.text(max_size=20)),
    ),
    max_size=8,
)


def is_percentage(value: float) -> bool:
    return math.isfinite(value) and 0 <= value <= 100


@settings(max_examples=300, deadline=None)
@given(policy=policies, found=any_labels)
def test_arbitrary_labels_never_crash_and_a_broken_confidence_never_approves(
    policy: PolicySnapshot, found: list[ModerationLabel]
) -> None:
    decision = decide(found, policy)
    if any(not is_percentage(label.confidence) for label in found):
        assert decision.outcome != ItemStatus.APPROVED
    # Reasons and labels go into JSON columns: PostgreSQL's jsonb refuses NaN and Infinity.
    json.dumps([reason.as_dict() for reason in decision.reasons], allow_nan=False)
    json.dumps([label.as_dict() for label in found], allow_nan=False)
    # …and the decision is the same when replayed from what was stored.
    stored = [
        ModerationLabel(str(x["name"]), x["confidence"], str(x["parent"] or ""))  # type: ignore[arg-type]
        for x in (label.as_dict() for label in found)
    ]
    assert decide(stored, policy).outcome == decision.outcome


def test_nan_confidence_goes_to_review_even_in_a_disabled_category() -> None:
    decision = decide([label("Gambling", float("nan"))], POLICY)
    assert decision.outcome == ItemStatus.IN_REVIEW
    assert decision.reasons[0].as_dict()["confidence"] is None
    assert "not a percentage" in decision.reasons[0].detail
    # A real reject elsewhere still wins.
    both = decide([label("Explicit", 99), label("Violence", float("nan"))], POLICY)
    assert both.outcome == ItemStatus.REJECTED


sentiment_scores = st.builds(SentimentScores, *[any_confidence] * 4)
text_analyses = st.builds(
    TextAnalysis,
    language=st.text(max_size=8),
    language_confidence=any_confidence,
    language_supported=st.booleans(),
    scores=st.one_of(st.none(), sentiment_scores),
    toxicity=st.lists(
        st.builds(ToxicityLabel, st.one_of(names, st.text(max_size=20)), any_confidence),
        max_size=5,
    ).map(tuple),
    pii=st.just(()),
    key_phrases=st.just(()),
    entities=st.just(()),
    analyzer=st.just("fuzz"),
    model_version=st.just("0"),
)


@settings(max_examples=300, deadline=None)
@given(policy=policies, analysis=text_analyses)
def test_arbitrary_text_analysis_never_crashes_and_broken_scores_never_approve(
    policy: PolicySnapshot, analysis: TextAnalysis
) -> None:
    decision = decide_feedback(analysis, policy)
    broken_scores = analysis.scores is not None and not all(
        is_percentage(getattr(analysis.scores, name)) for name in SENTIMENTS
    )
    broken_toxicity = any(not is_percentage(t.confidence) for t in analysis.toxicity)
    if (analysis.language_supported and broken_scores) or broken_toxicity:
        assert decision.outcome != ItemStatus.APPROVED
    if not analysis.language_supported:
        assert decision.outcome != ItemStatus.APPROVED
    json.dumps([reason.as_dict() for reason in decision.reasons], allow_nan=False)


def _calibrate() -> None:
    from importlib import import_module

    from django.apps import apps

    migration = import_module("moderation.migrations.0011_calibrated_sentiment_threshold")
    migration.calibrate(apps, None)


@pytest.mark.django_db
def test_an_install_on_the_seeded_60_gets_the_calibrated_threshold_as_a_new_version() -> None:
    Policy.objects.filter(version=1).update(sentiment_review_below=60)
    bands = sorted(Policy.objects.get(version=1).bands.values_list("category", "review_at"))
    _calibrate()
    v2 = Policy.objects.get(version=2)
    assert v2.sentiment_review_below == 80
    assert sorted(v2.bands.values_list("category", "review_at")) == bands
    assert AuditEvent.objects.get(policy_version=2).note == "sentiment review below: 60 → 80"
    _calibrate()  # twice is once
    assert Policy.objects.count() == 2


@pytest.mark.django_db
def test_a_policy_an_admin_tuned_keeps_its_threshold() -> None:
    Policy.objects.filter(version=1).update(sentiment_review_below=55)
    _calibrate()
    assert list(Policy.objects.values_list("version", "sentiment_review_below")) == [(1, 55)]
