"""Each process's copy of the hash bank's index (moderation/images/bankindex.py): it finds
exactly what an exact search of the table finds, and keeps up with entries added, edited and
removed by other processes."""

from __future__ import annotations

import random

import pytest

from moderation.images import bankindex, hashbank
from moderation.images.hashing import PerceptualHash, hamming
from moderation.images.models import HashBankEntry
from moderation.images.selectors import hashbank_matches

pytestmark = pytest.mark.django_db


def flipped(hex_hash: str, bits: int, rng: random.Random) -> str:
    """`hex_hash` with `bits` of its 256 bits flipped, chosen at random."""
    value = int(hex_hash, 16)
    for bit in rng.sample(range(256), bits):
        value ^= 1 << bit
    return f"{value:064x}"


def random_hash(rng: random.Random) -> str:
    return f"{rng.getrandbits(256):064x}"


def add(pdq_hash: str) -> HashBankEntry:
    return hashbank.hashbank_entry_add(pdq_hash=pdq_hash, quality=100, reason="test")


def exact(query: str, distance: int) -> list[tuple[int, int]]:
    """What a full scan of the table finds, nearest first."""
    rows = HashBankEntry.objects.values_list("id", "pdq_hash")
    found = [(hamming(query, stored), row_id) for row_id, stored in rows]
    return sorted((row_id, d) for d, row_id in found if d <= distance)


def looked_up(query: str, distance: int) -> list[tuple[int, int]]:
    matches = hashbank_matches(pdq_hash=query, max_distance=distance, limit=1000)
    return sorted((match.id, match.distance) for match in matches)


def test_the_index_finds_exactly_what_a_full_scan_finds() -> None:
    rng = random.Random(16)
    queries = [random_hash(rng) for _ in range(5)]
    for query in queries:  # near ones at every distance around the thresholds, and noise
        for bits in (0, 1, 5, 14, 15, 16, 17, 30, 31, 32, 33, 46, 47, 48, 60):
            add(flipped(query, bits, rng))
    for _ in range(200):
        add(random_hash(rng))

    for query in queries:
        for distance in (0, 15, 31, 47):
            expected = exact(query, distance)
            assert looked_up(query, distance) == expected
            assert expected  # each query has entries within every distance tried


def test_entries_added_and_removed_elsewhere_are_seen() -> None:
    rng = random.Random(7)
    query = random_hash(rng)
    kept = add(flipped(query, 3, rng))
    late = add(random_hash(rng))
    assert looked_up(query, 31) == [(kept.id, 3)]  # the copy is built

    # Another process adds one and removes one: this copy keeps up.
    added = add(flipped(query, 9, rng))
    HashBankEntry.objects.filter(id=kept.id).delete()
    assert looked_up(query, 31) == [(added.id, 9)]

    # An entry whose id was handed out before the build but which committed after it (here:
    # written under an id the build saw with another hash) is found at its own hash.
    HashBankEntry.objects.filter(id=late.id).delete()
    fields = hashbank.hash_fields(PerceptualHash(flipped(query, 12, rng), 100))
    HashBankEntry.objects.create(id=late.id, reason="test", **fields)
    assert looked_up(query, 31) == [(late.id, 12), (added.id, 9)]


def test_a_long_list_of_additions_is_built_into_the_arrays(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bankindex, "REBUILD_AFTER", 3)
    rng = random.Random(3)
    query = random_hash(rng)
    first = add(flipped(query, 2, rng))
    assert looked_up(query, 15) == [(first.id, 2)]
    later = [add(flipped(query, bits, rng)) for bits in (4, 6, 8, 10)]

    assert looked_up(query, 15) == [(first.id, 2)] + [
        (entry.id, bits) for entry, bits in zip(later, (4, 6, 8, 10), strict=True)
    ]
    index = bankindex._index
    assert index is not None and len(index.ids) == 5  # rebuilt: all five in the arrays
    assert index.through_id == later[-1].id


def test_an_empty_bank_matches_nothing() -> None:
    assert looked_up(random_hash(random.Random(1)), 47) == []
