"""Appeals in the API: what a submitter sends and sees, and what moderators see."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from moderation.appeals.models import MAX_MESSAGE_CHARS, Appeal
from moderation.appeals.selectors import appeal_for
from moderation.appeals.services import MAX_NOTE_CHARS, VERDICTS
from moderation.items.models import AnalysedItem
from moderation.kinds import kinds_all


class AppealInputSerializer(serializers.Serializer[dict[str, object]]):
    """For the schema: the service checks the message, so the page and the API say the same."""

    message = serializers.CharField(
        help_text=f"Why the rejection is wrong; 1 to {MAX_MESSAGE_CHARS} characters."
    )


class AppealSerializer(serializers.ModelSerializer[Appeal]):
    """An appeal as its submitter sees it: no moderator's name."""

    class Meta:
        model = Appeal
        fields = ["id", "state", "message", "created_at", "handled_at", "note"]


class AppealFields(serializers.Serializer[Any]):
    """`appeal` for a kind's item serializer: the item's appeal, or null."""

    appeal = serializers.SerializerMethodField(
        help_text="The submitter's appeal of the rejection and its outcome; null if none."
    )

    @extend_schema_field(AppealSerializer(allow_null=True))
    def get_appeal(self, item: AnalysedItem) -> dict[str, Any] | None:
        appeal = appeal_for(item)
        return AppealSerializer(appeal).data if appeal is not None else None


class ModeratorAppealSerializer(serializers.ModelSerializer[Appeal]):
    rejected_by_moderator: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )
    handled_by: serializers.SlugRelatedField[User] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )

    class Meta:
        model = Appeal
        fields = [
            "id", "kind", "item_id", "state", "message", "created_at", "rejected_by",
            "rejected_by_moderator", "rejected_at", "handled_by", "handled_at", "note",
        ]  # fmt: skip


class AppealVerdictSerializer(serializers.Serializer[dict[str, object]]):
    verdict = serializers.ChoiceField(choices=sorted(VERDICTS))
    # The length is checked by the service, so the API and the page refuse with one message.
    note = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text=f"Sent to the submitter; at most {MAX_NOTE_CHARS} characters.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The kinds' own decision inputs (feedback's sentiment) for an overturn, all optional.
        for kind in kinds_all():
            for name, field in kind.decision_fields().items():
                self.fields.setdefault(name, field)
