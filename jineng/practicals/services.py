"""Writes for practical sessions: schedule, cancel, confirm as held; the learners' QR sign-in;
a city's suspension of offline sessions and its lifting. Each checks the actor's right,
validates, writes inside ``transaction.atomic()`` and records the audit entry last."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from jineng.audit.services import audit_record
from jineng.common import clock
from jineng.common.errors import DomainError, PermissionDenied
from jineng.learning.services.common import device_label_from_user_agent
from jineng.practicals import codes, selectors
from jineng.practicals.config import practicals_config
from jineng.practicals.models import (
    TRANSITION_LABELS,
    TRANSITIONS,
    PracticalSession,
    PracticalSessionEvent,
    PracticalSignIn,
    PracticalSuspension,
    SessionState,
)
from jineng.projects.models import Delivery, OutlineModule, Project, ProjectState, RosterEntry
from jineng.regions.models import Region

MAX_CAPACITY = 1000
CODE_EXPIRED_MESSAGE = "二维码已过期，请扫描现场大屏上的最新二维码"
CODE_INVALID_MESSAGE = "二维码无效，请扫描现场大屏上的最新二维码"


def _local(moment: dt.datetime, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return timezone.localtime(moment).strftime(fmt)


def _text(value: str, *, field: str, label: str, max_length: int, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise DomainError(f"{field}_required", f"请填写{label}", field=field)
    if len(value) > max_length:
        raise DomainError(f"{field}_too_long", f"{label}不能超过 {max_length} 个字，请精简后再提交", field=field)
    return value


def _refuse_if_suspended(project: Project, *, doing: str) -> None:
    suspension = selectors.open_suspension_for(project=project)
    if suspension is not None:
        raise DomainError("offline_suspended", f"{selectors.suspension_notice(suspension)}；暂停期间不能{doing}",
                          field="project", details={"document_number": suspension.document_number,
                                                    "city": suspension.city_id})


def _event(session: PracticalSession, *, transition: str, from_state: str, actor, at: dt.datetime,
           comment: str = "") -> None:
    PracticalSessionEvent.objects.create(session=session, transition=transition, from_state=from_state,
                                         to_state=session.state, actor=actor, at=at, comment=comment)


def _audit_scope(project: Project) -> dict:
    return {"organization_id": project.organization_id, "region_code": project.organization.region_id}


# --------------------------------------------------------------------------------------------
# Scheduling
# --------------------------------------------------------------------------------------------


@dataclass
class SessionData:
    title: str
    location: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    trainer_name: str
    capacity: int
    credited_minutes: int | None = None  # None: the session's length
    outline_module: OutlineModule | None = None


def _clean_session(project: Project, data: SessionData, *, now: dt.datetime) -> dict:
    title = _text(data.title, field="title", label="实操内容", max_length=128)
    location = _text(data.location, field="location", label="实操地点（详细地址）", max_length=200)
    trainer = _text(data.trainer_name, field="trainer_name", label="实操指导教师", max_length=64)
    starts_at, ends_at = data.starts_at, data.ends_at
    if starts_at is None or timezone.is_naive(starts_at):
        raise DomainError("starts_at_required", "请填写开始时间", field="starts_at")
    if ends_at is None or timezone.is_naive(ends_at):
        raise DomainError("ends_at_required", "请填写结束时间", field="ends_at")
    if ends_at <= starts_at:
        raise DomainError("ends_before_start", "结束时间应晚于开始时间", field="ends_at")
    if starts_at <= now:
        raise DomainError("starts_in_past", f"开始时间 {_local(starts_at)} 已过，请安排以后的时间", field="starts_at")
    first, last = timezone.localdate(starts_at), timezone.localdate(ends_at)
    if first < project.start_date or last > project.end_date:
        start_wrong = not project.start_date <= first <= project.end_date
        raise DomainError(
            "outside_project_period",
            f"实操应安排在项目培训期内（{project.start_date:%Y-%m-%d} 至 {project.end_date:%Y-%m-%d}），"
            f"请调整{'开始' if start_wrong else '结束'}时间",
            field="starts_at" if start_wrong else "ends_at")
    length = int((ends_at - starts_at).total_seconds() // 60)
    minutes = data.credited_minutes if data.credited_minutes is not None else length
    if isinstance(minutes, bool) or not isinstance(minutes, int) or minutes <= 0:
        raise DomainError("credited_minutes_invalid", "计入时长应为正整数分钟", field="credited_minutes")
    if minutes > length:
        raise DomainError("credited_minutes_too_long",
                          f"计入时长不能超过实操时长（{length} 分钟），请改小或延长结束时间", field="credited_minutes")
    capacity = data.capacity
    if isinstance(capacity, bool) or not isinstance(capacity, int) or not 1 <= capacity <= MAX_CAPACITY:
        raise DomainError("capacity_invalid", f"场地容量应为 1 至 {MAX_CAPACITY} 之间的人数", field="capacity")
    module = data.outline_module
    if module is not None:
        if module.project_id != project.pk:
            raise DomainError("module_not_in_project", "所选大纲模块不属于本项目", field="outline_module")
        if module.mode != OutlineModule.Mode.OFFLINE:
            raise DomainError("module_not_offline",
                              f"大纲模块“{module.title}”的方式为线上，只能为“线下实操”模块安排实操", field="outline_module")
    return {"title": title, "location": location, "trainer_name": trainer, "starts_at": starts_at, "ends_at": ends_at,
            "credited_minutes": minutes, "capacity": capacity, "outline_module": module}


def session_schedule(*, project: Project, data: SessionData, actor) -> PracticalSession:
    """Schedule an offline practical session of a blended project (鲁人社字〔2020〕11号 二: the
    practical part is organised offline once allowed). Only the project's organiser; only an
    approved or running project, within its period; never while its city is suspended."""
    if not selectors.user_organises(user=actor, project=project):
        raise PermissionDenied("只有项目申请单位或受托培训机构的线上培训管理员可以安排线下实操")
    if project.delivery != Delivery.BLENDED:
        raise DomainError("project_not_blended",
                          "该项目的培训方式为“线上”，不能安排线下实操；如需线下实操，应在备案时选择“线上线下结合”",
                          field="project")
    if project.state not in selectors.SCHEDULABLE_PROJECT_STATES:
        raise DomainError("project_state_not_schedulable",
                          f"项目当前状态为“{ProjectState(project.state).label}”，备案审核通过后（已备案或培训中）才能安排实操",
                          field="project")
    now = clock.now()
    fields = _clean_session(project, data, now=now)
    _refuse_if_suspended(project, doing="安排线下实操")
    with transaction.atomic():
        session = PracticalSession.objects.create(project=project, secret=secrets.token_hex(32), created_by=actor,
                                                  created_at=now, state=SessionState.SCHEDULED, **fields)
        _event(session, transition="schedule", from_state="", actor=actor, at=now)
        audit_record(actor=actor, action="practical_session.schedule", target=session,
                     summary={"project": project.number, "title": session.title, "location": session.location,
                              "starts_at": session.starts_at.isoformat(), "ends_at": session.ends_at.isoformat(),
                              "credited_minutes": session.credited_minutes, "capacity": session.capacity,
                              "trainer": session.trainer_name,
                              "outline_module": fields["outline_module"].title if fields["outline_module"] else None},
                     **_audit_scope(project))
    return session


def _transition_refused(state: str, transition: str) -> DomainError:
    return DomainError("session_transition_not_allowed",
                       f"本场实操当前状态为“{SessionState(state).label}”，不能“{TRANSITION_LABELS[transition]}”",
                       field="state", details={"state": state, "transition": transition})


def _lock_for(session: PracticalSession, transition: str) -> PracticalSession:
    locked = PracticalSession.objects.select_for_update().get(pk=session.pk)
    if locked.state not in TRANSITIONS[transition][0]:
        raise _transition_refused(locked.state, transition)
    return locked


def session_cancel(*, session: PracticalSession, reason: str, actor) -> PracticalSession:
    """scheduled → cancelled, with the reason learners will see. Sign-ins already made stay on
    record but credit nothing."""
    project = session.project
    if not selectors.user_organises(user=actor, project=project):
        raise PermissionDenied("只有项目申请单位或受托培训机构的线上培训管理员可以取消实操")
    reason = _text(reason, field="reason", label="取消原因", max_length=500)
    if session.state not in TRANSITIONS["cancel"][0]:
        raise _transition_refused(session.state, "cancel")
    now = clock.now()
    with transaction.atomic():
        locked = _lock_for(session, "cancel")
        from_state = locked.state
        locked.state, locked.cancel_reason = TRANSITIONS["cancel"][1], reason
        locked.save(update_fields=["state", "cancel_reason"])
        _event(locked, transition="cancel", from_state=from_state, actor=actor, at=now, comment=reason)
        audit_record(actor=actor, action="practical_session.cancel", target=locked,
                     summary={"project": project.number, "title": locked.title, "reason": reason,
                              "sign_ins": locked.sign_ins.count()}, **_audit_scope(project))
    session.refresh_from_db()
    return session


def session_hold(*, session: PracticalSession, actor) -> PracticalSession:
    """scheduled → held: the organiser confirms, after the sign-in window has closed, that the
    session took place; from then on its sign-ins credit its minutes."""
    project = session.project
    if not selectors.user_organises(user=actor, project=project):
        raise PermissionDenied("只有项目申请单位或受托培训机构的线上培训管理员可以确认实操已举行")
    if session.state not in TRANSITIONS["hold"][0]:
        raise _transition_refused(session.state, "hold")
    now = clock.now()
    _opens, closes = selectors.sign_in_window(session)
    if now <= closes:
        raise DomainError("session_not_over",
                          f"签到于 {_local(closes)} 结束，结束后才能确认本场实操已举行", field="state")
    with transaction.atomic():
        locked = _lock_for(session, "hold")
        from_state = locked.state
        locked.state = TRANSITIONS["hold"][1]
        locked.save(update_fields=["state"])
        signed = locked.sign_ins.count()
        _event(locked, transition="hold", from_state=from_state, actor=actor, at=now,
               comment=f"签到 {signed} 人")
        audit_record(actor=actor, action="practical_session.hold", target=locked,
                     summary={"project": project.number, "title": locked.title, "sign_ins": signed,
                              "credited_minutes": locked.credited_minutes}, **_audit_scope(project))
    session.refresh_from_db()
    return session


# --------------------------------------------------------------------------------------------
# Sign-in
# --------------------------------------------------------------------------------------------


@dataclass
class SignInResult:
    sign_in: PracticalSignIn
    created: bool


def practical_sign_in(*, session: PracticalSession, code: str, actor, ip: str | None, user_agent: str = "",
                      scanned_at: dt.datetime | None = None) -> SignInResult:
    """A learner on the project's roster signs in by the code of the QR they scanned.

    The code must be the current minute's or the one before (``CODE_GRACE_MINUTES``), judged at
    ``scanned_at`` — the server time the code was first presented, when the learner had to sign
    in to the system first (the page keeps it server-side, at most ``LOGIN_RETURN_MINUTES``
    old) — or now. The session must be scheduled, its city not suspended, and the scan inside
    the window from ``SIGN_IN_OPENS_MINUTES`` before the start to the end. A second scan
    returns the first sign-in unchanged (``created=False``)."""
    config = practicals_config()
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied("请先登录再签到", code="login_required")
    if not actor.person_id:
        raise PermissionDenied("该账号未绑定实名信息，不能签到；请用本人实名注册的学员账号登录", code="not_a_learner")
    project = session.project
    entry = RosterEntry.objects.filter(project=project, person_id=actor.person_id).first()
    if entry is None:
        raise PermissionDenied(f"您不在“{project.name}”的人员名册中，不能签到；如需参加，请联系培训组织单位核对名册",
                               code="not_on_roster")
    existing = PracticalSignIn.objects.filter(session=session, person_id=actor.person_id).first()
    if existing is not None:
        return SignInResult(existing, False)

    now = clock.now()
    moment = now
    if scanned_at is not None:
        if scanned_at > now or now - scanned_at > dt.timedelta(minutes=config.LOGIN_RETURN_MINUTES):
            raise DomainError("code_expired", CODE_EXPIRED_MESSAGE, field="code")
        moment = scanned_at
    if session.state == SessionState.CANCELLED:
        reason = f"：{session.cancel_reason}" if session.cancel_reason else ""
        raise DomainError("session_cancelled", f"本场实操已取消{reason}，无需签到", field="session")
    if session.state != SessionState.SCHEDULED:
        raise DomainError("session_closed", "本场实操已结束并确认，不能再签到", field="session")
    if project.state not in selectors.SCHEDULABLE_PROJECT_STATES:
        raise DomainError("project_state_not_open",
                          f"项目当前状态为“{ProjectState(project.state).label}”，不能签到", field="session")
    _refuse_if_suspended(project, doing="签到")
    opens, closes = selectors.sign_in_window(session)
    if moment < opens:
        raise DomainError("sign_in_not_open",
                          f"签到尚未开始：{_local(opens)} 起可以签到（开始前 {config.SIGN_IN_OPENS_MINUTES} 分钟）",
                          field="session")
    if moment > closes:
        raise DomainError("sign_in_closed", f"签到已于 {_local(closes)} 结束", field="session")
    lookback = int((moment - opens).total_seconds() // 60) + 1
    age = codes.code_age_minutes(session_id=session.pk, secret=session.secret, code=code, at=moment,
                                 lookback_minutes=max(lookback, config.CODE_GRACE_MINUTES + 1))
    if age is None:
        raise DomainError("code_invalid", CODE_INVALID_MESSAGE, field="code")
    if age > config.CODE_GRACE_MINUTES:
        raise DomainError("code_expired", CODE_EXPIRED_MESSAGE, field="code")

    label = device_label_from_user_agent(user_agent)[:120]
    try:
        with transaction.atomic():
            locked = PracticalSession.objects.select_for_update().get(pk=session.pk)  # one at a time per session
            existing = PracticalSignIn.objects.filter(session=locked, person_id=actor.person_id).first()
            if existing is not None:
                return SignInResult(existing, False)
            if locked.state != SessionState.SCHEDULED:
                raise DomainError("session_closed", f"本场实操{locked.get_state_display()}，不能签到", field="session")
            signed = PracticalSignIn.objects.filter(session=locked).count()
            if signed >= locked.capacity:
                raise DomainError("session_full",
                                  f"本场实操已签到 {signed} 人，达到场地容量（{locked.capacity} 人），请联系培训组织单位安排其他场次",
                                  field="session")
            sign_in = PracticalSignIn.objects.create(
                session=locked, person_id=actor.person_id, roster_entry=entry, user=actor, signed_at=now,
                scanned_at=moment, ip=ip or None, device_label=label, method=PracticalSignIn.Method.QR)
            audit_record(actor=actor, action="practical_session.sign_in", target=sign_in,
                         summary={"project": project.number, "session": locked.pk, "roster_position": entry.position,
                                  "method": "qr", "device": label, "code_age_minutes": age},
                         **_audit_scope(project))
    except IntegrityError:  # the same learner's other scan a moment ago
        return SignInResult(PracticalSignIn.objects.get(session=session, person_id=actor.person_id), False)
    return SignInResult(sign_in, True)


# --------------------------------------------------------------------------------------------
# Suspensions
# --------------------------------------------------------------------------------------------


def suspension_start(*, city: Region, reason: str, document_number: str, actor) -> PracticalSuspension:
    """A city suspends all offline practical sessions of its organisations (鲁人社字〔2020〕11号 一:
    全面暂停各级各类聚集性职业技能培训活动). Scheduling and sign-in are refused until lifted."""
    if city.level != Region.Level.CITY:
        raise DomainError("city_required", "请选择一个地级市：线下实操按城市暂停", field="city")
    if not selectors.user_may_suspend(user=actor, city=city):
        raise PermissionDenied(f"只有{city.name}或所在省的市/省级管理人员可以暂停{city.name}的线下实操")
    reason = _text(reason, field="reason", label="暂停原因", max_length=500)
    document_number = _text(document_number, field="document_number", label="文号（如 鲁人社字〔2020〕11号）",
                            max_length=64)
    existing = PracticalSuspension.objects.filter(city=city, lifted_at__isnull=True).first()
    if existing is not None:
        raise DomainError("already_suspended",
                          f"{city.name}的线下实操已于 {_local(existing.started_at, '%Y-%m-%d')} 暂停（{existing.document_number}），"
                          "无需重复暂停", field="city")
    now = clock.now()
    with transaction.atomic():
        try:
            with transaction.atomic():
                suspension = PracticalSuspension.objects.create(city=city, reason=reason,
                                                                document_number=document_number, started_at=now,
                                                                started_by=actor)
        except IntegrityError:  # another officer suspended it a moment ago
            raise DomainError("already_suspended", f"{city.name}的线下实操已暂停，无需重复暂停", field="city") from None
        audit_record(actor=actor, action="practical_suspension.start", target=suspension,
                     summary={"city": city.code, "reason": reason, "document_number": document_number},
                     region_code=city.code)
    return suspension


def suspension_lift(*, suspension: PracticalSuspension, actor, document_number: str = "") -> PracticalSuspension:
    """Lift a suspension (恢复时间视疫情防控情况另行通知): offline sessions may be scheduled and
    signed into again. ``document_number`` is the lifting notice's, if there is one."""
    city = suspension.city
    if not selectors.user_may_suspend(user=actor, city=city):
        raise PermissionDenied(f"只有{city.name}或所在省的市/省级管理人员可以恢复{city.name}的线下实操")
    document_number = _text(document_number, field="lift_document_number", label="恢复通知文号", max_length=64,
                            required=False)
    now = clock.now()
    with transaction.atomic():
        locked = PracticalSuspension.objects.select_for_update().get(pk=suspension.pk)
        if locked.lifted_at is not None:
            raise DomainError("already_lifted",
                              f"该暂停已于 {_local(locked.lifted_at, '%Y-%m-%d %H:%M')} 恢复，无需重复操作", field="suspension")
        locked.lifted_at, locked.lifted_by, locked.lift_document_number = now, actor, document_number
        locked.save(update_fields=["lifted_at", "lifted_by", "lift_document_number"])
        audit_record(actor=actor, action="practical_suspension.lift", target=locked,
                     summary={"city": city.code, "document_number": locked.document_number,
                              "lift_document_number": document_number}, region_code=city.code)
    suspension.refresh_from_db()
    return suspension
