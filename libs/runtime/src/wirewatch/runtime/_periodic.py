"""A background loop that runs one step every few seconds and ends when asked, even if a cancellation is lost.

Why not just ``task.cancel()`` on a ``while True`` loop: on Python 3.11, ``asyncio.wait_for`` returns the result
of an awaitable that completes in the same loop iteration as a cancellation and drops the cancellation. nats-py's
``request`` (every JetStream API call and publish) awaits its reply that way, so a ``cancel()`` that races a reply
is swallowed, the step returns normally and a ``while True`` loop sleeps on: whoever awaited the task waits for
ever. That hung api test teardowns for 120 s (the consumer-lag refresh in ``Service``). Here ``stop()`` also sets
a flag the loop checks after every step, so a lost cancellation costs at most the rest of one step.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger("wirewatch.runtime")


class Periodic:
    """Run ``step`` now and then every ``interval`` seconds until :meth:`stop`.

    A step that raises is logged (at ``error_level``) and the loop goes on: the next round retries.
    """

    def __init__(
        self, name: str, step: Callable[[], Awaitable[object]], interval: float, *, error_level: int = logging.WARNING
    ) -> None:
        self.name = name
        self._step = step
        self._interval = interval
        self._error_level = error_level
        self._task: asyncio.Task[None] | None = None
        self._stopped: asyncio.Future[None] | None = None

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    def start(self) -> None:
        if self.running:
            return
        self._stopped = asyncio.get_running_loop().create_future()
        self._task = asyncio.create_task(self._run(self._stopped), name=self.name)

    async def _run(self, stopped: asyncio.Future[None]) -> None:
        while not stopped.done():
            try:
                await self._step()
            except Exception:
                log.log(self._error_level, "%s failed; retrying next round", self.name, exc_info=True)
            # Sleeps until the next round or until stop(), whichever comes first; never cancels ``stopped``.
            await asyncio.wait({stopped}, timeout=self._interval)

    async def stop(self) -> None:
        """Cancel the step in progress and wait for the loop to end."""
        task, stopped = self._task, self._stopped
        self._task = self._stopped = None
        if task is None or stopped is None:
            return
        if not stopped.done():
            stopped.set_result(None)
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
