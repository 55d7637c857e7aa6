"""Telling a submitter what a moderator decided, by e-mail, in the submitter's language."""

from __future__ import annotations

import logging

from django.core.mail import send_mail
from django.utils import translation
from django.utils.translation import gettext

from moderation.i18n import language_for_user
from moderation.items.models import AnalysedItem, ItemStatus
from moderation.kinds import kind_get
from moderation.review.reasons import review_reason_name

logger = logging.getLogger(__name__)


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
