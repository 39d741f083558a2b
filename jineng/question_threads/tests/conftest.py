"""Fixtures for 答疑: a published course of a training school (its platform operator is the
teacher), an enterprise whose training administrator enrolled an employee, a classmate who
enrolled themself, a learner who did not enrol, and staff of other organisations."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from jineng.common import clock
from jineng.identity.models import Role
from jineng.learning import services as learning_services
from jineng.learning.tests import factories
from jineng.organizations import services as organization_services

SHANGHAI = ZoneInfo("Asia/Shanghai")
START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI)  # a Monday morning


@pytest.fixture(autouse=True)
def frozen_clock():
    clock.travel_to(START)
    yield START
    clock.reset()


@pytest.fixture
def provider(regions, make_organization):
    return make_organization("440204", kind="institution", name="韶关技工学校")


@pytest.fixture
def teacher(make_staff, provider):
    user = make_staff(Role.PLATFORM_OPERATOR, organization=provider, username="teacher_xu")
    user.display_name = "许老师"
    user.save(update_fields=["display_name"])
    return user


@pytest.fixture
def course(provider, teacher):
    course = factories.make_course(provider=provider, created_by=teacher)
    first, second = course.modules.order_by("position")
    factories.add_video(first, title="第一课 安全用电", seconds=600, planned_minutes=10)
    factories.add_document(first, title="第二课 验电步骤")
    factories.add_video(second, title="第三课 接线", seconds=1200, planned_minutes=20)
    return course


@pytest.fixture
def other_course(provider, teacher):
    return factories.make_course(provider=provider, created_by=teacher, title="焊工安全")


@pytest.fixture
def enterprise(regions, make_organization):
    return make_organization("440204", name="韶关市浈江区丹霞精密制造有限公司")


@pytest.fixture
def other_enterprise(regions, make_organization):
    return make_organization("440203", name="韶关市武江区顺达物流股份有限公司")


@pytest.fixture
def training_admin(make_staff, enterprise):
    return make_staff(Role.TRAINING_ADMIN, organization=enterprise, username="danxia_admin")


@pytest.fixture
def other_admin(make_staff, other_enterprise):
    return make_staff(Role.TRAINING_ADMIN, organization=other_enterprise, username="shunda_admin")


@pytest.fixture
def other_teacher(make_staff, make_organization, regions):
    school = make_organization("440203", kind="institution", name="武江职业培训学校")
    return make_staff(Role.PLATFORM_OPERATOR, organization=school, username="other_teacher")


@pytest.fixture
def sysadmin(make_staff):
    return make_staff(Role.SYSTEM_ADMIN, username="sysadmin")


@pytest.fixture
def learner(regions, course, enterprise, training_admin):
    """王小明, an employee of the enterprise, enrolled in the course by its training administrator."""
    user = factories.make_learner(name="王小明")
    organization_services.contract_add(organization=enterprise, person=user.person, start=dt.date(2025, 1, 1),
                                       months=36, dispatched=False, actor=training_admin)
    learning_services.enrolments_create_for_employees(course=course, persons=[user.person], organization=enterprise,
                                                      actor=training_admin)
    return user


@pytest.fixture
def classmate(regions, course):
    """欧阳娜娜 enrolled herself."""
    user = factories.make_learner(name="欧阳娜娜")
    learning_services.enrolment_create(course=course, actor=user)
    return user


@pytest.fixture
def outsider(regions, course):
    """赵磊 has an account but did not enrol in the course."""
    return factories.make_learner(name="赵磊")


@pytest.fixture
def ask(course):
    from jineng.question_threads import services

    def factory(user, *, title="接地线应该先接哪一端？", body="第二课讲验电，我想知道挂接地线时先接哪一端。", **kwargs):
        return services.question_thread_ask(course=kwargs.pop("course", course), title=title, body=body, actor=user,
                                            **kwargs).thread

    return factory
