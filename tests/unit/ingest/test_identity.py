from datetime import UTC, datetime

from wirewatch.contracts import MAX_TEXT_CHARS, ArticleSubmitted
from wirewatch.ingest.identity import identify


def _sub(**kw: object) -> ArticleSubmitted:
    return ArticleSubmitted.model_validate({"title": "Title", "submitted_at": datetime.now(UTC), **kw})


def test_same_url_with_tracking_parameters_gets_one_id():
    a = identify(_sub(url="https://x.example/a?utm_source=feed", text="one"))
    b = identify(_sub(url="https://x.example/a", text="two"))
    assert a.article_id == b.article_id
    assert a.content_hash != b.content_hash


def test_article_without_url_is_identified_by_content():
    assert identify(_sub(text="same")).article_id == identify(_sub(text="same ")).article_id
    assert identify(_sub(text="same")).article_id != identify(_sub(text="other")).article_id


def test_control_characters_are_removed_and_huge_bodies_cut():
    ident = identify(_sub(title="A\x00 B\x07", text="x" * (MAX_TEXT_CHARS + 10)))
    assert ident.title == "A B"
    assert ident.truncated
    assert len(ident.text) == MAX_TEXT_CHARS
