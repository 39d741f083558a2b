"""Learning pages: my courses, the course page, the lesson player, the learning record, and the
training administrator's progress table, export, PDF record and enrolment form. Thin: each parses,
calls a selector or a service, renders."""

from __future__ import annotations

import hashlib
import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jineng.common import clock
from jineng.common.downloads import xlsx_response
from jineng.common.errors import DomainError, NotFound, PermissionDenied
from jineng.common.masking import mask_id_number
from jineng.courses.models import Course, Lesson
from jineng.identity.models import Role
from jineng.identity.selectors import user_has_role, user_organization_ids, user_region_scopes
from jineng.learning import reports, selectors, services
from jineng.learning.forms import EnrolEmployeesForm, ProgressFilterForm
from jineng.learning.models import CLASS_HOUR_MINUTES, Reason
from jineng.learning.services.common import SHANGHAI
from jineng.learning.services.exports import learning_export_log

_DEVICE = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


def _device_id(request: HttpRequest) -> str:
    """The browser's own id (localStorage, sent by the page); without script, one derived from the session."""
    value = request.POST.get("device", "")
    if _DEVICE.match(value):
        return value
    key = request.session.session_key or ""
    return "web-" + hashlib.sha256(key.encode()).hexdigest()[:20]


def _back(request: HttpRequest, fallback: str) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(fallback)


def _ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


# ---- learner pages ----------------------------------------------------------------------------

@login_required
@require_GET
def my_courses(request: HttpRequest) -> HttpResponse:
    return render(request, "learning/my_courses.html", {"rows": selectors.learner_enrolments(user=request.user)})


@login_required
@require_GET
def course_page(request: HttpRequest, course_id: int) -> HttpResponse:
    outline = selectors.course_outline(user=request.user, course_id=course_id)
    return render(request, "learning/course.html", {"outline": outline, "course": outline.course,
                                                    "class_hour_minutes": CLASS_HOUR_MINUTES})


@login_required
@require_POST
def enrol(request: HttpRequest, course_id: int) -> HttpResponse:
    course = get_object_or_404(Course, pk=course_id)
    try:
        services.enrolment_create(course=course, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"报名成功：{course.title}。点击课件即可开始学习，学习时长按规则计入学时。")
    return redirect("learning:course", course_id=course.pk)


@login_required
@require_POST
def daily_sign_in(request: HttpRequest, course_id: int) -> HttpResponse:
    outline = selectors.course_outline(user=request.user, course_id=course_id)
    if outline.enrolment is None:
        raise NotFound("请先报名该课程")
    record = services.sign_in(actor=request.user, enrolment=outline.enrolment, ip=_ip(request),
                              device_id=_device_id(request), user_agent=request.META.get("HTTP_USER_AGENT", ""))
    messages.success(request, f"已签到：{record.signed_at.astimezone(SHANGHAI):%Y-%m-%d %H:%M:%S}（服务器时间）")
    return _back(request, reverse("learning:course", kwargs={"course_id": course_id}))


def _scorm_items(lesson: Lesson) -> list[dict]:
    package = lesson.scorm_package
    items = []
    for item in (package.manifest or {}).get("items", []):
        if not item.get("href"):
            continue
        href, _, query = item["href"].partition("?")
        parameters = item.get("parameters", "")
        if query:
            parameters = "?" + query + ("&" + parameters.lstrip("?&") if parameters else "")
        elif parameters and not parameters.startswith(("?", "#")):
            parameters = "?" + parameters
        url = reverse("courses:scorm_content", kwargs={"package_id": package.pk, "path": href}) + parameters
        items.append({"id": item.get("identifier", ""), "title": item.get("title") or href, "url": url,
                      "sco": item.get("scorm_type") == "sco", "depth": item.get("depth", 0)})
    return items


@login_required
@require_GET
def player(request: HttpRequest, lesson_id: int) -> HttpResponse:
    from jineng.courses import selectors as course_selectors

    context = selectors.lesson_for_player(user=request.user, lesson_id=lesson_id)
    lesson = context.lesson
    extra: dict = {}
    if lesson.kind == Lesson.Kind.VIDEO and lesson.video:
        extra["video_url"] = course_selectors.video_url(lesson)
    if lesson.kind == Lesson.Kind.SCORM:
        extra["launch_url"] = course_selectors.scorm_launch_url(lesson)
        extra["scorm_items"] = _scorm_items(lesson)
        extra["scorm_assets_only"] = not any(i["sco"] for i in extra["scorm_items"])
        extra["scorm_script"] = ("scorm-again/dist/scorm2004.min.js" if lesson.scorm_package.version == "2004"
                                 else "scorm-again/dist/scorm12.min.js")
    cfg = services.learning_config()
    from jineng.exams.selectors import exercise_for_lesson

    extra["exercise"] = exercise_for_lesson(lesson=lesson)
    return render(request, "learning/player.html", {"ctx": context, "lesson": lesson, "cfg": cfg, **extra})


