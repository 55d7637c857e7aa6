"""Scenario 10: text inside images, on the generated fixtures (bench/ocr_data.py).

Every figure runs the product's path: the configured local reader (`moderation.images.ocr`),
then the text analysis that feedback uses (`moderation.textsignals`), then the policy engine
under the current policy's `text_in_image:*` bands. Character error rate is the edit distance
over the phrase's length (case and spacing normalised). "Held back" means the found text alone
sends the image to review or rejects it; "signal recall" counts the abusive phrases whose
expected signal (`text_in_image:VIOLENCE_OR_THREAT`, `…:TOXICITY`) reaches its review band.
Tesseract (Debian's, through its command line) is measured beside it when installed, for the
choice recorded in docs/decisions.md.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from collections import defaultdict
from collections.abc import Callable

from bench.ocr_data import Fixture, char_error_rate, fixtures
from bench.report import Table, fmt_float


def _rapidocr() -> Callable[[bytes], str]:
    from moderation.images.ocr.base import ImageSource
    from moderation.images.ocr.local import LocalTextReader

    reader = LocalTextReader()
    return lambda png: reader.read(ImageSource("bench.png", png, "image/png")).text


def _tesseract(png: bytes) -> str:
    done = subprocess.run(
        ["tesseract", "stdin", "stdout", "-l", "eng+nor"],
        input=png,
        capture_output=True,
        check=True,
    )
    return done.stdout.decode("utf-8", "replace")


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def run() -> list[Table]:
    from moderation.items.models import ItemStatus
    from moderation.policy.engine import decide
    from moderation.policy.labels import ModerationLabel
    from moderation.policy.selectors import policy_current
    from moderation.policy.taxonomy import IMAGE_TEXT_PREFIX
    from moderation.textsignals import text_signals

    items = list(fixtures())
    readers: dict[str, Callable[[bytes], str]] = {"RapidOCR (chosen)": _rapidocr()}
    if shutil.which("tesseract"):
        readers["Tesseract 5 (eng+nor, CLI)"] = _tesseract
    policy = policy_current()
    judge = text_signals()
    quality = Table(
        "Reading and judging the text",
        [
            "Reader",
            "Images",
            "Mean CER",
            "CER ≤ 5 %",
            "Signal recall (abusive)",
            "Held back (abusive)",
            "Held back (harmless)",
            "p50 s/image",
            "p95 s/image",
        ],
        notes=[
            f"{len(items)} generated images: 10 phrases (6 abusive, 4 harmless; English and "
            "Norwegian) × 8 variants (22–56 px, −15° to +8°, high, low and inverse contrast), "
            "DejaVu fonts on blurred photo-like backgrounds (bench/ocr_data.py).",
            "Time is reading only, one thread, after the model is loaded; judging the text is "
            "the feedback analyzer's (scenario 7).",
        ],
    )
    by_variant = Table(
        "RapidOCR by variant", ["Variant", "Mean CER", "Signal recall (abusive)"], notes=[]
    )
    for name, read in readers.items():
        cers: list[float] = []
        seconds: list[float] = []
        recalled: list[bool] = []
        held_abusive: list[bool] = []
        held_harmless: list[bool] = []
        variants: dict[str, list[tuple[float, bool | None]]] = defaultdict(list)
        read(items[0].png)  # load the models outside the timing
        for item in items:
            started = time.perf_counter()
            text = read(item.png)
            seconds.append(time.perf_counter() - started)
            cer = char_error_rate(item.phrase.text, text)
            cers.append(cer)
            signals = judge.judge(text).signals if text.strip() else ()
            labels = [ModerationLabel(IMAGE_TEXT_PREFIX + s.name, s.confidence) for s in signals]
            held = decide(labels, policy).outcome != ItemStatus.APPROVED
            hit: bool | None = None
            if item.phrase.signal:
                wanted = IMAGE_TEXT_PREFIX + item.phrase.signal
                band = policy.bands.get(wanted)
                hit = any(
                    label.name == wanted and band is not None and label.confidence >= band.review_at
                    for label in labels
                )
                recalled.append(hit)
                held_abusive.append(held)
            else:
                held_harmless.append(held)
            variants[_variant(item)].append((cer, hit))
        quality.add(
            name,
            len(items),
            f"{100 * sum(cers) / len(cers):.1f} %",
            _share(sum(c <= 0.05 for c in cers), len(cers)),
            _share(sum(recalled), len(recalled)),
            _share(sum(held_abusive), len(held_abusive)),
            _share(sum(held_harmless), len(held_harmless)),
            fmt_float(_percentile(seconds, 0.5)),
            fmt_float(_percentile(seconds, 0.95)),
        )
        if name.startswith("RapidOCR"):
            for variant, results in variants.items():
                hits = [hit for _, hit in results if hit is not None]
                by_variant.add(
                    variant,
                    f"{100 * sum(c for c, _ in results) / len(results):.1f} %",
                    _share(sum(hits), len(hits)),
                )
    return [quality, by_variant]


def _variant(item: Fixture) -> str:
    v = item.variant
    return f"{v.size} px, {v.angle:+.0f}°, {v.contrast} contrast"


def _share(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f} % ({part}/{whole})" if whole else "—"
