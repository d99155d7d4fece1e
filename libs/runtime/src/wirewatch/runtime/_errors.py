"""The runtime's exception hierarchy."""


class WirewatchError(Exception):
    """Base of every error wirewatch raises on purpose."""


class MessageRejected(WirewatchError):  # noqa: N818 - a verdict on a message, not an error in our code
    """The message can never be processed (invalid, unsupported): dead-letter it now, do not retry."""


class RetryLater(WirewatchError):  # noqa: N818 - an instruction to the consumer loop
    """A transient failure (a dependency is down): redeliver after a delay without counting as a bug."""


class EmbeddedServerError(WirewatchError):
    """An embedded nats-server or database process could not be started."""


class UnsafeURLError(WirewatchError):
    """An outgoing request targets an address that is not allowed (private, loopback, metadata, ...)."""


class ResponseTooLargeError(WirewatchError):
    """A response body exceeded the configured size limit."""
