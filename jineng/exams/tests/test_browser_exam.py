"""A learner takes the final assessment in a real browser (Debian's Chromium, phone-sized): the
paper with its countdown saves each answer as it is picked, the confirmation lists what is left,
the result explains every question, and a further attempt past the limit is refused."""

from __future__ import annotations

import time

import pytest
from django.db import OperationalError

from jineng.exams import services
from jineng.exams.models import Attempt, AttemptAnswer
from jineng.exams.tests.conftest import FINAL_RULES
from jineng.exams.tests.helpers import right_answer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def answered_on_the_server(attempt) -> int:
    """Questions with a saved answer. On SQLite the live server's thread may hold the table's lock
    while it saves the next answer: a read that meets the lock counts as not yet."""
    try:
        return AttemptAnswer.objects.filter(attempt=attempt).values("item").distinct().count()
    except OperationalError as exc:
        if "locked" not in str(exc):
            raise
        return -1


@pytest.fixture
def one_try_final(course, bank, operator, safety):
    rules = [services.RuleSpec(kind="single", module_id=safety.pk, count=4, points=5), *FINAL_RULES]
    exam = services.exam_create(course=course, title="焊工（初级）结业考核", is_final=True, time_limit_minutes=30,
                                max_attempts=1, pass_score=60, rules=rules, actor=operator)
    return services.exam_publish(exam=exam, actor=operator)


@pytest.fixture
def phone(phone_page, live_server):
    problems: list[str] = []
    phone_page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    phone_page.on("console", lambda message: problems.append(message.text)
                  if message.type == "error" and "Content Security Policy" in message.text else None)
    yield phone_page
    phone_page.goto("about:blank")
    assert problems == []


def test_a_learner_passes_the_final_assessment_and_cannot_sit_it_again(live_server, phone, learner, enrolment,
                                                                      one_try_final):
    page = phone
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", learner.username)
    page.fill("#id_password", learner.plain_password)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/exams/{one_try_final.pk}/")
    assert "最多 1 次，已考 0 次，剩余 1 次" in page.locator("#attempts").inner_text()
    page.click("main button[type=submit]")
    page.wait_for_selector("#paper")
    attempt = Attempt.objects.get()
    # the server renders "1800 秒" for browsers without JavaScript; the timer module then takes over
    page.wait_for_function("() => /^\\d\\d:\\d\\d$/.test(document.getElementById('exam-timer-clock').textContent.trim())")
    assert page.locator("#exam-timer-clock").inner_text() in ("30:00", "29:59", "29:58")

    items = list(attempt.items.order_by("position"))
    for item in items:
        answer = right_answer(item)
        if item.kind == "fill":
            page.fill(f"#q{item.position}", answer)
            page.locator(f"#q{item.position}").blur()
        else:
            for key in answer:
                page.check(f"#q{item.position}-{key}")
    page.wait_for_function("() => document.getElementById('answered-count').textContent === '16'")
    page.wait_for_function("() => Number(document.getElementById('exam-timer').dataset.saved || 0) >= 16",
                           timeout=15_000)
    # "saved" counts save responses (a multiple choice saves once per ticked box), so wait until
    # the server holds an answer for every question before reading it.
    deadline = time.monotonic() + 15
    while answered_on_the_server(attempt) < 16:
        assert time.monotonic() < deadline, "not every answer reached the server"
        page.wait_for_timeout(100)
    page.screenshot(path="test-results/exams-paper.png", full_page=False)

    page.click("#hand-in")
    page.wait_for_selector("#confirm-box")
    assert "全部题目均已作答" in page.locator("#confirm-box").inner_text()
    page.click("#confirm-submit")
    page.wait_for_selector("#result")
    assert "100.00 分" in page.locator("#result").inner_text()
    assert "合格" in page.locator("#verdict").inner_text()
    assert page.locator("#review .review-item").count() == 16
    assert "解析" in page.locator("#review").inner_text()
    attempt.refresh_from_db()
    assert (attempt.status, attempt.passed, attempt.submit_ip) == ("submitted", True, "127.0.0.1")
    assert "HeadlessChrome" in attempt.start_user_agent
    page.screenshot(path="test-results/exams-result.png", full_page=True)

    page.goto(f"{live_server.url}/exams/{one_try_final.pk}/")
    refusal = page.locator("#refusal").inner_text()
    assert refusal == ("本考试最多允许参加 1 次，您已参加 1 次，不能再次参加。"
                       "如需补考，请联系本单位的线上培训管理员（或课程提供单位）申请。")
    assert page.locator("#start-box button").count() == 0
    assert "100.00 分（合格）" in page.locator("#best").inner_text()
    page.screenshot(path="test-results/exams-refused.png", full_page=True)
    assert Attempt.objects.count() == 1


def test_the_countdown_hands_the_paper_in_when_time_runs_out(live_server, phone, learner, enrolment, one_try_final):
    from jineng.common import clock

    page = phone
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", learner.username)
    page.fill("#id_password", learner.plain_password)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    attempt = services.attempt_start(exam=one_try_final, actor=learner)
    clock.advance(seconds=30 * 60 - 3)  # three seconds left on the server's clock

    def late(route, request):  # the hand-in reaches the server after the deadline
        clock.advance(seconds=5)
        route.continue_()

    page.route("**/exams/attempts/*/submit/", late)
    page.goto(f"{live_server.url}/exams/attempts/{attempt.pk}/")
    first = attempt.items.get(position=1)
    page.check(f"#q1-{right_answer(first)[0]}")
    page.wait_for_selector("#result", timeout=15_000)
    assert "考试时间已到，系统已按截止前保存的答案自动交卷" in page.locator(".messages").inner_text()
    attempt.refresh_from_db()
    assert (attempt.status, attempt.ended_by, attempt.score) == ("submitted", "deadline", 5)
