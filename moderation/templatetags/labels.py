"""Codes as words in the active language, for templates (see moderation/review/reasons.py)."""

from __future__ import annotations

from django import template
from django.conf import settings

from moderation import i18n
from moderation.items.models import AuditSubject, ItemStatus
from moderation.kinds import kind_label
from moderation.review import reasons

register = template.Library()


@register.filter
def reason_text(reason: object) -> str:
    """A stored reason dict as a sentence: {{ reason|reason_text }}."""
    return reasons.reason_text(reason)


@register.filter
def review_reason(code: str) -> str:
    """A moderator's reason code: "false_positive" → "false positive"."""
    return reasons.review_reason_name(str(code))


@register.filter
def sentiment_name(sentiment: str | None) -> str:
    return reasons.sentiment_name(sentiment)


@register.filter
def queue_reason(reason: str | None) -> str:
    """Why an entry is queued: an analyzer's label as it is, a rule's name translated."""
    return reasons.queue_reason_name(reason)


@register.filter
def audit_action(action: str) -> str:
    return reasons.audit_action_name(str(action))


@register.filter
def language_name(code: str | None) -> str:
    """An ISO 639-1 code as a language name: "sv" → "Swedish"."""
    return i18n.language_name(code)


@register.filter
def percent(value: object) -> str:
    """A confidence as "87.0 %" ("87,0 %" in Norwegian)."""
    return reasons.percent(value)


@register.simple_tag
def language_choices() -> list[tuple[str, str]]:
    """The interface languages, each named in itself ("Norsk bokmål", not "Norwegian")."""
    return list(settings.LANGUAGES)


@register.filter
def item_kind(kind: str) -> str:
    """ "image" → "Image" ("Bilde" in Norwegian), from the kind's registration; an audit
    subject that is no item ("policy"), by its name; an unknown kind as it is."""
    if kind in AuditSubject.values:
        return str(AuditSubject(kind).label)
    return kind_label(kind)


@register.filter
def item_status(status: str) -> str:
    """ "in_review" → "in review" ("til vurdering" in Norwegian)."""
    return str(ItemStatus(status).label) if status in ItemStatus.values else str(status)
