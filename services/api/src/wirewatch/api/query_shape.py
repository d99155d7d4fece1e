"""Query documents the embedded database can answer from an index.

SecantusDB (unlike MongoDB) plans only flat conditions: a ``$and`` wrapper, an ``$or`` or an ``$elemMatch`` makes it
read the whole collection, while the same conditions as fields of one flat document use an index (measured: 5 ms vs
350 ms for 50 ids among 5000 events). So filters are built as a list of small clauses and :func:`flatten` merges
them into one document: range operators on the same field are combined, and only what cannot be merged (two
``$or``) goes into ``$and``. Both databases give the same answers either way.
"""

from __future__ import annotations

from typing import Any

_LOWER = ("$gte", "$gt")
_UPPER = ("$lte", "$lt")


def _is_operators(value: Any) -> bool:
    return isinstance(value, dict) and bool(value) and all(str(k).startswith("$") for k in value)


def _combine(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any] | None:
    """Two operator documents on one field as one, or None when they cannot be combined."""
    merged = dict(old)
    for op, value in new.items():
        if op not in merged:
            merged[op] = value
        elif op in _LOWER:
            merged[op] = max(merged[op], value)
        elif op in _UPPER:
            merged[op] = min(merged[op], value)
        else:
            return None
    return merged


def flatten(clauses: list[dict[str, Any]]) -> dict[str, Any]:
    """One query meaning "all of these clauses", as flat as the clauses allow."""
    flat: dict[str, Any] = {}
    rest: list[dict[str, Any]] = []
    for clause in clauses:
        for key, value in clause.items():
            if key not in flat:
                flat[key] = value
                continue
            combined = _combine(flat[key], value) if _is_operators(flat[key]) and _is_operators(value) else None
            if combined is None:
                rest.append({key: value})
            else:
                flat[key] = combined
    if rest:
        flat["$and"] = rest
    return flat
