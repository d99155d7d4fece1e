"""Refusing webhook URLs that point inside the network, when the subscription is created.

Notify checks every request again (DNS can change after creation); this check is so that the subscriber hears at
once, with a 422, instead of finding a dead delivery later. A host that does not resolve (yet) is accepted.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from urllib.parse import urlsplit

from wirewatch.runtime import is_public_address, parse_allowlist

_RESOLVE_TIMEOUT = 2.0


async def unsafe_webhook_reason(url: str, allowlist: list[str]) -> str | None:
    """Why ``url`` may not be a webhook target (a private, loopback, link-local or metadata address), or None."""
    host = urlsplit(url).hostname or ""
    networks = parse_allowlist(allowlist)
    try:
        addresses = [ipaddress.ip_address(host)]
    except ValueError:
        try:
            infos = await asyncio.wait_for(
                asyncio.get_running_loop().getaddrinfo(host, None, type=socket.SOCK_STREAM), _RESOLVE_TIMEOUT
            )
        except (OSError, TimeoutError):
            return None
        addresses = [ipaddress.ip_address(info[4][0]) for info in infos]
    refused = sorted({str(a) for a in addresses if not is_public_address(a) and not any(a in net for net in networks)})
    if refused:
        return (
            f"{host} is a private, loopback, link-local or metadata address ({', '.join(refused)}); "
            "webhooks cannot go there unless it is allowlisted (WIREWATCH_NOTIFY_ALLOW_ADDRESSES)"
        )
    return None
