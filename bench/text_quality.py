"""Scenario 7: text analysis quality, on the project's own sets (bench/text_data.py).

Every figure runs the product's path: an analyzer's `analyze_batch` or `analyze`, then
`feedback.policy.decide_feedback` with the current policy. "Auto-filed" means the machine
approved the feedback (it is filed under its sentiment without a person seeing it). A text the
analyzer fails on is counted, and goes to review as in the product.
"""

from __future__ import annotations

import sys
import traceback
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from functools import cache
from importlib.metadata import version
from typing import Any

from bench import text_data
from bench.report import Table, fmt_float
from bench.text_data import Feedback, SourceMissing
from bench.text_services import (
    APPROVED,
    BATCH,
    DETECTORS,
    LINGUA_SET,
    Detectors,
    Verdict,
    analyze_all,
    aws_stubs,
    verdicts,
)


def pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}% ({part}/{whole})" if whole else "—"


def feedback_cells(items: Sequence[Feedback], seen: Sequence[Verdict]) -> list[str]:
    pairs = list(zip(items, seen, strict=True))
    clean = [(item, v) for item, v in pairs if not item.abusive]
    filed = [(item, v) for item, v in clean if v.status == APPROVED]
    abusive = [v for item, v in pairs if item.abusive]
    return [
        str(len(pairs)),
        str(sum(v.failed for _, v in pairs)),
        pct(len(filed), len(clean)),
        pct(sum(v.sentiment == item.sentiment for item, v in filed), len(filed)),
        pct(sum(v.status != APPROVED for v in abusive), len(abusive)),
        str(sum(v.status == APPROVED for v in abusive)),
        pct(sum(v.language == item.language for item, v in pairs), len(pairs)),
    ]


FEEDBACK_HEADERS = [
    "Split",
    "Language",
    "Messages",
    "Errors",
    "Auto-filed (non-abusive)",
    "Sentiment right, of auto-filed",
    "Abuse recall",
    "Abusive auto-filed (target 0)",
    "Language right",
]


def groups(items: Sequence[Feedback]) -> list[tuple[str, str, list[int]]]:
    """(split, language, indexes) for each row of the feedback tables."""
    rows = []
    for split in text_data.SPLITS:
        for language in (*text_data.LANGUAGES, "all"):
            indexes = [
                i
                for i, item in enumerate(items)
                if item.split == split and language in (item.language, "all")
            ]
            rows.append((split, language, indexes))
    return rows


FEEDBACK_NOTES = [
    "Auto-filed: share of the non-abusive messages the policy approved. Sentiment right: the "
    "analyzer's top sentiment equals the label (mixed included), among those auto-filed. Abuse "
    "recall: abusive messages sent to review or rejected (a failed analysis goes to review, as "
    "in the product, and counts here: see Errors). Language right: the analyzer's language "
    "code equals the label, nb and nn counted apart.",
    "dev is the third of the set developers may read and tune on; held-out is never tuned on "
    "(docs/EVALUATION.md).",
]


# -- table 1: local backend --------------------------------------------------------------------


def local_table(items: Sequence[Feedback], seen: Sequence[Verdict], analyzer: Any) -> Table:
    table = Table(
        f"Nordic feedback, local backend ({analyzer.model_version})",
        FEEDBACK_HEADERS,
        notes=[f"`LocalTextAnalyzer.analyze_batch`, {BATCH} texts a call.", *FEEDBACK_NOTES],
    )
    for split, language, rows in groups(items):
        table.add(
            split, language, *feedback_cells([items[i] for i in rows], [seen[i] for i in rows])
        )
    return table


# -- table 2: AWS backend, services stubbed ----------------------------------------------------


