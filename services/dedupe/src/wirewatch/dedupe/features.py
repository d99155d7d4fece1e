"""What clustering knows about one article: its words, names, places, type and time."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from wirewatch.contracts import ArticleEnriched, Enrichment, Place

from .terms import (
    by_mentions,
    capitalised_mentions,
    is_title_case,
    key_terms,
    lead,
    name_phrases,
    protagonist,
    term_vector,
)

# An article dated more than this after it was ingested has a wrong date: trust the ingest time instead.
_FUTURE_TOLERANCE = timedelta(days=1)
# Enrichment's event type below this confidence is treated as unknown rather than as a disagreement.
MIN_TYPE_CONFIDENCE = 0.3
KEY_TERMS = 8
KEY_ENTITIES = 8
# Names are looked for in the body's first words only: news names its protagonist early, and the cost per article
# must not grow with the length of long reports.
NAME_WORDS = 600


@dataclass(frozen=True, slots=True)
class ArticleFeatures:
    """The clustering view of an article revision. Built by :func:`features_from_enriched` or by hand."""

    article_id: str
    revision: int
    title: str
    terms: dict[str, float]
    at: datetime
    source: str | None = None
    lang: str | None = None  # ISO 639-1, from enrichment (detected) or the submission
    entities: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    places: tuple[Place, ...] = ()
    category: str | None = None
    event_type: str | None = None
    event_type_detail: dict[str, object] | None = field(default=None, compare=False)
    # The name written most often (terms.protagonist); None for headlines and texts naming no one twice.
    protagonist: str | None = None

    @property
    def place_keys(self) -> tuple[str, ...]:
        return tuple(place_key(p) for p in self.places)

    @property
    def keys(self) -> list[str]:
        """Lookup keys for candidate events: salient terms, entity names and country codes."""
        keys = [f"t:{t}" for t in key_terms(self.terms, KEY_TERMS)]
        keys += [f"e:{e}" for e in self.entities[:KEY_ENTITIES]]
        keys += [f"c:{c}" for c in self.countries]
        return list(dict.fromkeys(keys))


def place_key(place: Place) -> str:
    """One key per real place: its GeoNames id, else its lower-cased name (Khankendi = Stepanakert via the id)."""
    return f"g:{place.geonameid}" if place.geonameid is not None else f"n:{place.name.strip().lower()}"


def entity_name(text: str) -> str:
    name = " ".join(text.lower().split())
    return name.removeprefix("the ")


def article_time(published_at: datetime | None, ingested_at: datetime) -> datetime:
    """When the story happened as far as we can tell: its publication date unless that is implausible."""
    if published_at is None or published_at > ingested_at + _FUTURE_TOLERANCE:
        return ingested_at
    return published_at if published_at.tzinfo else published_at.replace(tzinfo=UTC)


def _names(title: str, text: str) -> tuple[tuple[str, ...], str | None]:
    """Capitalised phrases, the most mentioned first (so an event's first-ranked name is its protagonist), and the
    protagonist; a headline alone has none (everything in it is named once)."""
    if not text:
        return ((), None) if is_title_case(title) else (tuple(name_phrases(title)), None)
    text = lead(text, NAME_WORDS)
    mentions = capitalised_mentions(title, text)
    names = by_mentions(name_phrases(text), mentions)
    return tuple(names), protagonist(names, mentions)


def _entities(enrichment: Enrichment, names: tuple[str, ...]) -> tuple[str, ...]:
    ordered: dict[str, int] = {}
    for entity in enrichment.entities:
        name = entity_name(entity.text)
        if name:
            ordered[name] = ordered.get(name, 0) + 1
    if not ordered:
        # Enrichment found nothing (or was degraded): capitalised phrases from the body are a fair stand-in.
        return names
    return tuple(sorted(ordered, key=lambda n: (-ordered[n], n)))


def features_from_enriched(message: ArticleEnriched) -> ArticleFeatures:
    """Features of an enriched article; every enrichment part is optional and degrades to "unknown"."""
    article, enrichment = message.article, message.enrichment
    event_type = enrichment.event_type
    typed = event_type is not None and event_type.confidence >= MIN_TYPE_CONFIDENCE
    countries = list(dict.fromkeys(c.upper() for c in enrichment.countries))
    places = list(enrichment.places)
    if enrichment.primary_place is not None:
        places.insert(0, enrichment.primary_place)
    for place in places:
        if place.country.upper() not in countries:
            countries.append(place.country.upper())
    lang = (enrichment.lang or article.lang or "").strip().lower()[:2] or None
    names, main_name = _names(article.title, article.text)
    unique_places: dict[str, Place] = {}
    for place in places:
        unique_places.setdefault(place_key(place), place)  # first mention wins
    return ArticleFeatures(
        article_id=article.article_id,
        revision=article.revision,
        title=article.title,
        terms=term_vector(article.title, article.text, lang),
        at=article_time(article.published_at, article.ingested_at),
        source=(article.source or "").strip().lower() or None,
        lang=lang,
        entities=_entities(enrichment, names),
        actors=tuple(dict.fromkeys(entity_name(a) for a in enrichment.actors if a.strip())),
        keywords=tuple(dict.fromkeys(k.strip().lower() for k in enrichment.keywords if k.strip())),
        countries=tuple(countries),
        places=tuple(unique_places.values()),
        category=event_type.category.strip().lower() if typed and event_type else None,
        event_type=event_type.type.strip().lower() if typed and event_type else None,
        event_type_detail=event_type.model_dump(mode="json") if event_type else None,
        protagonist=main_name,
    )


def features_from_text(
    article_id: str,
    title: str,
    text: str = "",
    *,
    at: datetime,
    source: str | None = None,
    revision: int = 1,
    lang: str | None = None,
) -> ArticleFeatures:
    """Features of a bare article (no enrichment), e.g. for the batch command and offline evaluation."""
    lang = (lang or "").strip().lower()[:2] or None
    names, main_name = _names(title, text)
    return ArticleFeatures(
        article_id=article_id,
        revision=revision,
        title=title,
        terms=term_vector(title, text, lang),
        at=at,
        source=source,
        lang=lang,
        entities=names,
        protagonist=main_name,
    )
