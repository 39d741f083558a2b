"""Reads of 答疑 and the rules of who sees and who answers what.

Who sees a course's questions:

* a learner enrolled in the course: every question of the course; other askers' names masked;
* a teacher — a platform operator of the course's provider organisation — and system
  administrators: every question of the courses they manage;
* a training administrator: the questions asked by learners their organisation enrolled.

Who answers: the teachers and system administrators of the course, and the asker's training
administrator. The asker follows up and marks the question resolved.

A learner not enrolled in a published course is told to enrol (403); a course they cannot see
at all does not exist for them (404).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse

from jineng.common import clock
from jineng.common.errors import NotFound, PermissionDenied
from jineng.common.masking import mask_name
from jineng.courses.models import Course, Lesson
from jineng.courses.selectors import (
    course_outline,
    provider_ids_for,
    user_can_see_course,
    user_manages_course,
)
from jineng.identity.models import Role, User
from jineng.identity.selectors import user_has_role, user_organization_ids
from jineng.learning.models import Enrolment
from jineng.question_threads.models import QuestionReply, QuestionThread, ReplyRole, ThreadStatus

MAX_SEARCH_TERMS = 5
MAX_SEARCH_CHARS = 100


def _is_system_admin(user) -> bool:
    return user_has_role(user=user, role=Role.SYSTEM_ADMIN)


def _admin_org_ids(user) -> list[int]:
    return user_organization_ids(user=user, role=Role.TRAINING_ADMIN)


# ---- access to a course's Q&A ----------------------------------------------------------------

@dataclass
class CourseAccess:
    course: Course
    enrolment: Enrolment | None  # the viewer's own enrolment: they may ask
    manages: bool  # teacher of the course (provider's platform operator) or system administrator
    admin_org_ids: list[int] = field(default_factory=list)  # as training administrator of these

    @property
    def is_staff(self) -> bool:
        return self.manages or bool(self.admin_org_ids)

    @property
    def can_ask(self) -> bool:
        return self.enrolment is not None and self.course.status == Course.Status.PUBLISHED


def course_access(*, user, course_id: int) -> CourseAccess:
    """What ``user`` may do with the Q&A of course ``course_id``; ``NotFound`` or
    ``PermissionDenied`` (with what to do about it) when nothing."""
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied("请先登录")
    course = Course.objects.select_related("provider", "occupation").filter(pk=course_id).first()
    if course is None:
        raise NotFound("课程不存在、未发布或不在您的权限范围内")
    manages = user_manages_course(user=user, course=course)
    enrolment = (Enrolment.objects.filter(person_id=user.person_id, course=course).first()
                 if user.person_id else None)
    org_ids = _admin_org_ids(user)
    if org_ids:
        org_ids = list(Enrolment.objects.filter(course=course, organization_id__in=org_ids)
                       .values_list("organization_id", flat=True).distinct())
    if not (manages or enrolment or org_ids):
        if user_can_see_course(user=user, course=course):
            raise PermissionDenied("您尚未报名该课程：报名后才能查看答疑和提问。请先在课程页点击“报名学习”",
                                   code="not_enrolled")
        raise NotFound("课程不存在、未发布或不在您的权限范围内")
    return CourseAccess(course=course, enrolment=enrolment, manages=manages, admin_org_ids=org_ids)


def lessons_of_course(*, course: Course) -> list[Lesson]:
    """The course's lessons in outline order, for the "about which lesson" choice."""
    return [lesson for module in course_outline(course=course).modules for lesson in module.lessons]


# ---- scope ----------------------------------------------------------------------------------

def _staff_scope_q(user) -> Q:
    if _is_system_admin(user):
        return Q()
    q = Q(pk__in=[])
    providers = provider_ids_for(user=user)
    if providers:
        q |= Q(course__provider_id__in=providers)
    org_ids = _admin_org_ids(user)
    if org_ids:
        q |= Q(enrolment__organization_id__in=org_ids)
    return q


def threads_visible_to(*, user) -> QuerySet[QuestionThread]:
    """Every thread ``user`` may read (see the module's docstring)."""
    if not getattr(user, "is_authenticated", False):
        return QuestionThread.objects.none()
    if _is_system_admin(user):
        return QuestionThread.objects.all()
    q = _staff_scope_q(user)
    if user.person_id:
        q |= Q(course_id__in=Enrolment.objects.filter(person_id=user.person_id).values("course_id"))
    return QuestionThread.objects.filter(q)


