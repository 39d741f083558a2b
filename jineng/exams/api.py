"""Exams API (mounted at /api/exams/): the question bank and exam setup for a course's authors,
exams, attempts and exercises for enrolled learners, results for authors and training administrators.

While an attempt is in progress its paper carries only each question's number, type, stem, points,
the options' neutral keys and texts, and the learner's own saved answer — never the answer key or
the explanation; those come with the result, after submission. Session auth with CSRF on every
state-changing call (``jineng.api``); domain errors come back as ``{"error": {...}}``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import HttpRequest
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from jineng.common.errors import NotFound
from jineng.courses.models import Module
from jineng.courses.selectors import course_get_managed, course_get_visible, lesson_get_managed
from jineng.exams import papers, selectors, services
from jineng.exams.models import Attempt, Exam, Question

router = Router(tags=["exams"])

Answer = list[str] | str | None


def _client(request: HttpRequest) -> dict:
    return {"ip": request.META.get("REMOTE_ADDR") or None, "user_agent": request.headers.get("User-Agent", "")}


# --- question bank ------------------------------------------------------------------------------

class OptionOut(Schema):
    key: str
    text: str


class QuestionOut(Schema):
    id: int
    kind: str
    kind_label: str
    stem: str
    options: list[OptionOut]
    answer: str
    explanation: str
    module_id: int | None
    module_title: str | None
    difficulty: int | None
    status: str


class QuestionIn(Schema):
    kind: str
    stem: str
    options: list[str] = []
    answer: str
    explanation: str = ""
    module_id: int | None = None
    difficulty: int | None = None


class ProblemOut(Schema):
    code: str
    column: str
    message: str


class ImportRowOut(Schema):
    row: int
    stem: str
    problems: list[ProblemOut]


class ImportReportOut(Schema):
    committed: bool
    imported: int
    total_rows: int
    error_rows: list[ImportRowOut]


def _question_out(question: Question) -> QuestionOut:
    return QuestionOut(
        id=question.pk, kind=question.kind, kind_label=question.get_kind_display(), stem=question.stem,
        options=[OptionOut(key=papers.KEYS[i], text=c.text) for i, c in enumerate(question.choices.all())],
        answer=selectors.question_answer_text(question), explanation=question.explanation,
        module_id=question.module_id, module_title=question.module.title if question.module else None,
        difficulty=question.difficulty, status=question.status)


def _module(course, module_id: int | None) -> Module | None:
    if not module_id:
        return None
    module = course.modules.filter(pk=module_id).first()
    if module is None:
        raise NotFound("模块不存在或不属于本课程")
    return module


@router.get("/courses/{course_id}/questions", response=list[QuestionOut], summary="课程题库（含答案，仅课程管理者）")
def questions_list(request: HttpRequest, course_id: int, kind: str = "", module_id: int | None = None,
                   status: str = "active"):
    course = course_get_managed(user=request.user, course_id=course_id)
    return [_question_out(q) for q in selectors.questions_of_course(course=course, kind=kind, module_id=module_id,
                                                                     status=status)]


@router.post("/courses/{course_id}/questions", response={201: QuestionOut}, summary="添加试题")
def question_create(request: HttpRequest, course_id: int, payload: QuestionIn):
    course = course_get_managed(user=request.user, course_id=course_id)
    question = services.question_create(course=course, kind=payload.kind, stem=payload.stem, options=payload.options,
                                        answer=payload.answer, explanation=payload.explanation,
                                        module=_module(course, payload.module_id), difficulty=payload.difficulty,
                                        actor=request.user)
    return Status(201, _question_out(selectors.question_get_managed(user=request.user, question_id=question.pk)))


@router.put("/questions/{question_id}", response=QuestionOut, summary="修改试题（已抽出的试卷不受影响）")
def question_update(request: HttpRequest, question_id: int, payload: QuestionIn):
    question = selectors.question_get_managed(user=request.user, question_id=question_id)
    services.question_update(question=question, kind=payload.kind, stem=payload.stem, options=payload.options,
                             answer=payload.answer, explanation=payload.explanation,
                             module=_module(question.course, payload.module_id), difficulty=payload.difficulty,
                             actor=request.user)
    return _question_out(selectors.question_get_managed(user=request.user, question_id=question_id))


@router.post("/questions/{question_id}/retire", response=QuestionOut, summary="停用试题")
def question_retire(request: HttpRequest, question_id: int):
    question = selectors.question_get_managed(user=request.user, question_id=question_id)
    services.question_retire(question=question, actor=request.user)
    return _question_out(selectors.question_get_managed(user=request.user, question_id=question_id))


@router.post("/courses/{course_id}/questions/import", response=ImportReportOut,
             summary="从 Excel 模板导入试题（逐行校验；有错误时默认不导入）")
def questions_import(request: HttpRequest, course_id: int, file: File[UploadedFile],
                     import_valid_rows: Form[bool] = False):
    course = course_get_managed(user=request.user, course_id=course_id)
    report = services.questions_import_xlsx(course=course, upload=file, actor=request.user,
                                            import_valid_rows=import_valid_rows)
    return report.as_dict()


# --- exams: setup -------------------------------------------------------------------------------

class RuleIn(Schema):
    kind: str
    module_id: int | None = None
    count: int
    points: Decimal


class RuleOut(Schema):
    kind: str
    kind_label: str
    module_id: int | None
    module_title: str
    count: int
    points: Decimal


class ExamIn(Schema):
    title: str
    is_final: bool = False
    time_limit_minutes: int
    max_attempts: int
    pass_score: Decimal
    multiple_scoring: str = Exam.MultipleScoring.ALL_OR_NOTHING
    shuffle_questions: bool = True
    shuffle_options: bool = True
    instructions: str = ""
    rules: list[RuleIn] = []


class RulesIn(Schema):
    rules: list[RuleIn]


class ExamOut(Schema):
    id: int
    course_id: int
    title: str
    instructions: str
    is_final: bool
    status: str
    time_limit_minutes: int
    max_attempts: int
    pass_score: Decimal
    multiple_scoring: str
    question_count: int
    total_points: Decimal
    rules: list[RuleOut]


def _exam_out(exam: Exam) -> ExamOut:
    summary = selectors.paper_summary(exam=exam)
    return ExamOut(
        id=exam.pk, course_id=exam.course_id, title=exam.title, instructions=exam.instructions, is_final=exam.is_final,
        status=exam.status, time_limit_minutes=exam.time_limit_minutes, max_attempts=exam.max_attempts,
        pass_score=exam.pass_score, multiple_scoring=exam.multiple_scoring, question_count=summary.question_count,
        total_points=summary.total_points,
        rules=[RuleOut(kind=r.kind, kind_label=papers.kind_label(r.kind), module_id=r.module_id,
                       module_title=r.module_title, count=r.count, points=r.points) for r in summary.rules])


def _specs(rules: list[RuleIn]) -> list[services.RuleSpec]:
    return [services.RuleSpec(kind=r.kind, module_id=r.module_id, count=r.count, points=r.points) for r in rules]


@router.get("/courses/{course_id}/exams", response=list[ExamOut], summary="课程的全部考试（课程管理者）")
def exams_managed(request: HttpRequest, course_id: int):
    course = course_get_managed(user=request.user, course_id=course_id)
    return [_exam_out(e) for e in selectors.exams_of_course(course=course)]


@router.post("/courses/{course_id}/exams", response={201: ExamOut}, summary="新建考试（草稿），可同时给出组卷规则")
def exam_create(request: HttpRequest, course_id: int, payload: ExamIn):
    course = course_get_managed(user=request.user, course_id=course_id)
    exam = services.exam_create(
        course=course, title=payload.title, is_final=payload.is_final, time_limit_minutes=payload.time_limit_minutes,
        max_attempts=payload.max_attempts, pass_score=payload.pass_score, multiple_scoring=payload.multiple_scoring,
        shuffle_questions=payload.shuffle_questions, shuffle_options=payload.shuffle_options,
        instructions=payload.instructions, rules=_specs(payload.rules), actor=request.user)
    return Status(201, _exam_out(exam))


@router.put("/exams/{exam_id}/rules", response=ExamOut, summary="设置组卷规则（题库不足时指出是哪条规则）")
def exam_rules_set(request: HttpRequest, exam_id: int, payload: RulesIn):
    exam = selectors.exam_get_managed(user=request.user, exam_id=exam_id)
    services.exam_rules_set(exam=exam, rules=_specs(payload.rules), actor=request.user)
    return _exam_out(exam)


@router.post("/exams/{exam_id}/publish", response=ExamOut, summary="发布考试")
def exam_publish(request: HttpRequest, exam_id: int):
    exam = selectors.exam_get_managed(user=request.user, exam_id=exam_id)
    return _exam_out(services.exam_publish(exam=exam, actor=request.user))


@router.post("/exams/{exam_id}/close", response=ExamOut, summary="停止考试（不再接受新的作答）")
def exam_close(request: HttpRequest, exam_id: int):
    exam = selectors.exam_get_managed(user=request.user, exam_id=exam_id)
    return _exam_out(services.exam_close(exam=exam, actor=request.user))


class ResultRowOut(Schema):
    enrolment_id: int
    person_name: str
    organization: str | None
    exam_id: int
    exam_title: str
    is_final: bool
    attempts_used: int
    best_score: Decimal | None
    passed: bool
    in_progress: bool


@router.get("/courses/{course_id}/results", response=list[ResultRowOut],
            summary="课程考试成绩（课程管理者看全部，培训管理员看本单位）")
def course_results(request: HttpRequest, course_id: int):
    from jineng.courses.models import Course

    course = Course.objects.filter(pk=course_id).first()
    if course is None:
        raise NotFound()
    scope = selectors.results_organization_scope(user=request.user, course=course)
    return [ResultRowOut(enrolment_id=r.enrolment.pk, person_name=r.enrolment.person.name,
                         organization=r.enrolment.organization.name if r.enrolment.organization else None,
                         exam_id=r.exam.pk, exam_title=r.exam.title, is_final=r.exam.is_final,
                         attempts_used=r.attempts_used, best_score=r.best_score, passed=r.passed,
                         in_progress=r.in_progress)
            for r in selectors.exam_results_for_course(course=course, organization_ids=scope)]


# --- exams: learners ----------------------------------------------------------------------------

class SectionOut(Schema):
    kind_label: str
    questions: int
    points: Decimal


class ExamIntroOut(Schema):
    id: int
    course_id: int
    title: str
    instructions: str
    is_final: bool
    status: str
    time_limit_minutes: int
    pass_score: Decimal
    total_points: Decimal
    question_count: int
    sections: list[SectionOut]
    max_attempts: int
    attempts_used: int
    attempts_left: int
    best_score: Decimal | None
    passed: bool
    in_progress_attempt_id: int | None
    can_start: bool
    refusal: str


class PaperItemOut(Schema):
    position: int
    kind: str
    kind_label: str
    stem: str
    points: Decimal
    options: list[OptionOut]
    saved: Answer


class AttemptOut(Schema):
    id: int
    exam_id: int
    number: int
    status: str
    started_at: dt.datetime
    deadline: dt.datetime
    seconds_left: int
    questions: list[PaperItemOut]


class AnswerIn(Schema):
    position: int
    answer: Answer = None


class AnswerSavedOut(Schema):
    position: int
    saved: Answer
    saved_at: dt.datetime | None
    seconds_left: int


class ReviewOptionOut(Schema):
    key: str
    text: str
    correct: bool
    chosen: bool


class ReviewOut(Schema):
    position: int
    kind_label: str
    stem: str
    points: Decimal
    awarded: Decimal
    is_correct: bool
    options: list[ReviewOptionOut]
    your_answer: str
    correct_answer: str
    explanation: str


class ResultOut(Schema):
    id: int
    exam_id: int
    number: int
    status: str
    ended_by: str
    started_at: dt.datetime
    submitted_at: dt.datetime | None
    score: Decimal | None
    max_score: Decimal
    pass_score: Decimal
    passed: bool | None
    unanswered: list[int]
    review: list[ReviewOut]


def _intro_out(intro: selectors.ExamIntro) -> ExamIntroOut:
    exam = intro.exam
    return ExamIntroOut(
        id=exam.pk, course_id=exam.course_id, title=exam.title, instructions=exam.instructions, is_final=exam.is_final,
        status=exam.status, time_limit_minutes=exam.time_limit_minutes, pass_score=exam.pass_score,
        total_points=intro.summary.total_points, question_count=intro.summary.question_count,
        sections=[SectionOut(kind_label=label, questions=n, points=p) for label, n, p in intro.summary.by_kind],
        max_attempts=exam.max_attempts, attempts_used=intro.attempts_used, attempts_left=intro.attempts_left,
        best_score=intro.best.score if intro.best else None, passed=bool(intro.best and intro.best.passed),
        in_progress_attempt_id=intro.in_progress.pk if intro.in_progress else None, can_start=intro.can_start,
        refusal=intro.refusal)


def _attempt_out(attempt: Attempt) -> AttemptOut:
    return AttemptOut(
        id=attempt.pk, exam_id=attempt.exam_id, number=attempt.number, status=attempt.status,
        started_at=attempt.started_at, deadline=attempt.deadline, seconds_left=selectors.seconds_left(attempt=attempt),
        questions=[PaperItemOut(position=i.position, kind=i.kind, kind_label=i.kind_label, stem=i.stem, points=i.points,
                                options=[OptionOut(**o) for o in i.options], saved=i.saved)
                   for i in selectors.attempt_paper(attempt=attempt)]
        if attempt.status == Attempt.Status.IN_PROGRESS else [])


def _result_out(attempt: Attempt) -> ResultOut:
    review = selectors.attempt_review(attempt=attempt) if attempt.status == Attempt.Status.SUBMITTED else []
    return ResultOut(
        id=attempt.pk, exam_id=attempt.exam_id, number=attempt.number, status=attempt.status,
        ended_by=attempt.ended_by, started_at=attempt.started_at, submitted_at=attempt.submitted_at,
        score=attempt.score, max_score=attempt.max_score, pass_score=attempt.exam.pass_score, passed=attempt.passed,
        unanswered=selectors.unanswered_positions(attempt=attempt),
        review=[ReviewOut(position=r.position, kind_label=r.kind_label, stem=r.stem, points=r.points, awarded=r.awarded,
                          is_correct=r.is_correct, options=[ReviewOptionOut(**o) for o in r.options],
                          your_answer=r.answer_display, correct_answer=r.correct_display, explanation=r.explanation)
                for r in review])


def _own_attempt(request: HttpRequest, attempt_id: int) -> Attempt:
    attempt = selectors.attempt_get_own(user=request.user, attempt_id=attempt_id)
    return services.attempt_finalize_if_overdue(attempt=attempt)


@router.get("/exams/{exam_id}", response=ExamIntroOut, summary="考试说明：规则、已用和剩余次数、最好成绩")
def exam_intro(request: HttpRequest, exam_id: int):
    exam = selectors.exam_get_for_learner(user=request.user, exam_id=exam_id)
    return _intro_out(selectors.exam_intro(user=request.user, exam=exam))


@router.get("/courses/{course_id}/open-exams", response=list[ExamIntroOut], summary="课程中我可以参加的考试")
def course_exams(request: HttpRequest, course_id: int):
    course = course_get_visible(user=request.user, course_id=course_id)
    return [_intro_out(selectors.exam_intro(user=request.user, exam=e))
            for e in selectors.exams_for_learner(user=request.user, course=course)]


@router.post("/exams/{exam_id}/attempts", response={201: AttemptOut},
             summary="开始考试（或继续未交卷的一次）：为本人随机抽题")
def attempt_start(request: HttpRequest, exam_id: int):
    exam = selectors.exam_get_for_learner(user=request.user, exam_id=exam_id)
    attempt = services.attempt_start(exam=exam, actor=request.user, **_client(request))
    return Status(201, _attempt_out(attempt))


@router.get("/attempts/{attempt_id}", response=AttemptOut, summary="作答中的试卷（不含答案）；超时的会被自动交卷")
def attempt_get(request: HttpRequest, attempt_id: int):
    return _attempt_out(_own_attempt(request, attempt_id))


@router.post("/attempts/{attempt_id}/answers", response=AnswerSavedOut,
             summary="保存一道题的答案（按服务器时间，截止后拒绝并自动交卷）")
def attempt_answer(request: HttpRequest, attempt_id: int, payload: AnswerIn):
    attempt = selectors.attempt_get_own(user=request.user, attempt_id=attempt_id)
    item = services.attempt_answer(attempt=attempt, actor=request.user, position=payload.position,
                                   answer=payload.answer, **_client(request))
    return AnswerSavedOut(position=item.position, saved=item.answer, saved_at=item.answered_at,
                          seconds_left=selectors.seconds_left(attempt=attempt))


@router.post("/attempts/{attempt_id}/submit", response=ResultOut, summary="交卷：评分，返回成绩和逐题解析")
def attempt_submit(request: HttpRequest, attempt_id: int):
    attempt = selectors.attempt_get_own(user=request.user, attempt_id=attempt_id)
    attempt = services.attempt_submit(attempt=attempt, actor=request.user, **_client(request))
    return _result_out(attempt)


@router.get("/attempts/{attempt_id}/result", response=ResultOut, summary="成绩与解析（交卷后）")
def attempt_result(request: HttpRequest, attempt_id: int):
    attempt = _own_attempt(request, attempt_id)
    if attempt.status != Attempt.Status.SUBMITTED:
        raise NotFound("交卷后才能查看成绩和解析")
    return _result_out(attempt)


# --- exercises ----------------------------------------------------------------------------------

class ExerciseQuestionOut(Schema):
    id: int
    position: int
    kind: str
    kind_label: str
    stem: str
    options: list[OptionOut]
    last_correct: bool | None


class ExerciseOut(Schema):
    id: int
    lesson_id: int
    title: str
    questions: list[ExerciseQuestionOut]


class ExerciseIn(Schema):
    title: str = ""
    question_ids: list[int]


class ExerciseAnswerIn(Schema):
    question_id: int
    answer: Answer = None


class FeedbackOut(Schema):
    question_id: int
    correct: bool
    your_answer: str
    correct_answer: str
    explanation: str


def _exercise_out(request: HttpRequest, exercise) -> ExerciseOut:
    rows = selectors.exercise_questions(exercise=exercise, person_id=getattr(request.user, "person_id", None))
    return ExerciseOut(id=exercise.pk, lesson_id=exercise.lesson_id, title=exercise.title,
                       questions=[ExerciseQuestionOut(id=q.id, position=q.position, kind=q.kind, kind_label=q.kind_label,
                                                      stem=q.stem, options=[OptionOut(**o) for o in q.options],
                                                      last_correct=q.last_correct) for q in rows])


@router.get("/lessons/{lesson_id}/exercise", response=ExerciseOut, summary="课后练习（不含答案）")
def exercise_get(request: HttpRequest, lesson_id: int):
    return _exercise_out(request, selectors.exercise_get_for_learner(user=request.user, lesson_id=lesson_id))


@router.put("/lessons/{lesson_id}/exercise", response=ExerciseOut, summary="设置课后练习的题目（课程管理者）")
def exercise_set(request: HttpRequest, lesson_id: int, payload: ExerciseIn):
    lesson = lesson_get_managed(user=request.user, lesson_id=lesson_id)
    exercise = services.exercise_set(lesson=lesson, question_ids=payload.question_ids, title=payload.title,
                                     actor=request.user)
    return _exercise_out(request, exercise)


@router.post("/lessons/{lesson_id}/exercise/answers", response=FeedbackOut,
             summary="回答练习中的一道题：立即给出对错、正确答案和解析（不计入结业）")
def exercise_answer(request: HttpRequest, lesson_id: int, payload: ExerciseAnswerIn):
    exercise = selectors.exercise_get_for_learner(user=request.user, lesson_id=lesson_id)
    feedback = services.exercise_answer(exercise=exercise, question_id=payload.question_id, answer=payload.answer,
                                        actor=request.user)
    return FeedbackOut(question_id=feedback.question_id, correct=feedback.correct, your_answer=feedback.answer_display,
                       correct_answer=feedback.correct_display, explanation=feedback.explanation)
