"""Offline text analyzer: langdetect, VADER and alt-profanity-check, in Comprehend's shapes.

Every model ships inside its PyPI package; nothing is downloaded. What each part does, and the
measurements its numbers come from, is written next to it below. In short:

- language: langdetect (fixed seed), with a word-list check for short English texts, which
  langdetect often takes for Swahili or Afrikaans ("I will kill you" → sw 0.99999).
- sentiment (English only): VADER's compound and pos/neg proportions → four scores.
- toxicity (English only): profanity-check per sentence, calibrated, plus short pattern lists
  for threats and slurs, which a bag-of-words profanity model scores too low.
- PII: `feedback.pii` patterns, in every language.
- key phrases and entities: none. There is no offline phrase chunker or NER model here, and an
  empty answer is honest where a guessed one would be trusted.
"""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import cached_property
from typing import TYPE_CHECKING, Any

from feedback import toxicity_patterns as patterns
from feedback.analyzers.base import (
    AnalyzerError,
    SentimentScores,
    TextAnalysis,
    ToxicityLabel,
)
from feedback.pii import find_pii

if TYPE_CHECKING:
    from langdetect.detector_factory import (  # type: ignore[import-untyped]
        DetectorFactory,
    )
    from vaderSentiment.vaderSentiment import (  # type: ignore[import-untyped]
        SentimentIntensityAnalyzer,
    )

# VADER and profanity-check are English models: anything else goes to a person.
SUPPORTED_LANGUAGES = frozenset({"en"})
# langdetect's codes where Comprehend's differ (the rest are the same ISO 639-1 codes).
_COMPREHEND_CODES = {"zh-cn": "zh", "zh-tw": "zh-TW"}

TOXICITY = "TOXICITY"
PROFANITY = "PROFANITY"
HATE_SPEECH = "HATE_SPEECH"
VIOLENCE_OR_THREAT = "VIOLENCE_OR_THREAT"

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


class LocalTextAnalyzer:
    name = "local-text"

    # -- models, loaded on first use and kept for the life of the process -----------------

    @cached_property
    def _language_factory(self) -> DetectorFactory:
        # A factory of our own with its own seed: langdetect samples n-grams at random, and
        # the module-level one would make the answer for a given text vary between runs.
        from langdetect.detector_factory import (
            PROFILES_DIRECTORY,
            DetectorFactory,
        )

        factory = DetectorFactory()
        factory.load_profile(PROFILES_DIRECTORY)
        factory.set_seed(0)
        return factory

    @cached_property
    def _vader(self) -> SentimentIntensityAnalyzer:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

        return SentimentIntensityAnalyzer()

    @cached_property
    def _profanity(self) -> Callable[[list[str]], Sequence[float]]:
        # Importing the package loads its scikit-learn model (~2 s with scikit-learn itself).
        from profanity_check import predict_prob  # type: ignore[import-untyped]

        def predict(texts: list[str]) -> Sequence[float]:
            return [float(p) for p in predict_prob(texts)]

        return predict

    @cached_property
    def _english_words(self) -> frozenset[str]:
        lexicon: Mapping[str, Any] = self._vader.lexicon
        return _ENGLISH_WORDS | {word for word in lexicon if word.isalpha()}

    @cached_property
    def model_version(self) -> str:
        from importlib.metadata import version

        return (
            f"vader-{version('vaderSentiment')}"
            f"+alt-profanity-check-{version('alt-profanity-check')}"
            f"+langdetect-{version('langdetect')}"
        )

    # -- the TextAnalyzer interface --------------------------------------------------------

    def analyze(self, text: str) -> TextAnalysis:
        result = self.analyze_batch([text])[0]
        if isinstance(result, AnalyzerError):
            raise result
        return result

    def analyze_batch(self, texts: Sequence[str]) -> list[TextAnalysis | AnalyzerError]:
        cleaned: dict[int, str] = {}
        for index, text in enumerate(texts):
            if text.strip():
                # A lone surrogate (from JSON "\ud83d") becomes one U+FFFD: offsets stay valid.
                cleaned[index] = _LONE_SURROGATE.sub("\ufffd", text)
        languages = {index: self._language(text) for index, text in cleaned.items()}
        english = {
            i: cleaned[i] for i, (code, _, _) in languages.items() if code in SUPPORTED_LANGUAGES
        }
        # One profanity-check call for every sentence of every English text: the model costs
        # ~13 ms per 1,000 texts in a batch, far more per text one at a time.
        profanity = self._profanity_by_text(english)
        return [
            self._result(cleaned[index], languages[index], profanity.get(index))
            if index in cleaned
            else AnalyzerError("There is no text to analyse.")
            for index in range(len(texts))
        ]

    def _result(
        self, text: str, language: tuple[str, float, str], profanity: float | None
    ) -> TextAnalysis:
        code, confidence, method = language
        extra: dict[str, object] = {"language_method": method}
        scores = None
        toxicity: tuple[ToxicityLabel, ...] = ()
        if profanity is not None:  # a supported language
            polarity = self._vader.polarity_scores(text)
            scores = sentiment_scores(polarity)
            toxicity = toxicity_labels(text, profanity)
            # The raw model outputs, so a decision can be explained and the mapping replayed.
            extra["vader"] = dict(polarity)
            extra["profanity_probability"] = round(profanity, 6)
        return TextAnalysis(
            language=code,
            language_confidence=round(confidence, 2),
            language_supported=scores is not None,
            scores=scores,
            toxicity=toxicity,
            pii=tuple(find_pii(text)),
            key_phrases=(),
            entities=(),
            analyzer=self.name,
            model_version=self.model_version,
            api_calls=0,
            extra=extra,
        )

    # -- language --------------------------------------------------------------------------

    def _language(self, text: str) -> tuple[str, float, str]:
        """(code, confidence 0–100, how it was decided)."""
        from langdetect.lang_detect_exception import (  # type: ignore[import-untyped]
            LangDetectException,
        )

        detector = self._language_factory.create()
        detector.append(text)
        try:
            ranked = detector.get_probabilities()
        except LangDetectException:
            # "No features in text": digits, punctuation, e-mail addresses, emoji. There is no
            # language to detect; VADER still reads emoji, so treat it as English we are not
            # sure of (confidence 0) rather than send "👍" to a person.
            return "en", 0.0, "no-letters"
        top = ranked[0]
        code = _COMPREHEND_CODES.get(top.lang, top.lang)
        if code != "en" and _letters(text) < SHORT_TEXT_LETTERS:
            share = self._english_share(text)
            if share >= ENGLISH_SHARE:
                return "en", ENGLISH_FALLBACK_CONFIDENCE * share, "english-words"
        return code, top.prob * 100, "langdetect"

    def _english_share(self, text: str) -> float:
        words = [word.replace("'", "") for word in _WORD.findall(text.lower().replace("’", "'"))]
        if not words:
            return 0.0
        return sum(word in self._english_words for word in words) / len(words)

    # -- toxicity --------------------------------------------------------------------------

    def _profanity_by_text(self, texts: Mapping[int, str]) -> dict[int, float]:
        """The highest profanity-check probability among each text's segments."""
        owners: list[int] = []
        segments: list[str] = []
        for index, text in texts.items():
            for segment in _segments(text):
                owners.append(index)
                segments.append(segment)
        best = dict.fromkeys(texts, 0.0)
        if segments:
            for owner, probability in zip(owners, self._profanity(segments), strict=True):
                best[owner] = max(best[owner], probability)
        return best


