"""Hostile values the fuzz targets share: text with controls, surrogates, odd scripts and markup; any JSON."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

# Pieces that have broken parsers before: controls, a lone surrogate, BOMs, RTL marks, markup and entities.
_PIECES = [
    "\x00", "\x1b", "\r\n", "\t", "\ud800", "\udfff", "\ufeff", "\u202e", "\u2028",
    "\U0001f600", "\ufdfa", "\U0001d54f",
    "<", ">", "&", "&amp;", "&#0;", "&#x110000;", "&nbsp;", "<![CDATA[", "]]>", "<!--", "-->", "<script>",
    "</", "\\", '"', "'", "%00", "%ff", "..", "/", "http://", "[", "]", "@", ":", "?", "#", "=", ",", " ",
    "1e400", "-0", "NaN", "Infinity", "null", "9" * 400,
]  # fmt: skip


def nasty_text(max_size: int) -> st.SearchStrategy[str]:
    """Short text mixing any unicode (surrogates included) with the pieces above."""
    return st.lists(st.one_of(st.sampled_from(_PIECES), st.text(max_size=12)), max_size=max(1, max_size // 4)).map(
        "".join
    )


def json_values(max_leaves: int = 12) -> st.SearchStrategy[Any]:
    """Any JSON value: scalars of every type (huge ints, NaN and infinities too), nested lists and objects."""
    scalars = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(2**70), max_value=2**70),
        st.floats(allow_nan=True, allow_infinity=True),
        nasty_text(30),
    )
    return st.recursive(
        scalars,
        lambda children: st.one_of(
            st.lists(children, max_size=4), st.dictionaries(nasty_text(10), children, max_size=4)
        ),
        max_leaves=max_leaves,
    )
