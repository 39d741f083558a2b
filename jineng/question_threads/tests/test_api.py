"""The API at /api/questions/: asking (idempotent), search, thread, replies, resolve, close,
the queue — with CSRF on every state-changing call and the same scope as the pages."""

from __future__ import annotations

import pytest
from django.test import Client

from jineng.notifications.models import Notification
from jineng.question_threads.models import QuestionThread

pytestmark = pytest.mark.django_db


def learner_api(user) -> Client:
    """A browser-like session that enforces CSRF, signed in through the sign-in page."""
    client = Client(enforce_csrf_checks=True)
    client.get("/accounts/login/")
    response = client.post("/accounts/login/", {"username": user.username, "password": user.plain_password,
                                                "csrfmiddlewaretoken": client.cookies["csrftoken"].value})
    assert response.status_code == 302
    return client


def staff_api(user) -> Client:
    from jineng.identity import two_factor

    client = learner_api(user)
    response = client.post("/accounts/otp/", {
        "token": two_factor.current_token(two_factor.confirmed_device(user=user)),
        "csrfmiddlewaretoken": client.cookies["csrftoken"].value})
    assert response.status_code == 302
    return client


def post(client: Client, path: str, data: dict | None = None):
    return client.post(f"/api/questions{path}", data or {}, content_type="application/json",
                       headers={"X-CSRFToken": client.cookies["csrftoken"].value})


QUESTION = {"title": "接地线先接哪一端", "body": "挂接地线的顺序是什么？"}


def test_a_post_with_a_session_and_no_csrf_token_is_refused(learner, course):
    client = learner_api(learner)
    response = client.post(f"/api/questions/courses/{course.pk}/threads", QUESTION, content_type="application/json")
    assert response.status_code == 403
    assert not QuestionThread.objects.exists()


def test_a_learner_asks_and_a_retry_returns_the_same_thread(learner, course):
    client = learner_api(learner)
    lesson = course.modules.order_by("position").first().lessons.order_by("position").first()
    payload = {**QUESTION, "lesson_id": lesson.pk, "idempotency_key": "api-retry-0001"}
    first = post(client, f"/courses/{course.pk}/threads", payload)
    assert first.status_code == 201, first.content
    body = first.json()
    thread = QuestionThread.objects.get()
    assert {k: body[k] for k in ("id", "title", "body", "status", "status_label", "asker", "mine", "lesson_title",
                                 "created", "can_reply", "can_resolve", "can_close", "replies")} == {
        "id": thread.pk, "title": "接地线先接哪一端", "body": "挂接地线的顺序是什么？", "status": "open",
        "status_label": "待回复", "asker": "我", "mine": True, "lesson_title": "第一课 安全用电", "created": True,
        "can_reply": True, "can_resolve": True, "can_close": False, "replies": []}
    again = post(client, f"/courses/{course.pk}/threads", payload)
    assert (again.status_code, again.json()["id"], again.json()["created"]) == (200, thread.pk, False)
    assert QuestionThread.objects.count() == 1


def test_bad_input_names_the_field_and_stores_nothing(learner, course):
    client = learner_api(learner)
    response = post(client, f"/courses/{course.pk}/threads", {"title": "", "body": "描述"})
    assert response.status_code == 400
    assert response.json() == {"error": {"code": "required", "message": "请填写问题标题", "field": "title"}}
    response = post(client, f"/courses/{course.pk}/threads", {**QUESTION, "lesson_id": 999999})
    assert response.json()["error"]["field"] == "lesson_id"
    response = post(client, f"/courses/{course.pk}/threads", {"title": "缺少描述"})
    assert response.status_code == 422
    assert not QuestionThread.objects.exists()


def test_a_learner_not_enrolled_can_neither_read_nor_ask(outsider, learner, ask, course):
    thread = ask(learner)
    client = learner_api(outsider)
    response = client.get(f"/api/questions/courses/{course.pk}/threads")
    assert response.status_code == 403
    assert response.json()["error"] == {"code": "not_enrolled", "field": None,
                                        "message": "您尚未报名该课程：报名后才能查看答疑和提问。请先在课程页点击“报名学习”"}
    assert post(client, f"/courses/{course.pk}/threads", QUESTION).status_code == 403
    response = client.get(f"/api/questions/threads/{thread.pk}")
    assert (response.status_code, response.json()["error"]["message"]) == (404, "问题不存在或不在您的权限范围内")
    assert client.get("/api/questions/threads").json() == {"total": 0, "items": []}
    assert QuestionThread.objects.count() == 1


