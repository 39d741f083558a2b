"""Every write about the catalogue: occupations, courses, modules, lessons, publication.

Who may write: a system administrator, or a platform operator (``platform_operator``) of the
course's provider organisation. Courses move draft → published ⇄ withdrawn (``TRANSITIONS``);
only a draft or withdrawn course can be changed, so a published outline never shifts under
learners' records. Each service checks the actor, validates, writes in one transaction with a
row lock on the course, and appends the audit entry as its last step.
"""

from __future__ import annotations

import datetime as dt
import html
import math
import os
import re
import shutil
import tempfile
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import nh3
from django.conf import settings
from django.core.files import File
from django.db import IntegrityError, transaction
from django.db.models import Max

from jineng.audit.services import audit_record
from jineng.common import clock
from jineng.common.errors import DomainError, PermissionDenied
from jineng.courses import media, scorm
from jineng.courses.models import Course, Lesson, LessonImage, Level, Module, Occupation, ScormPackage
from jineng.courses.selectors import (
    course_publish_problems,
    lesson_image_url,
    provider_ids_for,
    user_can_author,
    user_is_course_admin,
    user_manages_course,
)
from jineng.identity.models import User

MAX_VIDEO_BYTES = 2 * 1024 * 1024 * 1024
MAX_IMAGE_BYTES = 5 * 1024 * 1024
MAX_IMAGE_PIXELS = 40_000_000
MAX_BODY_CHARS = 200_000
MAX_MINUTES = 100 * 60
MAX_LIVE_HOURS = 12

OCCUPATION_CODE = re.compile(r"^\d-\d{2}-\d{2}-\d{2}(-\d{2})?$")

TRANSITIONS = {
    "publish": ({Course.Status.DRAFT, Course.Status.WITHDRAWN}, Course.Status.PUBLISHED),
    "withdraw": ({Course.Status.PUBLISHED}, Course.Status.WITHDRAWN),
}
EDITABLE = {Course.Status.DRAFT, Course.Status.WITHDRAWN}


# --- shared checks ------------------------------------------------------------------------------

def _require_manager(*, actor: User, course: Course) -> None:
    if actor is None or not user_manages_course(user=actor, course=course):
        raise PermissionDenied("只有课程提供单位的平台运营人员或系统管理员可以修改该课程")


def _lock(course: Course) -> Course:
    """Re-read the course with a row lock (inside the caller's transaction) and check it may change."""
    locked = Course.objects.select_for_update().get(pk=course.pk)
    if locked.status not in EDITABLE:
        raise DomainError("course_published", "课程已发布，学员正在学习。如需修改，请先下架课程，改好后再重新发布",
                          field="status")
    return locked


def _audit(*, actor: User, action: str, target, course: Course, summary: dict) -> None:
    audit_record(actor=actor, action=action, target=target, summary={"course": course.pk, **summary},
                 organization_id=course.provider_id)


def _clean_title(value: str, *, label: str, field: str = "title", max_length: int = 120) -> str:
    value = " ".join((value or "").split())
    if not value:
        raise DomainError("required", f"请填写{label}", field=field)
    if len(value) > max_length:
        raise DomainError("too_long", f"{label}不能超过 {max_length} 个字", field=field)
    return value


def _clean_minutes(value, *, field: str = "planned_minutes", label: str = "计划学习时长") -> int:
    try:
        minutes = int(value)
    except (TypeError, ValueError):
        raise DomainError("minutes_invalid", f"请填写{label}（分钟，整数）", field=field) from None
    if minutes <= 0:
        raise DomainError("minutes_invalid", f"{label}须大于 0 分钟", field=field)
    if minutes > MAX_MINUTES:
        raise DomainError("minutes_invalid", f"{label}不能超过 {MAX_MINUTES} 分钟", field=field)
    return minutes


def _clean_level(occupation: Occupation, level) -> int | None:
    level = int(level) if level not in (None, "") else None
    allowed = [int(v) for v in occupation.levels or []]
    if level is not None and level not in Level.values:
        raise DomainError("level_invalid", "等级应为 5（初级）到 1（高级技师）", field="level")
    if allowed and level is None:
        labels = "、".join(Level(v).label for v in allowed)
        raise DomainError("level_required", f"“{occupation.name}”按等级培训，请选择等级（可选：{labels}）", field="level")
    if allowed and level not in allowed:
        labels = "、".join(Level(v).label for v in allowed)
        raise DomainError("level_not_offered", f"“{occupation.name}”没有{Level(level).label}，可选：{labels}", field="level")
    if not allowed and level is not None:
        raise DomainError("level_not_offered", f"“{occupation.name}”不分等级，请选择“不分等级”", field="level")
    return level


