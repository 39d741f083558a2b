"""The lesson player in a real browser (Debian's Chromium, phone-sized).

The server clock is frozen (``jineng.common.clock``); each heartbeat request is held by a
Playwright route just long enough to move the clock forward by the time its beats claim, then
let through — so the live server (a thread of this process) sees exactly the study time the
player measured, and crediting is deterministic.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from django.core.files import File

from jineng.common import clock
from jineng.learning.models import LessonProgress, ScormRuntime, Segment, SignIn, StudySession
from jineng.learning.tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCORM12 = Path(__file__).resolve().parents[4] / "shared" / "fixtures" / "scorm" / "scorm12.zip"
FAST = {"BEAT_SECONDS": 0.4, "BATCH_SECONDS": 1.2, "PRESENCE_INTERVAL_SECONDS": 0}


@pytest.fixture
def fast_rules(settings):
    settings.JINENG_LEARNING = dict(FAST)
    return settings


@pytest.fixture
def mp4(tmp_path):
    path = tmp_path / "lesson.mp4"
    subprocess.run(["/usr/bin/ffmpeg", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc=duration=20:size=320x240:rate=25",
                    "-pix_fmt", "yuv420p", "-c:v", "libx264", str(path)], check=True)
    return path


@pytest.fixture
def video_lesson(course, mp4):
    module = course.modules.order_by("position").first()
    with open(mp4, "rb") as handle:
        return factories.add_video(module, title="安全用电视频", seconds=20, planned_minutes=1,
                                   video=File(handle, name="lesson.mp4"))


def quiesce(page) -> None:
    """End the player's session and any SCORM attempt while the database is still there (the page
    would otherwise do it on pagehide, racing the test database's teardown)."""
    if page.is_closed():
        return
    page.evaluate("""async () => {
        const scorm = window.jinengScorm;
        if (scorm && scorm.isInitialized() && !scorm.isTerminated()) {
            scorm.LMSFinish ? scorm.LMSFinish("") : scorm.Terminate("");
            await window.jinengScormSettled();
        }
        if (window.jinengPlayer) await window.jinengPlayer.leave();
    }""")
    page.goto("about:blank")


@pytest.fixture
def phone(phone_page, live_server, transactional_db):
    """The phone page, watched for script errors and CSP violations, and quiesced before the database goes."""
    problems: list[str] = []
    phone_page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    phone_page.on("console", lambda message: problems.append(message.text)
                  if message.type == "error" and "Content Security Policy" in message.text else None)
    yield phone_page
    quiesce(phone_page)
    assert problems == []


def login(page, live_server, user) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", user.plain_password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def let_server_time_pass(page) -> list[dict]:
    """Every heartbeat batch moves the server clock by the time its beats claim, then goes on."""
    seen: list[dict] = []

    def handle(route, request):
        body = json.loads(request.post_data or "{}")
        clock.advance(seconds=sum(beat.get("dur") or 0 for beat in body.get("beats", [])))
        seen.append(body)
        route.continue_()

    page.route("**/api/learning/heartbeats", handle)
    return seen


def last_batch(page) -> dict:
    return json.loads(page.locator("#player").get_attribute("data-last-batch") or "{}")


def wait_for_batch_with(page, reason: str) -> None:
    page.wait_for_function(
        "(reason) => { const d = document.getElementById('player').dataset.lastBatch;"
        " return d && (JSON.parse(d)[reason] || 0) > 0; }", arg=reason, timeout=15_000)


def play(page, *, rate: float = 1.0) -> None:
    page.wait_for_function("() => document.querySelector('video').readyState >= 1")
    page.evaluate("(rate) => { const v = document.querySelector('video'); v.muted = true; v.playbackRate = rate;"
                  " return v.play(); }", rate)


def test_a_learner_signs_in_plays_a_video_and_is_credited(live_server, phone, fast_rules, learner, enrolment,
                                                           video_lesson):
    page = phone
    login(page, live_server, learner)
    page.goto(f"{live_server.url}/learn/courses/{enrolment.course_id}/")
    page.click("#sign-in")
    assert "已签到" in page.locator(".messages").inner_text()
    sign_in = SignIn.objects.get()
    assert (sign_in.method, sign_in.ip) == ("button", "127.0.0.1")
    assert len(sign_in.device_id) >= 8

    let_server_time_pass(page)
    page.click(f"a[href='/learn/lessons/{video_lesson.pk}/']")
    page.wait_for_selector("#player[data-session]")
    play(page)
    wait_for_batch_with(page, "credited")
    page.wait_for_function("() => document.querySelector('video').currentTime > 2")
    wait_for_batch_with(page, "credited")
    progress = LessonProgress.objects.get(lesson=video_lesson)
    assert progress.credited_ms > 0 and progress.max_position > 1
    session = StudySession.objects.get()
    assert session.device_id == sign_in.device_id  # the page and the sign-in form share this browser's id
    assert set(Segment.objects.values_list("reason", flat=True)) <= {"", "idle_gap"}
    assert "学习中" in page.locator("#player-status").inner_text()
    page.screenshot(path="test-results/learning-player-video.png", full_page=True)


