"""Whether an event change passes a subscription filter: the meaning of :class:`SubscriptionFilter`.

Pure and shared: notify matches events to subscriptions with it and the api's ``/v1/stream`` filters live events
with it, so the two can never disagree. Comparisons ignore case; text terms (keywords, entities) match whole words,
so ``UN`` does not match "unrest".
"""

from __future__ import annotations

import functools
import math
import re

from ._events import EventChanged, EventSnapshot
from ._subscriptions import GeoCircle, SubscriptionFilter

EARTH_RADIUS_KM = 6371.0088


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle (haversine) distance in kilometres."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


@functools.lru_cache(maxsize=4096)
def _word_pattern(term: str) -> re.Pattern[str]:
    # \b only works next to word characters; a term like "C++" is bounded by "not a word character" instead.
    return re.compile(rf"(?<!\w){re.escape(term.casefold())}(?!\w)")


def _mentions(texts: list[str], terms: list[str]) -> bool:
    folded = [t.casefold() for t in texts]
    return any(_word_pattern(term).search(text) for term in terms for text in folded)


def _countries(event: EventSnapshot) -> set[str]:
    countries = {c.upper() for c in event.countries}
    if event.primary_country:
        countries.add(event.primary_country.upper())
    return countries


def _categories(event: EventSnapshot) -> set[str]:
    found = {event.category.strip().lower()}
    if event.event_type is not None:
        found.add(event.event_type.category.strip().lower())
    return found


def _event_types(event: EventSnapshot) -> set[str]:
    if event.event_type is None:
        return set()
    kinds = {event.event_type.type.strip().lower()}
    if event.event_type.subtype:
        kinds.add(event.event_type.subtype.strip().lower())
    return kinds


def _near(event: EventSnapshot, circle: GeoCircle) -> bool:
    return any(distance_km(circle.lat, circle.lon, p.lat, p.lon) <= circle.radius_km for p in event.places)


def matches(subscription_filter: SubscriptionFilter, changed: EventChanged) -> bool:  # noqa: PLR0911 - one exit per filter part reads best
    """True when the change passes every given part of the filter.

    An event that does not know something a filter asks about (no places for ``near``, no languages for
    ``languages``) does not pass that part: a subscriber who asked for French news wants none of unknown language.
    """
    f = subscription_filter
    event = changed.event
    if f.change_kinds and changed.change not in f.change_kinds:
        return False
    if event.article_count < f.min_articles or event.source_count < f.min_sources:
        return False
    if f.countries and _countries(event).isdisjoint(f.countries):
        return False
    if f.categories and _categories(event).isdisjoint(f.categories):
        return False
    if f.event_types and _event_types(event).isdisjoint(f.event_types):
        return False
    if f.languages and {lang.lower() for lang in event.languages}.isdisjoint(f.languages):
        return False
    if f.near is not None and not _near(event, f.near):
        return False
    if f.entities and not _mentions([*event.entities, *event.actors], f.entities):
        return False
    return not f.keywords or _mentions([event.title, *event.keywords], f.keywords)
