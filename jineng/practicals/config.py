"""The practicals' tunable numbers. Defaults below; a deployment overrides any of them with
``settings.JINENG_PRACTICALS = {"SIGN_IN_OPENS_MINUTES": 45, ...}`` (tests use pytest's ``settings``)."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

from django.conf import settings


@dataclass(frozen=True)
class PracticalsConfig:
    # Learners may sign in from this many minutes before the start …
    SIGN_IN_OPENS_MINUTES: int = 30
    # … until this many minutes after the end (0: until the end).
    SIGN_IN_CLOSES_MINUTES_AFTER_END: int = 0
    # Codes of the current minute and of this many minutes before it are accepted (grace for scanning).
    CODE_GRACE_MINUTES: int = 1
    # A learner who scanned, then had to sign in to the system first, has this long to come back.
    LOGIN_RETURN_MINUTES: int = 10
    # Characters of the base32 HMAC in the code.
    CODE_LENGTH: int = 10


def practicals_config() -> PracticalsConfig:
    overrides = getattr(settings, "JINENG_PRACTICALS", None) or {}
    known = {f.name for f in fields(PracticalsConfig)}
    unknown = set(overrides) - known
    if unknown:
        raise ValueError(f"JINENG_PRACTICALS 中有未知设置：{', '.join(sorted(unknown))}")
    return replace(PracticalsConfig(), **overrides)
