from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "feedback"
    verbose_name = _("Feedback")

    def ready(self) -> None:
        # The moderation core knows no kind: feedback makes itself known to it.
        from feedback.image_text import FeedbackTextSignals
        from feedback.kind import FeedbackKind
        from moderation.kinds import kind_register
        from moderation.textsignals import text_signals_register

        kind_register(FeedbackKind())
        # Text found in images is judged as feedback text is (moderation/textsignals.py).
        text_signals_register(FeedbackTextSignals())
