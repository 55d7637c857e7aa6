"""Each process's own copy of the hash bank's multi-index, for lookups that stay fast at a
million entries.

The bank's table keeps the 16 segment columns and their indexes, but a lookup there reads
every candidate row (~4,100 scattered rows at 1M entries and distance 31), which is what made
it slow. Here the same multi-index hashing (moderation/images/hashing.py) runs on arrays: per
segment, the values sorted with the entries' positions, and the hashes as four 64-bit words.
The candidates' exact distance is one vectorised XOR and popcount.

The copy is built from the table on the first lookup (about 140 MB and 1.5 s at 1M
entries) and kept current without a message bus. An entry's hash never changes once added
(the admin and the services change only its note), so every lookup first reads the entries
added since the build, by id on the primary key, into a short list searched in full and
built into the arrays once it grows long. The matches are then read back from the table, so
an entry removed since is never returned.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

import numpy as np
from django.db import connection

from moderation.images.hashing import SEGMENT_BITS, SEGMENTS, hamming, segment_probes
from moderation.images.models import HashBankEntry

WORDS = 4  # 64-bit words per 256-bit hash
REBUILD_AFTER = 10_000  # entries added since the build, searched in full till then
# Ids are handed out when a row is inserted, not when it commits: an entry still being added
# while the copy was built can commit with an id below the highest one the build saw. Reading
# again from this far below it catches those (far more than there are concurrent writers).
ID_SLACK = 100
_FETCH = 50_000


@dataclass
class _Index:
    ids: np.ndarray  # (n,) int64
    words: np.ndarray  # (n, 4) uint64
    values: np.ndarray  # (16, n) uint16: each segment's values, sorted
    order: np.ndarray  # (16, n) int32: the position of each sorted value's entry
    through_id: int
    # The entries read since the build: ids and words, searched in full.
    recent_ids: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    recent_words: np.ndarray = field(default_factory=lambda: np.zeros((0, WORDS), np.uint64))


_index: _Index | None = None
_lock = threading.Lock()


def _words(hexes: list[str]) -> np.ndarray:
    raw = bytes.fromhex("".join(hexes))
    return np.frombuffer(raw, dtype=">u8").astype(np.uint64).reshape(-1, WORDS)


def _segments(words: np.ndarray) -> np.ndarray:
    """(16, n) segment values, most significant first, as hash_segments gives them."""
    per_word = SEGMENTS // WORDS
    columns = []
    for index in range(SEGMENTS):
        shift = np.uint64(SEGMENT_BITS * (per_word - 1 - index % per_word))
        columns.append((words[:, index // per_word] >> shift) & np.uint64(0xFFFF))
    return np.stack(columns).astype(np.uint16) if columns else np.zeros((0, 0), np.uint16)


def _build() -> _Index:
    ids: list[int] = []
    hexes: list[str] = []
    table = HashBankEntry._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, pdq_hash FROM {table} WHERE pdq_hash <> ''")  # noqa: S608 - the model's table
        while rows := cursor.fetchmany(_FETCH):
            for row_id, pdq_hash in rows:
                ids.append(row_id)
                hexes.append(pdq_hash)
    words = _words(hexes) if hexes else np.zeros((0, WORDS), np.uint64)
    segments = _segments(words)
    order = np.argsort(segments, axis=1, kind="stable").astype(np.int32)
    return _Index(
        ids=np.asarray(ids, dtype=np.int64),
        words=words,
        values=np.take_along_axis(segments, order, axis=1),
        order=order,
        through_id=max(ids, default=0),
    )


def _refresh(index: _Index) -> _Index:
    """The entries added since the build, into the short list; a new build once that list is
    long."""
    since = HashBankEntry.objects.filter(id__gt=index.through_id - ID_SLACK)
    rows = list(since.exclude(pdq_hash="").order_by().values_list("id", "pdq_hash"))
    if len(rows) > REBUILD_AFTER:
        return _build()
    index.recent_ids = np.asarray([row_id for row_id, _ in rows], dtype=np.int64)
    index.recent_words = (
        _words([pdq_hash for _, pdq_hash in rows]) if rows else np.zeros((0, WORDS), np.uint64)
    )
    return index


def bankindex_warm_up() -> None:
    """Build this process's copy now (a worker starting), rather than on its first lookup."""
    global _index
    with _lock:
        if _index is None:
            _index = _build()


def bankindex_reset() -> None:
    """Forget this process's copy (tests, and the benchmark after it refills the table)."""
    global _index
    with _lock:
        _index = None


def bankindex_candidates(pdq_hash: str, max_distance: int) -> set[int]:
    """The ids of bank entries whose hash, as this process last read it, is within
    `max_distance` bits of `pdq_hash`. Raises ValueError for a distance the index cannot
    serve (moderation/images/hashing.py)."""
    global _index
    probes = segment_probes(pdq_hash, max_distance)
    with _lock:
        _index = _refresh(_index) if _index is not None else _build()
        index = _index
    query = _words([pdq_hash])[0]
    found: set[int] = set()
    if len(index.ids):
        positions: list[np.ndarray] = []
        for segment, wanted in enumerate(probes):
            values = index.values[segment]
            probe = np.asarray(wanted, dtype=np.uint16)
            starts = np.searchsorted(values, probe, side="left")
            ends = np.searchsorted(values, probe, side="right")
            positions.extend(
                index.order[segment, start:end]
                for start, end in zip(starts, ends, strict=True)
                if end > start
            )
        if positions:
            candidates = np.unique(np.concatenate(positions))
            distances = np.bitwise_count(index.words[candidates] ^ query).sum(axis=1)
            found.update(index.ids[candidates[distances <= max_distance]].tolist())
    if len(index.recent_ids):
        distances = np.bitwise_count(index.recent_words ^ query).sum(axis=1)
        found.update(index.recent_ids[distances <= max_distance].tolist())
    return found


def bankindex_matches(pdq_hash: str, max_distance: int) -> list[tuple[int, str, int]]:
    """(id, hash, distance) of the bank entries within `max_distance` bits, read back from the
    table (so entries removed since the build are left out)."""
    ids = bankindex_candidates(pdq_hash, max_distance)
    if not ids:
        return []
    rows = HashBankEntry.objects.filter(id__in=ids).values_list("id", "pdq_hash")
    matches = [(row_id, stored, hamming(pdq_hash, stored)) for row_id, stored in rows]
    return [match for match in matches if match[2] <= max_distance]
