"""canonical_url: one spelling per article URL, and never an exception for a malformed one."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wirewatch.contracts import canonical_url


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("https://user:secret@News.Example/a", "https://news.example/a"),
        ("https://news.example/a/./b/../c/", "https://news.example/a/c"),
        ("https://news.example/caf%c3%a9/%7Euser", "https://news.example/caf%C3%A9/~user"),
        ("https://bücher.example/a", "https://xn--bcher-kva.example/a"),
        ("http://[2001:db8::1]:8080/a", "http://[2001:db8::1]:8080/a"),
        ("https://news.example.:443/a", "https://news.example/a"),
        ("https://www.bbc.co.uk/news/x?at_medium=RSS&at_campaign=KARANGA", "https://www.bbc.co.uk/news/x"),
        ("https://a.example/x?id=7&_hsenc=p&mkt_tok=t&ocid=rss&xtor=RSS-1", "https://a.example/x?id=7"),
        ("https://a.example/x?page=2&ref=rss", "https://a.example/x?page=2"),
        ("http://a.example:abc/x", "http://a.example:abc/x"),  # a bad port is kept as written, not an error
    ],
)
def test_canonical_spelling(url: str, canonical: str) -> None:
    assert canonical_url(url) == canonical


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80))
def test_any_string_gives_a_string_and_canonical_urls_are_fixed_points(url: str) -> None:
    once = canonical_url(url)
    assert isinstance(once, str)
    if url.startswith(("http://", "https://")) and "[" not in url:
        assert canonical_url(once) == once
