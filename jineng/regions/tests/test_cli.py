from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

import pytest

from jineng.regions import cli
from jineng.regions.models import CalendarYear, Region, ServiceWindow, WorkingDayOverride


def run(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="jineng")
    cli.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(list(argv))
    return args.func(args)


@pytest.mark.django_db
def test_regions_load_and_demo(capsys: pytest.CaptureFixture[str]) -> None:
    assert run("regions", "load") == 0
    assert "新增 3342，更新 0，共 3342 条" in capsys.readouterr().out
    assert run("regions", "load") == 0
    assert "新增 0，更新 0，共 3342 条" in capsys.readouterr().out
    assert run("regions", "demo") == 0
    assert "受理窗口 10 个" in capsys.readouterr().out
    assert ServiceWindow.objects.filter(bureau__region__city_code="440200").count() == 10


@pytest.mark.django_db
def test_regions_load_from_a_missing_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run("regions", "load", "--source", str(tmp_path)) == 1
    assert "npm ci" in capsys.readouterr().err
    assert Region.objects.count() == 0


@pytest.mark.django_db
def test_regions_demo_before_load(capsys: pytest.CaptureFixture[str]) -> None:
    assert run("regions", "demo") == 1
    assert "jineng regions load" in capsys.readouterr().err


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("date", "n", "expected"),
    [("2020-03-09", "-5", "2020-03-02"), ("2020-04-30", "1", "2020-05-06"), ("2020-04-29", "5", "2020-05-09")],
)
def test_calendar_add(capsys: pytest.CaptureFixture[str], date: str, n: str, expected: str) -> None:
    assert run("calendar", "add", date, n) == 0
    assert capsys.readouterr().out.strip() == expected


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("date", "n", "status", "message"),
    [
        ("2020-13-01", "5", 2, "日期 “2020-13-01” 无效"),
        ("2020-03-09", "五", 2, "应为整数"),
        ("2026-12-31", "1", 1, "2027 年的节假日安排尚未录入"),
    ],
    ids=["bad-date", "bad-n", "unknown-year"],
)
def test_calendar_add_refuses(capsys: pytest.CaptureFixture[str], date: str, n: str, status: int, message: str) -> None:
    assert run("calendar", "add", date, n) == status
    assert message in capsys.readouterr().err


@pytest.mark.django_db
def test_calendar_check(capsys: pytest.CaptureFixture[str]) -> None:
    assert run("calendar", "check", "2020-05-09") == 0
    assert capsys.readouterr().out.strip() == "2020-05-09 工作日"


HOLIDAY_FILE = """\
# 2027 年（虚构）
2027-01-01 off 元旦
2027-02-06 work 春节调休
2027-02-08 off 春节
2027-02-09 off 春节

"""


@pytest.mark.django_db
def test_calendar_year(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    holidays = tmp_path / "2027.txt"
    holidays.write_text(HOLIDAY_FILE, encoding="utf-8")
    assert run("calendar", "year", "2027", "--holidays", str(holidays), "--source", "国办发明电〔2026〕99号") == 0
    assert "放假 3 天，调休上班 1 天" in capsys.readouterr().out
    assert CalendarYear.objects.get(year=2027).source == "国办发明电〔2026〕99号"
    assert WorkingDayOverride.objects.get(date=dt.date(2027, 2, 6)).note == "春节调休"
    assert run("calendar", "add", "2026-12-31", "1") == 0
    assert capsys.readouterr().out.strip() == "2027-01-04"

    assert run("calendar", "year", "2027", "--holidays", str(holidays), "--source", "再次") == 2
    assert "已于" in capsys.readouterr().err
    assert run("calendar", "year", "2027", "--holidays", str(holidays), "--source", "更正", "--replace") == 0
    assert CalendarYear.objects.get(year=2027).source == "更正"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("2027-01-01 holiday\n", "第 1 行的类型 “holiday” 应为 off（放假）或 work（调休上班）"),
        ("2027-01-01 off\n2027-02-30 off\n", "第 2 行的日期 “2027-02-30” 无效"),
        ("2026-12-31 off\n", "第 1 行的日期 2026-12-31 不在 2027 年内"),
        ("2027-01-01\n", "第 1 行 “2027-01-01” 格式应为"),
        ("2027-01-01 off\n2027-01-01 work\n", "第 2 行的日期 2027-01-01 与第 1 行重复"),
        ("# nothing\n", "没有 2027 年的放假日期"),
        ("2027-01-01 off\n2027-02-05 work\n", "调休上班日应为周六或周日"),
    ],
    ids=["bad-kind", "bad-date", "other-year", "no-kind", "duplicate", "empty", "weekday-work"],
)
def test_calendar_year_refuses_bad_files(tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str,
                                          message: str) -> None:
    holidays = tmp_path / "2027.txt"
    holidays.write_text(content, encoding="utf-8")
    assert run("calendar", "year", "2027", "--holidays", str(holidays), "--source", "国办发明电") == 2
    assert message in capsys.readouterr().err
    assert not CalendarYear.objects.exists()


@pytest.mark.django_db
def test_calendar_year_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run("calendar", "year", "2027", "--holidays", str(tmp_path / "none.txt"), "--source", "国办") == 2
    assert "找不到节假日文件" in capsys.readouterr().err


def test_the_jineng_command_registers_regions_and_calendar() -> None:
    from jineng.cli import build_parser

    parser = build_parser()
    args = parser.parse_args(["calendar", "add", "2020-03-09", "-5"])
    assert (args.func, args.date, args.n) == (cli._calendar_add, "2020-03-09", "-5")
    args = parser.parse_args(["regions", "load", "--source", "/tmp/x"])
    assert (args.func, args.source) == (cli._regions_load, Path("/tmp/x"))
