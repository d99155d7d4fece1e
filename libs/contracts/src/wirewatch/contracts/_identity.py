"""How articles get their stable identity.

Ids are part of the contract: the api answers a push with the id the article will have, and ingest stores it
under the same id, so both must derive it the same way.
"""

from __future__ import annotations

import hashlib
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Query parameters that only track the reader and never change which article a URL points to.
_TRACKING_PREFIXES = ("utm_", "mc_", "pk_", "hsa_", "oly_")
_TRACKING_NAMES = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "msclkid",
        "yclid",
        "igshid",
        "ref",
        "ref_src",
        "cmpid",
        "ito",
        "smid",
        "_ga",
    }
)


def canonical_url(url: str) -> str:
    """Normalise a URL so that trivially different spellings of one article compare equal.

    Lower-cases scheme and host, drops default ports, fragments and tracking parameters, sorts the remaining
    query parameters and removes a trailing slash from non-root paths.
    """
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower() or "http"
    host = (parts.hostname or "").lower()
    port = parts.port
    if port and not ((scheme == "http" and port == 80) or (scheme == "https" and port == 443)):
        host = f"{host}:{port}"
    path = parts.path or "/"
    if len(path) > 1 and path.endswith("/"):
        path = path.rstrip("/")
    query = sorted(
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if k.lower() not in _TRACKING_NAMES and not k.lower().startswith(_TRACKING_PREFIXES)
    )
    return urlunsplit((scheme, host, path, urlencode(query), ""))


def content_hash(title: str, text: str) -> str:
    """Hash of the normalised title and body: equal for byte-different but textually equal articles."""
    normalised = " ".join(f"{title}\n{text}".lower().split())
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


def article_id(canonical: str | None, digest: str) -> str:
    """The article's id: from its canonical URL, or from its content hash when it has no URL."""
    basis = f"url:{canonical}" if canonical else f"hash:{digest}"
    return hashlib.sha256(basis.encode("utf-8")).hexdigest()[:24]
