"""Is this article a copy of one we have? Exact content hash first, then MinHash near duplicates."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .signatures import Signature, estimated_jaccard, minhash
from .terms import shingles

# Estimated Jaccard of word 3-shingles above which two articles are one text: wire copy under another headline
# keeps ~0.8; two outlets' own write-ups of one story stay far below 0.3.
NEAR_DUPLICATE_THRESHOLD = 0.7
# Fewer shingles than this (a headline and a line) say too little to call anything a copy by wording.
MIN_SHINGLES = 20


@dataclass(frozen=True, slots=True)
class KnownCopy:
    """An already decided article as copy detection stores it (the ``dedupe_index`` collection)."""

    article_id: str
    content_hash: str
    signature: tuple[int, ...]
    original_id: str  # itself, or the article it is a copy of: copies of copies point at the first
    event_id: str


@dataclass(frozen=True, slots=True)
class CopyMatch:
    original_id: str
    event_id: str
    similarity: float  # 1.0 for an exact content match


def copy_signature(title: str, text: str) -> Signature:
    """The article's near-duplicate signature; empty when the text is too short to judge."""
    grams = shingles(f"{title}\n{text}")
    return minhash(grams) if len(grams) >= MIN_SHINGLES else Signature((), ())


def find_original(
    article_id: str,
    content_hash: str,
    signature: Signature,
    known: Iterable[KnownCopy],
    threshold: float = NEAR_DUPLICATE_THRESHOLD,
) -> CopyMatch | None:
    """The original this article copies, among ``known`` (its exact-hash and shared-band neighbours).

    Exact hash matches win; otherwise the most similar signature above ``threshold``; ties go to the smaller
    original id so replicas agree.
    """
    best: tuple[float, str, KnownCopy] | None = None
    for copy in known:
        if copy.article_id == article_id:
            continue
        if copy.content_hash == content_hash:
            similarity = 1.0
        elif signature.empty:
            continue
        else:
            similarity = estimated_jaccard(signature.values, copy.signature)
        if similarity < threshold:
            continue
        candidate = (similarity, copy.original_id, copy)
        if best is None or (-candidate[0], candidate[1]) < (-best[0], best[1]):
            best = candidate
    if best is None:
        return None
    return CopyMatch(best[2].original_id, best[2].event_id, best[0])
