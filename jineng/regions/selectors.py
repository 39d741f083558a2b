"""Reads about regions, bureaus and the working-day calendar.

Region scoping follows the codes (GB/T 2260): a province holds every code with its first
two digits, a city every code with its first four; see ``services.regions_from_source`` for
municipalities (their own city) and 省直辖 counties (no city).
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field

import chinese_calendar
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


# --------------------------------------------------------------------------------------------
# The calendar as pages show it
# --------------------------------------------------------------------------------------------

# A day's kind on the calendar pages: a working day, a weekend, a holiday (a day off on the
# notice, weekends inside a holiday included), or a weekend worked instead (调休上班).
WORK, WEEKEND, HOLIDAY, ADJUSTED = "work", "weekend", "holiday", "adjusted"
# How a year is known: the operator entered its notice, chinese-calendar ships it, or nobody knows it.
ENTERED, BUILT_IN, UNKNOWN = "entered", "built_in", "unknown"
YEAR_STATUS_LABELS = {ENTERED: "已录入", BUILT_IN: "系统内置", UNKNOWN: "未录入"}
_HOLIDAY_NAMES = {holiday.value: holiday.chinese for holiday in chinese_calendar.Holiday}
WARN_FROM_MONTH = 10  # from October on, next year's calendar is due (the State Council publishes it in Oct–Dec)


@dataclass(frozen=True)
class CalendarDay:
    date: dt.date
    kind: str
    note: str = ""

    @property
    def working(self) -> bool:
        return self.kind in (WORK, ADJUSTED)


@dataclass
class CalendarMonth:
    month: int
    weeks: list[list[CalendarDay | None]]  # Monday first; None pads the first and last week
    working_days: int


@dataclass
class CalendarYearView:
    year: int
    status: str
    entered: CalendarYear | None
    months: list[CalendarMonth] = field(default_factory=list)
    holidays: list[CalendarDay] = field(default_factory=list)  # days off on weekdays and weekends of a holiday
    adjusted_workdays: list[CalendarDay] = field(default_factory=list)

    @property
    def status_label(self) -> str:
        return YEAR_STATUS_LABELS[self.status]

    @property
    def working_days(self) -> int:
        return sum(month.working_days for month in self.months)

    @property
    def periods(self) -> list[tuple[str, dt.date, dt.date, int]]:
        """Runs of consecutive holidays: (name, first day, last day, days), in date order."""
        runs: list[tuple[str, dt.date, dt.date, int]] = []
        for day in self.holidays:
            if runs and runs[-1][2] + dt.timedelta(days=1) == day.date and runs[-1][0] == day.note:
                name, first, _, count = runs[-1]
                runs[-1] = (name, first, day.date, count + 1)
            else:
                runs.append((day.note, day.date, day.date, 1))
        return runs


def calendar_year_status(year: int, *, entered: dict[int, CalendarYear] | None = None) -> str:
    entered = {y.year: y for y in CalendarYear.objects.filter(year=year)} if entered is None else entered
    if year in entered:
        return ENTERED
    try:
        chinese_calendar.is_workday(dt.date(year, 6, 1))
    except NotImplementedError:
        return UNKNOWN
    return BUILT_IN


def _built_in_day(day: dt.date) -> CalendarDay:
    working = chinese_calendar.is_workday(day)
    is_holiday, name = chinese_calendar.get_holiday_detail(day)
    label = _HOLIDAY_NAMES.get(name, name or "")
    if working:
        return CalendarDay(day, ADJUSTED if day.weekday() >= 5 else WORK, f"{label}调休" if label and day.weekday() >= 5 else "")
    if label:
        return CalendarDay(day, HOLIDAY, label)
    return CalendarDay(day, WEEKEND if day.weekday() >= 5 else HOLIDAY)


def _entered_day(day: dt.date, overrides: dict[dt.date, tuple[bool, str]]) -> CalendarDay:
    if day in overrides:
        working, note = overrides[day]
        if working:
            return CalendarDay(day, ADJUSTED if day.weekday() >= 5 else WORK, note)
        return CalendarDay(day, HOLIDAY, note)
    return CalendarDay(day, WEEKEND if day.weekday() >= 5 else WORK)


def _month_grid(days: list[CalendarDay]) -> list[list[CalendarDay | None]]:
    weeks: list[list[CalendarDay | None]] = [[None] * days[0].date.weekday()]
    for day in days:
        if len(weeks[-1]) == 7:
            weeks.append([])
        weeks[-1].append(day)
    weeks[-1].extend([None] * (7 - len(weeks[-1])))
    return weeks


def calendar_year_view(year: int, *, proposed: tuple[list[dt.date], list[dt.date], dict[dt.date, str]] | None = None
                       ) -> CalendarYearView:
    """Every day of ``year`` with its kind, by month, as the calendar decides it now, or, with
    ``proposed`` (days off, weekends worked, notes), as it would once that notice is entered."""
    entered = CalendarYear.objects.filter(year=year).first()
    status = ENTERED if entered else calendar_year_status(year, entered={})
    view = CalendarYearView(year=year, status=status, entered=entered)
    if proposed is not None:
        days_off, days_worked, notes = proposed
        overrides = {d: (False, notes.get(d, "")) for d in days_off} | {d: (True, notes.get(d, "")) for d in days_worked}
        make = functools.partial(_entered_day, overrides=overrides)
    elif status == ENTERED:
        overrides = {o.date: (o.is_working_day, o.note) for o in WorkingDayOverride.objects.filter(date__year=year)}
        make = functools.partial(_entered_day, overrides=overrides)
    elif status == BUILT_IN:
        make = _built_in_day
    else:
        return view
    day = dt.date(year, 1, 1)
    by_month: dict[int, list[CalendarDay]] = {}
    while day.year == year:
        by_month.setdefault(day.month, []).append(make(day))
        day += dt.timedelta(days=1)
    for month, days in by_month.items():
        view.months.append(CalendarMonth(month=month, weeks=_month_grid(days),
                                         working_days=sum(1 for d in days if d.working)))
        view.holidays.extend(d for d in days if d.kind == HOLIDAY)
        view.adjusted_workdays.extend(d for d in days if d.kind == ADJUSTED)
    return view


@dataclass(frozen=True)
class CalendarYearStatus:
    year: int
    status: str
    entered: CalendarYear | None

    @property
    def label(self) -> str:
        return YEAR_STATUS_LABELS[self.status]


def calendar_years_overview(*, today: dt.date) -> list[CalendarYearStatus]:
    """Last year, this year and next year, and how each is known."""
    years = range(today.year - 1, today.year + 2)
    entered = {y.year: y for y in CalendarYear.objects.filter(year__in=list(years))}
    return [CalendarYearStatus(year, calendar_year_status(year, entered=entered), entered.get(year)) for year in years]


def calendar_year_due(*, today: dt.date) -> int | None:
    """Next year, when nobody has entered its notice yet and it is due (from October on): deadlines
    counted in working days into that year would be refused until it is."""
    year = today.year + 1
    if today.month >= WARN_FROM_MONTH and calendar_year_status(year) == UNKNOWN:
        return year
    return None
