"""The demo corpus ships with the CLI and must stay valid input for ingest."""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from urllib.parse import urlsplit

from wirewatch.cli.demo import demo_articles, demo_lines
from wirewatch.contracts import ArticleSubmitted


def test_every_line_is_a_valid_file_submission():
    lines = demo_lines()
    articles = demo_articles()
    assert len(articles) == len(lines) >= 25
    for item in articles:
        assert isinstance(item.article, ArticleSubmitted)
        assert item.article.origin == "file"
        assert item.article.published_at is not None
        assert item.article.source
        sentences = len(re.findall(r"[.!?](?:\s|$)", item.article.text))
        assert 2 <= sentences <= 5, item.article.title


def test_karabakh_offensive_is_told_by_several_outlets():
    karabakh = [a for a in demo_articles() if a.story == "karabakh-offensive-2023"]
    assert len(karabakh) >= 3
    assert len({a.article.source for a in karabakh}) >= 3
    text = " ".join(f"{a.article.title} {a.article.text}" for a in karabakh)
    for name in ("Stepanakert", "Khankendi", "Russian peacekeepers", "Armenia", "UN Security Council"):
        assert name in text
    assert all(a.article.published_at and a.article.published_at.strftime("%Y-%m") == "2023-09" for a in karabakh)


def test_about_six_events_from_about_six_fictional_outlets():
    articles = demo_articles()
    stories = Counter(a.story for a in articles)
    assert 5 <= len(stories) <= 8
    assert min(stories.values()) >= 3
    assert 5 <= len({a.article.source for a in articles}) <= 8
    hosts = {urlsplit(a.article.url or "").hostname or "" for a in articles}
    assert all(host.endswith(".example") for host in hosts), hosts  # reserved TLD: never a real outlet
    urls = [a.article.url for a in articles]
    assert len(set(urls)) == len(urls)


def test_wire_copies_and_rewrites_are_both_present():
    by_story: dict[str, list[ArticleSubmitted]] = defaultdict(list)
    for item in demo_articles():
        by_story[item.story].append(item.article)
    for story, articles in by_story.items():
        texts = Counter(a.text for a in articles)
        assert max(texts.values()) >= 2, f"{story}: no wire copy (same text, other outlet)"
        assert len(texts) >= 2, f"{story}: no rewrite"
        copies = [a for a in articles if texts[a.text] >= 2]
        assert len({a.title for a in copies}) == len(copies), f"{story}: a wire copy should carry its own headline"


def test_lines_carry_only_known_keys():
    for line in demo_lines():
        assert set(json.loads(line)) <= {"story", "url", "title", "text", "published_at", "source", "lang"}
