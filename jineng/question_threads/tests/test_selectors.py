"""Who sees which questions, how askers' names show, search on title, question and replies, and
the staff queue."""

from __future__ import annotations

import pytest

from jineng.common import clock
from jineng.common.errors import NotFound, PermissionDenied
from jineng.courses.models import Course
from jineng.question_threads import selectors, services

pytestmark = pytest.mark.django_db


@pytest.fixture
def threads(learner, classmate, teacher, ask, course):
    """王小明 (the enterprise's employee) and 欧阳娜娜 (self-enrolled) each asked; the teacher answered hers."""
    lessons = selectors.lessons_of_course(course=course)
    mine = ask(learner, title="接地线先接哪一端", body="挂接地线时顺序是什么？", lesson=lessons[1])
    clock.advance(seconds=60)
    hers = ask(classmate, title="万用表 LED 不亮", body="电池是新的。")
    services.question_thread_answer(thread=hers, body="检查表笔插孔和档位，保险丝可能烧了。", actor=teacher)
    return {"mine": mine, "hers": hers}


def titles(qs) -> list[str]:
    return [t.title for t in qs]


def test_enrolled_learners_see_the_courses_questions_with_names_masked(threads, learner, classmate):
    rows = selectors.rows_for(user=learner, threads=selectors.threads_search(user=learner))
    assert [(r.thread.title, r.asker_label, r.mine) for r in rows] == [
        ("万用表 LED 不亮", "欧**娜", False), ("接地线先接哪一端", "我", True)]
    rows = selectors.rows_for(user=classmate, threads=selectors.threads_search(user=classmate))
    assert [(r.asker_label, r.mine) for r in rows] == [("我", True), ("王*明", False)]


def test_a_learner_not_enrolled_sees_nothing_and_is_told_to_enrol(threads, outsider, course):
    assert titles(selectors.threads_visible_to(user=outsider)) == []
    with pytest.raises(PermissionDenied) as caught:
        selectors.course_access(user=outsider, course_id=course.pk)
    assert caught.value.message == "您尚未报名该课程：报名后才能查看答疑和提问。请先在课程页点击“报名学习”"
    with pytest.raises(NotFound) as caught:
        selectors.thread_get_visible(user=outsider, thread_id=threads["mine"].pk)
    assert caught.value.message == "问题不存在或不在您的权限范围内"


def test_an_unpublished_course_is_not_found(outsider, provider, teacher):
    from jineng.learning.tests import factories

    draft = factories.make_course(provider=provider, created_by=teacher, status=Course.Status.DRAFT)
    with pytest.raises(NotFound):
        selectors.course_access(user=outsider, course_id=draft.pk)
    with pytest.raises(NotFound):
        selectors.course_access(user=outsider, course_id=999999)


def test_the_teacher_sees_every_question_of_their_courses_with_names_masked(threads, teacher, course):
    access = selectors.course_access(user=teacher, course_id=course.pk)
    assert (access.manages, access.enrolment, access.can_ask, access.is_staff) == (True, None, False, True)
    rows = selectors.rows_for(user=teacher, threads=selectors.threads_search(user=teacher, course=course))
    assert [(r.thread.title, r.asker_label) for r in rows] == [("万用表 LED 不亮", "欧**娜"), ("接地线先接哪一端", "王*明")]


def test_a_training_administrator_sees_their_employees_questions_by_name(threads, training_admin, course):
    access = selectors.course_access(user=training_admin, course_id=course.pk)
    assert (access.manages, access.admin_org_ids) == (False, [threads["mine"].enrolment.organization_id])
    rows = selectors.rows_for(user=training_admin, threads=selectors.threads_search(user=training_admin))
    assert [(r.thread.title, r.asker_label) for r in rows] == [("接地线先接哪一端", "王小明")]


@pytest.mark.parametrize("who", ["other_admin", "other_teacher"])
def test_staff_of_other_organisations_see_nothing(request, threads, course, who):
    user = request.getfixturevalue(who)
    assert titles(selectors.threads_visible_to(user=user)) == []
    assert titles(selectors.threads_waiting(user=user)) == []
    with pytest.raises(PermissionDenied):
        selectors.course_access(user=user, course_id=course.pk)


