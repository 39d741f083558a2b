"""Pages for practical sessions: the project's sessions and scheduling, a session with its
sign-ins, the organiser's big-screen QR display, the learner's scan page, attendance (with
chart and .xlsx), the learner's own sessions, and the officers' suspensions. Each view parses,
calls one service or selector, and renders; a ``DomainError`` goes back beside its field."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jineng.common import clock
from jineng.common.downloads import xlsx_response
from jineng.common.errors import DomainError, PermissionDenied
from jineng.common.masking import mask_id_number
from jineng.practicals import forms, reports, selectors, services
from jineng.practicals.display import display_payload
from jineng.practicals.models import SessionState
from jineng.projects.models import ProjectState

SCAN_KEY = "practicals_scan"


def _ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def _form_error(form, exc: DomainError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


# --- lists ---------------------------------------------------------------------------------------

@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    projects = (selectors.projects_visible_to(user=request.user)
                .filter(state__in=[ProjectState.APPROVED, ProjectState.RUNNING, ProjectState.FINISHED])
                .annotate(session_count=Count("practical_sessions", distinct=True),
                          held_count=Count("practical_sessions", filter=Q(practical_sessions__state=SessionState.HELD),
                                           distinct=True))
                .order_by("-start_date", "-id")[:200])
    return render(request, "practicals/index.html", {
        "projects": projects,
        "suspensions": selectors.suspensions_visible_to(user=request.user).filter(lifted_at__isnull=True),
        "can_suspend": selectors.cities_user_may_suspend(user=request.user).exists(),
    })


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    return render(request, "practicals/mine.html", {"rows": selectors.learner_sessions(user=request.user),
                                                    "now": clock.now()})


# --- a project's sessions --------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def project_sessions(request: HttpRequest, project_id: int) -> HttpResponse:
    project = selectors.project_get_visible(user=request.user, project_id=project_id)
    organiser = selectors.user_organises(user=request.user, project=project)
    suspension = selectors.open_suspension_for(project=project)
    form = forms.SessionForm(request.POST or None, modules=selectors.offline_modules_of(project=project))
    if request.method == "POST":
        if not organiser:
            raise PermissionDenied("只有项目申请单位或受托培训机构的线上培训管理员可以安排线下实操")
        if form.is_valid():
            try:
                session = services.session_schedule(project=project, data=form.to_data(), actor=request.user)
            except DomainError as exc:
                _form_error(form, exc)
            else:
                messages.success(request, f"已安排实操“{session.title}”")
                return redirect("practicals:session", session_id=session.pk)
    return render(request, "practicals/project.html", {
        "project": project, "sessions": selectors.sessions_of(project=project), "form": form,
        "organiser": organiser, "suspension": suspension,
        "suspension_notice": selectors.suspension_notice(suspension) if suspension else "",
        "schedulable": project.state in selectors.SCHEDULABLE_PROJECT_STATES,
        "roster_size": selectors.roster_size(project=project),
    }, status=400 if request.method == "POST" else 200)


@login_required
@require_GET
def session_detail(request: HttpRequest, session_id: int) -> HttpResponse:
    session = selectors.session_get_visible(user=request.user, session_id=session_id)
    sign_ins = [(s, mask_id_number(s.person.id_number)) for s in selectors.sign_ins_of(session=session)]
    opens, closes = selectors.sign_in_window(session)
    return render(request, "practicals/session.html", {
        "session": session, "project": session.project, "sign_ins": sign_ins,
        "organiser": selectors.user_organises(user=request.user, project=session.project),
        "opens": opens, "closes": closes, "over": clock.now() > closes,
        "events": session.events.select_related("actor"), "cancel_form": forms.CancelForm(),
        "roster_size": selectors.roster_size(project=session.project),
    })


@login_required
@require_POST
def session_cancel(request: HttpRequest, session_id: int) -> HttpResponse:
    session = selectors.session_get_visible(user=request.user, session_id=session_id)
    form = forms.CancelForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写取消原因（学员扫码时会看到）")
        return redirect("practicals:session", session_id=session.pk)
    try:
        services.session_cancel(session=session, reason=form.cleaned_data["reason"], actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已取消本场实操")
    return redirect("practicals:session", session_id=session.pk)


@login_required
@require_POST
def session_hold(request: HttpRequest, session_id: int) -> HttpResponse:
    session = selectors.session_get_visible(user=request.user, session_id=session_id)
    try:
        services.session_hold(session=session, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已确认本场实操已举行，签到学员的实操时长已计入")
    return redirect("practicals:session", session_id=session.pk)


@login_required
@require_GET
def session_display(request: HttpRequest, session_id: int) -> HttpResponse:
    """The big screen on site: the QR of the current minute, refreshed by ``display.js``."""
    session = selectors.session_get_visible(user=request.user, session_id=session_id)
    if not selectors.user_organises(user=request.user, project=session.project):
        raise PermissionDenied("只有项目申请单位或受托培训机构的线上培训管理员可以打开签到大屏")
    payload = display_payload(request, selectors.display_facts(session=session))
    return render(request, "practicals/display.html", {"session": session, "project": session.project, **payload})


# --- the learner's scan ----------------------------------------------------------------------------

def _scanned_at(request: HttpRequest, session_id: int, code: str) -> dt.datetime | None:
    """The server time of a scan made before signing in to the system, if it was this one."""
    scan = request.session.pop(SCAN_KEY, None)
    if not scan or scan.get("session") != session_id or scan.get("code") != code:
        return None
    try:
        return dt.datetime.fromisoformat(scan["at"])
    except (KeyError, TypeError, ValueError):
        return None


@require_GET
def sign_in(request: HttpRequest, session_id: int, code: str) -> HttpResponse:
    """Opening the scanned address signs the learner in (one step on a phone). Not signed in yet:
    the scan's server time is kept in the session and the learner comes back after signing in."""
    if not request.user.is_authenticated:
        request.session[SCAN_KEY] = {"session": session_id, "code": code, "at": clock.now().isoformat()}
        return redirect_to_login(request.get_full_path())
    scanned_at = _scanned_at(request, session_id, code)
    session = selectors.session_for_sign_in(session_id=session_id)
    context = {"session": session, "project": session.project}
    try:
        result = services.practical_sign_in(session=session, code=code, actor=request.user, ip=_ip(request),
                                            user_agent=request.headers.get("User-Agent", ""), scanned_at=scanned_at)
    except DomainError as exc:
        return render(request, "practicals/sign_in.html", {**context, "error": exc}, status=exc.status)
    return render(request, "practicals/sign_in.html", {**context, "result": result})


