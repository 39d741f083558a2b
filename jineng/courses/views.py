"""Catalogue and author pages, and the views that serve lesson content (video with HTTP Range,
pictures, unpacked SCORM packages) to signed-in users allowed to see the course.

Each page parses its form, calls one service or selector, and renders; a ``DomainError`` goes
back to the form beside the field it names. Upload forms also answer the small progress script
(``static/courses/upload.js``): with the header ``X-Upload-Progress: 1`` a success is a JSON
``{"redirect": url}`` instead of a 302, so that the flash message survives to the next page.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseForbidden, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_http_methods, require_POST, require_safe

from jineng.common.errors import DomainError, PermissionDenied
from jineng.courses import forms, selectors, services
from jineng.courses.media import ranged_file_response
from jineng.courses.models import Lesson

try:  # django-csp ≥ 4.1 names it csp_override; 4.0 (installed) calls it csp_replace
    from csp.decorators import csp_override
except ImportError:  # pragma: no cover - depends on the installed django-csp
    from csp.decorators import csp_replace as csp_override

# SCORM content is third-party HTML that relies on inline script, inline style and eval, and runs
# inside the player's iframe on our own origin: relax the policy for those responses only.
SCORM_CONTENT_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'", "'unsafe-inline'", "'unsafe-eval'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:"],
    "font-src": ["'self'", "data:"],
    "media-src": ["'self'", "blob:", "data:"],
    "connect-src": ["'self'"],
    "frame-src": ["'self'"],
    "frame-ancestors": ["'self'"],
    "form-action": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
}


def _form_error(form, exc: DomainError) -> None:
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)


def _wants_json(request: HttpRequest) -> bool:
    return request.headers.get("X-Upload-Progress") == "1"


def _done(request: HttpRequest, url: str) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse({"redirect": url})
    return redirect(url)


def _require_author(request: HttpRequest) -> None:
    if not selectors.user_can_author(user=request.user):
        raise PermissionDenied("只有平台运营人员或系统管理员可以管理课程")


# --- learners: catalogue ------------------------------------------------------------------------

@login_required
@require_GET
def catalogue(request: HttpRequest) -> HttpResponse:
    form = forms.CatalogueFilterForm(request.GET or None, occupations=selectors.courses_for_occupation_filter())
    occupation = level = None
    if form.is_valid():
        occupation, level = form.cleaned_data["occupation"], form.cleaned_data["level"]
    courses = list(selectors.courses_published(occupation=occupation, level=level))
    for course in courses:
        course.level_label = selectors.level_label(course.level)
        course.class_hours = round((course.planned_minutes_total or 0) / selectors.CLASS_HOUR_MINUTES, 1)
    return render(request, "courses/catalogue.html", {"form": form, "courses": courses,
                                                      "can_author": selectors.user_can_author(user=request.user)})


@login_required
@require_GET
def course_detail(request: HttpRequest, course_id: int) -> HttpResponse:
    """What a learner sees before enrolling; for the course's managers also the preview of a draft."""
    course = selectors.course_get_visible(user=request.user, course_id=course_id)
    outline = selectors.course_outline(course=course)
    return render(request, "courses/detail.html", {
        "course": course, "outline": outline, "level_label": selectors.level_label(course.level),
        "manages": selectors.user_manages_course(user=request.user, course=course),
        "learn_url": f"/learn/courses/{course.pk}/",
    })


# --- authors ------------------------------------------------------------------------------------

@login_required
@require_GET
def manage_list(request: HttpRequest) -> HttpResponse:
    _require_author(request)
    courses = list(selectors.courses_managed_by(user=request.user))
    for course in courses:
        course.level_label = selectors.level_label(course.level)
    return render(request, "courses/manage_list.html", {"courses": courses})


@login_required
@require_http_methods(["GET", "POST"])
def occupation_create(request: HttpRequest) -> HttpResponse:
    _require_author(request)
    form = forms.OccupationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            occupation = services.occupation_create(code=data["code"], name=data["name"], levels=data["levels"],
                                                    actor=request.user)
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, f"已添加职业（工种）：{occupation}")
            return redirect(request.GET.get("next") if request.GET.get("next", "").startswith("/courses/")
                            else "courses:manage")
    return render(request, "courses/occupation_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def course_create(request: HttpRequest) -> HttpResponse:
    _require_author(request)
    providers = selectors.providers_for(user=request.user)
    form = forms.CourseForm(request.POST or None, providers=providers)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            course = services.course_create(provider=data["provider"], occupation=data["occupation"], level=data["level"],
                                            title=data["title"], summary=data["summary"],
                                            is_free_resource=data["is_free_resource"], actor=request.user)
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, "课程已创建。下一步：添加模块和课件")
            return redirect("courses:edit", course_id=course.pk)
    return render(request, "courses/course_form.html", {"form": form, "course": None})