# --- occupations --------------------------------------------------------------------------------

def occupation_create(*, code: str, name: str, levels: Sequence[int], actor: User) -> Occupation:
    """Add an occupation (工种) of the national catalogue, with the levels it is trained at."""
    if actor is None or not user_can_author(user=actor):
        raise PermissionDenied("只有平台运营人员或系统管理员可以添加职业（工种）")
    code = (code or "").strip()
    if not OCCUPATION_CODE.match(code):
        raise DomainError("occupation_code_invalid",
                          "职业编码应为《中华人民共和国职业分类大典》的格式，如 6-18-02-04", field="code")
    name = _clean_title(name, label="职业（工种）名称", field="name", max_length=100)
    try:
        clean_levels = sorted({int(v) for v in levels or []}, reverse=True)
    except (TypeError, ValueError):
        raise DomainError("level_invalid", "等级应为 5（初级）到 1（高级技师）", field="levels") from None
    if any(v not in Level.values for v in clean_levels):
        raise DomainError("level_invalid", "等级应为 5（初级）到 1（高级技师）", field="levels")
    if Occupation.objects.filter(code=code).exists():
        raise DomainError("occupation_exists", f"职业编码 {code} 已在目录中", field="code")
    with transaction.atomic():
        try:
            with transaction.atomic():
                occupation = Occupation.objects.create(code=code, name=name, levels=clean_levels)
        except IntegrityError:
            raise DomainError("occupation_exists", f"职业编码 {code} 已在目录中", field="code") from None
        audit_record(actor=actor, action="occupation.create", target=occupation,
                     summary={"code": code, "name": name, "levels": clean_levels})
    return occupation


# --- courses ------------------------------------------------------------------------------------

def course_create(*, provider, occupation: Occupation, level: int | None, title: str, actor: User,
                  summary: str = "", is_free_resource: bool = False) -> Course:
    if actor is None or not user_can_author(user=actor):
        raise PermissionDenied("只有平台运营人员或系统管理员可以创建课程")
    if provider is None:
        raise DomainError("provider_required", "请选择课程提供单位", field="provider")
    if not user_is_course_admin(user=actor) and provider.pk not in provider_ids_for(user=actor):
        raise PermissionDenied("只能为本单位（您担任平台运营人员的单位）创建课程")
    if occupation is None:
        raise DomainError("occupation_required", "请选择职业（工种）", field="occupation")
    title = _clean_title(title, label="课程名称")
    level = _clean_level(occupation, level)
    summary = (summary or "").strip()[:5000]
    with transaction.atomic():
        course = Course.objects.create(provider=provider, occupation=occupation, level=level, title=title,
                                       summary=summary, is_free_resource=bool(is_free_resource), created_by=actor)
        _audit(actor=actor, action="course.create", target=course, course=course,
               summary={"title": title, "occupation": occupation.code, "level": level,
                        "free_resource": bool(is_free_resource)})
    return course


def course_update(*, course: Course, occupation: Occupation, level: int | None, title: str, summary: str,
                  is_free_resource: bool, actor: User) -> Course:
    _require_manager(actor=actor, course=course)
    if occupation is None:
        raise DomainError("occupation_required", "请选择职业（工种）", field="occupation")
    title = _clean_title(title, label="课程名称")
    level = _clean_level(occupation, level)
    summary = (summary or "").strip()[:5000]
    with transaction.atomic():
        locked = _lock(course)
        before = {"title": locked.title, "occupation": locked.occupation_id, "level": locked.level,
                  "free_resource": locked.is_free_resource}
        locked.occupation, locked.level, locked.title = occupation, level, title
        locked.summary, locked.is_free_resource = summary, bool(is_free_resource)
        locked.save(update_fields=["occupation", "level", "title", "summary", "is_free_resource", "updated_at"])
        after = {"title": title, "occupation": occupation.pk, "level": level, "free_resource": bool(is_free_resource)}
        _audit(actor=actor, action="course.update", target=locked, course=locked,
               summary={"changed": {k: [before[k], after[k]] for k in after if before[k] != after[k]}})
    return locked


