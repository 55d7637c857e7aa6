"""Phone numbers, Nordic forms first.

A phone number has to look like one: a country code (+47, 0047, (+46)), separators
("987 65 432", "98 76 54 32", "070-123 45 67"), or a word such as "tlf" or "ring" before a bare
run of digits. The one exception is the Norwegian numbering plan: mobile numbers are eight digits
starting with 4 or 9, so a bare "98765432" is a phone number unless an order or invoice word comes
just before it ("ordre 98765432"); landlines (2, 3, 5, 6, 7) are too often order numbers to be
masked bare without a phone word. Prices, dates, years and the shapes of identity and account
numbers ("010170 12345", "1234 56 78903") are never phone numbers.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator

from feedback.analyzers.base import PiiEntity
from feedback.pii.context import context_before, is_price
from feedback.pii.entities import PATTERN_CONFIDENCE, PHONE
from feedback.pii.internet import is_ip

# An optional international prefix (+47, 0047, (+47), +44 (0); no country code starts with 0),
# an optional area code in parentheses, then digit groups joined by one space, dash or dot. Not
# inside a word or number, not after "#" (order numbers), a currency sign, or "/" (dates); not
# before a time ("12:30"). One group of five or more digits at most, first or last ("070-1234567"),
# so "98765432 41234567" is two numbers, not one too long to be either.
_PHONE = re.compile(
    r"(?<![\w#$€£¥+/@.,-])"
    r"(?:(?P<intl>\+|\b00|\(\+)[1-9]\d{0,2}\)?[ .-]?(?:\(0\)[ .-]?)?)?"
    r"(?:\(\d{1,5}\)[ .-]?)?"
    r"(?:\d{1,4}(?:[ .-]\d{1,4}){0,6}(?:[ .-]\d{5,12})?|\d{5,12}(?:[ .-]\d{1,4}){0,6})"
    r"(?![\w/@%]|[.,:]\d)"
)
_SEPARATORS = re.compile(r"[^\d]+")
# A date at the start of a longer run: "01.02.2024 12", "2024-02-01 10".
_DATE_FIRST = re.compile(
    r"(?:(?P<day>\d{1,2})(?P<sep>[./-])(?P<month>\d{1,2})(?P=sep)\d{2,4}"
    r"|\d{4}-(?P<iso_month>\d{2})-(?P<iso_day>\d{2}))(?!\d)"
)
# A time with dots at the end of a run: "2005 22.02.05", "19700101 00.00".
_TIME_LAST = re.compile(r"(?:^|[ ])(?:[01]\d|2[0-3])\.[0-5]\d(?:\.[0-5]\d)?$")
_MIN_DIGITS = 8
_MAX_NATIONAL_DIGITS = 12
_MAX_INTERNATIONAL_DIGITS = 15  # E.164
_NORWEGIAN_MOBILE = frozenset("49")


def find_phones(text: str) -> Iterator[PiiEntity]:
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
    if is_price(text, match.start(), match.end()):
        return False
    if international:
        return True
    context = context_before(text, match.start())
    if context not in (None, "phone"):
        return False  # "ordre 987 65 432", "kontonummer …"
    if len(groups) == 1 and "(" not in candidate:
        # A bare run of 8–12 digits is an order number as often as a phone number.
        return context == "phone" or (len(digits) == 8 and digits[0] in _NORWEGIAN_MOBILE)
    return not (
        _looks_like_years(groups)
        or _looks_like_date(groups)
        or _starts_with_date(candidate)
        or _TIME_LAST.search(candidate)
        or _looks_like_identity_number(groups)
        or _looks_like_other_number(candidate, groups, context == "phone")
        or is_ip(candidate, ipaddress.IPv4Address)
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


def _starts_with_date(candidate: str) -> bool:
    match = _DATE_FIRST.match(candidate)
    if match is None:
        return False
    if match.group("iso_month"):
        return 1 <= int(match.group("iso_month")) <= 12 and 1 <= int(match.group("iso_day")) <= 31
    return _looks_like_date([match.group("day"), match.group("month"), "2000"])


def _looks_like_other_number(candidate: str, groups: list[str], phone_word: bool) -> bool:
    if groups[0].isdigit() and len(groups[0]) == 1:
        return True  # "1 20210518" (a section and a date), "0.000000001"
    if sum(len(g) == 1 for g in groups) > 1:
        return True  # "2 4 6 8 10 12": a list of small numbers
    if len(groups) == 2 and "." in candidate:
        return True  # "1003.11988": a decimal number
    if [len(g) for g in groups] == [5, 4] and "-" in candidate:
        return True  # "02110-1301": a US ZIP+4 code
    # "16 777 216", "255 255 255": thousands grouped, a number unless a phone word says not.
    return not phone_word and all(len(g) == 3 for g in groups[1:]) and len(groups[0]) <= 3


def _looks_like_identity_number(groups: list[str]) -> bool:
    """The written forms of Nordic identity and account numbers, valid or mistyped.

    A valid one is found by its own checksum; a mistyped one is no phone number either.
    """
    lengths = [len(g) for g in groups]
    if lengths == [4, 2, 5]:  # kontonummer 1234 56 78903
        return True
    if lengths in ([6, 5], [6, 4]):  # fødselsnummer DDMMYY NNNNN, CPR DDMMYY-NNNN, YYMMDD-NNNN
        first = groups[0]
        return _is_day_month(first[0:2], first[2:4]) or _is_day_month(first[4:6], first[2:4])
    if lengths == [8, 4]:  # personnummer YYYYMMDD-NNNN
        return _is_day_month(groups[0][6:8], groups[0][4:6])
    return False


def _is_day_month(day: str, month: str) -> bool:
    # Days plus 40 are D-numbers, plus 60 samordningsnummer; months plus 40 are H-numbers.
    return (1 <= int(day) <= 31 or 41 <= int(day) <= 91) and (
        1 <= int(month) <= 12 or 41 <= int(month) <= 52
    )
