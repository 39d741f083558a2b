"""Demo catalogue, built through the real services (so every upload is probed, sanitised and
audited like an author's). Videos and pictures are generated here with ffmpeg; nothing is
downloaded. Running it again finds the courses by provider and title and adds nothing twice.

Occupation codes are from the national catalogue (《中华人民共和国职业分类大典》): 焊工
6-18-02-04 (国家职业技能标准 GZB 6-18-02-04) and 养老护理员 4-10-01-05.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.files import File
from django.db import transaction

from jineng.common import clock
from jineng.courses import media, services
from jineng.courses.models import Course, Module, Occupation

SHANGHAI = ZoneInfo("Asia/Shanghai")
SHARED_SCORM12 = Path(settings.BASE_DIR).parent / "shared" / "fixtures" / "scorm" / "scorm12.zip"
DEMO_VIDEO_SECONDS = 90

OCCUPATIONS = [
    ("6-18-02-04", "焊工", [5, 4, 3, 2, 1]),
    ("4-10-01-05", "养老护理员", [5, 4, 3, 2, 1]),
]

SAFETY_TEXT = """焊接作业前，请确认以下事项：

1. 穿戴好焊接防护面罩、阻燃工作服、绝缘手套和绝缘鞋。
2. 检查焊机外壳接地、电缆绝缘是否完好，工作场地 10 米内不得有易燃易爆物品。
3. 在容器、管道内作业时，必须通风并有专人监护。

[图1]

作业结束后，切断电源，检查现场无火种后方可离开。发现隐患立即报告班组长。"""

EPIDEMIC_TEXT = """复工复产期间，请做好个人防护：

进入车间前测量体温，佩戴口罩；就餐错峰、分散；工位保持通风，公共区域定时消毒。

出现发热、咳嗽等症状，应立即报告并就近就医，不带病上岗。"""

CARE_TEXT = """协助老年人进食时：

让老人取坐位或半坐位，食物温度适宜，少量多次；进食后保持坐位 30 分钟，防止呛咳和误吸。

[图1]