def _transition(*, course: Course, actor: User, name: str) -> Course:
    allowed_from, target = TRANSITIONS[name]
    _require_manager(actor=actor, course=course)
    with transaction.atomic():
        locked = Course.objects.select_for_update().get(pk=course.pk)
        if locked.status not in allowed_from:
            verb = "发布" if name == "publish" else "下架"
            raise DomainError("invalid_transition",
                              f"课程当前状态为“{locked.get_status_display()}”，不能{verb}", field="status")
        if name == "publish":
            problems = course_publish_problems(course=locked)
            if problems:
                raise DomainError("course_not_ready", "课程还不能发布：" + "；".join(problems),
                                  field="status", details={"problems": problems})
        previous = locked.status
        locked.status = target
        now = clock.now()
        if name == "publish":
            locked.published_at = now
        else:
            locked.withdrawn_at = now
        locked.save(update_fields=["status", "published_at", "withdrawn_at", "updated_at"])
        _audit(actor=actor, action=f"course.{name}", target=locked, course=locked,
               summary={"from": previous, "to": target})
    return locked


def course_publish(*, course: Course, actor: User) -> Course:
    """Publish a draft or withdrawn course. Needs at least one module, every module with at least
    one lesson and planned minutes above zero; the refusal lists everything still to fix."""
    return _transition(course=course, actor=actor, name="publish")


def course_withdraw(*, course: Course, actor: User) -> Course:
    """Take a published course out of the catalogue (learners' records stay)."""
    return _transition(course=course, actor=actor, name="withdraw")


# --- modules ------------------------------------------------------------------------------------

def module_add(*, course: Course, title: str, category: str, planned_minutes: int, actor: User,
               required: bool = True) -> Module:
    _require_manager(actor=actor, course=course)
    title = _clean_title(title, label="模块名称")
    if category not in Module.Category.values:
        raise DomainError("category_invalid", "请选择模块类别：公共必修课或专业技能课", field="category")
    minutes = _clean_minutes(planned_minutes)
    with transaction.atomic():
        locked = _lock(course)
        position = (locked.modules.aggregate(m=Max("position"))["m"] or 0) + 1
        module = Module.objects.create(course=locked, title=title, category=category, planned_minutes=minutes,
                                       required=bool(required), position=position)
        Course.objects.filter(pk=locked.pk).update(updated_at=clock.now())
        _audit(actor=actor, action="course.module.add", target=module, course=locked,
               summary={"title": title, "category": category, "planned_minutes": minutes, "position": position})
    return module


def module_reorder(*, course: Course, module_ids: Sequence[int], actor: User) -> list[Module]:
    """Put the course's modules in the given order; the list must name each module exactly once."""
    _require_manager(actor=actor, course=course)
    with transaction.atomic():
        locked = _lock(course)
        modules = {m.pk: m for m in locked.modules.all()}
        wanted = [int(i) for i in module_ids]
        if sorted(wanted) != sorted(modules) or len(set(wanted)) != len(wanted):
            raise DomainError("order_mismatch", "排序须包含本课程的全部模块且每个只出现一次，请刷新页面后重试",
                              field="module_ids")
        for position, pk in enumerate(wanted, start=1):
            modules[pk].position = position
        Module.objects.bulk_update(modules.values(), ["position"])
        Course.objects.filter(pk=locked.pk).update(updated_at=clock.now())
        _audit(actor=actor, action="course.module.reorder", target=locked, course=locked, summary={"order": wanted})
    return [modules[pk] for pk in wanted]


def module_move(*, module: Module, direction: str, actor: User) -> list[Module]:
    """Move a module one place up or down (the author page's buttons, which work without JS)."""
    ids = list(module.course.modules.order_by("position", "pk").values_list("pk", flat=True))
    index = ids.index(module.pk)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(ids):
        ids[index], ids[other] = ids[other], ids[index]
    return module_reorder(course=module.course, module_ids=ids, actor=actor)


def lesson_reorder(*, module: Module, lesson_ids: Sequence[int], actor: User) -> list[Lesson]:
    _require_manager(actor=actor, course=module.course)
    with transaction.atomic():
        locked = _lock(module.course)
        lessons = {lesson.pk: lesson for lesson in module.lessons.all()}
        wanted = [int(i) for i in lesson_ids]
        if sorted(wanted) != sorted(lessons) or len(set(wanted)) != len(wanted):
            raise DomainError("order_mismatch", "排序须包含本模块的全部课件且每个只出现一次，请刷新页面后重试",
                              field="lesson_ids")
        for position, pk in enumerate(wanted, start=1):
            lessons[pk].position = position
        Lesson.objects.bulk_update(lessons.values(), ["position"])
        _audit(actor=actor, action="course.lesson.reorder", target=module, course=locked, summary={"order": wanted})
    return [lessons[pk] for pk in wanted]


