"""Payment card numbers (Luhn) and IBANs (mod-97).

A digit string is only a card number if it passes the Luhn check and starts like one, and an
IBAN only if it passes mod-97 at its country's registered length: feedback is full of order
numbers, prices and dates that a looser pattern would redact.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from feedback.analyzers.base import PiiEntity
from feedback.pii.entities import CHECKSUM_CONFIDENCE, CREDIT_DEBIT_NUMBER, IBAN


def find_cards_and_ibans(text: str) -> Iterator[PiiEntity]:
    yield from _cards(text)
    yield from _ibans(text)


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
