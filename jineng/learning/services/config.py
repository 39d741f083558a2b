"""The learning rules' numbers, read on every call from ``settings.JINENG_LEARNING`` (a dict;
any key left out takes its default), so tests and deployments can change them."""

from __future__ import annotations

from dataclasses import dataclass, fields

from django.conf import settings

DEFAULTS = {
    "BEAT_SECONDS": 5,  # the player samples one beat every N s …
    "BATCH_SECONDS": 30,  # … and posts the pending beats every N s
    "MAX_RATE": 1.0,  # playback faster than this is not credited
    "SEEK_TOLERANCE_SECONDS": 10,  # how far past the furthest watched position a beat may be
    "PRESENCE_INTERVAL_SECONDS": 900,  # a presence prompt about every N s of study (0 = never)
    "PRESENCE_JITTER": 0.5,  # ± this fraction of the interval, at random
    "PRESENCE_TIMEOUT_SECONDS": 90,  # time to answer a prompt
    "DAILY_CAP_MINUTES": 360,  # 8 class hours per Asia/Shanghai day
    "EVIDENCE_RETENTION_DAYS": 1827,  # raw beats are kept 5 years
    "SESSION_TIMEOUT_SECONDS": 600,  # an active session without beats for this long counts as ended
    "MAX_BEATS_PER_BATCH": 240,
    "LIVE_SIGN_IN_EARLY_MINUTES": 15,  # live-class sign-in opens this early
}


@dataclass(frozen=True)
class LearningConfig:
    BEAT_SECONDS: float
    BATCH_SECONDS: float
    MAX_RATE: float
    SEEK_TOLERANCE_SECONDS: float
    PRESENCE_INTERVAL_SECONDS: float
    PRESENCE_JITTER: float
    PRESENCE_TIMEOUT_SECONDS: float
    DAILY_CAP_MINUTES: int
    EVIDENCE_RETENTION_DAYS: int
    SESSION_TIMEOUT_SECONDS: float
    MAX_BEATS_PER_BATCH: int
    LIVE_SIGN_IN_EARLY_MINUTES: int

    @property
    def beat_ms(self) -> int:
        return int(self.BEAT_SECONDS * 1000)

    @property
    def beat_cap_ms(self) -> int:
        """The most server time one creditable beat may carry: a beat interval plus timer jitter."""
        return self.beat_ms + max(2000, self.beat_ms // 2)

    @property
    def daily_cap_ms(self) -> int:
        return int(self.DAILY_CAP_MINUTES) * 60_000


def learning_config() -> LearningConfig:
    overrides = getattr(settings, "JINENG_LEARNING", None) or {}
    unknown = set(overrides) - set(DEFAULTS)
    if unknown:
        raise ValueError(f"JINENG_LEARNING 中有未知设置：{', '.join(sorted(unknown))}")
    values = {**DEFAULTS, **overrides}
    return LearningConfig(**{f.name: values[f.name] for f in fields(LearningConfig)})
