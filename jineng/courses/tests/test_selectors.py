import datetime as dt

import pytest

from jineng.common import clock
from jineng.common.errors import NotFound
from jineng.courses import selectors, services
from jineng.courses.models import Course

pytestmark = pytest.mark.django_db


@pytest.fixture
def full_course(course, operator):
    ethics = services.module_add(course=course, title="职业道德", category="public", planned_minutes=45, actor=operator)
    skills = services.module_add(course=course, title="焊接基础", category="professional", planned_minutes=90,
                                 actor=operator)
    services.lesson_add_document(module=ethics, title="敬业", body_html="敬业与诚信", planned_minutes=45, actor=operator)
    services.lesson_add_document(module=skills, title="焊条", body_html="焊条的种类", planned_minutes=30, actor=operator)
    starts = clock.now() + dt.timedelta(days=3)
    services.lesson_add_live(module=skills, title="直播答疑", starts_at=starts, ends_at=starts + dt.timedelta(hours=1),
                             room_url="https://meeting.tencent.com/dm/x", actor=operator)
    return course


def test_the_outline_costs_two_queries_whatever_its_size(full_course, django_assert_num_queries):
    with django_assert_num_queries(2):
        outline = selectors.course_outline(course=full_course)
        shape = [(m.module.title, m.module.get_category_display(), [(lesson.title, lesson.kind, lesson.scorm_package)
                                                                    for lesson in m.lessons]) for m in outline.modules]
    assert shape == [
        ("职业道德", "公共必修课", [("敬业", "document", None)]),
        ("焊接基础", "专业技能课", [("焊条", "document", None), ("直播答疑", "live", None)]),
    ]
    assert (outline.planned_minutes, outline.public_minutes, outline.professional_minutes) == (135, 45, 90)
    assert (outline.lesson_count, outline.class_hours) == (3, 3.0)
    assert outline.modules[1].lesson_minutes == 90


def test_published_courses_filter_by_occupation_and_level(full_course, operator, provider, occupation):
    services.course_publish(course=full_course, actor=operator)
    services.course_create(provider=provider, occupation=occupation, level=4, title="草稿课程", actor=operator)
    assert [c.title for c in selectors.courses_published()] == ["焊工（初级）线上理论培训"]
    assert selectors.courses_published().get().planned_minutes_total == 135
    assert selectors.courses_published().get().module_count == 2
    assert selectors.courses_published(occupation="6-18-02-04").count() == 1
    assert selectors.courses_published(occupation=occupation, level=5).count() == 1
    assert selectors.courses_published(occupation=occupation.pk, level=4).count() == 0
    assert selectors.courses_published(occupation="4-10-01-05").count() == 0


def test_managed_courses_follow_the_operators_organisation(course, operator, other_operator, admin_user, learner):
    assert list(selectors.courses_managed_by(user=operator)) == [course]
    assert list(selectors.courses_managed_by(user=other_operator)) == []
    assert list(selectors.courses_managed_by(user=admin_user)) == [course]
    assert list(selectors.courses_managed_by(user=learner)) == []


def test_learners_get_lessons_of_published_courses_only(course, document_lesson, operator, learner, other_operator):
    with pytest.raises(NotFound):
        selectors.lesson_get_for_learner(user=learner, lesson_id=document_lesson.pk)
    with pytest.raises(NotFound):
        selectors.lesson_get_for_learner(user=other_operator, lesson_id=document_lesson.pk)
    assert selectors.lesson_get_for_learner(user=operator, lesson_id=document_lesson.pk) == document_lesson
    services.course_publish(course=course, actor=operator)
    lesson = selectors.lesson_get_for_learner(user=learner, lesson_id=document_lesson.pk)
    assert lesson.module.course.status == Course.Status.PUBLISHED
    services.course_withdraw(course=course, actor=operator)
    with pytest.raises(NotFound):
        selectors.lesson_get_for_learner(user=learner, lesson_id=document_lesson.pk)


def test_urls_for_the_player(module, operator, two_second_mp4, scorm_path):
    from jineng.courses.tests.conftest import upload_from

    video = services.lesson_add_video(module=module, title="视频", upload=upload_from(two_second_mp4), actor=operator)
    package = services.lesson_add_scorm(module=module, upload=upload_from(scorm_path("scorm2004.zip")),
                                        planned_minutes=20, actor=operator)
    assert selectors.video_url(video) == f"/courses/lessons/{video.pk}/video"
    assert selectors.scorm_launch_url(package) == (
        f"/courses/scorm/{package.scorm_package_id}/content/shared/launchpage.html")
    with pytest.raises(ValueError, match="不是 SCORM 课件"):
        selectors.scorm_launch_url(video)
    with pytest.raises(ValueError, match="不是视频课件"):
        selectors.video_url(package)
