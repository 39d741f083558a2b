"""A learner's double clicks and two open tabs at the same moment (PostgreSQL only: SQLite
serialises writers). The enrolment row lock and the constraints keep one attempt in progress,
the attempt numbers within the limit, and one grading per submission."""

from __future__ import annotations

import pytest
from django.db import connection

from jineng.audit.models import AuditEntry
from jineng.common.testing import run_together
from jineng.exams import services
from jineng.exams.models import Attempt

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (row locks between connections)"),
    pytest.mark.django_db(transaction=True),
]




def test_simultaneous_starts_make_one_attempt(final_exam, enrolment, learner):
    results, errors = run_together(6, lambda n: services.attempt_start(exam=final_exam, actor=learner).pk)
    assert errors == []
    assert len(set(results)) == 1
    assert list(Attempt.objects.values_list("number", "status")) == [(1, "in_progress")]
    assert AuditEntry.objects.filter(action="exam_attempt.start").count() == 1


def test_simultaneous_starts_cannot_pass_the_limit(final_exam, enrolment, learner):
    first = services.attempt_start(exam=final_exam, actor=learner)
    services.attempt_submit(attempt=first, actor=learner)
    results, errors = run_together(4, lambda n: services.attempt_start(exam=final_exam, actor=learner).pk)
    assert errors == []
    assert sorted(Attempt.objects.values_list("number", flat=True)) == [1, 2]
    assert len(set(results)) == 1


def test_simultaneous_submissions_grade_once(final_exam, enrolment, learner):
    attempt = services.attempt_start(exam=final_exam, actor=learner)
    results, errors = run_together(3, lambda n: services.attempt_submit(attempt=attempt, actor=learner).submitted_at)
    assert errors == []
    assert len(set(results)) == 1
    assert AuditEntry.objects.filter(action="exam_attempt.submit").count() == 1
