"""The pages: a learner's intro, paper, confirmation, result and the refusal past the limit; the
author's bank, exam and rule pages."""

from __future__ import annotations

import re

import pytest

from jineng.common import clock
from jineng.exams import services
from jineng.exams.models import Attempt, Exam, Question
from jineng.exams.tests.helpers import right_answer
from jineng.identity.models import Role

pytestmark = pytest.mark.django_db


def form_answers(attempt, *, skip=()) -> dict:
    data = {}
    for item in attempt.items.order_by("position"):
        if item.position not in skip:
            data[f"q{item.position}"] = right_answer(item)
    return data


def test_a_learner_takes_the_exam_through_the_pages(final_exam, enrolment, learner, learner_client):
    client = learner_client
    intro = client.get(f"/exams/{final_exam.pk}/").content.decode()
    assert "最多 2 次，已考 0 次，剩余 2 次" in intro and "开始第 1 次考试" in intro
    response = client.post(f"/exams/{final_exam.pk}/start/", REMOTE_ADDR="10.0.0.7", HTTP_USER_AGENT="Phone/1.0")
    attempt = Attempt.objects.get()
    assert response["Location"] == f"/exams/attempts/{attempt.pk}/"
    assert (attempt.start_ip, attempt.start_user_agent) == ("10.0.0.7", "Phone/1.0")
    paper = client.get(response["Location"]).content.decode()
    assert paper.count('class="card item-q"') == 16
    assert 'data-seconds-left="1800"' in paper and 'src="/static/exams/paper.js"' in paper
    assert "<script>" not in paper and "style=" not in paper  # strict CSP: no inline script or style

    fill_positions = list(attempt.items.filter(kind="fill").values_list("position", flat=True))
    response = client.post(f"/exams/attempts/{attempt.pk}/", form_answers(attempt, skip=fill_positions))
    assert response["Location"] == f"/exams/attempts/{attempt.pk}/confirm/"
    confirm = client.get(response["Location"]).content.decode()
    listed = re.findall(r"第 (\d+) 题</a>", confirm)
    assert [int(p) for p in listed] == fill_positions
    assert f"还有 {len(fill_positions)} 题未作答" in confirm

    clock.advance(seconds=600)
    response = client.post(f"/exams/attempts/{attempt.pk}/submit/")
    assert response["Location"] == f"/exams/attempts/{attempt.pk}/result/"
    result = client.get(response["Location"]).content.decode()
    assert "80.00 分" in result and '<strong class="ok">合格</strong>' in result and "满分 100.00 分，合格 60.00 分" in result
    assert "解析填空1" in result or "解析填空2" in result
    assert result.count('class="card review-item') == 16
    assert "第 1 次（共可考 2 次，剩余 1 次）" in result


def test_a_further_attempt_past_the_limit_is_refused_on_the_page(final_exam, enrolment, learner, learner_client):
    for _ in range(2):
        services.attempt_submit(attempt=services.attempt_start(exam=final_exam, actor=learner), actor=learner)
    intro = learner_client.get(f"/exams/{final_exam.pk}/").content.decode()
    assert 'id="refusal"' in intro and "本考试最多允许参加 2 次，您已参加 2 次" in intro
    assert "开始第" not in intro
    response = learner_client.post(f"/exams/{final_exam.pk}/start/", follow=True)
    assert "本考试最多允许参加 2 次，您已参加 2 次，不能再次参加。如需补考，请联系本单位的线上培训管理员" in response.content.decode()
    assert Attempt.objects.count() == 2


def test_an_overdue_attempt_opened_again_shows_the_result(final_exam, enrolment, learner, learner_client):
    attempt = services.attempt_start(exam=final_exam, actor=learner)
    clock.advance(seconds=31 * 60)
    response = learner_client.get(f"/exams/attempts/{attempt.pk}/", follow=True)
    html = response.content.decode()
    assert "考试时间已到，系统已按截止前保存的答案自动交卷" in html
    assert Attempt.objects.get().ended_by == "deadline"


def test_the_countdown_posting_the_paper_at_the_deadline_keeps_answers_in_time(final_exam, enrolment, learner,
                                                                                learner_client):
    attempt = services.attempt_start(exam=final_exam, actor=learner)
    clock.advance(seconds=29 * 60)
    learner_client.post(f"/exams/attempts/{attempt.pk}/submit/", form_answers(attempt))
    attempt.refresh_from_db()
    assert (attempt.score, attempt.ended_by) == (100, "learner")


