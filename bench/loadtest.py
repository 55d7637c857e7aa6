"""`python -m bench.loadtest [seconds]`: uploads, feedback and moderator decisions together against
gunicorn and two Celery workers on loopback, then an account of every item. Writes its figures
into docs/RELIABILITY.md. Exits non-zero on any error or any item unaccounted for."""

from __future__ import annotations

import asyncio
import os
import random
import shutil
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench import procs
from bench.load import photo_jpegs
from bench.report import Table, fmt_float, fmt_int

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "docs" / "RELIABILITY.md"
START, END = "<!-- load-test:start -->", "<!-- load-test:end -->"
UPLOADERS, WRITERS, MODERATORS = 4, 4, 3
PAUSE_SECONDS = {"upload": 0.25, "feedback": 0.1}  # think time: a sustainable, steady mix
TEXTS = (
    "Lovely mug, arrived quickly and well packed.",
    "The parcel came late and the box was wet.",
    "You are all idiots and your shop is garbage.",
    "Call me on +44 20 7946 0958 about my refund, order 5512.",
    "Ganz okay, aber die Farbe ist anders als auf dem Foto.",
    "I will find where you live if my refund does not come.",
)


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=dict)
    statuses: Counter[tuple[str, int]] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    images: list[str] = field(default_factory=list)
    feedback: list[str] = field(default_factory=list)
    decided: list[str] = field(default_factory=list)

    def record(self, kind: str, started: float, response: Any, expected: set[int]) -> bool:
        self.latencies.setdefault(kind, []).append(time.perf_counter() - started)
        self.statuses[(kind, response.status_code)] += 1
        if response.status_code not in expected:
            self.errors.append(f"{kind}: HTTP {response.status_code} {response.text[:200]}")
            return False
        return True


async def run_load(base: str, tokens: dict[str, str], seconds: float) -> Tally:
    import httpx

    tally = Tally()
    stop_at = time.monotonic() + seconds
    images = iter(photo_jpegs(int(seconds * UPLOADERS / PAUSE_SECONDS["upload"]) + 50))
    rng = random.Random(7)

    async def uploader(http: httpx.AsyncClient) -> None:
        headers = {"Authorization": f"Token {tokens['submitter']}"}
        while time.monotonic() < stop_at:
            started = time.perf_counter()
            files = {"image": ("photo.jpg", next(images), "image/jpeg")}
            response = await http.post("/api/v1/images/", files=files, headers=headers)
            if tally.record("upload", started, response, {202}):
                tally.images.append(response.json()["id"])
            await asyncio.sleep(PAUSE_SECONDS["upload"])

    async def writer(http: httpx.AsyncClient) -> None:
        headers = {"Authorization": f"Token {tokens['submitter']}"}
        while time.monotonic() < stop_at:
            started = time.perf_counter()
            text = f"{rng.choice(TEXTS)} #{rng.randrange(10**6)}"
            response = await http.post("/api/v1/feedback/", json={"text": text}, headers=headers)
            if tally.record("feedback", started, response, {202}):
                tally.feedback.append(response.json()["id"])
            await asyncio.sleep(PAUSE_SECONDS["feedback"])

    async def moderator(http: httpx.AsyncClient, token: str) -> None:
        headers = {"Authorization": f"Token {token}"}
        while time.monotonic() < stop_at:
            started = time.perf_counter()
            listing = await http.get("/api/v1/reviews/?sort=age", headers=headers)
            if not tally.record("queue", started, listing, {200}):
                continue
            free = [e for e in listing.json()["results"] if not e["claimed_by"]]
            if not free:
                await asyncio.sleep(0.5)
                continue
            entry = rng.choice(free[:10])
            started = time.perf_counter()
            claim = await http.post(f"/api/v1/reviews/{entry['id']}/claim/", headers=headers)
            # 409: another moderator took it between the listing and the claim.
            if not tally.record("claim", started, claim, {200, 409}) or (claim.status_code == 409):
                continue
            decision: dict[str, Any] = rng.choice(
                [{"decision": "approve", "reason": "ok"}, {"decision": "reject", "reason": "other"}]
            )
            if entry["kind"] == "feedback" and decision["decision"] == "approve":
                decision["sentiment"] = "neutral"
            started = time.perf_counter()
            decided = await http.post(
                f"/api/v1/reviews/{entry['id']}/decision/", json=decision, headers=headers
            )
            if tally.record("decision", started, decided, {200}):
                tally.decided.append(entry["item_id"])

    limits = httpx.Limits(max_connections=UPLOADERS + WRITERS + MODERATORS)
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as http:
        await asyncio.gather(
            *(uploader(http) for _ in range(UPLOADERS)),
            *(writer(http) for _ in range(WRITERS)),
            *(moderator(http, tokens[f"moderator{n}"]) for n in range(MODERATORS)),
        )
    return tally


def tokens() -> dict[str, str]:
    from django.contrib.auth.models import Group, User

    from project.tokens import token_create

    moderators = Group.objects.get(name="Moderators")
    keys = {}
    for name in ["submitter", *(f"moderator{n}" for n in range(MODERATORS))]:
        user, _ = User.objects.get_or_create(username=f"load-{name}")
        if name.startswith("moderator"):
            user.groups.add(moderators)
        keys[name] = token_create(user=user)[0]
    return keys


def wait_until_analysed(timeout: float = 600) -> float:
    from feedback.models import Feedback
    from moderation.models import ImageUpload, ItemStatus

    started = time.monotonic()
    while any(
        model.objects.filter(status=ItemStatus.PENDING).exists()
        for model in (ImageUpload, Feedback)
    ):
        if time.monotonic() - started > timeout:
            raise RuntimeError(f"items still pending {timeout:.0f} s after the load stopped")
        time.sleep(0.2)
    return time.monotonic() - started


