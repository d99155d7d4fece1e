"""The fuzz targets' tally: cases run and failures per target, printed at the end of the session."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import pytest

from . import campaign

_failed: Counter[str] = Counter()


@pytest.fixture(autouse=True)
def _name_the_test(request: pytest.FixtureRequest) -> Iterator[None]:
    campaign.current_test = request.node.nodeid
    yield
    campaign.current_test = ""


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.failed:
        for target in campaign.targets_of.get(report.nodeid, {"(not started)"}):
            _failed[target] += 1


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not campaign.cases:
        return
    mode = "campaign" if campaign.CAMPAIGN else "quick"
    terminalreporter.section(f"bad-input fuzzing ({mode}): cases run per target")
    width = max(len(t) for t in campaign.cases)
    for target, count in sorted(campaign.cases.items()):
        terminalreporter.write_line(f"{target:<{width}}  {count:>7} cases  {_failed[target]} failed")
    total = sum(campaign.cases.values())
    terminalreporter.write_line(f"{'total':<{width}}  {total:>7} cases  {sum(_failed.values())} failed")
