"""The 答疑 services: asking (with its checks and its protection against double submission),
answering, following up, resolving, closing — states, events, notifications and audit."""

from __future__ import annotations

import pytest

from jineng.audit.models import AuditEntry
from jineng.common import clock
from jineng.common.errors import DomainError, NotFound, PermissionDenied
from jineng.courses.models import Course
from jineng.notifications.models import Notification
from jineng.question_threads import services
from jineng.question_threads.models import QuestionReply, QuestionThread, QuestionThreadEvent

pytestmark = pytest.mark.django_db


def test_an_enrolled_learner_asks_a_question(learner, course, frozen_clock):
    lesson = course.modules.order_by("position").first().lessons.get(title="第二课 验电步骤")
    asked = services.question_thread_ask(course=course, title="  接地线 先接哪一端？ ", lesson=lesson,
                                         body="老师好：\r\n\r\n\r\n\r\n挂接地线时\u200b先接哪一端？\x07", actor=learner)
    thread = asked.thread
    assert asked.created is True
    assert (thread.title, thread.body) == ("接地线 先接哪一端？", "老师好：\n\n挂接地线时先接哪一端？")
    assert (thread.status, thread.lesson, thread.asker, thread.enrolment.person) == ("open", lesson, learner, learner.person)
    assert (thread.created_at, thread.waiting_since, thread.reply_count) == (frozen_clock, frozen_clock, 0)
    assert list(thread.events.values_list("transition", "from_status", "to_status")) == [("ask", "", "open")]
    entry = AuditEntry.objects.get(action="question_threads.thread.ask")
    assert (entry.actor_id, entry.target_id, entry.organization_id) == (learner.pk, str(thread.pk), course.provider_id)
    assert entry.summary == {"course": course.pk, "lesson": lesson.pk, "title_chars": 10, "body_chars": 17}


@pytest.mark.parametrize(("title", "body", "code", "field", "message"), [
    ("", "挂接地线时先接哪一端？", "required", "title", "请填写问题标题"),
    ("接地", "挂接地线时先接哪一端？", "too_short", "title", "问题标题至少要 4 个字，请写清楚一些"),
    ("接" * 81, "挂接地线时先接哪一端？", "too_long", "title", "问题标题不能超过 80 个字（现在 81 个字），请精简后再提交"),
    ("接地线先接哪端", " \n\u200b ", "required", "body", "请填写问题描述"),
    ("接地线先接哪端", "问" * 2001, "too_long", "body", "问题描述不能超过 2000 个字（现在 2001 个字），请精简后再提交"),
], ids=["no-title", "short-title", "long-title", "blank-body", "long-body"])
def test_a_question_must_be_plain_text_of_sensible_length(learner, course, title, body, code, field, message):
    with pytest.raises(DomainError) as caught:
        services.question_thread_ask(course=course, title=title, body=body, actor=learner)
    assert (caught.value.code, caught.value.field, caught.value.message) == (code, field, message)
    assert not QuestionThread.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="question_threads").exists()


def test_a_learner_not_enrolled_cannot_ask(outsider, course):
    with pytest.raises(PermissionDenied) as caught:
        services.question_thread_ask(course=course, title="我能提问吗？", body="我没有报名这门课。", actor=outsider)
    assert caught.value.code == "not_enrolled"
    assert caught.value.message == "您尚未报名该课程：报名后才能查看答疑和提问。请先在课程页点击“报名学习”"
    assert not QuestionThread.objects.exists()


def test_the_teacher_does_not_ask_in_their_own_course(teacher, course):
    with pytest.raises(PermissionDenied) as caught:
        services.question_thread_ask(course=course, title="老师自己提问", body="老师不是学员。", actor=teacher)
    assert caught.value.message == "只有报名该课程的学员可以提问：请先在课程页报名学习"


def test_a_course_nobody_may_see_does_not_exist(outsider, provider, teacher):
    from jineng.learning.tests import factories

    draft = factories.make_course(provider=provider, created_by=teacher, status=Course.Status.DRAFT, title="草稿课")
    with pytest.raises(NotFound):
        services.question_thread_ask(course=draft, title="草稿课提问", body="这门课还没发布。", actor=outsider)


