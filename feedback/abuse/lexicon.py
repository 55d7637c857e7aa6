"""The word lists in `data/`, read once, and what they say about one word.

The format of the files is described at the top of `data/words.txt`. A word matches an entry
as written, with its endings, as the end of a compound (`head`) or as its start (`mod`), and
also spelled without æ ø å ä ö, as people on foreign keyboards write.
"""

from __future__ import annotations

import codecs
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).with_name("data")

# Sections of the files, as kinds of word.
SWEAR = "swear"
INTENSIFIER = "intensifier"
VULGAR = "vulgar"
INSULT = "insult"
INSULT_DIRECTED = "insult-directed"
INSULT_WEAK = "insult-weak"
INSULT_WEAK_ADJECTIVE = "insult-weak-adjective"
INSULT_ADJECTIVE = "insult-adjective"
SEXUAL_INSULT = "sexual-insult"
SLUR = "slur"
SLUR_DIRECTED = "slur-directed"
POSITIVE = "positive"
NEGATIVE = "negative"
NEGATION = "negation"
ADJECTIVE = "adjective"
PERSON = "person"
WORKPLACE = "workplace"

# Bokmål, nynorsk, Swedish and Danish noun endings, singular and plural, definite and not,
# with the genitive -s: idiot → idioten, idioter, idiotene, idiotar, idiotane, idioterna,
# idioterne, idiotens. Some make non-words ("idiotr"); a non-word matches nothing.
NOUN_ENDINGS = (
    "", "e", "en", "n", "et", "er", "r", "ene", "ne", "erne", "rne", "erna", "rna", "na",
    "ar", "ane", "arna", "a", "s", "ens", "ers", "enes", "ernes",
)  # fmt: skip
ADJECTIVE_ENDINGS = ("", "e", "t", "a")
# What follows a modifier without making a compound: an ending, or a suffix that makes a new
# word of the same root ("idiotisk", "svindleri"), listed with its own sense if it is abuse.
_NOT_COMPOUNDS = frozenset(
    (*NOUN_ENDINGS, "isk", "iske", "iskt", "iska", "eri", "erier", "ier", "iet", "het", "heten")
)
# Spelled without the Nordic letters, or with a neighbour's (ä for æ on a Swedish keyboard).
_FOLDS = {
    "æ": ("æ", "ä", "ae", "a", "e"),
    "ä": ("ä", "æ", "ae", "a"),
    "ø": ("ø", "ö", "oe", "o"),
    "ö": ("ö", "ø", "oe", "o"),
    "å": ("å", "aa", "a"),
}
# Folded spellings that are everyday words of their own: "javel" (Swedish: I see), "fan" (an
# admirer, in all four languages; Swedish "fan" the swear word is handled on its own), "rov"
# (prey), "kalling" (Swedish: a cold beer), "reva" (Swedish: to tear), "dare" (English).
_FOLDED_WORDS = frozenset(
    {"javel", "fan", "rov", "roven", "kalling", "kallingen", "kallinger", "kallingerne"}
    | {"reva", "revva", "rava", "ravva", "dare"}
)
# Adjectives are told from nouns by their endings when they are not listed:
# -ig/-lig (kjedelig), -sk (idiotisk), -som (morsom), -ende (irriterende), -et/-ete (kjipete).
_ADJECTIVE_ENDING = re.compile(
    r"(?:ig|igt|ige|iga|eg|ege|sk|ske|skt|ska|som|somt|ende|ande|ete|bar)$"
)
_STRETCHED = re.compile(r"([^\W\d_])\1{2,}")


@dataclass(frozen=True)
class Entry:
    kind: str
    lemma: str
    exclamation: bool = False
    only: frozenset[str] = frozenset()
    not_in: frozenset[str] = frozenset()
    noun: bool = False  # also a verb or a small word: counts only where a noun stands
    literal: bool = False  # also names an animal or a thing: "er" alone does not aim it

    def counts_in(self, language: str) -> bool:
        if self.only and language not in self.only:
            return False
        return language not in self.not_in


@dataclass(frozen=True)
class Modifier:
    prefix: str
    entry: Entry
    exceptions: tuple[str, ...]


@dataclass(frozen=True)
class Match:
    entry: Entry
    how: str  # "word", "head" (the end of a compound) or "modifier" (its start)
    rest: str = ""  # for a modifier, the rest of the compound: "bra" in "dritbra"


