"""Toxicity signals for Norwegian (bokmål, nynorsk), Swedish and Danish text, offline.

Signals are named as Amazon Comprehend names them, confidences 0–100, and the scale means what
it means on the English side (`feedback.analyzers.local`), so one policy serves both. Against
the seeded bands (review_at/reject_at: PROFANITY 60/95, INSULT 50/90, HATE_SPEECH 40/80,
VIOLENCE_OR_THREAT 40/80, HARASSMENT_OR_ABUSE 50/90, SEXUAL 50/90):

    0       nothing found
    30–40   slang that intensifies an adjective ("dritbra", "dritkjedelig"), swearing in praise
            ("faen så bra", "jævlig godt"), an insult adjective said of a thing ("idiotisk
            løsning"): below every review threshold
    55      an insult with no target ("idiot", "idiotsjåfør"); a mild insult, incompetence or
            hatred aimed at someone ("dere er amatører", "du er dum", "jeg hater dere")
    60–65   a veiled threat ("pass deg", "du skal få svi"); swearing in a complaint ("faen,
            pakken kom ikke", "drittbutikk"); 70 for vulgar words ("kuk", "fitte")
    70      a slur with no target
    75      an insult aimed at someone ("dere er noen idioter", "din idiot")
    85      insults aimed and stacked with swearing ("din jævla idiot"); swearing aimed at
            someone ("faen ta deg", "dra til helvete"); a threat of assault
    89/90   the ceilings of INSULT and PROFANITY: a word list cannot tell banter from abuse, so
            insults and swearing alone go to a person, never straight to rejection
    90      an explicit threat ("jeg skal drepe deg", "jeg vet hvor du bor"); telling someone to
            kill themselves; a slur aimed at someone; a group called vermin
    95      a call for violence against a group ("drep alle …")

Words come from `data/words.txt` and `data/slurs.txt`; phrases from `patterns.py`. All four
languages' lists apply to any Nordic text, because short messages are often detected as the
wrong one of them; a word that is a false friend in the detected language is marked so there.
English threats, slurs and insults are looked for too: Nordic writers mix in English.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

import feedback.abuse.lexicon as words
import feedback.abuse.patterns as patterns
from feedback import toxicity_patterns as english
from feedback.abuse.grammar import (
    HARASSMENT_OR_ABUSE,
    HATE_SPEECH,
    INSULT,
    PROFANITY,
    SEXUAL,
    VIOLENCE_OR_THREAT,
)
from feedback.abuse.target import ADJECTIVES, AIMED, NAMED, NONE, SELF, Targets, Word
from feedback.languages import iso639_1

SIGNALS = (PROFANITY, INSULT, HATE_SPEECH, VIOLENCE_OR_THREAT, HARASSMENT_OR_ABUSE, SEXUAL)

# The scale above, as numbers.
SWEARING = 62.0
VULGAR = 70.0
CHEERING = 35.0
INTENSIFIED_PRAISE = 30.0
INTENSIFIED = 40.0
PROFANITY_STEP = 6.0  # each further swear word
PROFANITY_WITH_AIMED_INSULT = 8.0
PROFANITY_CEILING = 90.0
# (no target, aimed at someone)
_INSULT_SCORES = {
    words.INSULT: (55.0, 75.0),
    words.INSULT_DIRECTED: (0.0, 75.0),
    words.INSULT_WEAK: (0.0, 55.0),
    words.INSULT_WEAK_ADJECTIVE: (0.0, 55.0),
    words.INSULT_ADJECTIVE: (40.0, 70.0),
    words.SEXUAL_INSULT: (55.0, 75.0),
    words.SLUR: (0.0, 75.0),
    words.SLUR_DIRECTED: (0.0, 75.0),
}
_SLUR_SCORES = {words.SLUR: (70.0, 92.0), words.SLUR_DIRECTED: (0.0, 92.0)}
SEXUAL_INSULT_HARASSMENT = 70.0
INSULT_STEP = 7.0  # each further insult, up to two
INSULT_WITH_SWEARING = 10.0
INSULT_CEILING = 89.0
HATE_CEILING = 98.0
# Words that insult only when aimed, said of someone at the shop ("dusten i kassa") or with an
# insulting adjective ("hjernedøde aper", "inkompetente klovner"): as an insult with no target.
NAMED_OR_DESCRIBED = 55.0


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Words between a swear word and the adjective it intensifies: "faen så bra", "fan vad bra".
_FILLERS = _words("så sa va vad hvor hvad kor hur som altså asså ass jo da det den")
# Swedish "fan" (the devil) is an English loan meaning "admirer" in all four languages
# ("jeg er en stor fan av dere"): it swears only in its Swedish phrases, or in Swedish text
# when nothing around it makes it an admirer.
_FAN_PHRASE_BEFORE = _words("fy för vad va hva åt jävla ja nej nä men å")
_FAN_PHRASE_AFTER = _words("också heller ta vad va så i")
_ADMIRER_BEFORE = _words("en ett ein eit stor stort stora store største störst ekte äkta")
_ADMIRER_AFTER = _words("av af of club klubb")
_FAN = words.Entry(kind=words.SWEAR, lemma="fan", exclamation=True)

_TOKEN = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*|[.!?;:…\n]+|,")
_SENTENCE_END = frozenset(".!?;:…\n")
_LEET = str.maketrans("013457@$", "oieastas")
# A word with letters starred out: one letter at least on either side of the stars.
_MASKED = re.compile(r"(?<![^\W_])[^\W\d_]+[*#]+[^\W\d_]*(?![^\W_])|(?<![^\W_])[*#]+[^\W\d_]+")
_MASKABLE_KINDS = frozenset(
    {words.SWEAR, words.VULGAR, words.INSULT, words.INSULT_DIRECTED, words.SEXUAL_INSULT}
)
# Danish "kys" (a kiss) and Norwegian "kike"/"kikke" (to peek: "kikk nærare på del 2") are
# English abuse: not looked for here.
_NOT_ENGLISH = re.compile(r"\b(?:kys|kike|kikk(?:e|a|er|ar|et|a|ande|ende)?)\b")


@dataclass(frozen=True)
class Finding:
    signal: str
    confidence: float
    evidence: str


@dataclass(frozen=True)
class Assessment:
    signals: dict[str, float]
    findings: tuple[Finding, ...]


def nordic_toxicity(text: str, language: str) -> dict[str, float]:
    """Signals for a Nordic text: {"PROFANITY": …, "INSULT": …, "HATE_SPEECH": …,
    "VIOLENCE_OR_THREAT": …, "HARASSMENT_OR_ABUSE": …, "SEXUAL": …}, each 0–100 (0 when
    absent). `language` is the detected ISO 639-1 code (nb, nn, da, sv)."""
    return assess(text, language).signals


def assess(text: str, language: str) -> Assessment:
    """The signals and what each rests on."""
    language = iso639_1(language)
    text = unmask(unicodedata.normalize("NFC", text))
    found = _Findings(tokenize(text), language)
    found.scan_words(language)
    variants = list(_variants(english.normalize(text)))
    found.scan_phrases(variants)
    found.scan_english(variants)
    return found.assessment()


def unmask(text: str) -> str:
    """Swearing with letters starred out ("f*en", "j**la", "fa#n") written in full, when the
    stars stand for letters of exactly one kind of abusive word; other stars stay."""
    return _MASKED.sub(_unmasked, text) if "*" in text or "#" in text else text


def _unmasked(match: re.Match[str]) -> str:
    word = match.group(0)
    pattern = re.compile(
        "".join(r"[^\W\d_]" if char in "*#" else re.escape(char) for char in word.lower())
    )
    kinds = _MASKABLE_KINDS
    found = {
        form
        for form, entries in words.lexicon().forms.items()
        if len(form) == len(word)
        and pattern.fullmatch(form)
        and any(e.kind in kinds for e in entries)
    }
    return min(found) if found else word


def tokenize(text: str) -> list[Word]:
    """The words of a text (as written, not lower-cased), numbered by sentence and clause."""
    result: list[Word] = []
    sentence = clause = 0
    starts_sentence = True
    for piece in _TOKEN.findall(text):
        if piece[0] in _SENTENCE_END:
            sentence += 1
            clause += 1
            starts_sentence = True
            continue
        if piece == ",":
            clause += 1
            continue
        word = piece.replace("-", "").replace("'", "").replace("’", "")
        if any(char.isdigit() for char in word):
            if word.isdigit():
                continue
            word = word.translate(_LEET)
        name = not starts_sentence and word[0].isupper() and not word.isupper()
        result.append(Word(word.lower(), sentence, clause, name))
        starts_sentence = False
    return result


def _variants(normalized: str) -> Iterable[str]:
    yield normalized
    shortened = words.spellings(normalized)
    next(shortened)
    yield from shortened


class _Findings:
    """Collects the evidence for one text, then scores it."""

    def __init__(self, tokens: list[Word], language: str) -> None:
        self.tokens = tokens
        self.lexicon = words.lexicon()
        self.targets = Targets(tokens, self.lexicon, language)
        # token index → (score, counts as swearing); the strongest per word
        self.swearing: dict[int, tuple[float, bool]] = {}
        self.insults: dict[int, tuple[float, bool]] = {}  # → (score, aimed)
        self.phrase_insults: list[float] = []
        self.signals: dict[str, list[float]] = {signal: [] for signal in SIGNALS}
        self.findings: list[Finding] = []

    def add(self, signal: str, confidence: float, evidence: str) -> None:
        if confidence > 0:
            self.signals[signal].append(confidence)
            self.findings.append(Finding(signal, confidence, evidence))

    # -- words ------------------------------------------------------------------------------

    def scan_words(self, language: str) -> None:
        for index, token in enumerate(self.tokens):
            matches = self.lexicon.lookup(token.text, language)
            if token.text == "fan" and self._fan_swears(index, language):
                matches.append(words.Match(_FAN, "word"))
            for match in matches:
                self._word(index, match)

    def _word(self, index: int, match: words.Match) -> None:
        kind, text = match.entry.kind, self.tokens[index].text
        if kind in (words.SWEAR, words.INTENSIFIER, words.VULGAR):
            score, swearing = self._swearing(index, match)
            if score > self.swearing.get(index, (0.0, False))[0]:
                self.swearing[index] = (score, swearing)
            self.add(PROFANITY, score, text)
            return
        if kind not in _INSULT_SCORES:
            return  # words of praise and complaint only tell context
        if self.tokens[index].name and kind not in _SLUR_SCORES:
            return  # a name or a title: "Idioten" by Dostojevskij
        if match.entry.noun and not self.targets.noun_stands(index):
            return  # the verb or the small word: "han taper", "det var so fint"
        if match.how == "modifier":
            if self.lexicon.is_adjective(match.rest):
                return  # "idiotsikker" (foolproof), "idiotbillig"
            aim = AIMED  # the compound names whom it insults: "idiotsjåfør", "svindlerfirma"
        else:
            aim = self.targets.aim(index, match.entry)
        if aim == SELF:
            return  # "jeg følte meg som en idiot"
        aimed = aim == AIMED
        insult = _INSULT_SCORES[kind][aimed]
        if aim == NAMED or (
            aim == NONE and kind not in ADJECTIVES and self.targets.described_as_insult(index)
        ):
            insult = max(insult, NAMED_OR_DESCRIBED)
        if insult > self.insults.get(index, (0.0, False))[0]:
            self.insults[index] = (insult, aimed)
        self.add(INSULT, insult, text)
        if kind in _SLUR_SCORES:
            self.add(HATE_SPEECH, _SLUR_SCORES[kind][aimed], text)
        if kind == words.SEXUAL_INSULT:
            self.add(SEXUAL, insult, text)
            if aimed:
                self.add(HARASSMENT_OR_ABUSE, SEXUAL_INSULT_HARASSMENT, text)

    def _swearing(self, index: int, match: words.Match) -> tuple[float, bool]:
        """(PROFANITY confidence, whether it counts as swearing rather than slang or cheer)."""
        entry = match.entry
        if entry.kind == words.VULGAR:
            return VULGAR, True
        if entry.kind == words.INTENSIFIER:
            if self._next_word(index) == "samma":
                return INTENSIFIED, False  # Swedish "skit samma": never mind
            adjective = match.rest if match.how == "modifier" else self._next_adjective(index)
            if adjective and self.lexicon.is_adjective(adjective):
                praise = self.lexicon.polarity(adjective) > 0
                return (INTENSIFIED_PRAISE if praise else INTENSIFIED), False
            return SWEARING, True  # a noun: "dritt", "drittbutikk", "lorteforretning"
        if entry.exclamation:
            adjective = self._next_adjective(index)
            if adjective is not None:
                praise = self.lexicon.polarity(adjective) > 0
                return (CHEERING, False) if praise else (SWEARING, True)
            if self._cheering(self.tokens[index].sentence):
                return CHEERING, False
        return SWEARING, True

    def _fan_swears(self, index: int, language: str) -> bool:
        before = self.tokens[index - 1].text if index > 0 else ""
        after = self.tokens[index + 1].text if index + 1 < len(self.tokens) else ""
        if after in _ADMIRER_AFTER or before in _ADMIRER_BEFORE:
            return False
        return language == "sv" or before in _FAN_PHRASE_BEFORE or after in _FAN_PHRASE_AFTER

    def _next_word(self, index: int) -> str:
        return self.tokens[index + 1].text if index + 1 < len(self.tokens) else ""

    def _next_adjective(self, index: int) -> str | None:
        sentence = self.tokens[index].sentence
        for token in self.tokens[index + 1 : index + 4]:
            if token.sentence != sentence:
                return None
            if token.text in _FILLERS:
                continue
            return token.text if self.lexicon.is_adjective(token.text) else None
        return None

    def _cheering(self, sentence: int) -> bool:
        """Whether a sentence praises and does not complain ("Fy faen, for en flott jakke")."""
        return _cheering(self.lexicon, [t.text for t in self.tokens if t.sentence == sentence])

    # -- phrases ----------------------------------------------------------------------------

    def scan_phrases(self, variants: list[str]) -> None:
        seen: dict[patterns.Rule, tuple[str, re.Match[str]]] = {}
        for normalized in variants:
            for rule, match in patterns.matches(normalized):
                seen.setdefault(rule, (normalized, match))
        for rule, (normalized, match) in seen.items():
            if rule.cheers and _cheering(self.lexicon, _sentence_after(normalized, match)):
                self.add(PROFANITY, CHEERING, match.group())
                continue
            for signal, confidence in rule.signals.items():
                self.add(signal, confidence, match.group())
            if rule.aimed_insult:
                self.phrase_insults.append(rule.aimed_insult)
                self.add(INSULT, rule.aimed_insult, match.group())

    def scan_english(self, variants: list[str]) -> None:
        texts = [_NOT_ENGLISH.sub(" ", normalized) for normalized in variants]
        hate, violence = max(english.hate_speech(text) for text in texts)
        self.add(HATE_SPEECH, hate, "English hate speech")
        threat = max(english.threat(text) for text in texts)
        self.add(VIOLENCE_OR_THREAT, max(threat, violence), "English threat")
        # Not stacked with the words: "idiots" is also a Nordic word, counted there already.
        self.add(INSULT, max(english.insult(text) for text in texts), "English insult")

    # -- scoring ----------------------------------------------------------------------------

    def assessment(self) -> Assessment:
        signals = {signal: max(values, default=0.0) for signal, values in self.signals.items()}
        signals[PROFANITY] = max(signals[PROFANITY], self._profanity())
        signals[INSULT] = max(signals[INSULT], self._insult())
        hate: dict[str, float] = {}  # the strongest confidence per piece of evidence
        for finding in self.findings:
            if finding.signal == HATE_SPEECH:
                hate[finding.evidence] = max(hate.get(finding.evidence, 0.0), finding.confidence)
        signals[HATE_SPEECH] = min(self._stacked(list(hate.values()), 5.0), HATE_CEILING)
        return Assessment(
            {signal: round(value, 1) for signal, value in signals.items()},
            tuple(self.findings),
        )

    def _profanity(self) -> float:
        swearing = [score for score, swears in self.swearing.values() if swears]
        if not swearing:
            return 0.0
        score = self._stacked(swearing, PROFANITY_STEP, most=3)
        aimed = [i for i, (_, is_aimed) in self.insults.items() if is_aimed]
        if self.phrase_insults or any(i not in self.swearing for i in aimed):
            score += PROFANITY_WITH_AIMED_INSULT
        return min(score, PROFANITY_CEILING)

    def _insult(self) -> float:
        scores = [score for score, _ in self.insults.values() if score > 0] + self.phrase_insults
        if not scores:
            return 0.0
        score = self._stacked(scores, INSULT_STEP, most=2)
        aimed = [i for i, (_, is_aimed) in self.insults.items() if is_aimed]
        swearing_elsewhere = any(
            swears and i not in aimed for i, (_, swears) in self.swearing.items()
        )
        if aimed and swearing_elsewhere:
            score += INSULT_WITH_SWEARING  # "din jævla idiot"
        return min(score, INSULT_CEILING)

    @staticmethod
    def _stacked(scores: list[float], step: float, most: int = 2) -> float:
        if not scores:
            return 0.0
        ranked = sorted(scores, reverse=True)
        return ranked[0] + step * min(len(ranked) - 1, most)


def _cheering(lexicon: words.Lexicon, sentence: list[str]) -> bool:
    praise = complaint = 0
    for index, word in enumerate(sentence):
        polarity = lexicon.polarity(word)
        negated = any(
            words.NEGATION in lexicon.kinds(w) for w in sentence[max(index - 2, 0) : index]
        )
        if negated:
            polarity = -polarity
        praise += polarity > 0
        complaint += polarity < 0 or (polarity == 0 and words.NEGATION in lexicon.kinds(word))
    return praise > 0 and complaint == 0


def _sentence_after(normalized: str, match: re.Match[str]) -> list[str]:
    end = re.search(r"[.!?;:…]", normalized[match.end() :])
    stop = match.end() + end.start() if end else len(normalized)
    return [word.text for word in tokenize(normalized[match.start() : stop])]
