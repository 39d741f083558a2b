"""Beat tokens: how the player authenticates its heartbeats without a session look-up.

Heartbeats are the hottest request in the system (a province at peak: thousands of batches a
second). Authenticating each one through the cookie session costs three queries before any
work is done (session row, user row, the user's roles for the staff second-factor check).
Instead, starting a study session (an ordinary cookie-authenticated, CSRF-checked call)
returns a token bound to that one study session, its person and user, valid for a limited
time. The player sends it in the ``X-Beat-Token`` header; the server checks its HMAC without
touching the database, and ``heartbeats_record`` still locks the study session row and
refuses it unless it belongs to that person and is not ended — so the token can do nothing
but add beats to the session it was issued for, for as long as that session lives.

A custom header cannot be sent cross-site without CORS (which is off), so the endpoint needs
no CSRF token when it is authenticated this way.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass, field

from django.utils.crypto import salted_hmac

from jineng.common import clock

HEADER = "X-Beat-Token"
META_KEY = "HTTP_X_BEAT_TOKEN"
TOKEN_HOURS = 12
_SALT = "jineng.learning.beat-token.v1"


def _mac(body: str) -> str:
    return salted_hmac(_SALT, body, algorithm="sha256").hexdigest()[:40]


def beat_token_issue(*, session_id: int, person_id: int, user_id: int) -> str:
    expires = int(clock.now().timestamp()) + TOKEN_HOURS * 3600
    body = f"v1.{session_id}.{person_id}.{user_id}.{expires}"
    return f"{body}.{_mac(body)}"


@dataclass
class BeatPrincipal:
    """Who a valid beat token speaks for. Quacks like a signed-in user where the heartbeat
    service needs one (``person_id``; ``pk`` and ``get_username`` for the rare audited sign-in)."""

    session_id: int
    person_id: int
    user_id: int
    is_authenticated: bool = True
    _username: str | None = field(default=None, repr=False)

    @property
    def pk(self) -> int:
        return self.user_id

    def get_username(self) -> str:
        if self._username is None:
            from jineng.identity.models import User

            self._username = User.objects.values_list("username", flat=True).get(pk=self.user_id)
        return self._username


def beat_token_read(token: str) -> BeatPrincipal | None:
    """The principal of a valid, unexpired token; ``None`` for anything else."""
    if not token or len(token) > 200:
        return None
    body, _, mac = token.rpartition(".")
    parts = body.split(".")
    if len(parts) != 5 or parts[0] != "v1" or not all(p.isdigit() for p in parts[1:]):
        return None
    if not hmac.compare_digest(mac, _mac(body)):
        return None
    session_id, person_id, user_id, expires = (int(p) for p in parts[1:])
    if expires < clock.now().timestamp():
        return None
    return BeatPrincipal(session_id=session_id, person_id=person_id, user_id=user_id)
