"""`/api/v1/reviews/…`: the review queue for moderators."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from moderation.access import user_is_moderator
from moderation.items.serializers import ReasonSerializer
from moderation.kinds import kind_names, kinds_all
from moderation.review import handoff
from moderation.review import services as reviews
from moderation.review.decision_reasons import reason_codes_all
from moderation.review.models import ReviewItem
from moderation.review.selectors import (
    AGE_FILTERS,
    QUEUE_SORTS,
    QueueFilters,
    review_items_attach,
    review_queue,
)
from moderation.review.undo import review_undo
from project import api_errors


class IsModerator(BasePermission):
    message = gettext_lazy("Only moderators may use the review queue.")

    def has_permission(self, request: Request, view: APIView) -> bool:
        return user_is_moderator(request.user)


class ReviewItemSerializer(serializers.ModelSerializer[ReviewItem]):
    item_id = serializers.SerializerMethodField()
    status = serializers.SerializerMethodField()
    reasons = serializers.SerializerMethodField()
    claimed_by: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )
    escalated_by: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )

    class Meta:
        model = ReviewItem
        fields = [
            "id", "kind", "item_id", "status", "reason", "priority", "reasons", "created_at",
            "claimed_by", "claimed_at", "claim_renewed_at", "claim_expires_at", "resolved_at",
            "escalated_at", "escalated_by", "escalation_note",
        ]  # fmt: skip

    def get_item_id(self, entry: ReviewItem) -> str:
        return str(entry.item_id)

    def get_status(self, entry: ReviewItem) -> str:
        return entry.item.status if entry.item else ""

    @extend_schema_field(ReasonSerializer(many=True))
    def get_reasons(self, entry: ReviewItem) -> list[object]:
        return list(entry.item.reasons) if entry.item else []


class DecisionSerializer(serializers.Serializer[dict[str, object]]):
    decision = serializers.ChoiceField(choices=sorted(reviews.OUTCOMES))
    reason = serializers.ChoiceField(choices=[])
    # The length is checked by review_decide, so the API and the web form refuse with one message.
    note = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text=f"Sent to the submitter; at most {reviews.MAX_NOTE_CHARS} characters.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Read when used, not at import: the codes are a setting (and the schema shows them).
        self.fields["reason"] = serializers.ChoiceField(choices=reason_codes_all())
        # Inputs of the registered kinds' own (feedback's sentiment), all optional.
        for kind in kinds_all():
            for name, field in kind.decision_fields().items():
                self.fields.setdefault(name, field)


REFUSALS = {
    401: api_errors.UNAUTHENTICATED,
    403: api_errors.NOT_MODERATOR,
    404: api_errors.NOT_FOUND,
    409: api_errors.detail("Another moderator holds the item, or it is already decided."),
}


class ReviewList(ListAPIView[ReviewItem]):
    permission_classes = [IsModerator]
    serializer_class = ReviewItemSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter("kind", enum=kind_names()),
            OpenApiParameter("reason", description="Only entries queued for this reason."),
            OpenApiParameter("older_than", enum=list(AGE_FILTERS)),
            OpenApiParameter("sort", enum=list(QUEUE_SORTS)),
            OpenApiParameter(
                "queue",
                enum=["escalated"],
                description="The second-opinion queue (senior moderators only; ignored for "
                "others).",
            ),
        ],
        responses={
            200: ReviewItemSerializer(many=True),
            401: api_errors.UNAUTHENTICATED,
            403: api_errors.NOT_MODERATOR,
        },
    )
    def get(self, request: Request, *args: object, **kwargs: object) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[ReviewItem]:
        filters = QueueFilters.from_query(self.request.query_params)
        return review_queue(filters.for_moderator(self.request.user))  # type: ignore[arg-type]

    def paginate_queryset(self, queryset: QuerySet[ReviewItem, Any] | Sequence[Any]) -> Any:
        # Each entry's item, one query per kind for the whole page.
        page = super().paginate_queryset(queryset)
        return review_items_attach(page) if page is not None else None


class ReviewClaim(APIView):
    permission_classes = [IsModerator]

    @extend_schema(request=None, responses={200: ReviewItemSerializer, **REFUSALS})
    def post(self, request: Request, review_id: uuid.UUID) -> Response:
        entry = reviews.review_claim(review_id=review_id, moderator=request.user)  # type: ignore[arg-type]
        return Response(ReviewItemSerializer(entry).data)


class ReviewDecision(APIView):
    permission_classes = [IsModerator]

    @extend_schema(
        request=DecisionSerializer,
        responses={
            200: ReviewItemSerializer,
            400: api_errors.FIELD_ERRORS,
            **REFUSALS,
            503: api_errors.detail("The file store did not answer; nothing was decided."),
        },
    )
    def post(self, request: Request, review_id: uuid.UUID) -> Response:
        form = DecisionSerializer(data=request.data)
        if not form.is_valid():
            return Response(form.errors, status=status.HTTP_400_BAD_REQUEST)
        entry = reviews.review_decide(
            review_id=review_id,
            moderator=request.user,  # type: ignore[arg-type]
            **form.validated_data,
        )
        return Response(ReviewItemSerializer(entry).data)


class ReviewUndo(APIView):
    """Undo this moderator's decision within REVIEW_UNDO_SECONDS: the item is open again."""

    permission_classes = [IsModerator]

    @extend_schema(request=None, responses={200: ReviewItemSerializer, **REFUSALS})
    def post(self, request: Request, review_id: uuid.UUID) -> Response:
        entry = review_undo(review_id=review_id, moderator=request.user)  # type: ignore[arg-type]
        return Response(ReviewItemSerializer(entry).data)


