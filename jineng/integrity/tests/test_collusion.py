"""Exam collusion: two learners of one organisation whose answers match, submitted minutes apart."""

from __future__ import annotations

import datetime as dt

import pytest

from jineng.audit.models import AuditEntry
from jineng.common import clock
from jineng.exams import services as exam_services
from jineng.exams.tests.conftest import START
from jineng.exams.tests.helpers import answer_paper
from jineng.integrity.detectors import compare_attempts, detect_exam_collusion
from jineng.integrity.models import Flag

pytestmark = pytest.mark.django_db


@pytest.fixture
def colleagues(make_learner, enrol, course, employer):
    users = [make_learner("赵一"), make_learner("钱二")]
    for user in users:
        enrol(user, course, employer)
    return users


def sit(exam, user, *, wrong=(), ip="10.0.0.8", capture=None, seed=None):
    attempt = exam_services.attempt_start(exam=exam, actor=user, seed=seed, ip=ip)
    answer_paper(attempt, user, wrong_questions=set(wrong), ip=ip)
    if capture is None:
        return exam_services.attempt_submit(attempt=attempt, actor=user, ip=ip)
    with capture(execute=True):
        return exam_services.attempt_submit(attempt=attempt, actor=user, ip=ip)


def test_two_matching_attempts_minutes_apart_are_flagged_after_submission(
        whole_bank_exam, colleagues, bank, django_capture_on_commit_callbacks, employer):
    wrong = [bank["single"][0].pk, bank["multiple"][1].pk, bank["fill"][0].pk]
    first = sit(whole_bank_exam, colleagues[0], wrong=wrong, seed=1, capture=django_capture_on_commit_callbacks)
    assert not Flag.objects.exists()
    clock.advance(seconds=4 * 60)
    second = sit(whole_bank_exam, colleagues[1], wrong=wrong, seed=2, capture=django_capture_on_commit_callbacks)
    flag = Flag.objects.get()
    assert (flag.kind, flag.severity, flag.status, flag.region_code, flag.organization) == (
        "exam_collusion", "high", "open", "440204", employer)
    assert sorted(p.name for p in flag.persons.all()) == ["赵一", "钱二"]
    assert flag.title == "考试雷同：赵一 与 钱二（第一单元测试，26/26 题相同，其中相同错误 3 题）"
    evidence = flag.evidence
    assert [a["attempt"] for a in evidence["attempts"]] == [first.pk, second.pk]
    assert [a["submitted_at"] for a in evidence["attempts"]] == [START.astimezone(dt.UTC).isoformat(),
                                                               (START + dt.timedelta(minutes=4)).astimezone(dt.UTC).isoformat()]
    assert (evidence["minutes_apart"], evidence["same_ip"], evidence["questions_in_common"], evidence["compared"],
            evidence["matched"], evidence["weighted_match"]) == (4.0, True, 26, 26, 26, 1.0)
    assert sorted(w["question"] for w in evidence["identical_wrong"]) == sorted(wrong)
    fill = next(w for w in evidence["identical_wrong"] if w["question"] == bank["fill"][0].pk)
    assert fill["answer"] == "不知道"
    assert evidence["parameters"] == {"window_minutes": 10, "min_questions": 10, "min_match": 0.9,
                                      "min_identical_wrong": 1, "wrong_weight": 3}
    assert (flag.subject_type, flag.subject_id) == ("exams.exam", str(whole_bank_exam.pk))
    assert AuditEntry.objects.filter(action="integrity.flag_raise").count() == 1


def test_answers_are_compared_by_meaning_not_by_the_letters_on_screen(whole_bank_exam, colleagues, bank):
    from jineng.exams.selectors import comparable_attempts

    wrong = [bank["single"][3].pk]
    sit(whole_bank_exam, colleagues[0], wrong=wrong, seed=10)
    sit(whole_bank_exam, colleagues[1], wrong=wrong, seed=20)
    a, b = comparable_attempts(exam_id=whole_bank_exam.pk)
    keys_a = {i: a.texts[i] for i in a.answers}
    assert keys_a == {i: b.texts[i] for i in b.answers}  # same meaning
    comparison = compare_attempts(a, b)
    assert (comparison.compared, len(comparison.matched_questions), comparison.identical_wrong) == (26, 26, wrong)


