"""Reads about question banks, exercises, exams and results, and who may see what.

* Authors (``courses.selectors.user_manages_course``) see the bank with its answers, exams in
  every state, and every learner's results.
* A learner sees a published (or closed) exam of a course they may see, takes it only when
  enrolled, and sees the correct answers and explanations of an attempt only after it is submitted.
* A training administrator sees the results of their organisation's enrolments.

The functions the rest of the system relies on: ``final_assessment_passed``,
``final_assessment_result`` and ``exam_results_for_course`` (claim rosters, certificates).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Prefetch, QuerySet

from jineng.common import clock
from jineng.common.errors import NotFound
from jineng.courses.models import Course, Lesson
from jineng.courses.selectors import user_can_see_course, user_manages_course
from jineng.exams import papers
from jineng.exams.models import (
    CHOICE_KINDS,
    Attempt,
    AttemptQuestion,
    Choice,
    Exam,
    Exercise,
    ExerciseAnswer,
    ExerciseItem,
    Question,
    QuestionKind,
)
from jineng.identity.models import Role
from jineng.identity.selectors import user_has_role, user_organization_ids
from jineng.learning.models import Enrolment

# --- enrolment ----------------------------------------------------------------------------------


def enrolment_for(*, person, course: Course) -> Enrolment | None:
    return Enrolment.objects.filter(person=person, course=course).select_related("organization").first()


def attempts_refusal_message(*, exam: Exam, used: int) -> str:
    return (f"本考试最多允许参加 {exam.max_attempts} 次，您已参加 {used} 次，不能再次参加。"
            "如需补考，请联系本单位的线上培训管理员（或课程提供单位）申请。")


# --- question bank ------------------------------------------------------------------------------

def _with_choices(qs: QuerySet[Question]) -> QuerySet[Question]:
    return qs.select_related("module").prefetch_related(Prefetch("choices", queryset=Choice.objects.order_by(
        "position", "pk")))


def questions_of_course(*, course: Course, kind: str = "", module_id: int | None = None,
                        status: str = Question.Status.ACTIVE, search: str = "") -> QuerySet[Question]:
    """The course's bank with choices and module loaded (two queries), oldest first."""
    qs = Question.objects.filter(course=course)
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    if module_id:
        qs = qs.filter(module_id=module_id)
    if search:
        qs = qs.filter(stem__icontains=search.strip())
    return _with_choices(qs).order_by("pk")


def question_counts(*, course: Course) -> dict[tuple[str, int | None], int]:
    """Active questions per (kind, module id), for the rule editor."""
    rows = Question.objects.filter(course=course, status=Question.Status.ACTIVE).values("kind", "module_id").annotate(
        n=Count("pk"))
    return {(r["kind"], r["module_id"]): r["n"] for r in rows}


def question_get_managed(*, user, question_id: int) -> Question:
    question = _with_choices(Question.objects.select_related("course")).filter(pk=question_id).first()
    if question is None or not user_manages_course(user=user, course=question.course):
        raise NotFound("题目不存在或不在您的管理范围内")
    return question


def question_answer_text(question: Question) -> str:
    """The answer as the author writes it (``B`` / ``ACD`` / ``对`` / ``a|b``), for the edit form."""
    if question.kind == QuestionKind.FILL:
        return "|".join(question.accepted_answers)
    choices = list(question.choices.all())
    if question.kind == QuestionKind.TRUE_FALSE:
        return "对" if choices and choices[0].is_correct else "错"
    return "".join(papers.KEYS[i] for i, c in enumerate(choices) if c.is_correct)


# --- exams: setup -------------------------------------------------------------------------------

def exam_pool(*, exam: Exam) -> list[papers.PoolQuestion]:
    """The active questions of the exam's course, as the drawing code wants them (two queries)."""
    questions = _with_choices(Question.objects.filter(course_id=exam.course_id, status=Question.Status.ACTIVE))
    return [papers.PoolQuestion(
        id=q.pk, kind=q.kind, module_id=q.module_id, module_title=q.module.title if q.module else "", stem=q.stem,
        choices=tuple(papers.PoolChoice(c.pk, c.text, c.is_correct) for c in q.choices.all()),
        accepted_answers=tuple(q.accepted_answers or ()), explanation=q.explanation) for q in questions]


def exam_rules_as_specs(*, exam: Exam) -> list[papers.Rule]:
    return [papers.Rule(kind=r.kind, module_id=r.module_id, module_title=r.module.title if r.module else "",
                        count=r.count, points=r.points, position=r.position)
            for r in exam.rules.select_related("module").order_by("position", "pk")]


