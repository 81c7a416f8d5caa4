"""The draw (抽签) of competitor numbers: a recorded seed makes it reproducible by anyone.

Rule: sort the confirmed entries by id, shuffle them with Python's ``random.Random(seed).shuffle``
(Mersenne Twister, stable across Python versions for integer seeds), and give the k-th entry of the
shuffled list the number ``start + k``. Recomputing with the same entries and seed gives the same numbers.
"""

from __future__ import annotations

import random
from collections.abc import Iterable

ALGORITHM = "mt19937-shuffle-v1"
SEED_BITS = 63  # a fresh seed is this many unpredictable bits: it fits a signed 64-bit column


def draw_numbers(entry_ids: Iterable[int], seed: int, start: int = 1) -> dict[int, int]:
    """Competitor numbers for ``entry_ids`` (entry id → number), a permutation of ``start … start+n-1``."""
    order = sorted(set(entry_ids))
    random.Random(seed).shuffle(order)
    return {entry_id: start + k for k, entry_id in enumerate(order)}