def test_hiding_the_page_stops_crediting_and_the_record_says_why(live_server, phone, fast_rules, learner,
                                                                  enrolment, video_lesson):
    page = phone
    login(page, live_server, learner)
    let_server_time_pass(page)
    page.goto(f"{live_server.url}/learn/lessons/{video_lesson.pk}/")
    page.wait_for_selector("#player[data-session]")
    play(page)
    wait_for_batch_with(page, "credited")
    credited_before = LessonProgress.objects.get(lesson=video_lesson).credited_ms
    page.evaluate("() => { Object.defineProperty(document, 'visibilityState', {value: 'hidden', configurable: true});"
                  " Object.defineProperty(document, 'hidden', {value: true, configurable: true});"
                  " document.dispatchEvent(new Event('visibilitychange')); }")
    page.wait_for_function("() => { const d = document.getElementById('player').dataset.lastBatch;"
                           " if (!d) return false; const r = JSON.parse(d); return r.hidden > 0 && !r.credited; }",
                           timeout=15_000)
    hidden_ms = sum(Segment.objects.filter(reason="hidden").values_list("duration_ms", flat=True))
    assert hidden_ms > 0
    assert LessonProgress.objects.get(lesson=video_lesson).credited_ms - credited_before < 1_500  # at most the beat in flight
    assert "页面不在前台时不计入学时" in page.locator("#player-status").inner_text()
    quiesce(page)
    page.goto(f"{live_server.url}/learn/records/{enrolment.pk}/")
    assert "页面不在前台（切换了标签页或锁屏）" in page.locator("#not-credited").inner_text()
    assert page.locator("#sessions [data-reason=hidden]").count() == 1
    page.screenshot(path="test-results/learning-record-hidden.png", full_page=True)


def test_playing_at_double_speed_is_not_credited(live_server, phone, fast_rules, learner, enrolment, video_lesson):
    page = phone
    login(page, live_server, learner)
    let_server_time_pass(page)
    page.goto(f"{live_server.url}/learn/lessons/{video_lesson.pk}/")
    page.wait_for_selector("#player[data-session]")
    play(page, rate=2.0)
    page.wait_for_function("() => { const d = document.getElementById('player').dataset.lastBatch;"
                           " if (!d) return false; const r = JSON.parse(d); return r.rate > 0 && !r.credited; }",
                           timeout=15_000)
    wait_for_batch_with(page, "rate")
    assert LessonProgress.objects.get(lesson=video_lesson).credited_ms == 0
    assert "倍速播放不计入学时" in page.locator("#player-status").inner_text()
    quiesce(page)
    page.goto(f"{live_server.url}/learn/records/{enrolment.pk}/")
    assert "倍速播放（超过允许的播放速度）" in page.locator("#sessions").inner_text()


def test_opening_the_lesson_on_another_device_pauses_this_one(live_server, browser, phone, fast_rules, learner,
                                                             enrolment, video_lesson):
    first = phone
    login(first, live_server, learner)
    let_server_time_pass(first)
    first.goto(f"{live_server.url}/learn/lessons/{video_lesson.pk}/")
    first.wait_for_selector("#player[data-session]")
    play(first)
    wait_for_batch_with(first, "credited")

    other = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    try:
        second = other.new_page()
        login(second, live_server, learner)
        let_server_time_pass(second)
        second.goto(f"{live_server.url}/learn/lessons/{video_lesson.pk}/")
        second.wait_for_selector("#player[data-session]")
        first.wait_for_selector("#paused:not([hidden])", timeout=15_000)
        assert "另一台设备" in first.locator("#paused").inner_text()
        assert first.evaluate("() => document.querySelector('video').paused")
        first.screenshot(path="test-results/learning-paused-by-other-device.png", full_page=True)
        states = dict(StudySession.objects.values_list("device_id", "state"))
        assert sorted(states.values()) == ["active", "paused"]
        first.click("#resume-here")  # and back: now the other one is paused
        second.wait_for_selector("#paused:not([hidden])", timeout=15_000)
    finally:
        quiesce(second)
        other.close()