@login_required
@require_POST
def live_sign_in(request: HttpRequest, lesson_id: int) -> HttpResponse:
    context = selectors.lesson_for_player(user=request.user, lesson_id=lesson_id)
    try:
        record = services.sign_in(actor=request.user, enrolment=context.enrolment, lesson=context.lesson,
                                  ip=_ip(request), device_id=_device_id(request),
                                  user_agent=request.META.get("HTTP_USER_AGENT", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"直播课已签到：{record.signed_at.astimezone(SHANGHAI):%H:%M:%S}")
    return redirect("learning:player", lesson_id=lesson_id)


@login_required
@require_GET
def my_records(request: HttpRequest) -> HttpResponse:
    rows = selectors.learner_enrolments(user=request.user)
    daily = selectors.daily_minutes_of_person(person_id=request.user.person_id) if request.user.person_id else []
    return render(request, "learning/my_records.html", {
        "rows": rows, "chart": {"days": [d.isoformat() for d, _ in daily], "minutes": [m for _, m in daily]}})


def _record_context(request: HttpRequest, enrolment_id: int) -> dict:
    enrolment = selectors.enrolment_get_visible(user=request.user, enrolment_id=enrolment_id)
    data = selectors.learning_record(enrolment=enrolment)
    own = enrolment.person_id == request.user.person_id
    return {"enrolment": enrolment, "data": data, "own": own, "person": enrolment.person,
            "id_masked": mask_id_number(enrolment.person.id_number), "reasons": Reason,
            "chart": {"days": [d.isoformat() for d, _ in data.daily], "minutes": [m for _, m in data.daily]},
            "class_hour_minutes": CLASS_HOUR_MINUTES}


@login_required
@require_GET
def record(request: HttpRequest, enrolment_id: int) -> HttpResponse:
    return render(request, "learning/record.html", _record_context(request, enrolment_id))


@login_required
@require_GET
def record_pdf(request: HttpRequest, enrolment_id: int) -> HttpResponse:
    context = _record_context(request, enrolment_id)
    enrolment = context["enrolment"]
    content = reports.learning_record_pdf(enrolment=enrolment, record=context["data"], id_masked=context["id_masked"],
                                          generated_by=request.user)
    learning_export_log(actor=request.user, kind="record_pdf", enrolment_ids=[enrolment.pk],
                        organization_id=enrolment.organization_id)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="learning-record-{enrolment.pk}.pdf"'
    return response


# ---- the training administrator ------------------------------------------------------------------

def _require_follower(user) -> None:
    if not (user_has_role(user=user, role=Role.SYSTEM_ADMIN) or user_organization_ids(user=user, role=Role.TRAINING_ADMIN)
            or user_region_scopes(user=user)):
        raise PermissionDenied("只有线上培训管理员、审核人员和系统管理员可以查看学员学习进度")


def _filtered_rows(request: HttpRequest):
    courses = selectors.courses_with_enrolments_visible_to(user=request.user)
    form = ProgressFilterForm(request.GET or None, courses=courses)
    filters: dict = {}
    if form.is_valid():
        filters = {k: v for k, v in form.cleaned_data.items() if v}
    rows = selectors.learner_progress_rows(user=request.user, course_id=filters.get("course"),
                                           name=filters.get("name", ""), status=filters.get("status", ""))
    return form, filters, rows


@login_required
@require_GET
def manage_progress(request: HttpRequest) -> HttpResponse:
    _require_follower(request.user)
    form, filters, rows = _filtered_rows(request)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    chart_rows = rows[:40]
    chart = {"names": [r.person.name for r in chart_rows], "hours": [r.progress.class_hours for r in chart_rows],
             "planned": [r.progress.planned_class_hours for r in chart_rows]}
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "learning/manage_progress.html", {
        "form": form, "page": page, "rows": [(r, mask_id_number(r.person.id_number)) for r in page],
        "chart": chart, "query": query.urlencode(), "total": len(rows),
        "complete": sum(1 for r in rows if r.progress.status == "complete")})


@login_required
@require_GET
def manage_progress_xlsx(request: HttpRequest) -> HttpResponse:
    _require_follower(request.user)
    _form, filters, rows = _filtered_rows(request)
    content = reports.progress_xlsx(rows=rows, generated_by=request.user)
    learning_export_log(actor=request.user, kind="progress_xlsx", enrolment_ids=[r.enrolment.pk for r in rows],
                        filters={k: str(v) for k, v in filters.items()})
    return xlsx_response(content, filename=f"learning-progress-{clock.now():%Y%m%d}.xlsx")


@login_required
@require_http_methods(["GET", "POST"])
def manage_enrol(request: HttpRequest) -> HttpResponse:
    from jineng.organizations.models import Organization

    org_ids = user_organization_ids(user=request.user, role=Role.TRAINING_ADMIN)
    if not org_ids:
        raise PermissionDenied("只有线上培训管理员可以为本单位职工报名")
    organizations = list(Organization.objects.filter(pk__in=org_ids).order_by("name"))
    chosen = request.POST.get("organization") or request.GET.get("organization")
    organization = next((o for o in organizations if str(o.pk) == chosen), organizations[0])
    courses = list(Course.objects.filter(status=Course.Status.PUBLISHED).order_by("title"))
    employees = services.enrollable_employees(organization=organization)
    form = EnrolEmployeesForm(request.POST or None, courses=courses, employees=employees)
    if request.method == "POST" and form.is_valid():
        course = next(c for c in courses if c.pk == form.cleaned_data["course"])
        persons = [p for p in employees if p.pk in set(form.cleaned_data["persons"])]
        try:
            done = services.enrolments_create_for_employees(course=course, persons=persons, organization=organization,
                                                            actor=request.user)
        except DomainError as exc:
            form.add_error("persons" if exc.field == "persons" else None, exc.message)
        else:
            messages.success(request, f"已为 {len(done)} 名职工报名《{course.title}》")
            return redirect(f"{reverse('learning:manage_progress')}?course={course.pk}")
    return render(request, "learning/manage_enrol.html", {"form": form, "organization": organization,
                                                          "organizations": organizations})
