"""The rotating sign-in code: an HMAC over (session id, minute index) with the session's own
secret, truncated to a few base32 characters. The minute index is whole minutes since the Unix
epoch of the server clock (``jineng.common.clock.now``), so the code changes on every minute
and a screenshot relayed later stops working after the grace minute."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac

from jineng.practicals.config import practicals_config

_BASE32 = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")


def minute_index(moment: dt.datetime) -> int:
    return int(moment.timestamp() // 60)


def seconds_left_in_minute(moment: dt.datetime) -> int:
    """Whole seconds until the code shown at ``moment`` is replaced (1–60)."""
    return 60 - int(moment.timestamp() % 60)


def code_for(*, session_id: int, secret: str, minute: int) -> str:
    mac = hmac.new(secret.encode(), f"{session_id}:{minute}".encode(), hashlib.sha256).digest()
    return base64.b32encode(mac).decode()[: practicals_config().CODE_LENGTH]


def normalise(code: str) -> str:
    return (code or "").strip().upper()


def looks_like_a_code(code: str) -> bool:
    code = normalise(code)
    return len(code) == practicals_config().CODE_LENGTH and set(code) <= _BASE32


def code_age_minutes(*, session_id: int, secret: str, code: str, at: dt.datetime, lookback_minutes: int) -> int | None:
    """How many minutes before ``at``'s minute ``code`` was current (0 = now), looking back at
    most ``lookback_minutes``; ``None`` if it was never this session's code in that span."""
    code = normalise(code)
    if not looks_like_a_code(code):
        return None
    current = minute_index(at)
    for age in range(0, max(lookback_minutes, 0) + 1):
        if hmac.compare_digest(code_for(session_id=session_id, secret=secret, minute=current - age), code):
            return age
    return None