@login_required
@require_http_methods(["GET", "POST"])
def course_update(request: HttpRequest, course_id: int) -> HttpResponse:
    course = selectors.course_get_managed(user=request.user, course_id=course_id)
    initial = {"occupation": course.occupation, "level": course.level, "title": course.title, "summary": course.summary,
               "is_free_resource": course.is_free_resource}
    form = forms.CourseForm(request.POST or None, initial=initial, with_provider=False)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.course_update(course=course, occupation=data["occupation"], level=data["level"], title=data["title"],
                                   summary=data["summary"], is_free_resource=data["is_free_resource"],
                                   actor=request.user)
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, "课程信息已保存")
            return redirect("courses:edit", course_id=course.pk)
    return render(request, "courses/course_form.html", {"form": form, "course": course})


def _editor(request: HttpRequest, course, module_form) -> HttpResponse:
    outline = selectors.course_outline(course=course)
    problems = selectors.course_publish_problems(course=course, outline=outline)
    return render(request, "courses/editor.html", {
        "course": course, "outline": outline, "problems": problems, "module_form": module_form,
        "level_label": selectors.level_label(course.level), "editable": course.status in services.EDITABLE,
        "lesson_kinds": [(kind, Lesson.Kind(kind).label) for kind in ("video", "document", "live", "scorm")],
        "never_published": course.published_at is None,
    })


@login_required
@require_http_methods(["GET", "POST"])
def course_edit(request: HttpRequest, course_id: int) -> HttpResponse:
    """The author's page: outline, add a module, move modules, add lessons, publish or withdraw."""
    course = selectors.course_get_managed(user=request.user, course_id=course_id)
    module_form = forms.ModuleForm(request.POST or None)
    if request.method == "POST" and module_form.is_valid():
        data = module_form.cleaned_data
        try:
            module = services.module_add(course=course, title=data["title"], category=data["category"],
                                         planned_minutes=data["planned_minutes"], required=data["required"],
                                         actor=request.user)
        except DomainError as exc:
            _form_error(module_form, exc)
        else:
            messages.success(request, f"已添加模块“{module.title}”。下一步：为它添加课件")
            return redirect(f"{reverse('courses:edit', args=[course.pk])}#module-{module.pk}")
    return _editor(request, course, module_form)


