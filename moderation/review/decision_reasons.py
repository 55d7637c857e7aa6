"""Which reason codes fit which decision: an approval carries an approve reason ("ok", "false
positive"), a rejection a reject reason ("nudity", "spam", …), so a submitter is never told
their item was refused because it was "ok". Both lists are settings
(REVIEW_APPROVE_REASON_CODES, REVIEW_REJECT_REASON_CODES), read when used."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext

from moderation.review.reasons import review_reason_guidance, review_reason_name
from project.errors import BadInput

# The decisions' names as the forms and the API send them (services.APPROVE / REJECT).
_APPROVE = "approve"
_REJECT = "reject"


def reason_codes(decision: str) -> list[str]:
    """The codes a decision may carry; none for a decision that is neither."""
    if decision == _APPROVE:
        return list(settings.REVIEW_APPROVE_REASON_CODES)
    if decision == _REJECT:
        return list(settings.REVIEW_REJECT_REASON_CODES)
    return []


def reason_codes_all() -> list[str]:
    """Every code, approve codes first, each once (the API's choices)."""
    codes = [*settings.REVIEW_APPROVE_REASON_CODES, *settings.REVIEW_REJECT_REASON_CODES]
    return list(dict.fromkeys(codes))


def reason_check(*, decision: str, reason: str) -> None:
    """BadInput naming `reason` unless it is one of the decision's own codes."""
    codes = reason_codes(decision)
    if reason in codes:
        return
    values = {"codes": ", ".join(codes)}
    if decision == _APPROVE:
        message = gettext("reason must be one of %(codes)s to approve") % values
    else:
        message = gettext("reason must be one of %(codes)s to reject") % values
    raise BadInput(message, field="reason")


def reason_or_default(*, decision: str, reason: str) -> str:
    """The web forms' reason: an approval without one chosen is approved as the first approve
    code, so approving stays one key; a rejection must choose (it has no default)."""
    if reason or decision != _APPROVE:
        return reason
    return reason_codes(_APPROVE)[0]


def reason_choices() -> list[dict[str, str | int]]:
    """The forms' choices, approve codes first, numbered: each with its name, its one line of
    guidance, the decision it belongs to and its key on the item page (1–9, then 0 for the
    tenth; a longer list's others are chosen in the list itself)."""
    choices: list[dict[str, str | int]] = []
    for decision in (_APPROVE, _REJECT):
        for code in reason_codes(decision):
            number = len(choices) + 1
            choices.append(
                {
                    "code": code,
                    "name": review_reason_name(code),
                    "guidance": review_reason_guidance(code),
                    "decision": decision,
                    "number": number,
                    "key": str(number % 10) if number <= 10 else "",
                }
            )
    return choices