@dataclass
class PaperSummary:
    rules: list[papers.Rule]
    question_count: int
    total_points: Decimal

    @property
    def by_kind(self) -> list[tuple[str, int, Decimal]]:
        """(kind label, questions, points) per section, in paper order."""
        rows = []
        for kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.TRUE_FALSE, QuestionKind.FILL):
            rules = [r for r in self.rules if r.kind == kind]
            if rules:
                rows.append((kind.label, sum(r.count for r in rules), sum((r.count * r.points for r in rules), Decimal(0))))
        return rows


def paper_summary(*, exam: Exam) -> PaperSummary:
    rules = exam_rules_as_specs(exam=exam)
    return PaperSummary(rules=rules, question_count=sum(r.count for r in rules),
                        total_points=sum((r.count * r.points for r in rules), Decimal(0)))


def exam_shortfalls(*, exam: Exam) -> list[papers.Shortfall]:
    return papers.rule_shortfalls(exam_rules_as_specs(exam=exam), exam_pool(exam=exam))


def exams_of_course(*, course: Course) -> QuerySet[Exam]:
    return Exam.objects.filter(course=course).annotate(attempt_count=Count("attempts")).order_by("-is_final", "pk")


def final_assessment_of(*, course: Course) -> Exam | None:
    """The course's 结业考核, if it has one (at most one: a database constraint)."""
    return Exam.objects.filter(course=course, is_final=True).first()


def course_assessment_problems(*, course: Course) -> list[str]:
    """What keeps the course from having a working final assessment (empty when it has one)."""
    final = final_assessment_of(course=course)
    if final is None:
        return ["课程还没有结业考核：请新建一场考试并勾选“结业考核”"]
    problems = [s.message for s in exam_shortfalls(exam=final)]
    if final.status != Exam.Status.PUBLISHED:
        problems.append(f"结业考核“{final.title}”尚未发布")
    return problems


def exam_get_managed(*, user, exam_id: int) -> Exam:
    exam = Exam.objects.select_related("course__occupation", "course__provider").filter(pk=exam_id).first()
    if exam is None or not user_manages_course(user=user, course=exam.course):
        raise NotFound("考试不存在或不在您的管理范围内")
    return exam


# --- exams: learners ----------------------------------------------------------------------------

def exam_get_for_learner(*, user, exam_id: int) -> Exam:
    """A published or closed exam of a course ``user`` may see; drafts stay unseen."""
    exam = Exam.objects.select_related("course__occupation", "course__provider").filter(pk=exam_id).first()
    if exam is None or exam.status == Exam.Status.DRAFT or not user_can_see_course(user=user, course=exam.course):
        raise NotFound("考试不存在或尚未开放")
    return exam


def exams_for_learner(*, user, course: Course) -> list[Exam]:
    if not user_can_see_course(user=user, course=course):
        raise NotFound("课程不存在、未发布或不在您的权限范围内")
    return list(Exam.objects.filter(course=course).exclude(status=Exam.Status.DRAFT).order_by("-is_final", "pk"))


def _best(attempts: list[Attempt]) -> Attempt | None:
    """The highest score; among equal scores the earliest submission."""
    graded = [a for a in attempts if a.status == Attempt.Status.SUBMITTED]
    if not graded:
        return None
    return sorted(graded, key=lambda a: (-a.score, a.submitted_at, a.pk))[0]


@dataclass
class ExamIntro:
    exam: Exam
    summary: PaperSummary
    enrolled: bool
    attempts: list[Attempt]
    best: Attempt | None
    in_progress: Attempt | None
    refusal: str = ""

    @property
    def attempts_used(self) -> int:
        return len(self.attempts)

    @property
    def attempts_left(self) -> int:
        return max(self.exam.max_attempts - self.attempts_used, 0)

    @property
    def can_start(self) -> bool:
        return not self.refusal