def aws_table(items: Sequence[Feedback], policy: Any, local: Any) -> Table:
    from feedback.analyzers.aws import ComprehendAnalyzer

    comprehend, translate = aws_stubs(items, local)
    notes: list[str] = []
    try:
        analyzer = ComprehendAnalyzer(client=comprehend, translate_client=translate)
    except TypeError:
        analyzer = ComprehendAnalyzer(client=comprehend)
        notes.append(
            "This ComprehendAnalyzer takes no `translate_client`: it cannot translate, so "
            "every Nordic message is an unsupported language and goes to review."
        )
    results: list[Any] = []
    usage: list[list[int]] = []  # per message: Translate calls, characters, Comprehend calls
    for item in items:
        before = [translate.calls, translate.characters, comprehend.calls]
        try:
            results.append(analyzer.analyze(item.text))
        except Exception as error:
            results.append(error)
        after = [translate.calls, translate.characters, comprehend.calls]
        usage.append([b - a for a, b in zip(before, after, strict=True)])
    seen = verdicts(results, policy)
    table = Table(
        "Nordic feedback, AWS backend with stubbed Translate and Comprehend",
        [
            *FEEDBACK_HEADERS,
            "Translate calls / msg",
            "Translate chars / msg",
            "Comprehend calls / msg",
        ],
    )
    for split, language, indexes in groups(items):
        n = len(indexes) or 1
        table.add(
            split,
            language,
            *feedback_cells([items[i] for i in indexes], [seen[i] for i in indexes]),
            fmt_float(sum(usage[i][0] for i in indexes) / n),
            fmt_float(sum(usage[i][1] for i in indexes) / n, 0),
            fmt_float(sum(usage[i][2] for i in indexes) / n),
        )
    errors = Counter(type(r).__name__ for r in results if isinstance(r, BaseException))
    table.notes = [
        "`ComprehendAnalyzer(client=…, translate_client=…).analyze`, one message at a time "
        "(the live path). No AWS service is called: Translate answers each text with the set's "
        "English reference translation, looked up by the text as sent (the masked form "
        "`redact(text, find_pii(text))` and the original are both indexed); Comprehend's "
        "language answer is the label (`no` for nb and nn); every English answer (sentiment, "
        "toxicity, PII, key phrases, entities) is the local English analyzer's on that text, "
        "mapped to Comprehend's response shapes. These are stand-ins: the figures measure the "
        "pipeline around the services with a perfect translation, not Comprehend's own "
        "judgement.",
        f"Translate lookups that missed (answered with the text unchanged): {translate.misses}. "
        f"English texts the local stand-in could not judge (answered with an even, untrusted "
        f"sentiment): {len(comprehend.unjudged)}. Texts sent for language detection that were "
        f"not in the set: {len(comprehend.unknown)}.",
        *notes,
        *([f"Errors by kind: {dict(sorted(errors.items()))}"] if errors else []),
        *FEEDBACK_NOTES,
    ]
    return table


# -- table 3: PII floor ------------------------------------------------------------------------

PII_HEADERS = ["Type", "Gold", "Found", "Masked as another type", "Partly masked", "Recall",
               "Reported", "False masks: distractor", "False masks: other"]  # fmt: skip


def pii_table() -> Table:
    from feedback.pii import find_pii

    def overlaps(a: Any, b: Any) -> bool:
        return bool(a.begin < b.end and b.begin < a.end)

    stats: dict[str, Counter[str]] = defaultdict(Counter)
    messages = text_data.nordic_pii()
    failures = distractors = distractors_hit = 0
    for message in messages:
        try:
            reported = list(find_pii(message.text))
        except Exception:
            failures += 1
            reported = []
        for gold in message.pii:
            counts = stats[gold.type]
            counts["gold"] += 1
            covering = [r for r in reported if r.begin <= gold.begin and r.end >= gold.end]
            if any(r.type == gold.type for r in covering):
                counts["found"] += 1
            elif covering:
                counts["other type"] += 1
            elif any(overlaps(r, gold) for r in reported):
                counts["partly"] += 1
        for entity in reported:
            counts = stats[entity.type]
            counts["reported"] += 1
            if any(overlaps(entity, d) for d in message.not_pii):
                counts["false distractor"] += 1
            elif not any(overlaps(entity, g) for g in message.pii):
                counts["false other"] += 1
        distractors += len(message.not_pii)
        distractors_hit += sum(any(overlaps(r, d) for r in reported) for d in message.not_pii)
    table = Table("PII floor: `feedback.pii.find_pii` on the labelled PII set", PII_HEADERS)
    order = [*text_data.PII_TYPES, *sorted(set(stats) - set(text_data.PII_TYPES))]
    total: Counter[str] = Counter()
    for type_ in order:
        counts = stats[type_]
        total.update(counts)
        table.add(type_, *_pii_cells(counts))
    table.add("**all**", *_pii_cells(total))
    table.notes = [
        f"{len(messages)} messages (nb, nn, sv, da, en), {total['gold']} gold entities, "
        f"{distractors} distractors (order numbers, prices, dates, times, postcodes with a "
        "place, quantities, article and tracking numbers). Found: one reported entity of the "
        "same type covers the gold span; masked as another type: one reported entity of "
        "another type covers it; partly masked: reported spans overlap it without one "
        "covering it (characters leak).",
        "False masks: reported entities overlapping a distractor, and reported entities "
        f"overlapping no gold entity. {distractors_hit} of {distractors} distractors were "
        f"(partly) masked. Calls that raised: {failures}.",
    ]
    return table


