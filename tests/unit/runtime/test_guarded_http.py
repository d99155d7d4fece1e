import ipaddress

import httpx
import pytest

from wirewatch.runtime import UnsafeURLError, guarded_client, is_public_address, read_limited
from wirewatch.testing import WebhookReceiver


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "::1",
        "fc00::1",
        "0.0.0.0",
        "::ffff:127.0.0.1",
        "100.64.0.1",
        "224.0.0.1",
    ],
)
def test_non_public_addresses_are_not_public(address: str):
    assert not is_public_address(ipaddress.ip_address(address))


def test_public_address_is_public():
    assert is_public_address(ipaddress.ip_address("93.184.216.34"))


async def test_loopback_is_refused_unless_allowlisted():
    receiver = WebhookReceiver().start()
    try:
        async with guarded_client() as client:
            with pytest.raises(UnsafeURLError, match=r"127\.0\.0\.1"):
                await client.post(receiver.url(), content=b"{}")
        async with guarded_client(allowlist=["127.0.0.1"]) as client:
            response = await client.post(receiver.url(), content=b"{}")
        assert response.status_code == 200
        assert len(receiver.received()) == 1
    finally:
        receiver.stop()


async def test_non_http_schemes_are_refused():
    async with guarded_client(allowlist=["127.0.0.1"]) as client:
        with pytest.raises((UnsafeURLError, httpx.UnsupportedProtocol)):
            await client.get("file:///etc/passwd")


async def test_read_limited_stops_at_the_limit():
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=b"x" * 5000)

    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
        async with client.stream("GET", "http://t/") as response:
            with pytest.raises(Exception, match="limit"):
                await read_limited(response, max_bytes=1000)
        async with client.stream("GET", "http://t/") as response:
            assert len(await read_limited(response, max_bytes=10_000)) == 5000
