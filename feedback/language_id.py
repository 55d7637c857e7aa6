"""Which language a feedback message is written in, for the offline analyzer.

Short web-shop messages are the hard case: "Pakken kom aldri frem" is Norwegian, "Pakken kom
aldrig frem" Danish, and a character model alone cannot be sure of either. So three kinds of
evidence are combined:

1. lingua (`lingua-language-detector`) over every language it knows, in its low-accuracy
   (trigram) mode: cheap (about 70 MB with the models it loads), and good enough to tell that a
   text is German or Finnish rather than Scandinavian.
2. lingua in high-accuracy mode over the five languages the shop expects (en, nb, nn, da, sv),
   which is what tells bokmål from nynorsk and Danish (about 185 MB, loaded once per process).
3. Marker words: short lists of everyday words that one Scandinavian language writes and its
   neighbours do not ("ikkje" nynorsk, "veldig" Norwegian, "meget"/"tak"/"af" Danish, "inte"/"är"
   Swedish). One marker outweighs a small difference in the character model.

The shop is Norwegian, so where the evidence is even, bokmål wins over Danish (PRIOR).
"""

from __future__ import annotations

import math
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from feedback.analyzers.base import (
    LANGUAGE_UNCERTAIN,
    LANGUAGE_UNSUPPORTED,
    MIXED_LANGUAGES,
    NO_WORDS,
)
from feedback.languages import UNDETERMINED, iso639_1

if TYPE_CHECKING:
    from lingua import LanguageDetector

FAMILY = ("en", "nb", "nn", "da", "sv")
SCANDINAVIAN = frozenset({"nb", "nn", "da", "sv"})

# Log-odds added per language before the softmax: the shop's customers write bokmål first.
PRIOR = {"en": 0.0, "nb": 0.4, "nn": 0.1, "da": 0.0, "sv": 0.0}
# Log-odds one marker word adds to its language (a character model's 0.4 vs 0.3 is ~0.3).
MARKER_WEIGHT = 1.5
# A language lingua's broad pass names with at least this probability, for a text of at least
# BROAD_MIN_LETTERS letters, is taken over the family pass when the family has no markers.
BROAD_TRUST = 0.6
BROAD_MIN_LETTERS = 6
# Below these, the text is too unlike any language of the family to judge (LANGUAGE_UNCERTAIN);
# without a marker word the bar is higher, and a single word is never enough.
MIN_CONFIDENCE = 40.0
MIN_CONFIDENCE_WITHOUT_MARKERS = 60.0
# A second language is "mixed in" when it carries at least this share of the words, and at
# least MIXED_MIN_WORDS of them (one English word in Norwegian is a loanword, not a mix).
MIXED_SHARE = 0.3
MIXED_MIN_WORDS = 3
MIXED_MIN_MARKERS = 2

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
_LATIN = re.compile(r"[A-Za-zÀ-ÿ]")

# Everyday words that some languages of the family write and the others do not, chosen by hand
# from the grammar: pronouns, negations, common verbs and feedback words whose spelling differs
# (nb "etter" / da "efter"; nb "meg" / da "mig"; nn "ikkje" / nb "ikke"). Each line lists the
# languages that write the words; a word adds MARKER_WEIGHT to each of them.
_MARKER_LINES = """
nb: hva noe noen mye nå vært gikk kjøpt kjøpte spørsmål vennlig kjempebra kjempefornøyd
    nettbutikken fornøyde ennå etter av ble fikk dere deres hvorfor hvordan hvor
nb nn: veldig takk meg deg seg fornøyd tilbake penger igjen gjerne rask levert aldri
    hjelp kjøpe supert digg nettsida nettsiden kjempe dessverre
nn: eg ikkje kva kvifor korleis kvar kven berre noko nokon nokre mykje heilt frå vere vore
    ho dei deira eit kjem fekk sjølv òg einaste elles enno difor heile sjå gjekk likar
    synest tykkjer dykk dykkar hjå nøgd nøgde dårleg skikkeleg vart sidan veit treng
    tilrår skuffa korfor kjøpte
nb da: ikke jeg
da: mig dig sig blev fik hvad noget nogen nogle meget efter af nu købt købte købe
    fornøjet tak tilbage penge igen gerne jer jeres os vores sådan endnu hurtig rigtig
    hjælp fået spørgsmål desværre lige måske dårligt venlig pakke modtaget været
    hvorfor hvordan hvor
da sv: aldrig
sv: jag inte är och att mycket tack för från också hur varför vad inga någon något några
    fick köpt köpte köpa nöjd snabb leverans beställning beställde paketet varan gärna
    ni ert våra fortfarande jättebra tyvärr kanske kundtjänst väldigt
nb nn sv: bra
en: the and it was you my this that with of not but very has are been would they don't
    can't it's i'm didn't doesn't love great good bad product delivery thanks thank please
    what why how when where your our their just really awful terrible excellent
"""


