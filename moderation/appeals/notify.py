"""Telling a submitter the outcome of their appeal, by e-mail, in their language."""

from __future__ import annotations

import logging
import uuid

from django.core.mail import send_mail
from django.utils import translation
from django.utils.translation import gettext

from moderation.appeals.models import Appeal, AppealState
from moderation.i18n import language_for_user
from moderation.kinds import kind_get, kind_label

logger = logging.getLogger(__name__)


def appeal_email(*, kind: str, overturned: bool, item_id: str, note: str) -> tuple[str, str]:
    """Subject and body of an appeal's outcome, in the active language."""
    if overturned:
        subject = gettext("Your appeal was accepted")
        outcome = gettext("A moderator reviewed your appeal and approved your %(kind)s (%(id)s).")
    else:
        subject = gettext("Your appeal was turned down")
        outcome = gettext(
            "A moderator reviewed your appeal; the rejection of your %(kind)s (%(id)s) stands."
        )
    lines = [outcome % {"kind": kind_label(kind).lower(), "id": item_id}]
    if note:
        lines.append(gettext("Note from the moderator: %(note)s") % {"note": note})
    return subject, "\n".join(lines)


def appeal_notify(*, appeal_id: uuid.UUID) -> bool:
    """E-mail the item's submitter the verdict, if they have an address; a failed e-mail never
    undoes a verdict. Returns whether one was sent."""
    appeal = Appeal.objects.filter(id=appeal_id).select_related("submitter").first()
    if appeal is None or appeal.state == AppealState.OPEN:
        return False
    item = kind_get(appeal.kind).model._default_manager.filter(id=appeal.item_id).first()
    person = getattr(item, kind_get(appeal.kind).owner_field) if item else None
    if person is None or not person.email:
        return False
    with translation.override(language_for_user(person)):
        subject, body = appeal_email(
            kind=appeal.kind,
            overturned=appeal.state == AppealState.OVERTURNED,
            item_id=str(appeal.item_id),
            note=appeal.note,
        )
    try:
        send_mail(subject, body, None, [person.email])
    except Exception:
        logger.exception("could not notify %s about appeal %s", person.email, appeal.id)
        return False
    return True
