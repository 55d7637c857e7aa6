"""The feedback app's text analysis, offered to the core for text found in images.

Registered from `FeedbackConfig.ready` as the core's `TextSignals`: the same analyzer
(toxicity, including Nordic abuse) and the same personal-data floor as a feedback message, so
a threat painted on a picture is read as the same threat typed into the feedback form.
"""

from __future__ import annotations

from feedback.analyzers import get_text_analyzer
from feedback.pii.floor import pii_fields, stored_entities
from moderation.policy.labels import ModerationLabel
from moderation.textsignals import TextVerdict


class FeedbackTextSignals:
    def judge(self, text: str) -> TextVerdict:
        analysis = get_text_analyzer().analyze(text)
        # The floor's findings with the service's on top, masked as feedback text is masked.
        fields = pii_fields(text, analysis.pii)
        checked = fields["pii_checked_at"] is not None
        rows = fields["pii"]
        found = stored_entities(rows if isinstance(rows, list) else [])
        return TextVerdict(
            signals=tuple(ModerationLabel(t.name, t.confidence) for t in analysis.toxicity),
            masked_text=str(fields["redacted_text"]) if checked else "",
            pii_types=tuple(sorted({entity.type for entity in found})),
            pii_checked=checked,
            language=analysis.language,
            analyzer=analysis.analyzer,
            model_version=analysis.model_version,
        )
