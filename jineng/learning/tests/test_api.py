"""The learning API over HTTP: CSRF, validation that stores nothing, and the happy path."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from jineng.common import clock
from jineng.learning.models import BeatBatch, ScormRuntime, Segment, SignIn, StudySession

pytestmark = pytest.mark.django_db
CSRF = "a" * 32
DEVICE = "device-api-000001"


@pytest.fixture
def api(learner, rules):
    client = Client(enforce_csrf_checks=True, HTTP_USER_AGENT="Mozilla/5.0 (Windows NT 10.0) Chrome/120")
    client.force_login(learner)
    client.cookies["csrftoken"] = CSRF

    def post(path, body, *, csrf=True):
        headers = {"HTTP_X_CSRFTOKEN": CSRF} if csrf else {}
        return client.post(f"/api/learning{path}", data=json.dumps(body), content_type="application/json", **headers)

    client.post_json = post
    return client


def beats(lesson, first=1, n=6, **over):
    return [{"seq": first + i, "lesson": lesson.pk, "position": 5.0 * (first + i), "rate": 1.0, "visible": True,
             "focused": True, "dur": 5.0, **over} for i in range(n)]


@pytest.fixture
def started(api, enrolment, video):
    response = api.post_json("/sessions", {"lesson": video.pk, "device": DEVICE})
    assert response.status_code == 201, response.content
    return response.json()


def test_starting_a_session_returns_the_rules_and_signs_in(started, enrolment):
    assert started["state"] == "active"
    assert (started["beat_seconds"], started["batch_seconds"], started["max_rate"]) == (5, 30, 1.0)
    assert started["signed_in_at"] is not None
    sign_in = SignIn.objects.get(enrolment=enrolment)
    assert (sign_in.method, sign_in.ip, sign_in.device_id) == ("auto", "127.0.0.1", DEVICE)
    assert sign_in.device_label == "Windows 电脑 · Chrome"


def test_a_batch_is_credited_and_a_repeat_changes_nothing(api, started, video):
    clock.advance(seconds=30)
    body = {"session": started["session"], "beats": beats(video), "device": DEVICE}
    first = api.post_json("/heartbeats", body)
    assert first.status_code == 200, first.content
    data = first.json()
    assert (data["accepted"], data["credited_ms"], data["reasons"], data["state"]) == (6, 30_000, {"credited": 30_000}, "active")
    assert data["max_position"] == 30.0
    again = api.post_json("/heartbeats", body).json()
    assert (again["accepted"], again["duplicates"], again["credited_ms"]) == (0, 6, 0)
    assert BeatBatch.objects.count() == 1


def test_a_post_without_the_csrf_token_is_refused(api, started, video):
    clock.advance(seconds=30)
    response = api.post_json("/heartbeats", {"session": started["session"], "beats": beats(video)}, csrf=False)
    assert response.status_code == 403
    assert not BeatBatch.objects.exists()
    assert api.post_json("/sessions", {"lesson": video.pk, "device": DEVICE}, csrf=False).status_code == 403


def test_an_anonymous_post_is_refused(started, video):
    response = Client().post("/api/learning/heartbeats", data=json.dumps({"session": started["session"], "beats": beats(video)}),
                             content_type="application/json")
    assert response.status_code == 401


@pytest.mark.parametrize(("change", "field"), [
    pytest.param({"rate": "fast"}, "rate", id="rate-not-a-number"),
    pytest.param({"rate": -1}, "rate", id="rate-negative"),
    pytest.param({"seq": 0}, "seq", id="seq-zero"),
    pytest.param({"visible": None}, "visible", id="visible-missing"),
    pytest.param({"position": -5}, "position", id="position-negative"),
])
def test_a_malformed_batch_names_the_field_and_stores_nothing(api, started, video, change, field):
    bad = beats(video)
    bad[2].update(change)
    response = api.post_json("/heartbeats", {"session": started["session"], "beats": bad})
    assert response.status_code == 422
    locations = [d["loc"] for d in response.json()["detail"]]
    assert ["body", "payload", "beats", 2, field] in locations
    assert not BeatBatch.objects.exists() and not Segment.objects.exists()
    assert StudySession.objects.get().seen_ranges == []


def test_an_empty_batch_is_refused(api, started):
    response = api.post_json("/heartbeats", {"session": started["session"], "beats": []})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "payload", "beats"]


def test_a_domain_error_comes_back_with_code_and_field(api, started, video):
    dup = beats(video, n=2)
    dup[1]["seq"] = dup[0]["seq"]
    response = api.post_json("/heartbeats", {"session": started["session"], "beats": dup})
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "beats[1].seq"
    assert not BeatBatch.objects.exists()


def test_beats_for_an_ended_session_get_409(api, started, video):
    assert api.post_json(f"/sessions/{started['session']}/end", {}).json()["state"] == "ended"
    clock.advance(seconds=30)
    response = api.post_json("/heartbeats", {"session": started["session"], "beats": beats(video)})
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "session_ended"


def test_a_second_device_pauses_the_first_and_its_player_is_told(api, started, video):
    second = api.post_json("/sessions", {"lesson": video.pk, "device": "device-api-000002"}).json()
    clock.advance(seconds=30)
    old = api.post_json("/heartbeats", {"session": started["session"], "beats": beats(video)}).json()
    assert (old["state"], old["credited_ms"], old["reasons"]) == ("paused", 0, {"paused_by_other_device": 30_000})
    assert second["session"] != started["session"]


def test_the_presence_prompt_travels_with_the_batch_response(api, enrolment, video, rules):
    rules(PRESENCE_INTERVAL_SECONDS=20, PRESENCE_JITTER=0, PRESENCE_TIMEOUT_SECONDS=60)
    started = api.post_json("/sessions", {"lesson": video.pk, "device": DEVICE}).json()
    clock.advance(seconds=30)
    data = api.post_json("/heartbeats", {"session": started["session"], "beats": beats(video)}).json()
    assert data["presence"]["seconds_left"] == 60
    answer = api.post_json("/presence", {"session": started["session"], "check": data["presence"]["id"]})
    assert answer.json()["in_time"] is True


def test_self_enrolment_and_the_course_list(api, course, rules):
    response = api.post_json("/enrolments", {"course": course.pk})
    assert response.status_code == 201
    assert response.json()["planned_minutes"] == 270
    assert api.post_json("/enrolments", {"course": course.pk}).json()["error"]["code"] == "already_enrolled"
    mine = api.get("/api/learning/enrolments").json()
    assert [(m["course_title"], m["class_hours"], m["planned_class_hours"]) for m in mine] == [("电工安全操作", 0, 6)]


def test_the_learning_record_lists_sessions_and_reasons(api, started, video, enrolment):
    clock.advance(seconds=30)
    api.post_json("/heartbeats", {"session": started["session"], "beats": beats(video, n=3) + beats(video, 4, 3, rate=2.0)})
    record = api.get(f"/api/learning/enrolments/{enrolment.pk}/record").json()
    assert record["sessions"][0]["credited_minutes"] == 0.25
    assert record["sessions"][0]["uncredited"] == {"rate": 0.25}


def test_scorm_commit_and_finish(api, enrolment, course, rules):
    from jineng.learning.tests.factories import add_scorm

    lesson = add_scorm(course.modules.first())
    commit = {"cmi": {"core": {"lesson_status": "incomplete", "lesson_location": "page-3", "exit": "suspend",
                               "session_time": "00:04:30", "score": {"raw": "", "min": "", "max": ""}},
                      "suspend_data": "p=3"}}
    assert api.post_json(f"/scorm/{lesson.pk}/commit", commit).json() == {"result": True, "errorCode": 0}
    commit["cmi"]["core"].update({"lesson_status": "passed", "score": {"raw": "85", "min": "0", "max": "100"}})
    api.post_json(f"/scorm/{lesson.pk}/commit?final=true", commit)
    runtime = ScormRuntime.objects.get()
    assert (runtime.lesson_status, runtime.score_raw, runtime.total_time, runtime.entry) == ("passed", 85.0, "0000:04:30", "resume")
    resumed = api.get(f"/api/learning/scorm/{lesson.pk}/runtime").json()
    assert resumed["cmi.core.lesson_status"] == "passed" and resumed["cmi.suspend_data"] == "p=3"
    bad = api.post_json(f"/scorm/{lesson.pk}/commit", {"cmi": {"core": {"lesson_status": "great"}}})
    assert (bad.status_code, bad.json()["error"]["field"]) == (400, "cmi.core.lesson_status")
