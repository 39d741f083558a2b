"""Learning API: enrolment, sign-in, study sessions, batched heartbeats, presence checks, SCORM run-time data.

Every state-changing call needs the session cookie and the ``X-CSRFToken`` header (``SessionAuth(csrf=True)``
in ``jineng.api``); malformed bodies are refused with 422 naming the field, domain errors with
``{"error": {"code", "message", "field"}}`` — in both cases before anything is stored.
"""

from __future__ import annotations

import datetime as dt
import json

import pydantic
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status
from ninja.security import APIKeyHeader, SessionAuth

from jineng.common import clock
from jineng.common.errors import DomainError
from jineng.courses.models import Course, Lesson
from jineng.learning import beat_tokens, selectors, services
from jineng.learning.models import CLASS_HOUR_MINUTES, MS_PER_MINUTE
from jineng.learning.services.heartbeats import MAX_SEQ

router = Router(tags=["learning"])


def _ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def _user_agent(request: HttpRequest) -> str:
    return request.META.get("HTTP_USER_AGENT", "")


# ---- enrolment ----------------------------------------------------------------------------

class EnrolIn(Schema):
    course: int


class EnrolEmployeesIn(Schema):
    course: int
    organization: int
    persons: list[int] = Field(..., min_length=1, max_length=500)


class ProgressOut(Schema):
    enrolment: int
    course: int
    course_title: str
    credited_minutes: int
    countable_minutes: int
    planned_minutes: int
    class_hours: int
    planned_class_hours: int
    percent: int
    hours_complete: bool
    last_studied_at: dt.datetime | None


def _progress_out(row) -> dict:
    return {"enrolment": row.enrolment.pk, "course": row.course.pk, "course_title": row.course.title,
            "credited_minutes": row.credited_minutes, "countable_minutes": row.countable_minutes,
            "planned_minutes": row.planned_minutes, "class_hours": row.class_hours,
            "planned_class_hours": row.planned_class_hours, "percent": row.percent,
            "hours_complete": row.hours_complete, "last_studied_at": row.enrolment.last_studied_at}


@router.post("/enrolments", response={201: ProgressOut}, summary="本人报名课程")
def enrol(request: HttpRequest, payload: EnrolIn):
    course = get_object_or_404(Course, pk=payload.course)
    enrolment = services.enrolment_create(course=course, actor=request.auth)
    return Status(201, _progress_out(selectors.enrolment_progress(enrolment=enrolment)))


@router.post("/enrolments/employees", response={201: list[ProgressOut]}, summary="线上培训管理员为职工报名")
def enrol_employees(request: HttpRequest, payload: EnrolEmployeesIn):
    from jineng.identity.models import Person
    from jineng.organizations.models import Organization

    course = get_object_or_404(Course, pk=payload.course)
    organization = get_object_or_404(Organization, pk=payload.organization)
    persons = list(Person.objects.filter(pk__in=payload.persons))
    if len(persons) != len(set(payload.persons)):
        raise DomainError("unknown_person", "所选人员中有不存在的记录", field="persons")
    enrolments = services.enrolments_create_for_employees(course=course, persons=persons, organization=organization,
                                                          actor=request.auth)
    return Status(201, [_progress_out(selectors.enrolment_progress(enrolment=e)) for e in enrolments])


@router.get("/enrolments", response=list[ProgressOut], summary="我的课程与学时")
def my_enrolments(request: HttpRequest):
    return [_progress_out(row) for row in selectors.learner_enrolments(user=request.auth)]


# ---- sign-in ------------------------------------------------------------------------------

class SignInIn(Schema):
    enrolment: int
    lesson: int | None = None
    device: str = Field(..., max_length=64)


class SignInOut(Schema):
    id: int
    kind: str
    day: dt.date
    signed_at: dt.datetime
    method: str
    lesson: int | None


@router.post("/sign-ins", response={201: SignInOut}, summary="签到（每日签到或直播课签到）")
def sign_in(request: HttpRequest, payload: SignInIn):
    enrolment = selectors.enrolment_get_own(user=request.auth, enrolment_id=payload.enrolment)
    lesson = get_object_or_404(Lesson.objects.select_related("module"), pk=payload.lesson) if payload.lesson else None
    record = services.sign_in(actor=request.auth, enrolment=enrolment, lesson=lesson, ip=_ip(request),
                              device_id=payload.device, user_agent=_user_agent(request))
    return Status(201, {"id": record.pk, "kind": record.kind, "day": record.day, "signed_at": record.signed_at,
                        "method": record.method, "lesson": record.lesson_id})


