"""Personal data found by patterns, for the offline analyzer and for redaction.

`find_pii` reports what it finds with Comprehend's type names, so the pipeline treats both
backends alike. It favours precision on numbers: a digit string is only a card number if it
passes the Luhn check, an IBAN only if it passes mod-97, and a phone number has to look like one
(separators, a `+`, or a word such as "phone" before it), because feedback is full of order
numbers, prices, dates and years that a looser pattern would redact.

Every pattern is anchored on a token boundary (a look-behind that fails inside a token), so a
20,000-character text is scanned in linear time, whatever it contains.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable, Iterator, Sequence

from feedback.analyzers.base import PiiEntity

__all__ = [
    "CREDIT_DEBIT_NUMBER",
    "EMAIL",
    "IBAN",
    "IP_ADDRESS",
    "PHONE",
    "find_pii",
    "iban_valid",
    "luhn_valid",
    "redact",
]

EMAIL = "EMAIL"
PHONE = "PHONE"
CREDIT_DEBIT_NUMBER = "CREDIT_DEBIT_NUMBER"
IBAN = "INTERNATIONAL_BANK_ACCOUNT_NUMBER"
IP_ADDRESS = "IP_ADDRESS"

CHECKSUM_CONFIDENCE = 99.0  # the digits carry their own proof (Luhn, mod-97)
PATTERN_CONFIDENCE = 90.0  # shape and context only

# When two findings overlap, the checksum-validated one wins ("8601 1117 947" is phone-shaped,
# but inside "NO93 8601 1117 947" it is part of an IBAN), then the longer one, then this order.
_RANK = {CREDIT_DEBIT_NUMBER: 0, IBAN: 1, EMAIL: 2, IP_ADDRESS: 3, PHONE: 4}


def find_pii(text: str) -> list[PiiEntity]:
    """Personal data in `text`: sorted by `begin`, never overlapping, `text[begin:end]` each."""
    candidates = [
        *_emails(text),
        *_cards(text),
        *_ibans(text),
        *_ipv4s(text),
        *_ipv6s(text),
        *_phones(text),
    ]
    return _without_overlaps(candidates)


def redact(text: str, entities: Sequence[PiiEntity]) -> str:
    """`text` with each entity's span replaced by its type in brackets, e.g. `[EMAIL]`.

    Accepts any entities, not only `find_pii`'s (e.g. a service's): spans are clipped to the
    text, empty ones ignored, and overlapping ones merged under the first one's type, so no
    character of an entity can leak out beside a replacement.
    """
    spans: list[tuple[int, int, str]] = []
    for entity in sorted(entities, key=lambda e: (e.begin, -e.end)):
        begin, end = max(entity.begin, 0), min(entity.end, len(text))
        if begin >= end:
            continue
        if spans and begin < spans[-1][1]:
            last_begin, last_end, last_type = spans[-1]
            spans[-1] = (last_begin, max(last_end, end), last_type)
        else:
            spans.append((begin, end, entity.type))
    parts: list[str] = []
    position = 0
    for begin, end, type_ in spans:
        parts.append(text[position:begin])
        parts.append(f"[{type_}]")
        position = end
    parts.append(text[position:])
    return "".join(parts)


def _without_overlaps(candidates: Iterable[PiiEntity]) -> list[PiiEntity]:
    def preference(entity: PiiEntity) -> tuple[float, int, int, int]:
        return (-entity.confidence, -(entity.end - entity.begin), _RANK[entity.type], entity.begin)

    kept: list[PiiEntity] = []
    for entity in sorted(candidates, key=preference):
        if all(entity.end <= other.begin or other.end <= entity.begin for other in kept):
            kept.append(entity)
    return sorted(kept, key=lambda e: e.begin)


# --- E-mail -----------------------------------------------------------------------------------

# RFC 5322 allows more, but this is what people type. Lengths are bounded (64-character local
# part) so a long run of letters without an "@" costs one pass, not a quadratic search.
_EMAIL = re.compile(
    r"(?<![\w.%+-])[\w%+-][\w.%+-]{0,63}@[^\W_](?:[\w-]{0,62}[^\W_])?"
    r"(?:\.[^\W_](?:[\w-]{0,62}[^\W_])?)*\.[^\W\d_]{2,24}(?![\w-])"
)


def _emails(text: str) -> Iterator[PiiEntity]:
    for match in _EMAIL.finditer(text):
        yield PiiEntity(EMAIL, match.start(), match.end(), PATTERN_CONFIDENCE)


# --- Card numbers -----------------------------------------------------------------------------

# Groups of digits joined by single spaces or dashes. Card numbers are looked for inside these
# runs at group boundaries, so "4111 1111 1111 1111 2027" still yields the card.
_DIGIT_RUN = re.compile(r"(?<![\w.,-])\d+(?:[ -]\d+)*(?![\w-]|[.,]\d)")
_DIGIT_GROUP = re.compile(r"\d+")
# Issuer prefixes of the card networks (2 Mastercard, 3 Amex/Diners/JCB, 4 Visa,
# 5 Mastercard/Maestro, 6 Discover/Maestro/UnionPay). A Luhn-valid number starting with 0, 1,
# 7, 8 or 9 is far more likely an order or tracking number than a payment card.
_CARD_FIRST_DIGITS = frozenset("23456")


def luhn_valid(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def _cards(text: str) -> Iterator[PiiEntity]:
    for run in _DIGIT_RUN.finditer(text):
        groups = [(g.start(), g.end()) for g in _DIGIT_GROUP.finditer(text, run.start(), run.end())]
        yield from _cards_in_groups(text, groups)


def _cards_in_groups(text: str, groups: list[tuple[int, int]]) -> Iterator[PiiEntity]:
    first = 0
    while first < len(groups):
        found = None
        digits = ""
        windows: list[tuple[int, str]] = []
        for last in range(first, len(groups)):
            digits += text[groups[last][0] : groups[last][1]]
            if len(digits) > 19:
                break
            if len(digits) >= 13:
                windows.append((last, digits))
        # Longest first: "4111 1111 1111 1111" rather than a Luhn-valid 13-digit prefix.
        for last, number in reversed(windows):
            if number[0] in _CARD_FIRST_DIGITS and luhn_valid(number):
                found = last
                break
        if found is None:
            first += 1
            continue
        begin, end = groups[first][0], groups[found][1]
        yield PiiEntity(CREDIT_DEBIT_NUMBER, begin, end, CHECKSUM_CONFIDENCE)
        first = found + 1


# --- IBAN -------------------------------------------------------------------------------------

# Country code, two check digits, then the account number in groups of four (spaces optional).
_IBAN = re.compile(
    r"(?<![^\W_])[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?(?![^\W_])",
    re.IGNORECASE,
)
# Lengths from the SWIFT IBAN registry. Only these countries are accepted: mod-97 alone lets
# about one in 97 random "ab12 cdef ghij klmn" strings through.
_IBAN_LENGTHS = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22,
    "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "DO": 28,
    "EE": 20, "EG": 29, "ES": 24, "FI": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23,
    "GL": 18, "GR": 27, "GT": 28, "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26,
    "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20,
    "LV": 21, "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MR": 27, "MT": 31, "MU": 30, "NL": 18,
    "NO": 15, "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "SA": 24,
    "SC": 31, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "ST": 25, "SV": 28, "TL": 23, "TN": 24,
    "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20, "LY": 25, "SD": 18, "RU": 33, "BI": 27,
    "DJ": 27, "FK": 18, "MN": 20, "OM": 23, "SO": 23, "YE": 30, "NI": 28, "HN": 28,
}  # fmt: skip


def iban_valid(candidate: str) -> bool:
    iban = candidate.replace(" ", "").upper()
    if _IBAN_LENGTHS.get(iban[:2]) != len(iban):
        return False
    # ISO 13616: move the first four characters to the end, letters become 10..35, mod 97 == 1.
    rearranged = iban[4:] + iban[:4]
    return int("".join(str(int(char, 36)) for char in rearranged)) % 97 == 1


def _ibans(text: str) -> Iterator[PiiEntity]:
    for match in _IBAN.finditer(text):
        # The pattern may have taken a following word ("… 7654 32 ABCD"): try shorter prefixes
        # that end on a group boundary.
        candidate = match.group()
        spaces = [index for index, char in enumerate(candidate) if char == " "]
        for end in [len(candidate), *reversed(spaces)]:
            if iban_valid(candidate[:end]):
                yield PiiEntity(IBAN, match.start(), match.start() + end, CHECKSUM_CONFIDENCE)
                break


# --- IP addresses -----------------------------------------------------------------------------

_IPV4 = re.compile(r"(?<![\w.])\d{1,3}(?:\.\d{1,3}){3}(?![\w]|\.\d)")
# Hex groups and colons, at least two colons; `ipaddress` decides what is really an address
# (times like 10:30:45 and MAC addresses are not).
_IPV6 = re.compile(
    r"(?<![\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9A-Fa-f]{1,4})?"
    r"(?![\w:]|\.\d)"
)
_HEX_DIGIT = re.compile(r"[0-9A-Fa-f]")


def _ipv4s(text: str) -> Iterator[PiiEntity]:
    for match in _IPV4.finditer(text):
        if _is_ip(match.group(), ipaddress.IPv4Address):
            yield PiiEntity(IP_ADDRESS, match.start(), match.end(), PATTERN_CONFIDENCE)


def _ipv6s(text: str) -> Iterator[PiiEntity]:
    for match in _IPV6.finditer(text):
        # A bare "::" is a valid address but in prose it is punctuation.
        if _HEX_DIGIT.search(match.group()) and _is_ip(match.group(), ipaddress.IPv6Address):
            yield PiiEntity(IP_ADDRESS, match.start(), match.end(), PATTERN_CONFIDENCE)


def _is_ip(candidate: str, kind: type[ipaddress.IPv4Address | ipaddress.IPv6Address]) -> bool:
    try:
        kind(candidate)
    except ValueError:  # ipaddress.AddressValueError is a ValueError
        return False
    return True


# --- Phone numbers ----------------------------------------------------------------------------

# An optional international prefix (+47, 0047, +44 (0)), an optional area code in parentheses,
# then digit groups joined by one space, dash or dot. Not inside a word or number, not after "#"
# (order numbers), a currency sign, or "/" (dates).
_PHONE = re.compile(
    r"(?<![\w#$€£¥+/@.,-])"
    r"(?:(?P<intl>\+|\b00)\d{1,3}[ .-]?(?:\(0\)[ .-]?)?)?"
    r"(?:\(\d{1,5}\)[ .-]?)?"
    r"\d{1,12}(?:[ .-]\d{1,12}){0,6}"
    r"(?![\w/@%]|[.,]\d)"
)
_SEPARATORS = re.compile(r"[^\d]+")
# Words that make a bare run of digits ("tlf 98765432") a phone number.
_PHONE_CONTEXT = re.compile(
    r"\b(?:phone|telephone|tel\b|tel\.|tlf|telefon|mobil|mob\b|cell|call|ring|sms|text me|"
    r"whats ?app|reach me|contact|fax)",
    re.IGNORECASE,
)
# Words that make a separated run of digits an order, invoice or account reference instead.
_REFERENCE_CONTEXT = re.compile(
    r"\b(?:order|ordre|invoice|faktura|ref|reference|tracking|sporing|parcel|item|sku|serial|"
    r"account|customer|kunde|case|ticket|receipt|no\.|nr\.?)",
    re.IGNORECASE,
)
_CURRENCY_BEFORE = re.compile(r"(?:[$€£¥]|\b(?:kr|nok|sek|dkk|usd|eur|gbp|chf)\.?)\s*$", re.I)
_CURRENCY_AFTER = re.compile(
    r"^\s*(?:,-|kr\b|nok\b|sek\b|dkk\b|usd\b|eur\b|gbp\b|chf\b|dollars?\b|euros?\b|kroner\b|"
    r"pounds?\b|[$€£¥])",
    re.IGNORECASE,
)
_CONTEXT_CHARS = 30
_MIN_DIGITS = 8
_MAX_NATIONAL_DIGITS = 12
_MAX_INTERNATIONAL_DIGITS = 15  # E.164


def _phones(text: str) -> Iterator[PiiEntity]:
    for match in _PHONE.finditer(text):
        if _plausible_phone(text, match):
            yield PiiEntity(PHONE, match.start(), match.end(), PATTERN_CONFIDENCE)


def _plausible_phone(text: str, match: re.Match[str]) -> bool:
    candidate = match.group()
    digits = "".join(char for char in candidate if char.isdigit())
    international = match.group("intl") is not None
    limit = _MAX_INTERNATIONAL_DIGITS if international else _MAX_NATIONAL_DIGITS
    if not _MIN_DIGITS <= len(digits) <= limit:
        return False
    groups = [g for g in _SEPARATORS.split(candidate) if g]
    before = text[max(match.start() - _CONTEXT_CHARS, 0) : match.start()]
    after = text[match.end() : match.end() + 12]
    if _CURRENCY_BEFORE.search(before) or _CURRENCY_AFTER.search(after):
        return False  # a price
    phone_word = bool(_PHONE_CONTEXT.search(before))
    if international:
        return True
    if len(groups) == 1 and "(" not in candidate:
        # A bare run of 8–12 digits is an order number as often as a phone number.
        return phone_word
    if not phone_word and _REFERENCE_CONTEXT.search(before):
        return False
    return not (
        _looks_like_years(groups)
        or _looks_like_date(groups)
        or _is_ip(candidate, ipaddress.IPv4Address)
        or sum(len(g) == 1 for g in groups) > 1  # "2 4 6 8 10 12": a list of small numbers
    )


def _looks_like_years(groups: list[str]) -> bool:
    # "2019-2021", "1999 2005 2011"
    return all(len(g) == 4 and 1900 <= int(g) <= 2099 for g in groups)


def _looks_like_date(groups: list[str]) -> bool:
    if len(groups) != 3:
        return False
    a, b, c = (int(g) for g in groups)
    if len(groups[0]) == 4:  # 2024-01-15
        return 1900 <= a <= 2099 and 1 <= b <= 12 and 1 <= c <= 31
    if len(groups[2]) == 4:  # 15.01.2024, 01-15-2024
        day_month = 1 <= a <= 31 and 1 <= b <= 12
        month_day = 1 <= a <= 12 and 1 <= b <= 31
        return 1900 <= c <= 2099 and (day_month or month_day)
    return False
