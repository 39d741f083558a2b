"""Study sessions: start (one active per learner), end, presence checks, expiry of silent sessions."""

from __future__ import annotations

import datetime as dt
import random

from django.db import IntegrityError, transaction

from jineng.audit.services import audit_record
from jineng.common import clock
from jineng.common.errors import DomainError, NotFound
from jineng.courses.models import Course, Lesson
from jineng.identity.models import User
from jineng.learning.models import (
    Enrolment,
    LessonProgress,
    ModuleProgress,
    PresenceCheck,
    SignIn,
    StudySession,
)
from jineng.learning.services.common import (
    clean_device_id,
    device_label_from_user_agent,
    learner_person,
    shanghai_day,
)
from jineng.learning.services.config import LearningConfig, learning_config
from jineng.learning.services.sign_in import sign_in_daily_ensure

_random = random.SystemRandom()


class SessionConflict(DomainError):
    status = 409


def next_presence_at(now: dt.datetime, cfg: LearningConfig) -> dt.datetime | None:
    if cfg.PRESENCE_INTERVAL_SECONDS <= 0:
        return None
    jitter = max(0.0, min(cfg.PRESENCE_JITTER, 0.95))
    seconds = cfg.PRESENCE_INTERVAL_SECONDS * _random.uniform(1 - jitter, 1 + jitter)
    return now + dt.timedelta(seconds=seconds)


def lesson_progress_ensure(*, enrolment: Enrolment, lesson: Lesson) -> LessonProgress:
    progress, _ = LessonProgress.objects.get_or_create(enrolment=enrolment, lesson=lesson,
                                                       defaults={"module_id": lesson.module_id})
    ModuleProgress.objects.get_or_create(enrolment=enrolment, module_id=lesson.module_id)
    return progress


def session_start(*, actor: User, lesson: Lesson, device_id: str, user_agent: str = "",
                  ip: str | None = None) -> StudySession:
    """Open a lesson on a device. Another active session of the learner is paused (another device)
    or ended (this device, or silent longer than the session timeout); the day is signed in."""
    person = learner_person(actor)
    device_id = clean_device_id(device_id)
    course = lesson.module.course
    enrolment = Enrolment.objects.filter(person=person, course=course).first()
    if enrolment is None:
        raise DomainError("not_enrolled", "请先报名该课程再开始学习", field="lesson")
    if course.status == Course.Status.DRAFT:
        raise DomainError("course_not_published", "该课程尚未发布", field="lesson")
    cfg = learning_config()
    now = clock.now()
    label = device_label_from_user_agent(user_agent)
    timeout = dt.timedelta(seconds=cfg.SESSION_TIMEOUT_SECONDS)
    try:
        with transaction.atomic():
            others = list(StudySession.objects.select_for_update().filter(person=person,
                                                                         state=StudySession.State.ACTIVE))
            paused, ended = [], []
            for other in others:
                if other.device_id == device_id or now - other.last_beat_at > timeout:
                    other.state = StudySession.State.ENDED
                    silent = now - other.last_beat_at > timeout
                    other.ended_at = other.last_beat_at if silent else now
                    other.end_reason = (StudySession.EndReason.TIMEOUT if silent
                                        else StudySession.EndReason.SAME_DEVICE)
                    ended.append(other)
                else:
                    other.state = StudySession.State.PAUSED
                    other.ended_at = now
                    other.end_reason = StudySession.EndReason.OTHER_DEVICE
                    paused.append(other)
                other.save(update_fields=["state", "ended_at", "end_reason"])
            progress = lesson_progress_ensure(enrolment=enrolment, lesson=lesson)
            live_signed_in = lesson.kind == Lesson.Kind.LIVE and SignIn.objects.filter(
                enrolment=enrolment, kind=SignIn.Kind.LIVE, lesson=lesson).exists()
            session = StudySession.objects.create(
                person=person, user=actor, enrolment=enrolment, course=course, lesson=lesson, started_at=now,
                device_id=device_id, device_label=label, user_agent=(user_agent or "")[:300], ip=ip or None,
                last_beat_at=now, lesson_kind=lesson.kind, module_id_cached=lesson.module_id,
                lesson_max_position=progress.max_position, lesson_last_position=progress.last_position,
                signed_day=shanghai_day(now), live_signed_in=live_signed_in,
                presence_next_at=next_presence_at(now, cfg),
            )
            if paused:
                StudySession.objects.filter(pk__in=[s.pk for s in paused]).update(paused_by=session)
            sign_in_daily_ensure(enrolment=enrolment, day=shanghai_day(now), ip=ip, device_id=device_id,
                                 device_label=label, actor=actor, now=now)
            for other in [*paused, *ended]:
                audit_record(actor=actor, action="learning.session.end", target=other,
                             summary={"reason": other.end_reason, "credited_ms": other.credited_ms,
                                      "by_session": session.pk}, organization_id=enrolment.organization_id)
            audit_record(actor=actor, action="learning.session.start", target=session,
                         summary={"enrolment": enrolment.pk, "lesson": lesson.pk, "device": label,
                                  "paused": [s.pk for s in paused], "ended": [s.pk for s in ended]},
                         organization_id=enrolment.organization_id)
    except IntegrityError:
        raise SessionConflict("session_conflict", "另一台设备正在同时开始学习，请稍后重试") from None
    return session