def _parse_markers(lines: str) -> dict[str, frozenset[str]]:
    languages_of: dict[str, set[str]] = {}
    current: list[str] = []
    for line in lines.strip().splitlines():
        head, colon, rest = line.partition(":")
        if colon and not head.startswith(" "):
            current, line = head.split(), rest
        for word in line.split():
            languages_of.setdefault(word, set()).update(current)
    return {word: frozenset(languages) for word, languages in languages_of.items()}


# word → the languages that write it
MARKERS = _parse_markers(_MARKER_LINES)


@dataclass(frozen=True)
class LanguageGuess:
    code: str  # ISO 639-1, or "und"
    confidence: float  # 0–100
    method: str  # how it was decided, for the record
    unjudged: str = ""  # NO_WORDS, MIXED_LANGUAGES, LANGUAGE_UNCERTAIN or LANGUAGE_UNSUPPORTED
    mixed_with: tuple[str, ...] = ()  # the other languages, when unjudged == MIXED_LANGUAGES


class LanguageIdentifier:
    """Thread-safe; build once per process (the models take a few seconds to load)."""

    def __init__(self, supported: frozenset[str] = frozenset(FAMILY)) -> None:
        self.supported = supported
        self._lock = threading.Lock()

    @cached_property
    def _broad(self) -> LanguageDetector:
        from lingua import LanguageDetectorBuilder

        return LanguageDetectorBuilder.from_all_languages().with_low_accuracy_mode().build()

    @cached_property
    def _family(self) -> LanguageDetector:
        from lingua import Language, LanguageDetectorBuilder

        languages = [Language.ENGLISH, Language.BOKMAL, Language.NYNORSK, Language.DANISH]
        languages.append(Language.SWEDISH)
        return (
            LanguageDetectorBuilder.from_languages(*languages)
            .with_preloaded_language_models()
            .build()
        )

    def identify(self, text: str) -> LanguageGuess:
        words = [word.lower().replace("’", "'") for word in _WORD.findall(text)]
        letters = sum(len(word) for word in words)
        if not any(len(word) >= 2 for word in words):
            return LanguageGuess(UNDETERMINED, 0.0, "no-words", NO_WORDS)
        with self._lock:  # lingua's detectors are not documented as thread-safe
            broad = self._broad.compute_language_confidence_values(text)
            family = self._family.compute_language_confidence_values(text)
        broad_code, broad_p = _code_of(broad[0]), broad[0].value
        markers = markers_in(words)

        if (
            broad_code not in FAMILY
            and broad_p >= BROAD_TRUST
            and (letters >= BROAD_MIN_LETTERS or not _LATIN.search(text))
            and not any(markers.values())
        ):
            # Clearly another language (German, Finnish, …): not one the analyzer reads.
            unjudged = "" if broad_code in self.supported else LANGUAGE_UNSUPPORTED
            return LanguageGuess(broad_code, round(100 * broad_p, 2), "lingua-broad", unjudged)

        scores = {_code_of(value): value.value for value in family}
        logits = {
            lang: math.log(scores.get(lang, 0.0) + 0.01)
            + PRIOR[lang]
            + MARKER_WEIGHT * markers[lang]
            for lang in FAMILY
        }
        code = max(logits, key=lambda lang: logits[lang])
        probabilities = _softmax(logits)
        confidence = 100 * probabilities[code]
        # Bokmål, nynorsk and Danish differ in spelling more than in what words mean, and the
        # analyzer reads them with related lexicons: whether the text is Scandinavian at all
        # is what decides if it can be judged.
        sure = confidence
        if code in SCANDINAVIAN:
            sure = 100 * sum(probabilities[lang] for lang in SCANDINAVIAN)
        method = "lingua+markers" if any(markers.values()) else "lingua"
        if sure < MIN_CONFIDENCE or (
            not any(markers.values()) and (sure < MIN_CONFIDENCE_WITHOUT_MARKERS or len(words) < 2)
        ):
            return LanguageGuess(code, round(confidence, 2), method, LANGUAGE_UNCERTAIN)
        mixed = self._mixed(text, code, len(words), markers)
        if mixed:
            return LanguageGuess(code, round(confidence, 2), method, MIXED_LANGUAGES, mixed)
        return LanguageGuess(code, round(confidence, 2), method)

    def _mixed(
        self, text: str, code: str, word_count: int, markers: dict[str, int]
    ) -> tuple[str, ...]:
        """English carrying a large share of a Scandinavian text's words, or the reverse.
        The Scandinavian languages count as one (a Norwegian writing a Danish word is not a
        mix). Only the family's high-accuracy pass is asked: lingua's low-accuracy pass splits
        short English into Polish and English."""
        if word_count < 2 * MIXED_MIN_WORDS:
            return ()
        with self._lock:
            sections = self._family.detect_multiple_languages_of(text)
        counts: dict[str, int] = {}  # "en" or "scandinavian" → words
        named: dict[str, str] = {}  # the Scandinavian language with the most words
        for section in sections:
            other = _code_of_language(section.language)
            group = "scandinavian" if other in SCANDINAVIAN else other
            counts[group] = counts.get(group, 0) + section.word_count
            if group == "scandinavian" and section.word_count >= counts[group] / 2:
                named[group] = other
        own = "scandinavian" if code in SCANDINAVIAN else code
        # The character model alone splits plain Scandinavian sentences into "English" parts
        # ("Byxorna sprack i sömmen"): the other language must show its own marker words too.
        evidence = {
            "en": markers["en"],
            "scandinavian": sum(markers[lang] for lang in SCANDINAVIAN),
        }
        return tuple(
            sorted(
                named.get(other, other)
                for other, count in counts.items()
                if other != own
                and evidence.get(other, 0) >= MIXED_MIN_MARKERS
                and count >= MIXED_MIN_WORDS
                and count / word_count >= MIXED_SHARE
            )
        )


def _code_of(value: object) -> str:
    return _code_of_language(value.language)  # type: ignore[attr-defined]


def _code_of_language(language: object) -> str:
    # lingua names bokmål NB and nynorsk NN already; iso639_1 maps anything else it may say.
    return iso639_1(language.iso_code_639_1.name)  # type: ignore[attr-defined]


def _softmax(logits: dict[str, float]) -> dict[str, float]:
    top = max(logits.values())
    exps = {lang: math.exp(value - top) for lang, value in logits.items()}
    total = sum(exps.values())
    return {lang: value / total for lang, value in exps.items()}


def markers_in(words: Sequence[str]) -> dict[str, int]:
    """How many of `words` (lower case) are markers of each language of the family."""
    counts = dict.fromkeys(FAMILY, 0)
    for word in words:
        for language in MARKERS.get(word, ()):
            counts[language] += 1
    return counts