# --- attendance ------------------------------------------------------------------------------------

@login_required
@require_GET
def attendance(request: HttpRequest, project_id: int) -> HttpResponse:
    project = selectors.project_get_visible(user=request.user, project_id=project_id)
    data = selectors.project_attendance(project=project)
    learners = [(item, mask_id_number(item.entry.person.id_number)) for item in data.learners]
    return render(request, "practicals/attendance.html", {"project": project, "attendance": data,
                                                          "learners": learners, "chart": data.chart})


@login_required
@require_GET
def attendance_xlsx(request: HttpRequest, project_id: int) -> HttpResponse:
    project = selectors.project_get_visible(user=request.user, project_id=project_id)
    content = reports.attendance_xlsx(attendance=selectors.project_attendance(project=project),
                                      sign_ins=selectors.project_sign_ins(project=project), generated_by=request.user)
    return xlsx_response(content, filename=f"线下实操考勤-{project.number}.xlsx")


# --- suspensions -----------------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def suspensions(request: HttpRequest) -> HttpResponse:
    cities = selectors.cities_user_may_suspend(user=request.user)
    form = forms.SuspensionForm(request.POST or None, cities=cities)
    if request.method == "POST":
        if not cities.exists():
            raise PermissionDenied("只有市/省级管理人员可以暂停线下实操")
        if form.is_valid():
            try:
                suspension = services.suspension_start(city=form.cleaned_data["city"],
                                                       reason=form.cleaned_data["reason"],
                                                       document_number=form.cleaned_data["document_number"],
                                                       actor=request.user)
            except DomainError as exc:
                _form_error(form, exc)
            else:
                messages.success(request, f"已暂停{suspension.city.name}的线下实操（{suspension.document_number}）")
                return redirect("practicals:suspensions")
    return render(request, "practicals/suspensions.html", {
        "suspensions": selectors.suspensions_visible_to(user=request.user)[:200], "form": form,
        "can_suspend": cities.exists(), "lift_form": forms.LiftForm(),
    }, status=400 if request.method == "POST" else 200)


@login_required
@require_POST
def suspension_lift(request: HttpRequest, suspension_id: int) -> HttpResponse:
    suspension = selectors.suspension_get_visible(user=request.user, suspension_id=suspension_id)
    form = forms.LiftForm(request.POST)
    form.is_valid()
    try:
        services.suspension_lift(suspension=suspension, actor=request.user,
                                 document_number=form.cleaned_data.get("lift_document_number", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已恢复{suspension.city.name}的线下实操")
    return redirect("practicals:suspensions")

