"""Language codes as the product reports them, and telling bokmål from nynorsk.

The API, the stored rows and the filed documents use ISO 639-1 codes: `en`, `nb` (Norwegian
bokmål), `nn` (Norwegian nynorsk), `da`, `sv`, … Detectors and services speak other dialects of
the same codes (Comprehend and Translate say `no` for Norwegian, lingua has its own enum); they
are mapped here, once.
"""

from __future__ import annotations

import re

UNDETERMINED = "und"
NORWEGIAN = frozenset({"nb", "nn"})
# The Nordic languages the product serves first, in the order a tie is broken: the shop is
# Norwegian, so a text that reads equally well as bokmål and Danish is taken as bokmål.
NORDIC = ("nb", "nn", "sv", "da")

# Codes other tools use for the same languages.
_ALIASES = {
    "no": "nb",  # Comprehend, Translate and langdetect: "Norwegian", written as bokmål mostly
    "nob": "nb",
    "nno": "nn",
    "nor": "nb",
    "zh-cn": "zh",
    "zh-tw": "zh-TW",
}

# Words that occur in one written Norwegian and not the other. Nynorsk: eg (I), ikkje (not),
# kva/kvifor/korleis (what/why/how), berre (only), noko/nokon (some), mykje (much), heilt
# (entirely), frå (from), vere/vore (be/been), ho (she), dei/deira (they/their), me (we),
# eit (a), kjem (comes), fekk (got), sjølv (self), kven (who), no (now), òg (also).
_NYNORSK_WORDS = (
    "eg ikkje kva kvifor korleis kvar berre noko nokon nokre mykje heilt frå vere vore ho dei "
    "deira eit kjem fekk sjølv kven òg ein einaste elles enno difor fordi heile sjå gjekk "
    "likar synest tykkjer kjøpte kjøpt pakka varene dykk dykkar hjå gong"
)
_NYNORSK = frozenset(_NYNORSK_WORDS.split())
_BOKMAL_WORDS = (
    "jeg ikke hva hvorfor hvordan hvor bare noe noen mye hele fra være vært hun de deres et "
    "kommer fikk selv hvem nå også en eneste ellers ennå derfor fordi se gikk liker synes "
    "kjøpte kjøpt pakken varene dere deres hos gang"
)
_BOKMAL = frozenset(_BOKMAL_WORDS.split())
_WORD = re.compile(r"[^\W\d_]+")


def iso639_1(code: str) -> str:
    """A detector's or service's language code as the product reports it."""
    code = (code or "").strip()
    if not code:
        return UNDETERMINED
    return _ALIASES.get(code.lower(), code.lower() if len(code) <= 3 else code)


def translate_code(code: str) -> str:
    """The code Amazon Translate expects for a product language code (it has one Norwegian)."""
    return "no" if code in NORWEGIAN else code


def norwegian_variant(text: str) -> str:
    """`nn` when the text carries more nynorsk-only words than bokmål-only ones, else `nb`.

    For services that only say "Norwegian" (Comprehend's `no`). Words both written forms share
    are ignored; a text with no telling words is bokmål, the far more common of the two."""
    words = [word.lower() for word in _WORD.findall(text)]
    nynorsk = sum(word in _NYNORSK and word not in _BOKMAL for word in words)
    bokmal = sum(word in _BOKMAL and word not in _NYNORSK for word in words)
    return "nn" if nynorsk > bokmal else "nb"
