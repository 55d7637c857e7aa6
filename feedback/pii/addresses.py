"""Street addresses: "Storgata 12, 0155 Oslo", "Kongens gate 3B", "Storgatan 5, 111 22 Stockholm",
"Nørregade 5, 2. tv., 1165 København K".

An address is a street, a house number ("12", "3B", "12 b", "2-4"), what says where in the house
("H0201", "2. etg", "lgh 1102", "3 tr", "2. tv.", "st. th.") and optionally a postcode and place,
on the same line or the next ("0155 Oslo", "N-0155 Oslo", "111 51 Stockholm", "11151 Stockholm",
"1165 København K", "Upplands Väsby"). The street is a word with a street suffix ("Storgata",
"Fjellvegen", "Bogstadv.", "Vesterbrogade", "Storgatan"), perhaps after words such as "Øvre",
"Gamle", "Sankt", "S:t" or "Lilla", or names before a street word ("Kongens gate", "Karl Johans
gate", "Sankt Hans Gade", "H.C. Andersens Boulevard").

How sure the street must be depends on it. Suffixes used only for streets (gate, vei, veg, allé,
gatan, vägen, gade, vej, …) need nothing more. Suffixes that are also ordinary words ("plass",
"bakken", "ringen": "Leveringen 3 dager") need the postcode and place, or a word about where
someone lives before them ("bor på Solbakken 3"); so do streets without any suffix, PO boxes
("Postboks 123, 0102 Oslo") and road classes, whose numbers are routes ("Riksvei 7", "Fylkesveg
60", "Riksväg 40"). A street written in lower case ("storgata 5, 0184 oslo") needs the postcode or
an address word before it. A postcode and place on their own ("vi sender fra 0155 Oslo") are not
personal data. Addresses written number first (English "221B Baker Street") are not looked for.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from feedback.analyzers.base import PiiEntity
from feedback.pii.entities import ADDRESS, PATTERN_CONFIDENCE

_UPPER = "A-ZÆØÅÄÖÜÉ"
_LETTER = r"[^\W\d_]"
_CAPITALISED = rf"[{_UPPER}]{_LETTER}*+"
# A word of a street's name before the street word: "Karl", "Johans", "St.", "Skt.", "Gl.",
# "H.C." (initials), "S:t".
_FRONT = rf"(?:{_CAPITALISED}|[{_UPPER}]{_LETTER}{{0,2}}\.(?:[{_UPPER}]\.)*+|S:t)"
# "12", "3B", "12 B", "24 c", "2-4"; never four digits, which would be a year ("Copyright 1993,
# 1998 The Open Group"), except a PO box's (checked after the match). "12 i" and "12 a" are not
# house letters: "i" is a word in every language here, "a" in English.
_NUMBER = (
    r"(?P<number>\d{1,3}(?:[-–]\d{1,3})?(?:(?:[A-Za-z]|[ ][A-H]|[ ][b-h])(?![\w-]))?|\d{4,5})"
    r"(?!\w|[.,:/-]\d)"
)
# Where in the house: Norwegian bolignummer (H0201), floors ("2. etg", "3 tr", "1. sal", "vån
# 2"), flats ("lgh 1102", "leil. 5"), Danish floor and door ("2. tv.", "st. th.", "4. mf."),
# entrances ("oppgang B").
_UNIT = "(?i:" + "|".join([
    r"[hulk]\d{4}",
    r"(?:lgh|lägenhet|leil(?:ighet|egheit)?|lejl(?:ighed)?|bolig(?:nr)?|app)\.?[ ]?(?:nr\.?[ ]?)?"
    r"\d{1,4}[a-z]?",
    r"\d{1,2}\.?[ ]?(?:etg|etasje|etage|sal|tr|trappor|trappa|vån|våning)(?![^\W_])\.?",
    r"(?:etg|etasje|vån(?:ing)?)\.?[ ]?\d{1,2}",
    r"(?:\d{1,2}\.?|st\.?|kld\.?)[ ]?(?:tv|th|mf)(?![^\W_])\.?",
    r"st\.|stuen|kld\.",
    r"(?:oppgang|oppg\.|inngang|uppgång|opgang)[ ][a-z0-9]{1,2}",
]) + r")(?![^\W_])"  # fmt: skip
# A place's second word only ends the line or clause, and follows a genitive or a word such as
# "Nørre": "Upplands Väsby", "Kongens Lyngby", "Store Heddinge"; not "0155 Oslo Takk for…".
_CLAUSE_ENDS = r"(?=[ \t]*(?:[,.;:!?)\r\n]|$))"
_AFTER_WORDS = (
    "Nørre", "Søndre", "Nordre", "Store", "Lille", "Stora", "Lilla", "Norra", "Södra",
    "Västra", "Östra", "Nedre", "Øvre", "Vestre", "Østre", "Gamle", "Ny",
)  # fmt: skip
_SECOND_WORD_AFTER = "".join(f"|(?<={word}[ ])" for word in _AFTER_WORDS)
_PLACE = (
    rf"(?P<place>{_CAPITALISED}(?:-{_LETTER}++)*+"
    rf"(?:[ ](?:i[ ]{_CAPITALISED}|(?:SV|NV|NØ|SØ|[VKCØNS])(?!\w)"
    rf"|(?:(?<=s[ ]){_SECOND_WORD_AFTER}){_CAPITALISED}{_CLAUSE_ENDS}))?"
    # "0184 oslo": a place in lower case, only where the line or clause ends.
    rf"|{_LETTER}++(?:-{_LETTER}++)*+{_CLAUSE_ENDS})"
)
_POSTCODE = r"(?:(?:N|NO|S|SE|DK)-)?(?:\d{4}|\d{3}[ ]?\d{2})(?!\d)"  # 0155, 111 51, 11151
# Every word is taken whole (possessive), and a match can only start at the beginning of a word,
# so each word is read a bounded number of times.
_ADDRESS = re.compile(
    rf"(?<![\w'’.-])"
    rf"(?P<street>(?:{_FRONT}[ ]){{0,3}}{_LETTER}(?:{_LETTER}|[-'’])*+\.?)"
    rf"[ ]{_NUMBER}"
    rf"(?P<unit>(?:,?[ ]{_UNIT}){{0,2}})"
    rf"(?P<tail>(?:[ ](?P<district>{_CAPITALISED}))?"  # "Postboks 45 Sentrum, 0101 Oslo"
    rf",?(?:[ ]|[ \t]{{0,3}}\r?\n[ \t]{{0,3}}){_POSTCODE}[ ]{_PLACE})?"
)
# Words just before an address that say someone lives there, or that it is where things go.
_LIVES = r"adr\.|adr|adres+\w*|bor|bur|bo|bott|bodd|budd|boet|flytt\w*|hjemme|heime|hemma|hos"
_DELIVERY = r"lever\w*|send\w*|skick\w*|post\w*|til|till"
_LIVES_BEFORE = re.compile(rf"(?i)(?<!\w)(?:{_LIVES})(?!\w)[^.!?\n]*$")
_GOES_BEFORE = re.compile(rf"(?i)(?<!\w)(?:{_LIVES}|{_DELIVERY})(?!\w)[^.!?\n]*$")
_CONTEXT_WINDOW = 40  # characters, about five words

# Suffixes used for nothing but streets; "v." only after a long front ("Bogstadv.", not "Nov.").
_STREET_SUFFIXES = (
    "gata", "gate", "gaten", "gt.", "veien", "vegen", "vei", "veg", "vn.", "allé",  # Norwegian
    "gatan", "vägen", "väg", "gränd", "gränden",  # Swedish
    "gade", "vej", "vejen", "stræde", "boulevard", "boulevarden",  # Danish
)  # fmt: skip
# Street suffixes that are also ordinary words or endings.
_PLACE_SUFFIXES = (
    "plass", "plassen", "stien", "bakken", "bakke", "brygge", "bryggen", "torg", "torget",
    "ringen", "svingen", "stigen", "lia", "haugen", "åsen", "tunet", "kroken", "løkka",
    "jordet", "kaia", "kaien", "alle", "vænget", "parken", "terrasse", "terrassen", "promenaden",
    "gt", "backe", "backen", "plan", "allén", "leden", "kajen", "slingan", "platsen",
    "plads", "pladsen", "vænge", "have", "toft", "torv", "torvet",
)  # fmt: skip
# Words that make a street of the name before them: "Kongens gate", "Bygdøy allé".
_STREET_WORDS = frozenset([*_STREET_SUFFIXES, "vn", *_PLACE_SUFFIXES])
# Roads numbered as routes, not houses: "Riksvei 7", "Fylkesveg 60", "Riksväg 40".
_ROAD_CLASSES = ("riks", "fylkes", "europa", "kommune", "motor", "lands", "läns", "lande", "hoved",
                 "om", "snar", "gen")  # fmt: skip
_ROAD_SUFFIXES = ("vei", "veien", "veg", "vegen", "väg", "vägen", "vej", "vejen")
# Words that are part of a compound street name's front: "Øvre Slottsgate", "S:t Eriksgatan".
_PREFIXES = frozenset([
    "øvre", "nedre", "store", "lille", "nordre", "søndre", "vestre", "østre", "gamle", "nye",
    "sankt", "st.", "skt.", "s:t", "gl.", "kong", "dronning", "prins", "prinsesse",
    "stora", "lilla", "norra", "södra", "västra", "östra", "gamla", "nya",
    "nørre", "vester", "øster", "gammel", "ny",
])  # fmt: skip
# Words that end a street's name from the left: "Til Karl Johans gate 1", "SEND TIL …".
_NOT_FRONTS = frozenset([
    "til", "till", "i", "på", "fra", "frå", "från", "ved", "vid", "hos", "bor", "bur", "send",
    "sendes", "skicka", "adresse", "adressen", "adressa", "adress", "adr.", "ny", "nye", "nya",
    "og", "och", "men", "er", "är", "min", "mi", "mitt", "takk", "tack", "tak", "hilsen", "mvh",
    "levering", "leveres", "levert", "hei", "hej", "mottaker", "mottagare", "modtager",
])  # fmt: skip
_BOX_WORDS = frozenset(["postboks", "boks", "pb", "pb.", "box", "postbox", "postfach"])


def find_addresses(text: str) -> Iterator[PiiEntity]:
    for match in _ADDRESS.finditer(text):
        span = _address_span(text, match)
        if span is not None:
            yield PiiEntity(ADDRESS, span[0], span[1], PATTERN_CONFIDENCE)


def is_street_word(word: str) -> bool:
    """Whether `word` is a street name by its suffix ("Storgata", "Fjellvegen")."""
    return word[:1].isupper() and (
        _compound(word.lower(), _STREET_SUFFIXES) or _compound(word.lower(), _PLACE_SUFFIXES)
    )


def is_street_after_name(word: str) -> bool:
    """Whether `word` makes a street of the name before it: "gate" in "Karl Johans gate"."""
    return word.lower() in _STREET_WORDS


def _compound(word: str, suffixes: tuple[str, ...]) -> bool:
    # "Storgata", not "Gata": the suffix needs a front part of its own.
    if len(word) >= 6 and word.endswith("v."):  # "Bogstadv.", "Drammensv."
        return True
    return any(word.endswith(suffix) and len(word) >= len(suffix) + 2 for suffix in suffixes)


def _road_class(word: str) -> bool:
    return any(
        word == front + suffix for front in _ROAD_CLASSES for suffix in _ROAD_SUFFIXES
    )  # "Riksvei", "Motorvejen"


def _address_span(text: str, match: re.Match[str]) -> tuple[int, int] | None:
    """The address in `match` (begin, end), or None if it is not an address."""
    words = match.group("street").split(" ")
    street, fronts = words[-1], words[:-1]
    lowered = street.lower()
    place = match.group("place")
    placed = place is not None and place[0].isupper()
    boxed = lowered in _BOX_WORDS
    number = match.group("number")
    if number.isdigit() and len(number) > 3 and not boxed:
        return None
    first = len(fronts)  # the index of the address's first word
    tail_needed = False  # True: the address stands only with a capitalised place after it
    lower_tail = True  # whether a place in lower case belongs to the address
    if lowered in _STREET_WORDS:  # "Kongens gate 3", "Sankt Hans Gade 7"
        first = _name_start(fronts)
        if first == len(fronts):
            return None
        genitive = fronts[-1].lower().endswith("s")  # "Karl Johans", "KARL JOHANS"
        only_streets = lowered.endswith(_STREET_SUFFIXES) or lowered in ("gt", "vn")
        if not (only_streets and (street.islower() or genitive)):
            tail_needed = not _said_before(text, match, words, first, _GOES_BEFORE)
            lower_tail = not tail_needed
    elif boxed:
        tail_needed = True
    elif street[0].isupper() and not _road_class(lowered):
        while first > 0 and fronts[first - 1].lower() in _PREFIXES:
            first -= 1  # "Øvre Slottsgate", "Gamle Drammensvei"
        if not _compound(lowered, _STREET_SUFFIXES):
            # "Solbakken 3" after "bor på"; "Rådhusplassen 1, 0037 Oslo"; "Oslo 3" never alone.
            lives = _compound(lowered, _PLACE_SUFFIXES)
            tail_needed = not (lives and _said_before(text, match, words, first, _LIVES_BEFORE))
            lower_tail = not tail_needed
    elif street[0].isupper() or (street.islower() and _road_class(lowered)):
        tail_needed, lower_tail = True, False  # a route number, unless a postcode follows
    elif _compound(lowered, _STREET_SUFFIXES):  # "storgata 5, 0184 oslo", "bor i storgata 12"
        if place is None and not _said_before(text, match, words, first, _GOES_BEFORE):
            return None
    else:
        return None
    if tail_needed and not placed:
        return None
    begin = match.start("street") + sum(len(word) + 1 for word in words[:first])
    end = match.end() if place is not None and (placed or lower_tail) else match.end("unit")
    return begin, end


def _name_start(fronts: list[str]) -> int:
    """The index of the first word of a street's name in `fronts`, the capitalised words
    before a street word: "Til Karl Johans" → 1, "Adresse Takk. Kongens" → 2."""
    first = len(fronts)
    while first > 0:
        word = fronts[first - 1]
        if word.lower() in _NOT_FRONTS or (word.endswith(".") and len(word) > 4):
            break
        first -= 1
    return first


def _said_before(
    text: str, match: re.Match[str], words: list[str], first: int, words_before: re.Pattern[str]
) -> bool:
    """Whether an address word comes in the few words before the address, in its sentence."""
    begin = match.start("street") + sum(len(word) + 1 for word in words[:first])
    return words_before.search(text, max(begin - _CONTEXT_WINDOW, 0), begin) is not None
