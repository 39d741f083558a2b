"""In a real browser (Debian's Chromium): the organiser opens the big-screen QR display; a
learner on a 360 px phone opens the QR's address, signs in to the system on the way and sees
签到成功; the display's count follows; two minutes later the old address is refused."""

from __future__ import annotations

import datetime as dt
import urllib.request
from pathlib import Path

import pytest

from jineng.common import clock
from jineng.identity import two_factor
from jineng.practicals.models import PracticalSignIn
from jineng.practicals.tests.conftest import SESSION_START

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RESULTS = Path("test-results")


def warm_up(base: str) -> None:
    """The live server's first request loads every URL module (seconds on a busy machine); take
    that cost here rather than inside a page load's timeout."""
    with urllib.request.urlopen(f"{base}/accounts/login/", timeout=120) as response:
        assert response.status == 200


def watch(page) -> list[str]:
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on("console", lambda message: problems.append(message.text)
            if message.type == "error" and "Content Security Policy" in message.text else None)
    return problems


def staff_sign_in(page, base: str, user, *, then: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", user.plain_password)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/accounts/otp/")
    page.fill("#id_token", two_factor.current_token(two_factor.confirmed_device(user=user)))
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}{then}")


def scan(page, url: str, learner) -> None:
    """Open the scanned address on the phone; sign in to the system when asked, and come back."""
    page.goto(url)
    if "/accounts/login/" in page.url:
        page.fill("#id_username", learner.username)
        page.fill("#id_password", learner.plain_password)
        page.click("main button[type=submit]")
        page.wait_for_url(url)


def assert_fits_the_phone(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the page is {width}px wide on a 360px phone"


def test_the_organiser_shows_the_qr_and_a_learner_signs_in_on_a_phone(live_server, browser, phone_page, session,
                                                                       training_admin, learner, second_learner,
                                                                       project):
    RESULTS.mkdir(exist_ok=True)
    clock.travel_to(SESSION_START - dt.timedelta(minutes=10))  # 08:50:00, the window opened at 08:30
    base = live_server.url
    warm_up(base)

    desktop = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    screen = desktop.new_page()
    screen_problems = watch(screen)
    phone_problems = watch(phone_page)
    try:
        staff_sign_in(screen, base, training_admin, then=f"/practicals/sessions/{session.pk}/display/")
        display = screen.locator("#qr-display")
        url = display.get_attribute("data-url")
        assert url.startswith(f"{base}/practicals/s/{session.pk}/") and len(url.rsplit("/", 2)[-2]) == 10
        assert screen.locator("#qr-image").get_attribute("src").startswith("data:image/svg+xml")
        assert screen.locator("#signed-count").inner_text() == "0"
        assert screen.locator("#roster-size").inner_text() == "2"
        screen.wait_for_function("() => document.getElementById('qr-countdown').textContent === '60'")
        screen.screenshot(path=str(RESULTS / "practicals-display.png"), full_page=True)

        scan(phone_page, url, learner)
        assert phone_page.locator("#sign-in-result h1").inner_text() == "签到成功"
        assert "低压配电柜接线实操" in phone_page.locator("#sign-in-result").inner_text()
        assert_fits_the_phone(phone_page)
        phone_page.screenshot(path=str(RESULTS / "practicals-sign-in.png"), full_page=True)
        record = PracticalSignIn.objects.get()
        assert (record.person_id, record.ip, record.device_label) == (learner.person_id, "127.0.0.1",
                                                                      "Linux 电脑 · Chrome（无界面）")

        # the big screen follows: the count, and a new code once the minute turns
        screen.wait_for_function("() => document.getElementById('signed-count').textContent === '1'")
        clock.advance(seconds=60)
        screen.wait_for_function("(old) => document.getElementById('qr-display').dataset.url !== old", arg=url)
        assert screen.locator("#sign-in-link").inner_text() == screen.locator("#qr-display").get_attribute("data-url")

        # a second scan by the same learner changes nothing
        scan(phone_page, url, learner)
        assert phone_page.locator("#sign-in-result h1").inner_text() == "已签到"

        # two minutes after it was shown, the old address is refused
        clock.advance(seconds=60)
        other = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN")
        late = other.new_page()
        late_problems = watch(late)
        scan(late, url, second_learner)
        assert late.locator("#sign-in-result h1").inner_text() == "签到未成功"
        assert late.locator(".sign-in-message").inner_text() == "二维码已过期，请扫描现场大屏上的最新二维码"
        assert_fits_the_phone(late)
        late.screenshot(path=str(RESULTS / "practicals-sign-in-expired.png"), full_page=True)
        other.close()
        assert PracticalSignIn.objects.count() == 1
        assert late_problems == []
    finally:
        screen.goto("about:blank")  # stop the display's polling before the database goes
        desktop.close()
    assert screen_problems == [] and phone_problems == []


def test_on_a_phone_the_officer_suspends_and_the_organiser_schedules_after_the_lifting(
        live_server, browser, phone_page, project, offline_module, training_admin, officer, learner):
    RESULTS.mkdir(exist_ok=True)
    base = live_server.url
    warm_up(base)
    problems = watch(phone_page)
    page = phone_page
    staff_sign_in(page, base, officer, then="/practicals/suspensions/")
    page.select_option("#id_city", "440200")
    page.fill("#id_document_number", "韶人社函〔2026〕1号")
    page.fill("#id_reason", "疫情防控期间，全面暂停线下聚集性职业培训活动")
    page.click("main button[type=submit]")
    page.wait_for_selector("text=已暂停韶关市的线下实操（韶人社函〔2026〕1号）")
    assert_fits_the_phone(page)
    page.screenshot(path=str(RESULTS / "practicals-suspensions.png"), full_page=True)

    other = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN")
    organiser = other.new_page()
    organiser_problems = watch(organiser)
    staff_sign_in(organiser, base, training_admin, then=f"/practicals/projects/{project.pk}/")
    assert "韶人社函〔2026〕1号" in organiser.locator(".suspension-banner").inner_text()
    assert organiser.locator("#id_starts_at").count() == 0
    assert_fits_the_phone(organiser)
    organiser.screenshot(path=str(RESULTS / "practicals-project-suspended.png"), full_page=True)

    page.click("main .lift-form button[type=submit]")
    page.wait_for_selector("text=已恢复韶关市的线下实操")

    organiser.reload()
    assert organiser.locator(".suspension-banner").count() == 0
    organiser.fill("#id_title", "低压配电柜接线实操")
    organiser.select_option("#id_outline_module", str(offline_module.pk))
    organiser.fill("#id_location", "韶关市浈江区丹霞路 8 号实训车间")
    organiser.fill("#id_starts_at", "2026-03-10T09:00")
    organiser.fill("#id_ends_at", "2026-03-10T11:00")
    organiser.fill("#id_trainer_name", "陈师傅")
    organiser.fill("#id_capacity", "30")
    assert_fits_the_phone(organiser)
    organiser.click("main button[type=submit]")
    organiser.wait_for_selector("text=已安排实操“低压配电柜接线实操”")
    assert "2026-03-10 09:00 至 2026-03-10 11:00" in organiser.locator(".facts").inner_text()
    assert_fits_the_phone(organiser)
    organiser.goto(f"{base}/practicals/projects/{project.pk}/attendance/")
    organiser.wait_for_selector("#attendance-chart[data-ready='1']")
    assert organiser.locator("#attendance tbody tr").first.inner_text().count("0 / 1") == 1
    assert_fits_the_phone(organiser)
    organiser.screenshot(path=str(RESULTS / "practicals-attendance.png"), full_page=True)
    other.close()
    assert problems == [] and organiser_problems == []
