"""Working days on the Chinese State Council holiday calendar. Pure Python, no Django.

``chinese_calendar`` knows the published years (holidays and adjusted weekend workdays,
调休). For a year it does not know, the operator enters that year's notice as overrides;
a year neither knows is refused with ``CalendarYearUnknown`` instead of guessed, because
a deadline in working days is a legal one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import chinese_calendar


class CalendarYearUnknown(Exception):
    code = "calendar_year_unknown"

    def __init__(self, year: int):
        self.year = year
        super().__init__(
            f"{year} 年的节假日安排尚未录入：请系统管理员按国务院办公厅通知在“节假日安排”页面（/calendar/）录入该年全部节假日和调休日 "
            f"(no holiday calendar for {year})"
        )


@dataclass(frozen=True)
class WorkingDayCalendar:
    """``overrides`` maps a date to True (a working day) or False (a day off); a year is
    known once ``known_years`` lists it, i.e. the operator has entered its whole notice."""

    overrides: Mapping[dt.date, bool] = field(default_factory=dict)
    known_years: frozenset[int] = frozenset()

    @classmethod
    def with_overrides(cls, rows: Iterable[tuple[dt.date, bool]], known_years: Iterable[int] = ()) -> WorkingDayCalendar:
        return cls(overrides=dict(rows), known_years=frozenset(known_years))

    def is_working_day(self, day: dt.date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        if day.year in self.known_years:
            return day.weekday() < 5
        try:
            return chinese_calendar.is_workday(day)
        except NotImplementedError as exc:
            raise CalendarYearUnknown(day.year) from exc

    def add_working_days(self, start: dt.date, n: int) -> dt.date:
        """The n-th working day after ``start`` (``start`` itself not counted); n may be negative."""
        step = 1 if n >= 0 else -1
        remaining = abs(n)
        day = start
        while remaining:
            day += dt.timedelta(days=step)
            if self.is_working_day(day):
                remaining -= 1
        return day

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days after ``start`` up to and including ``end`` (0 when end <= start)."""
        count = 0
        day = start
        while day < end:
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                count += 1
        return count


DEFAULT_CALENDAR = WorkingDayCalendar()
