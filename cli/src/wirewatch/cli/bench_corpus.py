"""The benchmark's corpus, generated from a seed: many concurrent stories, news-like lengths and ~20% copies.

Every article is a headline plus a body of 50 to 1,200 words (log-normal, median about 400, as wire and newspaper
articles are). Articles are drawn from ``stories`` stories at once, each about one kind of event in one country, so
enrichment finds places and event types and dedupe has many open events to choose between. A share of the articles
(``copy_share``, default 0.2) repeat an earlier article of their story under another outlet's URL, in one of three
ways dedupe must recognise: the same text (syndication), the same text under a new headline (a wire copy), or a
rewrite (sentences reordered, a few words swapped). The same seed gives the same articles; only ``published_at``
follows the ``start`` time, so that events are current when the benchmark runs.
"""

from __future__ import annotations

import math
import random
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from .bench_words import COUNTRIES, FILLER, FIRST_NAMES, KINDS, LAST_NAMES, ORGS, OUTLETS, SYNONYMS, WEEKDAYS

ArticleKind = Literal["original", "syndicated", "new_headline", "rewrite"]
COPY_KINDS: tuple[ArticleKind, ...] = ("syndicated", "new_headline", "rewrite")
MEDIAN_WORDS = 400
MIN_WORDS, MAX_WORDS = 50, 1200
_SIGMA = 0.6  # spread of the log-normal: about 3% of articles reach the 1,200-word cap
_FILLER_SHARE = 0.35


@dataclass(frozen=True, slots=True)
class Story:
    number: int
    kind: str
    slots: dict[str, str]


@dataclass(frozen=True, slots=True)
class BenchArticle:
    index: int
    story: int
    kind: ArticleKind
    copy_of: int | None  # index of the article it repeats
    url: str
    source: str
    title: str
    text: str
    published_at: datetime

    @property
    def words(self) -> int:
        return len(self.text.split())

    def payload(self) -> dict[str, str]:
        """The body of ``POST /v1/articles``."""
        return {
            "url": self.url,
            "source": self.source,
            "title": self.title,
            "text": self.text,
            "published_at": self.published_at.isoformat(),
            "lang": "en",
        }


def _person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"


