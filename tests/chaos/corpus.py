"""A generated news corpus for the fault tests: several concurrent stories told by many outlets, in our own words.

Deterministic for a size and seed. Besides the articles it says what a correct pipeline must end with: one stored
article per canonical URL. Some submissions repeat an article under a URL variant (tracking parameters, an
upper-case host), some bring a second revision of an article's text: both must still leave one article.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from wirewatch.contracts import canonical_url

# Where and what: a story is one place with one kind of happening, so there are 12 x 12 distinct stories.
_PLACES: tuple[tuple[str, str, str], ...] = (
    ("KE", "Kenya", "Nairobi"), ("PE", "Peru", "Lima"), ("JP", "Japan", "Sendai"), ("DE", "Germany", "Hamburg"),
    ("IN", "India", "Chennai"), ("BR", "Brazil", "Manaus"), ("PH", "Philippines", "Manila"),
    ("NG", "Nigeria", "Lagos"), ("FR", "France", "Marseille"), ("CA", "Canada", "Winnipeg"),
    ("EG", "Egypt", "Alexandria"), ("AU", "Australia", "Darwin"),
)  # fmt: skip
_HAPPENINGS: tuple[tuple[str, str, str], ...] = (
    ("floods", "the Red Cross", "heavy rain swept homes and roads away"),
    ("protest", "transport unions", "thousands marched against a fuel price rise"),
    ("earthquake", "the seismological agency", "a strong tremor shook buildings"),
    ("port strike", "dock workers", "cranes stood still as crews walked out"),
    ("cyclone", "coastal authorities", "fishing villages were evacuated before landfall"),
    ("drought", "river pilots", "barges ran aground as the river fell"),
    ("volcano alert", "volcanologists", "ash columns rose over nearby towns"),
    ("fuel shortage", "filling station owners", "queues stretched for kilometres"),
    ("wildfire", "firefighters", "flames reached the edge of the suburbs"),
    ("blizzard", "highway patrols", "drivers were stranded on closed roads"),
    ("heatwave", "hospital staff", "clinics treated hundreds for heat stroke"),
    ("power outage", "the grid operator", "suburbs went dark after a substation fire"),
)
_STORIES = len(_PLACES) * len(_HAPPENINGS)
_OUTLETS = (
    "Harbour Gazette", "Meridian Post", "Daily Lantern", "North Star Wire", "Civic Ledger", "Evening Compass",
    "Granite Herald", "Tidewater Times", "Summit Dispatch", "Open Road News",
)  # fmt: skip
_TITLE_SHAPES = (
    "{event} hits {city} as {actor} respond",
    "{city} {event}: {actor} say {effect}",
    "{country}: {event} in {city} leaves residents waiting for help",
    "Live: {event} around {city}, {actor} on the scene",
    "{actor} warn of worse to come after {event} near {city}",
)
_FOLLOW_UPS = (
    "Officials in {country} said more teams would arrive on {day}.",
    "Residents of {city} described a long night with little information.",
    "{actor} asked people to stay away from the worst-hit districts.",
    "Schools near {city} stayed closed while damage was assessed.",
    "The government of {country} promised emergency funds within days.",
    "Local radio in {city} relayed appeals for blankets and water.",
)
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True, slots=True)
class Submission:
    """One push of an article (a repeat or a revision is a submission of an article seen before)."""

    index: int
    url: str
    payload: dict[str, Any]

    tag: str = "a"

    @property
    def msg_id(self) -> str:
        return f"chaos-submit:{self.tag}:{self.index}"


@dataclass(frozen=True, slots=True)
class Corpus:
    submissions: tuple[Submission, ...]

    @property
    def canonical_urls(self) -> frozenset[str]:
        """What must be stored at the end: exactly one article for each."""
        return frozenset(canonical_url(s.url) for s in self.submissions)

    def chunks(self, parts: int) -> list[tuple[Submission, ...]]:
        size = -(-len(self.submissions) // max(1, parts))
        return [self.submissions[i : i + size] for i in range(0, len(self.submissions), size)]


def _article(
    rng: random.Random, tag: str, story_no: int, serial: int, published: datetime
) -> tuple[str, dict[str, Any]]:
    code, country, city = _PLACES[story_no % len(_PLACES)]
    event, actor, effect = _HAPPENINGS[(story_no // len(_PLACES) + story_no) % len(_HAPPENINGS)]
    words = {"country": country, "city": city, "event": event, "actor": actor, "effect": effect}
    words["day"] = rng.choice(_DAYS)
    outlet = rng.choice(_OUTLETS)
    title = rng.choice(_TITLE_SHAPES).format(**words)
    title = title[0].upper() + title[1:]
    sentences = [
        f"In {city}, {country}, {effect} on {words['day']}, according to {actor}.",
        *(line.format(**words) for line in rng.sample(_FOLLOW_UPS, 3)),
        f"Reporting by {outlet}, item {serial} about the {event} (story {story_no}).",
    ]
    host = outlet.lower().replace(" ", "-") + ".example"
    url = f"https://{host}/{tag}/{code.lower()}/{story_no}/{serial}"
    payload = {
        "url": url,
        "source": outlet,
        "title": title,
        "text": " ".join(sentences),
        "published_at": published.isoformat(),
        "lang": "en",
    }
    return url, payload


def _variant(url: str, serial: int) -> str:
    """The same article under another spelling of its URL: canonical_url maps both to one."""
    scheme, _, rest = url.partition("://")
    host, _, path = rest.partition("/")
    return f"{scheme}://{host.upper()}/{path}?utm_source=chaos&utm_medium=test{serial}"


def build_corpus(
    articles: int, *, tag: str = "a", seed: int = 8, repeat_share: float = 0.08, revision_share: float = 0.04
) -> Corpus:
    """``articles`` submissions over ``max(4, articles // 20)`` stories; the given shares are repeats/revisions.

    ``tag`` is part of every URL, so corpora with different tags never share an article.
    """
    rng = random.Random(seed)
    stories = max(4, min(_STORIES, articles // 20))
    start = datetime(2026, 11, 20, 6, 0, tzinfo=UTC)
    submissions: list[Submission] = []
    originals: list[tuple[str, dict[str, Any]]] = []
    while len(submissions) < articles:
        index = len(submissions)
        roll = rng.random()
        if originals and roll < repeat_share:
            url, payload = rng.choice(originals)
            submissions.append(Submission(index, url, {**payload, "url": _variant(url, index)}, tag))
        elif originals and roll < repeat_share + revision_share:
            url, payload = rng.choice(originals)
            revised = {**payload, "text": payload["text"] + f" Updated with new figures (revision {index})."}
            submissions.append(Submission(index, url, revised, tag))
        else:
            published = start + timedelta(minutes=index)
            url, payload = _article(rng, tag, rng.randrange(stories), index, published)
            originals.append((url, payload))
            submissions.append(Submission(index, url, payload, tag))
    return Corpus(tuple(submissions))


# Payloads no service can use, published straight onto the article subjects (and one onto events).
POISON: tuple[tuple[str, str, bytes], ...] = (
    ("ingest", "articles.submit", b"\xff\xfe\x00 not json at all \x81"),
    ("ingest", "articles.submit", b'{"schema_version": 1, "title": "", "submitted_at": "yesterday"}'),
    ("enrich", "articles.ingested", b'{"schema_version": 1, "article_id": 42}'),
    ("enrich", "articles.ingested", b"[1, 2, 3"),
    ("dedupe", "articles.enriched", b'{"schema_version": 99, "article": null}'),
    ("dedupe", "articles.enriched", b"\x00\x01\x02\x03"),
    ("notify", "events.created.poison.XX", b'{"change": "exploded"}'),
)