def test_a_withdrawn_course_takes_no_new_questions(learner, course):
    Course.objects.filter(pk=course.pk).update(status=Course.Status.WITHDRAWN)
    course.refresh_from_db()
    with pytest.raises(DomainError) as caught:
        services.question_thread_ask(course=course, title="下架后提问", body="课程下架了还能问吗？", actor=learner)
    assert (caught.value.code, caught.value.field) == ("course_not_open", "course")


def test_the_lesson_must_belong_to_the_course(learner, course, other_course):
    from jineng.learning.tests import factories

    foreign = factories.add_document(other_course.modules.first(), title="别的课")
    with pytest.raises(DomainError) as caught:
        services.question_thread_ask(course=course, title="这节课讲什么", body="请老师讲解一下。", lesson=foreign,
                                     actor=learner)
    assert (caught.value.code, caught.value.field) == ("lesson_not_in_course", "lesson")


def test_the_same_idempotency_key_makes_one_thread(learner, course):
    first = services.question_thread_ask(course=course, title="接地线先接哪端", body="请老师讲解。",
                                         idempotency_key="form-0001-abcdef", actor=learner)
    again = services.question_thread_ask(course=course, title="接地线先接哪端（改了一个字）", body="请老师讲解。",
                                         idempotency_key="form-0001-abcdef", actor=learner)
    assert (first.created, again.created, again.thread.pk) == (True, False, first.thread.pk)
    assert QuestionThread.objects.count() == 1
    assert AuditEntry.objects.filter(action="question_threads.thread.ask").count() == 1


def test_a_double_click_without_a_key_makes_one_thread_within_ten_minutes(learner, course):
    first = services.question_thread_ask(course=course, title="接地线先接哪端", body="请老师讲解。", actor=learner)
    clock.advance(seconds=2)
    double = services.question_thread_ask(course=course, title=" 接地线先接哪端 ", body="请老师讲解。\n", actor=learner)
    assert (double.created, double.thread.pk) == (False, first.thread.pk)
    clock.advance(seconds=10 * 60)
    later = services.question_thread_ask(course=course, title="接地线先接哪端", body="请老师讲解。", actor=learner)
    assert later.created is True
    assert QuestionThread.objects.count() == 2


def test_another_learner_may_ask_the_same_question(learner, classmate, course):
    services.question_thread_ask(course=course, title="接地线先接哪端", body="请老师讲解。", actor=learner)
    assert services.question_thread_ask(course=course, title="接地线先接哪端", body="请老师讲解。",
                                        actor=classmate).created is True


def test_a_malformed_idempotency_key_is_refused(learner, course):
    with pytest.raises(DomainError) as caught:
        services.question_thread_ask(course=course, title="接地线先接哪端", body="请老师讲解。", idempotency_key="x y",
                                     actor=learner)
    assert (caught.value.code, caught.value.field) == ("idempotency_key_invalid", "idempotency_key")


def test_twenty_questions_a_day_at_most(learner, course, ask, monkeypatch):
    monkeypatch.setattr(services, "DAILY_QUESTION_LIMIT", 2)
    ask(learner, title="第一个问题", body="第一个问题的描述")
    ask(learner, title="第二个问题", body="第二个问题的描述")
    with pytest.raises(DomainError) as caught:
        ask(learner, title="第三个问题", body="第三个问题的描述")
    assert caught.value.code == "daily_limit"
    assert caught.value.message == "每人每天最多提 2 个问题，今天已达上限：请明天再提问，或在已有的问题下追问"
    clock.advance(seconds=15 * 3600)  # 00:00 the next day in Shanghai
    assert ask(learner, title="第三个问题", body="第三个问题的描述").status == "open"


