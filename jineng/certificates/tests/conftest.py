"""Fixtures for the certificate tests: a published course built by the courses services (two
required modules of 45 minutes, one text lesson each), its question bank and a final assessment
built by the exams services, a learner from ``learner_register``, credited time from the real
heartbeat service, and exam attempts from the real exam services."""

from __future__ import annotations

import datetime as dt
import itertools
from zoneinfo import ZoneInfo

import pytest

from jineng.common import clock
from jineng.courses import services as course_services
from jineng.courses.models import Module
from jineng.exams import services as exam_services
from jineng.exams.tests import helpers as exam_helpers
from jineng.identity.models import Role
from jineng.learning.services import Beat, heartbeats_record, session_end, session_start

SHANGHAI = ZoneInfo("Asia/Shanghai")
# 2026-03-02 09:00 in Shanghai: a Monday morning.
START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI)
DEVICE = "cert-test-device-01"
BEATS_PER_BATCH = 180  # 15 minutes of 5-second beats


@pytest.fixture(autouse=True)
def frozen_clock(settings):
    settings.JINENG_LEARNING = {"PRESENCE_INTERVAL_SECONDS": 0}  # no random "are you there?" prompts
    clock.travel_to(START)
    yield START
    clock.reset()


@pytest.fixture
def provider(regions, make_organization):
    return make_organization("440204", kind="institution", name="韶关技工学校")


@pytest.fixture
def employer(regions, make_organization):
    return make_organization("440204", kind="enterprise", name="浈江机械厂")


@pytest.fixture
def operator(make_staff, provider):
    return make_staff(Role.PLATFORM_OPERATOR, organization=provider, username="operator")


def build_course(*, provider, operator, elective: bool = False):
    occupation = course_services.occupation_create(code="6-18-02-04", name="焊工", levels=[5, 4, 3], actor=operator)
    course = course_services.course_create(provider=provider, occupation=occupation, level=5,
                                           title="焊工（初级）线上理论培训", actor=operator)
    modules = [("安全生产", Module.Category.PUBLIC, True), ("焊接工艺", Module.Category.PROFESSIONAL, True)]
    if elective:
        modules.append(("焊接新技术选读", Module.Category.PROFESSIONAL, False))
    for title, category, required in modules:
        module = course_services.module_add(course=course, title=title, category=category, planned_minutes=45,
                                            required=required, actor=operator)
        course_services.lesson_add_document(module=module, title=f"{title}第一课", body_html="<p>课文</p>",
                                            planned_minutes=45, actor=operator)
    return course_services.course_publish(course=course, actor=operator)


@pytest.fixture
def course(provider, operator):
    return build_course(provider=provider, operator=operator)


@pytest.fixture
def safety(course):
    return course.modules.get(title="安全生产")


@pytest.fixture
def welding(course):
    return course.modules.get(title="焊接工艺")


def add_final(*, course, operator, max_attempts: int = 2):
    safety = course.modules.get(title="安全生产")
    welding = course.modules.get(title="焊接工艺")
    exam_helpers.build_bank(course=course, operator=operator, safety=safety, welding=welding)
    rules = [exam_services.RuleSpec(kind="single", module_id=None, count=4, points=10),
             exam_services.RuleSpec(kind="true_false", count=4, points=10),
             exam_services.RuleSpec(kind="fill", count=2, points=10)]
    exam = exam_services.exam_create(course=course, title="焊工（初级）结业考核", is_final=True, time_limit_minutes=30,
                                     max_attempts=max_attempts, pass_score=60, rules=rules, actor=operator)
    return exam_services.exam_publish(exam=exam, actor=operator)


@pytest.fixture
def final_exam(course, operator):
    return add_final(course=course, operator=operator)


_numbers = itertools.count(1)


@pytest.fixture
def make_learner(regions):
    def make(name: str = "李小红", *, region_code: str = "440204"):
        return exam_helpers.make_learner(name=name, n=next(_numbers), region_code=region_code)

    return make


@pytest.fixture
def learner(make_learner):
    return make_learner("李小红")


@pytest.fixture
def enrolment(learner, course, employer, operator):
    return exam_helpers.enrol(user=learner, course=course, organization=employer, by=operator)


def credit(user, module, minutes: int) -> None:
    """Study the module's first lesson for ``minutes`` through the real session and heartbeat services."""
    lesson = module.lessons.order_by("position", "pk").first()
    session = session_start(actor=user, lesson=lesson, device_id=DEVICE)
    beats_left = minutes * 12
    seq = 1
    while beats_left:
        count = min(beats_left, BEATS_PER_BATCH)
        clock.advance(seconds=count * 5)
        heartbeats_record(actor=user, session_id=session.pk, device_id=DEVICE,
                          beats=[Beat(seq=seq + i, lesson=lesson.pk, position=None, rate=1.0, visible=True,
                                      focused=True, dur=5.0) for i in range(count)])
        seq += count
        beats_left -= count
    session_end(actor=user, session_id=session.pk)


def sit_final(user, exam, *, passing: bool):
    """Take the final assessment through the exam services: all right (100) or all wrong (0)."""
    attempt = exam_services.attempt_start(exam=exam, actor=user)
    wrong = () if passing else tuple(item.question_id for item in attempt.items.all())
    exam_helpers.answer_paper(attempt, user, wrong_questions=wrong)
    return exam_services.attempt_submit(attempt=attempt, actor=user)


@pytest.fixture
def complete_enrolment(enrolment, learner, safety, welding, final_exam):
    credit(learner, safety, 45)
    credit(learner, welding, 45)
    sit_final(learner, final_exam, passing=True)
    return enrolment
