"""Whom an insult word is aimed at, read from the words around it: the reader ("din idiot",
"dere er amatører"), a person named ("sjåføren er en gris", "den dusten på lageret"), the
writer ("jeg følte meg som en idiot") or nobody ("helt idiotisk løsning").

A word list sees words, not whom they are said of; these rules are why "dumme regler", "mus er
skadedyr" and "den apekatten er søt" are not insults and "dere er noen aper" is.
"""

from __future__ import annotations

from dataclasses import dataclass

import feedback.abuse.lexicon as words

AIMED, SELF, NONE = "aimed", "self", "none"
# Said of someone named in the third person ("idioten på lageret"), not to the reader.
NAMED = "named"


@dataclass(frozen=True)
class Word:
    text: str
    sentence: int
    clause: int
    # Capitalised inside a sentence: a name or a title ("Idioten" by Dostojevskij).
    name: bool = False


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Who an insult is aimed at, from the words before it.
YOU = _words(
    "du deg dig dej dæ din ditt dine dina di dit dere dykk dykkar dokker dokk dokkers dåkker "
    "ni jer jeres era ert"
)
# Subjects that "… er idioter" / "… er dumme" can be said of: you, and people.
PEOPLE = _words("du dere dykk dokker dokk ni de dei dom han hun ho hon hen dem")
# Also a person, in the subject of "er": "folk som deg er …", "hvem er apekatten …?"
_PEOPLE_TOO = _words("deg dig dej jer hvem kven vem")
ME = _words("jeg eg jag je jæ meg mig mej vi me oss os")
COPULAS = _words(
    "er e är var va ble blei vart blev blir bli blitt blivit vert være vere vara vore vært "
    "varit været"
)
_SUCH = _words("slike slikt sånne sånna sådanne sådana sikke sikken vilken vilka")
# A demonstrative names a person: "den dusten på kundeservice", "denna idiot i chatten".
_THAT = _words("den denne dette desse disse han ham hun ho hon honom henne dem dei denna dessa")
# "For en tufs!", "for noen idioter": an exclamation about someone, at the start of a sentence.
_WHAT_A = _words("en ei et ett noen nokre nogle")
# Words that may stand between "dere er" / "din" and the insult without breaking the link:
# articles, degree words, "a bunch of", "og" between two insults ("amatører og svindlere").
# Adjectives and other abusive words bridge too. A preposition breaks it: "perfekt for
# amatører" is not said to anyone.
_BRIDGES = _words(
    "en ei et ett ein eit noen nokre nogle nogen några nokon så helt heilt jo bare berre bara "
    "kun ganske skikkelig skikkeleg ordentlig ordentleg fullstendig komplett komplette total "
    "totalt totale ekte äkta virkelig verkeleg verkligen riktig riktiga rene reine rena gjeng "
    "gjengen gäng bande flokk flok flock haug samling masse alle alla og och eller som verdens "
    "världens verdas"
)
# After these a word stands as a noun: "en taper", "noen aper", "den taperen", "sånne aper".
_DETERMINERS = (
    _WHAT_A | _SUCH | _words("ein eit nogle några nokon den denne dette desse disse denna dessa")
)
# "din taper" only at the end of a clause: "mobilen din taper dekning" is about a phone.
_POSSESSIVES = _words("din di ditt dit dine dina")
_AT = _words("på i paa pa")

ADJECTIVES = frozenset({words.INSULT_WEAK_ADJECTIVE, words.INSULT_ADJECTIVE})
_SLURS = frozenset({words.SLUR, words.SLUR_DIRECTED})
# Words that insult when they stand alone ("Idioter!"); not "Jävlar!", a cry of frustration.
_VOCATIVES = frozenset({words.INSULT, words.SEXUAL_INSULT, words.SLUR})
ABUSIVE = frozenset(
    {
        words.SWEAR,
        words.INTENSIFIER,
        words.VULGAR,
        words.INSULT,
        words.INSULT_DIRECTED,
        words.INSULT_WEAK,
        words.INSULT_WEAK_ADJECTIVE,
        words.INSULT_ADJECTIVE,
        words.SEXUAL_INSULT,
        *_SLURS,
    }
)


