from datetime import UTC, datetime, timedelta

from wirewatch.runtime import ConsumerPolicy, ingested_at_header


def test_retry_delay_grows_then_stays_at_the_last_step():
    policy = ConsumerPolicy("svc", max_deliver=5, retry_delays=(0.5, 2.0, 5.0))
    assert [policy.delay_for(n) for n in (1, 2, 3, 4, 9)] == [0.5, 2.0, 5.0, 5.0, 5.0]
    assert ConsumerPolicy("svc", 3, ()).delay_for(2) == 0.0


def test_ingested_at_header_parses_iso_and_ignores_garbage():
    when = datetime.now(UTC) - timedelta(seconds=3)
    assert ingested_at_header({"Wirewatch-Ingested-At": when.isoformat()}) == when
    assert ingested_at_header({"Wirewatch-Ingested-At": "yesterday"}) is None
    assert ingested_at_header({}) is None
    naive = ingested_at_header({"Wirewatch-Ingested-At": "2023-09-19T10:00:00"})
    assert naive is not None
    assert naive.tzinfo is UTC
