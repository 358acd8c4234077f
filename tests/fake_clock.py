"""A clock for the transport retries whose waits return at once, recording what was asked."""

from __future__ import annotations

import time

from followup.models.openai_chat import Clock


class FakeClock(Clock):
    """Real time passes for real work (a request in flight); a sleep only moves this clock on."""

    def __init__(self) -> None:
        self.slept: list[float] = []

    def monotonic(self) -> float:
        return time.monotonic() + sum(self.slept)

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
