"""Reads of the learning app: progress and class hours, the learning record, the administrator's
table, the player's facts, recounts. Each costs a fixed number of queries.

Class hours: credited minutes count towards class hours up to each module's planned minutes (the
outline fixes the hours; watching a lesson again is shown, but adds no hours), and
class hours = floor(countable minutes / 45) — 1 学时 = 45 分钟 (攀人社发〔2020〕33号).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet, Sum

from jineng.common import clock
from jineng.common.errors import NotFound
from jineng.courses.models import Course, Lesson, Module
from jineng.identity.models import Role
from jineng.identity.selectors import user_has_role, user_organization_ids, user_region_scopes
from jineng.learning.models import (
    CLASS_HOUR_MINUTES,
    MS_PER_MINUTE,
    DailyTotal,
    Enrolment,
    LessonProgress,
    ModuleProgress,
    Reason,
    ScormRuntime,
    Segment,
    SignIn,
    StudySession,
)
from jineng.learning.services.common import shanghai_day
from jineng.learning.services.config import learning_config
from jineng.regions.selectors import regions_scope_q

# ---- progress -----------------------------------------------------------------------------


@dataclass
class ModuleRow:
    module: Module
    credited_ms: int

    @property
    def planned_minutes(self) -> int:
        return self.module.planned_minutes

    @property
    def credited_minutes(self) -> int:
        return self.credited_ms // MS_PER_MINUTE

    @property
    def countable_ms(self) -> int:
        return min(self.credited_ms, self.planned_minutes * MS_PER_MINUTE)

    @property
    def countable_minutes(self) -> int:
        return self.countable_ms // MS_PER_MINUTE

    @property
    def class_hours(self) -> int:
        return self.countable_minutes // CLASS_HOUR_MINUTES

    @property
    def planned_class_hours(self) -> int:
        return self.planned_minutes // CLASS_HOUR_MINUTES

    @property
    def percent(self) -> int:
        return 100 if not self.planned_minutes else min(100, self.countable_ms * 100 // (self.planned_minutes * MS_PER_MINUTE))

    @property
    def complete(self) -> bool:
        return self.credited_ms >= self.planned_minutes * MS_PER_MINUTE


@dataclass
class Progress:
    enrolment: Enrolment
    modules: list[ModuleRow]

    @property
    def course(self) -> Course:
        return self.enrolment.course

    @property
    def credited_minutes(self) -> int:
        return self.enrolment.credited_ms // MS_PER_MINUTE

    @property
    def countable_minutes(self) -> int:
        return sum(m.countable_ms for m in self.modules) // MS_PER_MINUTE

    @property
    def planned_minutes(self) -> int:
        return sum(m.planned_minutes for m in self.modules)

    @property
    def class_hours(self) -> int:
        return self.countable_minutes // CLASS_HOUR_MINUTES

    @property
    def planned_class_hours(self) -> int:
        return self.planned_minutes // CLASS_HOUR_MINUTES

    @property
    def percent(self) -> int:
        planned = self.planned_minutes
        return 100 if not planned else min(100, sum(m.countable_ms for m in self.modules) * 100
                                           // (planned * MS_PER_MINUTE))

    @property
    def hours_complete(self) -> bool:
        """Every required module has its planned minutes credited."""
        return all(m.complete for m in self.modules if m.module.required)

    @property
    def status(self) -> str:
        if self.hours_complete:
            return "complete"
        return "in_progress" if self.enrolment.credited_ms else "not_started"

    @property
    def status_label(self) -> str:
        return {"complete": "学时已满", "in_progress": "学习中", "not_started": "未开始"}[self.status]


def _with_progress(qs: QuerySet[Enrolment]) -> QuerySet[Enrolment]:
    return qs.select_related("course", "course__occupation").prefetch_related("course__modules", "module_progress")


def _progress(enrolment: Enrolment) -> Progress:
    credited = {p.module_id: p.credited_ms for p in enrolment.module_progress.all()}
    modules = sorted(enrolment.course.modules.all(), key=lambda m: (m.position, m.pk))
    return Progress(enrolment=enrolment, modules=[ModuleRow(module=m, credited_ms=credited.get(m.pk, 0)) for m in modules])


def enrolment_progress(*, enrolment: Enrolment) -> Progress:
    return _progress(_with_progress(Enrolment.objects.filter(pk=enrolment.pk)).get())


def learner_enrolments(*, user) -> list[Progress]:
    if not user.person_id:
        return []
    qs = _with_progress(Enrolment.objects.filter(person_id=user.person_id)).order_by("-last_studied_at", "-enrolled_at")
    return [_progress(e) for e in qs]


# ---- who may see what ----------------------------------------------------------------------

def enrolments_visible_to(*, user) -> QuerySet[Enrolment]:
    """The learner their own; a training administrator the enrolments their organisation made;
    reviewers and officers those of organisations or hukou in their regions; system administrators all."""
    qs = Enrolment.objects.all()
    if user_has_role(user=user, role=Role.SYSTEM_ADMIN):
        return qs
    q = Q(pk__in=[])
    if user.person_id:
        q |= Q(person_id=user.person_id)
    org_ids = user_organization_ids(user=user, role=Role.TRAINING_ADMIN)
    if org_ids:
        q |= Q(organization_id__in=org_ids)
    regions = user_region_scopes(user=user)
    if regions:
        q |= (regions_scope_q(regions, field="organization__region__code")
              | regions_scope_q(regions, field="person__hukou_region__code"))
    return qs.filter(q)


def enrolment_get_visible(*, user, enrolment_id: int) -> Enrolment:
    enrolment = (enrolments_visible_to(user=user).filter(pk=enrolment_id)
                 .select_related("course", "course__occupation", "person", "organization").first())
    if enrolment is None:
        raise NotFound()
    return enrolment


def enrolment_get_own(*, user, enrolment_id: int) -> Enrolment:
    enrolment = Enrolment.objects.filter(pk=enrolment_id, person_id=user.person_id).select_related("course").first() \
        if user.person_id else None
    if enrolment is None:
        raise NotFound("报名记录不存在")
    return enrolment


# ---- the course page and the player ---------------------------------------------------------

@dataclass
class LessonRow:
    lesson: Lesson
    credited_ms: int = 0
    max_position: float = 0
    scorm: ScormRuntime | None = None

    @property
    def credited_minutes(self) -> int:
        return self.credited_ms // MS_PER_MINUTE

    @property
    def percent(self) -> int:
        if self.lesson.kind == Lesson.Kind.VIDEO and self.lesson.video_seconds:
            return min(100, int(self.max_position * 100 // self.lesson.video_seconds))
        planned = self.lesson.planned_minutes * MS_PER_MINUTE
        return 100 if not planned else min(100, self.credited_ms * 100 // planned)


@dataclass
class CourseOutline:
    course: Course
    enrolment: Enrolment | None
    progress: Progress | None
    modules: list[tuple[ModuleRow, list[LessonRow]]]
    signed_in_today: SignIn | None


def course_outline(*, user, course_id: int) -> CourseOutline:
    """A published course (or one the learner is enrolled in) with its modules, lessons and the learner's progress."""
    course = Course.objects.select_related("occupation", "provider").filter(pk=course_id).first()
    enrolment = None
    if course is not None and user.person_id:
        enrolment = _with_progress(Enrolment.objects.filter(person_id=user.person_id, course=course)).first()
    if course is None or (course.status != Course.Status.PUBLISHED and enrolment is None):
        raise NotFound("课程不存在或未发布")
    modules = list(Module.objects.filter(course=course).prefetch_related("lessons").order_by("position", "pk"))
    lesson_rows: dict[int, LessonRow] = {}
    progress = _progress(enrolment) if enrolment else None
    if enrolment:
        for p in LessonProgress.objects.filter(enrolment=enrolment):
            lesson_rows[p.lesson_id] = LessonRow(lesson=None, credited_ms=p.credited_ms, max_position=p.max_position)  # type: ignore[arg-type]
        for runtime in ScormRuntime.objects.filter(enrolment=enrolment):
            lesson_rows.setdefault(runtime.lesson_id, LessonRow(lesson=None)).scorm = runtime  # type: ignore[arg-type]
    module_rows = {m.module.pk: m for m in progress.modules} if progress else {}
    outline = []
    for module in modules:
        rows = []
        for lesson in sorted(module.lessons.all(), key=lambda x: (x.position, x.pk)):
            row = lesson_rows.get(lesson.pk) or LessonRow(lesson=lesson)
            row.lesson = lesson
            rows.append(row)
        outline.append((module_rows.get(module.pk) or ModuleRow(module=module, credited_ms=0), rows))
    signed = None
    if enrolment:
        signed = SignIn.objects.filter(enrolment=enrolment, kind=SignIn.Kind.DAILY, day=shanghai_day(clock.now())).first()
    return CourseOutline(course=course, enrolment=enrolment, progress=progress, modules=outline, signed_in_today=signed)


