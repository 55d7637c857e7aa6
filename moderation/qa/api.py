"""`/api/v1/reviews/qa/…`: sampled machine decisions for moderators to check."""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from moderation.items.models import ItemStatus
from moderation.kinds import kind_get, kinds_all
from moderation.qa import services as qa
from moderation.qa.models import QaSample, QaVerdict
from moderation.qa.selectors import qa_queue
from moderation.review.api import IsModerator
from moderation.review.decision_reasons import reason_codes_all
from moderation.review.services import MAX_NOTE_CHARS
from project import api_errors


class QaSampleSerializer(serializers.ModelSerializer[QaSample]):
    item_id = serializers.SerializerMethodField()
    # Only final decisions are sampled (and the schema gets a choice set of its own).
    machine_status = serializers.ChoiceField(
        choices=[ItemStatus.APPROVED.value, ItemStatus.REJECTED.value], read_only=True
    )
    verdict_by = serializers.SlugRelatedField(slug_field="username", read_only=True)  # type: ignore[var-annotated]

    class Meta:
        model = QaSample
        fields = [
            "id", "kind", "item_id", "machine_status", "category", "confidence",
            "policy_version", "machine_decided_at", "sampled_at", "verdict", "verdict_by",
            "verdict_at", "note",
        ]  # fmt: skip

    def get_item_id(self, sample: QaSample) -> str:
        return str(sample.item_id)


class QaVerdictSerializer(serializers.Serializer[dict[str, object]]):
    verdict = serializers.ChoiceField(choices=QaVerdict.values)
    reason = serializers.ChoiceField(
        choices=[], required=False, help_text="Required to overturn: the new decision's reason."
    )
    note = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text=f"Sent to the submitter on an overturn; at most {MAX_NOTE_CHARS} characters.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"] = serializers.ChoiceField(
            choices=reason_codes_all(), required=False, help_text=self.fields["reason"].help_text
        )
        # The kinds' own inputs to a decision (feedback's sentiment), all optional.
        for kind in kinds_all():
            for name, field in kind.decision_fields().items():
                self.fields.setdefault(name, field)


REFUSALS = {
    401: api_errors.UNAUTHENTICATED,
    403: api_errors.NOT_MODERATOR,
    404: api_errors.NOT_FOUND,
    409: api_errors.detail(
        "The sample already has a verdict, or the item changed since the machine decided it."
    ),
}


class QaList(ListAPIView[QaSample]):
    """Samples waiting for a verdict, oldest first (not those of items you submitted)."""

    permission_classes = [IsModerator]
    serializer_class = QaSampleSerializer

    def get_queryset(self) -> QuerySet[QaSample]:
        return qa_queue(moderator=self.request.user).select_related("verdict_by")  # type: ignore[arg-type]


class QaVerdictView(APIView):
    """Check a sampled machine decision: "agree", or "overturn" (with a reason), which changes
    the item and tells its submitter. The first verdict wins; a second one is a 409."""

    permission_classes = [IsModerator]

    @extend_schema(
        request=QaVerdictSerializer,
        responses={
            200: QaSampleSerializer,
            400: api_errors.FIELD_ERRORS,
            **REFUSALS,
            503: api_errors.detail("The file store did not answer; nothing was changed."),
        },
    )
    def post(self, request: Request, sample_id: uuid.UUID) -> Response:
        form = QaVerdictSerializer(data=request.data)
        if not form.is_valid():
            return Response(form.errors, status=status.HTTP_400_BAD_REQUEST)
        data = form.validated_data
        sample, _item = qa.qa_sample_get(sample_id)
        # Only the sample's own kind's inputs: another kind's are ignored, as in a decision.
        own = kind_get(sample.kind).decision_fields()
        details = {name: data[name] for name in own if name in data}
        done = qa.qa_decide(
            sample_id=sample_id,
            moderator=request.user,  # type: ignore[arg-type]
            verdict=str(data["verdict"]),
            reason=str(data.get("reason") or ""),
            note=str(data.get("note") or ""),
            details=details,
        )
        return Response(QaSampleSerializer(done).data)
