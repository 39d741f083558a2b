"""Every write of 答疑: ask, answer, follow up, resolve, close (``models.TRANSITIONS``).

Each service checks the actor, cleans the text (plain text only: control and zero-width
characters removed, lengths limited; pages escape it on output), locks the thread, moves the
state, appends a ``QuestionThreadEvent``, notifies in the site, and writes the audit entry as the
last step of its transaction. Audit summaries carry ids and lengths, never the learner's text.

Asking twice (a double click, a retried request) makes one thread: the same idempotency key, or
the same asker, course, title and question within ``DEDUPE_WINDOW``, returns the thread already
made. The asker's account row is locked while this is checked, so simultaneous requests queue.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass

from django.db import IntegrityError, transaction

from jineng.audit.services import audit_record
from jineng.common import clock
from jineng.common.errors import DomainError, PermissionDenied
from jineng.courses.models import Course, Lesson
from jineng.identity.models import User
from jineng.notifications.services import notification_send
from jineng.question_threads import selectors
from jineng.question_threads.models import (
    TRANSITION_LABELS,
    TRANSITIONS,
    QuestionReply,
    QuestionThread,
    QuestionThreadEvent,
    ReplyRole,
    ThreadStatus,
)

MIN_TITLE, MAX_TITLE = 4, 80
MIN_BODY, MAX_BODY = 2, 2000
MAX_REPLY = 2000
MAX_CLOSE_REASON = 200
DAILY_QUESTION_LIMIT = 20
DEDUPE_WINDOW = dt.timedelta(minutes=10)
NOTIFICATION_EXCERPT = 140

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
_IDEMPOTENCY_KEY = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


# ---- text ------------------------------------------------------------------------------------

def clean_text(value: str | None, *, label: str, field: str, max_length: int, min_length: int = 1,
               single_line: bool = False) -> str:
    """Plain text as the learner meant it: no control or invisible characters, Windows line
    ends made plain, at most one blank line in a row, no space at either end."""
    text = (value or "").replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    text = text.replace("\u2028", "\n").replace("\u2029", "\n")
    text = _CONTROL.sub("", text)
    if single_line:
        text = " ".join(text.split())
    else:
        text = "\n".join(line.rstrip() for line in text.split("\n"))
        text = re.sub(r"\n{3,}", "\n\n", text).strip()
    if not text:
        raise DomainError("required", f"请填写{label}", field=field)
    if len(text) < min_length:
        raise DomainError("too_short", f"{label}至少要 {min_length} 个字，请写清楚一些", field=field)
    if len(text) > max_length:
        raise DomainError("too_long", f"{label}不能超过 {max_length} 个字（现在 {len(text)} 个字），请精简后再提交",
                          field=field)
    return text


def _excerpt(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= NOTIFICATION_EXCERPT else flat[: NOTIFICATION_EXCERPT - 1] + "…"


def _short_title(title: str) -> str:
    return title if len(title) <= 30 else title[:29] + "…"


# ---- shared steps -----------------------------------------------------------------------------

def _audit(*, actor: User, action: str, thread: QuestionThread, summary: dict) -> None:
    audit_record(actor=actor, action=action, target=thread,
                 summary={"course": thread.course_id, "lesson": thread.lesson_id, **summary},
                 organization_id=thread.course.provider_id)


def _refused(status: str, transition: str) -> DomainError:
    hint = {
        ThreadStatus.RESOLVED: "提问学员已将问题标为已解决。如有新问题，请重新提问",
        ThreadStatus.CLOSED: "问题已被关闭。如有新问题，请重新提问",
    }.get(status, "")
    return DomainError("thread_transition_not_allowed",
                       f"当前状态为“{ThreadStatus(status).label}”，不能{TRANSITION_LABELS[transition]}：{hint}",
                       field="status", details={"status": status, "transition": transition})


def _lock(thread: QuestionThread, transition: str) -> QuestionThread:
    locked = QuestionThread.objects.select_for_update().select_related("course", "asker").get(pk=thread.pk)
    if locked.status not in TRANSITIONS[transition][0]:
        raise _refused(locked.status, transition)
    return locked


def _event(*, thread: QuestionThread, transition: str, from_status: str, actor: User, at: dt.datetime,
           reply: QuestionReply | None = None, note: str = "") -> None:
    QuestionThreadEvent.objects.create(thread=thread, transition=transition, from_status=from_status,
                                       to_status=thread.status, actor=actor, reply=reply, at=at, note=note)


def _sync(thread: QuestionThread, target: QuestionThread) -> QuestionThread:
    """Copy the locked row's saved state onto the caller's instance, so it is not stale."""
    for f in QuestionThread._meta.concrete_fields:
        setattr(target, f.attname, getattr(thread, f.attname))
    return target


# ---- ask --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Asked:
    thread: QuestionThread
    created: bool  # False: the same question had just been asked; this is that thread


def _start_of_day(moment: dt.datetime) -> dt.datetime:
    from zoneinfo import ZoneInfo

    local = moment.astimezone(ZoneInfo("Asia/Shanghai"))
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def question_thread_ask(*, course: Course, title: str, body: str, actor: User, lesson: Lesson | None = None,
                        idempotency_key: str = "") -> Asked:
    """An enrolled learner asks a question about ``course`` (optionally about one of its lessons); the
    course's teachers (its provider's platform operators) are notified."""
    access = selectors.course_access(user=actor, course_id=course.pk)
    if access.enrolment is None:
        raise PermissionDenied("只有报名该课程的学员可以提问：请先在课程页报名学习", code="not_enrolled")
    if access.course.status != Course.Status.PUBLISHED:
        raise DomainError("course_not_open", "课程已下架，暂时不能提问；已有的问答仍可查看", field="course")
    if lesson is not None and lesson.module.course_id != course.pk:
        raise DomainError("lesson_not_in_course", "所选课件不属于该课程，请重新选择（也可以不选）", field="lesson")
    title = clean_text(title, label="问题标题", field="title", min_length=MIN_TITLE, max_length=MAX_TITLE,
                       single_line=True)
    body = clean_text(body, label="问题描述", field="body", min_length=MIN_BODY, max_length=MAX_BODY)
    key = (idempotency_key or "").strip()
    if key and not _IDEMPOTENCY_KEY.match(key):
        raise DomainError("idempotency_key_invalid", "提交标识无效，请刷新页面后重新提交", field="idempotency_key")
    digest = hashlib.sha256(f"{course.pk}\n{title}\n{body}".encode()).hexdigest()
    now = clock.now()
    try:
        with transaction.atomic():
            User.objects.select_for_update().filter(pk=actor.pk).values_list("pk", flat=True).get()
            mine = QuestionThread.objects.filter(asker=actor)
            if key:
                existing = mine.filter(idempotency_key=key).first()
                if existing is not None:
                    return Asked(existing, False)
            existing = mine.filter(course=course, content_digest=digest, created_at__gte=now - DEDUPE_WINDOW) \
                .order_by("-created_at", "-pk").first()
            if existing is not None:
                return Asked(existing, False)
            if mine.filter(created_at__gte=_start_of_day(now)).count() >= DAILY_QUESTION_LIMIT:
                raise DomainError("daily_limit", f"每人每天最多提 {DAILY_QUESTION_LIMIT} 个问题，今天已达上限："
                                  "请明天再提问，或在已有的问题下追问", field="title")
            thread = QuestionThread.objects.create(
                course=course, lesson=lesson, enrolment=access.enrolment, asker=actor, title=title, body=body,
                status=ThreadStatus.OPEN, idempotency_key=key, content_digest=digest, created_at=now,
                last_activity_at=now, waiting_since=now)
            _event(thread=thread, transition="ask", from_status="", actor=actor, at=now)
            for teacher in selectors.course_teachers(course=course):
                notification_send(recipient=teacher, kind="question_threads.asked",
                                  title=f"新问题：{_short_title(title)}",
                                  body=f"课程《{course.title}》有学员提问：{_excerpt(body)}",
                                  link=selectors.thread_url(thread), actor=actor)
            _audit(actor=actor, action="question_threads.thread.ask", thread=thread,
                   summary={"title_chars": len(title), "body_chars": len(body)})
    except IntegrityError:
        # A simultaneous request with the same key won the unique constraint: that is the thread.
        existing = QuestionThread.objects.filter(asker=actor, idempotency_key=key).first() if key else None
        if existing is None:
            raise
        return Asked(existing, False)
    return Asked(thread, True)


# ---- replies -----------------------------------------------------------------------------------

def question_thread_answer(*, thread: QuestionThread, body: str, actor: User) -> QuestionReply:
    """A teacher, system administrator or the asker's training administrator answers; the asker
    is notified in the site with a link to the answer."""
    role = selectors.staff_role_for(user=actor, thread=thread)
    if role is None:
        raise PermissionDenied("只有课程提供单位的授课老师、系统管理员，或提问学员所在单位的线上培训管理员可以回复这个问题",
                               code="not_an_answerer")
    body = clean_text(body, label="回复内容", field="body", max_length=MAX_REPLY)
    now = clock.now()
    with transaction.atomic():
        locked = _lock(thread, "answer")
        from_status = locked.status
        reply = QuestionReply.objects.create(thread=locked, author=actor, author_role=role, body=body, created_at=now)
        locked.status = TRANSITIONS["answer"][1]
        locked.waiting_since = None
        locked.first_answered_at = locked.first_answered_at or now
        locked.reply_count += 1
        locked.last_activity_at = now
        locked.save(update_fields=["status", "waiting_since", "first_answered_at", "reply_count", "last_activity_at"])
        _event(thread=locked, transition="answer", from_status=from_status, actor=actor, at=now, reply=reply)
        notification_send(recipient=locked.asker, kind="question_threads.answered",
                          title=f"您的提问“{_short_title(locked.title)}”有了新回复",
                          body=f"{ReplyRole(role).label}：{_excerpt(body)}",
                          link=f"{selectors.thread_url(locked)}#reply-{reply.pk}", actor=actor)
        _audit(actor=actor, action="question_threads.thread.answer", thread=locked,
               summary={"reply": reply.pk, "role": role, "from": from_status, "to": locked.status,
                        "chars": len(body)})
    _sync(locked, thread)
    return reply


def question_thread_follow_up(*, thread: QuestionThread, body: str, actor: User) -> QuestionReply:
    """The asker adds to the question or asks again after an answer: it waits for staff again,
    and the staff who answered before are notified."""
    if thread.asker_id != actor.pk:
        raise PermissionDenied("只有提问学员本人可以追问", code="not_the_asker")
    body = clean_text(body, label="追问内容", field="body", max_length=MAX_REPLY)
    now = clock.now()
    with transaction.atomic():
        locked = _lock(thread, "follow_up")
        from_status = locked.status
        reply = QuestionReply.objects.create(thread=locked, author=actor, author_role=ReplyRole.ASKER, body=body,
                                             created_at=now)
        locked.status = TRANSITIONS["follow_up"][1]
        locked.waiting_since = locked.waiting_since or now
        locked.reply_count += 1
        locked.last_activity_at = now
        locked.save(update_fields=["status", "waiting_since", "reply_count", "last_activity_at"])
        _event(thread=locked, transition="follow_up", from_status=from_status, actor=actor, at=now, reply=reply)
        staff_ids = (QuestionReply.objects.filter(thread=locked).exclude(author_role=ReplyRole.ASKER)
                     .exclude(author=actor).values_list("author_id", flat=True).distinct())
        for staff in User.objects.filter(pk__in=list(staff_ids), is_active=True).order_by("pk"):
            notification_send(recipient=staff, kind="question_threads.follow_up",
                              title=f"学员追问：“{_short_title(locked.title)}”", body=_excerpt(body),
                              link=f"{selectors.thread_url(locked)}#reply-{reply.pk}", actor=actor)
        _audit(actor=actor, action="question_threads.thread.follow_up", thread=locked,
               summary={"reply": reply.pk, "from": from_status, "to": locked.status, "chars": len(body)})
    _sync(locked, thread)
    return reply


def question_thread_reply(*, thread: QuestionThread, body: str, actor: User) -> QuestionReply:
    """One reply box for everybody on the thread page: the asker follows up, staff answer."""
    if thread.asker_id == actor.pk:
        return question_thread_follow_up(thread=thread, body=body, actor=actor)
    return question_thread_answer(thread=thread, body=body, actor=actor)


# ---- ending a thread --------------------------------------------------------------------------

def question_thread_resolve(*, thread: QuestionThread, actor: User) -> QuestionThread:
    """The asker marks the question resolved."""
    if thread.asker_id != actor.pk:
        raise PermissionDenied("只有提问学员本人可以将问题标为已解决", code="not_the_asker")
    now = clock.now()
    with transaction.atomic():
        locked = _lock(thread, "resolve")
        from_status = locked.status
        locked.status = TRANSITIONS["resolve"][1]
        locked.waiting_since = None
        locked.resolved_at = now
        locked.last_activity_at = now
        locked.save(update_fields=["status", "waiting_since", "resolved_at", "last_activity_at"])
        _event(thread=locked, transition="resolve", from_status=from_status, actor=actor, at=now)
        _audit(actor=actor, action="question_threads.thread.resolve", thread=locked,
               summary={"from": from_status, "to": locked.status})
    return _sync(locked, thread)


def question_thread_close(*, thread: QuestionThread, reason: str, actor: User) -> QuestionThread:
    """Staff close a question that needs no answer (off-topic, a duplicate, answered elsewhere),
    saying why; the asker is notified."""
    role = selectors.staff_role_for(user=actor, thread=thread)
    if role is None:
        raise PermissionDenied("只有课程提供单位的授课老师、系统管理员，或提问学员所在单位的线上培训管理员可以关闭这个问题",
                               code="not_an_answerer")
    reason = clean_text(reason, label="关闭原因（学员会看到，如“与课程无关”“重复提问，请看某某问题”）", field="reason",
                        max_length=MAX_CLOSE_REASON, single_line=True)
    now = clock.now()
    with transaction.atomic():
        locked = _lock(thread, "close")
        from_status = locked.status
        locked.status = TRANSITIONS["close"][1]
        locked.waiting_since = None
        locked.closed_at, locked.closed_by, locked.close_reason = now, actor, reason
        locked.last_activity_at = now
        locked.save(update_fields=["status", "waiting_since", "closed_at", "closed_by", "close_reason",
                                   "last_activity_at"])
        _event(thread=locked, transition="close", from_status=from_status, actor=actor, at=now, note=reason)
        notification_send(recipient=locked.asker, kind="question_threads.closed",
                          title=f"您的提问“{_short_title(locked.title)}”已关闭", body=f"关闭原因：{reason}",
                          link=selectors.thread_url(locked), actor=actor)
        _audit(actor=actor, action="question_threads.thread.close", thread=locked,
               summary={"role": role, "from": from_status, "to": locked.status})
    return _sync(locked, thread)
