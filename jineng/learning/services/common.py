"""Small helpers the learning services share: the study day, device labels, the learner behind a user."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

from jineng.common.errors import DomainError, PermissionDenied

SHANGHAI = ZoneInfo("Asia/Shanghai")


def shanghai_day(moment: dt.datetime) -> dt.date:
    """The study day: the Asia/Shanghai calendar date of a server time."""
    return moment.astimezone(SHANGHAI).date()


def next_shanghai_midnight(moment: dt.datetime) -> dt.datetime:
    day = shanghai_day(moment) + dt.timedelta(days=1)
    return dt.datetime(day.year, day.month, day.day, tzinfo=SHANGHAI).astimezone(dt.UTC)


def ms_between(start: dt.datetime, end: dt.datetime) -> int:
    return (end - start) // dt.timedelta(milliseconds=1)


def plus_ms(moment: dt.datetime, ms: int) -> dt.datetime:
    return moment + dt.timedelta(milliseconds=ms)


def learner_person(user):
    """The real-name person behind a signed-in learner; study is always in a person's own name."""
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied("请先登录")
    if not user.person_id:
        raise PermissionDenied("该账号未绑定实名信息，不能学习课程", code="not_a_learner")
    return user.person


_DEVICE_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


def clean_device_id(value: str, *, field: str = "device") -> str:
    value = (value or "").strip()
    if not _DEVICE_ID.match(value):
        raise DomainError("invalid_device", "设备标识无效，请刷新页面后重试", field=field)
    return value


def device_label_from_user_agent(user_agent: str) -> str:
    """A short Chinese description of the browser and device, for the learning record."""
    ua = user_agent or ""
    if "MicroMessenger" in ua:
        browser = "微信"
    elif "Edg/" in ua:
        browser = "Edge"
    elif "HeadlessChrome" in ua:
        browser = "Chrome（无界面）"
    elif "Chrome/" in ua or "Chromium/" in ua:
        browser = "Chrome"
    elif "Firefox/" in ua:
        browser = "Firefox"
    elif "Safari/" in ua:
        browser = "Safari"
    else:
        browser = "浏览器"
    if "iPhone" in ua:
        device = "iPhone"
    elif "iPad" in ua:
        device = "iPad"
    elif "Android" in ua:
        device = "安卓手机" if "Mobile" in ua else "安卓平板"
    elif "Windows" in ua:
        device = "Windows 电脑"
    elif "Mac OS X" in ua or "Macintosh" in ua:
        device = "Mac 电脑"
    elif "Linux" in ua:
        device = "Linux 电脑"
    else:
        device = "未知设备"
    return f"{device} · {browser}"
