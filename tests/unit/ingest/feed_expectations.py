"""Evaluate feedparser's fixture ``Expect:`` lines against OUR parse of the fixture, for the fields we map.

An expectation is a Python expression over feedparser's result, e.g.
``not bozo and entries[0]['title'] == 'Item 1 title'``. We split it at its top-level ``and`` and evaluate only the
clauses about fields we carry forward (entry title, link, id, dates and the number of entries), with feedparser's
names mapped to ours. Clauses about anything else (``bozo``, ``feed[...]``, ``title_detail``, ...) are skipped,
and an expectation with no mapped clause at all is counted as skipped.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wirewatch.ingest.feed_parser import FeedItem, ParsedFeed
from wirewatch.ingest.feed_text import html_to_text

MAPPED_ENTRY_KEYS = frozenset(
    {
        "title",
        "link",
        "id",
        "guid",
        "summary",
        "description",
        "published_parsed",
        "updated_parsed",
        "created_parsed",
        "date_parsed",
    }
)
_EXPECT = re.compile(r"Expect:\s*(.*?)\s*(?:-->|\n|$)")
_HEADER = re.compile(r"^Header:\s*([A-Za-z-]+):\s*(.*?)\s*$", re.MULTILINE)


@dataclass(frozen=True)
class Fixture:
    path: Path
    body: bytes
    expect: str | None
    headers: dict[str, str]


def read_fixture(path: Path) -> Fixture:
    body = path.read_bytes()
    # Latin-1 maps every byte, so the header comment is readable whatever the document's encoding.
    head = body[:4000].decode("latin-1")
    match = _EXPECT.search(head)
    headers = {name.lower(): value for name, value in _HEADER.findall(head)}
    return Fixture(path, body, match.group(1) if match else None, headers)


class Text(str):
    """Our text for a field feedparser may keep as HTML: equal when the expected value, as is or as text, is ours."""

    __slots__ = ()

    def __eq__(self, other: object) -> bool:
        if isinstance(other, str):
            return str.__eq__(self, other) or str.__eq__(self, html_to_text(other))
        return NotImplemented

    def __ne__(self, other: object) -> bool:
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    __hash__ = str.__hash__


def _time_tuple(value: Any) -> tuple[int, ...] | None:
    return tuple(value.utctimetuple()) if value is not None else None


def as_feedparser_entry(item: FeedItem) -> dict[str, Any]:
    published = _time_tuple(item.published_at)
    return {
        "title": Text(item.title),
        # feedparser's description is its summary; ours is the same field as text.
        "summary": Text(item.summary),
        "description": Text(item.summary),
        "link": item.link,
        "id": item.guid,
        "guid": item.guid,
        # We fold created into published (a feed's one date of an item) and keep updated apart.
        "published_parsed": published,
        "created_parsed": published,
        "date_parsed": _time_tuple(item.updated_at) or published,
        "updated_parsed": _time_tuple(item.updated_at) or published,
    }


def _clauses(expression: ast.expr) -> list[ast.expr]:
    if isinstance(expression, ast.BoolOp) and isinstance(expression.op, ast.And):
        return [c for value in expression.values for c in _clauses(value)]
    return [expression]


def _is_mapped(clause: ast.expr) -> bool:
    """True when every name the clause reads is ``entries[i][<mapped key>]`` or ``len(entries)``."""
    uses_entries = False
    for node in ast.walk(clause):
        if isinstance(node, ast.Name) and node.id not in {"entries", "len"}:
            return False
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Subscript):
            inner = node.value
            if isinstance(inner.value, ast.Name) and inner.value.id == "entries":
                key = node.slice
                if not (isinstance(key, ast.Constant) and key.value in MAPPED_ENTRY_KEYS):
                    return False
                uses_entries = True
        if isinstance(node, ast.Attribute):
            return False
        if isinstance(node, ast.Call) and not (isinstance(node.func, ast.Name) and node.func.id == "len"):
            return False
    return uses_entries or any(isinstance(n, ast.Name) and n.id == "entries" for n in ast.walk(clause))


@dataclass(frozen=True)
class Verdict:
    evaluated: bool  # False: no clause about a field we map
    passed: bool
    detail: str = ""


def judge(expect: str, parsed: ParsedFeed | None) -> Verdict:
    try:
        tree = ast.parse(expect, mode="eval")
    except SyntaxError:
        return Verdict(False, False, "expectation is not a Python expression")
    mapped = [c for c in _clauses(tree.body) if _is_mapped(c)]
    if not mapped:
        return Verdict(False, False)
    entries = [as_feedparser_entry(item) for item in parsed.items] if parsed else []
    for clause in mapped:
        code = compile(ast.Expression(clause), "<expect>", "eval")
        try:
            ok = bool(eval(code, {"__builtins__": {}}, {"entries": entries, "len": len}))
        except (IndexError, KeyError, TypeError) as exc:
            return Verdict(True, False, f"{ast.unparse(clause)}: {type(exc).__name__}")
        if not ok:
            return Verdict(True, False, ast.unparse(clause))
    return Verdict(True, True)
