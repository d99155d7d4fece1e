"""Hand-built enriched articles: two outlets on one offensive, the same kind of story elsewhere, wire copy."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from wirewatch.contracts import ArticleEnriched, ArticleIngested, Enrichment, Entity, EventType, Place, content_hash

T0 = datetime(2023, 9, 19, 10, 0, tzinfo=UTC)

STEPANAKERT = Place(name="Stepanakert", geonameid=174875, lat=39.8153, lon=46.7519, country="AZ")
KHARKIV = Place(name="Kharkiv", geonameid=706483, lat=49.98, lon=36.25, country="UA")
BATTLE = EventType(category="conflict", type="battles", subtype="armed clash", confidence=0.8)

TASNIM_TITLE = "Azerbaijan Launches New Military Operation in Nagorno-Karabakh"
TASNIM_TEXT = (
    "The Republic of Azerbaijan's ministry of defense announced the commencement of anti-terrorist activities in "
    "the breakaway region of Nagorno-Karabakh, saying that the offensive would only target military structures. "
    "Armenia's foreign ministry has called on Russian peacekeeping troops deployed in the region to intervene. "
    "Explosions were reported in the region's de facto capital Stepanakert, according to an AFP reporter. "
    "Nagorno-Karabakh has been a longstanding flashpoint of tension between Azerbaijan and Armenia, resulting in "
    "two wars for control of the region. Russia expressed deep concern about the escalating situation."
)
REUTERS_TITLE = "Azerbaijan starts military offensive in Karabakh, Armenia says 'full-scale aggression'"
REUTERS_TEXT = (
    "Azerbaijan launched what it called anti-terrorist operations in Nagorno-Karabakh on Tuesday, shelling "
    "positions around Stepanakert, and Armenia accused Baku of a full-scale aggression against the ethnic "
    "Armenians of Karabakh. Russian peacekeepers in the region said they were in contact with both sides. "
    "Azerbaijan's defence ministry said the military operation targeted only legitimate military installations."
)


def enriched(
    article_id: str,
    title: str,
    text: str = "",
    *,
    at: datetime = T0,
    source: str = "Example",
    revision: int = 1,
    entities: tuple[tuple[str, str], ...] = (),
    places: tuple[Place, ...] = (),
    event_type: EventType | None = None,
) -> ArticleEnriched:
    full = f"{title}\n\n{text}"
    ents = []
    for name, label in entities:
        start = max(full.find(name), 0)
        ents.append(Entity(text=name, label=label, start=start, end=start + len(name)))  # type: ignore[arg-type]
    article = ArticleIngested(
        article_id=article_id,
        revision=revision,
        title=title,
        text=text,
        published_at=at,
        source=source,
        content_hash=content_hash(title, text),
        ingested_at=at + timedelta(minutes=5),
    )
    countries = list(dict.fromkeys(p.country for p in places))
    enrichment = Enrichment(
        entities=ents,
        places=list(places),
        countries=countries,
        primary_place=places[0] if places else None,
        event_type=event_type,
        actors=[name for name, label in entities if label in {"ORG", "GPE"}][:3],
    )
    return ArticleEnriched(article=article, enrichment=enrichment, enriched_at=at + timedelta(minutes=6))


KARABAKH_ENTITIES = (
    ("Azerbaijan", "GPE"),
    ("Nagorno-Karabakh", "LOC"),
    ("Armenia", "GPE"),
    ("Stepanakert", "GPE"),
)


def tasnim(article_id: str = "tasnim-1", **kw: object) -> ArticleEnriched:
    fields: dict[str, object] = {
        "source": "Tasnim",
        "entities": KARABAKH_ENTITIES,
        "places": (STEPANAKERT,),
        "event_type": BATTLE,
    }
    fields.update(kw)
    return enriched(article_id, TASNIM_TITLE, TASNIM_TEXT, **fields)  # type: ignore[arg-type]


def reuters(article_id: str = "reuters-1", **kw: object) -> ArticleEnriched:
    fields: dict[str, object] = {
        "source": "Reuters",
        "entities": KARABAKH_ENTITIES,
        "places": (STEPANAKERT,),
        "event_type": BATTLE,
        "at": T0 + timedelta(hours=2),
    }
    fields.update(kw)
    return enriched(article_id, REUTERS_TITLE, REUTERS_TEXT, **fields)  # type: ignore[arg-type]


def kharkiv(article_id: str = "kharkiv-1", **kw: object) -> ArticleEnriched:
    """Same kind of story (a military offensive, explosions, peacekeepers) in another country."""
    fields: dict[str, object] = {
        "source": "Kyiv Independent",
        "entities": (("Russia", "GPE"), ("Kharkiv", "GPE"), ("Ukraine", "GPE")),
        "places": (KHARKIV,),
        "event_type": BATTLE,
        "at": T0 + timedelta(hours=1),
    }
    fields.update(kw)
    return enriched(
        article_id,
        "Russia launches new military offensive near Kharkiv",
        "Russia's ministry of defense announced a new offensive in the Kharkiv region of Ukraine, saying it would "
        "only target military structures. Explosions were reported in Kharkiv, according to a reporter. Ukraine's "
        "foreign ministry called the operation a full-scale aggression.",
        **fields,  # type: ignore[arg-type]
    )
