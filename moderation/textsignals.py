"""Text signals: how the core has a piece of text judged without knowing who judges it.

Images can carry text ("I WILL KILL YOU" in large letters). What is read off an image goes
through the same text analysis as feedback (toxicity, personal data, the Nordic languages), but
the core may not import a kind: the feedback app registers its reader here from its
AppConfig.ready (`text_signals_register`), and images call `text_signals()`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from moderation.items.errors import AnalyzerError
from moderation.policy.labels import ModerationLabel


@dataclass(frozen=True)
class TextVerdict:
    """What the text analysis found in one text."""

    signals: tuple[ModerationLabel, ...]  # TOXICITY, VIOLENCE_OR_THREAT, … (0–100)
    # The text with each piece of personal data replaced by its type ("[EMAIL]"); "" when the
    # check for personal data failed, so that nothing shows the text in clear.
    masked_text: str
    pii_types: tuple[str, ...]  # the kinds of personal data found, e.g. ("EMAIL", "PHONE")
    pii_checked: bool
    language: str
    analyzer: str
    model_version: str
    extra: dict[str, object] = field(default_factory=dict)


class TextSignals(Protocol):
    def judge(self, text: str) -> TextVerdict:
        """Raises AnalyzerError (final) or TransientAnalyzerError (retry later)."""
        ...


_READER: list[TextSignals] = []


def text_signals_register(reader: TextSignals) -> None:
    """Install the text analysis (one at a time; registering again replaces it)."""
    _READER[:] = [reader]


def text_signals() -> TextSignals:
    """The registered text analysis. AnalyzerError when there is none: text that cannot be
    judged is never waved through."""
    if not _READER:
        raise AnalyzerError("no text analysis is installed to judge text found in images")
    return _READER[0]
