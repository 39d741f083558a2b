"""Fixtures for the practicals tests: 韶关 (浈江区) and 攀枝花 (东区) enterprises with training
administrators, a running blended project with an offline outline module and two learners on
its roster, city officers, and the one clock frozen on a Monday morning."""

from __future__ import annotations

import datetime as dt

import pytest

from jineng.common import clock
from jineng.identity.models import Role
from jineng.practicals import services
from jineng.practicals.tests import factories
from jineng.practicals.tests.factories import shanghai

# 2026-03-02 09:00 in Shanghai: a Monday morning, inside the project's period.
NOW = shanghai(2026, 3, 2, 9, 0)
SESSION_START = shanghai(2026, 3, 10, 9, 0)


@pytest.fixture(autouse=True)
def frozen_clock():
    clock.travel_to(NOW)
    yield clock.travel_to
    clock.reset()


@pytest.fixture
def enterprise(regions, make_organization):
    return make_organization("440204", name="韶关市浈江区丹霞精密制造有限公司")


@pytest.fixture
def other_enterprise(regions, make_organization):
    return make_organization("440203", name="韶关市武江区顺达物流股份有限公司")


@pytest.fixture
def pzh_enterprise(regions, make_organization):
    return make_organization("510402", name="攀枝花市东区钒钛新材料有限公司")


@pytest.fixture
def training_admin(make_staff, enterprise):
    return make_staff(Role.TRAINING_ADMIN, organization=enterprise, username="danxia_admin")


@pytest.fixture
def other_admin(make_staff, other_enterprise):
    return make_staff(Role.TRAINING_ADMIN, organization=other_enterprise, username="shunda_admin")


@pytest.fixture
def officer(make_staff, regions):
    return make_staff(Role.CITY_OFFICER, region=regions["shaoguan"], username="sg_city")


@pytest.fixture
def pzh_officer(make_staff, regions):
    return make_staff(Role.CITY_OFFICER, region=regions["panzhihua"], username="pzh_city")


@pytest.fixture
def county_reviewer(make_staff, regions):
    return make_staff(Role.COUNTY_REVIEWER, region=regions["zhenjiang"], username="zhenjiang")


@pytest.fixture
def project(enterprise, training_admin):
    return factories.make_project(organization=enterprise, created_by=training_admin)


@pytest.fixture
def offline_module(project):
    factories.add_module(project, title="安全用电理论", mode="online", minutes=180, category="public")
    return factories.add_module(project, title="低压电工实操", mode="offline", minutes=240)


@pytest.fixture
def learner(project):
    user = factories.make_learner(name="王实操")
    factories.add_to_roster(project, user)
    return user


@pytest.fixture
def second_learner(project):
    user = factories.make_learner(name="赵实操")
    factories.add_to_roster(project, user)
    return user


@pytest.fixture
def outsider(regions):
    return factories.make_learner(name="钱路人")


def session_data(**overrides) -> services.SessionData:
    values = {"title": "低压配电柜接线实操", "location": "韶关市浈江区丹霞路 8 号实训车间", "starts_at": SESSION_START,
              "ends_at": SESSION_START + dt.timedelta(hours=2), "trainer_name": "陈师傅", "capacity": 30}
    values.update(overrides)
    return services.SessionData(**values)


@pytest.fixture
def session(project, offline_module, training_admin, learner):
    return services.session_schedule(project=project, data=session_data(outline_module=offline_module),
                                     actor=training_admin)
