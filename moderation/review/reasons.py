"""Reasons and codes as people read them, in the active language.

Decisions are stored with machine-readable reasons (`{"label", "confidence", "band",
"threshold", "category", "detail"?}`, and for rules that are not a label's band also `"code"`
and `"params"`); moderators' decisions carry a reason code that fits the decision
(decision_reasons.py). Pages, e-mails and the API turn them into words here, and only here, so
every screen says the same.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from django.template.defaultfilters import floatformat
from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_lazy, pgettext_lazy

from moderation.i18n import language_list, language_name

# Display names of the moderators' reason codes (REVIEW_APPROVE_REASON_CODES and
# REVIEW_REJECT_REASON_CODES). A code an admin adds
# without a name here is shown as its words: "self_harm" → "self harm".
REVIEW_REASON_NAMES: Mapping[str, Promise] = {
    "ok": pgettext_lazy("decision reason", "OK"),
    "false_positive": pgettext_lazy("decision reason", "false positive"),
    "nudity": pgettext_lazy("decision reason", "nudity"),
    "violence": pgettext_lazy("decision reason", "violence"),
    "hate": pgettext_lazy("decision reason", "hate"),
    "harassment": pgettext_lazy("decision reason", "harassment"),
    "spam": pgettext_lazy("decision reason", "spam"),
    "personal_data": pgettext_lazy("decision reason", "personal data"),
    "illegal": pgettext_lazy("decision reason", "illegal content"),
    "other": pgettext_lazy("decision reason", "other"),
}

# One line each on when a reason fits, shown next to the choice. A code an admin adds has none.
REVIEW_REASON_GUIDANCE: Mapping[str, Promise] = {
    "ok": gettext_lazy("Nothing wrong with it: publish."),
    "false_positive": gettext_lazy("The analyzer flagged something that is not there."),
    "nudity": gettext_lazy("Nudity or sexual content."),
    "violence": gettext_lazy("Violence, gore or threats of harm."),
    "hate": gettext_lazy("Attacks people for who they are: origin, religion, gender, …"),
    "harassment": gettext_lazy("Bullies, insults or targets a person."),
    "spam": gettext_lazy("Advertising, scams or repeated junk."),
    "personal_data": gettext_lazy("Shows someone's personal data: names, numbers, addresses."),
    "illegal": gettext_lazy("Content that is against the law."),
    "other": gettext_lazy("Not acceptable for another reason: say why in the note."),
}

SENTIMENT_NAMES: Mapping[str, Promise] = {
    "positive": pgettext_lazy("sentiment", "positive"),
    "negative": pgettext_lazy("sentiment", "negative"),
    "neutral": pgettext_lazy("sentiment", "neutral"),
    "mixed": pgettext_lazy("sentiment", "mixed"),
}

# Why an entry is in the queue (ReviewItem.reason) when it is not an analyzer's label.
QUEUE_REASON_NAMES: Mapping[str, Promise] = {
    "error": gettext_lazy("analysis failed"),
    "analysis_error": gettext_lazy("analysis failed"),
    "language": pgettext_lazy("queue reason", "language"),
    "sentiment": pgettext_lazy("queue reason", "sentiment"),
    "personal_data": pgettext_lazy("queue reason", "personal data"),
    "text_in_image": pgettext_lazy("queue reason", "text in the image"),
    "unknown": pgettext_lazy("queue reason", "unknown"),
    "hash_match": pgettext_lazy("queue reason", "matches a rejected image"),
    "hash_error": pgettext_lazy("queue reason", "image hash failed"),
}

AUDIT_ACTION_NAMES: Mapping[str, Promise] = {
    "analysis": gettext_lazy("machine analysis"),
    "decision": gettext_lazy("moderator decision"),
    "undo": gettext_lazy("undo"),
    "skip": gettext_lazy("skipped"),
    "escalate": gettext_lazy("sent for a second opinion"),
    "take_over": gettext_lazy("claim taken over"),
    "sentiment": gettext_lazy("sentiment change"),
    "reveal_pii": gettext_lazy("personal data revealed"),
    "policy_change": gettext_lazy("policy change"),
    "login_lockout": gettext_lazy("sign-in lock-out"),
    "appeal": gettext_lazy("appealed by the submitter"),
    "appeal_upheld": gettext_lazy("appeal: rejection upheld"),
    "appeal_overturned": gettext_lazy("appeal: rejection overturned"),
}


def readable_code(code: str) -> str:
    return code.replace("_", " ").strip()


def review_reason_name(code: str) -> str:
    """A moderator's reason code for people: "false_positive" → "false positive"."""
    name = REVIEW_REASON_NAMES.get(code)
    return str(name) if name is not None else readable_code(code)


def review_reason_guidance(code: str) -> str:
    guidance = REVIEW_REASON_GUIDANCE.get(code)
    return str(guidance) if guidance is not None else ""


def sentiment_name(sentiment: str | None) -> str:
    if not sentiment:
        return ""
    name = SENTIMENT_NAMES.get(sentiment)
    return str(name) if name is not None else readable_code(sentiment)


def queue_reason_name(reason: str | None) -> str:
    """ReviewItem.reason (an analyzer's label, or a rule) for the queue and the stats."""
    if not reason:
        return ""
    name = QUEUE_REASON_NAMES.get(reason)
    return str(name) if name is not None else reason


def audit_action_name(action: str) -> str:
    name = AUDIT_ACTION_NAMES.get(action)
    return str(name) if name is not None else readable_code(action)


