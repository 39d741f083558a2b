"""`jineng tick` ends study sessions that went silent (the scheduler's job, not only the next start)."""

from __future__ import annotations

import pytest

from jineng.cli import main
from jineng.common import clock
from jineng.learning.models import StudySession
from jineng.learning.services import session_start

pytestmark = pytest.mark.django_db


def test_the_tick_ends_a_session_that_went_silent(learner, enrolment, video, rules):
    session = session_start(actor=learner, lesson=video, device_id="device-tick-0001", user_agent="t", ip="127.0.0.1")
    assert main(["tick", "--only", "sessions_expire_stale"]) == 0
    assert StudySession.objects.get(pk=session.pk).state == StudySession.State.ACTIVE
    clock.advance(seconds=2 * 3600)
    assert main(["tick", "--only", "sessions_expire_stale"]) == 0
    session.refresh_from_db()
    assert (session.state, session.end_reason) == (StudySession.State.ENDED, StudySession.EndReason.TIMEOUT)
