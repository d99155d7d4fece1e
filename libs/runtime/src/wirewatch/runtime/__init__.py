"""wirewatch runtime plumbing shared by every service: settings, broker, consumption, metrics, health,
database, HTTP, logging and the embedded stack."""

from ._availability import dependency_unavailable, unavailable_delay
from ._broker import durable_subscriber, make_broker
from ._consumer import ConsumerPolicy, Delivery, consume, ingested_at_header
from ._embedded import EmbeddedMongo, EmbeddedNats
from ._errors import (
    EmbeddedServerError,
    MessageRejected,
    ResponseTooLargeError,
    RetryLater,
    UnsafeURLError,
    WirewatchError,
)
from ._http import GuardedTransport, guarded_client, is_public_address, parse_allowlist, read_limited
from ._logging import configure_logging
from ._metrics import LATENCY_BUCKETS, HopMetrics
from ._mongo import make_mongo_client
from ._periodic import Periodic
from ._processes import ChildProcess, find_binary, free_port, port_is_free, wait_for_port
from ._service import Service, health_routes, run_asgi
from ._settings import ServiceSettings
from ._streams import provision_streams, stream_config

__all__ = [
    "LATENCY_BUCKETS",
    "ChildProcess",
    "ConsumerPolicy",
    "Delivery",
    "EmbeddedMongo",
    "EmbeddedNats",
    "EmbeddedServerError",
    "GuardedTransport",
    "HopMetrics",
    "MessageRejected",
    "Periodic",
    "ResponseTooLargeError",
    "RetryLater",
    "Service",
    "ServiceSettings",
    "UnsafeURLError",
    "WirewatchError",
    "configure_logging",
    "consume",
    "dependency_unavailable",
    "durable_subscriber",
    "find_binary",
    "free_port",
    "guarded_client",
    "health_routes",
    "ingested_at_header",
    "is_public_address",
    "make_broker",
    "make_mongo_client",
    "parse_allowlist",
    "port_is_free",
    "provision_streams",
    "read_limited",
    "run_asgi",
    "stream_config",
    "unavailable_delay",
    "wait_for_port",
]
