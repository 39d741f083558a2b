from __future__ import annotations

import datetime as dt

import pytest

from jineng.common.errors import DomainError, NotFound
from jineng.regions.models import Region, WorkingDayOverride
from jineng.regions.selectors import (
    add_working_days,
    calendar_year_unknown_error,
    is_working_day,
    region_best_match,
    region_children,
    region_contains,
    region_get,
    region_path,
    region_path_display,
    regions_within,
    working_day_calendar,
    working_days_between,
)
from jineng.regions.services import LoadResult
from jineng.workdays import CalendarYearUnknown


@pytest.mark.parametrize(
    ("ancestor", "code", "expected"),
    [
        ("440000", "440204", True),
        ("440200", "440204", True),
        ("440204", "440204", True),
        ("440200", "440200", True),
        ("440000", "440000", True),
        ("440200", "440300", False),
        ("440204", "440203", False),
        ("440204", "440200", False),
        ("440200", "440000", False),
        ("110000", "110101", True),
        ("410000", "419001", True),
        ("440000", "450102", False),
        ("4402", "440204", False),
        ("440200", "44020x", False),
        ("", "440204", False),
    ],
    ids=lambda v: str(v),
)
def test_region_contains(ancestor: str, code: str, expected: bool) -> None:
    assert region_contains(ancestor, code) is expected


@pytest.mark.django_db
def test_regions_within(national_regions: LoadResult) -> None:
    shaoguan = Region.objects.get(code="440200")
    codes = set(regions_within(region=shaoguan).values_list("code", flat=True))
    assert codes == {"440200", "440203", "440204", "440205", "440222", "440224", "440229", "440232", "440233",
                     "440281", "440282"}
    guangdong = Region.objects.get(code="440000")
    within = regions_within(region=guangdong)
    assert within.filter(code__in=["440000", "440200", "440204", "441900"]).count() == 4
    assert not within.filter(code__startswith="45").exists()
    assert all(region_contains("440000", code) for code in within.values_list("code", flat=True))
    county = Region.objects.get(code="440204")
    assert list(regions_within(region=county).values_list("code", flat=True)) == ["440204"]
    beijing = Region.objects.get(code="110000")
    assert regions_within(region=beijing).filter(level="county").count() == 16
    henan = Region.objects.get(code="410000")
    assert regions_within(region=henan).filter(code="419001").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("code", "display"),
    [
        ("440204", "广东省 / 韶关市 / 浈江区"),
        ("440200", "广东省 / 韶关市"),
        ("440000", "广东省"),
        ("110101", "北京市 / 东城区"),
        ("419001", "河南省 / 济源市"),
        ("350582", "福建省 / 泉州市 / 晋江市"),
    ],
)
def test_region_path(national_regions: LoadResult, code: str, display: str, django_assert_num_queries) -> None:
    region = Region.objects.get(code=code)
    with django_assert_num_queries(1):
        path = region_path(region)
    assert " / ".join(r.name for r in path) == display
    assert path[-1] is region
    assert region_path_display(region) == display


@pytest.mark.django_db
def test_region_get_and_children(national_regions: LoadResult) -> None:
    assert region_get(code="440204").name == "浈江区"
    with pytest.raises(NotFound):
        region_get(code="449999")
    with pytest.raises(DomainError) as caught:
        region_get(code="abc")
    assert caught.value.code == "region_code_invalid"
    assert region_children().count() == 34
    assert [r.name for r in region_children(parent_code="440200")][:3] == ["武江区", "浈江区", "曲江区"]
    henan = set(region_children(parent_code="410000").values_list("code", flat=True))
    assert {"410100", "419001"} <= henan


@pytest.mark.django_db
def test_region_best_match(national_regions: LoadResult) -> None:
    assert region_best_match(code="440204").code == "440204"
    assert region_best_match(code="440299").code == "440200"  # unknown county → its city
    assert region_best_match(code="110103").code == "110000"  # 崇文区 (merged 2010) → 北京市
    assert region_best_match(code="999999") is None
    assert region_best_match(code="") is None


# ---------------------------------------------------------------------------- working days


@pytest.mark.django_db
def test_five_working_days_before_2020_03_09() -> None:
    assert add_working_days(dt.date(2020, 3, 9), -5) == dt.date(2020, 3, 2)
    assert add_working_days(dt.date(2020, 3, 2), 5) == dt.date(2020, 3, 9)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (dt.date(2020, 4, 24), 1, dt.date(2020, 4, 26)),  # Sunday 26 April was worked
        (dt.date(2020, 4, 26), 1, dt.date(2020, 4, 27)),
        (dt.date(2020, 4, 30), 1, dt.date(2020, 5, 6)),  # 1–5 May off
        (dt.date(2020, 4, 29), 5, dt.date(2020, 5, 9)),  # 30 Apr, 6, 7, 8, Saturday 9 May worked
        (dt.date(2020, 5, 9), -1, dt.date(2020, 5, 8)),
        (dt.date(2020, 5, 11), -2, dt.date(2020, 5, 8)),
        (dt.date(2020, 5, 6), -1, dt.date(2020, 4, 30)),
    ],
    ids=lambda v: str(v),
)
def test_working_days_across_may_day_2020(start: dt.date, n: int, expected: dt.date) -> None:
    assert add_working_days(start, n) == expected


@pytest.mark.django_db
def test_may_day_2020_days() -> None:
    assert is_working_day(dt.date(2020, 4, 26)) is True
    assert is_working_day(dt.date(2020, 5, 9)) is True
    assert [is_working_day(dt.date(2020, 5, d)) for d in range(1, 6)] == [False] * 5
    assert working_days_between(dt.date(2020, 4, 30), dt.date(2020, 5, 9)) == 4


@pytest.mark.django_db
def test_year_2027_is_unknown() -> None:
    with pytest.raises(CalendarYearUnknown) as caught:
        is_working_day(dt.date(2027, 3, 1))
    assert caught.value.year == 2027
    error = calendar_year_unknown_error(caught.value)
    assert (error.code, error.details) == ("calendar_year_unknown", {"year": 2027})
    assert "2027 年的节假日安排尚未录入" in error.message


@pytest.mark.django_db
def test_calendar_reads_new_override_rows_at_once() -> None:
    assert is_working_day(dt.date(2020, 3, 9)) is True
    WorkingDayOverride.objects.create(date=dt.date(2020, 3, 9), is_working_day=False, note="更正")
    assert is_working_day(dt.date(2020, 3, 9)) is False
    calendar = working_day_calendar()
    assert add_working_days(dt.date(2020, 3, 6), 1, calendar=calendar) == dt.date(2020, 3, 10)
