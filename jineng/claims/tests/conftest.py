"""Fixtures for the claims tests: Shaoguan (浈江区) with an enterprise, its training
administrator, the county reviewer, and a finished project filed on 2020-03-02 (training
2020-03-16 … 2020-04-10) with two learners on the approved roster: 张三丰 passed with 20 class
hours (900 minutes), 李四 studied 600 minutes and failed the final assessment."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from jineng.claims.tests import factories as f
from jineng.common import clock
from jineng.identity.models import Role


@pytest.fixture(autouse=True)
def frozen_clock():
    clock.travel_to(f.shanghai(2020, 4, 20, 9, 0))  # a Monday, ten days after the training ended

    def move(moment):
        clock.travel_to(moment)
        return moment

    yield move
    clock.reset()


@pytest.fixture
def signed_in():
    """A client of its own per user, signed in with both factors through the pages; with
    ``strict=True`` it enforces CSRF like a browser. (One sign-in per user and test: a TOTP code
    is accepted once.)"""
    from django.test import Client

    from jineng.identity import two_factor

    def sign_in(user, *, strict: bool = False) -> Client:
        client = Client(enforce_csrf_checks=strict)
        client.get("/accounts/login/")

        def csrf() -> dict:  # the token rotates at sign-in
            return {"csrfmiddlewaretoken": client.cookies["csrftoken"].value} if strict else {}

        response = client.post("/accounts/login/", {"username": user.username, "password": user.plain_password,
                                                    **csrf()})
        assert response.status_code == 302, response.content[:300]
        response = client.post("/accounts/otp/", {
            "token": two_factor.current_token(two_factor.confirmed_device(user=user)), **csrf()})
        assert response.status_code == 302, response.content[:300]
        return client

    return sign_in


@pytest.fixture
def employer(regions, make_organization):
    return make_organization("440204", kind="enterprise", name="浈江机械厂", size="sme")


@pytest.fixture
def provider(regions, make_organization):
    return make_organization("440204", kind="institution", name="韶关技工学校")


@pytest.fixture
def training_admin(make_staff, employer):
    return make_staff(Role.TRAINING_ADMIN, organization=employer, username="admin_zj")


@pytest.fixture
def reviewer(make_staff, regions):
    return make_staff(Role.COUNTY_REVIEWER, region=regions["zhenjiang"], username="reviewer_zj")


@pytest.fixture
def other_reviewer(make_staff, regions):
    return make_staff(Role.COUNTY_REVIEWER, region=regions["wujiang"], username="reviewer_wj")


@pytest.fixture
def course(provider, training_admin):
    return f.make_course(provider=provider, created_by=training_admin)


@pytest.fixture
def learners():
    return {"passed": f.make_learner(name="张三丰"), "failed": f.make_learner(name="李四")}


@pytest.fixture
def project(employer, training_admin, course, learners):
    project = f.make_project(organization=employer, created_by=training_admin, course=course)
    for key, minutes, score in (("passed", 900, Decimal("86")), ("failed", 600, Decimal("42"))):
        f.add_to_roster(project=project, user=learners[key], organization=employer)
        f.study(project=project, user=learners[key], course=course, organization=employer, minutes=minutes,
                by=training_admin, final_score=score)
    return project


# --- 晋江 (晋政办〔2019〕79号): project-based training paid 60 % in advance -------------------------------

@pytest.fixture
def jinjiang(regions):
    from jineng.regions.models import Region

    def make(code, name, level, parent=None):
        return Region.objects.create(code=code, name=name, level=level, parent=parent, province_code=code[:2] + "0000",
                                     city_code=(code[:4] + "00") if level != "province" else "")

    fujian = make("350000", "福建省", "province")
    quanzhou = make("350500", "泉州市", "city", fujian)
    return {"fujian": fujian, "quanzhou": quanzhou, "jinjiang": make("350582", "晋江市", "county", quanzhou)}


@pytest.fixture
def jj_employer(jinjiang, make_organization):
    return make_organization("350582", kind="enterprise", name="晋江鞋业有限公司", size="sme")


@pytest.fixture
def jj_admin(make_staff, jj_employer):
    return make_staff(Role.TRAINING_ADMIN, organization=jj_employer, username="admin_jj")


@pytest.fixture
def jj_reviewer(make_staff, jinjiang):
    return make_staff(Role.COUNTY_REVIEWER, region=jinjiang["jinjiang"], username="reviewer_jj")


@pytest.fixture
def jj_project(jj_employer, jj_admin, provider):
    """A Jinjiang on-the-job project (800.00 per learner who passes and is certified, 二(六)2),
    running from 2020-04-13 to 2020-05-15, two employees on the approved roster who have studied
    300 of the 900 planned minutes so far. ``jj_project.study`` maps name → enrolment."""
    course = f.make_course(provider=provider, created_by=jj_admin)
    project = f.make_project(organization=jj_employer, created_by=jj_admin, course=course,
                             policy_pack="jinjiang-2019-79", start=dt.date(2020, 4, 13), end=dt.date(2020, 5, 15),
                             filed_on=dt.date(2020, 4, 1), state="running", name="2020年制鞋工岗位技能提升培训")
    project.study = {}
    for name in ("陈美玲", "林志强"):
        learner = f.make_learner(name=name, region_code="350582")
        f.add_to_roster(project=project, user=learner, organization=jj_employer)
        project.study[name] = f.study(project=project, user=learner, course=course, organization=jj_employer,
                                           minutes=300, by=jj_admin)
    project.course = course
    return project
