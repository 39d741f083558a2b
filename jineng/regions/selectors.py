"""Reads about regions, bureaus and the working-day calendar.

Region scoping follows the codes (GB/T 2260): a province holds every code with its first
two digits, a city every code with its first four; see ``services.regions_from_source`` for
municipalities (their own city) and 省直辖 counties (no city).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Prefetch, Q, QuerySet

from jineng.common.errors import DomainError, NotFound
from jineng.regions.models import Bureau, CalendarYear, Region, ServiceWindow, WorkingDayOverride
from jineng.workdays import CalendarYearUnknown, WorkingDayCalendar

# --------------------------------------------------------------------------------------------
# Regions
# --------------------------------------------------------------------------------------------


def _is_code(code: object) -> bool:
    return isinstance(code, str) and len(code) == 6 and code.isascii() and code.isdigit()


def region_contains(ancestor_code: str, code: str) -> bool:
    """Whether ``code`` is ``ancestor_code`` or lies inside it, from the codes alone (no
    database): ``XX0000`` holds every ``XX····``, ``XXXX00`` every ``XXXX··``, a county only
    itself. Malformed codes contain nothing and are contained in nothing."""
    if not (_is_code(ancestor_code) and _is_code(code)):
        return False
    if ancestor_code == code:
        return True
    if ancestor_code.endswith("0000"):
        return code[:2] == ancestor_code[:2]
    if ancestor_code.endswith("00"):
        return code[:4] == ancestor_code[:4]
    return False


def region_scope_q(region: Region, *, field: str) -> Q:
    """``Region.contains`` as a filter on a region-code column or path (``field``): the records
    whose code lies inside ``region`` (province: first 2 digits, city: first 4, county: all 6)."""
    if region.level == Region.Level.PROVINCE:
        return Q(**{f"{field}__startswith": region.code[:2]})
    if region.level == Region.Level.CITY:
        return Q(**{f"{field}__startswith": region.code[:4]})
    return Q(**{field: region.code})


def regions_scope_q(regions, *, field: str) -> Q:
    """Inside any of ``regions``; matches nothing for an empty list."""
    q = Q(pk__in=[])
    for region in regions:
        q |= region_scope_q(region, field=field)
    return q


def regions_within(*, region: Region) -> QuerySet[Region]:
    """``region`` and every region inside it, by one indexed equality."""
    if region.level == Region.Level.PROVINCE:
        return Region.objects.filter(province_code=region.code)
    if region.level == Region.Level.CITY:
        return Region.objects.filter(city_code=region.code)
    return Region.objects.filter(code=region.code)


def region_codes_within(*, region: Region) -> QuerySet:
    """The codes of ``regions_within``, for ``field__in=`` filters in other apps."""
    return regions_within(region=region).values("code")


def region_get(*, code: str) -> Region:
    if not _is_code(code):
        raise DomainError("region_code_invalid", "行政区划代码应为 6 位数字", field="code")
    region = Region.objects.filter(code=code).select_related("parent").first()
    if region is None:
        raise NotFound(f"未找到行政区划 {code}", code="region_not_found")
    return region


def region_best_match(*, code: str) -> Region | None:
    """The region with ``code``, else its city, else its province: for codes that an ID
    number or an old document carries after the division was merged or renamed."""
    if not _is_code(code):
        return None
    candidates = [code, code[:4] + "00", code[:2] + "0000"]
    found = {r.code: r for r in Region.objects.filter(code__in=candidates)}
    for candidate in candidates:
        if candidate in found:
            return found[candidate]
    return None


def region_children(*, parent_code: str | None = None) -> QuerySet[Region]:
    """The provinces (no parent), or the regions directly under ``parent_code``: a
    province's cities and 省直辖 counties, a municipality's districts, a city's counties."""
    if parent_code is None or parent_code == "":
        return Region.objects.filter(parent__isnull=True).order_by("code")
    parent = region_get(code=parent_code)
    return Region.objects.filter(parent=parent).order_by("code")


