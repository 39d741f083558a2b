"""Reads about the catalogue, and the rules of who may see and who may author a course.

- A platform operator (``platform_operator``) of the course's provider organisation, or a system
  administrator, manages the course: sees it in every state and changes it through the services.
- Every signed-in user sees published courses and their lessons' content.
- Everyone else (drafts and withdrawn courses of another provider, anonymous visitors) sees nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import quote

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.urls import reverse

from jineng.common.errors import NotFound
from jineng.courses.models import Course, Lesson, LessonImage, Level, Module, Occupation, ScormPackage
from jineng.identity.models import Role
from jineng.identity.selectors import user_has_role, user_organization_ids

CLASS_HOUR_MINUTES = 45


def user_is_course_admin(*, user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user_has_role(user=user, role=Role.SYSTEM_ADMIN)


def provider_ids_for(*, user) -> list[int]:
    """Organisations whose courses ``user`` may author (as a platform operator there)."""
    if not getattr(user, "is_authenticated", False):
        return []
    return user_organization_ids(user=user, role=Role.PLATFORM_OPERATOR)


def user_can_author(*, user) -> bool:
    return user_is_course_admin(user=user) or bool(provider_ids_for(user=user))


def user_manages_course(*, user, course: Course) -> bool:
    if user_is_course_admin(user=user):
        return True
    return course.provider_id in provider_ids_for(user=user)


def user_can_see_course(*, user, course: Course) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return course.status == Course.Status.PUBLISHED or user_manages_course(user=user, course=course)


def providers_for(*, user):
    """The organisations ``user`` may create courses for (all of them for a system administrator)."""
    from jineng.organizations.models import Organization

    qs = Organization.objects.order_by("name")
    if user_is_course_admin(user=user):
        return qs
    return qs.filter(pk__in=provider_ids_for(user=user))


def occupations_all() -> QuerySet[Occupation]:
    return Occupation.objects.order_by("code")


def level_label(level: int | None) -> str:
    return Level(level).label if level else "不分等级"


def _with_totals(qs: QuerySet[Course]) -> QuerySet[Course]:
    return qs.select_related("occupation", "provider").annotate(
        planned_minutes_total=Sum("modules__planned_minutes"), module_count=Count("modules"))


def courses_published(*, occupation: Occupation | str | int | None = None, level: int | None = None) -> QuerySet[Course]:
    """Published courses, newest first, with ``planned_minutes_total`` and ``module_count``.
    ``occupation`` is an Occupation, its id or its code."""
    qs = Course.objects.filter(status=Course.Status.PUBLISHED)
    if isinstance(occupation, Occupation):
        qs = qs.filter(occupation=occupation)
    elif isinstance(occupation, int):
        qs = qs.filter(occupation_id=occupation)
    elif occupation:
        qs = qs.filter(occupation__code=occupation)
    if level:
        qs = qs.filter(level=level)
    return _with_totals(qs).order_by("-published_at", "-pk")


def courses_managed_by(*, user) -> QuerySet[Course]:
    """Every course ``user`` may author: a system administrator's are all, an operator's those of
    their organisations. Newest change first, with the same totals as ``courses_published``."""
    qs = Course.objects.all()
    if not user_is_course_admin(user=user):
        qs = qs.filter(provider_id__in=provider_ids_for(user=user))
    return _with_totals(qs).order_by("-updated_at", "-pk")


def course_get_visible(*, user, course_id: int) -> Course:
    course = Course.objects.select_related("occupation", "provider").filter(pk=course_id).first()
    if course is None or not user_can_see_course(user=user, course=course):
        raise NotFound("课程不存在、未发布或不在您的权限范围内")
    return course


def course_get_managed(*, user, course_id: int) -> Course:
    """A course that ``user`` may author; others get 404 so that drafts stay unseen."""
    course = Course.objects.select_related("occupation", "provider").filter(pk=course_id).first()
    if course is None or not user_manages_course(user=user, course=course):
        raise NotFound("课程不存在或不在您的管理范围内")
    return course


def module_get_managed(*, user, module_id: int) -> Module:
    module = Module.objects.select_related("course__occupation", "course__provider").filter(pk=module_id).first()
    if module is None or not user_manages_course(user=user, course=module.course):
        raise NotFound("模块不存在或不在您的管理范围内")
    return module


@dataclass
class ModuleOutline:
    module: Module
    lessons: list[Lesson]

    @property
    def planned_minutes(self) -> int:
        return self.module.planned_minutes

    @property
    def lesson_minutes(self) -> int:
        return sum(lesson.planned_minutes for lesson in self.lessons)


@dataclass
class CourseOutline:
    course: Course
    modules: list[ModuleOutline] = field(default_factory=list)

    @property
    def planned_minutes(self) -> int:
        return sum(m.planned_minutes for m in self.modules)

    @property
    def public_minutes(self) -> int:
        return sum(m.planned_minutes for m in self.modules if m.module.category == Module.Category.PUBLIC)

    @property
    def professional_minutes(self) -> int:
        return sum(m.planned_minutes for m in self.modules if m.module.category == Module.Category.PROFESSIONAL)

    @property
    def lesson_count(self) -> int:
        return sum(len(m.lessons) for m in self.modules)

    @property
    def class_hours(self) -> float:
        """Planned class hours (1 学时 = 45 分钟, 攀人社发〔2020〕33号), one decimal."""
        return round(self.planned_minutes / CLASS_HOUR_MINUTES, 1)


def course_outline(*, course: Course) -> CourseOutline:
    """The course's modules in order, each with its lessons in order (SCORM packages joined).
    Two queries, whatever the size of the course."""
    lessons = Lesson.objects.select_related("scorm_package").order_by("position", "pk")
    modules = course.modules.order_by("position", "pk").prefetch_related(Prefetch("lessons", queryset=lessons))
    return CourseOutline(course=course, modules=[ModuleOutline(module=m, lessons=list(m.lessons.all())) for m in modules])


def course_publish_problems(*, course: Course, outline: CourseOutline | None = None) -> list[str]:
    """What must be fixed before the course can be published; empty when it is ready."""
    outline = outline or course_outline(course=course)
    problems: list[str] = []
    if not outline.modules:
        problems.append("课程还没有模块：请至少添加一个模块（公共必修课或专业技能课）")
    for item in outline.modules:
        if not item.lessons:
            problems.append(f"模块“{item.module.title}”还没有课件：请添加视频、图文、直播或 SCORM 课件")
        if item.module.planned_minutes <= 0:
            problems.append(f"模块“{item.module.title}”的计划学习时长为 0：请填写大于 0 的分钟数")
    if outline.modules and outline.planned_minutes <= 0:
        problems.append("课程的计划学习时长合计为 0 分钟：请为模块填写计划学习时长")
    return problems


def _lessons_with_course() -> QuerySet[Lesson]:
    return Lesson.objects.select_related("module__course__occupation", "module__course__provider", "scorm_package")


def lesson_get_for_learner(*, user, lesson_id: int) -> Lesson:
    """A lesson of a course ``user`` may see (published, or one they manage), with its module,
    course and SCORM package loaded; otherwise ``NotFound``."""
    lesson = _lessons_with_course().filter(pk=lesson_id).first()
    if lesson is None or not user_can_see_course(user=user, course=lesson.module.course):
        raise NotFound("课件不存在、所属课程未发布或不在您的权限范围内")
    return lesson


def lesson_get_managed(*, user, lesson_id: int) -> Lesson:
    lesson = _lessons_with_course().filter(pk=lesson_id).first()
    if lesson is None or not user_manages_course(user=user, course=lesson.module.course):
        raise NotFound("课件不存在或不在您的管理范围内")
    return lesson


def scorm_package_get_visible(*, user, package_id: int) -> ScormPackage:
    """A package one of whose lessons belongs to a course ``user`` may see."""
    package = ScormPackage.objects.filter(pk=package_id).first()
    if package is not None:
        for lesson in package.lessons.select_related("module__course"):
            if user_can_see_course(user=user, course=lesson.module.course):
                return package
    raise NotFound("课件不存在或不在您的权限范围内")


def lesson_image_get_visible(*, user, image_id: int) -> LessonImage:
    image = LessonImage.objects.select_related("course").filter(pk=image_id).first()
    if image is None or not user_can_see_course(user=user, course=image.course):
        raise NotFound("图片不存在或不在您的权限范围内")
    return image


def scorm_launch_url(lesson: Lesson) -> str:
    """Same-origin URL of the SCO that starts the lesson's package (with the manifest item's
    parameters), for the player's iframe. Served by ``courses:scorm_content``."""
    package = lesson.scorm_package
    if lesson.kind != Lesson.Kind.SCORM or package is None:
        raise ValueError(f"课件 {lesson.pk} 不是 SCORM 课件")
    base = reverse("courses:scorm_content", kwargs={"package_id": package.pk, "path": "x"})[:-1]
    parameters = (package.manifest or {}).get("launch_parameters", "")
    if parameters and not parameters.startswith(("?", "#")):
        parameters = "?" + parameters
    return base + quote(package.launch_path, safe="/") + parameters


def video_url(lesson: Lesson) -> str:
    """Same-origin URL of the lesson's MP4, served with HTTP Range support to those who may see it."""
    if lesson.kind != Lesson.Kind.VIDEO or not lesson.video:
        raise ValueError(f"课件 {lesson.pk} 不是视频课件")
    return reverse("courses:video", kwargs={"lesson_id": lesson.pk})


def lesson_image_url(image: LessonImage) -> str:
    return reverse("courses:image", kwargs={"image_id": image.pk})


def catalogue_levels() -> list[tuple[int, str]]:
    return [(int(value), label) for value, label in Level.choices]


def courses_for_occupation_filter() -> QuerySet[Occupation]:
    """Occupations that have at least one published course, for the catalogue filter."""
    return Occupation.objects.filter(Q(courses__status=Course.Status.PUBLISHED)).distinct().order_by("code")