def test_the_teacher_answers_and_the_asker_is_notified(learner, teacher, ask, frozen_clock):
    thread = ask(learner)
    clock.advance(seconds=3600)
    reply = services.question_thread_answer(thread=thread, body="先接接地端，后接导体端；拆除时相反。", actor=teacher)
    thread.refresh_from_db()
    assert (reply.author, reply.author_role) == (teacher, "teacher")
    assert (thread.status, thread.waiting_since, thread.reply_count) == ("answered", None, 1)
    assert thread.first_answered_at == thread.last_activity_at == clock.now()
    note = Notification.objects.get(recipient=learner)
    assert (note.kind, note.title, note.body, note.link, note.read_at) == (
        "question_threads.answered", "您的提问“接地线应该先接哪一端？”有了新回复", "授课老师：先接接地端，后接导体端；拆除时相反。",
        f"/questions/{thread.pk}/#reply-{reply.pk}", None)
    assert list(thread.events.values_list("transition", "from_status", "to_status")) == [
        ("ask", "", "open"), ("answer", "open", "answered")]
    entry = AuditEntry.objects.filter(action__startswith="question_threads").order_by("-seq").first()
    assert (entry.action, entry.summary["role"], entry.summary["chars"]) == ("question_threads.thread.answer", "teacher", 18)
    assert "先接" not in str(entry.summary)


def test_the_training_administrator_answers_their_employee(learner, training_admin, ask):
    thread = ask(learner)
    reply = services.question_thread_answer(thread=thread, body="请先看第二课的视频。", actor=training_admin)
    assert reply.author_role == "training_admin"
    assert Notification.objects.get(recipient=learner).body == "培训管理员：请先看第二课的视频。"


@pytest.mark.parametrize("who", ["other_admin", "other_teacher", "classmate"])
def test_only_the_course_teachers_and_the_askers_administrator_answer(request, learner, ask, who):
    thread = ask(learner)
    with pytest.raises(PermissionDenied) as caught:
        services.question_thread_answer(thread=thread, body="我来回答", actor=request.getfixturevalue(who))
    assert caught.value.message == ("只有课程提供单位的授课老师、系统管理员，或提问学员所在单位的线上培训管理员可以回复这个问题")
    assert not QuestionReply.objects.exists()
    assert not Notification.objects.exclude(kind="question_threads.asked").exists()


def test_a_training_administrator_does_not_answer_learners_of_other_organisations(classmate, training_admin, ask):
    thread = ask(classmate)  # she enrolled herself: no organisation
    with pytest.raises(PermissionDenied):
        services.question_thread_answer(thread=thread, body="我来回答", actor=training_admin)


def test_a_follow_up_waits_for_staff_again_and_tells_who_answered(learner, teacher, sysadmin, ask):
    thread = ask(learner)
    services.question_thread_answer(thread=thread, body="先接接地端。", actor=teacher)
    services.question_thread_answer(thread=thread, body="补充：拆除时相反。", actor=sysadmin)
    clock.advance(seconds=600)
    services.question_thread_follow_up(thread=thread, body="那验电笔要怎么用？", actor=learner)
    thread.refresh_from_db()
    assert (thread.status, thread.waiting_since, thread.reply_count) == ("open", clock.now(), 3)
    notes = Notification.objects.filter(kind="question_threads.follow_up").order_by("recipient_id")
    assert [(n.recipient, n.title, n.body) for n in notes] == [
        (teacher, "学员追问：“接地线应该先接哪一端？”", "那验电笔要怎么用？"),
        (sysadmin, "学员追问：“接地线应该先接哪一端？”", "那验电笔要怎么用？")]


def test_a_follow_up_before_any_answer_keeps_the_original_waiting_time(learner, ask, frozen_clock):
    thread = ask(learner)
    clock.advance(seconds=300)
    services.question_thread_follow_up(thread=thread, body="补充一张截图的文字说明。", actor=learner)
    thread.refresh_from_db()
    assert (thread.status, thread.waiting_since) == ("open", frozen_clock)


def test_only_the_asker_follows_up_or_resolves(learner, classmate, teacher, ask):
    thread = ask(learner)
    with pytest.raises(PermissionDenied) as caught:
        services.question_thread_follow_up(thread=thread, body="我也想问", actor=classmate)
    assert caught.value.message == "只有提问学员本人可以追问"
    with pytest.raises(PermissionDenied) as caught:
        services.question_thread_resolve(thread=thread, actor=teacher)
    assert caught.value.message == "只有提问学员本人可以将问题标为已解决"


