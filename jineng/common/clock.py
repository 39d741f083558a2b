"""The one clock that credits time. Server time counts, never the client's.

Tests (and browser tests, whose live server runs in a thread of the test process) move it
with ``clock.travel_to(...)`` / ``clock.advance(seconds=...)`` instead of sleeping; outside
tests it is ``django.utils.timezone.now``.
"""

from __future__ import annotations

import datetime as dt
import threading

from django.utils import timezone

_lock = threading.Lock()
_frozen: dt.datetime | None = None


def now() -> dt.datetime:
    frozen = _frozen
    return frozen if frozen is not None else timezone.now()


def travel_to(moment: dt.datetime) -> None:
    global _frozen
    if timezone.is_naive(moment):
        raise ValueError("travel_to needs an aware datetime")
    with _lock:
        _frozen = moment


def advance(*, seconds: float) -> dt.datetime:
    global _frozen
    with _lock:
        _frozen = (_frozen or timezone.now()) + dt.timedelta(seconds=seconds)
        return _frozen


def reset() -> None:
    global _frozen
    with _lock:
        _frozen = None
