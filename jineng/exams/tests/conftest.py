"""Fixtures for the exam tests: a published course built by the courses services, a question
bank and exams built by the exams services, learners from ``learner_register``, and enrolments
(made directly on ``learning.Enrolment``, the only part of learning these tests rely on)."""

from __future__ import annotations

import datetime as dt
import itertools
from zoneinfo import ZoneInfo

import pytest

from jineng.common import clock
from jineng.courses import services as course_services
from jineng.courses.models import Module
from jineng.exams import services
from jineng.exams.tests import helpers
from jineng.identity.models import Role

SHANGHAI = ZoneInfo("Asia/Shanghai")
# 2026-03-02 09:00 in Shanghai: a Monday morning.
START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def frozen_clock():
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


@pytest.fixture
def other_operator(regions, make_staff, make_organization):
    return make_staff(Role.PLATFORM_OPERATOR, organization=make_organization(kind="institution", name="别家培训学校"),
                      username="other_operator")


@pytest.fixture
def course(operator, provider):
    occupation = course_services.occupation_create(code="6-18-02-04", name="焊工", levels=[5, 4, 3], actor=operator)
    course = course_services.course_create(provider=provider, occupation=occupation, level=5,
                                           title="焊工（初级）线上理论培训", actor=operator)
    for title, category in (("安全生产", Module.Category.PUBLIC), ("焊接工艺", Module.Category.PROFESSIONAL)):
        module = course_services.module_add(course=course, title=title, category=category, planned_minutes=45,
                                            actor=operator)
        course_services.lesson_add_document(module=module, title=f"{title}第一课", body_html="<p>课文</p>",
                                            planned_minutes=45, actor=operator)
    return course_services.course_publish(course=course, actor=operator)


@pytest.fixture
def safety(course):
    return course.modules.get(title="安全生产")


@pytest.fixture
def welding(course):
    return course.modules.get(title="焊接工艺")


@pytest.fixture
def bank(course, operator, safety, welding):
    """安全生产: 10 single, 4 multiple, 4 true/false, 2 fill-in; 焊接工艺: 6 single."""
    return helpers.build_bank(course=course, operator=operator, safety=safety, welding=welding)


FINAL_RULES = [
    services.RuleSpec(kind="single", module_id=None, count=4, points=5),
    services.RuleSpec(kind="multiple", count=2, points=10),
    services.RuleSpec(kind="true_false", count=4, points=5),
    services.RuleSpec(kind="fill", count=2, points=10),
]


@pytest.fixture
def final_exam(course, bank, operator, safety):
    rules = [services.RuleSpec(kind="single", module_id=safety.pk, count=4, points=5), *FINAL_RULES]
    exam = services.exam_create(course=course, title="焊工（初级）结业考核", is_final=True, time_limit_minutes=30,
                                max_attempts=2, pass_score=60, rules=rules, actor=operator,
                                instructions="闭卷，独立完成。")
    return services.exam_publish(exam=exam, actor=operator)


@pytest.fixture
def whole_bank_exam(course, bank, operator, safety, welding):
    """A quiz that takes every question of the bank: all learners get the same 26 questions,
    each in their own order and with their own option permutation."""
    rules = [services.RuleSpec(kind="single", module_id=safety.pk, count=10, points=2),
             services.RuleSpec(kind="single", module_id=welding.pk, count=6, points=2),
             services.RuleSpec(kind="multiple", count=4, points=4),
             services.RuleSpec(kind="true_false", count=4, points=2),
             services.RuleSpec(kind="fill", count=2, points=4)]
    exam = services.exam_create(course=course, title="第一单元测试", time_limit_minutes=20, max_attempts=3,
                                pass_score=60, rules=rules, actor=operator)
    return services.exam_publish(exam=exam, actor=operator)


_phones = itertools.count(1)


@pytest.fixture
def make_learner(regions):
    def make(name: str = "李小红", *, region_code: str = "440204"):
        return helpers.make_learner(name=name, n=next(_phones), region_code=region_code)

    return make


@pytest.fixture
def learner(make_learner):
    return make_learner("李小红")


@pytest.fixture
def enrol(operator):
    def make(user, course, organization=None):
        return helpers.enrol(user=user, course=course, organization=organization, by=operator)

    return make


@pytest.fixture
def enrolment(learner, course, employer, enrol):
    return enrol(learner, course, employer)


@pytest.fixture
def learner_client(client, learner):
    client.force_login(learner)
    return client