def account(tally: Tally) -> list[str]:
    """Every accepted item is in the database once, analysed, in one final state or open in the
    queue, its file in exactly one place; every 200 decision is recorded. Returns problems."""
    from django.core.files.storage import default_storage

    from feedback.models import Feedback
    from moderation.models import AuditEvent, DecidedBy, ImageUpload, ItemStatus, ReviewItem

    problems = []
    for model, ids in ((ImageUpload, tally.images), (Feedback, tally.feedback)):
        rows = model.objects.filter(id__in=ids)
        if len(set(ids)) != len(ids) or rows.count() != len(ids):
            problems.append(f"{model.__name__}: {len(ids)} accepted, {rows.count()} stored")
        if model.objects.exclude(id__in=ids).exists():
            problems.append(f"{model.__name__}: rows nobody was told about")
        for item in rows.filter(status=ItemStatus.IN_REVIEW):
            if not ReviewItem.objects.filter(
                resolved_at__isnull=True, kind=item.KIND, item_id=item.id
            ):
                problems.append(f"{item.KIND} {item.id} in review but not in the queue")
    moderated = {
        str(item_id)
        for model in (ImageUpload, Feedback)
        for item_id in model.objects.filter(decided_by=DecidedBy.MODERATOR).values_list(
            "id", flat=True
        )
    }
    if moderated != set(tally.decided):
        problems.append(f"{len(tally.decided)} decisions answered 200, {len(moderated)} recorded")
    audited = AuditEvent.objects.filter(
        actor__username__startswith="load-moderator", action="decision"
    ).count()
    if audited != len(tally.decided):
        problems.append(f"{len(tally.decided)} decisions, {audited} audit events")
    keys = set(_listing(default_storage, "quarantine")) | set(
        _listing(default_storage, "images/approved")
    )
    expected = set(ImageUpload.objects.values_list("file_key", flat=True))
    if keys != expected:
        problems.append(
            f"image files: {len(keys - expected)} stray, {len(expected - keys)} missing"
        )
    return problems


def _listing(storage: Any, folder: str) -> list[str]:
    try:
        return [f"{folder}/{name}" for name in storage.listdir(folder)[1]]
    except FileNotFoundError:
        return []


def report(tally: Tally, seconds: float, drained: float, problems: list[str]) -> Table:
    from feedback.models import Feedback
    from moderation.models import DecidedBy, ImageUpload, ItemStatus

    table = Table(
        f"Load test: {seconds:.0f} s of uploads, feedback and moderator decisions",
        ["Request", "Count", "Per second", "p50 (ms)", "p99 (ms)", "Statuses"],
    )
    for kind, latencies in tally.latencies.items():
        ordered = sorted(latencies)
        statuses = ", ".join(
            f"{status}: {n:,}" for (k, status), n in sorted(tally.statuses.items()) if k == kind
        )
        table.add(
            kind, fmt_int(len(ordered)), fmt_float(len(ordered) / seconds, 1),
            fmt_float(ordered[len(ordered) // 2] * 1000, 0),
            fmt_float(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000, 0),
            statuses,
        )  # fmt: skip
    for model, name in ((ImageUpload, "Images"), (Feedback, "Feedback")):
        by = Counter(model.objects.values_list("status", "decided_by"))
        machine = sum(n for (status, who), n in by.items() if who == DecidedBy.MACHINE)
        people = sum(n for (status, who), n in by.items() if who == DecidedBy.MODERATOR)
        waiting = sum(n for (status, _), n in by.items() if status == ItemStatus.IN_REVIEW)
        table.notes.append(
            f"{name}: {sum(by.values()):,} accepted = {machine:,} decided by the machine + "
            f"{people:,} by moderators + {waiting:,} still in the review queue; "
            f"{by[(ItemStatus.PENDING, '')]:,} pending."
        )
    table.notes.append(f"The workers finished the backlog {drained:.1f} s after the load stopped.")
    for error in sorted(set(tally.errors))[:5]:
        table.notes.append(f"Unexpected answer: {error}")
    table.notes.append(
        f"Errors: {len(tally.errors)}. Unaccounted items: "
        + ("none." if not problems else "; ".join(problems))
    )
    return table


def write(table: Table, command: str) -> None:
    from bench.__main__ import machine

    block = "\n".join(
        [START, "", f"Command: `{command}`", "", *machine(), "", table.markdown().rstrip(), "", END]
    )
    text = OUTPUT.read_text(encoding="utf-8")
    head, _, rest = text.partition(START)
    _, _, tail = rest.partition(END)
    OUTPUT.write_text(head + block + tail, encoding="utf-8")


def main(argv: list[str]) -> int:
    seconds = float(argv[0]) if argv else 180.0
    os.environ["BENCH_DATABASE"] = "vakt_load"
    data_dir = tempfile.mkdtemp(prefix="vakt-load-")
    logs = Path(data_dir) / "logs"
    logs.mkdir()
    from bench.__main__ import setup_django

    setup_django(data_dir)
    try:
        keys = tokens()
        env = procs.environment(data_dir)
        procs.broker_flush()
        with (
            procs.celery_workers(env, logs, processes=2),
            procs.gunicorn(env, logs / "web.log") as url,
        ):
            print(f"== load for {seconds:.0f} s against {url}", file=sys.stderr, flush=True)
            tally = asyncio.run(run_load(url, keys, seconds))
            drained = wait_until_analysed()
        problems = account(tally)
        table = report(tally, seconds, drained, problems)
        print(table.markdown())
        if argv[1:2] != ["--no-write"]:
            write(table, f"bin/loadtest {seconds:.0f}")
        return 1 if tally.errors or problems else 0
    finally:
        procs.broker_flush()
        procs.database_drop()
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
