"""A VADER-style reading of a text: how positive and negative its words are, and how many of
its words carry any sentiment at all.

Both offline sentiment readers produce a `Polarity`: VADER for English, asent's lexicons for
the Nordic languages (asent is VADER's method on other lexicons). The calibration turns it into
the four scores the policy reads.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

# VADER's constants (Hutto and Gilbert, 2014): the normalisation of the summed valences into
# −1…1, and the emphasis one "!" adds (at most four count).
ALPHA = 15.0
EXCLAMATION = 0.292
MAX_EXCLAMATIONS = 4


@dataclass(frozen=True)
class Polarity:
    compound: float  # −1 … 1, VADER's overall verdict
    positive: float  # shares of the text that read positive, negative and neutral (sum 1)
    negative: float
    neutral: float
    hits: int  # words or phrases that carry sentiment
    words: int
    question: bool  # the text asks something
    exclamations: int

    def as_dict(self) -> dict[str, float | int | bool]:
        return {
            "compound": round(self.compound, 4),
            "pos": round(self.positive, 4),
            "neg": round(self.negative, 4),
            "neu": round(self.neutral, 4),
            "hits": self.hits,
            "words": self.words,
            "question": self.question,
            "exclamations": self.exclamations,
        }


def normalize(total: float) -> float:
    return max(-1.0, min(1.0, total / math.sqrt(total * total + ALPHA)))


def polarity_of(valences: Iterable[float], *, words: int, text: str) -> Polarity:
    """VADER's aggregation of per-word valences (0 for words without sentiment).

    `valences` holds one value per word, negation and intensity already applied, plus one per
    phrase that carries sentiment as a whole."""
    values = list(valences)
    total = sum(values)
    exclamations = min(text.count("!"), MAX_EXCLAMATIONS)
    if total:
        total += math.copysign(exclamations * EXCLAMATION, total)
    # VADER's shares: each sentiment word counts its valence plus one, a neutral word one.
    positive = sum(v + 1 for v in values if v > 0)
    negative = sum(1 - v for v in values if v < 0)
    neutral = sum(1 for v in values if v == 0)
    whole = positive + negative + neutral
    return Polarity(
        compound=normalize(total),
        positive=positive / whole if whole else 0.0,
        negative=negative / whole if whole else 0.0,
        neutral=neutral / whole if whole else 0.0,
        hits=sum(1 for v in values if v != 0),
        words=words,
        question="?" in text,
        exclamations=exclamations,
    )