def module_remove(*, module: Module, actor: User) -> None:
    """Remove a module with its lessons, only from a course that has never been published."""
    _require_manager(actor=actor, course=module.course)
    with transaction.atomic():
        locked = _lock(module.course)
        if locked.published_at is not None:
            raise DomainError("course_was_published", "课程发布过，学员可能已有学习记录，模块不能删除。可以新增模块并调整顺序",
                              field="module")
        lessons = list(module.lessons.select_related("scorm_package"))
        title, pk = module.title, module.pk
        _delete_lessons(lessons)
        module.delete()
        _audit(actor=actor, action="course.module.remove", target=locked, course=locked,
               summary={"module": pk, "title": title, "lessons": len(lessons)})


def lesson_remove(*, lesson: Lesson, actor: User) -> None:
    """Remove a lesson (and its files), only from a course that has never been published."""
    course = lesson.module.course
    _require_manager(actor=actor, course=course)
    with transaction.atomic():
        locked = _lock(course)
        if locked.published_at is not None:
            raise DomainError("course_was_published", "课程发布过，学员可能已有学习记录，课件不能删除", field="lesson")
        pk, title = lesson.pk, lesson.title
        _delete_lessons([lesson])
        _audit(actor=actor, action="course.lesson.remove", target=lesson.module, course=locked,
               summary={"lesson": pk, "title": title})


def _delete_lessons(lessons: Iterable[Lesson]) -> None:
    files: list = []
    directories: list[Path] = []
    for lesson in lessons:
        if lesson.video:
            files.append((lesson.video.storage, lesson.video.name))
        for image in lesson.images.all():
            files.append((image.file.storage, image.file.name))
            image.delete()
        package = lesson.scorm_package
        lesson.delete()
        if package is not None and not package.lessons.exists():
            files.append((package.archive.storage, package.archive.name))
            directories.append(Path(settings.MEDIA_ROOT) / package.extracted_dir)
            package.delete()

    def remove_files():
        for storage, name in files:
            storage.delete(name)
        for directory in directories:
            shutil.rmtree(directory, ignore_errors=True)

    transaction.on_commit(remove_files)


# --- lessons ------------------------------------------------------------------------------------

def _next_lesson_position(module: Module) -> int:
    return (module.lessons.aggregate(m=Max("position"))["m"] or 0) + 1


def _lesson_audit(*, actor: User, lesson: Lesson, course: Course, extra: dict) -> None:
    Course.objects.filter(pk=course.pk).update(updated_at=clock.now())
    _audit(actor=actor, action=f"course.lesson.add_{lesson.kind}", target=lesson, course=course,
           summary={"module": lesson.module_id, "title": lesson.title, "planned_minutes": lesson.planned_minutes,
                    **extra})


@dataclass
class _LocalFile:
    path: Path
    cleanup: bool


def _local_copy(upload, *, suffix: str) -> _LocalFile:
    """A path on disk holding the upload (its own temporary file when Django made one)."""
    temporary = getattr(upload, "temporary_file_path", None)
    if callable(temporary):
        return _LocalFile(Path(temporary()), cleanup=False)
    handle = tempfile.NamedTemporaryFile(prefix="jineng-upload-", suffix=suffix, delete=False)  # noqa: SIM115
    with handle:
        upload.seek(0)
        for chunk in upload.chunks() if hasattr(upload, "chunks") else iter(lambda: upload.read(1024 * 1024), b""):
            handle.write(chunk)
    upload.seek(0)
    return _LocalFile(Path(handle.name), cleanup=True)


def _upload_size(upload) -> int:
    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, os.SEEK_END)
        size = upload.tell()
        upload.seek(0)
    return int(size)


