"""Every write about question banks, exercises, exams and attempts.

Who may write what:

* the bank, exercises and exams of a course: a platform operator of the course's provider, or a
  system administrator (``jineng.courses.selectors.user_manages_course``);
* an attempt or an exercise answer: the learner themself, enrolled in the course.

The server is the judge of time (``jineng.common.clock.now``): an answer saved after the deadline
is refused, and an attempt past its deadline is submitted by the server — on the next access,
or by ``attempts_finalize_overdue`` which the scheduler calls. Each service checks the actor,
validates before it writes, writes in one transaction (row locks where counts matter) and appends
its audit entry as the last step. A submission schedules the collusion detector on commit.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import secrets
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction

from jineng.audit.services import audit_record
from jineng.common import clock
from jineng.common.errors import DomainError, NotFound, PermissionDenied
from jineng.common.uploads import read_xlsx_rows
from jineng.courses.models import Course, Lesson, Module
from jineng.courses.selectors import user_manages_course
from jineng.exams import bank, papers
from jineng.exams.models import (
    Attempt,
    AttemptAnswer,
    AttemptQuestion,
    Choice,
    Exam,
    Exercise,
    ExerciseAnswer,
    ExerciseItem,
    PaperRule,
    Question,
    QuestionKind,
)
from jineng.exams.selectors import (
    attempts_refusal_message,
    enrolment_for,
    exam_pool,
    exam_rules_as_specs,
    exercise_options,
)
from jineng.identity.models import User
from jineng.learning.models import Enrolment

log = logging.getLogger(__name__)

MAX_TIME_LIMIT = 600
MAX_ATTEMPTS = 20
MAX_RULE_COUNT = 500
MAX_USER_AGENT = 400
MAX_EXERCISE_QUESTIONS = 100

EXAM_TRANSITIONS = {
    "publish": ({Exam.Status.DRAFT, Exam.Status.CLOSED}, Exam.Status.PUBLISHED),
    "close": ({Exam.Status.PUBLISHED}, Exam.Status.CLOSED),
}


# --- shared checks ------------------------------------------------------------------------------

def _require_manager(*, actor: User | None, course: Course) -> None:
    if actor is None or not user_manages_course(user=actor, course=course):
        raise PermissionDenied("只有课程提供单位的平台运营人员或系统管理员可以管理题库和考试")


def _audit(*, actor, action: str, target, course: Course, summary: dict) -> None:
    audit_record(actor=actor, action=action, target=target, summary={"course": course.pk, **summary},
                 organization_id=course.provider_id)


def _learner_person(actor):
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise PermissionDenied("请先登录")
    if not actor.person_id:
        raise PermissionDenied("该账号未绑定实名信息，不能参加考试或练习", code="not_a_learner")
    return actor.person


def _user_agent(value: str | None) -> str:
    return (value or "")[:MAX_USER_AGENT]


def _modules_by_title(course: Course) -> dict[str, Module]:
    return {" ".join(m.title.split()): m for m in course.modules.order_by("position", "pk")}


# --- question bank ------------------------------------------------------------------------------

def _draft(*, course: Course, kind: str, stem: str, options: list[str] | None, answer: str, explanation: str,
           module: Module | None, difficulty: int | None) -> bank.Draft:
    if module is not None and module.course_id != course.pk:
        raise DomainError("unknown_module", "所选模块不属于本课程", field="module")
    draft = bank.Draft(kind_text=kind, stem=stem, options=list(options or []), answer=answer or "",
                       explanation=explanation or "", module_text="",
                       difficulty_text=str(difficulty) if difficulty else "")
    bank.check_draft(draft, modules_by_title={})
    draft.module = module
    if draft.problems:
        problem = draft.problems[0]
        field_name = {"题型": "kind", "题干": "stem", "答案": "answer", "解析": "explanation", "难度": "difficulty"}.get(
            problem.column, "options")
        raise DomainError(problem.code, f"{problem.column}：{problem.message}", field=field_name,
                          details={"problems": [p.__dict__ for p in draft.problems]})
    return draft


def _duplicate_of(course: Course, fingerprint: str, *, exclude_pk: int | None = None) -> Question | None:
    qs = Question.objects.filter(course=course, fingerprint=fingerprint, status=Question.Status.ACTIVE)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return qs.first()


def _save_choices(question: Question, draft: bank.Draft) -> None:
    Choice.objects.bulk_create([Choice(question=question, text=text, is_correct=correct, position=i)
                                for i, (text, correct) in enumerate(draft.choices)])


def question_create(*, course: Course, kind: str, stem: str, answer: str, options: list[str] | None = None,
                    explanation: str = "", module: Module | None = None, difficulty: int | None = None,
                    actor: User) -> Question:
    """Add a question to the course's bank. ``answer`` is written as in the import template:
    ``B`` / ``ACD`` / ``对`` / ``扳手|活动扳手`` (see ``bank.ANSWER_HELP``)."""
    _require_manager(actor=actor, course=course)
    draft = _draft(course=course, kind=kind, stem=stem, options=options, answer=answer, explanation=explanation,
                   module=module, difficulty=difficulty)
    if _duplicate_of(course, draft.fingerprint):
        raise DomainError("duplicate_question", "题库中已有题型和题干相同的题目", field="stem")
    now = clock.now()
    with transaction.atomic():
        try:
            with transaction.atomic():
                question = Question.objects.create(
                    course=course, occupation_id=course.occupation_id, module=draft.module, kind=draft.kind,
                    stem=draft.stem, accepted_answers=draft.accepted_answers, explanation=draft.explanation,
                    difficulty=draft.difficulty, fingerprint=draft.fingerprint, created_by=actor,
                    created_at=now, updated_at=now)
        except IntegrityError:
            raise DomainError("duplicate_question", "题库中已有题型和题干相同的题目", field="stem") from None
        _save_choices(question, draft)
        _audit(actor=actor, action="question.create", target=question, course=course,
               summary={"kind": question.kind, "stem": question.stem[:60]})
    return question


def question_update(*, question: Question, kind: str, stem: str, answer: str, options: list[str] | None = None,
                    explanation: str = "", module: Module | None = None, difficulty: int | None = None,
                    actor: User) -> Question:
    """Change a question. Papers already drawn keep their own copy, so past results do not move."""
    course = question.course
    _require_manager(actor=actor, course=course)
    draft = _draft(course=course, kind=kind, stem=stem, options=options, answer=answer, explanation=explanation,
                   module=module, difficulty=difficulty)
    if question.status == Question.Status.ACTIVE and _duplicate_of(course, draft.fingerprint, exclude_pk=question.pk):
        raise DomainError("duplicate_question", "题库中已有题型和题干相同的题目", field="stem")
    with transaction.atomic():
        locked = Question.objects.select_for_update().get(pk=question.pk)
        locked.kind, locked.stem, locked.module = draft.kind, draft.stem, draft.module
        locked.accepted_answers, locked.explanation = draft.accepted_answers, draft.explanation
        locked.difficulty, locked.fingerprint, locked.updated_at = draft.difficulty, draft.fingerprint, clock.now()
        try:
            with transaction.atomic():
                locked.save()
        except IntegrityError:
            raise DomainError("duplicate_question", "题库中已有题型和题干相同的题目", field="stem") from None
        locked.choices.all().delete()
        _save_choices(locked, draft)
        _audit(actor=actor, action="question.update", target=locked, course=course,
               summary={"kind": locked.kind, "stem": locked.stem[:60]})
    return locked


def question_retire(*, question: Question, actor: User) -> Question:
    """Take a question out of use: new papers and exercises no longer show it; drawn papers keep it."""
    _require_manager(actor=actor, course=question.course)
    if question.status == Question.Status.RETIRED:
        return question
    with transaction.atomic():
        locked = Question.objects.select_for_update().get(pk=question.pk)
        locked.status, locked.updated_at = Question.Status.RETIRED, clock.now()
        locked.save(update_fields=["status", "updated_at"])
        _audit(actor=actor, action="question.retire", target=locked, course=question.course, summary={})
    return locked


@dataclass
class ImportRow:
    row_number: int  # as Excel shows it: the header is row 1
    kind_text: str
    stem: str
    problems: list[bank.Problem] = field(default_factory=list)
    draft: bank.Draft | None = None

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def stem_preview(self) -> str:
        return self.stem if len(self.stem) <= 40 else self.stem[:40] + "…"


@dataclass
class QuestionImportReport:
    rows: list[ImportRow]
    imported: int = 0
    committed: bool = False

    @property
    def error_rows(self) -> list[ImportRow]:
        return [r for r in self.rows if not r.ok]

    @property
    def valid_rows(self) -> list[ImportRow]:
        return [r for r in self.rows if r.ok]

    def as_dict(self) -> dict:
        return {
            "committed": self.committed, "imported": self.imported, "total_rows": len(self.rows),
            "error_rows": [{"row": r.row_number, "stem": r.stem_preview,
                            "problems": [p.__dict__ for p in r.problems]} for r in self.error_rows],
        }


def questions_import_xlsx(*, course: Course, upload, actor: User, import_valid_rows: bool = False) -> QuestionImportReport:
    """Check every row of the template; store all of them, or — only when the author chooses so —
    the valid rows. With any bad row and no such choice nothing is stored, and the report says
    what to fix, row by row, with the rule codes of ``jineng.exams.bank``."""
    _require_manager(actor=actor, course=course)
    rows = read_xlsx_rows(upload, max_rows=5000)
    while rows and not any(bank.text(c) for c in rows[-1]):
        rows.pop()
    if len(rows) < 2:
        raise DomainError("no_rows", "文件中没有题目：第 1 行为表头，从第 2 行开始每行一道题", field="file")
    columns = bank.header_map(rows[0])
    if isinstance(columns, list):
        raise DomainError("missing_columns", f"表头缺少列：{'、'.join(columns)}。请下载模板，表头应为："
                          f"{'、'.join(bank.COLUMNS)}", field="file")
    modules = _modules_by_title(course)
    existing = set(Question.objects.filter(course=course, status=Question.Status.ACTIVE).values_list(
        "fingerprint", flat=True))
    seen: dict[str, int] = {}
    report = QuestionImportReport(rows=[])
    for number, cells in enumerate(rows[1:], start=2):
        if not any(bank.text(c) for c in cells):
            continue
        draft = bank.check_draft(bank.draft_from_row(cells, columns), modules_by_title=modules)
        if draft.kind and draft.stem:
            fingerprint = draft.fingerprint
            if fingerprint in existing:
                draft.problems.append(bank.Problem("duplicate_question", "题干", "题库中已有题型和题干相同的题目"))
            elif fingerprint in seen:
                draft.problems.append(bank.Problem("duplicate_question", "题干",
                                                   f"与第 {seen[fingerprint]} 行的题目重复"))
            else:
                seen[fingerprint] = number
        report.rows.append(ImportRow(row_number=number, kind_text=draft.kind_text, stem=draft.stem,
                                     problems=draft.problems, draft=draft))
    if (report.error_rows and not import_valid_rows) or not report.valid_rows:
        return report
    now = clock.now()
    with transaction.atomic():
        Course.objects.select_for_update().filter(pk=course.pk).first()  # one import of a course at a time
        fingerprints = [row.draft.fingerprint for row in report.valid_rows]
        if Question.objects.filter(course=course, status=Question.Status.ACTIVE, fingerprint__in=fingerprints).exists():
            raise DomainError("duplicate_question", "刚刚有人向本课程题库加入了相同的题目。请重新上传，以获得最新的校验结果",
                              field="file")
        for row in report.valid_rows:
            draft = row.draft
            question = Question.objects.create(
                course=course, occupation_id=course.occupation_id, module=draft.module, kind=draft.kind,
                stem=draft.stem, accepted_answers=draft.accepted_answers, explanation=draft.explanation,
                difficulty=draft.difficulty, fingerprint=draft.fingerprint, created_by=actor,
                created_at=now, updated_at=now)
            _save_choices(question, draft)
            report.imported += 1
        _audit(actor=actor, action="question.import", target=course, course=course,
               summary={"imported": report.imported, "skipped_rows": [r.row_number for r in report.error_rows]})
    report.committed = True
    return report


# --- exercises ----------------------------------------------------------------------------------

def exercise_set(*, lesson: Lesson, question_ids: list[int], actor: User, title: str = "") -> Exercise:
    """Attach (or replace) the exercise after a lesson: the chosen questions of the course's bank, in order."""
    course = lesson.module.course
    _require_manager(actor=actor, course=course)
    ids = list(dict.fromkeys(int(i) for i in question_ids))
    if not ids:
        raise DomainError("no_questions", "请至少选择一道题", field="questions")
    if len(ids) > MAX_EXERCISE_QUESTIONS:
        raise DomainError("too_many_questions", f"一个练习最多 {MAX_EXERCISE_QUESTIONS} 道题", field="questions")
    found = set(Question.objects.filter(course=course, status=Question.Status.ACTIVE, pk__in=ids).values_list(
        "pk", flat=True))
    missing = [i for i in ids if i not in found]
    if missing:
        raise DomainError("unknown_question", "所选题目不在本课程的题库中或已停用", field="questions",
                          details={"questions": missing})
    title = " ".join((title or "").split()) or f"{lesson.title} · 课后练习"
    if len(title) > 120:
        raise DomainError("too_long", "练习名称不能超过 120 个字", field="title")
    with transaction.atomic():
        exercise, _ = Exercise.objects.select_for_update().get_or_create(
            lesson=lesson, defaults={"course": course, "title": title, "created_by": actor, "updated_at": clock.now()})
        exercise.title, exercise.updated_at = title, clock.now()
        exercise.save(update_fields=["title", "updated_at"])
        exercise.items.all().delete()
        ExerciseItem.objects.bulk_create([ExerciseItem(exercise=exercise, question_id=qid, position=i)
                                          for i, qid in enumerate(ids, start=1)])
        _audit(actor=actor, action="exercise.set", target=exercise, course=course,
               summary={"lesson": lesson.pk, "questions": ids})
    return exercise