def _pii_cells(counts: Counter[str]) -> list[str]:
    gold = counts["gold"]
    recall = f"{100 * counts['found'] / gold:.0f}%" if gold else "—"
    return [
        str(gold),
        str(counts["found"]),
        str(counts["other type"]),
        str(counts["partly"]),
        recall,
        str(counts["reported"]),
        str(counts["false distractor"]),
        str(counts["false other"]),
    ]


# -- table 4: real Nordic prose ----------------------------------------------------------------


def prose_table(local: Any, policy: Any, detectors: Detectors) -> Table:
    table = Table(
        "Real Nordic prose (Debian documentation), local backend",
        [
            "Language",
            "Packages",
            "Sentences",
            *(f"Language right: {name}" for name in DETECTORS),
            "Auto-filed",
            "Positive",
            "Negative",
            "Neutral",
            "Mixed",
            "Not judged",
        ],
    )
    missing_notes: list[str] = []
    for language in text_data.LANGUAGES:
        installed, missing = text_data.debian_sources(language)
        if missing:
            packages = " ".join(source.package for source in missing)
            missing_notes.append(f"{language}: missing, `apt-get install {packages}`")
            print(f"scenario 7: apt-get install {packages} for {language} prose", file=sys.stderr)
        try:
            sentences = text_data.debian_sentences(language)
        except SourceMissing as error:
            table.add(language, "—", "0", *(["—"] * 10))
            missing_notes.append(str(error))
            continue
        seen = verdicts(analyze_all(local, sentences), policy)
        answers = {name: detectors.detect(name, sentences) for name in DETECTORS[:3]}
        answers["analyzer"] = [v.language for v in seen]
        n = len(sentences)
        sentiments = Counter(v.sentiment or "none" for v in seen)
        table.add(
            language,
            ", ".join(source.package for source in installed),
            str(n),
            *(pct(sum(a == language for a in answers[name]), n) for name in DETECTORS),
            pct(sum(v.status == APPROVED for v in seen), n),
            *(pct(sentiments[s], n) for s in (*text_data.SENTIMENTS, "none")),
        )
    table.notes = [
        "Sentences of 4–40 words extracted at run time from the installed packages (markup "
        "stripped; code, commands, option lists, URLs and mostly non-letter lines dropped; "
        "untranslated English strings dropped by a function-word check; deduplicated), then "
        f"a sample of up to 300 per language with seed {text_data.SAMPLE_SEED}.",
        "Documentation is neutral prose: a sound analyzer auto-files most of it as neutral. "
        "Sentiment columns are the analyzer's top sentiment over all sentences; Not judged: "
        "no sentiment (language not supported, or the analysis failed).",
        *missing_notes,
    ]
    return table


# -- table 5: English, VADER's human-rated sets ------------------------------------------------


def vader_table(local: Any, policy: Any) -> Table:
    table = Table(
        "English: VADER's human-rated sets, local backend",
        [
            "Set",
            "Items",
            "Gold positive / negative / neutral",
            "Macro-F1",
            "Auto-filed",
            "Right, of auto-filed",
            "Negative filed as positive",
        ],
    )
    from bench.fit_sentiment import vader_split

    held_out: list[tuple[str, Verdict]] = []
    fit_on: list[tuple[str, Verdict]] = []
    for name in text_data.VADER_SETS:
        try:
            rated = text_data.vader_set(name)
        except SourceMissing as error:
            table.add(name, "0", "—", "—", "—", "—", "—")
            table.notes.append(str(error))
            continue
        seen = verdicts(analyze_all(local, [r.text for r in rated]), policy)
        fit, held = vader_split([(r.label, v) for r, v in zip(rated, seen, strict=True)])
        held_out.extend(held)
        fit_on.extend(fit)
        table.add(f"{name} (held-out half)", *_vader_cells(held))
    if held_out:
        table.add("**all held-out halves**", *_vader_cells(held_out))
        table.add("all fit-on halves (in-sample, for comparison)", *_vader_cells(fit_on))
    table.notes[:0] = [
        "Gold: the mean of the human ratings (−4…4) in the vaderSentiment "
        f"{version('vaderSentiment')} sdist; positive above 0.5, negative below −0.5, else "
        "neutral. Macro-F1 over positive, negative and neutral on the analyzer's top sentiment "
        "for every item (mixed or no sentiment counts against recall).",
        "The English calibration (feedback/sentiment/models/english.npz) was fit on the "
        "even-numbered lines of each set (bench/fit_sentiment.py); the rows above are the "
        "odd-numbered lines, never fit on. VADER's own lexicon was built with raters of the "
        "same project, so even the held-out halves are not wholly unseen.",
    ]
    return table