# ---- sessions and heartbeats --------------------------------------------------------------

class SessionIn(Schema):
    lesson: int
    device: str = Field(..., max_length=64)


class SessionOut(Schema):
    session: int
    state: str
    lesson: int
    started_at: dt.datetime
    max_position: float
    last_position: float
    beat_seconds: float
    batch_seconds: float
    max_rate: float
    seek_tolerance_seconds: float
    presence_timeout_seconds: float
    lesson_credited_minutes: int
    signed_in_at: dt.datetime | None
    beat_token: str


@router.post("/sessions", response={201: SessionOut}, summary="开始学习（每台设备每次打开课件一个会话）")
def start_session(request: HttpRequest, payload: SessionIn):
    lesson = get_object_or_404(Lesson.objects.select_related("module__course"), pk=payload.lesson)
    session = services.session_start(actor=request.auth, lesson=lesson, device_id=payload.device,
                                     user_agent=_user_agent(request), ip=_ip(request))
    cfg = services.learning_config()
    facts = selectors.session_start_facts(session=session)
    return Status(201, {"session": session.pk, "state": session.state, "lesson": session.lesson_id,
                 "started_at": session.started_at, "max_position": session.lesson_max_position,
                 "last_position": session.lesson_last_position, "beat_seconds": cfg.BEAT_SECONDS,
                 "batch_seconds": cfg.BATCH_SECONDS, "max_rate": cfg.MAX_RATE,
                 "seek_tolerance_seconds": cfg.SEEK_TOLERANCE_SECONDS,
                 "presence_timeout_seconds": cfg.PRESENCE_TIMEOUT_SECONDS,
                 "beat_token": beat_tokens.beat_token_issue(session_id=session.pk, person_id=session.person_id,
                                                            user_id=session.user_id),
                 **facts})


class SessionStateOut(Schema):
    session: int
    state: str
    ended_at: dt.datetime | None


@router.post("/sessions/{session_id}/end", response=SessionStateOut, summary="结束学习（离开页面）")
def end_session(request: HttpRequest, session_id: int):
    session = services.session_end(actor=request.auth, session_id=session_id)
    return {"session": session.pk, "state": session.state, "ended_at": session.ended_at}


# The batch's input models are plain pydantic models, not ninja Schemas: the fast path in
# ``jineng.learning.middleware`` validates the raw body with them straight from JSON (a ninja Schema
# adds a wrapping validator that costs fifteen times as much), and ninja reads them just the same.
class BeatIn(pydantic.BaseModel):
    seq: int = Field(..., ge=1, le=MAX_SEQ)
    lesson: int = Field(..., ge=1)
    position: float | None = Field(None, ge=0, le=10_000_000, allow_inf_nan=False)
    rate: float = Field(..., ge=0, le=16, allow_inf_nan=False)
    visible: bool
    focused: bool
    dur: float | None = Field(None, ge=0, le=86_400, allow_inf_nan=False)


class HeartbeatsIn(pydantic.BaseModel):
    session: int
    beats: list[BeatIn] = Field(..., min_length=1, max_length=500)
    device: str = Field("", max_length=64)


class PresenceOut(Schema):
    id: int
    deadline: dt.datetime
    seconds_left: int


class HeartbeatsOut(Schema):
    session: int
    state: str
    accepted: int
    duplicates: int
    credited_ms: int
    reasons: dict[str, int]
    session_credited_minutes: int
    lesson: int
    max_position: float
    day_credited_minutes: int | None
    daily_cap_minutes: int
    presence: PresenceOut | None


class BeatTokenAuth(APIKeyHeader):
    param_name = beat_tokens.HEADER

    def authenticate(self, request: HttpRequest, key: str | None):
        return beat_tokens.beat_token_read(key or "")


@router.post("/heartbeats", response=HeartbeatsOut, auth=[BeatTokenAuth(), SessionAuth(csrf=True)],
             summary="批量心跳（幂等：同一会话同一序号只计一次；X-Beat-Token 为开始学习时返回的令牌）")
def heartbeats(request: HttpRequest, payload: HeartbeatsIn):
    return heartbeats_answer(actor=request.auth, payload=payload, ip=_ip(request))