def exercise_remove(*, lesson: Lesson, actor: User) -> None:
    course = lesson.module.course
    _require_manager(actor=actor, course=course)
    with transaction.atomic():
        exercise = Exercise.objects.select_for_update().filter(lesson=lesson).first()
        if exercise is None:
            return
        if exercise.answers.exists():
            raise DomainError("exercise_answered", "学员已作答该练习，不能删除；可以修改其中的题目")
        _audit(actor=actor, action="exercise.remove", target=exercise, course=course, summary={"lesson": lesson.pk})
        exercise.delete()


@dataclass
class ExerciseFeedback:
    question_id: int
    correct: bool
    answer: list[str] | str | None
    answer_display: str
    correct_display: str
    explanation: str


def exercise_answer(*, exercise: Exercise, question_id: int, answer, actor: User) -> ExerciseFeedback:
    """Record one answer to one exercise question and say at once whether it is right, with the
    explanation. Exercise answers never count toward completion."""
    person = _learner_person(actor)
    enrolment = enrolment_for(person=person, course=exercise.course)
    if enrolment is None:
        raise PermissionDenied("报名本课程后才能做课后练习", code="not_enrolled")
    question = Question.objects.filter(pk=question_id, exercises=exercise, status=Question.Status.ACTIVE).first()
    if question is None:
        raise NotFound("该题不在本练习中")
    options, correct = exercise_options(question=question)
    cleaned = papers.clean_answer(question.kind, options, answer)
    if cleaned is None:
        raise DomainError("answer_required", "请先作答再提交", field="answer")
    _, ok = papers.grade(kind=question.kind, options=options, correct=correct, answer=cleaned, points=Decimal(1))
    with transaction.atomic():
        ExerciseAnswer.objects.create(exercise=exercise, question=question, person=person, enrolment=enrolment,
                                      answer=cleaned, is_correct=ok, answered_at=clock.now())
    return ExerciseFeedback(question_id=question.pk, correct=ok, answer=cleaned,
                            answer_display=papers.answer_display(question.kind, cleaned),
                            correct_display=papers.correct_display(question.kind, options, correct),
                            explanation=question.explanation)


