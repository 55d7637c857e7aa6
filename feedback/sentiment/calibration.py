"""From a `Polarity` to the four sentiment scores the policy reads, as calibrated probabilities.

A lexicon's compound score is not a probability: "Hei, hvor er pakken min?" and "The zoom goes
up and down" both score 0 — one is a neutral question, the other an unknown. So the scores come
from a multinomial logistic regression over features of the reading (how polar, how many words
carry sentiment, how long, whether it asks something), fit on human-rated text by
`bench/fit_sentiment.py`, which writes the coefficients into `models/`. For English the
regression also reads the words themselves (TF-IDF of words and word pairs).

The top score is then the probability that the sentiment is right, as Comprehend's scores are
meant: a policy threshold of 80 files what is four times in five right or better.
"""

from __future__ import annotations

import itertools
import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from feedback.analyzers.base import SentimentScores
from feedback.sentiment.polarity import Polarity

MODELS = Path(__file__).resolve().parent / "models"
CLASSES = ("negative", "neutral", "positive")
# Two-sidedness (as in the earlier mapping): "mixed" takes the share of the opinion that has
# both sides, counted fully once both are at least MIXED_FULL, not at all below MIXED_FLOOR.
MIXED_FLOOR = 0.05
MIXED_FULL = 0.2
# sklearn's default token pattern: words of two or more word characters, lower-cased.
_TOKEN = re.compile(r"(?u)\b\w\w+\b")


def features(polarity: Polarity) -> list[float]:
    c = polarity.compound
    return [
        c,
        abs(c),
        polarity.positive,
        polarity.negative,
        polarity.neutral,
        min(polarity.positive, polarity.negative),
        math.log1p(polarity.hits),
        math.log1p(polarity.words),
        float(polarity.question),
        polarity.exclamations / 4,
        float(polarity.hits == 0),
    ]


FEATURE_COUNT = 11


@dataclass(frozen=True)
class Calibration:
    """Coefficients of a fitted multinomial logistic regression, classes in CLASSES order."""

    name: str
    coef: np.ndarray  # (3, FEATURE_COUNT + len(vocabulary))
    intercept: np.ndarray  # (3,)
    vocabulary: dict[str, int]  # word or "word word" → column after the features
    idf: np.ndarray  # (len(vocabulary),)

    def probabilities(self, polarity: Polarity, text: str) -> np.ndarray:
        x = np.asarray(features(polarity), dtype=np.float64)
        logits = self.coef[:, :FEATURE_COUNT] @ x + self.intercept
        if self.vocabulary:
            columns, values = self._tfidf(text)
            if columns:
                words = self.coef[:, FEATURE_COUNT:]
                logits = logits + words[:, columns] @ values
        logits -= logits.max()
        exps = np.exp(logits)
        return np.asarray(exps / exps.sum())

    def _tfidf(self, text: str) -> tuple[list[int], np.ndarray]:
        # As sklearn's TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True): 1 + ln(count)
        # times idf, then scaled to unit length.
        tokens = _TOKEN.findall(text.lower())
        grams = tokens + [f"{a} {b}" for a, b in itertools.pairwise(tokens)]
        counts: dict[int, int] = {}
        for gram in grams:
            column = self.vocabulary.get(gram)
            if column is not None:
                counts[column] = counts.get(column, 0) + 1
        if not counts:
            return [], np.zeros(0)
        columns = list(counts)
        values = np.array([(1 + math.log(counts[c])) * self.idf[c] for c in columns])
        return columns, values / np.linalg.norm(values)

    def scores(self, polarity: Polarity, text: str) -> SentimentScores:
        negative, neutral, positive = (float(p) for p in self.probabilities(polarity, text))
        two_sided = two_sidedness(polarity.positive, polarity.negative)
        mixed = two_sided * (positive + negative)
        return SentimentScores(
            positive=round(100 * positive * (1 - two_sided), 2),
            negative=round(100 * negative * (1 - two_sided), 2),
            neutral=round(100 * neutral, 2),
            mixed=round(100 * mixed, 2),
        )


def two_sidedness(positive: float, negative: float) -> float:
    weaker, stronger = sorted((positive, negative))
    if stronger <= 0:
        return 0.0
    weight = min(max((weaker - MIXED_FLOOR) / (MIXED_FULL - MIXED_FLOOR), 0.0), 1.0)
    return weight * weaker / stronger


@cache
def calibration(name: str) -> Calibration:
    """A fitted calibration from models/<name>.json (features only) or .npz (with words)."""
    npz = MODELS / f"{name}.npz"
    if npz.exists():
        with np.load(npz, allow_pickle=False) as data:
            vocabulary = {str(word): index for index, word in enumerate(data["vocabulary"])}
            return Calibration(name, data["coef"], data["intercept"], vocabulary, data["idf"])
    raw = json.loads((MODELS / f"{name}.json").read_text(encoding="utf-8"))
    return Calibration(
        name,
        np.asarray(raw["coef"], dtype=np.float64),
        np.asarray(raw["intercept"], dtype=np.float64),
        {},
        np.zeros(0),
    )


def save(
    name: str,
    coef: np.ndarray,
    intercept: np.ndarray,
    vocabulary: Sequence[str] = (),
    idf: np.ndarray | None = None,
    notes: dict[str, object] | None = None,
) -> Path:
    """Write a fitted calibration where `calibration(name)` finds it."""
    MODELS.mkdir(exist_ok=True)
    if vocabulary:
        path = MODELS / f"{name}.npz"
        np.savez_compressed(
            path,
            coef=coef.astype(np.float32),
            intercept=intercept.astype(np.float32),
            vocabulary=np.array(list(vocabulary)),
            idf=(idf if idf is not None else np.zeros(0)).astype(np.float32),
        )
        return path
    path = MODELS / f"{name}.json"
    payload = {
        "classes": list(CLASSES),
        "features": FEATURE_COUNT,
        "coef": np.round(coef, 6).tolist(),
        "intercept": np.round(intercept, 6).tolist(),
        "notes": notes or {},
    }
    path.write_text(json.dumps(payload, indent=1) + "\n", encoding="utf-8")
    return path