def _with_relations(qs: QuerySet[QuestionThread]) -> QuerySet[QuestionThread]:
    return qs.select_related("course", "lesson", "asker", "asker__person", "enrolment")


def thread_get_visible(*, user, thread_id: int) -> QuestionThread:
    thread = _with_relations(threads_visible_to(user=user).filter(pk=thread_id)).select_related(
        "course__provider", "closed_by").first()
    if thread is None:
        raise NotFound("问题不存在或不在您的权限范围内")
    return thread


def staff_role_for(*, user, thread: QuestionThread) -> str | None:
    """As whom ``user`` may answer ``thread``: teacher, training administrator, system
    administrator — or ``None``."""
    if not getattr(user, "is_authenticated", False):
        return None
    if _is_system_admin(user):
        return ReplyRole.SYSTEM_ADMIN
    if thread.course.provider_id in provider_ids_for(user=user):
        return ReplyRole.TEACHER
    organization_id = thread.enrolment.organization_id
    if organization_id is not None and organization_id in _admin_org_ids(user):
        return ReplyRole.TRAINING_ADMIN
    return None


def user_sees_full_names(*, user, thread: QuestionThread) -> bool:
    """System administrators and the asker's own training administrator see the asker's name;
    teachers and fellow learners see it masked (张*)."""
    if _is_system_admin(user):
        return True
    organization_id = thread.enrolment.organization_id
    return organization_id is not None and organization_id in _admin_org_ids(user)


def asker_name(thread: QuestionThread) -> str:
    asker = thread.asker
    return asker.person.name if asker.person_id else (asker.display_name or asker.username)


def asker_label(*, user, thread: QuestionThread) -> str:
    if thread.asker_id == user.pk:
        return "我"
    name = asker_name(thread)
    return name if user_sees_full_names(user=user, thread=thread) else mask_name(name)


