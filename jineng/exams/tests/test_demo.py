"""The demo bank and final assessment load through the services, and load once."""

from __future__ import annotations

import pytest

from jineng.exams.demo import QUESTIONS, exams_load_demo
from jineng.exams.models import Exercise, Question

pytestmark = pytest.mark.django_db


def test_the_demo_builds_a_published_final_assessment_once(course, operator, enrolment, learner):
    from jineng.exams import selectors, services

    exam = exams_load_demo(course=course, author=operator)
    assert (exam.is_final, exam.status, Question.objects.count(), Exercise.objects.count()) == (
        True, "published", len(QUESTIONS), 1)
    assert selectors.paper_summary(exam=exam).total_points == 100
    assert exams_load_demo(course=course, author=operator) == exam
    assert Question.objects.count() == len(QUESTIONS)
    attempt = services.attempt_start(exam=exam, actor=learner)
    assert attempt.items.count() == 17
