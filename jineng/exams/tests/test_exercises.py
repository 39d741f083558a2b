"""Exercises after lessons: set by the author, answered one at a time with immediate feedback,
recorded, and never counted toward completion."""

from __future__ import annotations

import pytest

from jineng.common import clock
from jineng.common.errors import DomainError, PermissionDenied
from jineng.exams import selectors, services
from jineng.exams.models import ExerciseAnswer
from jineng.exams.tests.conftest import START
from jineng.learning.models import Enrolment

pytestmark = pytest.mark.django_db


@pytest.fixture
def lesson(course):
    return course.modules.get(title="安全生产").lessons.get()


@pytest.fixture
def exercise(lesson, bank, operator):
    return services.exercise_set(lesson=lesson, actor=operator, question_ids=[
        bank["single"][0].pk, bank["multiple"][0].pk, bank["true_false"][0].pk, bank["fill"][0].pk])


def test_an_exercise_lists_its_questions_without_answers(exercise, lesson, learner):
    assert exercise.title == "安全生产第一课 · 课后练习"
    rows = selectors.exercise_questions(exercise=exercise, person_id=learner.person_id)
    assert [(r.position, r.kind, r.last_correct) for r in rows] == [
        (1, "single", None), (2, "multiple", None), (3, "true_false", None), (4, "fill", None)]
    assert rows[0].options == [{"key": "A", "text": "正确做法1"}, {"key": "B", "text": "干扰项甲1"},
                               {"key": "C", "text": "干扰项乙1"}, {"key": "D", "text": "干扰项丙1"}]
    assert rows[3].options == []


@pytest.mark.parametrize(("position", "answer", "correct", "correct_display"), [
    (1, ["A"], True, "A"),
    (1, ["B"], False, "A"),
    (2, ["A", "B", "D"], True, "A、B、D"),
    (2, ["A", "B"], False, "A、B、D"),
    (3, ["B"], True, "B"),
    (4, "预防", True, "预防为主 或 预防"),
    (4, "安全", False, "预防为主 或 预防"),
], ids=["single-right", "single-wrong", "multiple-right", "multiple-missing-one", "true-false-right", "fill-alternative",
        "fill-wrong"])
def test_each_answer_gets_immediate_feedback_with_the_explanation(exercise, enrolment, learner, bank, position, answer,
                                                                  correct, correct_display):
    question_id = selectors.exercise_questions(exercise=exercise, person_id=None)[position - 1].id
    feedback = services.exercise_answer(exercise=exercise, question_id=question_id, answer=answer, actor=learner)
    assert (feedback.correct, feedback.correct_display) == (correct, correct_display)
    assert feedback.explanation.startswith("解析")
    record = ExerciseAnswer.objects.get()
    assert (record.person_id, record.enrolment_id, record.is_correct, record.answered_at) == (
        learner.person_id, enrolment.pk, correct, START)


def test_every_try_is_kept_and_the_latest_shows(exercise, enrolment, learner):
    first = selectors.exercise_questions(exercise=exercise, person_id=None)[0].id
    services.exercise_answer(exercise=exercise, question_id=first, answer=["B"], actor=learner)
    clock.advance(seconds=20)
    services.exercise_answer(exercise=exercise, question_id=first, answer=["A"], actor=learner)
    assert list(ExerciseAnswer.objects.order_by("answered_at").values_list("is_correct", flat=True)) == [False, True]
    assert selectors.exercise_questions(exercise=exercise, person_id=learner.person_id)[0].last_correct is True


def test_exercises_do_not_count_toward_completion(exercise, enrolment, learner):
    before = Enrolment.objects.values("credited_ms", "last_studied_at").get(pk=enrolment.pk)
    for row in selectors.exercise_questions(exercise=exercise, person_id=None):
        services.exercise_answer(exercise=exercise, question_id=row.id, answer="A" if row.kind != "fill" else "x",
                                 actor=learner)
    assert Enrolment.objects.values("credited_ms", "last_studied_at").get(pk=enrolment.pk) == before
    assert selectors.final_assessment_result(enrolment=enrolment) is None


def test_only_enrolled_learners_answer_and_blank_answers_are_refused(exercise, learner, enrol, course):
    question_id = selectors.exercise_questions(exercise=exercise, person_id=None)[0].id
    with pytest.raises(PermissionDenied) as exc:
        services.exercise_answer(exercise=exercise, question_id=question_id, answer=["A"], actor=learner)
    assert exc.value.code == "not_enrolled"
    enrol(learner, course)
    with pytest.raises(DomainError) as exc:
        services.exercise_answer(exercise=exercise, question_id=question_id, answer=[], actor=learner)
    assert exc.value.code == "answer_required"


def test_an_exercise_takes_only_this_course_s_active_questions(lesson, bank, operator, course):
    services.question_retire(question=bank["single"][1], actor=operator)
    with pytest.raises(DomainError) as exc:
        services.exercise_set(lesson=lesson, actor=operator, question_ids=[bank["single"][0].pk, bank["single"][1].pk])
    assert (exc.value.code, exc.value.details) == ("unknown_question", {"questions": [bank["single"][1].pk]})


def test_the_exercise_page_gives_feedback(exercise, enrolment, learner, learner_client, lesson):
    response = learner_client.get(f"/exams/lessons/{lesson.pk}/exercise/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "第 1 / 4 题" in html and "解析单选1" not in html
    response = learner_client.post(f"/exams/lessons/{lesson.pk}/exercise/", {"position": "1", "answer": "B"})
    html = response.content.decode()
    assert "回答错误" in html and "正确答案：A" in html and "解析单选1：焊接弧光伤眼" in html
    response = learner_client.post(f"/exams/lessons/{lesson.pk}/exercise/", {"position": "4", "answer": " 预防为主 "})
    assert "回答正确" in response.content.decode()
