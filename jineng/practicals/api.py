"""Practicals API (mounted at /api/practicals/): schedule, cancel and confirm offline practical
sessions, the display's current code, the learner's sign-in, attendance, and the cities'
suspensions. Session auth with CSRF on every state-changing call (``jineng.api``); domain
errors come back as ``{"error": {"code", "message", "field"}}``. Times without an offset are
read as Asia/Shanghai."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema, Status

from jineng.common.errors import DomainError, PermissionDenied
from jineng.practicals import selectors, services
from jineng.practicals.display import display_payload
from jineng.practicals.models import PracticalSession, PracticalSignIn, PracticalSuspension
from jineng.regions.models import Region

router = Router(tags=["practicals"])


class SessionIn(Schema):
    title: str
    location: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    trainer_name: str
    capacity: int
    credited_minutes: int | None = None
    outline_module_id: int | None = None


class SessionOut(Schema):
    id: int
    project_id: int
    project_number: str
    outline_module_id: int | None
    outline_module: str | None
    title: str
    location: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    credited_minutes: int
    trainer_name: str
    capacity: int
    state: str
    state_label: str
    cancel_reason: str
    signed_count: int


class CancelIn(Schema):
    reason: str


class CodeOut(Schema):
    open: bool
    message: str
    url: str
    qr: str
    seconds_left: int
    signed_count: int
    roster_size: int
    minute: int
    state: str


class SignInIn(Schema):
    session_id: int
    code: str


class SignInOut(Schema):
    created: bool
    session_id: int
    title: str
    signed_at: dt.datetime
    message: str


class AttendanceRowOut(Schema):
    session_id: int
    title: str
    starts_at: dt.datetime
    state: str
    credited_minutes: int
    signed: int
    roster: int
    rate_percent: int


class SuspensionIn(Schema):
    city: str
    reason: str
    document_number: str


class LiftIn(Schema):
    lift_document_number: str = ""


class SuspensionOut(Schema):
    id: int
    city: str
    city_name: str
    reason: str
    document_number: str
    started_at: dt.datetime
    lifted_at: dt.datetime | None
    lift_document_number: str
    open: bool


def _aware(moment: dt.datetime) -> dt.datetime:
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def _session_out(session: PracticalSession, *, signed_count: int | None = None) -> SessionOut:
    if signed_count is None:
        signed_count = getattr(session, "signed_count", None)
    if signed_count is None:
        signed_count = session.sign_ins.count()
    module = session.outline_module if session.outline_module_id else None
    return SessionOut(
        id=session.pk, project_id=session.project_id, project_number=session.project.number,
        outline_module_id=session.outline_module_id, outline_module=module.title if module else None,
        title=session.title, location=session.location, starts_at=session.starts_at, ends_at=session.ends_at,
        credited_minutes=session.credited_minutes, trainer_name=session.trainer_name, capacity=session.capacity,
        state=session.state, state_label=session.get_state_display(), cancel_reason=session.cancel_reason,
        signed_count=signed_count)


def _suspension_out(s: PracticalSuspension) -> SuspensionOut:
    return SuspensionOut(id=s.pk, city=s.city_id, city_name=s.city.name, reason=s.reason,
                         document_number=s.document_number, started_at=s.started_at, lifted_at=s.lifted_at,
                         lift_document_number=s.lift_document_number, open=s.lifted_at is None)


# --- sessions ------------------------------------------------------------------------------------

@router.get("/projects/{project_id}/sessions", response=list[SessionOut], summary="项目的线下实操安排")
def sessions_list(request: HttpRequest, project_id: int):
    project = selectors.project_get_visible(user=request.auth, project_id=project_id)
    return [_session_out(s) for s in selectors.sessions_of(project=project)]


@router.post("/projects/{project_id}/sessions", response={201: SessionOut},
             summary="安排线下实操（项目组织单位的培训管理员；线上线下结合、已备案或培训中的项目）")
def session_schedule(request: HttpRequest, project_id: int, payload: SessionIn):
    project = selectors.project_get_visible(user=request.auth, project_id=project_id)
    module = None
    if payload.outline_module_id is not None:
        module = project.outline.filter(pk=payload.outline_module_id).first()
        if module is None:
            raise DomainError("module_not_in_project", "所选大纲模块不属于本项目", field="outline_module_id")
    session = services.session_schedule(project=project, actor=request.auth, data=services.SessionData(
        title=payload.title, location=payload.location, starts_at=_aware(payload.starts_at),
        ends_at=_aware(payload.ends_at), trainer_name=payload.trainer_name, capacity=payload.capacity,
        credited_minutes=payload.credited_minutes, outline_module=module))
    return Status(201, _session_out(session, signed_count=0))


@router.post("/sessions/{session_id}/cancel", response=SessionOut, summary="取消实操（须写明原因）")
def session_cancel(request: HttpRequest, session_id: int, payload: CancelIn):
    session = selectors.session_get_visible(user=request.auth, session_id=session_id)
    return _session_out(services.session_cancel(session=session, reason=payload.reason, actor=request.auth))


@router.post("/sessions/{session_id}/hold", response=SessionOut, summary="确认实操已举行（签到结束后）")
def session_hold(request: HttpRequest, session_id: int):
    session = selectors.session_get_visible(user=request.auth, session_id=session_id)
    return _session_out(services.session_hold(session=session, actor=request.auth))


@router.get("/sessions/{session_id}/code", response=CodeOut, url_name="practicals_session_code",
            summary="签到大屏：当前一分钟的二维码（SVG data URI）、地址、剩余秒数与已签到人数")
def session_code(request: HttpRequest, session_id: int):
    session = selectors.session_get_visible(user=request.auth, session_id=session_id)
    if not selectors.user_organises(user=request.auth, project=session.project):
        raise PermissionDenied("只有项目申请单位或受托培训机构的线上培训管理员可以打开签到大屏")
    return display_payload(request, selectors.display_facts(session=session))


@router.post("/sign-in", response={200: SignInOut, 201: SignInOut}, summary="学员扫码签到（名册内学员，签到时间内）")
def sign_in(request: HttpRequest, payload: SignInIn):
    session = selectors.session_for_sign_in(session_id=payload.session_id)
    result = services.practical_sign_in(session=session, code=payload.code, actor=request.auth,
                                        ip=request.META.get("REMOTE_ADDR") or None,
                                        user_agent=request.headers.get("User-Agent", ""))
    record: PracticalSignIn = result.sign_in
    local = timezone.localtime(record.signed_at)
    message = "签到成功" if result.created else f"已签到（{local:%Y-%m-%d %H:%M:%S}），无需重复签到"
    return Status(201 if result.created else 200, SignInOut(created=result.created, session_id=session.pk,
                                                            title=session.title, signed_at=record.signed_at,
                                                            message=message))


@router.get("/projects/{project_id}/attendance", response=list[AttendanceRowOut], summary="各场实操签到人数与名册人数")
def attendance(request: HttpRequest, project_id: int):
    project = selectors.project_get_visible(user=request.auth, project_id=project_id)
    data = selectors.project_attendance(project=project)
    return [AttendanceRowOut(session_id=r.session.pk, title=r.session.title, starts_at=r.session.starts_at,
                             state=r.session.state, credited_minutes=r.session.credited_minutes, signed=r.signed,
                             roster=r.roster, rate_percent=r.rate) for r in data.rows]


# --- suspensions ---------------------------------------------------------------------------------

@router.get("/suspensions", response=list[SuspensionOut], summary="线下实操暂停记录（本人权限范围内的城市）")
def suspensions_list(request: HttpRequest):
    return [_suspension_out(s) for s in selectors.suspensions_visible_to(user=request.auth)[:200]]


@router.post("/suspensions", response={201: SuspensionOut}, summary="暂停某市的线下实操（市/省级管理人员）")
def suspension_start(request: HttpRequest, payload: SuspensionIn):
    city = Region.objects.filter(code=payload.city).first()
    if city is None:
        raise DomainError("city_not_found", "城市的区划代码不存在，请填写 6 位地级市代码，如 510400", field="city")
    suspension = services.suspension_start(city=city, reason=payload.reason, document_number=payload.document_number,
                                           actor=request.auth)
    return Status(201, _suspension_out(suspension))


@router.post("/suspensions/{suspension_id}/lift", response=SuspensionOut, summary="恢复某市的线下实操")
def suspension_lift(request: HttpRequest, suspension_id: int, payload: LiftIn):
    suspension = selectors.suspension_get_visible(user=request.auth, suspension_id=suspension_id)
    return _suspension_out(services.suspension_lift(suspension=suspension, actor=request.auth,
                                                    document_number=payload.lift_document_number))
