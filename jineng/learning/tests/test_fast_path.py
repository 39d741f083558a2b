"""The heartbeat fast path (``jineng.learning.middleware``): a batch with a valid beat token is answered
before the session, CSRF and URL machinery, exactly as the ninja endpoint would answer it; everything
else goes on to that endpoint."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.http import HttpResponse
from django.test import Client, RequestFactory

from jineng.common import clock
from jineng.learning.middleware import HeartbeatFastPathMiddleware
from jineng.learning.models import BeatBatch, StudySession
from jineng.learning.tests.test_api import CSRF, DEVICE, beats
from jineng.learning.tests.test_beat_tokens import post_with_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(learner, rules, enrolment):
    client = Client(enforce_csrf_checks=True)
    client.force_login(learner)
    client.cookies["csrftoken"] = CSRF
    return client


def start(api, video) -> dict:
    response = api.post("/api/learning/sessions", data=json.dumps({"lesson": video.pk, "device": DEVICE}),
                        content_type="application/json", HTTP_X_CSRFTOKEN=CSRF)
    assert response.status_code == 201, response.content
    return response.json()


def post_with_cookie(api, body: dict):
    return api.post("/api/learning/heartbeats", data=json.dumps(body), content_type="application/json",
                    HTTP_X_CSRFTOKEN=CSRF)


def test_a_token_batch_is_answered_as_the_endpoint_answers_a_cookie_batch(api, video, rules):
    rules(PRESENCE_INTERVAL_SECONDS=20, PRESENCE_JITTER=0, PRESENCE_TIMEOUT_SECONDS=60)
    started = start(api, video)
    clock.advance(seconds=30)
    by_cookie = post_with_cookie(api, {"session": started["session"], "beats": beats(video), "device": DEVICE})
    clock.advance(seconds=30)
    by_token = post_with_token(started["beat_token"],
                               {"session": started["session"], "beats": beats(video, first=7), "device": DEVICE})
    assert (by_cookie.status_code, by_token.status_code) == (200, 200), by_token.content
    cookie, token = by_cookie.json(), by_token.json()
    assert {k: type(v) for k, v in token.items()} == {k: type(v) for k, v in cookie.items()}
    deadline = dt.datetime.fromisoformat
    assert deadline(token["presence"].pop("deadline")) == deadline(cookie["presence"].pop("deadline"))
    assert token["presence"] == {**cookie["presence"], "seconds_left": 30}  # the same prompt, 30 s later
    assert (token["accepted"], token["credited_ms"], token["session_credited_minutes"]) == (6, 30_000, 1)
    for header in ("Content-Type", "Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options",
                   "Referrer-Policy", "Cross-Origin-Opener-Policy"):
        assert by_token[header] == by_cookie[header], header
    assert StudySession.objects.get().beats_accepted == 12


@pytest.mark.parametrize(("change", "field"), [
    pytest.param({"rate": "fast"}, "rate", id="rate-not-a-number"),
    pytest.param({"seq": 0}, "seq", id="seq-zero"),
    pytest.param({"visible": None}, "visible", id="visible-missing"),
])
def test_a_malformed_token_batch_gets_the_endpoints_422_and_stores_nothing(api, video, change, field):
    started = start(api, video)
    bad = beats(video)
    bad[3].update(change)
    clock.advance(seconds=30)
    response = post_with_token(started["beat_token"], {"session": started["session"], "beats": bad})
    assert response.status_code == 422
    assert ["body", "payload", "beats", 3, field] in [d["loc"] for d in response.json()["detail"]]
    assert not BeatBatch.objects.exists()


def test_a_body_that_is_not_json_stores_nothing(api, video):
    started = start(api, video)
    response = Client().post("/api/learning/heartbeats", data=b"{not json", content_type="application/json",
                             HTTP_X_BEAT_TOKEN=started["beat_token"])
    assert response.status_code == 400
    assert not BeatBatch.objects.exists()


def test_an_unknown_host_is_refused_before_anything_is_stored(api, video):
    started = start(api, video)
    clock.advance(seconds=30)
    response = Client().post("/api/learning/heartbeats", content_type="application/json", HTTP_HOST="evil.example",
                             data=json.dumps({"session": started["session"], "beats": beats(video)}),
                             HTTP_X_BEAT_TOKEN=started["beat_token"])
    assert response.status_code == 400
    assert not BeatBatch.objects.exists()


def test_only_a_valid_token_post_is_answered_here(api, video):
    started = start(api, video)
    passed_on = []

    def rest_of_the_stack(request):
        passed_on.append(request)
        return HttpResponse(status=299)

    middleware = HeartbeatFastPathMiddleware(rest_of_the_stack)
    factory = RequestFactory()
    body = json.dumps({"session": started["session"], "beats": beats(video)})
    token = started["beat_token"]
    clock.advance(seconds=30)
    cases = {
        "valid": factory.post("/api/learning/heartbeats", body, content_type="application/json", HTTP_X_BEAT_TOKEN=token),
        "no token": factory.post("/api/learning/heartbeats", body, content_type="application/json"),
        "forged": factory.post("/api/learning/heartbeats", body, content_type="application/json",
                               HTTP_X_BEAT_TOKEN=token[:-2] + "00"),
        "GET": factory.get("/api/learning/heartbeats", HTTP_X_BEAT_TOKEN=token),
        "other path": factory.post("/api/learning/presence", body, content_type="application/json",
                                   HTTP_X_BEAT_TOKEN=token),
    }
    statuses = {name: middleware(request).status_code for name, request in cases.items()}
    assert statuses == {"valid": 200, "no token": 299, "forged": 299, "GET": 299, "other path": 299}
    assert len(passed_on) == 4
    assert BeatBatch.objects.count() == 1
