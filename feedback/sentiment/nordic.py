"""Sentiment of Norwegian (bokmål, nynorsk), Danish and Swedish text, offline, from asent.

asent (MIT) ships sentiment lexicons for Norwegian, Swedish and Danish and applies VADER's
rules to them (negation, intensifiers) on spaCy's blank tokenizers: nothing is downloaded. We
use it per word, with three changes that measurably matter for web-shop feedback:

- the lexicons get the supplements in `lexicons/` (words they lack or mis-rate);
- negations and intensifiers are our own lists: asent's Norwegian intensifiers are written with
  capitals and trailing spaces ("Veldig ") and never match a lower-cased word, and its
  negations lack "aldri", "ikkje" and "inte"-style forms;
- compounds are read: "kjempefornøyd", "superbra", "jättenöjd" intensify their last part,
  "drittbutikk" and "søppelprodukt" are negative.

Then `polarity.polarity_of` aggregates the words (and the phrases of `lexicons/phrases.tsv`) as
VADER does. asent's word rules live in spaCy's global token extensions, so one language's
reader is made current under a lock before it reads (`_Reader.activate`).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from feedback.sentiment.polarity import Polarity, polarity_of

LEXICONS = Path(__file__).resolve().parent / "lexicons"
LANGUAGES = ("nb", "nn", "da", "sv")

# VADER's constants (Hutto and Gilbert, 2014).
BOOST = 0.293  # what an intensifier adds to (or takes from) the next sentiment word
COMPOUND_BOOST = 1.2  # "kjempefornøyd" is "veldig fornøyd" in one word
# AFINN rates −5…5, VADER −4…4.
AFINN_SCALE = 0.8

NEGATIONS = {
    "nb": {"ikke", "aldri", "ingen", "ingenting", "intet", "verken", "hverken", "neppe", "uten"},
    "nn": {"ikkje", "ikke", "aldri", "ingen", "inga", "ingenting", "korkje", "utan"},
    "da": {"ikke", "aldrig", "ingen", "intet", "ingenting", "hverken", "uden", "næppe"},
    "sv": {"inte", "icke", "aldrig", "ingen", "inget", "inga", "ingenting", "varken", "ej"},
}
_UP = {
    "nb": "veldig svært meget utrolig ekstremt helt skikkelig sykt virkelig særdeles totalt "
    "altfor enormt kjempe super mega vanvittig jævlig",
    "nn": "veldig svært utruleg ekstremt heilt skikkeleg sjukt verkeleg særs totalt altfor "
    "kjempe super",
    "da": "meget virkelig rigtig utrolig ekstremt helt vildt mega super totalt særdeles "
    "enormt pisse",
    "sv": "väldigt mycket otroligt extremt helt riktigt verkligen sjukt galet totalt "
    "jätte super asså",
}
_DOWN = {
    "nb": "litt noe ganske nesten delvis relativt",
    "nn": "litt noko ganske nesten delvis",
    "da": "lidt noget ret næsten delvist",
    "sv": "lite något ganska nästan delvis",
}
INTENSIFIERS = {
    language: dict.fromkeys(_UP[language].split(), BOOST)
    | dict.fromkeys(_DOWN[language].split(), -BOOST)
    for language in LANGUAGES
}
CONTRASTIVE = {"nb": {"men"}, "nn": {"men"}, "da": {"men"}, "sv": {"men"}}
# First parts of compounds: these make the rest stronger ("kjempebra", "jättenöjd", "dritgod"
# is slang for very good), these make the whole negative ("drittbutikk", "søppelservice").
_INTENSIFYING_PREFIXES = (
    "kjempe", "super", "mega", "ultra", "lyn", "knall", "sinnssykt", "sykt", "sjukt", "drit",
    "jätte", "skit", "kanon", "pisse", "hyper", "ekstra", "extra", "toppen",
)  # fmt: skip
_NEGATIVE_PREFIXES = ("dritt", "søppel", "elendig", "svindel", "skrot", "lorte", "skräp", "fup")
NEGATIVE_COMPOUND = -2.5
_WORD = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True)
class _Phrase:
    pattern: re.Pattern[str]
    valence: float


class NordicSentiment:
    """Thread-safe; build once per process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._readers: dict[str, _Reader] = {}

    def polarity(self, text: str, language: str) -> Polarity:
        with self._lock:
            reader = self._readers.get(language)
            if reader is None:
                reader = self._readers[language] = _Reader(language)
            return reader.read(text)


