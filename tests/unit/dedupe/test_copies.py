from wirewatch.contracts import content_hash
from wirewatch.dedupe.copies import KnownCopy, copy_signature, find_original
from wirewatch.dedupe.signatures import BANDS, PERMUTATIONS, estimated_jaccard, minhash
from wirewatch.dedupe.terms import shingles

from .stories import REUTERS_TEXT, REUTERS_TITLE, TASNIM_TEXT, TASNIM_TITLE


def _known(article_id: str, title: str, text: str, event: str = "ev_1") -> KnownCopy:
    return KnownCopy(article_id, content_hash(title, text), copy_signature(title, text).values, article_id, event)


def test_signatures_are_stable_and_estimate_jaccard():
    a = minhash(shingles(TASNIM_TEXT))
    assert a == minhash(shingles(TASNIM_TEXT))
    assert len(a.values) == PERMUTATIONS
    assert len(a.bands) == BANDS
    assert estimated_jaccard(a.values, a.values) == 1.0
    assert estimated_jaccard(a.values, minhash(shingles(REUTERS_TEXT)).values) < 0.2


def test_wire_copy_under_another_headline_is_a_duplicate_of_the_original():
    original = _known("ap-1", TASNIM_TITLE, TASNIM_TEXT)
    copy_title = "Azerbaijan begins 'anti-terrorist' campaign in breakaway region"
    signature = copy_signature(copy_title, TASNIM_TEXT)
    assert set(signature.bands) & set(copy_signature(TASNIM_TITLE, TASNIM_TEXT).bands)
    match = find_original("paper-7", content_hash(copy_title, TASNIM_TEXT), signature, [original])
    assert match is not None
    assert (match.original_id, match.event_id) == ("ap-1", "ev_1")
    assert 0.7 <= match.similarity < 1.0


def test_another_outlets_own_write_up_is_not_a_copy():
    original = _known("tasnim-1", TASNIM_TITLE, TASNIM_TEXT)
    signature = copy_signature(REUTERS_TITLE, REUTERS_TEXT)
    assert find_original("reuters-1", content_hash(REUTERS_TITLE, REUTERS_TEXT), signature, [original]) is None


def test_exact_copy_matches_by_hash_even_when_too_short_for_a_signature():
    original = _known("a", "Quake hits Turkey", "")
    signature = copy_signature("Quake hits Turkey", "")
    assert signature.empty
    match = find_original("b", content_hash("quake  hits turkey", ""), signature, [original])
    assert match is not None
    assert match.similarity == 1.0
    # A different short headline is never called a copy on wording alone.
    assert (
        find_original("c", content_hash("Quake hits Greece", ""), copy_signature("Quake hits Greece", ""), [original])
        is None
    )


def test_copies_of_copies_point_at_the_first_original():
    first = KnownCopy("copy-1", "h1", copy_signature(TASNIM_TITLE, TASNIM_TEXT).values, "ap-1", "ev_1")
    match = find_original("copy-2", "h2", copy_signature("Other headline", TASNIM_TEXT), [first])
    assert match is not None
    assert match.original_id == "ap-1"
