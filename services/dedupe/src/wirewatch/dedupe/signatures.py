"""Near-duplicate signatures: MinHash over word shingles, split into LSH bands.

Two texts whose shingle sets have Jaccard similarity J share any one band with probability
1 - (1 - J**ROWS)**BANDS; with 32 bands of 4 rows a pair at J = 0.7 shares a band 99.98% of the time and a pair at
J = 0.3 about 23% of the time. Bands only find candidates: the decision compares the full signatures.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

PERMUTATIONS = 128
BANDS = 32
ROWS = PERMUTATIONS // BANDS
# A Mersenne prime above every 32-bit shingle hash: (a*x + b) mod p is a universal hash family.
_PRIME = np.uint64((1 << 61) - 1)
_MAX32 = np.uint64(0xFFFFFFFF)

# Fixed seeds: signatures are stored and compared across processes and versions, so they must never change.
_rng = np.random.default_rng(20230919)
_A = _rng.integers(1, (1 << 32) - 1, size=PERMUTATIONS, dtype=np.uint64)
_B = _rng.integers(0, (1 << 32) - 1, size=PERMUTATIONS, dtype=np.uint64)


@dataclass(frozen=True, slots=True)
class Signature:
    """A MinHash signature (``PERMUTATIONS`` 32-bit values) and its band keys."""

    values: tuple[int, ...]
    bands: tuple[int, ...]

    @property
    def empty(self) -> bool:
        return not self.values


def _shingle_hash(shingle: str) -> int:
    return int.from_bytes(hashlib.blake2b(shingle.encode("utf-8"), digest_size=4).digest(), "little")


def minhash(shingles: set[str]) -> Signature:
    """The signature of a shingle set; an empty set gets an empty signature (never a near duplicate)."""
    if not shingles:
        return Signature((), ())
    hashes = np.fromiter((_shingle_hash(s) for s in sorted(shingles)), dtype=np.uint64, count=len(shingles))
    # (a*x + b) stays below 2**64 because a, x < 2**32 and b < 2**32, so uint64 arithmetic does not wrap.
    permuted: npt.NDArray[np.uint64] = ((np.outer(hashes, _A) + _B) % _PRIME) & _MAX32
    values = tuple(int(v) for v in permuted.min(axis=0))
    return Signature(values, band_keys(values))


def band_keys(values: tuple[int, ...]) -> tuple[int, ...]:
    """One key per band: a 63-bit hash of the band's index and rows (fits MongoDB's signed int64)."""
    keys = []
    for band in range(BANDS):
        rows = values[band * ROWS : (band + 1) * ROWS]
        digest = hashlib.blake2b(f"{band}:{','.join(map(str, rows))}".encode(), digest_size=8).digest()
        keys.append(int.from_bytes(digest, "little") >> 1)
    return tuple(keys)


def estimated_jaccard(a: tuple[int, ...] | list[int], b: tuple[int, ...] | list[int]) -> float:
    """The share of equal MinHash values: an unbiased estimate of the shingle sets' Jaccard similarity."""
    if not a or not b or len(a) != len(b):
        return 0.0
    return sum(1 for x, y in zip(a, b, strict=True) if x == y) / len(a)