def test_a_system_administrator_sees_everything_by_name(threads, sysadmin):
    rows = selectors.rows_for(user=sysadmin, threads=selectors.threads_search(user=sysadmin))
    assert [r.asker_label for r in rows] == ["欧阳娜娜", "王小明"]


@pytest.mark.parametrize(("q", "expected"), [
    ("接地线", ["接地线先接哪一端"]),
    ("顺序", ["接地线先接哪一端"]),
    ("保险丝", ["万用表 LED 不亮"]),
    ("led", ["万用表 LED 不亮"]),
    ("万用表 保险丝", ["万用表 LED 不亮"]),
    ("万用表 接地线", []),
    ("  ", ["万用表 LED 不亮", "接地线先接哪一端"]),
    ("50%_", []),
], ids=["title", "body", "reply", "case-insensitive", "all-words", "no-thread-has-both", "blank", "wildcards-literal"])
def test_search_finds_words_in_title_question_and_replies(threads, learner, q, expected):
    assert titles(selectors.threads_search(user=learner, q=q)) == expected


def test_search_filters(threads, learner, course):
    lessons = selectors.lessons_of_course(course=course)
    assert titles(selectors.threads_search(user=learner, unanswered=True)) == ["接地线先接哪一端"]
    assert titles(selectors.threads_search(user=learner, mine=True)) == ["接地线先接哪一端"]
    assert titles(selectors.threads_search(user=learner, lesson_id=lessons[1].pk)) == ["接地线先接哪一端"]
    assert titles(selectors.threads_search(user=learner, lesson_id=lessons[0].pk)) == []
    assert titles(selectors.threads_search(user=learner, status="answered")) == ["万用表 LED 不亮"]


def test_a_search_page_costs_a_fixed_number_of_queries(threads, learner, ask, django_assert_num_queries):
    for n in range(5):
        ask(learner, title=f"第 {n} 个问题", body="问题描述")
    learner = type(learner).objects.get(pk=learner.pk)  # no cached roles
    with django_assert_num_queries(2):  # roles, then threads with their joins; nothing per row
        rows = selectors.rows_for(user=learner, threads=list(selectors.threads_search(user=learner)))
        assert [r.asker_label for r in rows].count("我") == 6


def test_the_queue_shows_waiting_questions_oldest_first(threads, learner, classmate, teacher, training_admin):
    clock.advance(seconds=2 * 3600)
    services.question_thread_follow_up(thread=threads["hers"], body="换了保险丝还是不亮。", actor=classmate)
    clock.advance(seconds=30 * 60)
    rows = selectors.rows_for(user=teacher, threads=selectors.threads_waiting(user=teacher))
    assert [(r.thread.title, r.waiting) for r in rows] == [("接地线先接哪一端", "2 小时 31 分钟"),
                                                           ("万用表 LED 不亮", "30 分钟")]
    assert titles(selectors.threads_waiting(user=training_admin)) == ["接地线先接哪一端"]
    assert titles(selectors.threads_waiting(user=learner)) == []


@pytest.mark.parametrize(("seconds", "label"), [(59, "0 分钟"), (45 * 60, "45 分钟"), (3600, "1 小时"),
                                                (3 * 3600 + 5 * 60, "3 小时 5 分钟"), (2 * 86400, "2 天"),
                                                (2 * 86400 + 4 * 3600 + 59, "2 天 4 小时")])
def test_waiting_label(seconds, label):
    assert selectors.waiting_label(seconds) == label


def test_the_thread_page_says_who_may_do_what(threads, learner, classmate, teacher, training_admin):
    page = selectors.thread_page(user=learner, thread_id=threads["mine"].pk)
    assert (page.mine, page.can_reply, page.can_resolve, page.can_close) == (True, True, True, False)
    page = selectors.thread_page(user=classmate, thread_id=threads["mine"].pk)
    assert (page.asker_label, page.can_reply, page.can_resolve, page.can_close) == ("王*明", False, False, False)
    page = selectors.thread_page(user=teacher, thread_id=threads["mine"].pk)
    assert (page.staff_role, page.can_reply, page.can_resolve, page.can_close) == ("teacher", True, False, True)
    page = selectors.thread_page(user=training_admin, thread_id=threads["mine"].pk)
    assert (page.staff_role, page.asker_label) == ("training_admin", "王小明")
