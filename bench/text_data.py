"""The text sets the project evaluates its text analysis on (docs/EVALUATION.md says what each
is and where it came from).

- `nordic_feedback(split)`: web-shop feedback in nb, nn, sv and da, written for the project and
  labelled (sentiment, abuse, English reference translation). `dev` may be looked at and tuned
  on; `heldout` never.
- `nordic_pii()`: messages with personal data and look-alikes that are not, for measurement.
- `debian_sentences(language, limit)`: real Nordic prose from Debian packages installed on the
  machine, extracted at run time (never copied into the repository).
- `vader_set(name)`: the human-rated English sets of VADER's authors, read from the
  vaderSentiment sdist, which is fetched with pip into var/cache/bench once.
"""

from __future__ import annotations

import gzip
import html
import json
import random
import re
import subprocess
import sys
import tarfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
CACHE = ROOT / "var" / "cache" / "bench"

SPLITS = ("dev", "heldout")
LANGUAGES = ("nb", "nn", "sv", "da")
SENTIMENTS = ("positive", "negative", "neutral", "mixed")
ABUSE_KINDS = ("insult", "profanity", "threat", "hate", "sexual")
PII_TYPES = (
    "NO_NATIONAL_ID",
    "BANK_ACCOUNT_NUMBER",
    "NO_ORGANIZATION_NUMBER",
    "SE_PERSONAL_IDENTITY_NUMBER",
    "DK_CPR_NUMBER",
    "PHONE",
    "ADDRESS",
    "NAME",
    "EMAIL",
    "CREDIT_DEBIT_NUMBER",
    "INTERNATIONAL_BANK_ACCOUNT_NUMBER",
)
SAMPLE_SEED = 7


class SourceMissing(Exception):
    """A run-time source is not available here; the message says how to get it."""


# -- the labelled sets shipped in bench/data ---------------------------------------------------


@dataclass(frozen=True)
class Feedback:
    id: str
    language: str
    text: str
    sentiment: str
    abusive: bool
    abuse: str | None
    en: str  # faithful English reference translation
    split: str


@dataclass(frozen=True)
class Span:
    type: str  # a PII type; "" for a distractor
    text: str
    begin: int  # text[begin:end] of the message
    end: int


@dataclass(frozen=True)
class PiiMessage:
    id: str
    language: str
    text: str
    pii: tuple[Span, ...]
    not_pii: tuple[Span, ...]


def read_jsonl(path: Path) -> list[dict[str, object]]:
    with path.open(encoding="utf-8") as file:
        return [json.loads(line) for line in file if line.strip()]


def feedback_path(split: str) -> Path:
    return DATA / f"nordic_feedback.{split}.jsonl"


def nordic_feedback(split: str = "all") -> list[Feedback]:
    """The labelled feedback of one split (`dev`, `heldout`) or of both (`all`)."""
    if split not in (*SPLITS, "all"):
        raise ValueError(f"unknown split {split!r}; choose dev, heldout or all")
    items: list[Feedback] = []
    for name in SPLITS if split == "all" else (split,):
        for row in read_jsonl(feedback_path(name)):
            items.append(
                Feedback(
                    id=str(row["id"]),
                    language=str(row["language"]),
                    text=str(row["text"]),
                    sentiment=str(row["sentiment"]),
                    abusive=bool(row["abusive"]),
                    abuse=None if row["abuse"] is None else str(row["abuse"]),
                    en=str(row["en"]),
                    split=name,
                )
            )
    return items


def _spans(text: str, found: Iterable[tuple[str, str]]) -> tuple[Span, ...]:
    """Locates each substring after the previous one: the file lists them in text order, so a
    value that occurs twice is found where it was meant."""
    spans: list[Span] = []
    cursor = 0
    for type_, value in found:
        begin = text.find(value, cursor)
        if begin < 0:
            begin = text.find(value)
        if begin < 0:
            raise ValueError(f"{value!r} is not in {text!r}")
        spans.append(Span(type_, value, begin, begin + len(value)))
        cursor = begin + len(value)
    return tuple(spans)