# -- language: short English texts -----------------------------------------------------------

# langdetect is reliable on a sentence or more and unreliable below that: of these measured
# short English texts it called "I will kill you" Swahili, "You will die." and "I hope you die"
# Afrikaans, "ok" Slovak, "Nice" Romanian, "Not bad" Indonesian (all at p > 0.99). So a text of
# fewer than SHORT_TEXT_LETTERS letters that langdetect calls non-English is English when at
# least ENGLISH_SHARE of its words are English words: VADER's lexicon (7,200 words) plus the
# function words below. Foreign short texts measured stay foreign: "Det var bra", "Bra produkt",
# "Takk!", "Sehr gut, danke!", "Das ist gut", "No me gusta", "Muy bueno", "Jag är nöjd".
SHORT_TEXT_LETTERS = 60
ENGLISH_SHARE = 0.75
# The evidence is a word list, not a language model: never as sure as langdetect on a sentence.
ENGLISH_FALLBACK_CONFIDENCE = 80.0

_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)*")
# Function words and everyday feedback words VADER's lexicon lacks (apostrophes removed, as
# people often leave them out). Words that are also common in other European languages
# ("de", "die", "con", "un") are left out.
_ENGLISH_WORD_LIST = """
    a about above after again against all also always am an and any are around as at away
    back be because been before being below between both but by can cant could couldnt did
    didnt do does doesnt doing dont down during each else even ever every few for from get
    gets getting go goes going gonna got had hadnt has hasnt have havent having he hed hes her
    here hers herself him himself his how i id ill im into is isnt it its itll itself ive just
    know knew let lets made make makes many may me might mine more most much must my myself
    never no nor not now of off on once one only or other our ours out over own please pls plz
    quite really same say says said see she should shouldnt since so some still such than that
    thats the their theirs them then there theres these they theyre this those though through
    to too u under until up ur us very want wanna was wasnt way we were werent what whats when
    where which while who whom whose why will with without wont would wouldnt yall yet you youd
    youll your youre yours yourself yourselves youve hello hi hey thanks thx lol
    item items order ordered product products delivery delivered shipping package parcel
    service quality price size colour color star stars shut live think thought told tell
    two three four five six seven eight nine ten first last week day days time times
"""
_ENGLISH_WORDS = frozenset(_ENGLISH_WORD_LIST.split())


