"""The feeds file (TOML) ingest loads at start and upserts into the registry.

```toml
[defaults]
interval = 600            # seconds; optional

[[feed]]
url = "https://feeds.bbci.co.uk/news/world/rss.xml"
source_name = "BBC News"  # optional: the articles' source (default: the feed's own title)
interval = 300            # optional
enabled = true            # optional
```
A feed removed from the file stays registered (remove it with ``wirewatch feeds remove``); a feed removed through
the api comes back at the next start while it is still in the file.
"""

from __future__ import annotations

import tomllib
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pydantic import ValidationError

from wirewatch.contracts import DEFAULT_FEED_INTERVAL_SECONDS, Feed, feed_id_for
from wirewatch.runtime import WirewatchError

_KEYS = frozenset({"url", "source_name", "interval", "enabled"})


class FeedsFileError(WirewatchError):
    """The feeds file cannot be used; the message names the file, the entry and the problem."""


def load_feeds_file(path: Path, now: datetime) -> list[Feed]:
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise FeedsFileError(f"cannot read the feeds file {path}: {exc.strerror or exc}") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise FeedsFileError(f"{path} is not valid TOML: {exc}") from exc
    defaults = document.get("defaults", {})
    entries = document.get("feed", [])
    if not isinstance(entries, list) or not isinstance(defaults, dict):
        raise FeedsFileError(f"{path}: expected [defaults] and [[feed]] tables")
    default_interval = defaults.get("interval", DEFAULT_FEED_INTERVAL_SECONDS)
    return [_feed(path, number, entry, default_interval, now) for number, entry in enumerate(entries, start=1)]


def _feed(path: Path, number: int, entry: Any, default_interval: Any, now: datetime) -> Feed:
    where = f"{path}: feed #{number}"
    if not isinstance(entry, dict):
        raise FeedsFileError(f"{where}: not a table")
    unknown = sorted(set(entry) - _KEYS)
    if unknown:
        raise FeedsFileError(f"{where}: unknown key(s) {', '.join(unknown)}; known: {', '.join(sorted(_KEYS))}")
    url = str(entry.get("url") or "").strip()
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise FeedsFileError(f"{where}: url {url!r} is not an http(s) URL")
    try:
        return Feed(
            feed_id=feed_id_for(url),
            url=url,
            source_name=entry.get("source_name"),
            interval_seconds=entry.get("interval", default_interval),
            enabled=entry.get("enabled", True),
            created_at=now,
            added_by="file",
        )
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise FeedsFileError(f"{where} ({url}): {problems}") from exc
