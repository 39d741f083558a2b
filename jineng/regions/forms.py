"""The holiday notice as a system administrator types or pastes it.

A State Council notice lists its days as ``春节：2月15日至23日放假调休，共9天。2月14日（周六）、
2月28日（周六）上班。`` The form takes such lines as they are, or plain dates and ranges:

* a date: ``2027-02-06``, ``2027/2/6``, ``2月6日``, ``2027年2月6日`` or ``02-06`` (in the year entered);
* a range: two dates joined by ``至``, ``到``, ``~`` or ``—``; the second may be just the day
  (``2月6日至12日``) or month and day (``4月30日至5月4日``);
* several on a line, separated by ``、``, ``，`` or ``;``; words in brackets (``（周六）``), ``共 N 天``
  and the notice's numbering (``二、``) are skipped; a label before ``：`` names the holiday
  (``春节：…``) and becomes the note.

A line with a number the parser cannot place is refused with its line number, rather than
silently dropped: a working-day deadline is a legal one.
"""

from __future__ import annotations

import datetime as dt
import re

from django import forms

_BRACKETS = re.compile(r"[（(][^）)]*[）)]")
_DAY_COUNT = re.compile(r"共\s*\d+\s*天")
_DATE = r"(?:(?P<{p}y>\d{{4}})\s*[-/.年]\s*)?(?P<{p}m>\d{{1,2}})\s*[-/.月]\s*(?P<{p}d>\d{{1,2}})\s*[日号]?"
_SECOND = r"(?:(?:(?P<by>\d{4})\s*[-/.年]\s*)?(?P<bm>\d{1,2})\s*[-/.月]\s*)?(?P<bd>\d{1,2})\s*[日号]?"
_RANGE = re.compile(_DATE.format(p="a") + r"(?:\s*(?:至|到|~|～|—|－|–)\s*" + _SECOND + r")?")
_NUMBERING = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]|\d+、)\s*")
_LABEL = re.compile(r"^\s*(?P<label>[^\d：:]{1,20})[：:]")


class NoticeLineError(ValueError):
    pass


def _day(year: int, line_no: int, y: str | None, m: str, d: str) -> dt.date:
    if y and int(y) != year:
        raise NoticeLineError(f"第 {line_no} 行的日期 {y}年{int(m)}月{int(d)}日 不在 {year} 年内")
    try:
        return dt.date(year, int(m), int(d))
    except ValueError:
        raise NoticeLineError(f"第 {line_no} 行的日期 {int(m)}月{int(d)}日 不存在") from None


def parse_notice_days(text: str, *, year: int) -> tuple[list[dt.date], dict[dt.date, str]]:
    """The days a text names, in order, with the label of their line (``春节``) as the note.
    Raises ``NoticeLineError`` naming the first line it cannot read whole."""
    days: list[dt.date] = []
    notes: dict[dt.date, str] = {}
    for line_no, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip().lstrip("\ufeff")
        if not line or line.startswith("#"):
            continue
        label = ""
        line = _NUMBERING.sub("", line)
        match = _LABEL.match(line)
        if match:
            label = match["label"].strip()
            line = line[match.end():]
        line = _DAY_COUNT.sub(" ", _BRACKETS.sub(" ", line))
        found = False
        rest = []
        position = 0
        for match in _RANGE.finditer(line):
            rest.append(line[position:match.start()])
            position = match.end()
            first = _day(year, line_no, match["ay"], match["am"], match["ad"])
            last = first
            if match["bd"]:
                last = _day(year, line_no, match["by"], match["bm"] or str(first.month), match["bd"])
                if last < first:
                    raise NoticeLineError(f"第 {line_no} 行的日期范围 {first.month}月{first.day}日至{last.month}月{last.day}日 前后颠倒")
            day = first
            while day <= last:
                days.append(day)
                if label:
                    notes[day] = label
                day += dt.timedelta(days=1)
            found = True
        rest.append(line[position:])
        if re.search(r"\d", "".join(rest)):
            raise NoticeLineError(f"第 {line_no} 行 “{raw.strip()}” 有无法识别的日期，请写成 2月6日 或 2027-02-06，"
                                  "范围用“至”连接")
        if not found:
            raise NoticeLineError(f"第 {line_no} 行 “{raw.strip()}” 没有日期")
    return days, notes


class CalendarYearForm(forms.Form):
    source = forms.CharField(label="依据（国务院办公厅通知文号）", max_length=100,
                             widget=forms.TextInput(attrs={"placeholder": "国办发明电〔2026〕×号"}))
    holidays = forms.CharField(
        label="放假日期", widget=forms.Textarea(attrs={"rows": 8}),
        help_text="每个节日一行，可直接粘贴通知原文，例如“春节：2月6日至12日放假调休，共7天”；"
                  "周末落在假期内的也照通知列入。")
    adjusted_workdays = forms.CharField(
        label="调休上班日期", required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text="通知中周六、周日上班的日期，例如“2月14日（星期日）、2月20日（星期六）上班”。")
    replace = forms.BooleanField(label="替换已录入的安排（更正通知）", required=False)

    def __init__(self, *args, year: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.year = year
        self.notes: dict[dt.date, str] = {}

    def _days(self, name: str) -> list[dt.date]:
        try:
            days, notes = parse_notice_days(self.cleaned_data.get(name) or "", year=self.year)
        except NoticeLineError as exc:
            raise forms.ValidationError(str(exc)) from exc
        for day, note in notes.items():
            self.notes.setdefault(day, note)
        return days

    def clean_holidays(self) -> list[dt.date]:
        days = self._days("holidays")
        if not days:
            raise forms.ValidationError(f"请填写 {self.year} 年的放假日期")
        return days

    def clean_adjusted_workdays(self) -> list[dt.date]:
        return self._days("adjusted_workdays")
