import pytest

from jineng.courses import demo
from jineng.courses.models import Course, Lesson, Occupation

pytestmark = pytest.mark.django_db


def test_the_demo_catalogue_is_built_once(provider, operator, monkeypatch, scorm_path):
    monkeypatch.setattr(demo, "DEMO_VIDEO_SECONDS", 2)
    courses = demo.courses_load_demo(provider=provider, author=operator, scorm_archive=scorm_path("scorm12.zip"))
    assert [(c.title, c.status) for c in courses] == [
        ("焊工（初级）线上理论培训", "published"),
        ("养老护理员（初级）线上培训", "published"),
        ("焊工（中级）理论提升（编写中）", "draft"),
    ]
    assert list(Occupation.objects.values_list("code", "name")) == [("4-10-01-05", "养老护理员"), ("6-18-02-04", "焊工")]
    welding = courses[0]
    kinds = list(Lesson.objects.filter(module__course=welding).order_by("module__position", "position")
                 .values_list("kind", flat=True))
    assert kinds == ["video", "document", "video", "video", "live", "scorm"]
    assert set(welding.modules.values_list("category", flat=True)) == {"public", "professional"}
    assert Lesson.objects.filter(kind="video").exclude(video_seconds=2).count() == 0
    assert '<img src="/courses/images/' in Lesson.objects.get(title="焊接作业安全须知").body_html

    again = demo.courses_load_demo(provider=provider, author=operator, scorm_archive=scorm_path("scorm12.zip"))
    assert [c.pk for c in again] == [c.pk for c in courses]
    assert Course.objects.count() == 3 and Lesson.objects.count() == 10