def nordic_pii() -> list[PiiMessage]:
    messages: list[PiiMessage] = []
    for row in read_jsonl(DATA / "nordic_pii.jsonl"):
        text = str(row["text"])
        gold = row["pii"]
        distractors = row["not_pii"]
        assert isinstance(gold, list) and isinstance(distractors, list)
        messages.append(
            PiiMessage(
                id=str(row["id"]),
                language=str(row["language"]),
                text=text,
                pii=_spans(text, ((str(e["type"]), str(e["text"])) for e in gold)),
                not_pii=_spans(text, (("", str(value)) for value in distractors)),
            )
        )
    return messages


# -- real Nordic prose from Debian packages ----------------------------------------------------


@dataclass(frozen=True)
class DebianSource:
    package: str
    directory: Path
    kind: str  # "html" or "man"


DEBIAN_SOURCES: dict[str, tuple[DebianSource, ...]] = {
    "nb": (
        DebianSource("debian-edu-doc-nb-no", Path("/usr/share/doc/debian-edu-doc-nb-no"), "html"),
        DebianSource("manpages-nb", Path("/usr/share/man/nb"), "man"),
    ),
    "nn": (DebianSource("gimp-help-nn", Path("/usr/share/gimp/2.0/help/nn"), "html"),),
    "sv": (DebianSource("manpages-sv", Path("/usr/share/man/sv"), "man"),),
    "da": (DebianSource("manpages-da", Path("/usr/share/man/da"), "man"),),
}

# Function words, for dropping the untranslated English strings that partial translations
# keep. Words shared with English ("i", "for", "on") are left out of both lists.
_FUNCTION_WORDS = {
    "nb": "og er det som på til med av ikke en et kan den de du å om ved eller fra har blir",
    "nn": "og er det som på til med av ikkje ein eit kan den dei du å om ved eller frå har blir",
    "sv": "och är det som på till med av inte en ett kan den de du att om vid eller från har",
    "da": "og er det som på til med af ikke en et kan den de du at om ved eller fra har",
    "en": "the and of to is are be this that with from or not you can will which when please see",
}
_ENGLISH_FUNCTION_WORDS = frozenset(_FUNCTION_WORDS["en"].split())
_WORDS = re.compile(r"[^\W\d_]+")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÆØÅÄÖ])")
_CODE_TOKEN = re.compile(r"^[-–]{1,2}\w|[/\\=<>{}\[\]|$`_@#*~]|\w\.\w+\(|://|^www\.")
MIN_WORDS = 4
MAX_WORDS = 40
MIN_LETTER_SHARE = 0.7


def prose_sentences(block: str, language: str) -> Iterator[str]:
    """The sentences of a block of extracted text that read as prose in `language`."""
    text = re.sub(r"\s+", " ", block).strip()
    own = frozenset(_FUNCTION_WORDS[language].split())
    for sentence in _SENTENCE_END.split(text):
        sentence = sentence.strip()
        words = sentence.split()
        if not MIN_WORDS <= len(words) <= MAX_WORDS:
            continue
        if not (sentence[0].isupper() and sentence[-1] in ".!?"):
            continue  # a heading, a menu path, a fragment
        if any(_CODE_TOKEN.search(word) for word in words):
            continue  # options, paths, commands, URLs, markup
        visible = [char for char in sentence if not char.isspace()]
        if sum(char.isalpha() for char in visible) < MIN_LETTER_SHARE * len(visible):
            continue
        lowered = [word.lower() for word in _WORDS.findall(sentence)]
        native = sum(word in own for word in lowered)
        english = sum(word in _ENGLISH_FUNCTION_WORDS for word in lowered)
        if english and english >= native:
            continue  # an untranslated English string
        yield sentence


