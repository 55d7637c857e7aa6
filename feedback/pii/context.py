"""What the words just before a number say it is.

"ordre 98765432" is an order number, "ring meg på 98765432" a phone number, "kontonummer
12345678903" a bank account. The nearest such word within a few words before the number decides;
words in an earlier line or sentence say nothing. Bokmål, nynorsk, Swedish, Danish and English.
"""

from __future__ import annotations

import re
from typing import Literal

Context = Literal["reference", "phone", "bank", "national_id", "organization"]

# `\w*` endings take inflections and compounds: ordre, ordren, ordrenummer, ordrenummeret.
# "nr" and "no." defer to a word before them ("tlf nr. 98765432" is a phone number) and only
# alone make a reference ("nr. 123-456-789").
_WORDS = re.compile(
    r"""(?<!\w)(?:
    (?P<reference>
        ordre\w*|order\w*|bestill\w*|beställ\w*|sporing\w*|spårning\w*|track\w*|
        sending\w*|forsendelse\w*|försändelse\w*|kolli\w*|pakke\w*|paket\w*|parcel\w*|shipment\w*|
        faktura\w*|invoice\w*|kund\w*|customer\w*|referanse\w*|referens\w*|reference\w*|
        ref\b\.?|varer?\b|varenr\w*|varenummer\w*|artikkel\w*|artikel\w*|art\.|artnr\w*|
        produkt\w*|product\w*|items?\b|sku\b|ean\b|gtin\b|modell\w*|model\b|serie\w*|serial\b|
        kvittering\w*|kvitto\w*|receipt\b|kid\b|sak\b|saken\b|saks\w*|case\b|ticket\w*|
        retur\w*|return\b|rma\b|medlem\w*|member\w*|abonnement\w*|subscription\w*
    )
    |(?P<phone>
        tlf\w*|tel\b\.?|telefon\w*|phone\w*|mobil\w*|mob\b\.?|cell\w*|ring\w*|sms\w*|
        text\ me|whats\ ?app\w*|reach\ me|nå\ meg|nås\b|treffes|treffast|kontakt\w*|contact\w*|
        fax\w*|call\w*|nummeret\ mitt|numret|mitt\ nummer|my\ number
    )
    |(?P<bank>
        (?:bank)?konto(?:nummer\w*|numret|nr\w*|en|t)?\b|bank\w*|account\w*  # not kontoret
    )
    |(?P<national_id>
        f(?:ø|o|oe)dselsn\w*|fnr\b|f\.nr\.?|d-?nummer\w*|person\w*nummer\w*|personnr\w*|
        personnumret|pnr\b|p-nr\b|personal\ (?:id|identity|number)\w*|national\ id\w*|
        id-?nummer\w*|identitetsnummer\w*|samordningsnummer\w*|cpr\w*|ssn\b|social\ security
    )
    |(?P<organization>
        org\.?\ ?(?:nr|no|nummer)\b\.?|orgnr\w*|organisa(?:sjons|tions)nummer\w*|
        foretaks\w*|enkeltpersonforetak\w*|mva\b
    )
    |(?P<abbreviation>nr\b\.?|no\.)
    )""",
    re.IGNORECASE | re.VERBOSE,
)
_WINDOW = 40  # about five words
_LONGEST_WORD = 25  # how far the window may widen to take in a word it cuts
_BREAKS = "\n!?"  # a full stop is not here: "tlf. 98765432", "ordrenr. 98765432"


def context_before(text: str, begin: int) -> Context | None:
    """The kind of the nearest context word before `text[begin]`, or None."""
    start = max(begin - _WINDOW, 0)
    floor = max(start - _LONGEST_WORD, 0)
    while start > floor and text[start - 1].isalnum():
        start -= 1
    window = text[start:begin]
    cut = max(window.rfind(char) for char in _BREAKS)
    last: Context | None = None
    abbreviation = False
    for match in _WORDS.finditer(window, cut + 1):
        if match.lastgroup == "abbreviation":
            abbreviation = True
        else:
            last = match.lastgroup  # type: ignore[assignment]  # one of the Context names
    if last is None and abbreviation:
        return "reference"
    return last


_CURRENCY_BEFORE = re.compile(r"(?:[$€£¥]|\b(?:kr|nok|sek|dkk|usd|eur|gbp|chf)\.?)\s*$", re.I)
_CURRENCY_AFTER = re.compile(
    r"^\s*(?:,-|kr\b|nok\b|sek\b|dkk\b|usd\b|eur\b|gbp\b|chf\b|dollars?\b|euros?\b|kroner\b|"
    r"kronor\b|pounds?\b|[$€£¥])",
    re.IGNORECASE,
)


def is_price(text: str, begin: int, end: int) -> bool:
    """Whether `text[begin:end]` is an amount of money: "kr 12 345 678", "12 345 678,- "."""
    before = text[max(begin - 12, 0) : begin]
    after = text[end : end + 12]
    return bool(_CURRENCY_BEFORE.search(before) or _CURRENCY_AFTER.search(after))
