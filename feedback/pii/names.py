"""People's names, where the words around them say a name follows.

Precision first: a name is one to four capitalised words right after a sign-off ("Mvh", "Med
vennlig hilsen", "Venleg helsing", "Med vänlig hälsning", "Venlig hilsen", "Regards"), a
self-introduction ("Jeg heter", "Eg heiter", "mitt namn er", "jag heter", "jeg hedder",
"My name is") or a label with a colon ("Kontaktperson:", "Navn:", "Name:"). There is no list of
first names: many Nordic first names are everyday words (Per, Liv, Dag, Tor, Hans, Vår, Sol,
Tone, Even), so a list masks ordinary sentences; docs/PII.md has the measurement.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from feedback.analyzers.base import PiiEntity
from feedback.pii.addresses import is_street_word
from feedback.pii.entities import NAME, NAME_CONFIDENCE

_GREETING = r"(?:hilsen|hilsener|hilsner|helsing|helsingar|hälsning|hälsningar|hilsninger?)"
_SPACE = r"[ \t]{1,3}"
_SIGN_OFF = rf"""
    (?:med{_SPACE})?(?:vennlig(?:e|st)?|vennleg|venleg|vänlig(?:a|en)?|venlig(?:st)?|beste|
        bästa|mange|kjærlig|kjærleg|kærlig|varm|varme){_SPACE}{_GREETING}
    |{_GREETING}|mvh\.?|m\.v\.h\.?|vh
    |(?:best|kind|warm|warmest){_SPACE}regards|regards|sincerely|yours{_SPACE}(?:truly|sincerely)
"""
_INTRODUCTION = rf"""
    jeg{_SPACE}heter|eg{_SPACE}heiter|eg{_SPACE}heter|jag{_SPACE}heter|jeg{_SPACE}hedder
    |(?:mitt|mit){_SPACE}(?:navn|namn){_SPACE}(?:er|är)
    |(?:navnet|namnet){_SPACE}mitt{_SPACE}(?:er|är)|my{_SPACE}name{_SPACE}is
"""
# A label starts its line or sentence: "Navn: Kari Nordmann", not "Product name: Superlight".
_LABEL = r"""
    (?<!\w[ ])(?:kontakt[ ]?person|kontakt|navn|namn|name|full[ ]name|fullt[ ](?:navn|namn)|
        mottaker|mottakar|mottagare|modtager|avsender|avsendar|avsändare|afsender|
        fra|från|from)[ \t]{0,3}:
"""
_UPPER = "A-ZÆØÅÄÖÜÉÈÁÓÍÑ"
_LOWER = "a-zæøåäöüéèáóíñßç"
# "Kari", "Anne-Lise", "N." (an initial).
_TOKEN = rf"[{_UPPER}](?:[{_LOWER}]++(?:-[{_UPPER}][{_LOWER}]++)?|\.)(?![\w-])"
_PARTICLE = r"(?:van|von|de|af|av|da|di|le|la|der|den)[ ]"
_FULL_NAME = rf"{_TOKEN}(?:[ ](?:{_PARTICLE})?{_TOKEN}){{0,3}}"
_JOINERS = frozenset(["og", "and", "och", "&", "van", "von", "de", "af", "av", "da", "di", "le",
    "la", "der", "den"])  # fmt: skip
# After the trigger: a comma or colon, spaces, at most two line breaks (a signature's own line).
# The name is written with capitals, whatever the case of the words before it.
_NAME = re.compile(
    rf"(?<!\w)(?i:(?P<sign_off>{_SIGN_OFF})|{_INTRODUCTION}|{_LABEL})(?!\w)"
    rf"[ \t]{{0,3}}[,:]?[ \t]{{0,3}}(?:\r?\n[ \t]{{0,8}}){{0,2}}"
    rf"(?:(?i:familien|familjen|familie|fam\.)[ ])?"  # "Hilsen familien Hansen"
    rf"(?P<name>{_FULL_NAME}(?:[ ](?:og|and|och|&)[ ]{_FULL_NAME})?)",
    re.VERBOSE,
)
_HOUSE_NUMBER = re.compile(r"[ ]\d")
# A sign-off's name ends its line or clause: "Takk for hilsen\nVaren kom i går" is no signature.
_SENTENCE_GOES_ON = re.compile(r"[ \t]+(?!(?:og|and|och)\b)[a-zæøåäöü]")
_WORD = re.compile(r"\S+")
# Capitalised words that come after a sign-off or "jeg heter" without being a name.
_NOT_NAMES = frozenset([
    "en", "ei", "et", "ett", "din", "di", "dine", "deres", "dykkar", "vi", "jeg", "eg", "meg",
    "oss", "vår", "vårt", "våre", "hele", "heile", "alle", "familien", "fornøyd", "fornøgd",
    "misfornøyd", "skuffet", "skuffa", "kunde", "kunden", "kundeservice", "team", "teamet",
    "fra", "til", "men", "så", "det", "den", "dette", "her", "takk", "tusen", "hei", "hej",
    "hallo", "jag", "mig", "min", "mitt", "tack", "tak", "the", "a", "an", "your", "yours",
    "our", "me", "us", "all", "thanks", "thank", "from", "to", "i", "it", "this", "we",
    "customer", "happy", "unhappy", "mvh", "vh", "hilsen", "helsing", "hälsning", "regards",
    "med", "vennlig", "venleg", "vänlig", "venlig", "navn", "namn", "name",
])  # fmt: skip


def find_names(text: str) -> Iterator[PiiEntity]:
    for match in _NAME.finditer(text):
        span = _name_span(text, match)
        if span is None:
            continue
        if match.group("sign_off") and _SENTENCE_GOES_ON.match(text, span[1]):
            continue
        yield PiiEntity(NAME, span[0], span[1], NAME_CONFIDENCE)


def _name_span(text: str, match: re.Match[str]) -> tuple[int, int] | None:
    """The name in `match`, without the ordinary words before or after it."""
    names: list[tuple[int, int]] = []
    for word in _WORD.finditer(text, *match.span("name")):
        lowered = word.group().lower()
        if lowered in _NOT_NAMES:
            if names:
                break  # "Kari Nordmann Jeg …": the name ended
            continue  # "Hilsen Familien Hansen"
        if names or lowered not in _JOINERS:
            names.append(word.span())
    while names and text[slice(*names[-1])].lower() in _JOINERS:
        names.pop()  # "Ola og Familien": the name is Ola
    # "Mvh Kari Storgata 12": the last word is the street of an address that follows.
    if (
        names
        and is_street_word(text[slice(*names[-1])])
        and _HOUSE_NUMBER.match(text, names[-1][1])
    ):
        names.pop()
    if not names:
        return None
    return names[0][0], names[-1][1]
