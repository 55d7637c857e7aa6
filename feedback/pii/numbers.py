"""Nordic identity, organisation and bank account numbers, checked with python-stdnum.

A checksum is only as strong as the share of random numbers it refuses, and web-shop feedback is
full of order numbers, so how much context a number needs depends on its check:

- Fødselsnummer and D-nummer: a date and two mod-11 check digits; about 1 in 1,100 random
  11-digit numbers passes. Always masked, whatever the words around it.
- Swedish personnummer / samordningsnummer: a date and a Luhn digit (1 in 10). Twelve digits
  (with the century) are masked always; "YYMMDD-NNNN" and "YYMMDD+NNNN" unless an order word
  or a currency comes just before ("ordre 240115-1234"); ten bare digits only after a word such
  as "personnummer".
- Kontonummer and organisasjonsnummer: one mod-11 digit, so 1 in 11 random numbers pass.
  A kontonummer in its 4.2.5 form is masked always, bare 11 digits unless an order word or a
  currency comes just before. An organisasjonsnummer (always starting with 8 or 9) needs
  "org.nr" before it, the "NO … MVA" wrapping, or its 3-3-3 grouping without an order word:
  a bare 9-digit order number would pass one time in eleven.
- Danish CPR: no check digit since 2007, only a date. "DDMMYY-NNNN" is masked unless an order
  word comes just before; ten bare digits only after "CPR" or "personnummer", because any
  date-shaped ten digits would pass.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from stdnum import luhn
from stdnum.dk import cpr
from stdnum.exceptions import ValidationError
from stdnum.no import fodselsnummer, kontonr, orgnr
from stdnum.se import personnummer

from feedback.analyzers.base import PiiEntity
from feedback.pii.context import context_before, is_price
from feedback.pii.entities import (
    BANK_ACCOUNT_NUMBER,
    CHECKSUM_CONFIDENCE,
    DK_CPR_NUMBER,
    NO_NATIONAL_ID,
    NO_ORGANIZATION_NUMBER,
    PATTERN_CONFIDENCE,
    SE_PERSONAL_IDENTITY_NUMBER,
)

# Not inside a word or a longer number, not a decimal ("3.14159265358"), not after "+" (a phone
# number's country code).
_BEFORE = r"(?<![\w+.,/-])"
_AFTER = r"(?![\w]|[.,/-]\d)"

# Eleven digits: bare, "DDMMYY NNNNN" (fødselsnummer) or "NNNN.NN.NNNNN" (kontonummer).
_ELEVEN = re.compile(
    _BEFORE + r"(?:\d{11}|(?P<birth>\d{6}[ -]\d{5})|\d{4}(?P<sep>[ .])\d{2}(?P=sep)\d{5})" + _AFTER
)
# Nine digits starting with 8 or 9 (as every organisasjonsnummer does), bare or 3-3-3, optionally
# wrapped as a VAT number ("NO 987 654 321 MVA"); not the tail of a bigger number "1 000 000 000".
_NINE = re.compile(
    _BEFORE + r"(?<!\d[ ])(?:(?P<prefix>NO)[ ]?)?"
    r"(?P<digits>[89]\d{2}(?P<sep>[ ]?)\d{3}(?P=sep)\d{3})"
    r"(?:[ ]?(?P<suffix>MVA|Mva|mva))?" + _AFTER
)
# Ten or twelve digits: YYMMDD-NNNN, YYMMDD+NNNN, YYYYMMDD-NNNN, YYYYMMDDNNNN (Swedish),
# DDMMYY-NNNN (Danish), or ten bare digits.
_TEN = re.compile(
    _BEFORE + r"(?P<century>\d{2})?(?P<date>\d{6})(?P<sep>[-+]?)(?P<serial>\d{4})" + _AFTER
)
_NOT_DIGIT = re.compile(r"\D")


def find_numbers(text: str) -> Iterator[PiiEntity]:
    yield from _eleven_digits(text)
    yield from _organization_numbers(text)
    yield from _person_numbers(text)


def _eleven_digits(text: str) -> Iterator[PiiEntity]:
    for match in _ELEVEN.finditer(text):
        digits = _NOT_DIGIT.sub("", match.group())
        account_form = match.group("sep") is not None
        birth_form = match.group("birth") is not None
        # stdnum reads "0000" + 7 digits as an old postgiro number (Luhn): not an 11-digit one.
        account = not birth_form and not digits.startswith("0000") and kontonr.is_valid(digits)
        birth = not account_form and fodselsnummer.is_valid(digits)
        if birth:
            # Both checks pass for a few numbers: the words before them decide.
            bank = account and context_before(text, match.start()) == "bank"
            kind = BANK_ACCOUNT_NUMBER if bank else NO_NATIONAL_ID
        elif account and (account_form or not _reference_or_price(text, match)):
            kind = BANK_ACCOUNT_NUMBER
        else:
            continue
        yield PiiEntity(kind, match.start(), match.end(), CHECKSUM_CONFIDENCE)


def _organization_numbers(text: str) -> Iterator[PiiEntity]:
    for match in _NINE.finditer(text):
        if not orgnr.is_valid(_NOT_DIGIT.sub("", match.group("digits"))):
            continue
        wrapped = match.group("prefix") is not None or match.group("suffix") is not None
        grouped = match.group("sep") == " "
        if (
            wrapped
            or context_before(text, match.start()) == "organization"
            or (grouped and not _reference_or_price(text, match))
        ):
            begin, end = match.span() if wrapped else match.span("digits")
            yield PiiEntity(NO_ORGANIZATION_NUMBER, begin, end, CHECKSUM_CONFIDENCE)


def _person_numbers(text: str) -> Iterator[PiiEntity]:
    for match in _TEN.finditer(text):
        century, date, sep, serial = match.group("century", "date", "sep", "serial")
        if _swedish_valid(f"{century or ''}{date}{sep or '-'}{serial}"):
            kind, confidence = SE_PERSONAL_IDENTITY_NUMBER, CHECKSUM_CONFIDENCE
        elif century is None and sep != "+" and cpr.is_valid(date + serial):
            kind, confidence = DK_CPR_NUMBER, PATTERN_CONFIDENCE
        else:
            continue
        # Twelve digits carry a four-digit year as well as the Luhn digit: strong enough alone.
        strong = century is not None and not sep
        written = bool(sep) or century is not None  # not just ten digits in a row
        if (
            strong
            or (written and not _reference_or_price(text, match))
            or context_before(text, match.start()) == "national_id"
        ):
            yield PiiEntity(kind, match.start(), match.end(), confidence)


def _reference_or_price(text: str, match: re.Match[str]) -> bool:
    return context_before(text, match.start()) == "reference" or is_price(
        text, match.start(), match.end()
    )


def _swedish_valid(number: str) -> bool:
    """A personnummer, or a samordningsnummer (the day of birth plus 60)."""
    if personnummer.is_valid(number):
        return True
    day = int(number[-7:-5])
    if not 61 <= day <= 91:
        return False
    # stdnum's personnummer refuses the day; the Luhn digit covers the number as written.
    digits = number[-11:-5] + number[-4:]
    with_birth_day = f"{number[:-7]}{day - 60:02d}{number[-5:]}"
    try:
        personnummer.get_birth_date(with_birth_day)
    except ValidationError:
        return False
    return luhn.is_valid(digits)
