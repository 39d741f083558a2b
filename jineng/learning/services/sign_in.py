"""签到: once per enrolment and study day, and once per live lesson inside its live window.

Decision (documented in the README's learning section): study is credited only on a signed-in
day, and the first session of a day signs in by itself (method ``auto``, server time, IP and
device), so no study ever precedes its sign-in; a session that runs past midnight signs in for
the new day with its first beat after midnight. The 签到 button records an explicit sign-in
(method ``button``) — or shows the one already made. Live lessons need their own sign-in, made
by the learner inside the live window; live time is credited only after it.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction

from jineng.audit.services import audit_record
from jineng.common import clock
from jineng.common.errors import DomainError
from jineng.courses.models import Lesson
from jineng.identity.models import User
from jineng.learning.models import Enrolment, SignIn, StudySession
from jineng.learning.services.common import (
    clean_device_id,
    device_label_from_user_agent,
    learner_person,
    shanghai_day,
)
from jineng.learning.services.config import learning_config


def _record(*, enrolment: Enrolment, kind: str, day: dt.date, lesson: Lesson | None, method: str, ip: str | None,
            device_id: str, device_label: str, actor: User | None, now: dt.datetime) -> SignIn:
    lookup = {"enrolment": enrolment, "kind": kind}
    lookup.update({"day": day} if kind == SignIn.Kind.DAILY else {"lesson": lesson})
    existing = SignIn.objects.filter(**lookup).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            sign_in = SignIn.objects.create(enrolment=enrolment, person_id=enrolment.person_id, kind=kind, day=day,
                                            lesson=lesson, signed_at=now, method=method, ip=ip or None,
                                            device_id=device_id, device_label=device_label[:120])
            audit_record(actor=actor, action="learning.sign_in", target=sign_in,
                         summary={"enrolment": enrolment.pk, "kind": kind, "day": day.isoformat(),
                                  "lesson": lesson.pk if lesson else None, "method": method,
                                  "device": device_label[:120]},
                         organization_id=enrolment.organization_id)
    except IntegrityError:  # signed in by a concurrent request a moment ago
        return SignIn.objects.get(**lookup)
    return sign_in


def sign_in_daily_ensure(*, enrolment: Enrolment, day: dt.date, ip: str | None, device_id: str, device_label: str,
                         actor: User | None, now: dt.datetime | None = None) -> SignIn:
    """The automatic sign-in of a session (at its start, and again after midnight)."""
    return _record(enrolment=enrolment, kind=SignIn.Kind.DAILY, day=day, lesson=None, method=SignIn.Method.AUTO,
                   ip=ip, device_id=device_id, device_label=device_label, actor=actor, now=now or clock.now())


def sign_in(*, actor: User, enrolment: Enrolment, lesson: Lesson | None = None, ip: str | None, device_id: str,
            user_agent: str = "") -> SignIn:
    """The 签到 button: today's sign-in for the class, or the sign-in of a live lesson in its window."""
    person = learner_person(actor)
    if enrolment.person_id != person.pk:
        raise DomainError("not_your_enrolment", "只能为本人签到", field="enrolment")
    device_id = clean_device_id(device_id)
    now = clock.now()
    label = device_label_from_user_agent(user_agent)
    if lesson is None:
        return _record(enrolment=enrolment, kind=SignIn.Kind.DAILY, day=shanghai_day(now), lesson=None,
                       method=SignIn.Method.BUTTON, ip=ip, device_id=device_id, device_label=label, actor=actor, now=now)
    if lesson.module.course_id != enrolment.course_id:
        raise DomainError("lesson_not_in_course", "该课件不属于此课程", field="lesson")
    if lesson.kind != Lesson.Kind.LIVE:
        raise DomainError("not_live", "只有直播课需要单独签到", field="lesson")
    existing = SignIn.objects.filter(enrolment=enrolment, kind=SignIn.Kind.LIVE, lesson=lesson).first()
    if existing is not None:
        return existing
    early = dt.timedelta(minutes=learning_config().LIVE_SIGN_IN_EARLY_MINUTES)
    if not (lesson.live_starts_at - early <= now <= lesson.live_ends_at):
        raise DomainError("outside_live_window",
                          f"不在直播签到时间内：直播开始前 {early.seconds // 60} 分钟至直播结束可以签到",
                          field="lesson")
    with transaction.atomic():
        record = _record(enrolment=enrolment, kind=SignIn.Kind.LIVE, day=shanghai_day(now), lesson=lesson,
                         method=SignIn.Method.BUTTON, ip=ip, device_id=device_id, device_label=label, actor=actor,
                         now=now)
        StudySession.objects.filter(enrolment=enrolment, lesson=lesson, state=StudySession.State.ACTIVE).update(
            live_signed_in=True)
    return record