def _letters(text: str) -> int:
    return sum(char.isalpha() for char in text)


# -- sentiment -------------------------------------------------------------------------------

# VADER gives `compound` (−1…1, its overall verdict) and the shares of the text that read
# positive, negative and neutral. Comprehend's four scores are mapped from them:
#
# 1. How opinionated the text is, from |compound|. VADER's authors call a text positive at
#    compound ≥ 0.05 and negative at ≤ −0.05, so at that point the opinion and neutral scores
#    meet at 50 and the winner is a coin toss (→ review); the opinion then rises linearly to
#    100 at |compound| = 1. Below 0.05 it falls steeply to 0: the text is neutral.
# 2. How two-sided it is: the ratio of the smaller to the larger of pos and neg, counted fully
#    once both are ≥ 0.2 and not at all below 0.05 ("Great screen, terrible battery." has
#    pos 0.45, neg 0.34). That fraction of the opinion is "mixed"; when both sides are
#    strong but cancel out (compound near 0), pos + neg stands in for the opinion.
# 3. The rest of the opinion goes to compound's side, the remainder to neutral. The other
#    side gets 0: VADER gives no separate evidence for it.
#
# Measured (compound, pos, neg → top score):
#   "Great product, fast delivery, I love it!"            0.86, 0.63, 0    → positive 92.8
#   "Terrible quality, it broke after one day. Very …"   −0.85, 0,    0.61 → negative 92.2
#   "The package arrived on Tuesday."                     0,    0,    0    → neutral 100
#   "Thanks for the quick reply."                         0.44, 0.42, 0    → positive 70.6
#   "Some good, some bad."                               −0.15, 0.35, 0.42 → mixed 52.2
#   "It is okay, nothing special."                       −0.09, 0.27, 0.32 → neutral 47.8
# so clear sentences clear the default 60 review threshold and ambiguous ones do not.
VADER_THRESHOLD = 0.05
MIXED_FLOOR = 0.05
MIXED_FULL = 0.2


def sentiment_scores(polarity: Mapping[str, float]) -> SentimentScores:
    compound = polarity["compound"]
    positive, negative = polarity["pos"], polarity["neg"]
    two_sided = _two_sidedness(positive, negative)
    opinion = max(_opinion(abs(compound)), two_sided * (positive + negative))
    mixed = opinion * two_sided
    one_sided = opinion - mixed
    neutral = 1.0 - opinion
    return SentimentScores(
        positive=round(100 * one_sided, 2) if compound >= 0 else 0.0,
        negative=round(100 * one_sided, 2) if compound < 0 else 0.0,
        neutral=round(100 * neutral, 2),
        mixed=round(100 * mixed, 2),
    )


def _opinion(strength: float) -> float:
    if strength < VADER_THRESHOLD:
        return 0.5 * strength / VADER_THRESHOLD
    return min(0.5 + 0.5 * (strength - VADER_THRESHOLD) / (1 - VADER_THRESHOLD), 1.0)


def _two_sidedness(positive: float, negative: float) -> float:
    weaker, stronger = sorted((positive, negative))
    if stronger <= 0:
        return 0.0
    weight = min(max((weaker - MIXED_FLOOR) / (MIXED_FULL - MIXED_FLOOR), 0.0), 1.0)
    return weight * weaker / stronger


# -- toxicity --------------------------------------------------------------------------------

# profanity-check is a linear model on word counts: a swear word in a 60-word sentence scores
# < 0.5, in a 10-word one > 0.99. So it reads each sentence, and long sentences in overlapping
# windows of words, and the text scores its worst segment.
_SENTENCE_GAP = re.compile(r"(?<=[.!?…])\s+|\n\s*")
WINDOW_WORDS = 12
WINDOW_STEP = 6


def _segments(text: str) -> Iterable[str]:
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


def toxicity_labels(text: str, profanity_probability: float) -> tuple[ToxicityLabel, ...]:
    """TOXICITY first, then the signals alphabetically, as the Comprehend analyzer reports."""
    normalized = patterns.normalize(text)
    hate, violence_against_group = patterns.hate_speech(normalized)
    signals = {
        HATE_SPEECH: hate,
        PROFANITY: calibrated_profanity(profanity_probability),
        VIOLENCE_OR_THREAT: max(patterns.threat(normalized), violence_against_group),
    }
    # Overall toxicity is the strongest signal: a threat in polite words is still a threat.
    overall = max(signals.values())
    return (
        ToxicityLabel(TOXICITY, overall),
        *(ToxicityLabel(name, signals[name]) for name in sorted(signals)),
    )