每次照料后记录饮食量和异常情况，交接班时口头说明。"""


def _module(course: Course, *, title: str, category: str, minutes: int, author) -> Module:
    return services.module_add(course=course, title=title, category=category, planned_minutes=minutes, actor=author)


def _video(module: Module, path: Path, title: str, author, minutes: int | None = None) -> None:
    with open(path, "rb") as handle:
        services.lesson_add_video(module=module, title=title, upload=File(handle, name=path.name),
                                  planned_minutes=minutes, actor=author)


def _document(module: Module, title: str, text: str, minutes: int, author, picture: Path | None = None,
              caption: str = "") -> None:
    if picture is None:
        services.lesson_add_document(module=module, title=title, body_html=text, planned_minutes=minutes, actor=author)
        return
    with open(picture, "rb") as handle:
        services.lesson_add_document(module=module, title=title, body_html=text, planned_minutes=minutes, actor=author,
                                     images=[(File(handle, name=picture.name), caption)])


def _next_evening(days: int) -> tuple[dt.datetime, dt.datetime]:
    day = clock.now().astimezone(SHANGHAI).date() + dt.timedelta(days=days)
    start = dt.datetime.combine(day, dt.time(19, 30), tzinfo=SHANGHAI)
    return start, start + dt.timedelta(minutes=90)


def _occupations(author) -> dict[str, Occupation]:
    found = {}
    for code, name, levels in OCCUPATIONS:
        found[code] = Occupation.objects.filter(code=code).first() or services.occupation_create(
            code=code, name=name, levels=levels, actor=author)
    return found


def courses_load_demo(*, provider, author, scorm_archive: Path | None = None, stdout=None) -> list[Course]:
    """Two published courses (焊工 and 养老护理员, both 五级/初级工) with public compulsory and
    professional modules and lessons of every kind, and one draft that is not ready to publish.
    ``author`` must be a platform operator of ``provider`` or a system administrator. When
    ``scorm_archive`` (e.g. ``SHARED_SCORM12``) is given and exists, the welding course also gets
    that SCORM package as a lesson."""
    say = stdout or (lambda _message: None)
    occupations = _occupations(author)
    welding, care = occupations["6-18-02-04"], occupations["4-10-01-05"]
    courses: list[Course] = []

    titles = ["焊工（初级）线上理论培训", "养老护理员（初级）线上培训", "焊工（中级）理论提升（编写中）"]
    existing = {c.title: c for c in Course.objects.filter(provider=provider, title__in=titles)}
    if len(existing) == len(titles):
        return [existing[t] for t in titles]

    with tempfile.TemporaryDirectory(prefix="jineng-demo-media-") as tmp:
        folder = Path(tmp)
        say("生成演示视频和图片（ffmpeg）…")
        videos = {
            key: media.generate_demo_video(folder / f"{key}.mp4", DEMO_VIDEO_SECONDS, title)
            for key, title in [("ethics", "职业道德：敬业与诚信"), ("epidemic", "疫情防控：复工复产个人防护"),
                               ("arc", "焊条电弧焊基础"), ("care_ethics", "养老护理职业道德"),
                               ("feeding", "生活照料：协助进食")]
        }
        pictures = {
            "welding": media.generate_demo_picture(folder / "welding.png", "焊接作业安全防护"),
            "feeding": media.generate_demo_picture(folder / "feeding.png", "协助老人进食的体位"),
        }

        course = existing.get(titles[0])
        if course is None:
            with transaction.atomic():
                course = services.course_create(
                    provider=provider, occupation=welding, level=5, title=titles[0], actor=author,
                    summary="面向新入职焊工和转岗人员的线上理论培训：职业道德、安全生产、疫情防控知识和焊接基础理论。"
                            "实际操作部分在线下实训基地完成。")
                ethics = _module(course, title="职业道德与职业素养", category=Module.Category.PUBLIC, minutes=45,
                                 author=author)
                _video(ethics, videos["ethics"], "职业道德：敬业与诚信", author, minutes=45)
                safety = _module(course, title="安全生产与疫情防控知识", category=Module.Category.PUBLIC, minutes=90,
                                 author=author)
                _document(safety, "焊接作业安全须知", SAFETY_TEXT, 45, author, pictures["welding"], "焊接作业安全防护")
                _video(safety, videos["epidemic"], "疫情防控：复工复产个人防护", author, minutes=45)
                skills = _module(course, title="焊接基础理论", category=Module.Category.PROFESSIONAL, minutes=135,
                                 author=author)
                _video(skills, videos["arc"], "焊条电弧焊基础", author, minutes=90)
                starts, ends = _next_evening(7)
                services.lesson_add_live(module=skills, title="直播答疑：常见焊接缺陷与预防", starts_at=starts,
                                         ends_at=ends, room_url="https://meeting.tencent.com/dm/jineng-demo",
                                         planned_minutes=45, actor=author)
                if scorm_archive is not None and Path(scorm_archive).exists():
                    with open(scorm_archive, "rb") as handle:
                        services.lesson_add_scorm(module=skills, upload=File(handle, name=Path(scorm_archive).name),
                                                  title="SCORM 示例课件（Golf Explained）", planned_minutes=30,
                                                  actor=author)
                course = services.course_publish(course=course, actor=author)
        courses.append(course)

        course = existing.get(titles[1])
        if course is None:
            with transaction.atomic():
                course = services.course_create(
                    provider=provider, occupation=care, level=5, title=titles[1], actor=author,
                    summary="养老护理员五级/初级工线上培训：职业道德、安全与疫情防控、生活照料。")
                ethics = _module(course, title="职业道德", category=Module.Category.PUBLIC, minutes=45, author=author)
                _video(ethics, videos["care_ethics"], "养老护理职业道德", author, minutes=45)
                safety = _module(course, title="安全生产与疫情防控知识", category=Module.Category.PUBLIC, minutes=45,
                                 author=author)
                _document(safety, "复工复产个人防护要点", EPIDEMIC_TEXT, 45, author)
                care_module = _module(course, title="生活照料", category=Module.Category.PROFESSIONAL, minutes=90,
                                      author=author)
                _video(care_module, videos["feeding"], "生活照料：协助进食", author, minutes=45)
                _document(care_module, "协助进食操作要点", CARE_TEXT, 45, author, pictures["feeding"], "协助老人进食的体位")
                course = services.course_publish(course=course, actor=author)
        courses.append(course)

        course = existing.get(titles[2])
        if course is None:
            with transaction.atomic():
                course = services.course_create(provider=provider, occupation=welding, level=4, title=titles[2],
                                                actor=author, summary="编写中的课程：发布前还需为模块添加课件。")
                _module(course, title="焊接工艺与质量控制", category=Module.Category.PROFESSIONAL, minutes=180,
                        author=author)
        courses.append(course)
    return courses