def exam_intro(*, user, exam: Exam) -> ExamIntro:
    """What the exam's first page says to this learner: the rules, attempts used and left, the best
    score, an unfinished attempt to continue, or why they cannot start."""
    person_id = getattr(user, "person_id", None)
    attempts = list(Attempt.objects.filter(exam=exam, person_id=person_id).order_by("number")) if person_id else []
    enrolled = bool(person_id) and Enrolment.objects.filter(person_id=person_id, course=exam.course).exists()
    in_progress = next((a for a in attempts if a.status == Attempt.Status.IN_PROGRESS), None)
    intro = ExamIntro(exam=exam, summary=paper_summary(exam=exam), enrolled=enrolled, attempts=attempts,
                      best=_best(attempts), in_progress=in_progress)
    if not enrolled:
        intro.refusal = "只有报名本课程的学员才能参加该考试。请先报名课程。"
    elif in_progress is not None:
        intro.refusal = ""
    elif exam.status != Exam.Status.PUBLISHED:
        intro.refusal = "该考试已停止，不能再参加。"
    elif len(attempts) >= exam.max_attempts:
        intro.refusal = attempts_refusal_message(exam=exam, used=len(attempts))
    return intro


def attempt_get_own(*, user, attempt_id: int) -> Attempt:
    person_id = getattr(user, "person_id", None)
    attempt = Attempt.objects.select_related("exam__course").filter(pk=attempt_id).first()
    if attempt is None or not person_id or attempt.person_id != person_id:
        raise NotFound("考试记录不存在")
    return attempt


@dataclass
class PaperItem:
    """A question as the learner sees it during the attempt: no answer key, no explanation."""

    position: int
    kind: str
    kind_label: str
    stem: str
    points: Decimal
    options: list[dict]  # [{"key", "text"}] in this learner's order
    saved: list[str] | str | None

    @property
    def answered(self) -> bool:
        return self.saved not in (None, "", [])

    @property
    def multiple(self) -> bool:
        return self.kind == QuestionKind.MULTIPLE

    @property
    def is_choice(self) -> bool:
        return self.kind in CHOICE_KINDS


@dataclass
class PaperSection:
    label: str
    items: list[PaperItem] = field(default_factory=list)

    @property
    def points(self) -> Decimal:
        return sum((i.points for i in self.items), Decimal(0))


def attempt_paper(*, attempt: Attempt) -> list[PaperItem]:
    """The paper for the browser. Built field by field from the snapshot so that the correct
    choices, the accepted answers and the explanations never leave the server before submission."""
    return [PaperItem(position=item.position, kind=item.kind, kind_label=papers.kind_label(item.kind), stem=item.stem,
                      points=item.points, options=[{"key": o["key"], "text": o["text"]} for o in item.options],
                      saved=item.answer)
            for item in attempt.items.order_by("position")]


def paper_sections(items: list[PaperItem]) -> list[PaperSection]:
    sections: list[PaperSection] = []
    for item in items:
        if not sections or sections[-1].label != item.kind_label:
            sections.append(PaperSection(label=item.kind_label))
        sections[-1].items.append(item)
    return sections


def unanswered_positions(*, attempt: Attempt) -> list[int]:
    return [item.position for item in attempt.items.order_by("position") if item.answer in (None, "", [])]


def seconds_left(*, attempt: Attempt) -> int:
    if attempt.status != Attempt.Status.IN_PROGRESS:
        return 0
    return max(int((attempt.deadline - clock.now()).total_seconds()), 0)


@dataclass
class ReviewItem:
    position: int
    kind_label: str
    stem: str
    points: Decimal
    awarded: Decimal
    is_correct: bool
    options: list[dict]  # [{"key", "text", "correct", "chosen"}]
    answer_display: str
    correct_display: str
    explanation: str
    is_fill: bool


def attempt_review(*, attempt: Attempt) -> list[ReviewItem]:
    """Per question after submission: the learner's answer, the correct one, points and explanation."""
    if attempt.status != Attempt.Status.SUBMITTED:
        raise NotFound("交卷后才能查看答案和解析")
    rows = []
    for item in attempt.items.order_by("position"):
        chosen = set(item.answer or []) if item.kind in CHOICE_KINDS else set()
        correct = set(item.correct)
        rows.append(ReviewItem(
            position=item.position, kind_label=papers.kind_label(item.kind), stem=item.stem, points=item.points,
            awarded=item.awarded or Decimal(0), is_correct=bool(item.is_correct),
            options=[{"key": o["key"], "text": o["text"], "correct": o["choice"] in correct, "chosen": o["key"] in chosen}
                     for o in item.options],
            answer_display=papers.answer_display(item.kind, item.answer),
            correct_display=papers.correct_display(item.kind, item.options, item.correct),
            explanation=item.explanation, is_fill=item.kind == QuestionKind.FILL))
    return rows


# --- results ------------------------------------------------------------------------------------