class Targets:
    """Reads whom the words of one text are aimed at."""

    def __init__(self, tokens: list[Word], lexicon: words.Lexicon, language: str) -> None:
        self.tokens = tokens
        self.lexicon = lexicon
        self.language = language

    def aim(self, index: int, entry: words.Entry) -> str:
        """AIMED at someone, said of someone NAMED, of the writer (SELF) or of nobody (NONE)."""
        tokens, here = self.tokens, self.tokens[index]
        adjective = entry.kind in ADJECTIVES
        # An animal's name needs a person, not just any subject: "mus er skadedyr", "den
        # apekatten er søt".
        pointers = YOU | PEOPLE if entry.literal else YOU | PEOPLE | _SUCH | _THAT
        linked = True  # no word that breaks the link yet, between here and the word looked at
        for back in range(index - 1, max(index - 8, -1), -1):
            token = tokens[back]
            if token.sentence != here.sentence:
                break
            if token.text in ME:
                return SELF  # "jeg følte meg som en idiot"
            if not linked:
                continue
            if token.text in COPULAS:
                # The subject stands right before the copula, or before its auxiliary ("jeg
                # har vært"), or right after it ("er du dum?").
                subject = {
                    t.text for t in tokens[max(back - 2, 0) : back] if t.sentence == here.sentence
                }
                if back + 1 < index:
                    subject.add(tokens[back + 1].text)
                if subject & ME:
                    return SELF  # "jeg er en idiot som bestilte feil"
                plain_noun = not adjective and not entry.literal
                if plain_noun or subject & PEOPLE or self._person_subject(back, index):
                    return AIMED  # "dere er noen idioter", "er du dum?", "sjåføren er en gris"
                linked = False
            elif not adjective and token.text in pointers:
                return AIMED  # "din idiot", "ni idioter", "sånne idioter", "den dusten"
            elif (
                not adjective
                and not entry.literal
                and token.text == "for"
                and back + 1 < index
                and tokens[back + 1].text in _WHAT_A
                and (back == 0 or tokens[back - 1].sentence != here.sentence)
            ):
                return AIMED  # "For en tufs!"
            else:
                # "dine dumme regler" is about the rules: an adjective needs "du er".
                linked = self._bridges(token.text)
        if adjective:
            # "din patetiske lille mann": said to the reader of a word for a person, not
            # "dine dumme regler", which is about the rules.
            return AIMED if self._addressed_person(index) else NONE
        after = [t.text for t in tokens[index + 1 : index + 3] if t.sentence == here.sentence]
        if len(after) == 2 and after[0] in _AT and words.WORKPLACE in self.lexicon.kinds(after[1]):
            return NAMED  # someone who works there: "idioten på lageret", "grisen i kassa"
        if after[:1] == ["som"] and set(after[1:]) & (YOU | _PEOPLE_TOO):
            return AIMED  # "svin som dig", "aper som dere"
        if not entry.literal and set(after) & (YOU | PEOPLE):
            return AIMED  # "idioter er dere", "idioter som dere"
        if entry.kind in _SLURS and after and after[0] in COPULAS:
            return AIMED  # a statement about people, in a slur: "X-er er …"
        clause = [token for token in tokens if token.clause == here.clause]
        if len(clause) <= 2 and entry.kind in _VOCATIVES:
            return AIMED  # said to the reader: "Idioter!", "takk for ingenting, idioter"
        return NONE

    def noun_stands(self, index: int) -> bool:
        """Whether the word stands where a noun does: after an article, a demonstrative or an
        adjective ("en taper", "din patetiske taper"), or after "din" at the end of a clause
        ("…, din taper!"), not after a subject ("han taper", "mobilen din taper dekning")."""
        if index == 0 or self.tokens[index - 1].sentence != self.tokens[index].sentence:
            return False
        before, here = self.tokens[index - 1].text, self.tokens[index]
        if before in _POSSESSIVES:
            return index + 1 == len(self.tokens) or self.tokens[index + 1].clause != here.clause
        if before in _DETERMINERS:
            return True
        return self.lexicon.is_adjective(before) or bool(self.lexicon.kinds(before) & ABUSIVE)

    def described_as_insult(self, index: int) -> bool:
        """Whether an insulting adjective stands before the word ("hjernedøde aper",
        "inkompetente klovner"): said of a word for a person, the pair insults whoever it
        names, even when the sentence does not say who."""
        here = self.tokens[index]
        for token in reversed(self.tokens[max(index - 3, 0) : index]):
            if token.sentence != here.sentence:
                return False
            if self.lexicon.kinds(token.text) & ADJECTIVES:
                return True
            if not self._bridges(token.text):
                return False
        return False

    def _person_subject(self, copula: int, index: int) -> bool:
        """Whether a person is the subject of the copula: a pronoun for one, or a noun that
        names one ("sjåføren er en gris", "killen i kassan är en gris", "I er nogle svin")."""
        clause = self.tokens[copula].clause
        before = [t for t in self.tokens[max(copula - 4, 0) : copula] if t.clause == clause]
        if len(before) == 1 and before[0].text == "i":
            return True  # Danish "I er …": you
        subject = [t.text for t in before]
        if copula + 1 < index:
            subject.append(self.tokens[copula + 1].text)
        return any(
            word in PEOPLE or word in _PEOPLE_TOO or self._names_person(word) for word in subject
        )

    def _addressed_person(self, index: int) -> bool:
        """Whether the adjective at `index` follows "din"/"ditt"/"dine" and comes before a word
        for a person, with only adjectives and degree words between."""
        here = self.tokens[index]
        before = [t for t in self.tokens[max(index - 3, 0) : index] if t.clause == here.clause]
        while before and self._bridges(before[-1].text) and before[-1].text not in _POSSESSIVES:
            before.pop()
        if not before or before[-1].text not in _POSSESSIVES:
            return False
        for token in self.tokens[index + 1 : index + 4]:
            if token.clause != here.clause:
                return False
            if self._names_person(token.text):
                return True
            if not self._bridges(token.text):
                return False
        return False

    def _names_person(self, word: str) -> bool:
        return any(
            match.entry.kind == words.PERSON for match in self.lexicon.lookup(word, self.language)
        )

    def _bridges(self, word: str) -> bool:
        if word in _BRIDGES or self.lexicon.is_adjective(word):
            return True
        return bool(self.lexicon.kinds(word) & ABUSIVE)
