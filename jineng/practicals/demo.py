"""Demo practical sessions for one blended project, through the real services. Running it again
finds the sessions by title and creates nothing twice.

* 现场签到演示: starts 20 minutes from now (so its QR display is live at once: sign-in opens
  30 minutes before the start) and lasts three hours — if today lies inside the project's period;
* two sessions on the next days of the period, for the schedule and the attendance page.

Called with the project (``delivery="blended"``, approved or running) and a training
administrator of its organisation or entrusted institution."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone

from jineng.common import clock
from jineng.common.errors import DomainError
from jineng.practicals import services
from jineng.practicals.models import PracticalSession

LIVE_TITLE = "现场签到演示：低压配电柜接线"
SHANGHAI = ZoneInfo("Asia/Shanghai")
PLANNED = [
    # (days after today, start hour, hours, title, trainer)
    (1, 9, 2, "低压电器安装与接线实操", "陈建国"),
    (2, 14, 3, "电动机控制线路实操", "林志强"),
]


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


def practicals_load_demo(*, project, organiser, location: str = "", stdout=print) -> list[PracticalSession]:
    module = project.outline.filter(mode="offline").order_by("position").first()
    location = location or f"{project.organization.address}（实训车间）"
    now = clock.now()
    today = timezone.localdate(now)
    wanted: list[tuple[str, dt.datetime, dt.datetime, str]] = []
    start = (now + dt.timedelta(minutes=20)).replace(second=0, microsecond=0)
    start -= dt.timedelta(minutes=start.minute % 5)
    if project.start_date <= today and timezone.localdate(start + dt.timedelta(hours=3)) <= project.end_date:
        wanted.append((LIVE_TITLE, start, start + dt.timedelta(hours=3), "陈建国"))
    for days, hour, hours, title, trainer in PLANNED:
        day = max(today + dt.timedelta(days=days), project.start_date + dt.timedelta(days=days - 1))
        if day <= project.end_date:
            wanted.append((title, _at(day, hour), _at(day, hour + hours), trainer))
    created = []
    for title, starts_at, ends_at, trainer in wanted:
        existing = PracticalSession.objects.filter(project=project, title=title).first()
        if existing is not None:
            created.append(existing)
            continue
        try:
            created.append(services.session_schedule(project=project, actor=organiser, data=services.SessionData(
                title=title, location=location, starts_at=starts_at, ends_at=ends_at, trainer_name=trainer,
                capacity=40, outline_module=module)))
        except DomainError as exc:
            stdout(f"未安排实操“{title}”：{exc.message}")
    if created:
        stdout(f"线下实操：{project.name} 已安排 {len(created)} 场（签到大屏见“线下实操”）")
    return created