def final_assessment_result(*, enrolment: Enrolment) -> tuple[bool, Decimal, Attempt] | None:
    """(passed, best score, the attempt with it) for the enrolment's 结业考核; ``None`` when the
    course has no final assessment or the learner has not submitted an attempt. Passed means any
    submitted attempt reached the pass score, which the best one does whenever any does."""
    attempts = list(Attempt.objects.filter(enrolment=enrolment, exam__is_final=True,
                                           status=Attempt.Status.SUBMITTED).select_related("exam"))
    best = _best(attempts)
    if best is None:
        return None
    return bool(best.passed), best.score, best


def final_assessment_passed(*, enrolment: Enrolment) -> bool:
    result = final_assessment_result(enrolment=enrolment)
    return bool(result and result[0])


@dataclass
class ExamResultRow:
    enrolment: Enrolment
    exam: Exam
    attempts_used: int
    best: Attempt | None
    in_progress: bool

    @property
    def best_score(self) -> Decimal | None:
        return self.best.score if self.best else None

    @property
    def passed(self) -> bool:
        return bool(self.best and self.best.passed)


def exam_results_for_course(*, course: Course, organization_ids: list[int] | None = None) -> list[ExamResultRow]:
    """One row per enrolment and non-draft exam of the course (final assessment first): attempts
    used, best attempt, passed. Three queries, whatever the size of the course.
    ``organization_ids`` narrows to the enrolments those organisations made."""
    enrolments = Enrolment.objects.filter(course=course).select_related("person", "organization").order_by("pk")
    if organization_ids is not None:
        enrolments = enrolments.filter(organization_id__in=organization_ids)
    enrolments = list(enrolments)
    exams = list(Exam.objects.filter(course=course).exclude(status=Exam.Status.DRAFT).order_by("-is_final", "pk"))
    by_key: dict[tuple[int, int], list[Attempt]] = defaultdict(list)
    for attempt in Attempt.objects.filter(exam__course=course, enrolment__in=[e.pk for e in enrolments]).order_by("number"):
        by_key[(attempt.enrolment_id, attempt.exam_id)].append(attempt)
    rows = []
    for enrolment in enrolments:
        for exam in exams:
            attempts = by_key.get((enrolment.pk, exam.pk), [])
            rows.append(ExamResultRow(enrolment=enrolment, exam=exam, attempts_used=len(attempts), best=_best(attempts),
                                      in_progress=any(a.status == Attempt.Status.IN_PROGRESS for a in attempts)))
    return rows


def results_organization_scope(*, user, course: Course) -> list[int] | None:
    """``None`` (every enrolment) for the course's authors; a training administrator's
    organisations otherwise; ``NotFound`` for anyone else."""
    if user_manages_course(user=user, course=course):
        return None
    if user_has_role(user=user, role=Role.TRAINING_ADMIN):
        return user_organization_ids(user=user, role=Role.TRAINING_ADMIN)
    raise NotFound("课程不存在或不在您的管理范围内")


def exam_attempts_for_review(*, exam: Exam, organization_ids: list[int] | None = None) -> QuerySet[Attempt]:
    qs = Attempt.objects.filter(exam=exam).select_related("person", "organization").order_by("-started_at")
    if organization_ids is not None:
        qs = qs.filter(organization_id__in=organization_ids)
    return qs


# --- exercises ----------------------------------------------------------------------------------

def exercise_options(*, question: Question) -> tuple[list[dict], list]:
    """An exercise question's options under keys A, B, … in the bank's order, and its answer key."""
    choices = sorted(question.choices.all(), key=lambda c: (c.position, c.pk))
    options = [{"key": papers.KEYS[i], "choice": c.pk, "text": c.text} for i, c in enumerate(choices)]
    if question.kind == QuestionKind.FILL:
        return [], list(question.accepted_answers)
    return options, sorted(c.pk for c in choices if c.is_correct)


def exercise_for_lesson(*, lesson: Lesson) -> Exercise | None:
    return Exercise.objects.filter(lesson=lesson).first()


def exercise_get_for_learner(*, user, lesson_id: int) -> Exercise:
    exercise = Exercise.objects.select_related("lesson__module__course", "course").filter(lesson_id=lesson_id).first()
    if exercise is None or not user_can_see_course(user=user, course=exercise.course):
        raise NotFound("该课件没有课后练习")
    return exercise


@dataclass
class ExerciseQuestion:
    id: int
    position: int
    kind: str
    kind_label: str
    stem: str
    options: list[dict]  # [{"key", "text"}]
    last_correct: bool | None  # the learner's latest try, None when not tried

    @property
    def multiple(self) -> bool:
        return self.kind == QuestionKind.MULTIPLE

    @property
    def is_choice(self) -> bool:
        return self.kind in CHOICE_KINDS


