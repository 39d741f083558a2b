"""Authors working on one course at the same moment (PostgreSQL only: SQLite serialises writers
with BEGIN IMMEDIATE). The course row lock keeps module positions distinct and lets only one
publication through."""

from __future__ import annotations

import pytest
from django.db import connection

from jineng.common.errors import DomainError
from jineng.common.testing import run_together
from jineng.courses import services
from jineng.courses.models import Course

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (row locks between connections)"),
    pytest.mark.django_db(transaction=True),
]




def test_modules_added_at_once_get_distinct_positions(course, operator):
    _, errors = run_together(6, lambda n: services.module_add(course=course, title=f"模块{n}", category="public",
                                                              planned_minutes=45, actor=operator))
    assert errors == []
    assert sorted(course.modules.values_list("position", flat=True)) == [1, 2, 3, 4, 5, 6]


def test_only_one_of_two_simultaneous_publications_goes_through(course, document_lesson, operator):
    results, errors = run_together(2, lambda n: services.course_publish(course=course, actor=operator))
    assert len(results) == 1
    assert [e.message for e in errors if isinstance(e, DomainError)] == ["课程当前状态为“已发布”，不能发布"]
    assert Course.objects.get(pk=course.pk).status == "published"
