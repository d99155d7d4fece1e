"""How articles get their stable identity.

Ids are part of the contract: the api answers a push with the id the article will have, and ingest stores it
under the same id, so both must derive it the same way.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Query parameters that only track the reader and never change which article a URL points to.
_TRACKING_PREFIXES = ("utm_", "mc_", "pk_", "hsa_", "oly_", "ns_", "at_", "soc_", "_hs", "guce_")
_TRACKING_NAMES = frozenset(
    {
        "fbclid",
        "gclid",
        "gclsrc",
        "dclid",
        "msclkid",
        "yclid",
        "igshid",
        "twclid",
        "ttclid",
        "li_fat_id",
        "mkt_tok",
        "ref",
        "ref_src",
        "ref_url",
        "cmpid",
        "ito",
        "smid",
        "_ga",
        "_gl",
        "ocid",
        "ncid",
        "xtor",
        "wt.mc_id",
        "guccounter",
        "spm",
        "s_cid",
        "__twitter_impression",
    }
)
# Percent-escapes of unreserved characters mean the character itself (RFC 3986, 6.2.2.2).
_ESCAPE = re.compile(r"%[0-9A-Fa-f]{2}")
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")


def _is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered in _TRACKING_NAMES or lowered.startswith(_TRACKING_PREFIXES)


def _normalise_escapes(value: str) -> str:
    def fix(match: re.Match[str]) -> str:
        char = chr(int(match.group(0)[1:], 16))
        return char if char in _UNRESERVED else match.group(0).upper()

    return _ESCAPE.sub(fix, value)


def _remove_dot_segments(path: str) -> str:
    if "." not in path:
        return path
    kept: list[str] = []
    for segment in path.split("/")[1:]:
        if segment == "..":
            if kept:
                kept.pop()
        elif segment != ".":
            kept.append(segment)
    trailing = "/" if path.endswith(("/.", "/..")) else ""
    return "/" + "/".join(kept) + trailing


def _host(scheme: str, hostname: str | None, port: int | None) -> str:
    host = (hostname or "").lower().rstrip(".")
    # A host that is not IDNA-encodable (e.g. an underscore label) is kept as written, lower-cased.
    with contextlib.suppress(UnicodeError):
        host = host.encode("idna").decode("ascii")
    if ":" in host:  # an IPv6 literal keeps its brackets
        host = f"[{host}]"
    if port and not ((scheme == "http" and port == 80) or (scheme == "https" and port == 443)):
        host = f"{host}:{port}"
    return host


def canonical_url(url: str) -> str:
    """Normalise a URL so that trivially different spellings of one article compare equal.

    Lower-cases scheme and host (IDN hosts in punycode), drops credentials, default ports, fragments and tracking
    parameters, resolves ``.``/``..`` segments, decodes needlessly escaped characters, sorts the remaining query
    parameters and removes a trailing slash from non-root paths. Never raises on a malformed URL: what cannot be
    parsed is kept as written.
    """
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower() or "http"
    try:
        port = parts.port
    except ValueError:  # a non-numeric or out-of-range port: keep the host part as written, minus credentials
        host = parts.netloc.rpartition("@")[2].lower()
    else:
        host = _host(scheme, parts.hostname, port)
    path = _remove_dot_segments(_normalise_escapes(parts.path)) or "/"
    if len(path) > 1 and path.endswith("/"):
        path = path.rstrip("/") or "/"
    query = sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k))
    return urlunsplit((scheme, host, path, urlencode(query), ""))


def content_hash(title: str, text: str) -> str:
    """Hash of the normalised title and body: equal for byte-different but textually equal articles."""
    normalised = " ".join(f"{title}\n{text}".lower().split())
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


def article_id(canonical: str | None, digest: str) -> str:
    """The article's id: from its canonical URL, or from its content when it has no URL."""
    basis = f"url:{canonical}" if canonical else f"hash:{digest}"
    return hashlib.sha256(basis.encode("utf-8")).hexdigest()[:24]
