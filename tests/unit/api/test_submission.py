"""The id the api answers with is the id ingest stores the article under, and re-posts share a publish id."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from wirewatch.api.models import ArticleIn
from wirewatch.api.submission import predicted_article_id, submission_msg_id, to_submitted
from wirewatch.contracts import article_id, canonical_url, content_hash

# Ingest is imported by this test only, to check that the api's copy of its cleaning has not drifted.
from wirewatch.ingest.identity import identify

NOW = datetime(2023, 9, 19, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "fields",
    [
        {"url": "https://News.Example:443/world/story-1/?utm_source=rss&b=2&a=1#top", "title": "Azerbaijan"},
        {"title": "  Azerbaijan \x00launches\n\n operation ", "text": "\x07Body text.\t\n"},
        {"title": "Title only, no url"},
        {"title": "Long", "text": "x" * 199_999 + "\x01"},
    ],
)
def test_predicted_id_matches_ingest(fields: dict[str, str]) -> None:
    article = ArticleIn.model_validate(fields)
    assert predicted_article_id(article) == identify(to_submitted(article, NOW)).article_id


def test_id_comes_from_the_canonical_url_when_there_is_one() -> None:
    a = ArticleIn(url="https://news.example/a?utm_medium=x", title="One headline")
    b = ArticleIn(url="https://NEWS.example/a/", title="Another headline", text="changed")
    assert predicted_article_id(a) == predicted_article_id(b)
    assert predicted_article_id(a) == article_id(canonical_url("https://news.example/a"), "ignored")


def test_id_comes_from_the_content_without_a_url() -> None:
    article = ArticleIn(title="Quake  hits", text="Body")
    assert predicted_article_id(article) == article_id(None, content_hash("Quake hits", "Body"))
    assert predicted_article_id(article) != predicted_article_id(ArticleIn(title="Quake hits", text="Other"))


def test_msg_id_is_stable_for_a_repost_and_changes_with_any_field() -> None:
    base = {"url": "https://news.example/a", "title": "T", "text": "B", "source": "S", "lang": "en"}
    first = submission_msg_id(ArticleIn.model_validate(base))
    assert first == submission_msg_id(ArticleIn.model_validate(dict(base)))
    assert first.startswith("submit:")
    assert len(first) == len("submit:") + 64
    for field, value in [
        ("title", "T2"),
        ("text", "B2"),
        ("source", "S2"),
        ("lang", "de"),
        ("url", "https://x.example"),
    ]:
        assert submission_msg_id(ArticleIn.model_validate({**base, field: value})) != first
    dated = ArticleIn.model_validate({**base, "published_at": "2023-09-19T10:00:00Z"})
    assert submission_msg_id(dated) != first


def test_submitted_message_is_a_push() -> None:
    article = ArticleIn(title="T", published_at=datetime(2023, 9, 19, tzinfo=UTC), source="Tasnim")
    message = to_submitted(article, NOW)
    assert message.origin == "push"
    assert message.submitted_at == NOW
    assert message.source == "Tasnim"
    assert message.text == ""