def heartbeats_answer(*, actor, payload: HeartbeatsIn, ip: str | None) -> dict:
    """Record one batch for ``actor`` (a signed-in user or a beat token's principal) and say what
    counted. Shared by the endpoint above and the fast path (``jineng.learning.middleware``)."""
    if isinstance(actor, beat_tokens.BeatPrincipal) and actor.session_id != payload.session:
        raise DomainError("beat_token_mismatch", "学习令牌与学习会话不符，请刷新页面重新开始", field="session")
    beats = [services.Beat(seq=b.seq, lesson=b.lesson, position=b.position, rate=b.rate, visible=b.visible,
                           focused=b.focused, dur=b.dur) for b in payload.beats]
    result = services.heartbeats_record(actor=actor, session_id=payload.session, beats=beats,
                                        device_id=payload.device or None, ip=ip)
    session = result.session
    presence = None
    if result.presence_id is not None and result.presence_deadline is not None:
        left = max(0, int((result.presence_deadline - clock.now()).total_seconds()))
        presence = {"id": result.presence_id, "deadline": result.presence_deadline, "seconds_left": left}
    return {"session": session.pk, "state": session.state, "accepted": result.accepted,
            "duplicates": result.duplicates, "credited_ms": result.credited_ms, "reasons": result.reasons,
            "session_credited_minutes": session.credited_ms // MS_PER_MINUTE, "lesson": session.lesson_id,
            "max_position": session.lesson_max_position,
            "day_credited_minutes": None if result.day_credited_ms is None else result.day_credited_ms // MS_PER_MINUTE,
            "daily_cap_minutes": services.learning_config().DAILY_CAP_MINUTES, "presence": presence}


class PresenceIn(Schema):
    session: int
    check: int


class PresenceAnswerOut(Schema):
    check: int
    answered_at: dt.datetime
    in_time: bool


@router.post("/presence", response=PresenceAnswerOut, summary="回应在线确认")
def presence(request: HttpRequest, payload: PresenceIn):
    check = services.presence_answer(actor=request.auth, session_id=payload.session, check_id=payload.check)
    return {"check": check.pk, "answered_at": check.answered_at, "in_time": check.answered_in_time}


# ---- learning record ----------------------------------------------------------------------

class SessionRecordOut(Schema):
    session: int
    started_at: dt.datetime
    ended_at: dt.datetime | None
    state: str
    device: str
    ip: str | None
    credited_minutes: float
    uncredited: dict[str, float]


class RecordOut(Schema):
    enrolment: int
    course_title: str
    credited_minutes: int
    class_hours: int
    class_hour_minutes: int
    sessions: list[SessionRecordOut]


@router.get("/enrolments/{enrolment_id}/record", response=RecordOut, summary="学习记录（每次学习的时间、设备、计入和未计入的原因）")
def record(request: HttpRequest, enrolment_id: int):
    enrolment = selectors.enrolment_get_visible(user=request.auth, enrolment_id=enrolment_id)
    data = selectors.learning_record(enrolment=enrolment)
    return {"enrolment": enrolment.pk, "course_title": enrolment.course.title,
            "credited_minutes": data.progress.credited_minutes, "class_hours": data.progress.class_hours,
            "class_hour_minutes": CLASS_HOUR_MINUTES,
            "sessions": [{"session": row.session.pk, "started_at": row.session.started_at,
                          "ended_at": row.ended_at, "state": row.session.state, "device": row.session.device_label,
                          "ip": row.session.ip, "credited_minutes": round(row.credited_ms / MS_PER_MINUTE, 2),
                          "uncredited": {r.code: round(r.ms / MS_PER_MINUTE, 2) for r in row.uncredited}}
                         for row in data.sessions]}


# ---- SCORM run-time -----------------------------------------------------------------------

class ScormResultOut(Schema):
    result: bool
    errorCode: int  # noqa: N815 - the name scorm-again reads


@router.post("/scorm/{lesson_id}/commit", response=ScormResultOut, summary="SCORM 运行数据提交（LMSCommit / LMSFinish）")
def scorm_commit(request: HttpRequest, lesson_id: int, final: bool = False):
    lesson = get_object_or_404(Lesson.objects.select_related("module"), pk=lesson_id)
    try:
        data = json.loads(request.body or b"{}")
    except ValueError:
        raise DomainError("invalid_json", "提交的数据不是有效的 JSON", field="body") from None
    if not isinstance(data, dict):
        raise DomainError("invalid_json", "提交的数据应为 JSON 对象", field="body")
    services.scorm_commit(actor=request.auth, lesson=lesson, data=data, terminate=final)
    return {"result": True, "errorCode": 0}


@router.get("/scorm/{lesson_id}/runtime", summary="SCORM 课件续学数据（供 scorm-again loadFromJSON）")
def scorm_runtime(request: HttpRequest, lesson_id: int):
    lesson = get_object_or_404(Lesson.objects.select_related("module"), pk=lesson_id)
    return selectors.scorm_initial_cmi(user=request.auth, lesson=lesson)
