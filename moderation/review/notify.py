"""Telling a submitter what a moderator decided, by e-mail, in the submitter's language."""

from __future__ import annotations

import logging

from celery import current_app
from django.conf import settings
from django.core.mail import send_mail
from django.utils import translation
from django.utils.translation import gettext

from moderation.i18n import language_for_user
from moderation.items.models import AnalysedItem, AuditEvent, ItemStatus
from moderation.kinds import kind_get
from moderation.review.reasons import review_reason_name

logger = logging.getLogger(__name__)


# The job that sends a decision's e-mail when its undo window closes (moderation/review/tasks.py).
NOTIFY_TASK = "review.notify_decision"


def decision_notify_later(*, event_id: int) -> None:
    """Queue the decision's e-mail for when REVIEW_UNDO_SECONDS have passed (at once without an
    undo window). If the broker does not take the job, the e-mail goes now: an undo can no
    longer cancel it, but it is never lost."""
    delay = settings.REVIEW_UNDO_SECONDS
    if delay > 0:
        try:
            current_app.send_task(NOTIFY_TASK, args=[event_id], countdown=delay)
            return
        except Exception:
            logger.warning("could not queue the e-mail of decision %s; sending it now", event_id)
    decision_notify_standing(event_id=event_id)


def decision_notify_standing(*, event_id: int) -> bool:
    """Send a moderator's decision to the submitter once its undo window has closed, if it still
    stands: the item's latest decision is this one and the item is still in its state (an undo
    puts it back in review; a new decision after an undo sends its own e-mail). Returns whether
    it was sent."""
    event = AuditEvent.objects.filter(id=event_id, action="decision").first()
    if event is None or event.item_id is None:
        return False
    latest = (
        AuditEvent.objects.filter(item_kind=event.item_kind, item_id=event.item_id)
        .filter(action="decision")
        .order_by("-created_at", "-id")
        .values_list("id", flat=True)
        .first()
    )
    item = kind_get(event.item_kind).model._default_manager.filter(id=event.item_id).first()
    if latest != event.id or item is None or item.status != event.to_status:
        return False
    first = event.reasons[0] if event.reasons and isinstance(event.reasons[0], dict) else {}
    decision_notify(item, event.to_status, str(first.get("reason", "")), event.note)
    return True


def decision_notify(item: AnalysedItem, outcome: str, reason: str, note: str) -> None:
    """Tell the submitter, if they have an address; a failed e-mail never undoes a decision.
    It is written in the submitter's language, whatever the moderator's is."""
    person = getattr(item, kind_get(item.KIND).owner_field)
    if person is None or not person.email:
        return
    with translation.override(language_for_user(person)):
        subject, body = decision_email(
            kind=item.KIND,
            approved=outcome == ItemStatus.APPROVED,
            item_id=str(item.id),
            reason=reason,
            note=note,
        )
    try:
        send_mail(subject, body, None, [person.email])
    except Exception:
        logger.exception("could not notify %s about %s %s", person.email, item.KIND, item.id)


def decision_email(
    *, kind: str, approved: bool, item_id: str, reason: str, note: str
) -> tuple[str, str]:
    """Subject and body telling a submitter a moderator's decision, in the active language."""
    subject = kind_get(kind).decision_subject(approved=approved)
    lines = [
        gettext("%(subject)s (%(id)s).") % {"subject": subject, "id": item_id},
        gettext("Reason: %(reason)s") % {"reason": review_reason_name(reason)},
    ]
    if note:
        lines.append(gettext("Note from the moderator: %(note)s") % {"note": note})
    return subject, "\n".join(lines)