def _own_session(*, actor: User, session_id: int, lock: bool) -> StudySession:
    person = learner_person(actor)
    qs = StudySession.objects.select_for_update() if lock else StudySession.objects
    session = qs.filter(pk=session_id, person=person).first()
    if session is None:
        raise NotFound("学习会话不存在")
    return session


def session_end(*, actor: User, session_id: int) -> StudySession:
    """The learner leaves the player page. Ending twice changes nothing."""
    with transaction.atomic():
        session = _own_session(actor=actor, session_id=session_id, lock=True)
        if session.state != StudySession.State.ACTIVE:
            return session
        session.state = StudySession.State.ENDED
        session.ended_at = clock.now()
        session.end_reason = StudySession.EndReason.CLOSED
        session.save(update_fields=["state", "ended_at", "end_reason"])
        audit_record(actor=actor, action="learning.session.end", target=session,
                     summary={"reason": session.end_reason, "credited_ms": session.credited_ms,
                              "uncredited_ms": session.uncredited_ms, "beats": session.beats_accepted},
                     organization_id=session.enrolment.organization_id)
    return session


def sessions_expire_stale(*, now: dt.datetime | None = None) -> int:
    """End active sessions that have sent nothing for the session timeout (a periodic task may call
    this; ``session_start`` does it for the learner it starts)."""
    now = now or clock.now()
    cutoff = now - dt.timedelta(seconds=learning_config().SESSION_TIMEOUT_SECONDS)
    count = 0
    with transaction.atomic():
        stale = list(StudySession.objects.select_for_update(skip_locked=True)
                     .filter(state=StudySession.State.ACTIVE, last_beat_at__lt=cutoff)[:1000])
        for session in stale:
            session.state = StudySession.State.ENDED
            session.ended_at = session.last_beat_at
            session.end_reason = StudySession.EndReason.TIMEOUT
            session.save(update_fields=["state", "ended_at", "end_reason"])
            count += 1
        if stale:
            audit_record(actor=None, action="learning.session.expire", target_type="learning.studysession",
                         summary={"sessions": [s.pk for s in stale], "cutoff": cutoff.isoformat()})
    return count


def presence_answer(*, actor: User, session_id: int, check_id: int) -> PresenceCheck:
    """The learner answers a presence prompt. A late answer ends the uncredited stretch that began
    at the deadline; answering twice changes nothing."""
    with transaction.atomic():
        session = _own_session(actor=actor, session_id=session_id, lock=True)
        check = PresenceCheck.objects.filter(pk=check_id, session=session).first()
        if check is None:
            raise NotFound("在线确认不存在")
        if check.answered_at is not None:
            return check
        now = clock.now()
        check.answered_at = now
        check.save(update_fields=["answered_at"])
        if session.presence_check_id == check.pk:
            if now > check.deadline:
                session.presence_gap_from, session.presence_gap_to = check.deadline, now
            session.presence_check = None
            session.presence_deadline = None
            session.presence_next_at = next_presence_at(now, learning_config())
            session.save(update_fields=["presence_gap_from", "presence_gap_to", "presence_check",
                                        "presence_deadline", "presence_next_at"])
    return check
