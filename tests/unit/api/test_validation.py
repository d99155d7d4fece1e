"""Request validation: what the api refuses, and how it normalises what it accepts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from pydantic import ValidationError

from wirewatch.api.models import ArticleIn
from wirewatch.api.pagination import Cursor, decode_cursor, encode_cursor, parse_before
from wirewatch.api.settings import ApiSettings
from wirewatch.api.subscription_models import SubscriptionIn
from wirewatch.contracts import MAX_TEXT_CHARS


def _error_fields(exc: pytest.ExceptionInfo[ValidationError]) -> set[str]:
    return {".".join(str(part) for part in error["loc"]) for error in exc.value.errors()}


@pytest.mark.parametrize(
    ("fields", "bad_field"),
    [
        ({}, "title"),
        ({"title": ""}, "title"),
        ({"title": " \x00\t "}, "title"),
        ({"title": "T", "url": "ftp://news.example/a"}, "url"),
        ({"title": "T", "url": "javascript:alert(1)"}, "url"),
        ({"title": "T", "url": "https:///no-host"}, "url"),
        ({"title": "T", "published_at": "yesterday"}, "published_at"),
        ({"title": "T", "published_at": "2023-13-40T00:00:00Z"}, "published_at"),
        ({"title": "T", "text": "x" * (MAX_TEXT_CHARS + 1)}, "text"),
        ({"title": "T", "publishedAt": "2023-09-19"}, "publishedAt"),
        ({"title": 42}, "title"),
    ],
)
def test_bad_articles_are_refused_naming_the_field(fields: dict[str, object], bad_field: str) -> None:
    with pytest.raises(ValidationError) as exc:
        ArticleIn.model_validate(fields)
    assert _error_fields(exc) == {bad_field}


def test_published_at_keeps_its_offset_and_naive_means_utc() -> None:
    naive = ArticleIn.model_validate({"title": "T", "published_at": "2023-09-19T10:00:00"})
    assert naive.published_at == datetime(2023, 9, 19, 10, 0, tzinfo=UTC)
    offset = ArticleIn.model_validate({"title": "T", "published_at": "2023-09-19T10:00:00+04:00"})
    assert offset.published_at is not None
    assert offset.published_at.utcoffset() == timedelta(hours=4)
    assert offset.published_at == datetime(2023, 9, 19, 6, 0, tzinfo=UTC)


def test_url_is_trimmed_and_blank_means_none_and_null_text_is_empty() -> None:
    article = ArticleIn.model_validate({"title": "T", "url": "  https://news.example/a  ", "text": None})
    assert article.url == "https://news.example/a"
    assert article.text == ""
    assert ArticleIn.model_validate({"title": "T", "url": "   "}).url is None


def test_subscription_validation() -> None:
    ok = SubscriptionIn.model_validate(
        {
            "webhook_url": "http://127.0.0.1:9000/hook",
            "filters": {"countries": ["az", " ua"], "categories": ["Conflict"]},
        }
    )
    assert ok.filters.countries == ["AZ", "UA"]
    assert ok.filters.categories == ["conflict"]
    with pytest.raises(ValidationError) as exc:
        SubscriptionIn.model_validate({"webhook_url": "mailto:ops@example.org"})
    assert _error_fields(exc) == {"webhook_url"}
    with pytest.raises(ValidationError) as exc:
        SubscriptionIn.model_validate({"webhook_url": "https://h.example", "filters": {"countries": ["Azerbaijan"]}})
    assert _error_fields(exc) == {"filters.countries"}
    assert "Azerbaijan" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        SubscriptionIn.model_validate({"webhook_url": "https://h.example", "filters": {"change_kinds": ["deleted"]}})
    assert _error_fields(exc) == {"filters.change_kinds.0"}


def test_before_accepts_a_time_or_a_cursor() -> None:
    plain = parse_before("2023-09-19T10:00:00Z")
    assert plain.key == datetime(2023, 9, 19, 10, 0, tzinfo=UTC)
    assert plain.item_id is None
    assert plain.query("last_seen") == {"last_seen": {"$lt": plain.key}}
    seen = datetime(2023, 9, 19, 10, 0, 0, 123000, tzinfo=timezone(timedelta(hours=3)))
    cursor = parse_before(encode_cursor("newest", seen, "evt_1"))
    assert (cursor.key, cursor.item_id) == (seen, "evt_1")
    assert cursor.query("last_seen")["$or"][1] == {"last_seen": seen, "_id": {"$lt": "evt_1"}}
    assert parse_before("2023-09-19").key == datetime(2023, 9, 19, tzinfo=UTC)


def test_cursors_belong_to_their_sort() -> None:
    biggest = encode_cursor("biggest", 12, "evt_9")
    assert decode_cursor(biggest, "biggest") == Cursor("biggest", 12, "evt_9")
    with pytest.raises(ValueError, match="sort=biggest"):
        decode_cursor(biggest, "newest")
    as_of = datetime(2024, 1, 1, tzinfo=UTC)
    fastest = decode_cursor(encode_cursor("fastest", [3, as_of], "evt_2", as_of), "fastest")
    assert (fastest.key, fastest.as_of) == ([3, as_of], as_of)
    with pytest.raises(ValueError, match="sort=newest"):
        parse_before("2023-09-19T10:00:00Z", "biggest")


@pytest.mark.parametrize("value", ["not-a-cursor", "eyJ0IjoxfQ", "e30", "%%%"])
def test_before_rejects_garbage(value: str) -> None:
    with pytest.raises(ValueError, match="ISO 8601"):
        parse_before(value)


def test_token_is_secret_and_empty_means_open(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WIREWATCH_API_TOKEN", "s3cret-token")
    settings = ApiSettings()
    assert settings.token is not None
    assert settings.token.get_secret_value() == "s3cret-token"
    assert "s3cret-token" not in repr(settings)
    monkeypatch.setenv("WIREWATCH_API_TOKEN", "")
    assert ApiSettings().token is None
    monkeypatch.setenv("WIREWATCH_API_PORT", "9999")
    assert ApiSettings().port == 9999