def test_the_reply_box_follows_up_for_the_asker_and_answers_for_staff(learner, teacher, ask):
    thread = ask(learner)
    assert services.question_thread_reply(thread=thread, body="补充说明", actor=learner).author_role == "asker"
    assert services.question_thread_reply(thread=thread, body="回复", actor=teacher).author_role == "teacher"


def test_a_resolved_thread_takes_no_more_replies(learner, teacher, ask):
    thread = ask(learner)
    services.question_thread_answer(thread=thread, body="先接接地端。", actor=teacher)
    services.question_thread_resolve(thread=thread, actor=learner)
    assert (thread.status, thread.resolved_at, thread.waiting_since) == ("resolved", clock.now(), None)
    with pytest.raises(DomainError) as caught:
        services.question_thread_answer(thread=thread, body="再补充一句", actor=teacher)
    assert caught.value.code == "thread_transition_not_allowed"
    assert caught.value.message == "当前状态为“已解决”，不能回复：提问学员已将问题标为已解决。如有新问题，请重新提问"
    assert QuestionReply.objects.count() == 1


def test_staff_close_a_question_with_a_reason_the_asker_sees(learner, teacher, ask):
    thread = ask(learner)
    with pytest.raises(DomainError) as caught:
        services.question_thread_close(thread=thread, reason=" ", actor=teacher)
    assert (caught.value.code, caught.value.field) == ("required", "reason")
    services.question_thread_close(thread=thread, reason="与课程无关", actor=teacher)
    thread.refresh_from_db()
    assert (thread.status, thread.closed_by, thread.close_reason, thread.waiting_since) == (
        "closed", teacher, "与课程无关", None)
    note = Notification.objects.get(recipient=learner)
    assert (note.kind, note.title, note.body) == ("question_threads.closed", "您的提问“接地线应该先接哪一端？”已关闭",
                                                  "关闭原因：与课程无关")
    assert QuestionThreadEvent.objects.filter(thread=thread, transition="close").get().note == "与课程无关"
    with pytest.raises(DomainError) as caught:
        services.question_thread_follow_up(thread=thread, body="为什么关闭？", actor=learner)
    assert caught.value.message == "当前状态为“已关闭”，不能追问：问题已被关闭。如有新问题，请重新提问"


def test_every_write_is_audited(learner, teacher, ask):
    thread = ask(learner)
    services.question_thread_answer(thread=thread, body="答复", actor=teacher)
    services.question_thread_follow_up(thread=thread, body="追问", actor=learner)
    services.question_thread_answer(thread=thread, body="再答复", actor=teacher)
    services.question_thread_resolve(thread=thread, actor=learner)
    actions = list(AuditEntry.objects.filter(target_type="question_threads.questionthread").order_by("seq")
                   .values_list("action", flat=True))
    assert actions == ["question_threads.thread.ask", "question_threads.thread.answer",
                       "question_threads.thread.follow_up", "question_threads.thread.answer",
                       "question_threads.thread.resolve"]
    assert AuditEntry.objects.filter(action="notifications.notification.send").count() == 4  # asked, answered ×2, follow-up


def test_a_new_question_notifies_the_courses_teachers_once(learner, teacher, course, frozen_clock):
    asked = services.question_thread_ask(course=course, title="接地线先接哪一端？", body="挂接地线时先接哪一端？",
                                         actor=learner, idempotency_key="k-0000000001")
    again = services.question_thread_ask(course=course, title="接地线先接哪一端？", body="挂接地线时先接哪一端？",
                                         actor=learner, idempotency_key="k-0000000001")
    assert (asked.created, again.created) == (True, False)
    note = Notification.objects.get(recipient=teacher)
    assert (note.kind, note.title, note.link) == (
        "question_threads.asked", "新问题：接地线先接哪一端？", f"/questions/{asked.thread.pk}/")
    assert note.body.startswith(f"课程《{course.title}》有学员提问：挂接地线时先接哪一端")
    assert not Notification.objects.filter(recipient=learner).exists()
