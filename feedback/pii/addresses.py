"""Street addresses: "Storgata 12, 0155 Oslo", "Kongens gate 3B", "Storgatan 5, 111 22 Stockholm".

A street is a word with a street suffix ("Storgata", "Fjellvegen", "Vesterbrogade", "Storgatan")
or a name followed by a street word ("Kongens gate", "Karl Johans gate"), then a house number,
then optionally a postcode and place. Suffixes that only ever name streets (gate, vei, veg, allé,
gatan, vägen, gade, vej, …) need nothing more; those that are also ordinary nouns ("plass",
"bakken", "ringen": "Leveringen 3 dager") and streets with no suffix at all need the postcode
and place after them. A postcode and place on their own ("vi sender fra 0155 Oslo") are not
personal data. Addresses written number-first (English "221B Baker Street") are not looked for.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from feedback.analyzers.base import PiiEntity
from feedback.pii.entities import ADDRESS, PATTERN_CONFIDENCE

_UPPER = "A-ZÆØÅÄÖÜÉ"
_LETTER = r"[^\W\d_]"
_CAPITALISED = rf"[{_UPPER}]{_LETTER}*+"
# "Oslo", "Bø-i-Telemark", "Mo i Rana", "København V", "Frederiksberg C".
_PLACE = (
    rf"{_CAPITALISED}(?:-{_LETTER}++)*+"
    rf"(?:[ ](?:i[ ]{_CAPITALISED}|(?:SV|NV|NØ|SØ|[VKCØNS])(?!\w)))?"
)
_POSTCODE = r"(?:\d{4}|\d{3}[ ]\d{2})"  # Norwegian and Danish 0155, Swedish 111 22
# Up to three capitalised words, the street word, a house number ("12", "3B", "12 B"; never four
# digits, which would be a year: "Copyright 1993, 1998 The Open Group"), then an optional
# ", 0155 Oslo" on the same line or the next. Every word is taken whole (possessive), and a match
# can only start at the beginning of a word, so each word is read a bounded number of times.
_ADDRESS = re.compile(
    rf"(?<![\w'’.-])"
    rf"(?P<street>(?:{_CAPITALISED}[ ]){{0,3}}{_LETTER}(?:{_LETTER}|[-'’])*+\.?)"
    rf"[ ]\d{{1,3}}(?:[A-Za-z]|[ ][A-Z])?(?!\w|[.,:/-]\d)"
    rf"(?P<tail>,?(?:[ ]|[ \t]{{0,3}}\r?\n[ \t]{{0,3}}){_POSTCODE}[ ]{_PLACE})?"
)

# Suffixes used for nothing but streets.
_STREET_SUFFIXES = (
    "gata", "gate", "gt.", "veien", "vegen", "vei", "veg", "vn.", "allé",  # Norwegian
    "gatan", "vägen", "väg", "gränd",  # Swedish
    "gade", "vej", "stræde", "plads",  # Danish
)  # fmt: skip
# Street suffixes that are also ordinary words or endings: only with a postcode and place.
_PLACE_SUFFIXES = (
    "plass", "plassen", "stien", "bakken", "bakke", "brygge", "bryggen", "torg", "torget",
    "ringen", "svingen", "stigen", "lia", "haugen", "åsen", "tunet", "kroken", "løkka",
    "jordet", "kaia", "kaien", "alle", "vænget", "parken",
)  # fmt: skip
# Words that make a street of the name before them: "Kongens gate", "Bygdøy allé".
_STREET_WORDS = frozenset([*_STREET_SUFFIXES, "gt", "vn", *_PLACE_SUFFIXES])
# Words that are part of a compound street name's front: "Øvre Slottsgate".
_PREFIXES = frozenset([
    "øvre", "nedre", "store", "lille", "nordre", "søndre", "vestre", "østre", "gamle", "nye",
    "sankt", "kong", "dronning", "prins", "prinsesse",
])  # fmt: skip
_BOX_WORDS = frozenset(["postboks", "boks", "pb", "pb.", "box", "postbox", "postfach"])


def find_addresses(text: str) -> Iterator[PiiEntity]:
    for match in _ADDRESS.finditer(text):
        begin = _street_begin(match)
        if begin is not None:
            yield PiiEntity(ADDRESS, begin, match.end(), PATTERN_CONFIDENCE)


def is_street_word(word: str) -> bool:
    """Whether `word` is a street name by its suffix ("Storgata", "Fjellvegen")."""
    return word[:1].isupper() and _compound(word.lower(), (*_STREET_SUFFIXES, *_PLACE_SUFFIXES))


def _compound(word: str, suffixes: tuple[str, ...]) -> bool:
    # "Storgata", not "Gata": the suffix needs a front part of its own.
    return any(word.endswith(suffix) and len(word) >= len(suffix) + 2 for suffix in suffixes)


def _street_begin(match: re.Match[str]) -> int | None:
    """Where the address in `match` begins, or None if it is not an address."""
    words = match.group("street").split(" ")
    street, leading = words[-1], words[:-1]
    lowered = street.lower()
    placed = match.group("tail") is not None
    if lowered in _STREET_WORDS:
        # "Kongens gate 3": the street word is written in lower case after the name.
        named = street.islower() and lowered.endswith(_STREET_SUFFIXES)
        if not leading or not (placed or named):
            return None
        first = 0
    elif lowered in _BOX_WORDS:  # "Postboks 123, 0102 Oslo"
        if not placed:
            return None
        first = len(leading)
    elif street[0].isupper():
        if not (placed or _compound(lowered, _STREET_SUFFIXES)):
            return None
        first = len(leading)
        while first > 0 and leading[first - 1].lower() in _PREFIXES:
            first -= 1
    else:
        return None
    return match.start("street") + sum(len(word) + 1 for word in words[:first])
