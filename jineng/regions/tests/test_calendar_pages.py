"""The holiday calendar pages: staff see each year's working days; a system administrator enters
a new year's State Council notice as pasted, previews it, saves it, and deadlines count with it."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest

from jineng.audit.models import AuditEntry
from jineng.common import clock
from jineng.identity.models import Role
from jineng.regions import selectors
from jineng.regions.forms import NoticeLineError, parse_notice_days
from jineng.regions.models import CalendarYear, WorkingDayOverride

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
NEXT_YEAR = 2027  # chinese-calendar 1.11 ships up to 2026
# Typed as an administrator would paste a notice: numbering, labels, brackets, day counts.
NOTICE = """一、元旦：1月1日（周五）至3日放假，共3天。
二、春节：2月6日至12日放假调休，共7天。
三、清明节：4月5日放假。
四、劳动节：5月1日至5日放假调休，共5天。
五、端午节：6月9日放假。
六、中秋节：9月15日放假。
七、国庆节：10月1日至7日放假调休，共7天。"""
WORKED = "2月14日（星期日）、2月20日（星期六）上班。\n4月25日（星期日）、5月8日（星期六）上班。\n9月26日（星期日）、10月9日（星期六）上班。"


@pytest.fixture(autouse=True)
def late_november():
    clock.travel_to(dt.datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI))
    yield
    clock.reset()


@pytest.fixture
def admin(make_staff):
    return make_staff(Role.SYSTEM_ADMIN, username="calendar_admin")


@pytest.fixture
def learner_user(regions):
    from jineng.learning.tests import factories

    return factories.make_learner(name="王小明")


@pytest.fixture
def reviewer(make_staff, regions):
    return make_staff(Role.COUNTY_REVIEWER, region=regions["zhenjiang"], username="calendar_reviewer")


def enter(client, **fields):
    body = {"source": "国办发明电〔2026〕9号", "holidays": NOTICE, "adjusted_workdays": WORKED, **fields}
    return client.post(f"/calendar/{NEXT_YEAR}/enter/", body)


# ---- reading a notice -----------------------------------------------------------------------

def test_a_pasted_notice_gives_every_day_with_its_holiday():
    days, notes = parse_notice_days(NOTICE, year=NEXT_YEAR)
    assert len(days) == 3 + 7 + 1 + 5 + 1 + 1 + 7
    assert days[3:10] == [dt.date(2027, 2, 6) + dt.timedelta(days=i) for i in range(7)]
    assert notes[dt.date(2027, 2, 9)] == "春节" and notes[dt.date(2027, 10, 7)] == "国庆节"
    worked, _ = parse_notice_days(WORKED, year=NEXT_YEAR)
    assert worked == [dt.date(2027, 2, 14), dt.date(2027, 2, 20), dt.date(2027, 4, 25), dt.date(2027, 5, 8),
                      dt.date(2027, 9, 26), dt.date(2027, 10, 9)]


def test_plain_dates_and_a_range_across_months():
    days, _ = parse_notice_days("2027-04-30 至 5月2日\n2027/12/31", year=NEXT_YEAR)
    assert days == [dt.date(2027, 4, 30), dt.date(2027, 5, 1), dt.date(2027, 5, 2), dt.date(2027, 12, 31)]


@pytest.mark.parametrize(("text", "message"), [
    pytest.param("春节：2月30日", "第 1 行的日期 2月30日 不存在", id="no-such-day"),
    pytest.param("元旦：1月1日\n春节：2月12日至6日", "第 2 行的日期范围 2月12日至2月6日 前后颠倒", id="backwards"),
    pytest.param("2026-10-01", "第 1 行的日期 2026年10月1日 不在 2027 年内", id="other-year"),
    pytest.param("春节：第2周 2月6日", "第 1 行 “春节：第2周 2月6日” 有无法识别的日期", id="stray-number"),
    pytest.param("元旦放假", "第 1 行 “元旦放假” 没有日期", id="no-date"),
])
def test_a_line_it_cannot_read_whole_is_named(text, message):
    with pytest.raises(NoticeLineError, match=message):
        parse_notice_days(text, year=NEXT_YEAR)


# ---- the pages ------------------------------------------------------------------------------

def test_the_administrator_is_told_next_year_is_missing(staff_client, admin):
    client = staff_client(admin)
    page = client.get("/calendar/").content.decode()
    assert f"{NEXT_YEAR} 年节假日安排尚未录入" in page
    assert f'href="/calendar/{NEXT_YEAR}/enter/"' in page
    assert "2026 年" in page and "系统内置" in page
    assert f"{NEXT_YEAR} 年节假日安排尚未录入" in client.get("/").content.decode()  # on the home page too


def test_a_built_in_year_shows_its_holidays_and_working_days(staff_client, reviewer):
    page = staff_client(reviewer).get("/calendar/2026/").content.decode()
    working = sum(chinese_calendar.is_workday(dt.date(2026, 1, 1) + dt.timedelta(days=i)) for i in range(365))
    assert f"全年工作日 <strong>{working}</strong> 天" in page
    assert "春节" in page and "国庆节" in page
    assert "/calendar/2026/enter/" not in page  # a reviewer reads; only administrators enter


def test_the_administrator_previews_then_saves_and_deadlines_count_with_it(staff_client, admin):
    client = staff_client(admin)
    with pytest.raises(selectors.CalendarYearUnknown):
        selectors.add_working_days(dt.date(2026, 12, 28), 5)
    preview = enter(client, action="preview")
    assert preview.status_code == 200
    text = preview.content.decode()
    assert "请核对后确认" in text and "2月6日至2月12日" in text and "确认录入" in text
    assert not CalendarYear.objects.exists() and not WorkingDayOverride.objects.exists()

    saved = enter(client, action="save")
    assert saved.status_code == 302 and saved["Location"] == f"/calendar/{NEXT_YEAR}/"
    entered = CalendarYear.objects.get(year=NEXT_YEAR)
    assert entered.source == "国办发明电〔2026〕9号"
    assert WorkingDayOverride.objects.filter(is_working_day=False).count() == 25
    assert WorkingDayOverride.objects.get(date=dt.date(2027, 2, 9)).note == "春节"
    assert AuditEntry.objects.filter(action="calendar.year_enter", actor_id=admin.pk).exists()
    # 29–31 Dec 2026, then 1–3 Jan off, 4 and 5 Jan: the fifth working day after 28 Dec is 5 Jan 2027
    assert selectors.add_working_days(dt.date(2026, 12, 28), 5) == dt.date(2027, 1, 5)
    assert selectors.is_working_day(dt.date(2027, 2, 14))  # a Sunday worked instead
    page = client.get(f"/calendar/{NEXT_YEAR}/").content.decode()
    assert "已录入" in page and "国办发明电〔2026〕9号" in page
    assert f"{NEXT_YEAR} 年节假日安排尚未录入" not in client.get("/calendar/").content.decode()


def test_bad_input_names_the_field_and_stores_nothing(staff_client, admin):
    client = staff_client(admin)
    weekday = enter(client, action="save", adjusted_workdays="2月15日上班")
    assert "调休上班日应为周六或周日：2027-02-15 是周一至周五" in weekday.content.decode()
    clash = enter(client, action="save", adjusted_workdays="2月6日（星期六）上班")
    assert "2027-02-06 不能既是节假日又是调休上班日" in clash.content.decode()
    unreadable = enter(client, action="save", holidays="春节：2月6日至12日\n清明 4.5.6")
    assert "第 2 行" in unreadable.content.decode()
    no_source = enter(client, action="save", source=" ")
    assert "这个字段是必填项" in no_source.content.decode() or "请填写" in no_source.content.decode()
    assert not CalendarYear.objects.exists() and not WorkingDayOverride.objects.exists()


def test_a_second_entry_needs_replace_and_keeps_the_first_until_then(staff_client, admin):
    client = staff_client(admin)
    assert enter(client, action="save").status_code == 302
    again = enter(client, action="save", source="国办发明电〔2026〕10号", holidays="元旦：1月1日")
    assert "已于 2026-11-23 按 国办发明电〔2026〕9号 录入" in again.content.decode()
    assert WorkingDayOverride.objects.filter(date__year=NEXT_YEAR, is_working_day=False).count() == 25
    replaced = enter(client, action="save", source="国办发明电〔2026〕10号", holidays="元旦：1月1日", replace="on",
                     adjusted_workdays="")
    assert replaced.status_code == 302
    assert CalendarYear.objects.get(year=NEXT_YEAR).source == "国办发明电〔2026〕10号"
    assert list(WorkingDayOverride.objects.values_list("date", flat=True)) == [dt.date(2027, 1, 1)]


def test_only_an_administrator_enters_and_learners_do_not_see_the_calendar(staff_client, reviewer, client, learner_user):
    reviewer_client = staff_client(reviewer)
    assert enter(reviewer_client, action="save").status_code == 403
    assert not CalendarYear.objects.exists()
    client.force_login(learner_user)
    assert client.get("/calendar/").status_code == 403
    assert client.get("/calendar/1999/").status_code in (302, 403)
