"""Hand a request body that a middleware has already read on to the app, as if it had never been read."""

from __future__ import annotations

from starlette.types import Message, Receive


def replaying(last: Message, body: bytes, receive: Receive) -> Receive:
    """A ``receive`` whose first answer is the whole ``body`` (or ``last`` when the client went away meanwhile).

    Later calls go to the real ``receive``, so the app still hears of a disconnect.
    """
    replayed = False

    async def replay() -> Message:
        nonlocal replayed
        if replayed:
            return await receive()
        replayed = True
        if last["type"] != "http.request":
            return last
        return {"type": "http.request", "body": body, "more_body": False}

    return replay
