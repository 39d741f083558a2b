"""Test data for the claims app: a finished, filed project with its approved roster, enrolments
with credited time and final-assessment attempts. Projects, credit and attempts are made with
the ORM (the projects, learning and exams apps' own tests cover how they come about); people,
organisations and platforms come from the real services."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from zoneinfo import ZoneInfo

from stdnum.cn import ric

from jineng.common import clock
from jineng.courses.models import Course, Module, Occupation
from jineng.exams.models import Attempt, Exam
from jineng.identity.services import learner_register
from jineng.learning.models import Enrolment, ModuleProgress
from jineng.organizations.models import Contract
from jineng.platforms.services import PlatformData, platform_register
from jineng.projects.models import Project, RosterEntry

SHANGHAI = ZoneInfo("Asia/Shanghai")
_counter = itertools.count(1)
PASSWORD = "Xuexi@2026!"


def shanghai(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SHANGHAI)


def id_number(region_code: str, n: int) -> str:
    body = f"{region_code}1988{1 + n // 28 % 12:02d}{1 + n % 28:02d}{100 + n % 800:03d}"
    return body + ric.calc_check_digit(body + "0")


def make_learner(*, name: str, region_code: str = "440204"):
    n = next(_counter)
    user = learner_register(name=name, id_number=id_number(region_code, n), phone=f"136{n:08d}", password=PASSWORD)
    user.plain_password = PASSWORD
    return user


def make_course(*, provider, created_by, minutes: int = 900) -> Course:
    """A published course whose one module plans ``minutes`` (900 = 20 class hours)."""
    occupation, _ = Occupation.objects.get_or_create(code="6-18-02-04", defaults={"name": "焊工", "levels": [5, 4, 3]})
    course = Course.objects.create(occupation=occupation, level=5, title="焊工（初级）线上培训", summary="测试课程",
                                   provider=provider, status=Course.Status.PUBLISHED, created_by=created_by,
                                   published_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    Module.objects.create(course=course, title="焊接安全与工艺", category="professional", planned_minutes=minutes,
                          position=0)
    return course


def make_project(*, organization, created_by, course, policy_pack: str = "shaoguan-2020-11",
                 start: dt.date = dt.date(2020, 3, 16), end: dt.date = dt.date(2020, 4, 10),
                 filed_on: dt.date = dt.date(2020, 3, 2), kind: str = "on_the_job", state: str = "finished",
                 name: str = "2020年焊工线上适岗培训") -> Project:
    n = next(_counter)
    platform = platform_register(data=PlatformData(name=f"测试培训平台{n}", website=f"px{n}.example.cn"), actor=None)
    filed_at = shanghai(filed_on.year, filed_on.month, filed_on.day, 10, 0)
    project = Project.objects.create(
        number=f"{organization.region_id}-2020-{n:04d}", organization=organization, kind=kind, delivery="online",
        occupation=course.occupation, level=5, platform=platform, name=name, start_date=start, end_date=end,
        purpose="提升职工焊接安全技能", planned_headcount=2, planned_class_hours=20, contact_name="李主管",
        contact_phone="0751-8888888", policy_pack=policy_pack, state=state, submitted_at=filed_at,
        decided_at=filed_at + dt.timedelta(hours=4), created_by=created_by, created_at=filed_at, updated_at=filed_at)
    project.courses.add(course)
    return project


def add_to_roster(*, project: Project, user, organization, added_at: dt.datetime | None = None,
                  contract_months: int = 24) -> RosterEntry:
    contract, _ = Contract.objects.get_or_create(person=user.person, organization=organization,
                                                 start=dt.date(2019, 1, 1), defaults={"months": contract_months})
    position = project.roster.count() + 1
    return RosterEntry.objects.create(project=project, position=position, person=user.person,
                                      platform_account=user.username, contract=contract,
                                      added_at=added_at or project.decided_at - dt.timedelta(hours=1))


def study(*, project: Project, user, course: Course, organization, minutes: int, by,
          final_score: Decimal | None = None, pass_score: Decimal = Decimal("60")) -> Enrolment:
    """An enrolment of the project with ``minutes`` credited and, given a score, a submitted final assessment."""
    enrolment = Enrolment.objects.create(person=user.person, course=course, organization=organization, project=project,
                                         source=Enrolment.Source.PROJECT, enrolled_by=by, enrolled_at=clock.now(),
                                         credited_ms=minutes * 60_000)
    ModuleProgress.objects.create(enrolment=enrolment, module=course.modules.first(), credited_ms=minutes * 60_000)
    if final_score is not None:
        exam = Exam.objects.filter(course=course, is_final=True).first() or Exam.objects.create(
            course=course, title="结业考核", is_final=True, time_limit_minutes=30, max_attempts=2, pass_score=pass_score,
            status="published", created_by=by, created_at=clock.now())
        now = clock.now()
        Attempt.objects.create(exam=exam, enrolment=enrolment, person=user.person, organization=organization, number=1,
                               status=Attempt.Status.SUBMITTED, seed=1, started_at=now, deadline=now,
                               submitted_at=now, ended_by="learner", score=final_score, max_score=Decimal("100"),
                               passed=final_score >= exam.pass_score)
    return enrolment


def complete_study(*, enrolment: Enrolment, minutes: int, by, final_score: Decimal,
                   pass_score: Decimal = Decimal("60")) -> Enrolment:
    """Bring an enrolment of a running project to its end: ``minutes`` credited in all, and a
    submitted final assessment with ``final_score``."""
    enrolment.credited_ms = minutes * 60_000
    enrolment.save(update_fields=["credited_ms"])
    ModuleProgress.objects.filter(enrolment=enrolment).update(credited_ms=minutes * 60_000)
    course = enrolment.course
    exam = Exam.objects.filter(course=course, is_final=True).first() or Exam.objects.create(
        course=course, title="结业考核", is_final=True, time_limit_minutes=30, max_attempts=2, pass_score=pass_score,
        status="published", created_by=by, created_at=clock.now())
    now = clock.now()
    number = Attempt.objects.filter(exam=exam, person=enrolment.person).count() + 1
    Attempt.objects.create(exam=exam, enrolment=enrolment, person=enrolment.person,
                           organization=enrolment.organization, number=number, status=Attempt.Status.SUBMITTED, seed=1,
                           started_at=now, deadline=now, submitted_at=now, ended_by="learner", score=final_score,
                           max_score=Decimal("100"), passed=final_score >= exam.pass_score)
    return enrolment


def finish_project(project: Project, *, by, scores: dict) -> None:
    """The training ends: each named learner (``project.study`` maps name → enrolment) learns all
    900 minutes and sits the final assessment; those who pass get their training certificate
    (through the certificates service); the project is finished."""
    from jineng.certificates.services import certificate_issue

    for name, score in scores.items():
        enrolment = complete_study(enrolment=project.study[name], minutes=900, by=by, final_score=score)
        if score >= 60:
            certificate_issue(enrolment=enrolment, actor=None)
    Project.objects.filter(pk=project.pk).update(state="finished")
    project.refresh_from_db()
