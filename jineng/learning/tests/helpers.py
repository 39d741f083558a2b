from __future__ import annotations

from jineng.common import clock
from jineng.learning.services import Beat, heartbeats_record


def make_beats(lesson, first_seq: int, count: int, *, position: float = 0.0, step: float = 5.0, rate: float = 1.0,
               visible: bool = True, focused: bool = True, dur: float | None = 5.0) -> list[Beat]:
    """``count`` beats of ``step`` seconds each; positions advance by step × rate from ``position``."""
    lesson_id = lesson if isinstance(lesson, int) else lesson.pk
    return [Beat(seq=first_seq + i, lesson=lesson_id, position=None if position is None else position + (i + 1) * step * rate,
                 rate=rate, visible=visible, focused=focused, dur=dur) for i in range(count)]


def study(user, session, lesson, *, first_seq: int, count: int = 6, seconds: float | None = None, **kwargs):
    """Let ``seconds`` (default count × 5) pass on the server clock, then post one batch."""
    clock.advance(seconds=seconds if seconds is not None else count * kwargs.get("step", 5.0))
    return heartbeats_record(actor=user, session_id=session.pk, beats=make_beats(lesson, first_seq, count, **kwargs),
                             device_id=session.device_id)
