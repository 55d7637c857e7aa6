"""Text inside an image: read it (moderation/images/ocr), have it judged as feedback text is
(moderation/textsignals.py), and turn the verdict into policy signals named
`text_in_image:<SIGNAL>`, which have bands of their own.

A reader or judge that fails for good never lets an image through: the decision gains a
`text_unread` reason, so the image goes to a person (or stays rejected on its pixels).
A transient failure propagates, for the task to retry.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from moderation.images.ocr import get_text_reader
from moderation.images.ocr.base import ImageSource
from moderation.items.errors import AnalyzerError, TransientAnalyzerError
from moderation.items.models import ItemStatus
from moderation.policy.engine import REVIEW, Decision, PolicySnapshot, Reason, decide
from moderation.policy.labels import ModerationLabel
from moderation.policy.taxonomy import IMAGE_TEXT_PREFIX
from moderation.textsignals import text_signals

logger = logging.getLogger(__name__)

TEXT_UNREAD = "text_unread"
MAX_TEXT_CHARS = 5000  # what a moderator is shown and the analysis reads; posters say less
# OCR runs a word into the number after it ("Tlf91234567"), which hides the number from the
# personal-data finder; a letter followed by a digit is split before the text is judged.
_LETTER_THEN_DIGIT = re.compile(r"(?<=[^\W\d_])(?=\d)")


@dataclass(frozen=True)
class TextFindings:
    labels: tuple[ModerationLabel, ...] = ()
    masked_text: str = ""  # for moderators: personal data replaced by its type
    record: dict[str, object] = field(default_factory=dict)  # ImageUpload.text_analysis
    error: str = ""  # why the text could not be read or judged; "" when it was


def image_text_findings(source: ImageSource) -> TextFindings:
    """Read and judge the text in an image. Raises TransientAnalyzerError to be retried."""
    reader = get_text_reader()
    if reader is None:
        return TextFindings(record={"enabled": False})
    try:
        found = reader.read(source)
        text = _LETTER_THEN_DIGIT.sub(" ", found.text[:MAX_TEXT_CHARS])
        record: dict[str, object] = {
            "reader": found.reader,
            "model_version": found.model_version,
            "lines": len(found.lines),
        }
        if not text.strip():
            return TextFindings(record=record)
        verdict = text_signals().judge(text)
    except TransientAnalyzerError:
        raise
    except AnalyzerError as exc:
        return _unread(f"{exc}")
    except Exception as exc:
        # Never log the text: it may be personal data.
        logger.exception("reading the text of %s crashed", source.key)
        return _unread(f"{type(exc).__name__}: {exc}")
    record.update(
        analyzer=verdict.analyzer,
        analyzer_version=verdict.model_version,
        language=verdict.language,
        pii=list(verdict.pii_types),
        pii_checked=verdict.pii_checked,
    )
    labels = tuple(
        ModerationLabel(IMAGE_TEXT_PREFIX + signal.name, signal.confidence)
        for signal in verdict.signals
    )
    return TextFindings(labels=labels, masked_text=verdict.masked_text, record=record)


def _unread(error: str) -> TextFindings:
    return TextFindings(record={"error": error[:500]}, error=error[:500])


def image_decide(
    labels: Iterable[ModerationLabel], text_error: str, policy: PolicySnapshot
) -> Decision:
    """The policy's decision on the image's labels and its text's signals (both in `labels`),
    held back for a person when the text could not be read."""
    decision = decide(labels, policy)
    if not text_error:
        return decision
    reason = Reason(
        "text_in_image",
        None,
        REVIEW,
        None,
        detail=f"the text in the image could not be read: {text_error}",
        code=TEXT_UNREAD,
        params={"error": text_error},
    )
    outcome = (
        ItemStatus.REJECTED if decision.outcome == ItemStatus.REJECTED else ItemStatus.IN_REVIEW
    )
    return Decision(outcome, (*decision.reasons, reason), decision.policy_version)


def stored_text_error(record: Mapping[str, Any]) -> str:
    error = record.get("error") if isinstance(record, Mapping) else None
    return str(error) if error else ""
