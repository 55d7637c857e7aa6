"""English toxicity, offline: alt-profanity-check per sentence, calibrated, plus the threat and
hate-speech patterns of `toxicity_patterns`, which a bag-of-words profanity model scores too low.
"""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Iterable

from feedback import toxicity_patterns as patterns
from feedback.analyzers.base import ToxicityLabel

TOXICITY = "TOXICITY"
PROFANITY = "PROFANITY"
HATE_SPEECH = "HATE_SPEECH"
INSULT = "INSULT"
VIOLENCE_OR_THREAT = "VIOLENCE_OR_THREAT"

# profanity-check is a linear model on word counts: a swear word in a 60-word sentence scores
# < 0.5, in a 10-word one > 0.99. So it reads each sentence, and long sentences in overlapping
# windows of words, and the text scores its worst segment.
_SENTENCE_GAP = re.compile(r"(?<=[.!?…])\s+|\n\s*")
WINDOW_WORDS = 12
WINDOW_STEP = 6


def segments(text: str) -> Iterable[str]:
    for sentence in _SENTENCE_GAP.split(text):
        words = sentence.split()
        if not words:
            continue
        if len(words) <= WINDOW_WORDS + WINDOW_STEP:
            yield " ".join(words)
            continue
        for start in range(0, len(words) - WINDOW_STEP, WINDOW_STEP):
            yield " ".join(words[start : start + WINDOW_WORDS])


# Calibration. profanity-check's probability is no confidence on clean text: measured on
# ordinary feedback it gave "Quick delivery, well packed." 0.44, "The package arrived on
# Tuesday." 0.42, "Worst purchase ever, total waste of money" 0.40; and at the top it
# saturates: "It sucks." 0.99973, "shit" 0.9999998, "Fuck you" 0.999999999998. So:
# - p ≤ 0.5 (the model's own "clean" side) maps linearly to 0–20: clean text stays low.
# - above 0.5 the score follows the log-odds ln(p / (1 − p)), which still separates what the
#   probability squeezes against 1, through these knots (log-odds → score):
_LOG_ODDS_KNOTS = ((0.0, 20.0), (2.0, 50.0), (6.0, 70.0), (16.0, 88.0), (25.0, 99.0))
# Measured (p → log-odds → score): "Damn, it broke." 0.75 → 1.1 → 36.5; "This is garbage."
# 0.905 → 2.3 → 51.3; "I will kill you" 0.947 → 2.9 → 54.4; "Stupid design." 0.982 → 4.0 →
# 60.0; "It sucks." 0.99973 → 8.2 → 74.0; "you are an idiot" → 13.6 → 83.6; "shit" → 15.6 →
# 87.2; "Fuck you" → 26.7 → 99. Clean text measured at 0.40–0.61 raw scores 16–25.
# Mild words go to a person at the seeded bands (PROFANITY review 60, reject 95); only
# near-certain, heavy swearing reaches the reject band.
_MAX_SCORE = 99.0  # the model saturates: nothing it says is proof
_P_CLAMP = 1e-12


def calibrated_profanity(probability: float) -> float:
    """profanity-check's probability (0–1) as a confidence, 0–99."""
    if probability <= 0.5:
        return round(40.0 * max(probability, 0.0), 2)
    p = min(probability, 1 - _P_CLAMP)
    log_odds = math.log(p / (1 - p))
    xs = [x for x, _ in _LOG_ODDS_KNOTS]
    i = bisect.bisect_right(xs, log_odds)
    if i >= len(_LOG_ODDS_KNOTS):
        return _MAX_SCORE
    (x0, y0), (x1, y1) = _LOG_ODDS_KNOTS[i - 1], _LOG_ODDS_KNOTS[i]
    return round(min(y0 + (y1 - y0) * (log_odds - x0) / (x1 - x0), _MAX_SCORE), 2)


def english_signals(text: str, profanity_probability: float) -> dict[str, float]:
    """Signals for an English text, 0–100 each, named as Comprehend names them."""
    normalized = patterns.normalize(text)
    hate, violence_against_group = patterns.hate_speech(normalized)
    return {
        HATE_SPEECH: hate,
        INSULT: patterns.insult(normalized),
        PROFANITY: calibrated_profanity(profanity_probability),
        VIOLENCE_OR_THREAT: max(patterns.threat(normalized), violence_against_group),
    }


def toxicity_labels(signals: dict[str, float]) -> tuple[ToxicityLabel, ...]:
    """TOXICITY first, then the signals alphabetically, as the Comprehend analyzer reports."""
    # Overall toxicity is the strongest signal: a threat in polite words is still a threat.
    overall = max(signals.values(), default=0.0)
    return (
        ToxicityLabel(TOXICITY, overall),
        *(ToxicityLabel(name, signals[name]) for name in sorted(signals)),
    )