def percent(value: object, decimals: int = 1) -> str:
    """87.04 → "87.0 %" ("87,0 %" in Norwegian). A negative `decimals` drops a ".0"."""
    return gettext("%(number)s %%") % {"number": floatformat(value, decimals)}


def _threshold(value: object) -> str:
    return percent(value, -1)


# One sentence per code of a feedback rule; params are formatted by _PARAM_FORMATS first.
REASON_SENTENCES: Mapping[str, Promise] = {
    "sentiment_uncertain": gettext_lazy(
        "Uncertain sentiment: %(sentiment)s at %(confidence)s is below the review threshold "
        "of %(threshold)s."
    ),
    "sentiment_invalid": gettext_lazy("The sentiment scores are not percentages from 0 to 100."),
    "language_unsupported": gettext_lazy("The text analyzer does not support %(language)s."),
    "language_uncertain": gettext_lazy(
        "The language could not be told with certainty (best guess: %(language)s)."
    ),
    "no_words": gettext_lazy("No words to analyse: only emoji, digits or punctuation."),
    "mixed_languages": gettext_lazy("The text mixes languages: %(languages)s."),
    "pii_check_failed": gettext_lazy(
        "The check for personal data failed, so the text is kept out of every filed document."
    ),
    "hash_match": gettext_lazy(
        "Matches rejected image %(image)s: %(distance)s of 256 bits differ (the policy matches "
        "up to %(max_distance)s)."
    ),
    "hash_failed": gettext_lazy(
        "The image's perceptual hash could not be computed (%(error)s), so the hash bank was "
        "not checked."
    ),
    "text_unread": gettext_lazy(
        "The text in the image could not be read or judged (%(error)s): a person checks it."
    ),
}
# Stored reasons written before the sentiment's name was kept apart from the sentence.
_SENTIMENT_WITHOUT_NAME = gettext_lazy(
    "Uncertain sentiment: the top sentiment's %(confidence)s is below the review threshold "
    "of %(threshold)s."
)

_PARAM_FORMATS: Mapping[str, Callable[[Any], str]] = {
    "sentiment": sentiment_name,
    "confidence": percent,
    "threshold": _threshold,
    "language": language_name,
    "languages": lambda codes: language_list(codes if isinstance(codes, list) else [codes]),
}
_LEGACY_SENTIMENT = re.compile(r"sentiment '(\w+)' is uncertain")


def reason_text(reason: object) -> str:
    """One stored reason as a sentence in the active language.

    A rule's reason has a `code` with a sentence of its own; a label's band reads like
    "Explicit 87.0 % ≥ reject threshold 85 %"; a failed analysis gives its error. Anything
    else (a code this version does not know, a malformed reason) falls back to its `detail`.
    """
    if not isinstance(reason, Mapping):
        return str(reason)
    code = reason.get("code")
    if not code and reason.get("label") == "sentiment" and reason.get("threshold") is not None:
        code = "sentiment_uncertain"  # stored before reasons had codes
    if isinstance(code, str) and code in REASON_SENTENCES:
        sentence = _coded_sentence(code, reason)
        if sentence:
            return sentence
    if "error" in reason:
        return gettext("Analysis failed: %(error)s") % {"error": reason.get("error")}
    if not code and _is_band(reason):
        return _band_sentence(reason)
    label = str(reason.get("label") or "")
    detail = str(reason.get("detail") or "")
    if label and detail:
        values = {"label": queue_reason_name(label), "detail": detail}
        return gettext("%(label)s: %(detail)s") % values
    return detail or queue_reason_name(label) or gettext("No reason recorded.")


def _coded_sentence(code: str, reason: Mapping[str, Any]) -> str:
    params = reason.get("params")
    params = dict(params) if isinstance(params, Mapping) else {}
    if code == "sentiment_uncertain":
        # The band's fields hold the numbers when the params do not.
        params.setdefault("confidence", reason.get("confidence"))
        params.setdefault("threshold", reason.get("threshold"))
        if "sentiment" not in params:
            legacy = _LEGACY_SENTIMENT.search(str(reason.get("detail") or ""))
            if legacy is None:
                return _format(str(_SENTIMENT_WITHOUT_NAME), params)
            params["sentiment"] = legacy.group(1)
    return _format(str(REASON_SENTENCES[code]), params)


def _format(template: str, params: Mapping[str, Any]) -> str:
    """The sentence, or "" if the stored params do not fit it (then the detail is shown)."""
    try:
        shown = {
            name: _PARAM_FORMATS.get(name, str)(value)
            for name, value in params.items()
            if value is not None
        }
        return template % shown
    except (KeyError, TypeError, ValueError):
        return ""


def _is_band(reason: Mapping[str, Any]) -> bool:
    return reason.get("band") in ("review", "reject") and all(
        isinstance(reason.get(name), int | float) and not isinstance(reason.get(name), bool)
        for name in ("confidence", "threshold")
    )


def _band_sentence(reason: Mapping[str, Any]) -> str:
    values = {
        "label": reason.get("label") or "",
        "confidence": percent(reason["confidence"]),
        "threshold": _threshold(reason["threshold"]),
    }
    if reason["band"] == "reject":
        sentence = gettext("%(label)s %(confidence)s ≥ reject threshold %(threshold)s") % values
    else:
        sentence = gettext("%(label)s %(confidence)s ≥ review threshold %(threshold)s") % values
    category = reason.get("category")
    if not category:
        return gettext("%(sentence)s (default band)") % {"sentence": sentence}
    if category != reason.get("label"):
        return gettext("%(sentence)s (band of %(category)s)") % {
            "sentence": sentence,
            "category": category,
        }
    return sentence