def region_path(region: Region) -> list[Region]:
    """Province → city → county, as far as ``region`` goes; a municipality appears once
    ("北京市 / 东城区") and a 省直辖 county has no city ("河南省 / 济源市")."""
    codes: list[str] = []
    for code in (region.province_code, region.city_code, region.code):
        if code and code not in codes:
            codes.append(code)
    found = {r.code: r for r in Region.objects.filter(code__in=codes)}
    found[region.code] = region
    return [found[code] for code in codes if code in found]


def region_path_display(region: Region, *, separator: str = " / ") -> str:
    return separator.join(r.name for r in region_path(region))


# --------------------------------------------------------------------------------------------
# Bureaus and service windows
# --------------------------------------------------------------------------------------------


def bureaus_of_region(*, region: Region) -> QuerySet[Bureau]:
    """The bureaus and centres seated in ``region`` itself, with their windows."""
    return (
        Bureau.objects.filter(region=region)
        .select_related("region")
        .prefetch_related(Prefetch("windows", queryset=ServiceWindow.objects.order_by("id")))
        .order_by("kind", "id")
    )


def bureaus_within(*, region: Region, kind: str | None = None) -> QuerySet[Bureau]:
    """Every bureau seated in ``region`` or inside it."""
    qs = Bureau.objects.filter(region__in=region_codes_within(region=region)).select_related("region")
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("region_id", "kind", "id")


def service_windows_within(*, region: Region) -> QuerySet[ServiceWindow]:
    """The windows where applications are accepted in ``region`` (韶关 附表6 for 440200)."""
    return (
        ServiceWindow.objects.filter(bureau__region__in=region_codes_within(region=region))
        .select_related("bureau", "bureau__region")
        .order_by("bureau__region_id", "id")
    )


def bureau_for_region(*, region: Region, kind: str = Bureau.Kind.BUREAU) -> Bureau | None:
    """The nearest bureau of ``kind`` serving ``region``: its own, else its city's, else its
    province's (where a county has none entered)."""
    codes = [r.code for r in reversed(region_path(region))]
    bureaus = {b.region_id: b for b in Bureau.objects.filter(region__in=codes, kind=kind).order_by("-id")}
    for code in codes:
        if code in bureaus:
            return bureaus[code]
    return None


# --------------------------------------------------------------------------------------------
# Working days
# --------------------------------------------------------------------------------------------


def working_day_calendar() -> WorkingDayCalendar:
    """The calendar with every override and entered year, read now (two small queries), so
    that a year entered a moment ago counts. Build it once per request or command and pass
    it on when many dates are computed."""
    overrides = WorkingDayOverride.objects.values_list("date", "is_working_day")
    years = CalendarYear.objects.values_list("year", flat=True)
    return WorkingDayCalendar.with_overrides(overrides, known_years=years)


def is_working_day(day: dt.date, *, calendar: WorkingDayCalendar | None = None) -> bool:
    """Raises ``CalendarYearUnknown`` for a year neither chinese-calendar nor the operator knows."""
    return (calendar or working_day_calendar()).is_working_day(day)


def add_working_days(start: dt.date, n: int, *, calendar: WorkingDayCalendar | None = None) -> dt.date:
    """The n-th working day after ``start`` (start not counted; n < 0 counts back). Raises
    ``CalendarYearUnknown`` when the count reaches a year nobody has entered."""
    return (calendar or working_day_calendar()).add_working_days(start, n)


def working_days_between(start: dt.date, end: dt.date, *, calendar: WorkingDayCalendar | None = None) -> int:
    return (calendar or working_day_calendar()).working_days_between(start, end)


def calendar_year_unknown_error(exc: CalendarYearUnknown, *, field: str | None = None) -> DomainError:
    """The user-facing form of ``CalendarYearUnknown``: raise it ``from exc`` at the edge."""
    return DomainError(
        CalendarYearUnknown.code,
        f"{exc.year} 年的节假日安排尚未录入，暂时无法按工作日计算期限。请联系系统管理员按国务院办公厅通知录入该年节假日和调休安排。",
        field=field,
        details={"year": exc.year},
    )


def calendar_years_entered() -> QuerySet[CalendarYear]:
    return CalendarYear.objects.order_by("year")