@login_required
@require_POST
def module_move(request: HttpRequest, module_id: int) -> HttpResponse:
    module = selectors.module_get_managed(user=request.user, module_id=module_id)
    direction = "up" if request.POST.get("direction") == "up" else "down"
    try:
        services.module_move(module=module, direction=direction, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(f"{reverse('courses:edit', args=[module.course_id])}#module-{module.pk}")


@login_required
@require_POST
def module_remove(request: HttpRequest, module_id: int) -> HttpResponse:
    module = selectors.module_get_managed(user=request.user, module_id=module_id)
    try:
        services.module_remove(module=module, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已删除模块“{module.title}”")
    return redirect("courses:edit", course_id=module.course_id)


@login_required
@require_POST
def lesson_remove(request: HttpRequest, lesson_id: int) -> HttpResponse:
    lesson = selectors.lesson_get_managed(user=request.user, lesson_id=lesson_id)
    course_id = lesson.module.course_id
    try:
        services.lesson_remove(lesson=lesson, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已删除课件“{lesson.title}”")
    return redirect("courses:edit", course_id=course_id)


@login_required
@require_http_methods(["GET", "POST"])
def lesson_add(request: HttpRequest, module_id: int, kind: str) -> HttpResponse:
    module = selectors.module_get_managed(user=request.user, module_id=module_id)
    if kind not in forms.LESSON_FORMS:
        raise Http404
    form_class, heading = forms.LESSON_FORMS[kind]
    form = form_class(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                lesson = _add_lesson(kind, module=module, data=data, form=form, actor=request.user)
            except DomainError as exc:
                _form_error(form, exc)
            else:
                messages.success(request, f"已添加{lesson.get_kind_display()}“{lesson.title}”")
                return _done(request, f"{reverse('courses:edit', args=[module.course_id])}#module-{module.pk}")
        status = 400 if _wants_json(request) else 200
    return render(request, "courses/lesson_form.html", {
        "form": form, "module": module, "course": module.course, "kind": kind, "heading": heading,
        "has_files": kind in ("video", "document", "scorm"),
    }, status=status)


def _add_lesson(kind: str, *, module, data: dict, form, actor) -> Lesson:
    if kind == "video":
        return services.lesson_add_video(module=module, title=data["title"], upload=data["video"],
                                         planned_minutes=data["planned_minutes"], actor=actor)
    if kind == "document":
        return services.lesson_add_document(module=module, title=data["title"], body_html=data["body_html"],
                                            planned_minutes=data["planned_minutes"], images=form.images(), actor=actor)
    if kind == "live":
        return services.lesson_add_live(module=module, title=data["title"], starts_at=data["starts_at"],
                                        ends_at=data["ends_at"], room_url=data["room_url"],
                                        planned_minutes=data["planned_minutes"], actor=actor)
    return services.lesson_add_scorm(module=module, upload=data["package"], title=data["title"],
                                     planned_minutes=data["planned_minutes"], actor=actor)


@login_required
@require_GET
def lesson_preview(request: HttpRequest, lesson_id: int) -> HttpResponse:
    """The author's look at one lesson as learners will get it (the learning player adds the
    time-keeping and the SCORM run-time)."""
    lesson = selectors.lesson_get_managed(user=request.user, lesson_id=lesson_id)
    context = {"lesson": lesson, "course": lesson.module.course}
    if lesson.kind == Lesson.Kind.VIDEO and lesson.video:
        context["video_url"] = selectors.video_url(lesson)
    if lesson.kind == Lesson.Kind.SCORM and lesson.scorm_package_id:
        context["scorm_url"] = selectors.scorm_launch_url(lesson)
    return render(request, "courses/lesson_preview.html", context)


@login_required
@require_POST
def course_publish(request: HttpRequest, course_id: int) -> HttpResponse:
    course = selectors.course_get_managed(user=request.user, course_id=course_id)
    try:
        services.course_publish(course=course, actor=request.user)
    except DomainError as exc:
        for problem in exc.details.get("problems", []) or [exc.message]:
            messages.error(request, problem)
    else:
        messages.success(request, "课程已发布，学员可在课程目录中看到并报名")
    return redirect("courses:edit", course_id=course.pk)


@login_required
@require_POST
def course_withdraw(request: HttpRequest, course_id: int) -> HttpResponse:
    course = selectors.course_get_managed(user=request.user, course_id=course_id)
    try:
        services.course_withdraw(course=course, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "课程已下架：不再出现在课程目录中，已有学习记录保留")
    return redirect("courses:edit", course_id=course.pk)


# --- content ------------------------------------------------------------------------------------

def _content_user_check(request: HttpRequest) -> HttpResponse | None:
    """Content is fetched by <video>, <img> and iframes: no login redirect, a plain 403."""
    if not request.user.is_authenticated:
        return HttpResponseForbidden("请先登录", content_type="text/plain; charset=utf-8")
    return None


@require_safe
def video(request: HttpRequest, lesson_id: int) -> HttpResponse:
    refused = _content_user_check(request)
    if refused:
        return refused
    lesson = selectors.lesson_get_for_learner(user=request.user, lesson_id=lesson_id)
    if lesson.kind != Lesson.Kind.VIDEO or not lesson.video:
        raise Http404
    return ranged_file_response(request, lesson.video, content_type="video/mp4")


@require_safe
def image(request: HttpRequest, image_id: int) -> HttpResponse:
    refused = _content_user_check(request)
    if refused:
        return refused
    picture = selectors.lesson_image_get_visible(user=request.user, image_id=image_id)
    response = FileResponse(picture.file.open("rb"), content_type=picture.content_type)
    response["Cache-Control"] = "private, max-age=3600"
    return response


@xframe_options_sameorigin
@csp_override(SCORM_CONTENT_POLICY)
@require_safe
def scorm_content(request: HttpRequest, package_id: int, path: str) -> HttpResponse:
    refused = _content_user_check(request)
    if refused:
        return refused
    package = selectors.scorm_package_get_visible(user=request.user, package_id=package_id)
    root = (Path(settings.MEDIA_ROOT) / package.extracted_dir).resolve()
    target = (root / path).resolve()
    if root not in target.parents or not target.is_file():
        raise Http404
    # No charset is added: packages declare their own (<meta charset>) and scripts inherit it.
    content_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
    response = FileResponse(open(target, "rb"), content_type=content_type)  # noqa: SIM115 - FileResponse closes it
    response["Cache-Control"] = "private, max-age=600"
    return response