@dataclass(frozen=True)
class Lexicon:
    forms: dict[str, tuple[Entry, ...]]
    heads: tuple[tuple[str, Entry], ...]
    modifiers: tuple[Modifier, ...]

    def kinds(self, word: str) -> set[str]:
        return {entry.kind for entry in self.forms.get(word, ())}

    def lookup(self, word: str, language: str) -> list[Match]:
        """What `word` (lower case) is, in a text detected as `language`."""
        found: dict[Entry, Match] = {}
        for candidate in spellings(word):
            for entry in self.forms.get(candidate, ()):
                found.setdefault(entry, Match(entry, "word"))
            for form, entry in self.heads:
                if len(candidate) - len(form) >= 3 and candidate.endswith(form):
                    found.setdefault(entry, Match(entry, "head"))
            for modifier in self.modifiers:
                rest = candidate[len(modifier.prefix) :]
                if (
                    len(rest) >= 3
                    and rest not in _NOT_COMPOUNDS
                    and candidate.startswith(modifier.prefix)
                    and not candidate.startswith(modifier.exceptions)
                ):
                    found.setdefault(modifier.entry, Match(modifier.entry, "modifier", rest))
        return [match for entry, match in found.items() if entry.counts_in(language)]

    def polarity(self, word: str) -> int:
        """+1 for a word of praise, −1 for one of complaint, 0 otherwise; compounds with an
        intensifier ("kjempefornøyd", "dritbra") take their last part's."""
        for candidate in (word, _without_intensifier(word)):
            kinds = self.kinds(candidate)
            if POSITIVE in kinds:
                return 1
            if NEGATIVE in kinds:
                return -1
        return 0

    def is_adjective(self, word: str) -> bool:
        kinds = self.kinds(word)
        if kinds & {POSITIVE, NEGATIVE, ADJECTIVE}:
            return True
        return len(word) >= 5 and bool(_ADJECTIVE_ENDING.search(word))  # not "jeg", "fisk"


_INTENSIFIER_PREFIX = re.compile(
    r"^(?:kjempe|kjempa|super|mega|hyper|ekstra|drit|dritt|skit|pisse)"
)


def _without_intensifier(word: str) -> str:
    return _INTENSIFIER_PREFIX.sub("", word)


def spellings(word: str) -> Iterator[str]:
    """The word, and the word with letters stretched for emphasis put back ("faaaen")."""
    yield word
    if _STRETCHED.search(word):
        yield _STRETCHED.sub(r"\1", word)
        yield _STRETCHED.sub(r"\1\1", word)


def folded(form: str) -> set[str]:
    """The form and its spellings without (or with a neighbour's) Nordic letters."""
    choices = [_FOLDS.get(char, (char,)) for char in form]
    return {"".join(letters) for letters in itertools.product(*choices)} - _FOLDED_WORDS | {form}


def _expand(form: str) -> list[str]:
    if form.endswith("~"):
        return [form[:-1] + ending for ending in NOUN_ENDINGS]
    if form.endswith("^"):
        return [form[:-1] + ending for ending in ADJECTIVE_ENDINGS]
    return [form]


def _parse(lines: list[str], decode: bool) -> Iterator[tuple[str, list[str], dict[str, str]]]:
    section = ""
    for raw in lines:
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1]
            continue
        words, _, option_text = line.partition("|")
        options = dict(option.partition("=")[::2] for option in option_text.split())
        forms = words.split()
        if decode:
            # Prefixes and exceptions are spelled as the forms are.
            forms = [codecs.decode(form, "rot13") for form in forms]
            for name in ("mod", "except"):
                if options.get(name):
                    options[name] = codecs.decode(options[name], "rot13")
        yield section, forms, options


def _languages(value: str) -> frozenset[str]:
    return frozenset(value.split(",")) if value else frozenset()


def build(files: list[tuple[Path, bool]]) -> Lexicon:
    forms: dict[str, list[Entry]] = {}
    heads: list[tuple[str, Entry]] = []
    modifiers: list[Modifier] = []
    for path, rot13 in files:
        lines = path.read_text(encoding="utf-8").splitlines()
        for kind, words, options in _parse(lines, rot13):
            entry = Entry(
                kind=kind,
                lemma=words[0].rstrip("~^"),
                exclamation="excl" in options,
                only=_languages(options.get("only", "")),
                not_in=_languages(options.get("not", "")),
                noun="noun" in options,
                literal="literal" in options,
            )
            exceptions = tuple(filter(None, options.get("except", "").split(",")))
            if "mod" in options:
                prefixes = options["mod"].split(",") if options["mod"] else [entry.lemma]
                modifiers.extend(Modifier(prefix, entry, exceptions) for prefix in prefixes)
            if "modonly" in options:
                continue
            for form in itertools.chain.from_iterable(_expand(word) for word in words):
                spelled = {form} if "nofold" in options else folded(form)
                for spelling in spelled:
                    forms.setdefault(spelling, []).append(entry)
                    if "head" in options:
                        heads.append((spelling, entry))
    return Lexicon(
        forms={form: tuple(dict.fromkeys(entries)) for form, entries in forms.items()},
        heads=tuple(heads),
        modifiers=tuple(modifiers),
    )


@cache
def lexicon() -> Lexicon:
    return build([(DATA / "words.txt", False), (DATA / "slurs.txt", True)])