def lesson_add_video(*, module: Module, title: str, upload, actor: User, planned_minutes: int | None = None) -> Lesson:
    """A recorded-video lesson. The file must really be an MP4 with H.264 video (checked with
    ffprobe, whatever its name); its duration becomes ``video_seconds``, and the planned minutes
    default to the duration rounded up."""
    course = module.course
    _require_manager(actor=actor, course=course)
    title = _clean_title(title, label="课件名称")
    if upload is None:
        raise DomainError("file_missing", "请选择要上传的 MP4 视频文件", field="video")
    size = _upload_size(upload)
    if size == 0:
        raise DomainError("file_empty", "上传的视频文件是空的", field="video")
    if size > MAX_VIDEO_BYTES:
        raise DomainError("file_too_large", f"视频不能超过 {MAX_VIDEO_BYTES // 1024 // 1024 // 1024} GB，请压缩后上传",
                          field="video")
    local = _local_copy(upload, suffix=".mp4")
    try:
        facts = media.probe_video(local.path)
    except media.NotPlayableVideo as exc:
        raise DomainError(exc.code, exc.message, field="video") from None
    except media.MediaToolMissing as exc:
        raise DomainError("media_tool_missing", str(exc), field="video") from None
    finally:
        if local.cleanup:
            local.path.unlink(missing_ok=True)
    minutes = _clean_minutes(planned_minutes) if planned_minutes not in (None, "") else max(1, math.ceil(facts.seconds / 60))
    stored_name = None
    try:
        with transaction.atomic():
            locked = _lock(course)
            lesson = Lesson(module=module, title=title, kind=Lesson.Kind.VIDEO, planned_minutes=minutes,
                            position=_next_lesson_position(module), video_seconds=facts.seconds,
                            video_info=facts.as_dict())
            upload.seek(0)
            lesson.video.save(f"{uuid.uuid4().hex}.mp4", upload, save=False)
            stored_name = lesson.video.name
            lesson.save()
            _lesson_audit(actor=actor, lesson=lesson, course=locked,
                          extra={"video_seconds": facts.seconds, "size_bytes": facts.size_bytes})
    except BaseException:
        if stored_name:
            Lesson.video.field.storage.delete(stored_name)
        raise
    return lesson


# Text and pictures ---------------------------------------------------------------------------

BODY_TAGS = {"p", "br", "h2", "h3", "h4", "strong", "b", "em", "i", "u", "s", "sub", "sup", "mark", "small",
             "ul", "ol", "li", "blockquote", "pre", "code", "hr", "figure", "figcaption", "img", "a",
             "table", "thead", "tbody", "tr", "th", "td", "caption", "span", "div", "dl", "dt", "dd"}
BODY_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "width", "height"}, "th": {"colspan", "rowspan"},
                   "td": {"colspan", "rowspan"}, "ol": {"start"}}
IMAGE_SRC = re.compile(r"^/courses/images/\d+/$")
_PLACEHOLDER = re.compile(r"\[图(\d{1,2})\]")
_HAS_TAG = re.compile(r"<\s*/?\s*[a-zA-Z][^>]*>")


def _attribute_filter(element: str, attribute: str, value: str) -> str | None:
    if element == "img" and attribute == "src":
        return value if IMAGE_SRC.match(value) else None
    if element == "a" and attribute == "href":
        parts = urlsplit(value)
        if parts.scheme in ("http", "https", "mailto") or (not parts.scheme and not parts.netloc):
            return value
        return None
    if attribute in {"width", "height", "colspan", "rowspan", "start"}:
        return value if value.isdigit() and len(value) <= 4 else None
    return value


def sanitize_body_html(body: str) -> str:
    """Keep the harmless part of an author's HTML: text structure, tables, links and pictures
    uploaded to this site. Scripts, styles, event handlers, frames and foreign images go."""
    return nh3.clean(body or "", tags=BODY_TAGS, clean_content_tags={"script", "style", "template"},
                     attributes=BODY_ATTRIBUTES, attribute_filter=_attribute_filter, url_schemes={"http", "https", "mailto"},
                     link_rel="noopener noreferrer nofollow", strip_comments=True)


def _paragraphs(text: str) -> str:
    """Plain text (no tags) becomes paragraphs: blank lines split them, single newlines break lines."""
    blocks = [b.strip() for b in re.split(r"\n\s*\n", text.replace("\r\n", "\n")) if b.strip()]
    return "".join(b if _PLACEHOLDER.fullmatch(b) else "<p>" + html.escape(b).replace("\n", "<br>") + "</p>"
                   for b in blocks)


