"""Catalogue API (mounted at /api/courses/): the published catalogue and course outlines for
everyone signed in, and author endpoints that mirror the services. Session auth with CSRF on
every state-changing call (``jineng.api``); domain errors come back as ``{"error": {...}}``."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from jineng.common.errors import DomainError, PermissionDenied
from jineng.courses import selectors, services
from jineng.courses.models import Course, Lesson, Occupation

router = Router(tags=["courses"])


class OccupationOut(Schema):
    id: int
    code: str
    name: str
    levels: list[int]


class OccupationIn(Schema):
    code: str
    name: str
    levels: list[int] = []


class CourseOut(Schema):
    id: int
    title: str
    summary: str
    occupation: OccupationOut
    level: int | None
    level_label: str
    provider_id: int
    provider_name: str
    status: str
    is_free_resource: bool
    planned_minutes: int
    module_count: int
    published_at: dt.datetime | None


class CourseIn(Schema):
    provider_id: int | None = None
    occupation_id: int
    level: int | None = None
    title: str
    summary: str = ""
    is_free_resource: bool = False


class LessonOut(Schema):
    id: int
    title: str
    kind: str
    position: int
    planned_minutes: int
    video_seconds: int | None = None
    video_url: str | None = None
    live_starts_at: dt.datetime | None = None
    live_ends_at: dt.datetime | None = None
    live_room_url: str | None = None
    scorm_version: str | None = None
    scorm_launch_url: str | None = None


class ModuleOut(Schema):
    id: int
    title: str
    category: str
    category_label: str
    planned_minutes: int
    required: bool
    position: int
    lessons: list[LessonOut]


class OutlineOut(Schema):
    course: CourseOut
    planned_minutes: int
    public_minutes: int
    professional_minutes: int
    class_hours: float
    modules: list[ModuleOut]
    publish_problems: list[str] | None = None


class ModuleIn(Schema):
    title: str
    category: str
    planned_minutes: int
    required: bool = True


class OrderIn(Schema):
    module_ids: list[int]


class LiveIn(Schema):
    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    room_url: str
    planned_minutes: int | None = None


def _occupation_out(o: Occupation) -> OccupationOut:
    return OccupationOut(id=o.pk, code=o.code, name=o.name, levels=list(o.levels or []))


def _course_out(course: Course, *, planned_minutes: int | None = None, module_count: int | None = None) -> CourseOut:
    if planned_minutes is None:
        planned_minutes = getattr(course, "planned_minutes_total", None)
    if module_count is None:
        module_count = getattr(course, "module_count", None)
    return CourseOut(
        id=course.pk, title=course.title, summary=course.summary, occupation=_occupation_out(course.occupation),
        level=course.level, level_label=selectors.level_label(course.level), provider_id=course.provider_id,
        provider_name=course.provider.name, status=course.status, is_free_resource=course.is_free_resource,
        planned_minutes=planned_minutes or 0, module_count=module_count or 0, published_at=course.published_at,
    )


def _lesson_out(lesson: Lesson) -> LessonOut:
    out = LessonOut(id=lesson.pk, title=lesson.title, kind=lesson.kind, position=lesson.position,
                    planned_minutes=lesson.planned_minutes)
    if lesson.kind == Lesson.Kind.VIDEO and lesson.video:
        out.video_seconds, out.video_url = lesson.video_seconds, selectors.video_url(lesson)
    elif lesson.kind == Lesson.Kind.LIVE:
        out.live_starts_at, out.live_ends_at, out.live_room_url = (lesson.live_starts_at, lesson.live_ends_at,
                                                                   lesson.live_room_url)
    elif lesson.kind == Lesson.Kind.SCORM and lesson.scorm_package_id:
        out.scorm_version, out.scorm_launch_url = lesson.scorm_package.version, selectors.scorm_launch_url(lesson)
    return out


def _outline_out(request: HttpRequest, course: Course) -> OutlineOut:
    outline = selectors.course_outline(course=course)
    manages = selectors.user_manages_course(user=request.auth, course=course)
    return OutlineOut(
        course=_course_out(course, planned_minutes=outline.planned_minutes, module_count=len(outline.modules)),
        planned_minutes=outline.planned_minutes, public_minutes=outline.public_minutes,
        professional_minutes=outline.professional_minutes, class_hours=outline.class_hours,
        modules=[ModuleOut(id=m.module.pk, title=m.module.title, category=m.module.category,
                           category_label=m.module.get_category_display(), planned_minutes=m.module.planned_minutes,
                           required=m.module.required, position=m.module.position,
                           lessons=[_lesson_out(lesson) for lesson in m.lessons]) for m in outline.modules],
        publish_problems=selectors.course_publish_problems(course=course, outline=outline) if manages else None,
    )


def _occupation(occupation_id: int) -> Occupation:
    occupation = Occupation.objects.filter(pk=occupation_id).first()
    if occupation is None:
        raise DomainError("occupation_not_found", "职业（工种）不存在", field="occupation_id")
    return occupation


# --- everyone signed in -------------------------------------------------------------------------

@router.get("/", response=list[CourseOut], summary="已发布的课程（可按职业编码和等级筛选）")
def courses_published(request: HttpRequest, occupation: str | None = None, level: int | None = None):
    return [_course_out(c) for c in selectors.courses_published(occupation=occupation, level=level)]


@router.get("/occupations", response=list[OccupationOut], summary="职业（工种）目录")
def occupations(request: HttpRequest):
    return [_occupation_out(o) for o in selectors.occupations_all()]


@router.get("/managed", response=list[CourseOut], summary="我管理的课程（平台运营人员、系统管理员）")
def courses_managed(request: HttpRequest):
    return [_course_out(c) for c in selectors.courses_managed_by(user=request.auth)]


@router.get("/{course_id}/outline", response=OutlineOut, summary="课程大纲：模块、课件和计划时长")
def course_outline(request: HttpRequest, course_id: int):
    return _outline_out(request, selectors.course_get_visible(user=request.auth, course_id=course_id))


# --- authors ------------------------------------------------------------------------------------

@router.post("/occupations", response={201: OccupationOut}, summary="添加职业（工种）")
def occupation_create(request: HttpRequest, payload: OccupationIn):
    occupation = services.occupation_create(code=payload.code, name=payload.name, levels=payload.levels,
                                            actor=request.auth)
    return Status(201, _occupation_out(occupation))


@router.post("/", response={201: OutlineOut}, summary="新建课程")
def course_create(request: HttpRequest, payload: CourseIn):
    providers = selectors.providers_for(user=request.auth)
    if payload.provider_id is None:
        ids = list(providers.values_list("pk", flat=True)[:2])
        if len(ids) != 1:
            raise DomainError("provider_required", "请指定课程提供单位 provider_id", field="provider_id")
        payload.provider_id = ids[0]
    provider = providers.filter(pk=payload.provider_id).first()
    if provider is None:
        raise PermissionDenied("只能为本单位（您担任平台运营人员的单位）创建课程")
    course = services.course_create(provider=provider, occupation=_occupation(payload.occupation_id),
                                    level=payload.level, title=payload.title, summary=payload.summary,
                                    is_free_resource=payload.is_free_resource, actor=request.auth)
    return Status(201, _outline_out(request, selectors.course_get_managed(user=request.auth, course_id=course.pk)))


@router.put("/{course_id}", response=OutlineOut, summary="修改课程信息（草稿或已下架的课程）")
def course_update(request: HttpRequest, course_id: int, payload: CourseIn):
    course = selectors.course_get_managed(user=request.auth, course_id=course_id)
    services.course_update(course=course, occupation=_occupation(payload.occupation_id), level=payload.level,
                           title=payload.title, summary=payload.summary, is_free_resource=payload.is_free_resource,
                           actor=request.auth)
    return _outline_out(request, selectors.course_get_managed(user=request.auth, course_id=course_id))


@router.post("/{course_id}/modules", response={201: ModuleOut}, summary="添加模块")
def module_add(request: HttpRequest, course_id: int, payload: ModuleIn):
    course = selectors.course_get_managed(user=request.auth, course_id=course_id)
    module = services.module_add(course=course, title=payload.title, category=payload.category,
                                 planned_minutes=payload.planned_minutes, required=payload.required, actor=request.auth)
    return Status(201, ModuleOut(id=module.pk, title=module.title, category=module.category,
                                 category_label=module.get_category_display(), planned_minutes=module.planned_minutes,
                                 required=module.required, position=module.position, lessons=[]))


@router.put("/{course_id}/modules/order", response=OutlineOut, summary="调整模块顺序")
def module_reorder(request: HttpRequest, course_id: int, payload: OrderIn):
    course = selectors.course_get_managed(user=request.auth, course_id=course_id)
    services.module_reorder(course=course, module_ids=payload.module_ids, actor=request.auth)
    return _outline_out(request, course)


def _module(request: HttpRequest, module_id: int):
    return selectors.module_get_managed(user=request.auth, module_id=module_id)


@router.post("/modules/{module_id}/lessons/video", response={201: LessonOut}, summary="添加录播视频课件（MP4/H.264）")
def lesson_add_video(request: HttpRequest, module_id: int, title: Form[str], video: File[UploadedFile],
                     planned_minutes: Form[int | None] = None):
    lesson = services.lesson_add_video(module=_module(request, module_id), title=title, upload=video,
                                       planned_minutes=planned_minutes, actor=request.auth)
    return Status(201, _lesson_out(lesson))


@router.post("/modules/{module_id}/lessons/document", response={201: LessonOut}, summary="添加图文课件（HTML 经清理）")
def lesson_add_document(request: HttpRequest, module_id: int, title: Form[str], planned_minutes: Form[int],
                        body_html: Form[str] = "", images: File[list[UploadedFile]] = None):
    lesson = services.lesson_add_document(module=_module(request, module_id), title=title, body_html=body_html,
                                          planned_minutes=planned_minutes, images=images or [], actor=request.auth)
    return Status(201, _lesson_out(lesson))


@router.post("/modules/{module_id}/lessons/live", response={201: LessonOut}, summary="添加直播课")
def lesson_add_live(request: HttpRequest, module_id: int, payload: LiveIn):
    lesson = services.lesson_add_live(module=_module(request, module_id), title=payload.title,
                                      starts_at=payload.starts_at, ends_at=payload.ends_at, room_url=payload.room_url,
                                      planned_minutes=payload.planned_minutes, actor=request.auth)
    return Status(201, _lesson_out(lesson))


@router.post("/modules/{module_id}/lessons/scorm", response={201: LessonOut}, summary="上传 SCORM 1.2/2004 课件包")
def lesson_add_scorm(request: HttpRequest, module_id: int, package: File[UploadedFile], planned_minutes: Form[int],
                     title: Form[str] = ""):
    lesson = services.lesson_add_scorm(module=_module(request, module_id), upload=package, title=title,
                                       planned_minutes=planned_minutes, actor=request.auth)
    return Status(201, _lesson_out(lesson))


@router.post("/{course_id}/publish", response=OutlineOut, summary="发布课程（不满足条件时列出需要完成的事项）")
def course_publish(request: HttpRequest, course_id: int):
    course = services.course_publish(course=selectors.course_get_managed(user=request.auth, course_id=course_id),
                                     actor=request.auth)
    return _outline_out(request, selectors.course_get_managed(user=request.auth, course_id=course.pk))


@router.post("/{course_id}/withdraw", response=OutlineOut, summary="下架课程")
def course_withdraw(request: HttpRequest, course_id: int):
    course = services.course_withdraw(course=selectors.course_get_managed(user=request.auth, course_id=course_id),
                                      actor=request.auth)
    return _outline_out(request, selectors.course_get_managed(user=request.auth, course_id=course.pk))


@router.get("/lessons/{lesson_id}", response=LessonOut, summary="一个课件（所属课程须已发布或由我管理）")
def lesson_detail(request: HttpRequest, lesson_id: int):
    return _lesson_out(selectors.lesson_get_for_learner(user=request.auth, lesson_id=lesson_id))