def exercise_questions(*, exercise: Exercise, person_id: int | None) -> list[ExerciseQuestion]:
    """The exercise's active questions in order, without answers, each with the learner's latest result."""
    order = list(ExerciseItem.objects.filter(exercise=exercise).order_by("position").values_list("question_id", flat=True))
    by_id = {q.pk: q for q in _with_choices(Question.objects.filter(pk__in=order, status=Question.Status.ACTIVE))}
    questions = [by_id[pk] for pk in order if pk in by_id]
    last: dict[int, bool] = {}
    if person_id:
        for question_id, ok in ExerciseAnswer.objects.filter(exercise=exercise, person_id=person_id).order_by(
                "answered_at", "pk").values_list("question_id", "is_correct"):
            last[question_id] = ok
    rows = []
    for position, q in enumerate(questions, start=1):
        options, _ = exercise_options(question=q)
        rows.append(ExerciseQuestion(id=q.pk, position=position, kind=q.kind, kind_label=papers.kind_label(q.kind),
                                     stem=q.stem, options=[{"key": o["key"], "text": o["text"]} for o in options],
                                     last_correct=last.get(q.pk)))
    return rows


def exercise_for_lessons(*, lesson_ids: list[int]) -> dict[int, Exercise]:
    """Lesson id → its exercise, for pages that list lessons (one query)."""
    return {e.lesson_id: e for e in Exercise.objects.filter(lesson_id__in=lesson_ids)}


# --- for the integrity detectors ----------------------------------------------------------------

@dataclass
class ComparableAttempt:
    """A submitted attempt reduced to what a comparison needs: each question's answer by meaning
    (choice ids or normalised text, independent of the learner's option order) and whether it was right."""

    id: int
    exam_id: int
    person_id: int
    person_name: str
    organization_id: int | None
    region_code: str
    number: int
    started_at: object
    submitted_at: object
    score: Decimal
    ip: str | None
    user_agent: str
    answers: dict[int, object]  # question id → canonical answer (None when blank)
    correct: dict[int, bool]
    stems: dict[int, str]
    texts: dict[int, str]  # question id → the chosen options' texts, or the fill-in text


def comparable_attempts(*, exam_id: int, organization_id: int | None = None, submitted_from=None,
                        submitted_to=None, ids: list[int] | None = None) -> list[ComparableAttempt]:
    qs = Attempt.objects.filter(exam_id=exam_id, status=Attempt.Status.SUBMITTED).select_related(
        "person", "organization")
    if organization_id is not None:
        qs = qs.filter(organization_id=organization_id)
    if submitted_from is not None:
        qs = qs.filter(submitted_at__gte=submitted_from)
    if submitted_to is not None:
        qs = qs.filter(submitted_at__lte=submitted_to)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    attempts = list(qs.order_by("submitted_at", "pk").prefetch_related(
        Prefetch("items", queryset=AttemptQuestion.objects.order_by("position"))))
    rows = []
    for a in attempts:
        items = list(a.items.all())
        rows.append(ComparableAttempt(
            id=a.pk, exam_id=a.exam_id, person_id=a.person_id, person_name=a.person.name,
            organization_id=a.organization_id, region_code=a.organization.region_id if a.organization else "",
            number=a.number, started_at=a.started_at, submitted_at=a.submitted_at, score=a.score, ip=a.submit_ip or a.start_ip,
            user_agent=a.submit_user_agent or a.start_user_agent,
            answers={i.question_id: papers.canonical_answer(i.kind, i.options, i.answer) for i in items},
            correct={i.question_id: bool(i.is_correct) for i in items},
            stems={i.question_id: i.stem for i in items},
            texts={i.question_id: papers.answer_texts(i.kind, i.options, i.answer) for i in items}))
    return rows


def exam_of_attempt(*, attempt_id: int) -> Exam | None:
    attempt = Attempt.objects.select_related("exam").filter(pk=attempt_id).first()
    return attempt.exam if attempt else None


def learner_exam_rows(*, user, course_ids: list[int]) -> dict[int, list[Exam]]:
    """Course id → its open exams, for the learner's course list."""
    rows: dict[int, list[Exam]] = defaultdict(list)
    for exam in Exam.objects.filter(course_id__in=course_ids, status=Exam.Status.PUBLISHED).order_by("-is_final", "pk"):
        rows[exam.course_id].append(exam)
    return rows

