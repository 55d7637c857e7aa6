"""E-mail and IP addresses."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator

from feedback.analyzers.base import PiiEntity
from feedback.pii.entities import EMAIL, IP_ADDRESS, PATTERN_CONFIDENCE


def find_internet_addresses(text: str) -> Iterator[PiiEntity]:
    yield from _emails(text)
    yield from _ipv4s(text)
    yield from _ipv6s(text)


def is_ip(candidate: str, kind: type[ipaddress.IPv4Address | ipaddress.IPv6Address]) -> bool:
    try:
        kind(candidate)
    except ValueError:  # ipaddress.AddressValueError is a ValueError
        return False
    return True


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
        if is_ip(match.group(), ipaddress.IPv4Address):
            yield PiiEntity(IP_ADDRESS, match.start(), match.end(), PATTERN_CONFIDENCE)


def _ipv6s(text: str) -> Iterator[PiiEntity]:
    for match in _IPV6.finditer(text):
        # A bare "::" is a valid address but in prose it is punctuation.
        if _HEX_DIGIT.search(match.group()) and is_ip(match.group(), ipaddress.IPv6Address):
            yield PiiEntity(IP_ADDRESS, match.start(), match.end(), PATTERN_CONFIDENCE)