@dataclass
class PlayerContext:
    lesson: Lesson
    course: Course
    enrolment: Enrolment
    progress: LessonRow
    live_sign_in: SignIn | None
    live_open: bool
    previous: Lesson | None
    next: Lesson | None


def lesson_for_player(*, user, lesson_id: int) -> PlayerContext:
    lesson = (Lesson.objects.select_related("module", "module__course", "scorm_package")
              .filter(pk=lesson_id).first())
    if lesson is None or not user.person_id:
        raise NotFound("课件不存在")
    course = lesson.module.course
    enrolment = Enrolment.objects.filter(person_id=user.person_id, course=course).first()
    if enrolment is None:
        raise NotFound("请先报名该课程")
    progress = LessonProgress.objects.filter(enrolment=enrolment, lesson=lesson).first()
    row = LessonRow(lesson=lesson, credited_ms=progress.credited_ms if progress else 0,
                    max_position=progress.max_position if progress else 0)
    if lesson.kind == Lesson.Kind.SCORM:
        row.scorm = ScormRuntime.objects.filter(enrolment=enrolment, lesson=lesson).first()
    live_sign_in, live_open = None, False
    if lesson.kind == Lesson.Kind.LIVE:
        live_sign_in = SignIn.objects.filter(enrolment=enrolment, kind=SignIn.Kind.LIVE, lesson=lesson).first()
        early = dt.timedelta(minutes=learning_config().LIVE_SIGN_IN_EARLY_MINUTES)
        live_open = lesson.live_starts_at - early <= clock.now() <= lesson.live_ends_at
    ordered = list(Lesson.objects.filter(module__course=course).order_by("module__position", "module_id", "position", "pk")
                   .only("pk", "title", "kind"))
    index = next(i for i, x in enumerate(ordered) if x.pk == lesson.pk)
    return PlayerContext(lesson=lesson, course=course, enrolment=enrolment, progress=row, live_sign_in=live_sign_in,
                         live_open=live_open, previous=ordered[index - 1] if index > 0 else None,
                         next=ordered[index + 1] if index + 1 < len(ordered) else None)


