"""Heartbeats authenticated by the beat token that starting a study session returns: no session,
user or role query, no CSRF token, and good for nothing but that one session while it lives."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from jineng.common import clock
from jineng.learning.beat_tokens import TOKEN_HOURS, beat_token_issue, beat_token_read
from jineng.learning.models import BeatBatch
from jineng.learning.tests.test_api import CSRF, DEVICE, beats

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(learner, rules):
    client = Client(enforce_csrf_checks=True)
    client.force_login(learner)
    client.cookies["csrftoken"] = CSRF
    return client


@pytest.fixture
def started(api, enrolment, video):
    response = api.post("/api/learning/sessions", data=json.dumps({"lesson": video.pk, "device": DEVICE}),
                        content_type="application/json", HTTP_X_CSRFTOKEN=CSRF)
    assert response.status_code == 201, response.content
    return response.json()


def post_with_token(token: str, body: dict):
    """As the player does it after the session started: the token header, no cookie at all."""
    return Client(enforce_csrf_checks=True).post("/api/learning/heartbeats", data=json.dumps(body),
                                                 content_type="application/json", HTTP_X_BEAT_TOKEN=token)


def test_the_token_alone_records_beats_without_touching_sessions_users_or_roles(started, video):
    clock.advance(seconds=30)
    body = {"session": started["session"], "beats": beats(video), "device": DEVICE}
    with CaptureQueriesContext(connection) as queries:
        response = post_with_token(started["beat_token"], body)
    assert response.status_code == 200, response.content
    assert (response.json()["accepted"], response.json()["credited_ms"]) == (6, 30_000)
    tables = " ".join(q["sql"] for q in queries.captured_queries)
    for table in ("django_session", "identity_user", "identity_roleassignment"):
        assert table not in tables


def test_a_token_is_good_only_for_its_own_session(api, started, video, enrolment):
    other = api.post("/api/learning/sessions", data=json.dumps({"lesson": video.pk, "device": "device-api-000009"}),
                     content_type="application/json", HTTP_X_CSRFTOKEN=CSRF).json()
    clock.advance(seconds=30)
    response = post_with_token(started["beat_token"], {"session": other["session"], "beats": beats(video)})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "beat_token_mismatch"
    assert not BeatBatch.objects.exists()


@pytest.mark.parametrize("mangle", [
    pytest.param(lambda t: t[:-1] + ("0" if t[-1] != "0" else "1"), id="forged-mac"),
    pytest.param(lambda t: t.replace("v1.", "v1.9", 1), id="other-session-id"),
    pytest.param(lambda t: "garbage", id="garbage"),
])
def test_a_forged_token_without_a_cookie_is_refused(started, video, mangle):
    clock.advance(seconds=30)
    response = post_with_token(mangle(started["beat_token"]), {"session": started["session"], "beats": beats(video)})
    assert response.status_code == 403  # falls back to the cookie session, which has neither cookie nor CSRF
    assert not BeatBatch.objects.exists()


def test_an_expired_token_is_refused(started, video):
    clock.advance(seconds=TOKEN_HOURS * 3600 + 1)
    assert beat_token_read(started["beat_token"]) is None
    response = post_with_token(started["beat_token"], {"session": started["session"], "beats": beats(video)})
    assert response.status_code == 403


def test_the_token_does_not_revive_an_ended_session(api, started, video):
    api.post(f"/api/learning/sessions/{started['session']}/end", data="{}", content_type="application/json",
             HTTP_X_CSRFTOKEN=CSRF)
    clock.advance(seconds=30)
    response = post_with_token(started["beat_token"], {"session": started["session"], "beats": beats(video)})
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "session_ended"


def test_a_token_for_another_persons_session_finds_nothing(started, video, learner):
    token = beat_token_issue(session_id=started["session"], person_id=learner.person_id + 1000, user_id=learner.pk)
    clock.advance(seconds=30)
    response = post_with_token(token, {"session": started["session"], "beats": beats(video)})
    assert response.status_code == 404
    assert not BeatBatch.objects.exists()


def test_the_daily_sign_in_made_under_a_token_is_audited_with_the_learner(api, enrolment, video, learner):
    import datetime as dt
    from zoneinfo import ZoneInfo

    from jineng.audit.models import AuditEntry

    clock.travel_to(dt.datetime(2026, 3, 2, 23, 59, 45, tzinfo=ZoneInfo("Asia/Shanghai")))
    started = api.post("/api/learning/sessions", data=json.dumps({"lesson": video.pk, "device": DEVICE}),
                       content_type="application/json", HTTP_X_CSRFTOKEN=CSRF).json()
    clock.advance(seconds=30)  # past midnight: the credited time of the new day signs in again
    body = {"session": started["session"], "beats": beats(video), "device": DEVICE}
    response = post_with_token(started["beat_token"], body)
    assert response.status_code == 200, response.content
    entries = list(AuditEntry.objects.filter(action="learning.sign_in").order_by("seq"))
    assert len(entries) == 2  # 2 March's at the start of the session, 3 March's under the token
    assert (entries[1].actor_id, entries[1].actor_label) == (learner.pk, learner.username)
