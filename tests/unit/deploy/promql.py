"""The metric names a PromQL expression reads, and the names it may read (catalogue + exporter + ``up``)."""

from __future__ import annotations

import re

from wirewatch.runtime.metric_catalogue import known_series_names

KNOWN = known_series_names()

_KEYWORDS = {"by", "without", "on", "ignoring", "group_left", "group_right", "and", "or", "unless", "bool", "offset"}
_STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"')
_BRACES = re.compile(r"\{[^}]*\}|\[[^\]]*\]")
_GROUPING = re.compile(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")
_IDENTIFIER = re.compile(r"(?<![\w$.])([A-Za-z_:][\w:]*)\b(?!\s*\()")


def metric_names(expr: str) -> set[str]:
    """Series names in ``expr``: identifiers that are not functions, keywords, label names or durations."""
    stripped = _GROUPING.sub(" ", _BRACES.sub(" ", _STRINGS.sub(" ", expr)))
    names = {match.group(1) for match in _IDENTIFIER.finditer(stripped)}
    return {name for name in names if name not in _KEYWORDS and not re.fullmatch(r"\d+[smhdwy]", name)}


def unknown_names(expr: str) -> set[str]:
    return metric_names(expr) - KNOWN