def session_start_facts(*, session: StudySession) -> dict:
    progress = LessonProgress.objects.filter(enrolment_id=session.enrolment_id, lesson_id=session.lesson_id).first()
    sign_in = SignIn.objects.filter(enrolment_id=session.enrolment_id, kind=SignIn.Kind.DAILY,
                                    day=session.signed_day).first()
    return {"lesson_credited_minutes": (progress.credited_ms if progress else 0) // MS_PER_MINUTE,
            "signed_in_at": sign_in.signed_at if sign_in else None}


def scorm_initial_cmi(*, user, lesson: Lesson) -> dict:
    """What the SCO resumes from, as flattened CMI for scorm-again's ``loadFromFlattenedJSON``."""
    runtime = None
    if user.person_id:
        runtime = ScormRuntime.objects.filter(enrolment__person_id=user.person_id, lesson=lesson).first()
    person = user.person if user.person_id else None
    is_2004 = bool(lesson.scorm_package_id) and lesson.scorm_package.version == "2004"
    if is_2004:
        cmi = {"cmi.learner_id": str(user.pk), "cmi.learner_name": person.name if person else str(user)}
        if runtime:
            cmi.update({"cmi.completion_status": runtime.completion_status or "unknown",
                        "cmi.success_status": runtime.success_status or "unknown",
                        "cmi.location": runtime.location, "cmi.suspend_data": runtime.suspend_data,
                        "cmi.entry": runtime.entry or "ab-initio"})
        return cmi
    cmi = {"cmi.core.student_id": str(user.pk), "cmi.core.student_name": person.name if person else str(user)}
    if runtime:
        cmi.update({"cmi.core.lesson_status": runtime.lesson_status or "not attempted",
                    "cmi.core.lesson_location": runtime.location, "cmi.suspend_data": runtime.suspend_data,
                    "cmi.core.entry": runtime.entry or "ab-initio"})
        if runtime.score_raw is not None:
            cmi["cmi.core.score.raw"] = f"{runtime.score_raw:g}"
    return cmi