def test_running_the_detector_again_adds_no_flag(whole_bank_exam, colleagues, bank):
    wrong = [bank["single"][0].pk]
    sit(whole_bank_exam, colleagues[0], wrong=wrong)
    sit(whole_bank_exam, colleagues[1], wrong=wrong)
    flags = detect_exam_collusion(exam=whole_bank_exam)
    assert len(flags) == 1 and flags[0].severity == "high"  # same IP and an identical wrong answer
    assert detect_exam_collusion(exam=whole_bank_exam) == flags
    assert Flag.objects.count() == 1


def test_different_answers_are_not_flagged(whole_bank_exam, colleagues, bank):
    sit(whole_bank_exam, colleagues[0], wrong=[q.pk for q in bank["single"][:4]])
    sit(whole_bank_exam, colleagues[1], wrong=[q.pk for q in bank["welding"][:4]])
    assert detect_exam_collusion(exam=whole_bank_exam) == []


def test_questions_someone_got_wrong_weigh_three_times(whole_bank_exam, colleagues, bank):
    # 3 shared wrong answers and 2 wrong answers of each learner's own: 22 of 26 identical (0.85), but
    # weighted — every question one of them got wrong counts 3× — (19 + 3·3) / (19 + 3·3 + 4·3) = 0.70
    from jineng.exams.selectors import comparable_attempts

    shared = [q.pk for q in bank["single"][:3]]
    sit(whole_bank_exam, colleagues[0], wrong=shared + [bank["welding"][0].pk, bank["welding"][1].pk])
    sit(whole_bank_exam, colleagues[1], wrong=shared + [bank["welding"][2].pk, bank["welding"][3].pk])
    comparison = compare_attempts(*comparable_attempts(exam_id=whole_bank_exam.pk))
    assert (len(comparison.matched_questions), comparison.weight_matched, comparison.weight_total) == (22, 28, 40)
    assert comparison.ratio == 0.7
    assert detect_exam_collusion(exam=whole_bank_exam) == []
    assert len(detect_exam_collusion(exam=whole_bank_exam, min_match=0.7)) == 1


def test_attempts_hours_apart_are_not_flagged(whole_bank_exam, colleagues, bank):
    wrong = [bank["single"][0].pk, bank["fill"][1].pk]
    sit(whole_bank_exam, colleagues[0], wrong=wrong)
    clock.advance(seconds=3 * 3600)
    sit(whole_bank_exam, colleagues[1], wrong=wrong)
    assert detect_exam_collusion(exam=whole_bank_exam) == []
    assert len(detect_exam_collusion(exam=whole_bank_exam, window_minutes=240)) == 1


def test_learners_of_different_organisations_are_not_compared(whole_bank_exam, make_learner, enrol, course, employer,
                                                               make_organization, bank):
    users = [make_learner("孙三"), make_learner("李四")]
    enrol(users[0], course, employer)
    enrol(users[1], course, make_organization("440204", name="另一家工厂"))
    wrong = [bank["single"][0].pk]
    sit(whole_bank_exam, users[0], wrong=wrong)
    sit(whole_bank_exam, users[1], wrong=wrong)
    assert detect_exam_collusion(exam=whole_bank_exam) == []


def test_too_few_questions_in_common_are_not_enough(whole_bank_exam, colleagues, bank):
    wrong = [bank["single"][0].pk]
    sit(whole_bank_exam, colleagues[0], wrong=wrong)
    sit(whole_bank_exam, colleagues[1], wrong=wrong)
    assert detect_exam_collusion(exam=whole_bank_exam, min_questions=27) == []


def test_two_perfect_papers_need_min_identical_wrong_zero(whole_bank_exam, colleagues):
    sit(whole_bank_exam, colleagues[0])
    sit(whole_bank_exam, colleagues[1], ip="10.0.0.9")
    assert detect_exam_collusion(exam=whole_bank_exam) == []
    flags = detect_exam_collusion(exam=whole_bank_exam, min_identical_wrong=0)
    assert [f.severity for f in flags] == ["low"]
