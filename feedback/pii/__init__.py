"""Personal data found by patterns: the floor that runs on every text, in every language, on
both backends, before anything is stored in clear, shown, logged or filed.

`find_pii` reports what it finds with Comprehend's type names where Comprehend has one, so the
pipeline treats both backends alike. It favours precision on numbers, because feedback is full of
order numbers, prices, dates and years: a card number must pass Luhn, an IBAN mod-97, a Nordic
identity or account number its python-stdnum check, and a phone number has to look like one.
Each concern has its own module; docs/PII.md lists every type and format.

Every pattern is anchored on a token boundary (a look-behind that fails inside a token) and reads
each token a bounded number of times, so a 20,000-character text is scanned in linear time,
whatever it contains.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Sequence

from feedback.analyzers.base import PiiEntity
from feedback.pii.addresses import find_addresses
from feedback.pii.cards import find_cards_and_ibans, iban_valid, luhn_valid
from feedback.pii.entities import (
    ADDRESS,
    BANK_ACCOUNT_NUMBER,
    CHECKSUM_CONFIDENCE,
    CREDIT_DEBIT_NUMBER,
    DK_CPR_NUMBER,
    EMAIL,
    IBAN,
    IP_ADDRESS,
    NAME,
    NAME_CONFIDENCE,
    NO_NATIONAL_ID,
    NO_ORGANIZATION_NUMBER,
    PATTERN_CONFIDENCE,
    PHONE,
    RANK,
    SE_PERSONAL_IDENTITY_NUMBER,
)
from feedback.pii.internet import find_internet_addresses
from feedback.pii.names import find_names
from feedback.pii.numbers import find_numbers
from feedback.pii.phones import find_phones

__all__ = [
    "ADDRESS",
    "BANK_ACCOUNT_NUMBER",
    "CHECKSUM_CONFIDENCE",
    "CREDIT_DEBIT_NUMBER",
    "DK_CPR_NUMBER",
    "EMAIL",
    "IBAN",
    "IP_ADDRESS",
    "NAME",
    "NAME_CONFIDENCE",
    "NO_NATIONAL_ID",
    "NO_ORGANIZATION_NUMBER",
    "PATTERN_CONFIDENCE",
    "PHONE",
    "SE_PERSONAL_IDENTITY_NUMBER",
    "find_pii",
    "iban_valid",
    "luhn_valid",
    "redact",
]


def find_pii(text: str) -> list[PiiEntity]:
    """Personal data in `text`: sorted by `begin`, never overlapping, `text[begin:end]` each."""
    candidates = [
        *find_internet_addresses(text),
        *find_cards_and_ibans(text),
        *find_numbers(text),
        *find_phones(text),
        *find_addresses(text),
        *find_names(text),
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
    """The preferred findings where some overlap: more confident, then longer, then by rank.

    "8601 1117 947" is phone-shaped, but inside "NO93 8601 1117 947" it is part of an IBAN;
    "010170 12345" is phone-shaped, but a valid fødselsnummer.
    """

    def preference(entity: PiiEntity) -> tuple[float, int, int, int]:
        return (-entity.confidence, -(entity.end - entity.begin), RANK[entity.type], entity.begin)

    # Kept findings never overlap, so sorted by begin their ends are sorted too: one bisection
    # finds the only two neighbours a candidate could overlap.
    kept: list[PiiEntity] = []
    begins: list[int] = []
    for entity in sorted(candidates, key=preference):
        index = bisect_left(begins, entity.begin)
        after_previous = index == 0 or kept[index - 1].end <= entity.begin
        before_next = index == len(kept) or entity.end <= kept[index].begin
        if after_previous and before_next:
            kept.insert(index, entity)
            begins.insert(index, entity.begin)
    return kept