class EscalationSerializer(serializers.Serializer[dict[str, object]]):
    # Required and checked by review_escalate, so the API and the page refuse with one message.
    note = serializers.CharField(
        allow_blank=True,
        help_text=f"What the senior moderator should look at; 1 to {reviews.MAX_NOTE_CHARS} "
        "characters.",
    )


class ReviewRelease(APIView):
    """Give up this moderator's claim: the item is free for anyone. 409 if they do not hold it."""

    permission_classes = [IsModerator]

    @extend_schema(request=None, responses={200: ReviewItemSerializer, **REFUSALS})
    def post(self, request: Request, review_id: uuid.UUID) -> Response:
        entry = reviews.review_release(review_id=review_id, moderator=request.user)  # type: ignore[arg-type]
        return Response(ReviewItemSerializer(entry).data)


class ReviewTakeOver(APIView):
    """Take over an item whose holder has not renewed the claim for
    REVIEW_CLAIM_STALE_SECONDS (a free item is simply claimed). 409 while the holder is
    active."""

    permission_classes = [IsModerator]

    @extend_schema(request=None, responses={200: ReviewItemSerializer, **REFUSALS})
    def post(self, request: Request, review_id: uuid.UUID) -> Response:
        entry = reviews.review_take_over(review_id=review_id, moderator=request.user)  # type: ignore[arg-type]
        return Response(ReviewItemSerializer(entry).data)


class ReviewSkip(APIView):
    """Pass on an item: this moderator's claim is released, and claim-next does not hand it
    back to them for REVIEW_SKIP_SECONDS."""

    permission_classes = [IsModerator]

    @extend_schema(request=None, responses={200: ReviewItemSerializer, **REFUSALS})
    def post(self, request: Request, review_id: uuid.UUID) -> Response:
        entry = handoff.review_skip(review_id=review_id, moderator=request.user)  # type: ignore[arg-type]
        return Response(ReviewItemSerializer(entry).data)


class ReviewEscalate(APIView):
    """Send an item for a second opinion, with a note: from then on only senior moderators see
    and decide it. 409 if it is decided, already escalated or held by someone else."""

    permission_classes = [IsModerator]

    @extend_schema(
        request=EscalationSerializer,
        responses={200: ReviewItemSerializer, 400: api_errors.FIELD_ERRORS, **REFUSALS},
    )
    def post(self, request: Request, review_id: uuid.UUID) -> Response:
        form = EscalationSerializer(data=request.data)
        if not form.is_valid():
            return Response(form.errors, status=status.HTTP_400_BAD_REQUEST)
        entry = handoff.review_escalate(
            review_id=review_id,
            moderator=request.user,  # type: ignore[arg-type]
            note=form.validated_data["note"],
        )
        return Response(ReviewItemSerializer(entry).data)
