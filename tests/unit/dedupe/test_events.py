from wirewatch.contracts import ArticleEnriched, EventSnapshot
from wirewatch.dedupe.events import EventState, changed_fields, event_id_for
from wirewatch.dedupe.features import features_from_enriched

from .stories import TASNIM_TITLE, kharkiv, reuters, tasnim


def test_an_event_founded_then_joined_counts_articles_sources_and_places():
    founded = EventState.found(features_from_enriched(tasnim()))
    assert founded.event_id == event_id_for("tasnim-1")
    assert founded.version == 1
    joined = founded.with_article(features_from_enriched(reuters()))
    joined = joined.with_article(features_from_enriched(reuters("reuters-2", source="reuters")))
    snap = joined.snapshot()
    assert (snap.version, snap.article_count, snap.source_count) == (3, 3, 2)
    assert snap.title == TASNIM_TITLE
    assert snap.category == "conflict"
    assert snap.primary_country == "AZ"
    assert [p.name for p in snap.places] == ["Stepanakert"]
    assert snap.article_ids == ["tasnim-1", "reuters-1", "reuters-2"]
    assert snap.first_seen < snap.last_seen


def test_duplicates_and_revisions_do_not_count_as_new_articles():
    event = EventState.found(features_from_enriched(tasnim()))
    dup = event.with_duplicate(features_from_enriched(reuters("copy-1")))
    assert (dup.snapshot().article_count, dup.snapshot().duplicate_count) == (1, 1)
    assert changed_fields(event.snapshot(), dup.snapshot()) == ["duplicate_count"]
    revised = dup.with_revision(features_from_enriched(tasnim(revision=2)))
    assert revised.snapshot().article_count == 1
    assert revised.revision_of("tasnim-1") == 2


def test_primary_country_is_the_most_frequent():
    event = EventState.found(features_from_enriched(kharkiv()))
    for n in range(2):
        event = event.with_article(features_from_enriched(tasnim(f"t{n}")))
    assert event.snapshot().primary_country == "AZ"
    assert event.snapshot().countries == ["AZ", "UA"]


def test_the_stored_document_validates_as_a_snapshot_and_round_trips():
    event = EventState.found(features_from_enriched(tasnim())).with_article(features_from_enriched(reuters()))
    doc = event.to_document()
    snapshot = EventSnapshot.model_validate({**doc, "event_id": doc["_id"]})
    assert snapshot == event.snapshot()
    assert "c:AZ" in doc["keys"]
    assert any(k.startswith("t:") for k in doc["keys"])
    assert EventState.from_document(doc) == event


def test_changed_fields_of_a_new_event_list_everything():
    snap = EventState.found(features_from_enriched(tasnim())).snapshot()
    fields = changed_fields(None, snap)
    assert "title" in fields
    assert "event_id" not in fields


def _in_language(message: ArticleEnriched, lang: str | None) -> ArticleEnriched:
    return message.model_copy(update={"enrichment": message.enrichment.model_copy(update={"lang": lang})})


def test_languages_are_counted_most_common_first_and_survive_storage():
    event = EventState.found(features_from_enriched(_in_language(tasnim(), "en")))
    event = event.with_article(features_from_enriched(_in_language(reuters(), "es")))
    event = event.with_article(features_from_enriched(_in_language(reuters("r2"), "es")))
    event = event.with_article(features_from_enriched(_in_language(reuters("r3"), None)))
    assert event.snapshot().languages == ["es", "en"]
    assert EventState.from_document(event.to_document()).snapshot().languages == ["es", "en"]


def test_the_stored_document_carries_search_terms_for_keyword_search():
    doc = EventState.found(features_from_enriched(tasnim())).to_document()
    assert "stepanakert" in doc["search_terms"]  # a place name
    assert "azerbaijan" in doc["search_terms"]  # an entity and a title word
    # Derived, not state: reading the document back ignores it, and the next write rebuilds it.
    assert EventState.from_document(doc).to_document()["search_terms"] == doc["search_terms"]