def _check_image(upload, *, field: str) -> tuple[str, int, int]:
    from PIL import Image, UnidentifiedImageError

    from jineng.common.uploads import sniff_kind

    size = _upload_size(upload)
    if size == 0:
        raise DomainError("file_empty", "上传的图片是空文件", field=field)
    if size > MAX_IMAGE_BYTES:
        raise DomainError("file_too_large", "每张图片不能超过 5 MB，请压缩后上传", field=field)
    upload.seek(0)
    kind = sniff_kind(upload.read(16))
    upload.seek(0)
    if kind not in {"png", "jpg"}:
        raise DomainError("image_type_not_allowed", "图片只接受 JPG 或 PNG 格式", field=field)
    try:
        with Image.open(upload) as image:
            width, height = image.size
            if width * height > MAX_IMAGE_PIXELS:
                raise DomainError("image_too_large", "图片像素过大（超过 4000 万像素），请缩小后上传", field=field)
            image.verify()
    except DomainError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        raise DomainError("image_unreadable", "无法读取该图片，文件可能已损坏", field=field) from None
    finally:
        upload.seek(0)
    return ("image/png" if kind == "png" else "image/jpeg"), width, height


def lesson_add_document(*, module: Module, title: str, body_html: str, planned_minutes: int, actor: User,
                        images: Sequence = ()) -> Lesson:
    """A text-and-pictures lesson. ``body_html`` may be HTML or plain text; it is sanitised with
    nh3 before it is saved. ``images`` are uploads (or ``(upload, caption)`` pairs): each becomes
    a picture served at ``/courses/images/<id>/``; ``[图1]``, ``[图2]`` … in the body mark where
    they go, and pictures not marked are added at the end."""
    course = module.course
    _require_manager(actor=actor, course=course)
    title = _clean_title(title, label="课件名称")
    minutes = _clean_minutes(planned_minutes)
    body = body_html or ""
    if len(body) > MAX_BODY_CHARS:
        raise DomainError("body_too_long", f"图文内容不能超过 {MAX_BODY_CHARS} 个字符，请拆成多个课件", field="body_html")
    pairs = [(item if isinstance(item, tuple) else (item, "")) for item in images if item]
    checked = [(upload, (caption or "").strip()[:200], *_check_image(upload, field=f"image{n}"))
               for n, (upload, caption) in enumerate(pairs, start=1)]
    if not body.strip() and not checked:
        raise DomainError("body_required", "请填写图文内容或上传图片", field="body_html")
    if not _HAS_TAG.search(body):
        body = _paragraphs(body)
    stored: list[LessonImage] = []
    try:
        with transaction.atomic():
            locked = _lock(course)
            lesson = Lesson.objects.create(module=module, title=title, kind=Lesson.Kind.DOCUMENT,
                                           planned_minutes=minutes, position=_next_lesson_position(module))
            for upload, caption, content_type, width, height in checked:
                image = LessonImage(course=locked, lesson=lesson, caption=caption, content_type=content_type,
                                    width=width, height=height, uploaded_by=actor)
                extension = ".png" if content_type == "image/png" else ".jpg"
                image.file.save(f"{uuid.uuid4().hex}{extension}", upload, save=False)
                image.save()
                stored.append(image)
            used: set[int] = set()

            def figure(number: int) -> str:
                image = stored[number - 1]
                alt = html.escape(image.caption or f"图{number}")
                caption = f"<figcaption>{html.escape(image.caption)}</figcaption>" if image.caption else ""
                return (f'<figure><img src="{lesson_image_url(image)}" alt="{alt}" width="{image.width}" '
                        f'height="{image.height}">{caption}</figure>')

            def replace(match: re.Match) -> str:
                number = int(match.group(1))
                if 1 <= number <= len(stored):
                    used.add(number)
                    return figure(number)
                return match.group(0)

            body = _PLACEHOLDER.sub(replace, body)
            body += "".join(figure(n) for n in range(1, len(stored) + 1) if n not in used)
            lesson.body_html = sanitize_body_html(body)
            lesson.save(update_fields=["body_html"])
            _lesson_audit(actor=actor, lesson=lesson, course=locked,
                          extra={"images": [i.pk for i in stored], "body_chars": len(lesson.body_html)})
    except BaseException:
        for image in stored:
            image.file.storage.delete(image.file.name)
        raise
    return lesson