def waiting_label(seconds: float) -> str:
    """45 分钟 / 3 小时 5 分钟 / 2 天 4 小时."""
    minutes = max(int(seconds // 60), 0)
    if minutes < 60:
        return f"{minutes} 分钟"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours} 小时 {minutes} 分钟" if minutes else f"{hours} 小时"
    days, hours = divmod(hours, 24)
    return f"{days} 天 {hours} 小时" if hours else f"{days} 天"


def thread_url(thread: QuestionThread) -> str:
    return reverse("question_threads:thread", kwargs={"thread_id": thread.pk})


# ---- lists and search -----------------------------------------------------------------------

@dataclass
class ThreadRow:
    thread: QuestionThread
    asker_label: str
    mine: bool
    waiting_seconds: float | None

    @property
    def waiting(self) -> str:
        return waiting_label(self.waiting_seconds) if self.waiting_seconds is not None else ""


def rows_for(*, user, threads, now: dt.datetime | None = None) -> list[ThreadRow]:
    now = now or clock.now()
    admin = _is_system_admin(user)
    org_ids = set(_admin_org_ids(user))
    rows = []
    for thread in threads:
        mine = thread.asker_id == user.pk
        if mine:
            label = "我"
        elif admin or (thread.enrolment.organization_id in org_ids):
            label = asker_name(thread)
        else:
            label = mask_name(asker_name(thread))
        waiting = (now - thread.waiting_since).total_seconds() if thread.waiting_since else None
        rows.append(ThreadRow(thread=thread, asker_label=label, mine=mine, waiting_seconds=waiting))
    return rows


def search_terms(text: str) -> list[str]:
    return (text or "")[:MAX_SEARCH_CHARS].split()[:MAX_SEARCH_TERMS]


def threads_search(*, user, course: Course | None = None, q: str = "", unanswered: bool = False,
                   mine: bool = False, lesson_id: int | None = None, status: str = "") -> QuerySet[QuestionThread]:
    """Threads ``user`` may read, newest activity first. ``q``: every word (up to five) must occur
    in the title, the question or a reply (case-insensitive; the same on SQLite and PostgreSQL).
    ``unanswered``: waiting for staff (status open)."""
    qs = threads_visible_to(user=user)
    if course is not None:
        qs = qs.filter(course=course)
    for term in search_terms(q):
        in_replies = QuestionReply.objects.filter(thread=OuterRef("pk"), body__icontains=term)
        qs = qs.filter(Q(title__icontains=term) | Q(body__icontains=term) | Exists(in_replies))
    if unanswered:
        qs = qs.filter(status=ThreadStatus.OPEN)
    if status and status in ThreadStatus.values:
        qs = qs.filter(status=status)
    if mine:
        qs = qs.filter(asker=user)
    if lesson_id:
        qs = qs.filter(lesson_id=lesson_id)
    return _with_relations(qs).order_by("-last_activity_at", "-pk")


def threads_waiting(*, user, course_id: int | None = None) -> QuerySet[QuestionThread]:
    """The staff queue: questions waiting for an answer in ``user``'s staff scope, the longest
    waiting first. Learners get nothing."""
    if not getattr(user, "is_authenticated", False):
        return QuestionThread.objects.none()
    if not user_is_answerer(user=user):
        return QuestionThread.objects.none()
    qs = QuestionThread.objects.filter(_staff_scope_q(user), status=ThreadStatus.OPEN)
    if course_id:
        qs = qs.filter(course_id=course_id)
    return _with_relations(qs).order_by("waiting_since", "pk")


def user_is_answerer(*, user) -> bool:
    """Whether ``user`` has any role that answers questions (for the queue page)."""
    return bool(getattr(user, "is_authenticated", False)) and (
        _is_system_admin(user) or bool(provider_ids_for(user=user)) or bool(_admin_org_ids(user)))


def thread_replies(*, thread: QuestionThread) -> list[QuestionReply]:
    return list(thread.replies.select_related("author").order_by("created_at", "pk"))


def thread_events(*, thread: QuestionThread):
    return list(thread.events.select_related("actor").order_by("pk"))


def courses_with_threads_for(*, user) -> list[Course]:
    """Courses whose Q&A ``user`` may open: enrolled, managed, or their organisation's learners'."""
    if not getattr(user, "is_authenticated", False):
        return []
    q = Q(pk__in=[])
    if user.person_id:
        q |= Q(pk__in=Enrolment.objects.filter(person_id=user.person_id).values("course_id"))
    if _is_system_admin(user):
        q = Q()
    else:
        providers = provider_ids_for(user=user)
        if providers:
            q |= Q(provider_id__in=providers)
        org_ids = _admin_org_ids(user)
        if org_ids:
            q |= Q(pk__in=Enrolment.objects.filter(organization_id__in=org_ids).values("course_id"))
    return list(Course.objects.filter(q).order_by("title", "pk")[:200])


@dataclass
class ThreadPage:
    thread: QuestionThread
    asker_label: str
    mine: bool
    staff_role: str | None
    replies: list[QuestionReply]
    events: list

    @property
    def waiting(self) -> str:
        since = self.thread.waiting_since
        return waiting_label((clock.now() - since).total_seconds()) if since else ""

    @property
    def can_reply(self) -> bool:
        return self.thread.is_active and (self.mine or self.staff_role is not None)

    @property
    def can_resolve(self) -> bool:
        return self.thread.is_active and self.mine

    @property
    def can_close(self) -> bool:
        return self.thread.is_active and self.staff_role is not None and not self.mine


def thread_page(*, user, thread_id: int) -> ThreadPage:
    """Everything the thread page shows, in five queries."""
    thread = thread_get_visible(user=user, thread_id=thread_id)
    mine = thread.asker_id == user.pk
    return ThreadPage(thread=thread, asker_label=asker_label(user=user, thread=thread), mine=mine,
                      staff_role=None if mine else staff_role_for(user=user, thread=thread),
                      replies=thread_replies(thread=thread), events=thread_events(thread=thread))


def course_teachers(*, course: Course) -> QuerySet[User]:
    """Who answers questions about ``course`` as its teachers: the active platform operators of the
    organisation that provides it."""
    return (User.objects.filter(is_active=True, roles__role=Role.PLATFORM_OPERATOR,
                                roles__organization_id=course.provider_id).distinct().order_by("pk"))
