"""The exams API: nothing of the answer key reaches the browser before submission; CSRF on every
state change; the deadline; authoring through the API."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from jineng.common import clock
from jineng.exams.models import Attempt, AttemptAnswer, Question
from jineng.exams.tests.helpers import right_answer, wrong_answer, xlsx_upload

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    """A browser-like session that enforces CSRF, signed in through the login page (learners: phone + password)."""
    client = Client(enforce_csrf_checks=True, HTTP_USER_AGENT="Mozilla/5.0 (Linux; Android 10) 测试手机",
                    REMOTE_ADDR="10.20.30.40")
    client.get("/accounts/login/")
    response = client.post("/accounts/login/", {"username": user.username, "password": user.plain_password,
                                                "csrfmiddlewaretoken": client.cookies["csrftoken"].value})
    assert response.status_code == 302
    if not user.person_id:
        from jineng.identity import two_factor

        response = client.post("/accounts/otp/", {
            "token": two_factor.current_token(two_factor.confirmed_device(user=user)),
            "csrfmiddlewaretoken": client.cookies["csrftoken"].value})
        assert response.status_code == 302
    return client


def call(client: Client, method: str, path: str, body=None, **kwargs):
    if body is not None:
        kwargs.update(data=json.dumps(body), content_type="application/json")
    return getattr(client, method)(f"/api/exams{path}", headers={"X-CSRFToken": client.cookies["csrftoken"].value},
                                   **kwargs)


def secrets_of(attempt: Attempt) -> dict[str, list[str]]:
    """What must not be in any response during the attempt: explanations, accepted fill-in
    answers (the choice ids never leave: options go out as neutral keys and texts)."""
    items = list(attempt.items.all())
    return {
        "explanations": [i.explanation for i in items if i.explanation],
        "accepted": [a for i in items if i.kind == "fill" for a in i.correct],
    }


def test_no_correct_answer_reaches_the_browser_before_submission(final_exam, enrolment, learner):
    client = signed_in(learner)
    response = call(client, "post", f"/exams/{final_exam.pk}/attempts")
    assert response.status_code == 201
    body = response.json()
    attempt = Attempt.objects.get()
    secret = secrets_of(attempt)
    assert set(body) == {"id", "exam_id", "number", "status", "started_at", "deadline", "seconds_left", "questions"}
    for question in body["questions"]:
        assert set(question) == {"position", "kind", "kind_label", "stem", "points", "options", "saved"}
        for option in question["options"]:
            assert set(option) == {"key", "text"}
    # options are shown in this attempt's shuffled order, under neutral keys
    stored = {i.position: [o["text"] for o in i.options] for i in attempt.items.all()}
    assert {q["position"]: [o["text"] for o in q["options"]] for q in body["questions"]} == stored
    bank_order = {i.position: [c.text for c in Question.objects.get(pk=i.question_id).choices.order_by("position")]
                  for i in attempt.items.filter(kind__in=["single", "multiple"])}
    assert any(stored[p] != texts for p, texts in bank_order.items())

    first = attempt.items.get(position=1)
    answered = call(client, "post", f"/attempts/{attempt.pk}/answers", {"position": 1, "answer": wrong_answer(first)})
    responses = [response, answered, call(client, "get", f"/attempts/{attempt.pk}"),
                 call(client, "get", f"/exams/{final_exam.pk}"), call(client, "get", f"/attempts/{attempt.pk}/result"),
                 client.get(f"/exams/attempts/{attempt.pk}/"), client.get(f"/exams/{final_exam.pk}/")]
    assert [r.status_code for r in responses] == [201, 200, 200, 200, 404, 200, 200]
    for r in responses:
        text = r.content.decode()
        for word in ("correct", "explanation", "is-key", "accepted"):
            assert word not in text.lower()
        for value in secret["explanations"] + secret["accepted"]:
            assert value not in text
    for r in responses[:5]:  # no JSON body names a choice, a key or an answer of the bank
        assert not _keys(r.json()) & {"choice", "choices", "correct", "correct_answer", "answer", "accepted_answers",
                                      "explanation", "is_correct"}


def _keys(node) -> set[str]:
    if isinstance(node, dict):
        return set(node) | {k for value in node.values() for k in _keys(value)}
    if isinstance(node, list):
        return {k for value in node for k in _keys(value)}
    return set()


def test_after_submission_the_result_explains_every_question(final_exam, enrolment, learner):
    client = signed_in(learner)
    attempt_id = call(client, "post", f"/exams/{final_exam.pk}/attempts").json()["id"]
    attempt = Attempt.objects.get(pk=attempt_id)
    for item in attempt.items.all():
        assert call(client, "post", f"/attempts/{attempt_id}/answers",
                    {"position": item.position, "answer": right_answer(item)}).status_code == 200
    result = call(client, "post", f"/attempts/{attempt_id}/submit").json()
    assert (result["score"], result["passed"], result["max_score"], result["unanswered"]) == ("100.00", True, "100.00", [])
    assert len(result["review"]) == 16
    assert all(r["is_correct"] and r["explanation"].startswith("解析") for r in result["review"])
    fill = next(r for r in result["review"] if r["kind_label"] == "填空题")
    assert fill["correct_answer"] in ("预防为主 或 预防", "绝缘手套")
    attempt.refresh_from_db()
    assert (attempt.start_ip, attempt.submit_ip) == ("10.20.30.40", "10.20.30.40")
    assert attempt.start_user_agent == "Mozilla/5.0 (Linux; Android 10) 测试手机"
    assert set(AttemptAnswer.objects.values_list("ip", flat=True)) == {"10.20.30.40"}
    assert call(client, "get", f"/attempts/{attempt_id}/result").json()["score"] == "100.00"


def test_state_changes_need_the_csrf_token(final_exam, enrolment, learner):
    client = signed_in(learner)
    response = client.post(f"/api/exams/exams/{final_exam.pk}/attempts")
    assert response.status_code == 403
    assert not Attempt.objects.exists()
    attempt_id = call(client, "post", f"/exams/{final_exam.pk}/attempts").json()["id"]
    response = client.post(f"/api/exams/attempts/{attempt_id}/answers", json.dumps({"position": 1, "answer": ["A"]}),
                           content_type="application/json")
    assert response.status_code == 403
    assert not AttemptAnswer.objects.exists()
    assert client.post(f"/api/exams/attempts/{attempt_id}/submit").status_code == 403
    assert Attempt.objects.get().status == "in_progress"


def test_an_answer_after_the_deadline_gets_409_and_the_attempt_is_submitted(final_exam, enrolment, learner):
    client = signed_in(learner)
    attempt_id = call(client, "post", f"/exams/{final_exam.pk}/attempts").json()["id"]
    clock.advance(seconds=30 * 60 + 1)
    response = call(client, "post", f"/attempts/{attempt_id}/answers", {"position": 1, "answer": "A"})
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "time_over"
    assert Attempt.objects.get().ended_by == "deadline"
    response = call(client, "post", f"/attempts/{attempt_id}/answers", {"position": 1, "answer": "A"})
    assert (response.status_code, response.json()["error"]["code"]) == (400, "attempt_submitted")


def test_the_attempt_limit_through_the_api(final_exam, enrolment, learner):
    client = signed_in(learner)
    for _ in range(2):
        attempt_id = call(client, "post", f"/exams/{final_exam.pk}/attempts").json()["id"]
        call(client, "post", f"/attempts/{attempt_id}/submit")
    response = call(client, "post", f"/exams/{final_exam.pk}/attempts")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "attempts_exhausted"
    assert "最多允许参加 2 次" in error["message"] and "线上培训管理员" in error["message"]
    intro = call(client, "get", f"/exams/{final_exam.pk}").json()
    assert (intro["attempts_used"], intro["attempts_left"], intro["can_start"]) == (2, 0, False)


def test_learners_who_are_not_enrolled_are_refused(final_exam, learner):
    client = signed_in(learner)
    response = call(client, "post", f"/exams/{final_exam.pk}/attempts")
    assert (response.status_code, response.json()["error"]["code"]) == (403, "not_enrolled")


def test_an_author_builds_an_exam_through_the_api(course, operator, safety):
    client = signed_in(operator)
    created = call(client, "post", f"/courses/{course.pk}/questions",
                   {"kind": "single", "stem": "焊接时必须佩戴", "options": ["安全帽", "焊接面罩"], "answer": "B",
                    "module_id": safety.pk})
    assert created.status_code == 201
    assert (created.json()["answer"], created.json()["module_title"]) == ("B", "安全生产")
    bad = call(client, "post", f"/courses/{course.pk}/questions",
               {"kind": "single", "stem": "另一题", "options": ["甲", "乙"], "answer": "C"})
    assert (bad.status_code, bad.json()["error"]["code"], bad.json()["error"]["field"]) == (
        400, "answer_not_an_option", "answer")
    report = client.post(f"/api/exams/courses/{course.pk}/questions/import",
                         {"file": xlsx_upload([["题型", "题干", "答案"], ["填空题", "安全第一、____、综合治理", "预防为主"],
                                               ["问答题", "谈谈体会", "无"]])},
                         headers={"X-CSRFToken": client.cookies["csrftoken"].value}).json()
    assert (report["committed"], report["imported"], report["total_rows"]) == (False, 0, 2)
    assert [(r["row"], [p["code"] for p in r["problems"]]) for r in report["error_rows"]] == [(3, ["unknown_type"])]
    call(client, "post", f"/courses/{course.pk}/questions",
         {"kind": "fill", "stem": "安全第一、____、综合治理", "answer": "预防为主"})
    exam = call(client, "post", f"/courses/{course.pk}/exams",
                {"title": "结业考核", "is_final": True, "time_limit_minutes": 20, "max_attempts": 1, "pass_score": 6,
                 "rules": [{"kind": "single", "count": 1, "points": 5}, {"kind": "fill", "count": 2, "points": 5}]})
    assert exam.status_code == 400
    assert exam.json()["error"]["message"] == "组卷规则“填空题 · 不限模块”需要 2 道题，题库中只有 1 道可用。请补充题目或减少题数"
    exam = call(client, "post", f"/courses/{course.pk}/exams",
                {"title": "结业考核", "is_final": True, "time_limit_minutes": 20, "max_attempts": 1, "pass_score": 6,
                 "rules": [{"kind": "single", "count": 1, "points": 5}, {"kind": "fill", "count": 1, "points": 5}]})
    assert exam.status_code == 201
    published = call(client, "post", f"/exams/{exam.json()['id']}/publish").json()
    assert (published["status"], published["question_count"], published["total_points"]) == ("published", 2, "10.00")
    assert call(client, "get", f"/courses/{course.pk}/questions").json()[0]["answer"] == "B"


def test_learners_cannot_read_the_bank(course, bank, learner):
    client = signed_in(learner)
    assert call(client, "get", f"/courses/{course.pk}/questions").status_code == 404
