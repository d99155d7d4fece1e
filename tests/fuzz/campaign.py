"""How much each fuzz target runs, and the tally of cases that ``make fuzz`` prints.

``make test`` runs each target with a modest number of examples (the whole directory in well under a minute);
``make fuzz`` sets ``WIREWATCH_FUZZ=campaign`` and each target runs its campaign size instead, sized so that the
campaign ends within about five minutes on a two-core machine.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

from hypothesis import HealthCheck, settings

CAMPAIGN = os.environ.get("WIREWATCH_FUZZ") == "campaign"

# Examples run per target, including hypothesis' shrinking of a failure (printed by conftest at the end).
cases: Counter[str] = Counter()
# Which targets each test exercised (by pytest node id), so a failed test is counted against its targets.
targets_of: dict[str, set[str]] = {}
current_test = ""


def budget(quick: int, campaign: int) -> settings:
    """Settings for one target: ``quick`` examples normally, ``campaign`` under ``make fuzz``.

    No deadline (the machine is shared and timings are noisy); each target bounds its own examples with
    :func:`bounded` instead, so that a hang or a blow-up still fails with the input that caused it. No example
    database in the campaign, so every run explores afresh rather than replaying earlier finds first.
    """
    chosen = settings(
        max_examples=campaign if CAMPAIGN else quick,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large],
        print_blob=True,
    )
    return settings(chosen, database=None) if CAMPAIGN else chosen


class TookTooLongError(AssertionError):
    """One example ran longer than its target's bound: a hang, or cost out of proportion to the input."""


@contextmanager
def bounded(target: str, seconds: float) -> Iterator[None]:
    """Count one case of ``target`` and fail it when it takes longer than ``seconds``."""
    cases[target] += 1
    targets_of.setdefault(current_test, set()).add(target)
    started = time.monotonic()
    yield
    elapsed = time.monotonic() - started
    if elapsed > seconds:
        raise TookTooLongError(f"{target}: one example took {elapsed:.1f} s (bound {seconds:g} s)")
