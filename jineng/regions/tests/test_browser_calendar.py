"""In a real browser on a 360 px phone: the system administrator is warned that next year's holidays
are missing, pastes the State Council notice, checks the preview calendar and confirms; the year then
shows as entered and working-day deadlines reach into it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from jineng.common import clock
from jineng.identity.models import Role
from jineng.practicals.tests.test_browser import assert_fits_the_phone, staff_sign_in, warm_up, watch
from jineng.regions import selectors
from jineng.regions.models import CalendarYear
from jineng.regions.tests.test_calendar_pages import NOTICE, WORKED

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
RESULTS = Path("test-results")


@pytest.fixture(autouse=True)
def late_november():
    clock.travel_to(dt.datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
    yield
    clock.reset()


def test_the_administrator_enters_next_years_holidays_on_a_phone(live_server, phone_page, make_staff):
    RESULTS.mkdir(exist_ok=True)
    admin = make_staff(Role.SYSTEM_ADMIN, username="calendar_admin")
    base = live_server.url
    warm_up(base)
    problems = watch(phone_page)
    staff_sign_in(phone_page, base, admin, then="/")
    assert "2027 年节假日安排尚未录入" in phone_page.locator("main").inner_text()

    phone_page.click("nav >> text=节假日安排")
    phone_page.click("text=现在录入")
    phone_page.wait_for_url(f"{base}/calendar/2027/enter/")
    phone_page.fill("#id_source", "国办发明电〔2026〕9号")
    phone_page.fill("#id_holidays", NOTICE)
    phone_page.fill("#id_adjusted_workdays", WORKED)
    phone_page.click("button[value=preview]")
    preview = phone_page.locator(".result-ok")
    preview.wait_for()
    assert "春节 2月6日至2月12日 7 天" in preview.inner_text()
    assert "全年工作日" in preview.inner_text()
    february = phone_page.locator(".cal-month").nth(1)
    assert february.locator("td.cal-holiday").count() == 7
    assert february.locator("td.cal-adjusted").count() == 2
    assert_fits_the_phone(phone_page)
    assert not CalendarYear.objects.exists()

    phone_page.click("button[value=save]")
    phone_page.wait_for_url(f"{base}/calendar/2027/")
    assert "已录入" in phone_page.locator("main").inner_text()
    assert "国办发明电〔2026〕9号" in phone_page.locator("main").inner_text()
    assert_fits_the_phone(phone_page)
    phone_page.screenshot(path=str(RESULTS / "calendar-2027.png"), full_page=True)
    assert CalendarYear.objects.get().year == 2027
    assert selectors.add_working_days(dt.date(2026, 12, 28), 5) == dt.date(2027, 1, 5)
    assert problems == []
