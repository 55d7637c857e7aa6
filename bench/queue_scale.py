"""Scenario 3: the review queue page and "claim next" with 1k, 100k and 1M open items."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Iterator
from typing import Any

from bench.report import Table, fmt_float, fmt_int

SIZES = (1_000, 100_000, 1_000_000)
SAMPLES = 40
IMAGE_SHARE = 0.7  # the rest is feedback
TARGET_P95_MS = 200

# One INSERT … SELECT per table: a million rows in seconds, no Python loop. Ages spread over
# 30 days, reasons and priorities as the pipeline writes them.
LOAD_IMAGES = """
INSERT INTO moderation_imageupload (
    id, file_key, original_name, content_type, sha256, size_bytes, width, height, status,
    labels, reasons, analyzer, model_version, policy_version, error, attempts, created_at,
    updated_at, decided_at, decided_by, analysis_holder, found_text, text_analysis, owner_id)
SELECT gen_random_uuid(), 'quarantine/bench-' || g || '.jpg', 'photo.jpg', 'image/jpeg',
    md5(g::text) || md5((g + 1)::text), 115000, 640, 480, 'in_review',
    jsonb_build_array(jsonb_build_object('name', r.label, 'parent', null, 'confidence', r.c)),
    jsonb_build_array(jsonb_build_object('label', r.label, 'confidence', r.c, 'band', 'review')),
    'bench', '1', 1, '', 1, now() - g * (interval '30 days' / %(count)s), now(), now(),
    '', '', '', '{}', %(owner)s
FROM generate_series(1, %(count)s) AS g,
LATERAL (SELECT (ARRAY['Suggestive', 'Violence', 'Drugs', 'Hate Symbols', 'Gambling'])
                [1 + g %% 5] AS label,
                50 + (g::bigint * 7919 %% 4000) / 100.0 AS c) AS r
"""
LOAD_FEEDBACK = """
INSERT INTO feedback_feedback (
    id, status, reasons, analyzer, model_version, policy_version, error, attempts, created_at,
    updated_at, decided_at, decided_by, analysis_holder, text, language, sentiment,
    sentiment_set_by, toxicity, pii, key_phrases, entities, redacted_text, pii_checked_at,
    translation, translation_source, route, author_id)
SELECT gen_random_uuid(), 'in_review',
    jsonb_build_array(jsonb_build_object('label', 'INSULT', 'confidence', 61.5)),
    'bench', '1', 1, '', 1, now() - g * (interval '30 days' / %(count)s), now(), now(), '', '',
    'The parcel came late and the box was wet, number ' || g, 'en', 'NEGATIVE', 'machine',
    '[]', '[]', '[]', '[]', 'The parcel came late and the box was wet, number ' || g, now(),
    '', '', '', %(owner)s
FROM generate_series(1, %(count)s) AS g
"""
# Every entry has a group key, as the pipeline writes them, so the page's one query for the
# rows' group sizes is measured (messages whose numbers differ only in the last digit share a
# key: groups of up to ten).
LOAD_QUEUE = """
INSERT INTO moderation_reviewitem (id, kind, reason, priority, created_at, item_id, group_key)
SELECT gen_random_uuid(), 'image', reasons->0->>'label', (reasons->0->>'confidence')::float,
       created_at, id, 'sha256:' || sha256
FROM moderation_imageupload WHERE owner_id = %(owner)s;
INSERT INTO moderation_reviewitem (id, kind, reason, priority, created_at, item_id, group_key)
SELECT gen_random_uuid(), 'feedback', 'INSULT', 61.5, created_at, id,
       'text:' || md5(substr(text, 1, length(text) - 1))
FROM feedback_feedback WHERE author_id = %(owner)s;
"""


def load(size: int, owner_id: int) -> float:
    from django.db import connection

    from moderation.review.counts import queue_counts_rebuild

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE moderation_reviewitem, moderation_imageupload, feedback_feedback CASCADE"
        )
        images = round(size * IMAGE_SHARE)
        cursor.execute(LOAD_IMAGES, {"count": images, "owner": owner_id})
        cursor.execute(LOAD_FEEDBACK, {"count": size - images, "owner": owner_id})
        cursor.execute(LOAD_QUEUE, {"owner": owner_id})
        cursor.execute("ANALYZE")
    queue_counts_rebuild()  # raw SQL bypasses the counters, as any bulk import would
    return time.perf_counter() - started


def measure(request: Callable[[], object]) -> tuple[float, float, int]:
    """p50 and p95 in ms over SAMPLES requests, and the queries of the last one."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    request()  # warm: templates compiled, connection open
    times = []
    for _ in range(SAMPLES):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            request()
            times.append((time.perf_counter() - started) * 1000)
    quantiles = statistics.quantiles(times, n=20)
    return statistics.median(times), quantiles[18], len(queries)


def run() -> list[Table]:
    from django.contrib.auth.models import Group, User
    from django.test import Client

    owner, _ = User.objects.get_or_create(username="bench-queue-owner")
    moderators = Group.objects.get(name="Moderators")
    clients = []
    for n in range(SAMPLES + 1):
        user, _ = User.objects.get_or_create(username=f"bench-moderator-{n}")
        user.groups.add(moderators)
        client = Client(HTTP_HOST="localhost")  # in ALLOWED_HOSTS, unlike testserver
        client.force_login(user)
        # Each test client builds its own middleware stack on its first request (WhiteNoise
        # indexes the static files then): a cost a server pays once per process, not per claim.
        client.get("/healthz")
        clients.append(client)

    table = Table(
        "Review queue with 1k, 100k and 1M open items (PostgreSQL)",
        [
            "Open items", "Load (s)",
            "/review/ p50 (ms)", "/review/ p95 (ms)", "/review/ queries",
            "/review/?sort=priority p95 (ms)",
            "Claim next p50 (ms)", "Claim next p95 (ms)", "Claim next queries",
        ],
        notes=[
            f"{IMAGE_SHARE:.0%} images, the rest feedback, ages spread over 30 days; bulk-loaded "
            "with INSERT … SELECT, then ANALYZE.",
            f"{SAMPLES} requests each through Django's test client in the bench process (the "
            "whole view: middleware, queries, template), after one warm-up request. "
            "Queries per request include the session, the user and the permission checks.",
            f"Claim next: `POST /review/next/` by {SAMPLES} different moderators, so each "
            "claim skips the ones already taken, as on a busy shift.",
        ],
    )  # fmt: skip
    for size in SIZES:
        loaded = load(size, owner.id)
        page = measure(lambda: _ok(clients[0].get("/review/")))
        by_priority = measure(lambda: _ok(clients[0].get("/review/?sort=priority")))
        claim = measure(_claims_by(iter(clients)))  # one claim each: SAMPLES + the warm-up
        print(f"   {size:,}: /review/ p95 {page[1]:.0f} ms, claim next p95 {claim[1]:.0f} ms")
        table.add(
            fmt_int(size), fmt_float(loaded, 1),
            fmt_float(page[0], 1), fmt_float(page[1], 1), page[2],
            fmt_float(by_priority[1], 1),
            fmt_float(claim[0], 1), fmt_float(claim[1], 1), claim[2],
        )  # fmt: skip
    return [table]


def _claims_by(clients: Iterator[Any]) -> Callable[[], object]:
    return lambda: _ok(next(clients).post("/review/next/"))


def _ok(response: object) -> object:
    status = getattr(response, "status_code", 0)
    if status not in (200, 302):
        raise RuntimeError(f"unexpected HTTP {status}")
    return response
