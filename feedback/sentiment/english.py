"""English sentiment, offline: VADER's reading of the text as a `Polarity`."""

from __future__ import annotations

import re
from functools import cached_property
from typing import TYPE_CHECKING

from feedback.sentiment.polarity import MAX_EXCLAMATIONS, Polarity

if TYPE_CHECKING:
    from vaderSentiment.vaderSentiment import (  # type: ignore[import-untyped]
        SentimentIntensityAnalyzer,
    )

_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")


class EnglishSentiment:
    @cached_property
    def vader(self) -> SentimentIntensityAnalyzer:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

        return SentimentIntensityAnalyzer()

    def polarity(self, text: str) -> Polarity:
        scores = self.vader.polarity_scores(text)
        words = [word.lower() for word in _WORD.findall(text.replace("’", "'"))]
        lexicon = self.vader.lexicon
        hits = sum(1 for word in words if word in lexicon)
        return Polarity(
            compound=scores["compound"],
            positive=scores["pos"],
            negative=scores["neg"],
            neutral=scores["neu"],
            hits=hits,
            words=len(words),
            question="?" in text,
            exclamations=min(text.count("!"), MAX_EXCLAMATIONS),
        )
