"""Feed markup -> plain text: titles and summaries often carry HTML (escaped or not); downstream wants words."""

from __future__ import annotations

import html
import re

import lxml.html
from lxml import etree

# Elements after which a reader sees a line break; their text must not run into the next element's.
_BLOCKS = frozenset(
    {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table", "blockquote", "pre"}
)
_INVISIBLE = frozenset({"script", "style", "noscript", "template"})
_TAG = re.compile(r"<[^>]*>")
_SPACES = re.compile(r"[ \t\r\f\v]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")


def html_to_text(markup: str) -> str:
    """The visible text of an HTML fragment, with paragraphs kept as blank-line separated blocks."""
    if "<" not in markup and "&" not in markup:
        return " ".join(markup.split())
    try:
        root = lxml.html.fragment_fromstring(markup, create_parent="div")
    except (etree.ParserError, ValueError):
        return " ".join(html.unescape(_TAG.sub(" ", markup)).split())
    parts: list[str] = []
    _collect(root, parts)
    text = _SPACES.sub(" ", "".join(parts))
    text = "\n".join(line.strip() for line in text.split("\n"))
    return _BLANK_LINES.sub("\n\n", text).strip()


def _collect(element: etree._Element, parts: list[str]) -> None:
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag in _INVISIBLE:
        parts.append(element.tail or "")
        return
    if isinstance(element.tag, str):  # comments and processing instructions have no visible text
        parts.append(element.text or "")
    for child in element:
        _collect(child, parts)
    if tag in _BLOCKS:
        parts.append("\n\n" if tag != "br" else "\n")
    parts.append(element.tail or "")