def lesson_add_live(*, module: Module, title: str, starts_at: dt.datetime, ends_at: dt.datetime, room_url: str,
                    actor: User, planned_minutes: int | None = None) -> Lesson:
    """A live class at a scheduled time in an external room (https). Planned minutes default to
    the scheduled length."""
    course = module.course
    _require_manager(actor=actor, course=course)
    title = _clean_title(title, label="课件名称")
    if starts_at is None:
        raise DomainError("required", "请填写直播开始时间", field="starts_at")
    if ends_at is None:
        raise DomainError("required", "请填写直播结束时间", field="ends_at")
    if starts_at.tzinfo is None or ends_at.tzinfo is None:
        raise ValueError("lesson_add_live needs aware datetimes")
    if starts_at <= clock.now():
        raise DomainError("live_in_past", "直播开始时间须晚于现在", field="starts_at")
    if ends_at <= starts_at:
        raise DomainError("live_end_before_start", "直播结束时间须晚于开始时间", field="ends_at")
    if ends_at - starts_at > dt.timedelta(hours=MAX_LIVE_HOURS):
        raise DomainError("live_too_long", f"一次直播不能超过 {MAX_LIVE_HOURS} 小时，请拆成多节", field="ends_at")
    room_url = (room_url or "").strip()
    parts = urlsplit(room_url)
    if parts.scheme != "https" or not parts.netloc or len(room_url) > 200:
        raise DomainError("room_url_invalid", "请填写以 https:// 开头的直播间地址", field="room_url")
    scheduled = math.ceil((ends_at - starts_at).total_seconds() / 60)
    minutes = _clean_minutes(planned_minutes) if planned_minutes not in (None, "") else scheduled
    with transaction.atomic():
        locked = _lock(course)
        lesson = Lesson.objects.create(module=module, title=title, kind=Lesson.Kind.LIVE, planned_minutes=minutes,
                                       position=_next_lesson_position(module), live_starts_at=starts_at,
                                       live_ends_at=ends_at, live_room_url=room_url)
        _lesson_audit(actor=actor, lesson=lesson, course=locked,
                      extra={"starts_at": starts_at.isoformat(), "ends_at": ends_at.isoformat(),
                             "room_host": parts.netloc})
    return lesson


def lesson_add_scorm(*, module: Module, upload, planned_minutes: int, actor: User, title: str = "") -> Lesson:
    """A SCORM 1.2 or 2004 package (.zip). It is checked completely before anything is stored
    (see ``jineng.courses.scorm``), then kept as uploaded and unpacked under
    ``MEDIA_ROOT/scorm/<package id>/``; the lesson title defaults to the manifest's title."""
    course = module.course
    _require_manager(actor=actor, course=course)
    if upload is None:
        raise DomainError("file_missing", "请选择 SCORM 课件包（.zip）", field="package")
    minutes = _clean_minutes(planned_minutes)
    checked = scorm.check_package(upload)
    title = _clean_title(title or checked.manifest.title[:120], label="课件名称")
    scorm_root = Path(settings.MEDIA_ROOT) / "scorm"
    staging = scorm_root / f".staging-{uuid.uuid4().hex}"
    scorm.extract_package(upload, checked, staging)  # outside the transaction: it may take a while
    destination: Path | None = None
    archive_name = None
    try:
        with transaction.atomic():
            locked = _lock(course)
            package = ScormPackage(version=checked.manifest.version, title=checked.manifest.title[:200],
                                   launch_path=checked.manifest.launch_path, uploaded_by=actor,
                                   manifest={**checked.manifest.as_dict(), "file_count": checked.file_count,
                                             "total_bytes": checked.total_bytes})
            upload.seek(0)
            package.archive.save(f"{uuid.uuid4().hex}.zip", File(upload), save=False)
            archive_name = package.archive.name
            package.save()
            package.extracted_dir = f"scorm/{package.pk}"
            package.save(update_fields=["extracted_dir"])
            destination = Path(settings.MEDIA_ROOT) / package.extracted_dir
            if destination.exists():  # left over by a rolled-back upload that was given the same id
                shutil.rmtree(destination)
            staging.rename(destination)
            lesson = Lesson.objects.create(module=module, title=title, kind=Lesson.Kind.SCORM, planned_minutes=minutes,
                                           position=_next_lesson_position(module), scorm_package=package)
            _lesson_audit(actor=actor, lesson=lesson, course=locked,
                          extra={"package": package.pk, "version": package.version, "launch_path": package.launch_path,
                                 "files": checked.file_count})
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        if destination is not None:
            shutil.rmtree(destination, ignore_errors=True)
        if archive_name:
            ScormPackage.archive.field.storage.delete(archive_name)
        raise
    return lesson