# --- exams: setup -------------------------------------------------------------------------------

@dataclass
class RuleSpec:
    kind: str
    count: int
    points: Decimal | str | int | float
    module_id: int | None = None


def _clean_int(value, *, field: str, label: str, low: int, high: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise DomainError("invalid_number", f"请填写{label}（整数）", field=field) from None
    if not low <= number <= high:
        raise DomainError("out_of_range", f"{label}应在 {low}–{high} 之间", field=field)
    return number


def _clean_decimal(value, *, field: str, label: str, high: Decimal = Decimal("1000")) -> Decimal:
    try:
        number = Decimal(str(value)).quantize(papers.CENT)
    except (InvalidOperation, TypeError, ValueError):
        raise DomainError("invalid_number", f"请填写{label}（数字，最多两位小数）", field=field) from None
    if not Decimal(0) <= number <= high:
        raise DomainError("out_of_range", f"{label}应在 0–{high} 之间", field=field)
    return number


def _clean_exam_fields(*, title: str, time_limit_minutes, max_attempts, pass_score, multiple_scoring: str,
                       instructions: str) -> dict:
    title = " ".join((title or "").split())
    if not title:
        raise DomainError("required", "请填写考试名称", field="title")
    if len(title) > 120:
        raise DomainError("too_long", "考试名称不能超过 120 个字", field="title")
    if multiple_scoring not in Exam.MultipleScoring.values:
        raise DomainError("invalid_choice", "请选择多选题的计分方式", field="multiple_scoring")
    return {
        "title": title,
        "time_limit_minutes": _clean_int(time_limit_minutes, field="time_limit_minutes", label="考试时长（分钟）",
                                         low=1, high=MAX_TIME_LIMIT),
        "max_attempts": _clean_int(max_attempts, field="max_attempts", label="允许参加次数", low=1, high=MAX_ATTEMPTS),
        "pass_score": _clean_decimal(pass_score, field="pass_score", label="合格分数"),
        "multiple_scoring": multiple_scoring,
        "instructions": (instructions or "").strip()[:4000],
    }


def _final_taken(course: Course, *, exclude_pk: int | None = None) -> Exam | None:
    qs = Exam.objects.filter(course=course, is_final=True)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return qs.first()


def _final_exists_error(existing: Exam) -> DomainError:
    return DomainError("final_assessment_exists",
                       f"本课程已有结业考核“{existing.title}”，每门课程只能有一场结业考核", field="is_final")


def exam_create(*, course: Course, title: str, time_limit_minutes: int, max_attempts: int, pass_score,
                actor: User, is_final: bool = False, multiple_scoring: str = Exam.MultipleScoring.ALL_OR_NOTHING,
                shuffle_questions: bool = True, shuffle_options: bool = True, instructions: str = "",
                rules: list[RuleSpec] | None = None) -> Exam:
    """A draft exam of the course (``is_final`` for the 结业考核, one per course); rules may follow."""
    _require_manager(actor=actor, course=course)
    values = _clean_exam_fields(title=title, time_limit_minutes=time_limit_minutes, max_attempts=max_attempts,
                                pass_score=pass_score, multiple_scoring=multiple_scoring, instructions=instructions)
    if is_final and (existing := _final_taken(course)):
        raise _final_exists_error(existing)
    with transaction.atomic():
        try:
            with transaction.atomic():
                exam = Exam.objects.create(course=course, is_final=bool(is_final), shuffle_questions=shuffle_questions,
                                           shuffle_options=shuffle_options, created_by=actor, created_at=clock.now(),
                                           **values)
        except IntegrityError:
            raise _final_exists_error(_final_taken(course) or Exam(title="")) from None
        if rules:
            _replace_rules(exam, _clean_rules(exam, rules))
        _audit(actor=actor, action="exam.create", target=exam, course=course,
               summary={"title": exam.title, "is_final": exam.is_final, "rules": len(rules or [])})
    return exam


def exam_update(*, exam: Exam, actor: User, title: str, time_limit_minutes: int, max_attempts: int, pass_score,
                is_final: bool = False, multiple_scoring: str = Exam.MultipleScoring.ALL_OR_NOTHING,
                shuffle_questions: bool = True, shuffle_options: bool = True, instructions: str = "") -> Exam:
    """Change an exam's settings. Once anyone has sat it, the grading (pass score, multiple-choice
    scoring, shuffling) is fixed; the name, instructions, time limit and number of attempts may
    still change (they apply to attempts started afterwards)."""
    course = exam.course
    _require_manager(actor=actor, course=course)
    values = _clean_exam_fields(title=title, time_limit_minutes=time_limit_minutes, max_attempts=max_attempts,
                                pass_score=pass_score, multiple_scoring=multiple_scoring, instructions=instructions)
    values.update(is_final=bool(is_final), shuffle_questions=bool(shuffle_questions),
                  shuffle_options=bool(shuffle_options))
    if is_final and (existing := _final_taken(course, exclude_pk=exam.pk)):
        raise _final_exists_error(existing)
    with transaction.atomic():
        locked = Exam.objects.select_for_update().get(pk=exam.pk)
        if Attempt.objects.filter(exam=locked).exists():
            fixed = [name for name in ("pass_score", "multiple_scoring", "shuffle_questions", "shuffle_options")
                     if getattr(locked, name) != values[name]]
            if fixed:
                raise DomainError("exam_has_attempts", "已有学员参加本考试，合格分数和计分方式不能再修改。"
                                  "如需调整，请停止本考试并新建一场考试", field=fixed[0])
        changed = {name: str(value) for name, value in values.items() if getattr(locked, name) != value}
        for name, value in values.items():
            setattr(locked, name, value)
        try:
            with transaction.atomic():
                locked.save()
        except IntegrityError:
            raise _final_exists_error(_final_taken(course, exclude_pk=exam.pk) or Exam(title="")) from None
        _audit(actor=actor, action="exam.update", target=locked, course=course, summary={"changed": changed})
    return locked


def _clean_rules(exam: Exam, rules: list[RuleSpec]) -> list[papers.Rule]:
    if not rules:
        raise DomainError("no_rules", "请至少添加一条组卷规则（题型、题数和每题分值）", field="rules")
    modules = {m.pk: m for m in exam.course.modules.all()}
    cleaned, seen = [], set()
    for index, spec in enumerate(rules):
        if spec.kind not in QuestionKind.values:
            raise DomainError("unknown_type", f"第 {index + 1} 条规则的题型无效", field="rules")
        module = None
        if spec.module_id not in (None, "", 0):
            module = modules.get(int(spec.module_id))
            if module is None:
                raise DomainError("unknown_module", f"第 {index + 1} 条规则的模块不属于本课程", field="rules")
        key = (spec.kind, module.pk if module else None)
        label = papers.rule_label(spec.kind, module.title if module else None)
        if key in seen:
            raise DomainError("duplicate_rule", f"组卷规则“{label}”重复，请合并为一条", field="rules")
        seen.add(key)
        count = _clean_int(spec.count, field="rules", label=f"“{label}”的题数", low=1, high=MAX_RULE_COUNT)
        points = _clean_decimal(spec.points, field="rules", label=f"“{label}”的每题分值", high=Decimal(100))
        if points <= 0:
            raise DomainError("out_of_range", f"“{label}”的每题分值须大于 0", field="rules")
        cleaned.append(papers.Rule(kind=spec.kind, module_id=module.pk if module else None,
                                   module_title=module.title if module else "", count=count, points=points,
                                   position=index))
    shortfalls = papers.rule_shortfalls(cleaned, exam_pool(exam=exam))
    if shortfalls:
        raise papers.not_enough_questions(shortfalls)
    return cleaned


def _replace_rules(exam: Exam, rules: list[papers.Rule]) -> None:
    exam.rules.all().delete()
    PaperRule.objects.bulk_create([PaperRule(exam=exam, kind=r.kind, module_id=r.module_id, count=r.count,
                                             points=r.points, position=r.position) for r in rules])


def exam_rules_set(*, exam: Exam, rules: list[RuleSpec], actor: User) -> list[PaperRule]:
    """Replace the paper rules. Refused when the bank cannot fill a rule (the error names it), and
    once anyone has sat the exam."""
    _require_manager(actor=actor, course=exam.course)
    with transaction.atomic():
        locked = Exam.objects.select_for_update().get(pk=exam.pk)
        if Attempt.objects.filter(exam=locked).exists():
            raise DomainError("exam_has_attempts", "已有学员参加本考试，组卷规则不能再修改。如需调整，请停止本考试并新建一场考试",
                              field="rules")
        cleaned = _clean_rules(locked, rules)
        _replace_rules(locked, cleaned)
        _audit(actor=actor, action="exam.rules_set", target=locked, course=exam.course,
               summary={"rules": [{"kind": r.kind, "module": r.module_id, "count": r.count, "points": str(r.points)}
                                  for r in cleaned]})
    return list(locked.rules.all())


def _transition(*, exam: Exam, action: str, actor: User) -> Exam:
    _require_manager(actor=actor, course=exam.course)
    sources, target = EXAM_TRANSITIONS[action]
    with transaction.atomic():
        locked = Exam.objects.select_for_update().get(pk=exam.pk)
        if locked.status not in sources:
            raise DomainError("invalid_transition", f"考试当前为“{locked.get_status_display()}”，不能执行该操作",
                              field="status")
        if target == Exam.Status.PUBLISHED:
            specs = exam_rules_as_specs(exam=locked)
            if not specs:
                raise DomainError("no_rules", "发布前请添加组卷规则（题型、题数和每题分值）", field="rules")
            shortfalls = papers.rule_shortfalls(specs, exam_pool(exam=locked))
            if shortfalls:
                raise papers.not_enough_questions(shortfalls)
            total = sum((r.points * r.count for r in specs), Decimal(0))
            if locked.pass_score > total:
                raise DomainError("pass_score_too_high", f"合格分数 {locked.pass_score} 高于试卷满分 {total}",
                                  field="pass_score")
            locked.published_at = locked.published_at or clock.now()
        previous = locked.status
        locked.status = target
        locked.save(update_fields=["status", "published_at"])
        _audit(actor=actor, action=f"exam.{action}", target=locked, course=exam.course,
               summary={"from": previous, "to": target})
    return locked


def exam_publish(*, exam: Exam, actor: User) -> Exam:
    """Open the exam to enrolled learners, after checking that the bank can fill every rule."""
    return _transition(exam=exam, action="publish", actor=actor)


def exam_close(*, exam: Exam, actor: User) -> Exam:
    """Stop new attempts; attempts in progress may still be finished within their time."""
    return _transition(exam=exam, action="close", actor=actor)


# --- attempts -----------------------------------------------------------------------------------

def _answers_digest(attempt: Attempt) -> str:
    rows = [[item.position, item.question_id, item.answer] for item in attempt.items.order_by("position")]
    return hashlib.sha256(json.dumps(rows, ensure_ascii=False, separators=(",", ":")).encode()).hexdigest()


def _finalize(attempt: Attempt, *, ended_by: str, ip: str | None = None, user_agent: str = "",
              actor=None) -> Attempt:
    """Grade and close a locked attempt (inside the caller's transaction)."""
    exam = attempt.exam
    total = Decimal("0.00")
    items = list(attempt.items.all())
    for item in items:
        item.awarded, item.is_correct = papers.grade(kind=item.kind, options=item.options, correct=item.correct,
                                                     answer=item.answer, points=item.points,
                                                     multiple_scoring=exam.multiple_scoring)
        total += item.awarded
    AttemptQuestion.objects.bulk_update(items, ["awarded", "is_correct"])
    now = clock.now()
    attempt.status = Attempt.Status.SUBMITTED
    attempt.submitted_at = now if ended_by == Attempt.EndedBy.LEARNER else min(now, attempt.deadline)
    attempt.ended_by = ended_by
    attempt.score = total.quantize(papers.CENT)
    attempt.passed = attempt.score >= exam.pass_score
    attempt.submit_ip = ip
    attempt.submit_user_agent = _user_agent(user_agent)
    attempt.save(update_fields=["status", "submitted_at", "ended_by", "score", "passed", "submit_ip",
                                "submit_user_agent"])
    audit_record(actor=actor, action="exam_attempt.submit", target=attempt,
                 summary={"exam": exam.pk, "person": attempt.person_id, "number": attempt.number,
                          "ended_by": ended_by, "score": str(attempt.score), "passed": attempt.passed,
                          "answers_sha256": _answers_digest(attempt), "ip": ip or ""},
                 organization_id=attempt.organization_id, region_code=_region_of(attempt))
    attempt_id = attempt.pk
    transaction.on_commit(lambda: _after_submit(attempt_id), robust=True)
    return attempt


def _region_of(attempt: Attempt) -> str:
    organization = attempt.organization
    return organization.region_id if organization is not None else ""


def _after_submit(attempt_id: int) -> None:
    """After a submission commits: look for collusion with the other attempts of the exam."""
    from jineng.integrity.detectors import detect_exam_collusion_for_attempt

    detect_exam_collusion_for_attempt(attempt_id=attempt_id)


def _lock_attempt(attempt: Attempt) -> Attempt:
    return Attempt.objects.select_for_update(of=("self",)).select_related("exam", "organization").get(pk=attempt.pk)


def _own(attempt: Attempt, actor) -> None:
    person = _learner_person(actor)
    if attempt.person_id != person.pk:
        raise NotFound("考试记录不存在")


def attempt_finalize_if_overdue(*, attempt: Attempt) -> Attempt:
    """Submit and grade the attempt if its deadline has passed (by the server, not the learner)."""
    if attempt.status != Attempt.Status.IN_PROGRESS or clock.now() <= attempt.deadline:
        return attempt
    with transaction.atomic():
        locked = _lock_attempt(attempt)
        if locked.status == Attempt.Status.IN_PROGRESS and clock.now() > locked.deadline:
            _finalize(locked, ended_by=Attempt.EndedBy.DEADLINE)
    return Attempt.objects.select_related("exam").get(pk=attempt.pk)


def attempts_finalize_overdue(*, limit: int = 500) -> int:
    """Submit every attempt whose deadline has passed; returns how many. For the scheduler (every
    minute or so); learners' next page view does the same for their own attempt."""
    done = 0
    due = Attempt.objects.filter(status=Attempt.Status.IN_PROGRESS, deadline__lt=clock.now()).order_by("deadline")
    for attempt in due[:limit]:
        before = attempt.status
        if attempt_finalize_if_overdue(attempt=attempt).status != before:
            done += 1
    return done


def attempt_start(*, exam: Exam, actor: User, ip: str | None = None, user_agent: str = "",
                  seed: int | None = None) -> Attempt:
    """Start (or continue) the learner's attempt: checks the enrolment, the exam's state and the
    number of attempts, then draws this learner's paper with ``seed`` (random when not given;
    kept on the attempt). An unfinished attempt is continued rather than a new one drawn."""
    person = _learner_person(actor)
    enrolment = enrolment_for(person=person, course=exam.course)
    if enrolment is None:
        raise PermissionDenied("只有报名本课程的学员才能参加该考试。请先报名课程", code="not_enrolled")
    current = Attempt.objects.filter(exam=exam, person=person, status=Attempt.Status.IN_PROGRESS).first()
    if current is not None:
        current = attempt_finalize_if_overdue(attempt=current)
        if current.status == Attempt.Status.IN_PROGRESS:
            return current
    if exam.status != Exam.Status.PUBLISHED:
        raise DomainError("exam_not_open", "该考试尚未开放或已停止，暂不能参加", field="exam")
    used = Attempt.objects.filter(exam=exam, person=person).count()
    if used >= exam.max_attempts:
        raise DomainError("attempts_exhausted", attempts_refusal_message(exam=exam, used=used), field="exam",
                          details={"max_attempts": exam.max_attempts, "used": used})
    seed = seed if seed is not None else secrets.randbits(62)
    paper = papers.draw_paper(rules=exam_rules_as_specs(exam=exam), pool=exam_pool(exam=exam), seed=seed,
                              shuffle_questions=exam.shuffle_questions, shuffle_options=exam.shuffle_options)
    now = clock.now()
    with transaction.atomic():
        Enrolment.objects.select_for_update().get(pk=enrolment.pk)  # one start per learner and course at a time
        used = Attempt.objects.filter(exam=exam, person=person).count()
        if Attempt.objects.filter(exam=exam, person=person, status=Attempt.Status.IN_PROGRESS).exists():
            return Attempt.objects.get(exam=exam, person=person, status=Attempt.Status.IN_PROGRESS)
        if used >= exam.max_attempts:
            raise DomainError("attempts_exhausted", attempts_refusal_message(exam=exam, used=used), field="exam",
                              details={"max_attempts": exam.max_attempts, "used": used})
        attempt = Attempt.objects.create(
            exam=exam, enrolment=enrolment, person=person, organization_id=enrolment.organization_id,
            number=used + 1, seed=seed,
            started_at=now, deadline=now + dt.timedelta(minutes=exam.time_limit_minutes),
            max_score=sum((item.points for item in paper), Decimal(0)).quantize(papers.CENT),
            start_ip=ip, start_user_agent=_user_agent(user_agent))
        AttemptQuestion.objects.bulk_create([
            AttemptQuestion(attempt=attempt, position=item.position, question_id=item.question_id, kind=item.kind,
                            module_title=item.module_title, points=item.points, stem=item.stem, options=item.options,
                            correct=item.correct, explanation=item.explanation)
            for item in paper])
        audit_record(actor=actor, action="exam_attempt.start", target=attempt,
                     summary={"exam": exam.pk, "person": person.pk, "number": attempt.number,
                              "questions": [item.question_id for item in paper], "ip": ip or ""},
                     organization_id=attempt.organization_id, region_code=_region_of(attempt))
    return attempt


class TimeOver(DomainError):
    status = 409

    def __init__(self) -> None:
        super().__init__("time_over", "考试时间已到，本次作答未保存；系统已按截止时保存的答案自动交卷", field="answer")


def _check_open(attempt: Attempt) -> None:
    if attempt.status != Attempt.Status.IN_PROGRESS:
        raise DomainError("attempt_submitted", "本次考试已交卷，不能再修改答案", field="answer")


def _save_answer(*, attempt: Attempt, item: AttemptQuestion, raw, ip: str | None, user_agent: str) -> bool:
    cleaned = papers.clean_answer(item.kind, item.options, raw)
    if cleaned == item.answer:
        return False
    now = clock.now()
    item.answer, item.answered_at = cleaned, now
    item.save(update_fields=["answer", "answered_at"])
    AttemptAnswer.objects.create(attempt=attempt, item=item, answer=cleaned, saved_at=now, ip=ip,
                                 user_agent=_user_agent(user_agent))
    return True


def attempt_answers_save(*, attempt: Attempt, actor: User, answers: dict[int, object], ip: str | None = None,
                         user_agent: str = "") -> int:
    """Save answers by question number (``{1: ["B"], 7: "预防为主"}``); only changed answers are
    logged. Past the deadline nothing is saved: the attempt is submitted and ``time_over`` raised."""
    _own(attempt, actor)
    expired = False
    with transaction.atomic():
        locked = _lock_attempt(attempt)
        _check_open(locked)
        if clock.now() > locked.deadline:
            _finalize(locked, ended_by=Attempt.EndedBy.DEADLINE)
            expired = True
        else:
            items = {item.position: item for item in locked.items.all()}
            unknown = [p for p in answers if p not in items]
            if unknown:
                raise DomainError("unknown_question", f"试卷中没有第 {unknown[0]} 题", field="position")
            for position, item in items.items():  # check every answer before saving any
                if position in answers:
                    papers.clean_answer(item.kind, item.options, answers[position])
            saved = sum(_save_answer(attempt=locked, item=items[p], raw=raw, ip=ip, user_agent=user_agent)
                        for p, raw in sorted(answers.items()))
    if expired:
        raise TimeOver()
    return saved


def attempt_answer(*, attempt: Attempt, actor: User, position: int, answer, ip: str | None = None,
                   user_agent: str = "") -> AttemptQuestion:
    """Save one answer (the page saves each as the learner picks it)."""
    attempt_answers_save(attempt=attempt, actor=actor, answers={position: answer}, ip=ip, user_agent=user_agent)
    return AttemptQuestion.objects.get(attempt=attempt, position=position)


def attempt_submit(*, attempt: Attempt, actor: User, ip: str | None = None, user_agent: str = "") -> Attempt:
    """交卷: grade and close the attempt. Past the deadline it is still graded, as the server's
    automatic submission at the deadline. Submitting twice returns the first result."""
    _own(attempt, actor)
    with transaction.atomic():
        locked = _lock_attempt(attempt)
        if locked.status == Attempt.Status.SUBMITTED:
            return locked
        ended_by = Attempt.EndedBy.DEADLINE if clock.now() > locked.deadline else Attempt.EndedBy.LEARNER
        _finalize(locked, ended_by=ended_by, ip=ip, user_agent=user_agent, actor=actor)
    return locked