# ---- the learning record --------------------------------------------------------------------

@dataclass
class ReasonRow:
    code: str
    ms: int

    @property
    def label(self) -> str:
        return Reason(self.code).label

    @property
    def minutes(self) -> float:
        return round(self.ms / MS_PER_MINUTE, 1)


@dataclass
class SessionRow:
    session: StudySession
    credited_ms: int = 0
    uncredited: list[ReasonRow] = field(default_factory=list)

    @property
    def credited_minutes(self) -> float:
        return round(self.credited_ms / MS_PER_MINUTE, 1)

    @property
    def uncredited_ms(self) -> int:
        return sum(r.ms for r in self.uncredited)

    @property
    def ended_at(self) -> dt.datetime | None:
        return self.session.ended_at or (self.session.last_beat_at if self.stale else None)

    @property
    def stale(self) -> bool:
        timeout = dt.timedelta(seconds=learning_config().SESSION_TIMEOUT_SECONDS)
        return self.session.state == StudySession.State.ACTIVE and clock.now() - self.session.last_beat_at > timeout

    @property
    def status_label(self) -> str:
        if self.stale:
            return "已中断（最后心跳时结束）"
        if self.session.state == StudySession.State.ENDED:
            return self.session.get_end_reason_display() or "已结束"
        return self.session.get_state_display()


@dataclass
class LearningRecord:
    progress: Progress
    sessions: list[SessionRow]
    sign_ins: list[SignIn]
    daily: list[tuple[dt.date, float]]
    reasons: list[ReasonRow]
    lessons: list[tuple[Lesson, LessonRow]]


def learning_record(*, enrolment: Enrolment, sessions_limit: int | None = None) -> LearningRecord:
    """学习记录: every session (start, end, device, minutes credited and why any minute was not),
    the sign-ins, credited minutes per day, per module and per lesson."""
    progress = enrolment_progress(enrolment=enrolment)
    sessions_qs = StudySession.objects.filter(enrolment=enrolment).order_by("-started_at", "-pk")
    if sessions_limit:
        sessions_qs = sessions_qs[:sessions_limit]
    rows = {s.pk: SessionRow(session=s) for s in sessions_qs}
    totals: dict[str, int] = {}
    for item in (Segment.objects.filter(enrolment=enrolment, session_id__in=list(rows))
                 .values("session_id", "reason").annotate(ms=Sum("duration_ms")).order_by("session_id", "reason")):
        row = rows[item["session_id"]]
        if item["reason"]:
            row.uncredited.append(ReasonRow(code=item["reason"], ms=item["ms"]))
            totals[item["reason"]] = totals.get(item["reason"], 0) + item["ms"]
        else:
            row.credited_ms += item["ms"]
    for row in rows.values():
        row.uncredited.sort(key=lambda r: -r.ms)
    daily = [(item["day"], round(item["ms"] / MS_PER_MINUTE, 1)) for item in
             Segment.objects.filter(enrolment=enrolment, credited=True).values("day").annotate(ms=Sum("duration_ms"))
             .order_by("day")]
    lesson_progress = {p.lesson_id: p for p in LessonProgress.objects.filter(enrolment=enrolment)}
    runtimes = {r.lesson_id: r for r in ScormRuntime.objects.filter(enrolment=enrolment)}
    lessons = []
    for lesson in (Lesson.objects.filter(module__course_id=enrolment.course_id).select_related("module")
                   .order_by("module__position", "module_id", "position", "pk")):
        p = lesson_progress.get(lesson.pk)
        lessons.append((lesson, LessonRow(lesson=lesson, credited_ms=p.credited_ms if p else 0,
                                          max_position=p.max_position if p else 0, scorm=runtimes.get(lesson.pk))))
    return LearningRecord(
        progress=progress, sessions=list(rows.values()),
        sign_ins=list(SignIn.objects.filter(enrolment=enrolment).select_related("lesson").order_by("-signed_at")),
        daily=daily, reasons=sorted((ReasonRow(code=c, ms=ms) for c, ms in totals.items()), key=lambda r: -r.ms),
        lessons=lessons,
    )


