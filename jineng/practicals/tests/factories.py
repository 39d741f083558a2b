"""Test data for the practicals app. Projects, outlines and rosters are made with the ORM (the
projects app's services are being written at the same time); people and organisations come
from the real services."""

from __future__ import annotations

import datetime as dt
import itertools
from zoneinfo import ZoneInfo

from stdnum.cn import ric

from jineng.common import clock
from jineng.courses.models import Occupation
from jineng.identity.services import learner_register
from jineng.platforms.models import Platform
from jineng.projects.models import OutlineModule, Project, RosterEntry

SHANGHAI = ZoneInfo("Asia/Shanghai")
_counter = itertools.count(1)


def shanghai(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SHANGHAI)


def id_number(region_code: str, n: int) -> str:
    body = f"{region_code}{dt.date(1988, 1, 1) + dt.timedelta(days=n):%Y%m%d}{n % 900 + 100:03d}"
    return body + ric.calc_check_digit(body + "0")


def make_learner(*, name: str = "李实操", region_code: str = "440204", password: str = "Shicao@2026!"):
    n = next(_counter)
    user = learner_register(name=name, id_number=id_number(region_code, n), phone=f"137{n:08d}", password=password)
    user.plain_password = password
    return user


def make_project(*, organization, created_by, delivery: str = "blended", state: str = "running",
                 start: dt.date = dt.date(2026, 3, 1), end: dt.date = dt.date(2026, 4, 30), institution=None,
                 name: str = "2026 年电工线上线下结合培训") -> Project:
    n = next(_counter)
    occupation, _ = Occupation.objects.get_or_create(code="6-31-01-03", defaults={"name": "电工", "levels": [5, 4, 3]})
    platform, _ = Platform.objects.get_or_create(name="岭南职工云课堂", defaults={"website": "ketang.example.com"})
    now = clock.now()
    return Project.objects.create(
        number=f"{organization.region_id}-2026-{n:04d}", organization=organization,
        organiser="entrusted" if institution else "self", institution=institution, kind="on_the_job",
        delivery=delivery, occupation=occupation, level=5, platform=platform, name=name, start_date=start,
        end_date=end, purpose="提升职工电工操作技能", planned_headcount=30, planned_class_hours=40,
        contact_name="张联系", contact_phone="0751-8888888", state=state, created_by=created_by, created_at=now,
        updated_at=now)


def add_module(project: Project, *, title: str = "低压电工实操", mode: str = "offline", minutes: int = 240,
               category: str = "professional") -> OutlineModule:
    return OutlineModule.objects.create(project=project, position=project.outline.count() + 1, title=title,
                                        category=category, mode=mode, minutes=minutes)


def add_to_roster(project: Project, user) -> RosterEntry:
    return RosterEntry.objects.create(project=project, position=project.roster.count() + 1, person=user.person,
                                      platform_account=user.username, added_at=clock.now())
