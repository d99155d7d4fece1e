"""Which JSON bodies hold a lone surrogate: escapes decoded as JSON does, pairs and escaped backslashes allowed."""

from __future__ import annotations

import pytest

from wirewatch.api.unicode_guard import lone_surrogate_in


@pytest.mark.parametrize(
    ("body", "refused"),
    [
        (b'{"title": "\\ud800"}', True),
        (b'{"filters": {"categories": ["a\\udfffb"]}}', True),
        (b'{"\\udbff": 1}', True),
        (b'[{"title": "ok"}, {"title": "\\ud83d"}]', True),
        (b'{"title": "\\ud83d\\ude00"}', False),  # a pair is one character
        (b'{"title": "\\\\ud800"}', False),  # an escaped backslash, then plain text
        (b'{"title": "plain \\u00e9"}', False),
        (b"not json \\ud800", False),  # the route's own parsing refuses it
    ],
)
def test_lone_surrogates_are_found_and_nothing_else(body: bytes, refused: bool) -> None:
    assert lone_surrogate_in(body) is refused