def test_the_teacher_answers_the_learner_reads_and_resolves(learner, teacher, ask):
    thread = ask(learner)
    staff = staff_api(teacher)
    queue = staff.get("/api/questions/queue").json()
    assert [(t["id"], t["asker"], t["waiting_seconds"]) for t in queue["items"]] == [(thread.pk, "王*明", 0)]
    response = post(staff, f"/threads/{thread.pk}/replies", {"body": "先接接地端，后接导体端。"})
    assert response.status_code == 201
    assert [(r["author"], r["author_role_label"], r["body"]) for r in response.json()["replies"]] == [
        ("许老师", "授课老师", "先接接地端，后接导体端。")]
    assert staff.get("/api/questions/queue").json()["total"] == 0

    client = learner_api(learner)
    notes = client.get("/api/notifications/").json()
    assert (notes["unread"], notes["items"][0]["link"]) == (1, f"/questions/{thread.pk}/#reply-{thread.replies.get().pk}")
    detail = client.get(f"/api/questions/threads/{thread.pk}").json()
    assert (detail["status"], detail["replies"][0]["body"]) == ("answered", "先接接地端，后接导体端。")
    resolved = post(client, f"/threads/{thread.pk}/resolve")
    assert (resolved.status_code, resolved.json()["status"], resolved.json()["can_reply"]) == (200, "resolved", False)
    late = post(staff, f"/threads/{thread.pk}/replies", {"body": "再补充"})
    assert (late.status_code, late.json()["error"]["code"]) == (400, "thread_transition_not_allowed")


def test_another_organisations_administrator_cannot_answer(learner, other_admin, ask):
    thread = ask(learner)
    response = post(staff_api(other_admin), f"/threads/{thread.pk}/replies", {"body": "我来回答"})
    assert response.status_code == 404
    assert not thread.replies.exists() and not Notification.objects.exclude(kind="question_threads.asked").exists()


def test_a_fellow_learner_cannot_answer_or_close(learner, classmate, ask):
    thread = ask(learner)
    client = learner_api(classmate)
    response = post(client, f"/threads/{thread.pk}/replies", {"body": "我来回答"})
    assert response.status_code == 403
    assert response.json()["error"]["message"] == (
        "只有课程提供单位的授课老师、系统管理员，或提问学员所在单位的线上培训管理员可以回复这个问题")
    assert post(client, f"/threads/{thread.pk}/close", {"reason": "无关"}).status_code == 403
    assert post(client, f"/threads/{thread.pk}/resolve").status_code == 403


def test_search_and_filters(learner, classmate, teacher, ask, course):
    answered = ask(classmate, title="万用表不亮", body="电池是新的。")
    post(staff_api(teacher), f"/threads/{answered.pk}/replies", {"body": "检查保险丝。"})
    ask(learner)
    client = learner_api(learner)
    found = client.get(f"/api/questions/courses/{course.pk}/threads", {"q": "保险丝"}).json()
    assert [(t["title"], t["asker"], t["reply_count"]) for t in found["items"]] == [("万用表不亮", "欧**娜", 1)]
    mine = client.get("/api/questions/threads", {"mine": "true"}).json()
    assert [t["title"] for t in mine["items"]] == ["接地线应该先接哪一端？"]
    waiting = client.get("/api/questions/threads", {"unanswered": "true"}).json()
    assert waiting["total"] == 1


def test_staff_close_through_the_api(learner, sysadmin, ask):
    thread = ask(learner)
    staff = staff_api(sysadmin)
    response = post(staff, f"/threads/{thread.pk}/close", {"reason": ""})
    assert response.json()["error"]["field"] == "reason"
    response = post(staff, f"/threads/{thread.pk}/close", {"reason": "与课程无关"})
    assert (response.json()["status"], response.json()["close_reason"]) == ("closed", "与课程无关")