class _Reader:
    """One language's spaCy tokenizer and asent word rules."""

    def __init__(self, language: str) -> None:
        import spacy
        from asent.component import Asent
        from spacy.tokens import Token

        self.language = language
        # spaCy has no nynorsk tokenizer; bokmål's splits nynorsk the same way.
        self.nlp = spacy.blank("nb" if language == "nn" else language)
        self.nlp.add_pipe("sentencizer")  # negation looks back within the sentence
        self.lexicon = lexicon(language)
        self.phrases = phrases(language)
        Asent(
            self.nlp,
            lexicon=self.lexicon,
            intensifiers=INTENSIFIERS[language],
            negations=NEGATIONS[language],
            contrastive_conjugations=CONTRASTIVE[language],
            lowercase=True,
            lemmatize=False,
            force=True,
        )
        Token.set_extension("valence", getter=self._valence, force=True)
        self._extensions = {
            name: Token.get_extension(name)
            for name in ("valence", "intensifier", "is_negation", "is_negated", "polarity")
        }

    def activate(self) -> None:
        from spacy.tokens import Token

        for name, (_, _, getter, _) in self._extensions.items():
            Token.set_extension(name, getter=getter, force=True)

    def read(self, text: str) -> Polarity:
        self.activate()
        covered: list[tuple[int, int]] = []
        phrase_valences: list[float] = []
        for phrase in self.phrases:
            for match in phrase.pattern.finditer(text):
                if any(match.start() < end and start < match.end() for start, end in covered):
                    continue
                covered.append((match.start(), match.end()))
                phrase_valences.append(phrase.valence)
        doc = self.nlp(text)
        word_valences: list[float] = []
        contrast_at = _contrast_index(doc, CONTRASTIVE[self.language])
        for token in doc:
            if not token.is_alpha:
                continue
            inside = any(start <= token.idx < end for start, end in covered)
            value = 0.0 if inside else float(token._.polarity.polarity)
            # VADER's "but": what comes after it counts more than what came before.
            if contrast_at is not None and value:
                value *= 0.5 if token.i < contrast_at else 1.5
            word_valences.append(value)
        return polarity_of([*word_valences, *phrase_valences], words=len(word_valences), text=text)

    def _valence(self, token: Any) -> float:
        word = token.lower_
        value = self.lexicon.get(word)
        if value is not None:
            return value
        return compound_valence(word, self.lexicon)


def _contrast_index(doc: Any, words: set[str]) -> int | None:
    for token in doc:
        if token.lower_ in words and token.i > 0:
            return int(token.i)
    return None


def compound_valence(word: str, lexicon: Mapping[str, float]) -> float:
    """The valence of a compound the lexicon lacks, from its parts; 0 when it has none."""
    for prefix in _INTENSIFYING_PREFIXES:
        rest = word[len(prefix) :]
        if word.startswith(prefix) and len(rest) >= 3 and lexicon.get(rest):
            value = lexicon[rest] * COMPOUND_BOOST
            return max(-4.0, min(4.0, value))
    for prefix in _NEGATIVE_PREFIXES:
        if word.startswith(prefix) and len(word) > len(prefix) + 2:
            return NEGATIVE_COMPOUND
    return 0.0


@cache
def lexicon(language: str) -> dict[str, float]:
    """asent's lexicon for the language with the project's supplements on top."""
    from asent.lang import no, sv
    from asent.lang.emoji import LEXICON as EMOJI
    from asent.utils import lexicons

    base: dict[str, float]
    if language in ("nb", "nn"):
        base = dict(no.LEXICON)
    elif language == "sv":
        base = dict(sv.LEXICON)
    else:
        afinn = lexicons.get("lexicon_da_afinn_v1")
        base = {word: value * AFINN_SCALE for word, value in afinn.items()}
    merged = {**EMOJI, **base}
    files = ["nb.tsv", "nn.tsv"] if language == "nn" else [f"{language}.tsv"]
    for name in files:
        merged.update(_read_tsv(LEXICONS / name))
    return {word: value for word, value in merged.items() if value}


def _read_tsv(path: Path) -> dict[str, float]:
    entries: dict[str, float] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            word, value = line.split("\t")
            entries[word.strip().lower()] = float(value)
    return entries


@cache
def phrases(language: str) -> tuple[_Phrase, ...]:
    found: list[_Phrase] = []
    for line in (LEXICONS / "phrases.tsv").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        languages, pattern, value = line.split("\t")
        if language in languages.split(","):
            found.append(_Phrase(re.compile(rf"\b(?:{pattern})\b", re.IGNORECASE), float(value)))
    return tuple(found)
