from __future__ import annotations

import datetime as dt

import pytest

from jineng.common import clock
from jineng.learning.services.common import SHANGHAI
from jineng.learning.tests import factories

# 2026-03-02 09:00 in Shanghai: a Monday morning.
START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def frozen_clock():
    clock.travel_to(START)
    yield START
    clock.reset()


@pytest.fixture
def rules(settings):
    """Deterministic rules for service tests: no random presence prompts unless a test asks."""

    def apply(**overrides):
        settings.JINENG_LEARNING = {"PRESENCE_INTERVAL_SECONDS": 0, **overrides}

    apply()
    return apply


@pytest.fixture
def provider(regions, make_organization):
    return make_organization("440204", kind="institution", name="韶关技工学校")


@pytest.fixture
def author(make_staff, provider):
    return make_staff("platform_operator", organization=provider)


@pytest.fixture
def course(provider, author):
    course = factories.make_course(provider=provider, created_by=author)
    first, second = course.modules.order_by("position")
    factories.add_video(first, seconds=600, planned_minutes=10)
    factories.add_document(first)
    factories.add_video(second, title="第三课 接线", seconds=1200, planned_minutes=20)
    return course


@pytest.fixture
def video(course):
    return course.modules.order_by("position").first().lessons.get(kind="video")


@pytest.fixture
def learner(regions):
    return factories.make_learner()


@pytest.fixture
def enrolment(learner, course):
    from jineng.learning.services import enrolment_create

    return enrolment_create(course=course, actor=learner)
