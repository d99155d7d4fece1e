from __future__ import annotations

import base64
import time

import pytest
from standardwebhooks import Webhook, WebhookVerificationError

from wirewatch.notify.signing import InvalidSecretError, sign, webhook_headers

SECRET = "whsec_" + base64.b64encode(b"a test key of thirty-two bytes!!").decode()


def test_signature_verifies_with_the_standard_webhooks_library():
    body = b'{"type":"event.created","data":{"x":"\xc3\xa9"}}'
    headers = webhook_headers([SECRET], "msg_abc", int(time.time()), body)
    assert headers["content-type"] == "application/json"
    assert headers["webhook-signature"].startswith("v1,")
    Webhook(SECRET).verify(body, headers)


def test_a_changed_body_or_id_fails_verification():
    now = int(time.time())
    headers = webhook_headers([SECRET], "msg_abc", now, b'{"a":1}')
    with pytest.raises(WebhookVerificationError):
        Webhook(SECRET).verify(b'{"a":2}', headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(SECRET).verify(b'{"a":1}', {**headers, "webhook-id": "msg_other"})


def test_another_secret_does_not_verify():
    other = "whsec_" + base64.b64encode(b"another key entirely, 32 bytes!!").decode()
    headers = webhook_headers([SECRET], "msg_abc", int(time.time()), b"{}")
    with pytest.raises(WebhookVerificationError):
        Webhook(other).verify(b"{}", headers)


def test_known_vector_from_the_standard_webhooks_spec():
    # The example in the Standard Webhooks reference implementation's tests.
    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    body = b'{"test": 2432232314}'
    expected = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    assert sign(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body) == expected


def test_a_secret_that_is_not_base64_is_refused():
    with pytest.raises(InvalidSecretError):
        sign("whsec_a", "msg_1", 1, b"{}")


def test_during_a_rotation_both_secrets_sign_and_either_verifies():
    new = "whsec_" + base64.b64encode(b"the new key after rotation, 32b!").decode()
    body = b'{"type":"event.updated"}'
    headers = webhook_headers([new, SECRET], "msg_rot", int(time.time()), body)
    signatures = headers["webhook-signature"].split(" ")
    assert len(signatures) == 2
    assert all(s.startswith("v1,") for s in signatures)
    Webhook(new).verify(body, headers)
    Webhook(SECRET).verify(body, headers)
    # After the overlap only the new secret signs: the old one no longer verifies.
    after = webhook_headers([new], "msg_rot", int(time.time()), body)
    Webhook(new).verify(body, after)
    with pytest.raises(WebhookVerificationError):
        Webhook(SECRET).verify(body, after)


def test_no_secret_at_all_is_an_error():
    with pytest.raises(InvalidSecretError):
        webhook_headers([], "msg_1", 1, b"{}")
