"""What ``GET /v1/events`` can filter on: one flat MongoDB query (``query_shape``) plus checks per candidate.

``near`` is the circle's latitude band on the indexed ``places.lat`` (a cheap superset; longitude is left to the
exact check, which also handles the antimeridian and the poles), then the great-circle distance of each candidate
in Python. Keywords and entities use the event's ``search_terms`` (:func:`wirewatch.contracts.search_terms`,
folded words and whole names, multikey-indexed): one term narrows the candidates through the index, the rest are
checked per candidate. An event written before it had ``search_terms`` is matched by its ``keywords`` /
``entities`` exactly instead, so no event becomes unfindable while the field is rolled out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from wirewatch.contracts import distance_km, fold, query_terms

from .query_shape import flatten

TimeField = Literal["last_seen", "first_seen"]
KM_PER_DEGREE = math.pi * 6371.0088 / 180.0  # the mean earth radius distance_km uses


@dataclass(frozen=True, slots=True)
class Near:
    lat: float
    lon: float
    radius_km: float

    def latitudes(self) -> dict[str, float]:
        """The latitude band of the circle: an indexed range (longitude and distance are checked per candidate)."""
        dlat = self.radius_km / KM_PER_DEGREE
        return {"$gte": max(-90.0, self.lat - dlat), "$lte": min(90.0, self.lat + dlat)}

    def contains(self, doc: dict[str, Any]) -> bool:
        return any(
            distance_km(self.lat, self.lon, float(p["lat"]), float(p["lon"])) <= self.radius_km
            for p in doc.get("places") or ()
            if isinstance(p, dict) and "lat" in p and "lon" in p
        )


def parse_near(value: str) -> Near:
    """``lat,lon,km``; raises ValueError saying what is wrong."""
    parts = [p.strip() for p in value.split(",")]
    if len(parts) != 3:
        raise ValueError("near must be lat,lon,km, e.g. 39.8,46.75,100")
    try:
        lat, lon, km = (float(p) for p in parts)
    except ValueError:
        raise ValueError("near must be three numbers: lat,lon,km") from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValueError("near: latitude must be within -90..90 and longitude within -180..180")
    if not 0 < km <= 20_000:
        raise ValueError("near: the radius must be more than 0 and at most 20000 km")
    return Near(lat, lon, km)


@dataclass(frozen=True, slots=True)
class EventFilter:
    since: datetime | None = None
    until: datetime | None = None
    time_field: TimeField = "last_seen"
    categories: list[str] = field(default_factory=list)
    event_types: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    near: Near | None = None
    entities: list[str] = field(default_factory=list)
    keywords: str | None = None
    min_articles: int = 0
    min_sources: int = 0
    languages: list[str] = field(default_factory=list)
    include_merged: bool = False

    def clauses(self) -> list[dict[str, Any]]:
        """Conditions the database checks (a superset for ``near``, keywords and entities: see :meth:`accepts`)."""
        # A provisional event (dedupe's creation check not done yet, see docs/architecture.md) may still be
        # withdrawn: it is nobody's news until confirmed, when its ``pending`` field goes.
        found: list[dict[str, Any]] = [{"pending": {"$exists": False}}]
        if not self.include_merged:
            found.append({"status": {"$ne": "merged"}})  # a merged event is a redirect to its survivor
        if self.since is not None:
            found.append({self.time_field: {"$gte": self.since}})
        if self.until is not None:
            found.append({self.time_field: {"$lt": self.until}})
        if self.categories:
            # dedupe sets category from the event type, so the two never disagree
            found.append({"category": {"$in": self.categories}})
        if self.event_types:
            found.append(
                {
                    "$or": [
                        {"event_type.type": {"$in": self.event_types}},
                        {"event_type.subtype": {"$in": self.event_types}},
                    ]
                }
            )
        if self.countries:
            found.append({"countries": {"$in": self.countries}})  # primary_country is always one of them
        if self.languages:
            found.append({"languages": {"$in": self.languages}})
        if self.min_articles:
            found.append({"article_count": {"$gte": self.min_articles}})
        if self.min_sources:
            found.append({"source_count": {"$gte": self.min_sources}})
        if self.near is not None:
            found.append({"places.lat": self.near.latitudes()})
        anchor = self._anchor()
        if anchor:
            # One indexed term narrows the candidates; None also brings the events stored without search_terms,
            # whose keywords and entities accepts() then checks exactly.
            found.append({"search_terms": {"$in": [anchor, None]}})
        return found

    def query(self, *extra: dict[str, Any]) -> dict[str, Any]:
        return flatten([*self.clauses(), *extra])

    @property
    def windowed(self) -> bool:
        """Whether reading newest first in widening time windows pays (see ``repository._scan``).

        Not when a search term or a category already picks the candidates: each window would read them again.
        """
        return not (self.keywords or self.entities or self.categories)

    def _anchor(self) -> str | None:
        if self.entities:
            return fold(self.entities[0])
        terms = query_terms(self.keywords or "")
        if terms:
            return max(terms, key=len)  # the longest word is usually the rarest
        return fold(self.keywords) if self.keywords else None

    def accepts(self, doc: dict[str, Any]) -> bool:
        """What the query only approximated: the exact distance, every entity and keyword."""
        if self.near is not None and not self.near.contains(doc):
            return False
        terms = doc.get("search_terms")
        if isinstance(terms, list):
            have = set(terms)
            if any(fold(name) not in have for name in self.entities):
                return False
            wanted = query_terms(self.keywords or "")
            return not self.keywords or (set(wanted) <= have if wanted else fold(self.keywords) in have)
        return all(_legacy_entity(doc, name) for name in self.entities) and (
            not self.keywords or _legacy_keyword(doc, self.keywords)
        )


def _legacy_entity(doc: dict[str, Any], name: str) -> bool:
    """An event without search_terms names this entity or actor exactly (as written, or Title Case)."""
    names = {*(doc.get("entities") or ()), *(doc.get("actors") or ())}
    return name in names or name.title() in names


def _legacy_keyword(doc: dict[str, Any], text: str) -> bool:
    """Without search_terms: the query is one of its keywords or entities, or all its words are keywords."""
    keywords = set(doc.get("keywords") or ())
    phrase = text.strip()
    if phrase in keywords or phrase.lower() in keywords or _legacy_entity(doc, phrase):
        return True
    terms = query_terms(text)
    return bool(terms) and set(terms) <= keywords