def test_the_presence_prompt_is_shown_and_answered(live_server, phone, settings, learner, enrolment, video_lesson):
    settings.JINENG_LEARNING = {**FAST, "PRESENCE_INTERVAL_SECONDS": 1, "PRESENCE_JITTER": 0,
                                "PRESENCE_TIMEOUT_SECONDS": 60}
    page = phone
    login(page, live_server, learner)
    let_server_time_pass(page)
    page.goto(f"{live_server.url}/learn/lessons/{video_lesson.pk}/")
    page.wait_for_selector("#player[data-session]")
    play(page)
    page.wait_for_selector("#presence:not([hidden])", timeout=15_000)
    assert "请确认您仍在学习" in page.locator("#presence").inner_text()
    page.click("#presence-yes")
    page.wait_for_selector("#presence", state="hidden")
    check = StudySession.objects.get().presence_checks.get()
    assert check.answered_in_time


@pytest.mark.skipif(not SCORM12.exists(), reason=f"SCORM fixture missing: {SCORM12}")
def test_the_scorm_golf_package_plays_and_its_score_and_completion_reach_the_record(
        live_server, phone, fast_rules, learner, enrolment, course, author):
    from jineng.courses.models import Course
    from jineng.courses.services import lesson_add_scorm

    module = course.modules.order_by("position").last()
    Course.objects.filter(pk=course.pk).update(status=Course.Status.DRAFT)  # lessons are added to a draft
    with open(SCORM12, "rb") as handle:
        lesson = lesson_add_scorm(module=module, upload=File(handle, name="scorm12.zip"), planned_minutes=30, actor=author)
    Course.objects.filter(pk=course.pk).update(status=Course.Status.PUBLISHED)
    page = phone
    page.set_viewport_size({"width": 800, "height": 900})
    login(page, live_server, learner)
    let_server_time_pass(page)
    page.goto(f"{live_server.url}/learn/lessons/{lesson.pk}/")
    page.wait_for_selector("#scorm[data-ready='1']")
    page.wait_for_selector("#player[data-session]")
    frame = page.frame_locator("#sco")
    assert "Play of the game" in frame.locator("h1").inner_text()

    page.get_by_role("button", name="Playing Golf Quiz").click()
    frame.locator("#frmTest").wait_for()
    answers = frame.locator(".correctAnswer")
    for i in range(answers.count()):
        answer = answers.nth(i)
        if answer.locator("input[type=radio]").count():
            answer.locator("input[type=radio]").check()
        else:
            expected = answer.inner_text().strip().strip("()")
            answer.locator("input[type=text]").fill(expected)
    frame.locator("input[value='Submit Answers']").click()
    page.wait_for_function("() => /成绩 100/.test(document.getElementById('scorm-status').textContent)")
    runtime = ScormRuntime.objects.get()
    assert (runtime.score_raw, runtime.score_max, runtime.lesson_status) == (100.0, 100.0, "incomplete")

    buttons = page.locator(".toc button")
    for i in range(buttons.count()):
        buttons.nth(i).click()
    page.wait_for_function("() => document.getElementById('scorm').dataset.status === 'completed'")
    runtime.refresh_from_db()
    assert (runtime.lesson_status, runtime.score_raw) == ("completed", 100.0)
    wait_for_batch_with(page, "credited")
    assert LessonProgress.objects.get(lesson=lesson).credited_ms > 0  # the same heartbeat rules count SCORM time
    quiesce(page)
    page.goto(f"{live_server.url}/learn/records/{enrolment.pk}/")
    result = page.locator(f"#lessons tr[data-lesson='{lesson.pk}'] .scorm-result").inner_text()
    assert "completed" in result and "成绩 100" in result
    page.screenshot(path="test-results/learning-scorm-record.png", full_page=True)


def test_a_failed_post_is_retried_with_the_same_seq_numbers(live_server, phone, fast_rules, learner, enrolment,
                                                           video_lesson):
    page = phone
    login(page, live_server, learner)
    bodies: list[dict] = []

    def flaky(route, request):
        body = json.loads(request.post_data or "{}")
        bodies.append(body)
        if len(bodies) == 1:
            route.abort("connectionreset")  # the network drops the first batch
            return
        clock.advance(seconds=sum(beat.get("dur") or 0 for beat in body.get("beats", [])))
        route.continue_()

    page.route("**/api/learning/heartbeats", flaky)
    page.goto(f"{live_server.url}/learn/lessons/{video_lesson.pk}/")
    page.wait_for_selector("#player[data-session]")
    play(page)
    wait_for_batch_with(page, "credited")
    first, second = ([b["seq"] for b in body["beats"]] for body in bodies[:2])
    assert second[: len(first)] == first  # the lost beats travel again, same seq, then the new ones
    assert StudySession.objects.get().seen_ranges[0][0] == first[0]
    stored = StudySession.objects.get()
    assert stored.seen_ranges == [[1, stored.beats_accepted]]
