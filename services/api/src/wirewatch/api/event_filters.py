"""What ``GET /v1/events`` can filter on, as one MongoDB query plus a check the database cannot do (distance).

Everything but the distance is an indexable equality or range. ``near`` is a bounding box on the indexed
``places.lat`` / ``places.lon`` first (a cheap superset of the circle), then the exact great-circle distance of
each candidate in Python. Keywords use the event's ``search_terms`` (:func:`wirewatch.contracts.search_terms`,
folded words and whole names, multikey-indexed); an event written before it had ``search_terms`` is matched by
its ``keywords`` / ``entities`` exactly instead, so no event becomes unfindable while the field is rolled out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from wirewatch.contracts import distance_km, fold, query_terms

TimeField = Literal["last_seen", "first_seen"]
KM_PER_DEGREE = math.pi * 6371.0088 / 180.0  # the mean earth radius distance_km uses


@dataclass(frozen=True, slots=True)
class Near:
    lat: float
    lon: float
    radius_km: float

    def bounding_box(self) -> dict[str, Any]:
        """A filter on ``places`` elements inside the box around the circle (the antimeridian and poles included)."""
        dlat = self.radius_km / KM_PER_DEGREE
        south, north = max(-90.0, self.lat - dlat), min(90.0, self.lat + dlat)
        element: dict[str, Any] = {"lat": {"$gte": south, "$lte": north}}
        # Near a pole every longitude is within reach; elsewhere the box widens with 1/cos(latitude).
        widest = max(abs(south), abs(north))
        if widest < 89.0:
            dlon = dlat / math.cos(math.radians(widest))
            west, east = self.lon - dlon, self.lon + dlon
            if dlon >= 180.0:
                pass
            elif west < -180.0 or east > 180.0:
                # Crosses the antimeridian: two longitude ranges.
                west_range = {"$gte": west + 360.0 if west < -180.0 else west, "$lte": 180.0}
                east_range = {"$gte": -180.0, "$lte": east - 360.0 if east > 180.0 else east}
                return {
                    "$or": [
                        {"places": {"$elemMatch": {**element, "lon": west_range}}},
                        {"places": {"$elemMatch": {**element, "lon": east_range}}},
                    ]
                }
            else:
                element["lon"] = {"$gte": west, "$lte": east}
        return {"places": {"$elemMatch": element}}

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
        """The MongoDB conditions, all of which an event must meet (``near`` only by its bounding box)."""
        found: list[dict[str, Any]] = []
        if not self.include_merged:
            found.append({"status": {"$ne": "merged"}})  # a merged event is a redirect to its survivor
        if self.since is not None:
            found.append({self.time_field: {"$gte": self.since}})
        if self.until is not None:
            found.append({self.time_field: {"$lt": self.until}})
        if self.categories:
            found.append(
                {"$or": [{"category": {"$in": self.categories}}, {"event_type.category": {"$in": self.categories}}]}
            )
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
            found.append(
                {"$or": [{"countries": {"$in": self.countries}}, {"primary_country": {"$in": self.countries}}]}
            )
        if self.languages:
            found.append({"languages": {"$in": self.languages}})
        if self.min_articles:
            found.append({"article_count": {"$gte": self.min_articles}})
        if self.min_sources:
            found.append({"source_count": {"$gte": self.min_sources}})
        if self.near is not None:
            found.append(self.near.bounding_box())
        found.extend(_entity_clause(name) for name in self.entities)
        if self.keywords:
            found.append(_keyword_clause(self.keywords))
        return found

    def query(self, *extra: dict[str, Any]) -> dict[str, Any]:
        clauses = [*self.clauses(), *extra]
        return {"$and": clauses} if clauses else {}

    def accepts(self, doc: dict[str, Any]) -> bool:
        """What the query could only approximate: the exact distance for ``near``."""
        return self.near is None or self.near.contains(doc)


def _entity_clause(name: str) -> dict[str, Any]:
    """The event names this entity or actor (any case, any accents) - or, without search terms, names it exactly."""
    exact = list(dict.fromkeys([name, name.title()]))
    return {
        "$or": [
            {"search_terms": fold(name)},
            {"search_terms": {"$exists": False}, "entities": {"$in": exact}},
            {"search_terms": {"$exists": False}, "actors": {"$in": exact}},
        ]
    }


def _keyword_clause(text: str) -> dict[str, Any]:
    """Every word of the query is a search term of the event (or, without search terms, a keyword; or the whole
    query is one of its keywords or entities exactly)."""
    terms = query_terms(text)
    phrase = text.strip()
    legacy: list[dict[str, Any]] = [
        {"keywords": {"$in": list(dict.fromkeys([phrase, phrase.lower()]))}},
        {"entities": {"$in": list(dict.fromkeys([phrase, phrase.title()]))}},
    ]
    if terms:
        legacy.append({"keywords": {"$all": terms}})
    return {
        "$or": [
            {"search_terms": {"$all": terms}} if terms else {"search_terms": fold(text)},
            {"search_terms": {"$exists": False}, "$or": legacy},
        ]
    }
