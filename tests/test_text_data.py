"""The evaluation sets shipped in bench/data, and the loaders that read them and the run-time
sources (docs/EVALUATION.md). Nothing here needs the Debian packages or the network."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import tarfile
from collections import Counter
from importlib.metadata import version
from pathlib import Path

import pytest
from stdnum import iban, luhn
from stdnum.dk import cpr
from stdnum.no import fodselsnummer, kontonr, orgnr
from stdnum.se import personnummer

from bench import text_data
from bench.text_data import (
    ABUSE_KINDS,
    LANGUAGES,
    PII_TYPES,
    SENTIMENTS,
    html_blocks,
    nordic_feedback,
    nordic_pii,
    prose_sentences,
    roff_blocks,
    vader_label,
)

FEEDBACK_KEYS = {"id", "language", "text", "sentiment", "abusive", "abuse", "en"}
PII_KEYS = {"id", "language", "text", "pii", "not_pii"}
PER_LANGUAGE = {"nb": 70, "nn": 50, "sv": 60, "da": 60}
# Share of each label per language, from the set's brief: 30/30/20/5/15 %, roughly.
LABEL_SHARES = {
    "positive": (0.25, 0.35),
    "negative": (0.25, 0.35),
    "neutral": (0.15, 0.25),
    "mixed": (0.04, 0.07),
    "abusive": (0.13, 0.17),
}


def rows(path: Path) -> list[dict[str, object]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines and all(line.strip() for line in lines), f"{path.name} has blank lines"
    return [json.loads(line) for line in lines]


def label(row: dict[str, object]) -> str:
    return "abusive" if row["abusive"] else str(row["sentiment"])


@pytest.fixture(scope="module")
def feedback_rows() -> dict[str, list[dict[str, object]]]:
    return {split: rows(text_data.feedback_path(split)) for split in text_data.SPLITS}


@pytest.fixture(scope="module")
def pii_rows() -> list[dict[str, object]]:
    return rows(text_data.DATA / "nordic_pii.jsonl")


# -- the labelled feedback ---------------------------------------------------------------------


def test_feedback_rows_have_the_schema(feedback_rows: dict[str, list[dict[str, object]]]) -> None:
    for row in feedback_rows["dev"] + feedback_rows["heldout"]:
        assert set(row) == FEEDBACK_KEYS, row["id"]
        assert row["language"] in LANGUAGES
        assert re.fullmatch(rf"{row['language']}-\d{{3}}", str(row["id"]))
        assert row["sentiment"] in SENTIMENTS
        assert isinstance(row["abusive"], bool)
        if row["abusive"]:
            assert row["abuse"] in ABUSE_KINDS
        else:
            assert row["abuse"] is None
        for key in ("text", "en"):
            value = row[key]
            assert isinstance(value, str) and value.strip() == value and value, (row["id"], key)
        assert row["en"] != row["text"]


def test_each_language_has_its_count_and_label_mix() -> None:
    items = nordic_feedback("all")
    assert Counter(item.language for item in items) == PER_LANGUAGE
    for language, total in PER_LANGUAGE.items():
        mine = [item for item in items if item.language == language]
        labels = Counter("abusive" if item.abusive else item.sentiment for item in mine)
        for name, (low, high) in LABEL_SHARES.items():
            assert low <= labels[name] / total <= high, (language, name, labels[name])
        # Every kind of abuse is measured in every language; threats explicit and veiled.
        assert {item.abuse for item in mine if item.abusive} == set(ABUSE_KINDS), language
        assert sum(item.abuse == "threat" for item in mine) >= 2, language


def test_the_split_is_one_third_dev_in_every_language_and_label() -> None:
    strata: dict[tuple[str, str], Counter[str]] = {}
    for item in nordic_feedback("all"):
        key = (item.language, "abusive" if item.abusive else item.sentiment)
        strata.setdefault(key, Counter())[item.split] += 1
    for key, counts in strata.items():
        assert counts["dev"] == round((counts["dev"] + counts["heldout"]) / 3), key
    assert len(nordic_feedback("dev")) == 79
    assert len(nordic_feedback("heldout")) == 161


def test_ids_are_unique_and_no_message_is_in_both_splits() -> None:
    dev, held = nordic_feedback("dev"), nordic_feedback("heldout")
    ids = [item.id for item in dev + held]
    assert len(ids) == len(set(ids)) == 240
    texts = [item.text.casefold() for item in dev + held]
    assert len(texts) == len(set(texts))
    assert not {item.text for item in dev} & {item.text for item in held}


# Words only one written Norwegian has: a message labelled with the other one must not use them.
BOKMAL_ONLY = {"jeg", "ikke", "hva", "hvorfor", "hvordan", "hvem", "bare", "mye", "fra", "noe"}
NYNORSK_ONLY = {"eg", "ikkje", "kva", "kvifor", "korleis", "berre", "mykje", "frå", "noko"}


def test_bokmal_and_nynorsk_messages_are_labelled_as_what_they_are() -> None:
    for item in nordic_feedback("all"):
        words = set(re.findall(r"[^\W\d_]+", item.text.casefold()))
        if item.language == "nn":
            assert not words & BOKMAL_ONLY, (item.id, words & BOKMAL_ONLY)
        if item.language == "nb":
            assert not words & NYNORSK_ONLY, (item.id, words & NYNORSK_ONLY)


def test_loader_refuses_an_unknown_split() -> None:
    with pytest.raises(ValueError, match="unknown split"):
        nordic_feedback("train")


# -- the PII set -------------------------------------------------------------------------------


def test_pii_rows_have_the_schema_and_exact_substrings(pii_rows: list[dict[str, object]]) -> None:
    assert len(pii_rows) >= 80
    assert {row["language"] for row in pii_rows} == {*LANGUAGES, "en"}
    ids = [row["id"] for row in pii_rows]
    assert len(ids) == len(set(ids))
    for row in pii_rows:
        assert set(row) == PII_KEYS, row["id"]
        text = row["text"]
        assert isinstance(text, str) and isinstance(row["pii"], list)
        assert isinstance(row["not_pii"], list)
        for entity in row["pii"]:
            assert set(entity) == {"type", "text"} and entity["type"] in PII_TYPES
            assert entity["text"] in text, (row["id"], entity)
        for value in row["not_pii"]:
            assert isinstance(value, str) and value in text, (row["id"], value)


def test_pii_spans_point_at_their_text_and_never_overlap_a_distractor() -> None:
    for message in nordic_pii():
        for span in (*message.pii, *message.not_pii):
            assert message.text[span.begin : span.end] == span.text
        for gold in message.pii:
            for other in message.not_pii:
                assert gold.end <= other.begin or other.end <= gold.begin, (message.id, gold)


def samordningsnummer_valid(value: str) -> bool:
    digits = re.sub(r"\D", "", value)
    if len(digits) != 10 or not luhn.is_valid(digits):
        return False
    year, month, day = int(digits[:2]), int(digits[2:4]), int(digits[4:6]) - 60
    try:
        dt.date(1900 + year, month, day)
    except ValueError:
        return False
    return True


def phone_parts(value: str, language: str) -> tuple[str, str]:
    """(country calling code, national number). Norwegian and Danish numbers never start with
    0 at home; Swedish ones always do (the trunk prefix)."""
    compact = re.sub(r"[\s.-]", "", value)
    if match := re.fullmatch(r"(?:\+|00)(4[567])(\d+)", compact):
        return match.group(1), match.group(2)
    if compact.startswith("0"):
        return "46", compact[1:]
    return ("45" if language == "da" else "47"), compact


def phone_valid(value: str, language: str) -> bool:
    country, national = phone_parts(value, language)
    if country == "46":
        return re.fullmatch(r"[1-9]\d{6,8}", national) is not None
    return re.fullmatch(r"[2-9]\d{7}", national) is not None


def identifier_valid(type_: str, value: str, language: str) -> bool:
    digits = re.sub(r"\D", "", value)
    checks = {
        "NO_NATIONAL_ID": lambda: fodselsnummer.is_valid(value),
        "BANK_ACCOUNT_NUMBER": lambda: len(digits) == 11 and kontonr.is_valid(value),
        "NO_ORGANIZATION_NUMBER": lambda: orgnr.is_valid(value),
        # python-stdnum's personnummer does not take samordningsnummer (day + 60).
        "SE_PERSONAL_IDENTITY_NUMBER": lambda: (
            personnummer.is_valid(value) or samordningsnummer_valid(value)
        ),
        "DK_CPR_NUMBER": lambda: cpr.is_valid(value),
        "CREDIT_DEBIT_NUMBER": lambda: (
            13 <= len(digits) <= 19 and digits[0] in "23456" and luhn.is_valid(digits)
        ),
        "INTERNATIONAL_BANK_ACCOUNT_NUMBER": lambda: iban.is_valid(value),
        "PHONE": lambda: phone_valid(value, language),
        "EMAIL": lambda: re.fullmatch(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", value) is not None,
        "ADDRESS": lambda: (
            re.fullmatch(r"\w[\w ]* \d+[A-Z]?, (?:\d{4}|\d{3} \d{2}) \w+(?: [A-ZØ])?", value)
            is not None
        ),
        "NAME": lambda: all(word[0].isupper() and word.isalpha() for word in value.split()),
    }
    return bool(checks[type_]())


def test_every_identifier_is_valid() -> None:
    for message in nordic_pii():
        for entity in message.pii:
            assert identifier_valid(entity.type, entity.text, message.language), (
                message.id,
                entity,
            )


def test_every_format_appears_at_least_five_times() -> None:
    formats: Counter[str] = Counter()
    for message in nordic_pii():
        for entity in message.pii:
            value, before = entity.text, message.text[: entity.begin]
            kind = f"{entity.type} {re.sub(r'[0-9]', '9', re.sub(r'[A-Za-z]', 'a', value))}"
            if entity.type == "NO_NATIONAL_ID":
                kind += " D-nummer" if value[0] in "4567" else " fødselsnummer"
            if entity.type == "SE_PERSONAL_IDENTITY_NUMBER" and int(value[-7:-5]) > 60:
                kind = "samordningsnummer"
            if entity.type == "NO_ORGANIZATION_NUMBER":
                formats["org.nr. prefix"] += bool(re.search(r"org\.? ?nr\.? $", before, re.I))
                formats["NO … MVA"] += before.endswith("NO ")
            if entity.type == "PHONE":
                kind = "PHONE " + phone_form(value, message.language)
            if entity.type in ("NAME", "ADDRESS", "EMAIL", "CREDIT_DEBIT_NUMBER"):
                kind = entity.type
            if entity.type == "INTERNATIONAL_BANK_ACCOUNT_NUMBER":
                kind = entity.type
            formats[kind] += 1
    expected = [
        "NO_NATIONAL_ID 99999999999 fødselsnummer",
        "NO_NATIONAL_ID 999999 99999 fødselsnummer",
        "BANK_ACCOUNT_NUMBER 99999999999",
        "BANK_ACCOUNT_NUMBER 9999.99.99999",
        "BANK_ACCOUNT_NUMBER 9999 99 99999",
        "NO_ORGANIZATION_NUMBER 999999999",
        "NO_ORGANIZATION_NUMBER 999 999 999",
        "org.nr. prefix",
        "NO … MVA",
        "SE_PERSONAL_IDENTITY_NUMBER 999999-9999",
        "SE_PERSONAL_IDENTITY_NUMBER 99999999-9999",
        "samordningsnummer",
        "DK_CPR_NUMBER 999999-9999",
        "PHONE +47",
        "PHONE 0047",
        "PHONE 99999999",
        "PHONE 999 99 999",
        "PHONE 99 99 99 99",
        "PHONE Swedish",
        "PHONE Danish",
        "NAME",
        "ADDRESS",
        "EMAIL",
        "CREDIT_DEBIT_NUMBER",
        "INTERNATIONAL_BANK_ACCOUNT_NUMBER",
    ]
    short = {kind: formats[kind] for kind in expected if formats[kind] < 5}
    assert not short, short
    d_numbers = sum(n for kind, n in formats.items() if kind.endswith("D-nummer"))
    assert d_numbers >= 5


def phone_form(value: str, language: str) -> str:
    country, _ = phone_parts(value, language)
    if country != "47":
        return {"45": "Danish", "46": "Swedish"}[country]
    for prefix in ("+47", "0047"):
        if value.startswith(prefix):
            return prefix
    return re.sub(r"\d", "9", value)


def test_distractors_are_not_valid_identifiers() -> None:
    """Order, tracking and article numbers must not pass a checksum by accident: a finder that
    masks them would be right to."""
    for message in nordic_pii():
        for distractor in message.not_pii:
            for run in re.findall(r"\d[\d .-]*\d|\d", distractor.text):
                digits = re.sub(r"\D", "", run)
                assert not (
                    fodselsnummer.is_valid(digits)
                    or (len(digits) == 11 and kontonr.is_valid(digits))
                    or orgnr.is_valid(digits)
                    or cpr.is_valid(digits)
                    or personnummer.is_valid(digits)
                    or samordningsnummer_valid(digits)
                    or identifier_valid("CREDIT_DEBIT_NUMBER", digits, message.language)
                ), (message.id, distractor.text)


# -- run-time sources: the parts that need no package and no network ---------------------------


def test_vader_gold_label_bands() -> None:
    assert [vader_label(r) for r in (2.1, 0.51, 0.5, 0.0, -0.5, -0.51, -3.0)] == [
        "positive",
        "positive",
        "neutral",
        "neutral",
        "neutral",
        "negative",
        "negative",
    ]


def test_prose_filter_keeps_sentences_and_drops_code_fragments_and_english() -> None:
    block = (
        "Denne kommandoen lukker alle opne bilete. Bruk -a, --all for å vise alt. "
        "Sjå https://docs.gimp.org for meir. Lukk alle. "
        "This option is not translated yet and will be. "
        "Du kan endre fargen på laget med dette verktøyet!"
    )
    assert list(prose_sentences(block, "nn")) == [
        "Denne kommandoen lukker alle opne bilete.",
        "Du kan endre fargen på laget med dette verktøyet!",
    ]


def test_roff_keeps_running_text_and_drops_option_tags_and_examples() -> None:
    page = "\n".join(
        [
            '.\\" kommentar',
            ".SH BESKRIVELSE",
            "Manualsidan dokumenterar programmet",
            ".B dpkg-name",
            "som byter namn p\\(oa paket s\\(oa att de f\\(oar r\\(:att namn.",
            ".TP",
            ".B \\-a, \\-\\-all",
            "Visa allt.",
            ".nf",
            "dpkg-name foo.deb",
            ".fi",
        ]
    )
    assert roff_blocks(page) == [
        "Manualsidan dokumenterar programmet dpkg-name som byter namn på paket så att de "
        "får rätt namn.",
        "Visa allt.",
    ]


def test_html_blocks_skip_code_and_mark_inline_code() -> None:
    blocks = html_blocks(
        "<p>Velg <b>Fil</b> og trykk OK.</p><pre>gimp --version</pre>"
        "<p>Skriv <code>ls</code> i terminalen.</p>"
    )
    assert blocks == ["Velg Fil og trykk OK.", "Skriv  ` i terminalen."]
    text = blocks[1] + " Dette er en setning uten kode."
    assert list(prose_sentences(text, "nb")) == ["Dette er en setning uten kode."]


def test_vader_sets_are_read_from_the_cached_sdist(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The nested archive as the sdist ships it; a Latin-1 file is read too."""
    inner_path = tmp_path / "hutto.tar.gz"
    with tarfile.open(inner_path, "w:gz") as inner:
        for name, content in {
            "tweets_GroundTruth.txt": "1\t2.7\tSo lucky.\r\n2\t-0.2\tMeh\r\n3\t-1.5\t\r\n",
            "nytEditorialSnippets_GroundTruth.txt": "9\t-3.1\tCaf\xe9 closed, awful.\n",
        }.items():
            data = content.encode("latin-1")
            info = tarfile.TarInfo(f"hutto_ICWSM_2014/{name}")
            info.size = len(data)
            inner.addfile(info, io.BytesIO(data))
    release = version("vaderSentiment")
    with tarfile.open(tmp_path / f"vaderSentiment-{release}.tar.gz", "w:gz") as sdist:
        sdist.add(
            inner_path,
            f"vaderSentiment-{release}/additional_resources/hutto_ICWSM_2014.tar.gz",
        )
    monkeypatch.setattr(text_data, "CACHE", tmp_path)

    tweets = text_data.vader_set("tweets")
    assert [(t.id, t.rating, t.text, t.label) for t in tweets] == [
        ("1", 2.7, "So lucky.", "positive"),
        ("2", -0.2, "Meh", "neutral"),
    ]
    [nyt] = text_data.vader_set("nyt")
    assert (nyt.text, nyt.label) == ("Café closed, awful.", "negative")