# ---- the training administrator's table -------------------------------------------------------

@dataclass
class LearnerRow:
    progress: Progress
    sign_in_days: int

    @property
    def enrolment(self) -> Enrolment:
        return self.progress.enrolment

    @property
    def person(self):
        return self.progress.enrolment.person


def learner_progress_rows(*, user, course_id: int | None = None, organization_id: int | None = None, name: str = "",
                          status: str = "") -> list[LearnerRow]:
    """Every enrolment the user may follow (not their own), with progress, filtered; newest study first."""
    qs = enrolments_visible_to(user=user)
    if user.person_id:
        qs = qs.exclude(person_id=user.person_id)
    if course_id:
        qs = qs.filter(course_id=course_id)
    if organization_id:
        qs = qs.filter(organization_id=organization_id)
    if name:
        qs = qs.filter(person__name__contains=name.strip())
    qs = _with_progress(qs.select_related("person", "organization")).order_by("person__name", "course_id", "pk")
    enrolments = list(qs)
    days = {row["enrolment_id"]: row["n"] for row in SignIn.objects.filter(
        enrolment__in=enrolments, kind=SignIn.Kind.DAILY).values("enrolment_id").annotate(n=Count("id")).order_by()}
    rows = [LearnerRow(progress=_progress(e), sign_in_days=days.get(e.pk, 0)) for e in enrolments]
    if status:
        rows = [r for r in rows if r.progress.status == status]
    return rows


def courses_with_enrolments_visible_to(*, user) -> QuerySet[Course]:
    ids = enrolments_visible_to(user=user).values("course_id")
    return Course.objects.filter(pk__in=ids).order_by("title")


def daily_minutes_of_person(*, person_id: int, days: int = 30) -> list[tuple[dt.date, float]]:
    since = shanghai_day(clock.now()) - dt.timedelta(days=days - 1)
    return [(t.day, round(t.credited_ms / MS_PER_MINUTE, 1))
            for t in DailyTotal.objects.filter(person_id=person_id, day__gte=since).order_by("day")]


# ---- recounts (tests and audits) ----------------------------------------------------------------

def enrolment_recount(*, enrolment: Enrolment) -> dict:
    """Totals recomputed from the credited segments — what the incremental totals must equal."""
    credited = Segment.objects.filter(enrolment=enrolment, credited=True)

    def by(name: str) -> dict:
        return {row[name]: row["ms"] for row in credited.values(name).annotate(ms=Sum("duration_ms")).order_by(name)}

    person_days = (Segment.objects.filter(enrolment__person_id=enrolment.person_id, credited=True)
                   .values("day").annotate(ms=Sum("duration_ms")).order_by("day"))
    return {
        "enrolment": credited.aggregate(ms=Sum("duration_ms"))["ms"] or 0,
        "lessons": by("lesson_id"),
        "modules": by("module_id"),
        "person_days": {row["day"]: row["ms"] for row in person_days},
    }


def enrolment_stored_totals(*, enrolment: Enrolment) -> dict:
    """The incrementally maintained totals, in the shape of ``enrolment_recount``."""
    credited_ms = Enrolment.objects.values_list("credited_ms", flat=True).get(pk=enrolment.pk)
    return {
        "enrolment": credited_ms,
        "lessons": {p.lesson_id: p.credited_ms for p in LessonProgress.objects.filter(enrolment=enrolment,
                                                                                       credited_ms__gt=0)},
        "modules": {p.module_id: p.credited_ms for p in ModuleProgress.objects.filter(enrolment=enrolment,
                                                                                       credited_ms__gt=0)},
        "person_days": {t.day: t.credited_ms for t in DailyTotal.objects.filter(person_id=enrolment.person_id,
                                                                                credited_ms__gt=0).order_by("day")},
    }