def make_stories(rng: random.Random, count: int) -> list[Story]:
    stories = []
    kinds = sorted(KINDS)
    for number in range(count):
        code, country, demonym, cities = COUNTRIES[number % len(COUNTRIES)]
        city, city2 = rng.sample(cities, 2)
        slots = {
            "country": country,
            "code": code,
            "demonym": demonym,
            "city": city,
            "city2": city2,
            "person": _person(rng),
            "person2": _person(rng),
            "org": rng.choice(ORGS),
            "n": str(rng.randint(3, 90)),
            "m": str(rng.randint(2, 9)),
            "pct": str(rng.randint(5, 70)),
            "weekday": rng.choice(WEEKDAYS),
        }
        # Kinds rotate more slowly than countries, so one kind of event happens in many countries at once.
        stories.append(Story(number, kinds[(number // len(COUNTRIES) + number) % len(kinds)], slots))
    return stories


def article_words(rng: random.Random) -> int:
    """A body length in words: log-normal around the median, within the bounds."""
    value = math.exp(rng.gauss(math.log(MEDIAN_WORDS), _SIGMA))
    return max(MIN_WORDS, min(MAX_WORDS, round(value)))


def _sentence(template: str, story: Story) -> str:
    return template.format(**story.slots)


def write_body(rng: random.Random, story: Story, words: int) -> str:
    """Sentences of the story (its facts first, then in any order) and fillers, in paragraphs of 2-4."""
    facts = KINDS[story.kind][1]
    order = [facts[0], *rng.sample(facts[1:], len(facts) - 1)]
    sentences: list[str] = []
    count = 0
    position = 0
    while count < words:
        if position < len(order) and (position < 3 or rng.random() > _FILLER_SHARE):
            template = order[position]
            position += 1
        else:
            template = rng.choice(FILLER if rng.random() < 0.7 or position == 0 else order)
        sentence = _sentence(template, story)
        sentences.append(sentence)
        count += len(sentence.split())
    paragraphs, i = [], 0
    while i < len(sentences):
        size = rng.randint(2, 4)
        paragraphs.append(" ".join(sentences[i : i + size]))
        i += size
    return _cut("\n\n".join(paragraphs), words)


def _cut(text: str, words: int) -> str:
    """The first ``words`` words, keeping paragraph breaks, ending on a full stop."""
    kept: list[str] = []
    for paragraph in text.split("\n\n"):
        tokens = paragraph.split()
        room = words - sum(len(p.split()) for p in kept)
        if room <= 0:
            break
        kept.append(" ".join(tokens[:room]))
    body = "\n\n".join(kept)
    return body if body.endswith(".") else body + "."


def rewrite(rng: random.Random, text: str) -> str:
    """The same facts, edited: paragraphs in another order and some words replaced."""
    paragraphs = text.split("\n\n")
    head, rest = paragraphs[0], paragraphs[1:]
    rng.shuffle(rest)
    edited = "\n\n".join([head, *rest])
    for word, synonym in SYNONYMS.items():
        if rng.random() < 0.6:
            edited = re.sub(rf"\b{word}\b", synonym, edited)
    return edited


def _slug(title: str) -> str:
    return "-".join(re.findall(r"[a-z0-9]+", title.lower())[:8])


def _url(source: str, published: datetime, title: str, index: int) -> str:
    host = re.sub(r"[^a-z]", "", source.lower())
    return f"https://{host}.example/{published:%Y/%m/%d}/{_slug(title)}-{index}"


def generate(
    count: int,
    *,
    seed: int = 8,
    stories: int = 60,
    copy_share: float = 0.2,
    start: datetime | None = None,
) -> list[BenchArticle]:
    """``count`` articles over ``stories`` concurrent stories; ``round(count * copy_share)`` of them are copies."""
    if count < 0 or stories < 1 or not 0 <= copy_share < 1:
        raise ValueError("count >= 0, stories >= 1 and 0 <= copy_share < 1 are needed")
    rng = random.Random(seed)  # noqa: S311 - a reproducible corpus, not a secret
    story_list = make_stories(rng, stories)
    copies = round(count * copy_share)
    # A copy needs an earlier article of its story: the first article of the corpus is always an original.
    kinds = ["copy"] * copies + ["original"] * (count - copies)
    rng.shuffle(kinds)
    if kinds and kinds[0] == "copy":
        swap = kinds.index("original") if "original" in kinds else 0
        kinds[0], kinds[swap] = kinds[swap], kinds[0]
    base = (start or datetime(2026, 1, 1, tzinfo=UTC)).astimezone(UTC)
    articles: list[BenchArticle] = []
    for index, role in enumerate(kinds):
        source = rng.choice(OUTLETS)
        published = base - timedelta(seconds=rng.randint(0, 6 * 3600))
        if role == "copy" and articles:
            original = rng.choice(articles)
            story = story_list[original.story]
            kind: ArticleKind = rng.choice(COPY_KINDS)
            title = original.title
            text = original.text
            if kind == "new_headline":
                title = _sentence(rng.choice(KINDS[story.kind][0]), story)
                if title == original.title:
                    title = f"{title}: latest"
            elif kind == "rewrite":
                text = rewrite(rng, original.text)
            copy_of: int | None = original.index
        else:
            story = story_list[rng.randrange(stories)]
            kind = "original"
            copy_of = None
            title = _sentence(rng.choice(KINDS[story.kind][0]), story)
            text = write_body(rng, story, article_words(rng))
        article = BenchArticle(
            index, story.number, kind, copy_of, _url(source, published, title, index), source, title, text, published
        )
        articles.append(article)
    return articles