def _vader_cells(pairs: Sequence[tuple[str, Verdict]]) -> list[str]:
    gold = Counter(label for label, _ in pairs)
    f1s = []
    for label in ("positive", "negative", "neutral"):
        hits = sum(g == label and v.sentiment == label for g, v in pairs)
        predicted = sum(v.sentiment == label for _, v in pairs)
        precision = hits / predicted if predicted else 0.0
        recall = hits / gold[label] if gold[label] else 0.0
        f1s.append(2 * precision * recall / (precision + recall) if hits else 0.0)
    filed = [(g, v) for g, v in pairs if v.status == APPROVED]
    return [
        str(len(pairs)),
        f"{gold['positive']} / {gold['negative']} / {gold['neutral']}",
        fmt_float(sum(f1s) / 3),
        pct(len(filed), len(pairs)),
        pct(sum(g == v.sentiment for g, v in filed), len(filed)),
        pct(sum(g == "negative" and v.sentiment == "positive" for g, v in filed), gold["negative"]),
    ]


# -- table 6: language identification ---------------------------------------------------------


def language_table(
    items: Sequence[Feedback], seen: Sequence[Verdict] | None, detectors: Detectors
) -> Table:
    """`seen` is None when the local analyzer could not run: its column is left empty."""
    texts = [item.text for item in items]
    answers = {name: detectors.detect(name, texts) for name in DETECTORS[:3]}
    answers["analyzer"] = [v.language for v in seen] if seen is not None else []
    table = Table(
        "Language identification on the labelled Nordic feedback (dev + held-out)",
        ["Language", "Messages", *DETECTORS],
        notes=[
            "Share of messages whose detected language equals the label; nb and nn counted "
            "apart, except in the row that counts either Norwegian as right for both. "
            "langdetect has no nynorsk and says `no` (read as nb). lingua 7 languages: "
            f"{', '.join(LINGUA_SET)}, high-accuracy mode. analyzer: the language "
            "`LocalTextAnalyzer.analyze_batch` reported (table 1).",
        ],
    )
    norwegian = {"nb", "nn"}
    rows: list[tuple[str, Callable[[str, str], bool], list[int]]] = [
        (lang, str.__eq__, [i for i, it in enumerate(items) if it.language == lang])
        for lang in text_data.LANGUAGES
    ]
    rows.append(
        (
            "nb + nn, either as Norwegian",
            lambda got, gold: got in norwegian,
            [i for i, it in enumerate(items) if it.language in norwegian],
        )
    )
    rows.append(("all", str.__eq__, list(range(len(items)))))
    for label, right, indexes in rows:
        table.add(
            label,
            str(len(indexes)),
            *(
                pct(sum(right(answers[n][i], items[i].language) for i in indexes), len(indexes))
                if answers[n]
                else "—"
                for n in DETECTORS
            ),
        )
    return table


# -- the scenario ------------------------------------------------------------------------------


def guarded(title: str, build: Callable[[], Table]) -> Table:
    """A table, or one that says why it could not be made: one broken part must not hide the
    others' figures."""
    try:
        return build()
    except Exception as error:
        traceback.print_exc(file=sys.stderr)
        return Table(title, ["Error"], [[f"`{type(error).__name__}: {error}`"]])


def run() -> list[Table]:
    from moderation.policy.selectors import policy_current

    policy = policy_current()
    items = text_data.nordic_feedback("all")

    # Built on first use and kept; one that fails to build fails only the tables that need it.
    @cache
    def local() -> Any:
        from feedback.analyzers.local import LocalTextAnalyzer

        return LocalTextAnalyzer()

    @cache
    def seen() -> list[Verdict]:
        return verdicts(analyze_all(local(), [item.text for item in items]), policy)

    @cache
    def detectors() -> Detectors:
        return Detectors()

    def seen_if_any() -> list[Verdict] | None:
        try:
            return seen()
        except Exception:
            return None

    tables = [
        guarded("Nordic feedback, local backend", lambda: local_table(items, seen(), local())),
        guarded("Nordic feedback, AWS backend", lambda: aws_table(items, policy, local())),
        guarded("PII floor", pii_table),
        guarded("Real Nordic prose", lambda: prose_table(local(), policy, detectors())),
        guarded("English, VADER's sets", lambda: vader_table(local(), policy)),
        guarded(
            "Language identification",
            lambda: language_table(items, seen_if_any(), detectors()),
        ),
    ]
    for number, table in enumerate(tables, 1):
        table.title = f"7.{number} {table.title}"
    return tables
