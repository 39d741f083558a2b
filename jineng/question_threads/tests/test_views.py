"""The 答疑 pages, from the user's side: the course list and search, the ask form (a double
submission makes one thread), the thread page for the asker and for staff, and the queue."""

from __future__ import annotations

import re

import pytest

from jineng.common import clock
from jineng.notifications.models import Notification
from jineng.question_threads import services
from jineng.question_threads.models import QuestionThread

pytestmark = pytest.mark.django_db


def learner_client(client, user):
    client.force_login(user)
    return client


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_the_course_page_lists_questions_marks_mine_and_masks_others(client, learner, classmate, ask, course):
    ask(learner, title="接地线先接哪一端", body="挂接地线的顺序？")
    ask(classmate, title="万用表不亮", body="电池是新的。")
    response = learner_client(client, learner).get(f"/questions/course/{course.pk}/")
    assert response.status_code == 200
    page = text(response)
    assert "电工安全操作 · 答疑" in page
    assert "接地线先接哪一端 待回复 我的提问" in page
    assert "万用表不亮 待回复 欧**娜" in page
    assert "欧阳娜娜" not in page
    assert f'href="/questions/course/{course.pk}/ask/"' in response.content.decode()


def test_a_learner_not_enrolled_is_told_to_enrol(client, outsider, course):
    response = learner_client(client, outsider).get(f"/questions/course/{course.pk}/")
    assert response.status_code == 403
    assert "您尚未报名该课程：报名后才能查看答疑和提问。请先在课程页点击“报名学习”" in text(response)
    assert client.get(f"/questions/course/{course.pk}/ask/").status_code == 403
    assert client.get("/questions/course/999999/").status_code == 404


def test_asking_through_the_form_and_a_double_submission(client, learner, course):
    client = learner_client(client, learner)
    form = client.get(f"/questions/course/{course.pk}/ask/")
    key = re.search(r'name="idempotency_key" value="([0-9a-f]{32})"', form.content.decode()).group(1)
    data = {"title": "接地线先接哪一端", "body": "挂接地线的顺序？", "lesson": "", "idempotency_key": key}
    first = client.post(f"/questions/course/{course.pk}/ask/", data)
    thread = QuestionThread.objects.get()
    assert first.status_code == 302 and first["Location"] == f"/questions/{thread.pk}/"
    second = client.post(f"/questions/course/{course.pk}/ask/", data, follow=True)
    assert QuestionThread.objects.count() == 1
    assert "您刚才已经提交过这个问题，不会重复提交。" in text(second)
    page = text(client.get(f"/questions/{thread.pk}/"))
    assert "接地线先接哪一端 待回复 我的提问 我" in page


def test_a_rejected_question_keeps_what_was_typed(client, learner, course):
    client = learner_client(client, learner)
    response = client.post(f"/questions/course/{course.pk}/ask/",
                           {"title": "接地", "body": "我打了很多字的描述", "idempotency_key": "k" * 32})
    assert response.status_code == 400
    assert "问题标题至少要 4 个字，请写清楚一些" in text(response)
    assert "我打了很多字的描述</textarea>" in response.content.decode()
    assert not QuestionThread.objects.exists()


def test_the_question_is_shown_as_text_never_as_markup(client, learner, ask):
    thread = ask(learner, title="<b>粗体</b>标题", body="<script>alert(1)</script>\n第二行")
    html = learner_client(client, learner).get(f"/questions/{thread.pk}/").content.decode()
    assert "&lt;b&gt;粗体&lt;/b&gt;标题" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;<br>第二行" in html
    assert "<script>alert" not in html


def test_the_teacher_answers_on_the_thread_page_and_the_learner_resolves(client, staff_client, learner, teacher, ask):
    thread = ask(learner)
    clock.advance(seconds=3 * 3600)
    staff = staff_client(teacher)
    page = text(staff.get(f"/questions/{thread.pk}/"))
    assert "回复提问" in page and "关闭问题" in page and "已等待 3 小时" in page and "王*明" in page
    empty = staff.post(f"/questions/{thread.pk}/reply/", {"body": "  "})
    assert empty.status_code == 400 and "请填写回复内容" in text(empty)
    response = staff.post(f"/questions/{thread.pk}/reply/", {"body": "先接接地端，后接导体端。"})
    reply = thread.replies.get()
    assert response.status_code == 302 and response["Location"] == f"/questions/{thread.pk}/#reply-{reply.pk}"
    staff.post("/accounts/logout/")

    client = learner_client(client, learner)
    page = text(client.get(f"/questions/{thread.pk}/"))
    assert "许老师 授课老师" in page and "先接接地端，后接导体端。" in page and "已回复" in page
    response = client.post(f"/questions/{thread.pk}/resolve/", follow=True)
    assert "已将问题标为已解决，感谢反馈" in text(response)
    thread.refresh_from_db()
    assert thread.status == "resolved"
    assert "发送追问" not in text(client.get(f"/questions/{thread.pk}/"))


def test_staff_close_a_question_from_the_page(staff_client, learner, training_admin, ask):
    thread = ask(learner)
    staff = staff_client(training_admin)
    response = staff.post(f"/questions/{thread.pk}/close/", {"reason": ""})
    assert response.status_code == 400 and "请填写关闭原因" in text(response)
    staff.post(f"/questions/{thread.pk}/close/", {"reason": "重复提问"})
    thread.refresh_from_db()
    assert (thread.status, thread.close_reason) == ("closed", "重复提问")
    assert Notification.objects.get(recipient=learner).kind == "question_threads.closed"


def test_another_organisations_administrator_gets_not_found(staff_client, learner, other_admin, ask):
    thread = ask(learner)
    staff = staff_client(other_admin)
    assert staff.get(f"/questions/{thread.pk}/").status_code == 404
    assert staff.post(f"/questions/{thread.pk}/reply/", {"body": "我来回答"}).status_code == 404
    assert not thread.replies.exists()


def test_search_on_the_overview_page(client, learner, classmate, teacher, ask):
    thread = ask(classmate, title="万用表不亮", body="电池是新的。")
    services.question_thread_answer(thread=thread, body="检查保险丝。", actor=teacher)
    ask(learner, title="接地线先接哪一端", body="挂接地线的顺序？")
    client = learner_client(client, learner)
    assert "万用表不亮" in text(client.get("/questions/", {"q": "保险丝"}))
    page = text(client.get("/questions/", {"q": "保险丝"}))
    assert "接地线先接哪一端" not in page
    page = text(client.get("/questions/", {"q": "没有这个词"}))
    assert "没有找到符合条件的问题，换个关键词试试。" in page
    page = text(client.get("/questions/", {"mine": "on"}))
    assert "接地线先接哪一端" in page and "万用表不亮" not in page


def test_the_staff_queue_shows_the_waiting_time(staff_client, client, learner, classmate, teacher, ask, course):
    ask(learner, title="接地线先接哪一端", body="挂接地线的顺序？")
    clock.advance(seconds=50 * 3600)
    ask(classmate, title="万用表不亮", body="电池是新的。")
    clock.advance(seconds=20 * 60)
    response = staff_client(teacher).get("/questions/queue/")
    assert response.status_code == 200
    page = text(response)
    assert page.index("2 天 2 小时 接地线先接哪一端") < page.index("20 分钟 万用表不亮")
    assert 'class="long-wait"' in response.content.decode()
    learner_client(client, learner)
    assert client.get("/questions/queue/").status_code == 403
