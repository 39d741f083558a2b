"""On a 360 px phone in a real browser (Debian's Chromium): a learner asks a question, the
teacher signs in with a TOTP code and answers it from the queue, the learner sees the unread
badge, opens the notification, reads the answer, then searches and finds the thread."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from jineng.common import clock
from jineng.identity import two_factor
from jineng.question_threads.models import QuestionThread

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RESULTS = Path("test-results")
PROCESSOR = "jineng.notifications.context_processors.notifications"
BADGE = "notifications/_header_badge.html"


@pytest.fixture
def header_badge(settings, tmp_path):
    """The wiring the lead adds: the context processor in settings and the badge partial in the
    site header. Nothing is patched once the real base template includes the badge."""
    templates = copy.deepcopy(settings.TEMPLATES)
    if PROCESSOR not in templates[0]["OPTIONS"]["context_processors"]:
        templates[0]["OPTIONS"]["context_processors"].append(PROCESSOR)
    base = Path(settings.BASE_DIR) / "jineng" / "web" / "templates" / "web" / "base.html"
    source = base.read_text(encoding="utf-8")
    if BADGE not in source:
        patched = source.replace('<form class="signout"', '{% include "' + BADGE + '" %}\n  <form class="signout"', 1)
        assert patched != source, "the header's sign-out form moved: update this fixture"
        (tmp_path / "web").mkdir()
        (tmp_path / "web" / "base.html").write_text(patched, encoding="utf-8")
        templates[0]["DIRS"] = [tmp_path, *templates[0]["DIRS"]]
    settings.TEMPLATES = templates


@pytest.fixture
def phone(phone_page):
    """The phone page, watched for script errors and CSP violations; patient on a busy machine."""
    problems: list[str] = []
    phone_page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    phone_page.on("console", lambda message: problems.append(message.text)
                  if message.type == "error" and "Content Security Policy" in message.text else None)
    yield phone_page
    assert problems == []


def sign_in(page, base: str, user, *, staff: bool = False) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", user.plain_password)
    page.click("main button[type=submit]")
    if staff:
        page.wait_for_url(f"{base}/accounts/otp/")
        page.fill("#id_token", two_factor.current_token(two_factor.confirmed_device(user=user)))
        page.click("main button[type=submit]")  # not the sign-out button in the top bar
    page.wait_for_url(f"{base}/")


def sign_out(page, base: str) -> None:
    page.click("form.signout button")
    page.wait_for_url(f"{base}/accounts/login/")


def assert_fits_the_phone(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the page is {width}px wide on a 360px phone"


def test_a_learner_asks_the_teacher_answers_and_the_learner_is_notified(live_server, phone, header_badge, learner,
                                                                         teacher, course):
    RESULTS.mkdir(exist_ok=True)
    page, base = phone, live_server.url

    # The learner asks.
    sign_in(page, base, learner)
    assert page.locator("#notify-badge").inner_text() == "通知"
    page.goto(f"{base}/questions/course/{course.pk}/")
    page.click("#ask")
    page.wait_for_selector("h1:has-text('我要提问')")
    page.fill("#id_title", "挂接地线时先接哪一端？")
    page.fill("#id_body", "第二课讲了验电。\n挂接地线时，应该先接接地端还是导体端？")
    page.select_option("#id_lesson", label="安全生产基础 · 第二课 验电步骤")
    assert_fits_the_phone(page)
    page.screenshot(path=str(RESULTS / "questions-ask.png"), full_page=True)
    page.click("main button[type=submit]")
    page.wait_for_selector("text=问题已提交。老师回复后，会在站内通知您。")
    thread = QuestionThread.objects.get()
    assert (thread.asker, thread.lesson.title, thread.status) == (learner, "第二课 验电步骤", "open")
    assert "我的提问" in page.locator("article.question").inner_text()
    sign_out(page, base)

    # Two hours later the teacher answers from the queue.
    clock.advance(seconds=2 * 3600)
    sign_in(page, base, teacher, staff=True)
    page.goto(f"{base}/questions/queue/")
    row = page.locator("table.queue tbody tr").first
    assert "2 小时" in row.inner_text() and "王*明" in row.inner_text()
    assert_fits_the_phone(page)
    page.screenshot(path=str(RESULTS / "questions-queue.png"), full_page=True)
    row.locator("a").first.click()
    page.wait_for_selector("#reply-form")
    page.fill("#id_body", "先接接地端，后接导体端；拆除时顺序相反。")
    page.click("#reply-form button[type=submit]")
    page.wait_for_selector("text=回复已发送，提问学员会收到站内通知")
    assert "没有等待回复的问题" in page.goto(f"{base}/questions/queue/").text()
    sign_out(page, base)

    # The learner sees the badge, opens the notification and reads the answer.
    sign_in(page, base, learner)
    badge = page.locator("#notify-badge")
    assert badge.inner_text() == "通知 1"
    assert badge.get_attribute("aria-label") == "站内通知，1 条未读"
    assert_fits_the_phone(page)
    page.screenshot(path=str(RESULTS / "questions-badge.png"), full_page=True)
    badge.click()
    page.wait_for_url(f"{base}/notifications/")
    item = page.locator("li.notification.unread").first
    assert "您的提问“挂接地线时先接哪一端？”有了新回复" in item.inner_text()
    assert_fits_the_phone(page)
    page.screenshot(path=str(RESULTS / "notifications.png"), full_page=True)
    item.locator("button.open").click()
    page.wait_for_url(f"{base}/questions/{thread.pk}/#reply-{thread.replies.get().pk}")
    reply = page.locator("li.reply.staff")
    assert "许老师" in reply.inner_text() and "先接接地端，后接导体端；拆除时顺序相反。" in reply.inner_text()
    assert page.locator("#notify-badge").inner_text() == "通知"
    assert_fits_the_phone(page)
    page.screenshot(path=str(RESULTS / "questions-thread.png"), full_page=True)

    # ...and finds the thread again by a word of the answer.
    page.goto(f"{base}/questions/")
    page.fill("#id_q", "导体端")
    page.click("main button.search-button")
    page.wait_for_url("**/questions/?q=*")
    found = page.locator("ul.threads li.thread-row")
    assert found.count() == 1
    assert "挂接地线时先接哪一端？" in found.inner_text() and "已回复" in found.inner_text()
    assert_fits_the_phone(page)
    page.screenshot(path=str(RESULTS / "questions-search.png"), full_page=True)
