"""Exams: setup and its checks, drawing per learner, the server's deadline, the attempt limit,
grading, what is recorded, and the selectors the rest of the system relies on."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from jineng.audit.models import AuditEntry
from jineng.common import clock
from jineng.common.errors import DomainError, PermissionDenied
from jineng.exams import selectors, services
from jineng.exams.models import Attempt, AttemptAnswer, Exam
from jineng.exams.tests.conftest import FINAL_RULES, START
from jineng.exams.tests.helpers import answer_paper, right_answer, wrong_answer

pytestmark = pytest.mark.django_db


# --- setup ---------------------------------------------------------------------------------------

def test_rules_the_bank_cannot_fill_are_refused_at_setup_naming_the_rule(course, bank, operator, welding):
    exam = services.exam_create(course=course, title="期中测试", time_limit_minutes=30, max_attempts=1, pass_score=60,
                                actor=operator)
    with pytest.raises(DomainError) as exc:
        services.exam_rules_set(exam=exam, actor=operator, rules=[
            services.RuleSpec(kind="single", module_id=welding.pk, count=8, points=5),
            services.RuleSpec(kind="fill", count=3, points=5)])
    assert exc.value.code == "not_enough_questions"
    assert exc.value.message == ("组卷规则“单选题 · 模块“焊接工艺””需要 8 道题，题库中只有 6 道可用；"
                                 "组卷规则“填空题 · 不限模块”需要 3 道题，题库中只有 2 道可用。请补充题目或减少题数")
    assert exc.value.field == "rules"
    assert not exam.rules.exists()


def test_an_any_module_rule_counts_what_the_module_rules_take(course, bank, operator, safety):
    exam = services.exam_create(course=course, title="期中测试", time_limit_minutes=30, max_attempts=1, pass_score=60,
                                actor=operator)
    with pytest.raises(DomainError) as exc:  # 16 singles: 10 from 安全生产 leave 6, not 7
        services.exam_rules_set(exam=exam, actor=operator, rules=[
            services.RuleSpec(kind="single", module_id=safety.pk, count=10, points=1),
            services.RuleSpec(kind="single", count=7, points=1)])
    assert "组卷规则“单选题 · 不限模块”需要 7 道题，题库中只有 6 道可用" in exc.value.message


def test_publishing_checks_the_bank_again(course, bank, operator):
    exam = services.exam_create(course=course, title="期中测试", time_limit_minutes=30, max_attempts=1, pass_score=60,
                                rules=[services.RuleSpec(kind="fill", count=2, points=50)], actor=operator)
    services.question_retire(question=bank["fill"][0], actor=operator)
    with pytest.raises(DomainError) as exc:
        services.exam_publish(exam=exam, actor=operator)
    assert exc.value.message == "组卷规则“填空题 · 不限模块”需要 2 道题，题库中只有 1 道可用。请补充题目或减少题数"
    exam.refresh_from_db()
    assert exam.status == "draft"


def test_a_pass_score_above_the_paper_is_refused_at_publication(course, bank, operator):
    exam = services.exam_create(course=course, title="期中测试", time_limit_minutes=30, max_attempts=1, pass_score=60,
                                rules=[services.RuleSpec(kind="fill", count=2, points=10)], actor=operator)
    with pytest.raises(DomainError) as exc:
        services.exam_publish(exam=exam, actor=operator)
    assert (exc.value.code, exc.value.message) == ("pass_score_too_high", "合格分数 60.00 高于试卷满分 20.00")


def test_a_course_has_one_final_assessment(course, bank, operator, final_exam):
    with pytest.raises(DomainError) as exc:
        services.exam_create(course=course, title="第二场结业考核", is_final=True, time_limit_minutes=30, max_attempts=1,
                             pass_score=60, actor=operator)
    assert exc.value.code == "final_assessment_exists"
    assert exc.value.message == "本课程已有结业考核“焊工（初级）结业考核”，每门课程只能有一场结业考核"
    other = services.exam_create(course=course, title="模拟考试", time_limit_minutes=30, max_attempts=1, pass_score=60,
                                 actor=operator)
    with pytest.raises(DomainError):
        services.exam_update(exam=other, actor=operator, title="模拟考试", is_final=True, time_limit_minutes=30,
                             max_attempts=1, pass_score=60)
    with pytest.raises(IntegrityError), transaction.atomic():  # the database holds the line too
        Exam.objects.filter(pk=other.pk).update(is_final=True)
    assert selectors.final_assessment_of(course=course) == final_exam
    assert selectors.course_assessment_problems(course=course) == []


def test_only_the_course_s_authors_set_up_exams(course, bank, other_operator):
    with pytest.raises(PermissionDenied):
        services.exam_create(course=course, title="考试", time_limit_minutes=30, max_attempts=1, pass_score=60,
                             actor=other_operator)


# --- drawing -------------------------------------------------------------------------------------

def test_each_learner_draws_a_paper_by_the_rules(final_exam, enrolment, learner, safety):
    attempt = services.attempt_start(exam=final_exam, actor=learner, seed=42)
    items = list(attempt.items.select_related("question").order_by("position"))
    assert Counter(i.kind for i in items) == {"single": 8, "multiple": 2, "true_false": 4, "fill": 2}
    assert sum(1 for i in items if i.kind == "single" and i.question.module_id == safety.pk) >= 4
    assert [i.kind for i in items] == ["single"] * 8 + ["multiple"] * 2 + ["true_false"] * 4 + ["fill"] * 2
    assert (attempt.seed, attempt.number, attempt.max_score) == (42, 1, Decimal("100.00"))
    assert attempt.deadline == START + dt.timedelta(minutes=30)
    for item in items:  # the snapshot carries the permutation and the key
        if item.kind != "fill":
            assert sorted(o["choice"] for o in item.options) == sorted(c.pk for c in item.question.choices.all())
            assert item.correct == sorted(c.pk for c in item.question.choices.all() if c.is_correct)
        assert item.explanation == item.question.explanation


def test_papers_differ_between_learners_and_a_seed_repeats_one(final_exam, make_learner, enrol, course, employer):
    users = [make_learner(name) for name in ("甲学员", "乙学员", "丙学员")]
    for user in users:
        enrol(user, course, employer)
    attempts = [services.attempt_start(exam=final_exam, actor=users[0], seed=1),
                services.attempt_start(exam=final_exam, actor=users[1], seed=2),
                services.attempt_start(exam=final_exam, actor=users[2], seed=1)]

    def shape(attempt):
        return [(i.question_id, [o["choice"] for o in i.options]) for i in attempt.items.order_by("position")]

    assert shape(attempts[0]) != shape(attempts[1])
    assert shape(attempts[0]) == shape(attempts[2])


def test_options_are_shuffled_per_attempt(whole_bank_exam, enrolment, learner):
    attempt = services.attempt_start(exam=whole_bank_exam, actor=learner, seed=5)
    orders = [[o["choice"] for o in i.options] for i in attempt.items.filter(kind__in=["single", "multiple"])]
    assert sum(order != sorted(order) for order in orders) >= 10


def test_only_enrolled_learners_may_start(final_exam, learner):
    with pytest.raises(PermissionDenied) as exc:
        services.attempt_start(exam=final_exam, actor=learner)
    assert (exc.value.code, exc.value.message) == ("not_enrolled", "只有报名本课程的学员才能参加该考试。请先报名课程")
    assert not Attempt.objects.exists()


def test_a_draft_exam_cannot_be_started(course, bank, operator, enrolment, learner):
    exam = services.exam_create(course=course, title="草稿考试", time_limit_minutes=30, max_attempts=1, pass_score=0,
                                rules=[services.RuleSpec(kind="fill", count=1, points=10)], actor=operator)
    with pytest.raises(DomainError) as exc:
        services.attempt_start(exam=exam, actor=learner)
    assert exc.value.code == "exam_not_open"


def test_starting_again_continues_the_unfinished_attempt(final_exam, enrolment, learner):
    first = services.attempt_start(exam=final_exam, actor=learner)
    assert services.attempt_start(exam=final_exam, actor=learner) == first
    assert Attempt.objects.count() == 1


# --- answering and grading -----------------------------------------------------------------------

def test_a_fully_right_paper_scores_full_marks_and_passes(final_exam, enrolment, learner):
    attempt = services.attempt_start(exam=final_exam, actor=learner, ip="10.1.2.3", user_agent="Mozilla/5.0 手机")
    answer_paper(attempt, learner)
    attempt = services.attempt_submit(attempt=attempt, actor=learner, ip="10.1.2.4", user_agent="Mozilla/5.0 手机")
    assert (attempt.status, attempt.ended_by, attempt.score, attempt.passed) == ("submitted", "learner", Decimal("100.00"),
                                                                                  True)
    assert attempt.submitted_at == START
    assert set(attempt.items.values_list("is_correct", flat=True)) == {True}


def test_wrong_and_blank_answers_earn_nothing(final_exam, enrolment, learner):
    attempt = services.attempt_start(exam=final_exam, actor=learner)
    items = list(attempt.items.order_by("position"))
    multiple = next(i for i in items if i.kind == "multiple")
    fill = next(i for i in items if i.kind == "fill")
    answer_paper(attempt, learner, wrong_questions={multiple.question_id}, skip_positions={fill.position})
    attempt = services.attempt_submit(attempt=attempt, actor=learner)
    assert (attempt.score, attempt.passed) == (Decimal("80.00"), True)
    assert selectors.unanswered_positions(attempt=attempt) == [fill.position]


def test_partial_credit_for_multiple_choice_when_configured(course, bank, operator, enrolment, learner):
    exam = services.exam_create(course=course, title="多选练习考", time_limit_minutes=10, max_attempts=1, pass_score=0,
                                multiple_scoring="partial", rules=[services.RuleSpec(kind="multiple", count=1, points=6)],
                                actor=operator)
    exam = services.exam_publish(exam=exam, actor=operator)
    attempt = services.attempt_start(exam=exam, actor=learner)
    item = attempt.items.get()
    services.attempt_answer(attempt=attempt, actor=learner, position=1, answer=right_answer(item)[:2])  # 2 of 3
    attempt = services.attempt_submit(attempt=attempt, actor=learner)
    assert attempt.score == Decimal("4.00")


def test_every_answer_is_logged_with_server_time_ip_and_device(final_exam, enrolment, learner):
    attempt = services.attempt_start(exam=final_exam, actor=learner, ip="10.1.2.3", user_agent="UA-start")
    first = attempt.items.get(position=1)
    services.attempt_answer(attempt=attempt, actor=learner, position=1, answer=wrong_answer(first), ip="10.1.2.3",
                            user_agent="UA-1")
    clock.advance(seconds=65)
    services.attempt_answer(attempt=attempt, actor=learner, position=1, answer=right_answer(first), ip="10.9.9.9",
                            user_agent="UA-2")
    services.attempt_answer(attempt=attempt, actor=learner, position=1, answer=right_answer(first), ip="10.9.9.9",
                            user_agent="UA-2")  # unchanged: not logged again
    clock.advance(seconds=30)
    attempt = services.attempt_submit(attempt=attempt, actor=learner, ip="10.9.9.9", user_agent="UA-submit")
    log = list(AttemptAnswer.objects.filter(attempt=attempt).values_list("answer", "saved_at", "ip", "user_agent"))
    assert log == [(wrong_answer(first), START, "10.1.2.3", "UA-1"),
                   (right_answer(first), START + dt.timedelta(seconds=65), "10.9.9.9", "UA-2")]
    assert (attempt.start_ip, attempt.start_user_agent, attempt.submit_ip, attempt.submit_user_agent) == (
        "10.1.2.3", "UA-start", "10.9.9.9", "UA-submit")
    assert (attempt.started_at, attempt.submitted_at) == (START, START + dt.timedelta(seconds=95))
    start_entry = AuditEntry.objects.get(action="exam_attempt.start")
    submit_entry = AuditEntry.objects.get(action="exam_attempt.submit")
    assert start_entry.summary["ip"] == "10.1.2.3" and len(start_entry.summary["questions"]) == 16
    assert submit_entry.summary["score"] == str(attempt.score) and len(submit_entry.summary["answers_sha256"]) == 64


def test_an_answer_with_a_key_not_on_the_paper_is_refused_and_nothing_is_saved(final_exam, enrolment, learner):
    attempt = services.attempt_start(exam=final_exam, actor=learner)
    with pytest.raises(DomainError) as exc:
        services.attempt_answers_save(attempt=attempt, actor=learner, answers={1: ["A"], 2: ["Z"]})
    assert exc.value.message == "选项 Z 不在本题中"
    assert not AttemptAnswer.objects.exists()


def test_another_learner_cannot_touch_my_attempt(final_exam, enrolment, learner, make_learner):
    attempt = services.attempt_start(exam=final_exam, actor=learner)
    intruder = make_learner("王五")
    with pytest.raises(DomainError) as exc:
        services.attempt_answer(attempt=attempt, actor=intruder, position=1, answer="A")
    assert exc.value.status == 404


# --- time ----------------------------------------------------------------------------------------

def test_an_answer_after_the_deadline_is_refused_and_the_attempt_is_submitted(final_exam, enrolment, learner):
    attempt = services.attempt_start(exam=final_exam, actor=learner)
    answer_paper(attempt, learner)
    last = attempt.items.order_by("position").last()
    clock.travel_to(attempt.deadline)  # exactly at the deadline: still in time
    services.attempt_answer(attempt=attempt, actor=learner, position=last.position, answer=wrong_answer(last))
    clock.advance(seconds=1)
    with pytest.raises(services.TimeOver) as exc:
        services.attempt_answer(attempt=attempt, actor=learner, position=last.position, answer=right_answer(last))
    assert (exc.value.code, exc.value.status) == ("time_over", 409)
    attempt.refresh_from_db()
    assert (attempt.status, attempt.ended_by, attempt.submitted_at) == ("submitted", "deadline", attempt.deadline)
    assert attempt.score == Decimal("90.00")  # the fill-in answered wrong in time counts as given
    assert AttemptAnswer.objects.filter(item=last).count() == 2


def test_an_overdue_attempt_is_submitted_on_the_next_access(final_exam, enrolment, learner):
    attempt = services.attempt_start(exam=final_exam, actor=learner)
    answer_paper(attempt, learner)
    clock.advance(seconds=31 * 60)
    assert selectors.exam_intro(user=learner, exam=final_exam).in_progress == attempt
    attempt = services.attempt_finalize_if_overdue(attempt=attempt)
    assert (attempt.status, attempt.ended_by, attempt.score, attempt.passed) == ("submitted", "deadline",
                                                                                  Decimal("100.00"), True)
    assert attempt.submitted_at == START + dt.timedelta(minutes=30)


def test_the_scheduled_sweep_submits_every_overdue_attempt(final_exam, whole_bank_exam, make_learner, enrol, course,
                                                           employer):
    users = [make_learner(n) for n in ("甲", "乙")]
    for user in users:
        enrol(user, course, employer)
    late = services.attempt_start(exam=final_exam, actor=users[0])           # 30 minutes
    later = services.attempt_start(exam=whole_bank_exam, actor=users[1])     # 20 minutes
    clock.advance(seconds=25 * 60)
    assert services.attempts_finalize_overdue() == 1
    assert Attempt.objects.get(pk=later.pk).status == "submitted"
    assert Attempt.objects.get(pk=late.pk).status == "in_progress"
    clock.advance(seconds=10 * 60)
    assert services.attempts_finalize_overdue() == 1
    assert services.attempts_finalize_overdue() == 0
    assert AuditEntry.objects.filter(action="exam_attempt.submit", actor_id=None).count() == 2


def test_submitting_after_the_deadline_is_graded_as_the_server_s_submission(final_exam, enrolment, learner):
    attempt = services.attempt_start(exam=final_exam, actor=learner)
    clock.advance(seconds=45 * 60)
    attempt = services.attempt_submit(attempt=attempt, actor=learner)
    assert (attempt.ended_by, attempt.submitted_at, attempt.score) == ("deadline", attempt.deadline, Decimal("0.00"))


# --- attempts ------------------------------------------------------------------------------------

def test_a_further_attempt_past_the_limit_is_refused_with_what_to_do(final_exam, enrolment, learner):
    for _ in range(2):
        attempt = services.attempt_start(exam=final_exam, actor=learner)
        services.attempt_submit(attempt=attempt, actor=learner)
    with pytest.raises(DomainError) as exc:
        services.attempt_start(exam=final_exam, actor=learner)
    assert exc.value.code == "attempts_exhausted"
    assert exc.value.message == ("本考试最多允许参加 2 次，您已参加 2 次，不能再次参加。"
                                 "如需补考，请联系本单位的线上培训管理员（或课程提供单位）申请。")
    assert exc.value.details == {"max_attempts": 2, "used": 2}
    assert Attempt.objects.count() == 2
    intro = selectors.exam_intro(user=learner, exam=final_exam)
    assert (intro.attempts_used, intro.attempts_left, intro.can_start, intro.refusal) == (2, 0, False, exc.value.message)


def test_settings_that_change_grading_are_fixed_once_someone_sat_the_exam(final_exam, enrolment, learner, operator):
    services.attempt_start(exam=final_exam, actor=learner)
    with pytest.raises(DomainError) as exc:
        services.exam_rules_set(exam=final_exam, actor=operator, rules=FINAL_RULES)
    assert exc.value.code == "exam_has_attempts"
    with pytest.raises(DomainError):
        services.exam_update(exam=final_exam, actor=operator, title=final_exam.title, is_final=True,
                             time_limit_minutes=30, max_attempts=2, pass_score=50)
    exam = services.exam_update(exam=final_exam, actor=operator, title=final_exam.title, is_final=True,
                                time_limit_minutes=45, max_attempts=3, pass_score=60)  # more time, one more try
    assert (exam.time_limit_minutes, exam.max_attempts) == (45, 3)


# --- results -------------------------------------------------------------------------------------

def test_final_assessment_result_takes_the_best_attempt(final_exam, enrolment, learner):
    assert selectors.final_assessment_result(enrolment=enrolment) is None
    assert selectors.final_assessment_passed(enrolment=enrolment) is False
    first = services.attempt_start(exam=final_exam, actor=learner)
    services.attempt_submit(attempt=first, actor=learner)  # blank: 0 points
    assert selectors.final_assessment_result(enrolment=enrolment)[:2] == (False, Decimal("0.00"))
    assert selectors.final_assessment_passed(enrolment=enrolment) is False
    clock.advance(seconds=3600)
    second = services.attempt_start(exam=final_exam, actor=learner)
    answer_paper(second, learner)
    services.attempt_submit(attempt=second, actor=learner)
    passed, best, attempt = selectors.final_assessment_result(enrolment=enrolment)
    assert (passed, best, attempt.pk) == (True, Decimal("100.00"), second.pk)
    assert selectors.final_assessment_passed(enrolment=enrolment) is True


def test_other_exams_do_not_count_as_the_final_assessment(final_exam, whole_bank_exam, enrolment, learner):
    attempt = services.attempt_start(exam=whole_bank_exam, actor=learner)
    answer_paper(attempt, learner)
    services.attempt_submit(attempt=attempt, actor=learner)
    assert selectors.final_assessment_result(enrolment=enrolment) is None


def test_exam_results_for_course(final_exam, whole_bank_exam, enrolment, learner, make_learner, enrol, course,
                                 django_assert_max_num_queries):
    other = make_learner("张三")
    enrol(other, course)
    attempt = services.attempt_start(exam=final_exam, actor=learner)
    answer_paper(attempt, learner)
    services.attempt_submit(attempt=attempt, actor=learner)
    services.attempt_start(exam=final_exam, actor=other)
    with django_assert_max_num_queries(3):
        rows = selectors.exam_results_for_course(course=course)
    assert [(r.enrolment.person.name, r.exam.title, r.attempts_used, r.best_score, r.passed, r.in_progress)
            for r in rows] == [
        ("李小红", "焊工（初级）结业考核", 1, Decimal("100.00"), True, False),
        ("李小红", "第一单元测试", 0, None, False, False),
        ("张三", "焊工（初级）结业考核", 1, None, False, True),
        ("张三", "第一单元测试", 0, None, False, False),
    ]
    assert [r.enrolment.person.name for r in selectors.exam_results_for_course(
        course=course, organization_ids=[enrolment.organization_id])] == ["李小红", "李小红"]