class _HtmlText(HTMLParser):
    """Text of an HTML page, one block per paragraph-like element; code is left out."""

    BLOCKS = frozenset(
        {"p", "li", "td", "th", "dd", "dt", "div", "tr", "br", "blockquote", "caption", "title"}
    ) | {f"h{level}" for level in range(1, 7)}
    DROPPED = frozenset({"pre", "script", "style"})  # whole blocks of code
    INLINE_CODE = frozenset({"code", "kbd", "tt", "samp", "userinput", "command"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self._current: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.DROPPED:
            self._flush()
            self._skipping += 1
        elif tag in self.INLINE_CODE:
            # Code inside a sentence makes the sentence unusable: mark it, so the sentence
            # filter drops it instead of reading a sentence with a hole in it.
            self._current.append(" `")
            self._skipping += 1
        elif tag in self.BLOCKS:
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if tag in self.DROPPED or tag in self.INLINE_CODE:
            self._skipping = max(self._skipping - 1, 0)
        elif tag in self.BLOCKS:
            self._flush()

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self._current.append(data)

    def _flush(self) -> None:
        if self._current:
            self.blocks.append("".join(self._current))
            self._current = []

    def close(self) -> None:
        super().close()
        self._flush()


def html_blocks(markup: str) -> list[str]:
    parser = _HtmlText()
    parser.feed(markup)
    parser.close()
    return parser.blocks


_ROFF_FONT_MACROS = frozenset({".B", ".I", ".BR", ".BI", ".IB", ".IR", ".RB", ".RI", ".SM", ".SB"})
# groff's names for the characters Nordic man pages use (Pod::Man writes "s\\(:att" for "sätt").
_ROFF_GLYPHS = {
    ":a": "ä", ":o": "ö", ":u": "ü", ":A": "Ä", ":O": "Ö", ":U": "Ü", "oa": "å", "oA": "Å",
    "/o": "ø", "/O": "Ø", "ae": "æ", "AE": "Æ", "'e": "é", "'E": "É", "`e": "è", "'a": "á",
    "ss": "ß", "aq": "'", "cq": "'", "oq": "'", "lq": "“", "rq": "”", "dq": '"', "em": "—",
    "en": "–", "hy": "-", "mi": "-", "bu": "•", "co": "©",
}  # fmt: skip
_ROFF_COMMENT = re.compile(r'\\".*$')
_ROFF_ESCAPES = (
    (re.compile(r"\\f(?:\(..|\[[^]]*]|.)"), ""),  # font changes
    (re.compile(r"\\\*\((?:L|R)\"|\\\*\((?:Lq|Rq)"), '"'),
    (re.compile(r"\\\*(?:\(..|\[[^]]*]|.)"), ""),  # other predefined strings
    (re.compile(r"\\[-e]"), "-"),
    (re.compile(r"\\[&%c:|^)/,]"), ""),
    (re.compile(r"\\ "), " "),
)
_ROFF_GLYPH = re.compile(r"\\\((..)|\\\[([^]]*)]")


def roff_blocks(source: str) -> list[str]:
    """The running text of a man page's paragraphs: headings, option tags, no-fill (example)
    regions and macros dropped, font macros' words kept in their sentence."""
    blocks: list[str] = []
    current: list[str] = []
    no_fill = False
    skip_next = False

    def flush() -> None:
        if current:
            blocks.append(" ".join(current))
            current.clear()

    for raw in source.splitlines():
        line = raw.rstrip()
        line = _ROFF_COMMENT.sub("", line)
        if line.startswith((".", "'")):
            macro, _, rest = line.partition(" ")
            if macro in (".nf", ".EX", ".Vb"):
                no_fill = True
            elif macro in (".fi", ".EE", ".Ve"):
                no_fill = False
            if macro in _ROFF_FONT_MACROS and not no_fill and not skip_next:
                current.append(_roff_text(rest.replace('"', "")))
                continue
            flush()
            skip_next = macro == ".TP"  # the next line is an option tag
            continue
        if no_fill:
            continue
        if skip_next:
            skip_next = False
            continue
        if not line.strip():
            flush()
            continue
        current.append(_roff_text(line))
    flush()
    return blocks


def _roff_text(line: str) -> str:
    for pattern, replacement in _ROFF_ESCAPES:
        line = pattern.sub(replacement, line)
    line = _ROFF_GLYPH.sub(lambda m: _ROFF_GLYPHS.get(m.group(1) or m.group(2), ""), line)
    return line.replace("\\", "")


def _source_blocks(source: DebianSource) -> Iterator[str]:
    if source.kind == "html":
        for path in sorted(source.directory.rglob("*.html")):
            yield from html_blocks(path.read_text(encoding="utf-8", errors="replace"))
    else:
        for path in sorted(source.directory.glob("man*/*")):
            opener = gzip.open if path.suffix == ".gz" else open
            with opener(path, "rt", encoding="utf-8", errors="replace") as file:
                yield from roff_blocks(file.read())


def debian_sources(language: str) -> tuple[list[DebianSource], list[DebianSource]]:
    """(installed, missing) Debian sources for `language`."""
    installed: list[DebianSource] = []
    missing: list[DebianSource] = []
    for source in DEBIAN_SOURCES[language]:
        present = source.directory.is_dir() and any(source.directory.iterdir())
        (installed if present else missing).append(source)
    return installed, missing


def debian_sentences(language: str, limit: int = 300, seed: int = SAMPLE_SEED) -> list[str]:
    """A fixed-seed sample of up to `limit` distinct prose sentences (4–40 words) in
    `language`, from the Debian packages that ship it. Raises SourceMissing when none of them
    is installed."""
    installed, missing = debian_sources(language)
    if not installed:
        packages = " ".join(source.package for source in missing)
        raise SourceMissing(f"no {language} text installed: apt-get install {packages}")
    seen: set[str] = set()
    sentences: list[str] = []
    for source in installed:
        for block in _source_blocks(source):
            for sentence in prose_sentences(html.unescape(block), language):
                key = sentence.casefold()
                if key not in seen:
                    seen.add(key)
                    sentences.append(sentence)
    sentences.sort()
    return random.Random(seed).sample(sentences, min(limit, len(sentences)))


# -- VADER's human-rated English sets ----------------------------------------------------------

VADER_SETS = {
    "amazon": "amazonReviewSnippets_GroundTruth.txt",
    "tweets": "tweets_GroundTruth.txt",
    "movies": "movieReviewSnippets_GroundTruth.txt",
    "nyt": "nytEditorialSnippets_GroundTruth.txt",
}
# The sets give each text the mean of about 20 raters' scores from −4 to 4. A mean beyond
# ±0.5 is a side most raters took; the band between is neutral.
VADER_NEUTRAL_BAND = 0.5


@dataclass(frozen=True)
class RatedText:
    id: str
    rating: float  # mean human rating, −4 (extremely negative) … 4 (extremely positive)
    text: str

    @property
    def label(self) -> str:
        return vader_label(self.rating)


def vader_label(rating: float) -> str:
    if rating > VADER_NEUTRAL_BAND:
        return "positive"
    if rating < -VADER_NEUTRAL_BAND:
        return "negative"
    return "neutral"


def vader_sdist() -> Path:
    """The vaderSentiment sdist of the installed version, fetched into var/cache/bench once."""
    release = version("vaderSentiment")
    archive = CACHE / f"vaderSentiment-{release}.tar.gz"
    if archive.exists():
        return archive
    CACHE.mkdir(parents=True, exist_ok=True)
    command = [
        sys.executable, "-m", "pip", "download", f"vaderSentiment=={release}",
        "--no-binary", ":all:", "--no-deps", "--quiet", "-d", str(CACHE),
    ]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0 or not archive.exists():
        raise SourceMissing(
            f"could not fetch the vaderSentiment {release} sdist with pip "
            f"({result.stderr.strip().splitlines()[-1:] or 'no output'}); "
            f"put vaderSentiment-{release}.tar.gz in {CACHE}"
        )
    return archive


def vader_set(name: str) -> list[RatedText]:
    """One of VADER_SETS, in file order."""
    inner_name = f"hutto_ICWSM_2014/{VADER_SETS[name]}"
    with tarfile.open(vader_sdist()) as sdist:
        resources = next(
            member
            for member in sdist.getmembers()
            if member.name.endswith("additional_resources/hutto_ICWSM_2014.tar.gz")
        )
        inner_file = sdist.extractfile(resources)
        assert inner_file is not None
        with tarfile.open(fileobj=inner_file) as inner:
            member = inner.extractfile(inner_name)
            assert member is not None
            raw = member.read()
    try:
        content = raw.decode("utf-8")
    except UnicodeDecodeError:
        content = raw.decode("latin-1")
    items: list[RatedText] = []
    for line in content.splitlines():
        fields = line.split("\t")
        if len(fields) < 3 or not fields[2].strip():
            continue
        items.append(RatedText(fields[0].strip(), float(fields[1]), fields[2].strip()))
    return items
