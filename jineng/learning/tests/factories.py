"""Test data for the learning app. Courses are made with the ORM until the courses app offers
authoring services; learners and organisations come from the real services."""

from __future__ import annotations

import datetime as dt
import itertools

from stdnum.cn import ric

from jineng.courses.models import Course, Lesson, Module, Occupation, ScormPackage
from jineng.identity.services import learner_register

_counter = itertools.count(1)


def id_number(region_code: str = "440204", n: int | None = None) -> str:
    n = n if n is not None else next(_counter)
    birth = dt.date(1985, 1, 1) + dt.timedelta(days=n // 900)
    body = f"{region_code}{birth:%Y%m%d}{n % 900 + 100:03d}"
    return body + ric.calc_check_digit(body + "0")


def make_learner(*, name: str = "王小明", region_code: str = "440204", password: str = "Xuexi@2026!"):
    n = next(_counter)
    user = learner_register(name=name, id_number=id_number(region_code, n), phone=f"139{n:08d}", password=password)
    user.plain_password = password
    return user


def make_course(*, provider, created_by, status: str = Course.Status.PUBLISHED, title: str = "电工安全操作",
                modules: tuple[tuple[str, str, int], ...] = (("安全生产基础", "public", 90),
                                                              ("电工实操要领", "professional", 180))) -> Course:
    occupation, _ = Occupation.objects.get_or_create(code="6-31-01-03", defaults={"name": "电工", "levels": [5, 4, 3]})
    course = Course.objects.create(occupation=occupation, level=5, title=title, summary="测试课程",
                                   provider=provider, status=status, created_by=created_by,
                                   published_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC) if status == "published" else None)
    for position, (module_title, category, minutes) in enumerate(modules):
        Module.objects.create(course=course, title=module_title, category=category, planned_minutes=minutes,
                              position=position)
    return course


def add_video(module: Module, *, title: str = "第一课 视频", seconds: int = 600, planned_minutes: int = 10,
              video=None) -> Lesson:
    lesson = Lesson(module=module, title=title, kind=Lesson.Kind.VIDEO, planned_minutes=planned_minutes,
                    video_seconds=seconds, position=module.lessons.count())
    if video is not None:
        lesson.video.save(video.name, video, save=False)
    lesson.save()
    return lesson


def add_document(module: Module, *, title: str = "第二课 图文", planned_minutes: int = 15) -> Lesson:
    return Lesson.objects.create(module=module, title=title, kind=Lesson.Kind.DOCUMENT, planned_minutes=planned_minutes,
                                 body_html="<p>用电安全须知：停电、验电、挂接地线。</p>", position=module.lessons.count())


def add_live(module: Module, *, starts_at: dt.datetime, minutes: int = 60, title: str = "直播答疑") -> Lesson:
    return Lesson.objects.create(module=module, title=title, kind=Lesson.Kind.LIVE, planned_minutes=minutes,
                                 live_starts_at=starts_at, live_ends_at=starts_at + dt.timedelta(minutes=minutes),
                                 live_room_url="https://live.example.cn/room/123", position=module.lessons.count())


def add_scorm(module: Module, *, version: str = "1.2", title: str = "SCORM 课件", planned_minutes: int = 20,
              extracted_dir: str = "scorm/test", launch_path: str = "index.html", uploaded_by=None) -> Lesson:
    package = ScormPackage.objects.create(archive="scorm/archives/test.zip", version=version, title=title,
                                          extracted_dir=extracted_dir, launch_path=launch_path, manifest={},
                                          uploaded_by=uploaded_by or module.course.created_by)
    return Lesson.objects.create(module=module, title=title, kind=Lesson.Kind.SCORM, planned_minutes=planned_minutes,
                                 scorm_package=package, position=module.lessons.count())