def test_someone_else_s_attempt_is_not_found(final_exam, enrolment, learner, make_learner, client):
    attempt = services.attempt_start(exam=final_exam, actor=learner)
    client.force_login(make_learner("王五"))
    assert client.get(f"/exams/attempts/{attempt.pk}/").status_code == 404
    assert client.get(f"/exams/attempts/{attempt.pk}/result/").status_code == 404


def test_a_draft_exam_is_not_shown_to_learners(course, bank, operator, enrolment, learner_client):
    exam = services.exam_create(course=course, title="草稿", time_limit_minutes=10, max_attempts=1, pass_score=0,
                                actor=operator)
    assert learner_client.get(f"/exams/{exam.pk}/").status_code == 404
    assert "草稿" not in learner_client.get(f"/exams/courses/{course.pk}/").content.decode()


def test_the_author_pages(course, bank, operator, staff_client, safety):
    client = staff_client(operator)
    hub = client.get(f"/exams/manage/courses/{course.pk}/").content.decode()
    assert "题库（在用 26 道）" in hub and "课程还没有结业考核" in hub
    listing = client.get(f"/exams/manage/courses/{course.pk}/questions/?kind=fill").content.decode()
    assert listing.count('class="card question"') == 2 and "预防为主|预防" in listing
    response = client.post(f"/exams/manage/courses/{course.pk}/questions/new/", {
        "kind": "single", "stem": "新题", "option_a": "甲", "option_b": "乙", "answer": "C", "module": safety.pk})
    assert response.status_code == 200
    assert "答案：答案“C”中的 C 不是本题的选项（本题选项为 A–B）" in response.content.decode()
    response = client.post(f"/exams/manage/courses/{course.pk}/questions/new/", {
        "kind": "single", "stem": "新题", "option_a": "甲", "option_b": "乙", "answer": "B", "module": safety.pk})
    assert response.status_code == 302
    assert Question.objects.get(stem="新题").module == safety

    response = client.post(f"/exams/manage/courses/{course.pk}/exams/new/", {
        "title": "结业考核", "is_final": "on", "time_limit_minutes": "30", "max_attempts": "2", "pass_score": "60",
        "multiple_scoring": "all_or_nothing", "shuffle_questions": "on", "shuffle_options": "on"})
    exam = Exam.objects.get()
    assert response["Location"] == f"/exams/manage/exams/{exam.pk}/"
    response = client.post(f"/exams/manage/exams/{exam.pk}/rules/", {
        "rule_kind": ["single", "fill", ""], "rule_module": [str(safety.pk), "", ""], "rule_count": ["12", "2", ""],
        "rule_points": ["5", "10", ""]})
    assert response.status_code == 400
    assert "组卷规则“单选题 · 模块“安全生产””需要 12 道题，题库中只有 11 道可用" in response.content.decode()
    response = client.post(f"/exams/manage/exams/{exam.pk}/rules/", {
        "rule_kind": ["single", "fill"], "rule_module": [str(safety.pk), ""], "rule_count": ["8", "2"],
        "rule_points": ["5", "10"]})
    assert response.status_code == 302
    client.post(f"/exams/manage/exams/{exam.pk}/publish/")
    exam.refresh_from_db()
    assert exam.status == "published"
    page = client.get(f"/exams/manage/exams/{exam.pk}/").content.decode()
    assert "试卷共 10 题，满分 60.00 分" in page


def test_the_results_page_for_authors_and_training_admins(final_exam, enrolment, learner, operator, staff_client,
                                                          make_staff, employer, course, make_learner, enrol):
    other = make_learner("个人报名者")
    enrol(other, course)
    services.attempt_submit(attempt=services.attempt_start(exam=final_exam, actor=learner), actor=learner)
    page = staff_client(operator).get(f"/exams/manage/courses/{course.pk}/results/").content.decode()
    assert "李小红" in page and "个人报名者" in page
    admin = make_staff(Role.TRAINING_ADMIN, organization=employer, username="hr")
    page = staff_client(admin).get(f"/exams/manage/courses/{course.pk}/results/").content.decode()
    assert "李小红" in page and "个人报名者" not in page
