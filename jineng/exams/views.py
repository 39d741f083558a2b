"""Pages: the author's question bank (list, add, edit, import with a row-by-row report), exams
and their paper rules, lesson exercises and results; the learner's exam intro, paper with a
countdown, confirmation, result and review, and lesson exercises with immediate feedback.

Thin: each view parses, calls one service or selector, renders; a ``DomainError`` goes back to
the form beside the field it names. The server judges time: every view of an attempt first lets
``attempt_finalize_if_overdue`` submit it when its deadline has passed.
"""

from __future__ import annotations

import contextlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jineng.common.downloads import xlsx_response
from jineng.common.errors import DomainError, NotFound
from jineng.courses.models import Course
from jineng.courses.selectors import (
    course_get_managed,
    course_get_visible,
    course_outline,
    lesson_get_managed,
)
from jineng.exams import bank, forms, papers, selectors, services
from jineng.exams.models import Attempt, Exam, QuestionKind


def _form_error(form, exc: DomainError) -> None:
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)


def _client(request: HttpRequest) -> dict:
    return {"ip": request.META.get("REMOTE_ADDR") or None, "user_agent": request.headers.get("User-Agent", "")}


# ---- authors: question bank ---------------------------------------------------------------------

@login_required
@require_GET
def manage_course(request: HttpRequest, course_id: int) -> HttpResponse:
    """The course's assessment hub: the bank per type and module, the exams, the lessons' exercises."""
    course = course_get_managed(user=request.user, course_id=course_id)
    outline = course_outline(course=course)
    counts = selectors.question_counts(course=course)
    lesson_ids = [lesson.pk for m in outline.modules for lesson in m.lessons]
    exercises = selectors.exercise_for_lessons(lesson_ids=lesson_ids)
    modules = [{"module": m.module, "lessons": [(lesson, exercises.get(lesson.pk)) for lesson in m.lessons],
                "counts": [(kind.label, counts.get((kind.value, m.module.pk), 0)) for kind in QuestionKind]}
               for m in outline.modules]
    unassigned = [(kind.label, counts.get((kind.value, None), 0)) for kind in QuestionKind]
    return render(request, "exams/manage_course.html", {
        "course": course, "modules": modules, "unassigned": unassigned, "total": sum(counts.values()),
        "exams": selectors.exams_of_course(course=course),
        "problems": selectors.course_assessment_problems(course=course),
    })


@login_required
@require_GET
def questions(request: HttpRequest, course_id: int) -> HttpResponse:
    course = course_get_managed(user=request.user, course_id=course_id)
    form = forms.QuestionFilterForm(request.GET or None, course=course)
    filters = {"kind": "", "module_id": None, "status": "active", "search": ""}
    if form.is_valid():
        data = form.cleaned_data
        filters = {"kind": data["kind"], "module_id": data["module"].pk if data["module"] else None,
                   "status": data["status"] or "active", "search": data["search"]}
    rows = [(q, selectors.question_answer_text(q)) for q in selectors.questions_of_course(course=course, **filters)]
    return render(request, "exams/questions.html", {"course": course, "form": form, "rows": rows,
                                                    "keys": papers.KEYS})


def _question_page(request: HttpRequest, *, course: Course, question=None) -> HttpResponse:
    initial = forms.QuestionForm.initial_for(question, selectors.question_answer_text(question)) if question else None
    form = forms.QuestionForm(request.POST or None, course=course, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        values = {"kind": data["kind"], "stem": data["stem"], "options": form.options(), "answer": data["answer"],
                  "explanation": data["explanation"], "module": data["module"], "difficulty": data["difficulty"],
                  "actor": request.user}
        try:
            if question is None:
                saved = services.question_create(course=course, **values)
            else:
                saved = services.question_update(question=question, **values)
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, f"已保存：{saved.get_kind_display()}“{saved.stem[:30]}”")
            if question is None and "again" in request.POST:
                return redirect("exams:question_create", course_id=course.pk)
            return redirect("exams:questions", course_id=course.pk)
    return render(request, "exams/question_form.html", {"course": course, "form": form, "question": question})


@login_required
@require_http_methods(["GET", "POST"])
def question_create(request: HttpRequest, course_id: int) -> HttpResponse:
    return _question_page(request, course=course_get_managed(user=request.user, course_id=course_id))


@login_required
@require_http_methods(["GET", "POST"])
def question_edit(request: HttpRequest, question_id: int) -> HttpResponse:
    question = selectors.question_get_managed(user=request.user, question_id=question_id)
    return _question_page(request, course=question.course, question=question)


@login_required
@require_POST
def question_retire(request: HttpRequest, question_id: int) -> HttpResponse:
    question = selectors.question_get_managed(user=request.user, question_id=question_id)
    services.question_retire(question=question, actor=request.user)
    messages.success(request, f"已停用：“{question.stem[:30]}”。已抽出的试卷不受影响")
    return redirect("exams:questions", course_id=question.course_id)


@login_required
@require_http_methods(["GET", "POST"])
def questions_import(request: HttpRequest, course_id: int) -> HttpResponse:
    course = course_get_managed(user=request.user, course_id=course_id)
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    report = None
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            report = services.questions_import_xlsx(course=course, upload=form.cleaned_data["file"], actor=request.user,
                                                    import_valid_rows=form.cleaned_data["import_valid_rows"])
        except DomainError as exc:
            _form_error(form, exc)
            status = 400
        else:
            if report.committed and not report.error_rows:
                messages.success(request, f"已导入 {report.imported} 道题")
                return redirect("exams:questions", course_id=course.pk)
            status = 200 if report.committed else 400
    elif request.method == "POST":
        status = 400
    return render(request, "exams/questions_import.html", {"course": course, "form": form, "report": report,
                                                           "columns": bank.COLUMNS}, status=status)


@login_required
@require_GET
def questions_template(request: HttpRequest, course_id: int) -> HttpResponse:
    course = course_get_managed(user=request.user, course_id=course_id)
    data = bank.template_xlsx(module_titles=[m.title for m in course.modules.order_by("position", "pk")])
    return xlsx_response(data, filename="题库导入模板.xlsx")


# ---- authors: exercises -------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def exercise_edit(request: HttpRequest, lesson_id: int) -> HttpResponse:
    lesson = lesson_get_managed(user=request.user, lesson_id=lesson_id)
    course = lesson.module.course
    exercise = selectors.exercise_for_lesson(lesson=lesson)
    initial = {"title": exercise.title, "questions": list(exercise.items.values_list("question_id", flat=True))} \
        if exercise else None
    form = forms.ExerciseForm(request.POST or None, course=course, initial=initial)
    if request.method == "POST" and "remove" in request.POST:
        try:
            services.exercise_remove(lesson=lesson, actor=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "已删除课后练习")
        return redirect("exams:manage_course", course_id=course.pk)
    if request.method == "POST" and form.is_valid():
        try:
            services.exercise_set(lesson=lesson, title=form.cleaned_data["title"],
                                  question_ids=[q.pk for q in form.cleaned_data["questions"]], actor=request.user)
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, f"已保存“{lesson.title}”的课后练习")
            return redirect("exams:manage_course", course_id=course.pk)
    return render(request, "exams/exercise_form.html", {"course": course, "lesson": lesson, "form": form,
                                                        "exercise": exercise})


# ---- authors: exams -----------------------------------------------------------------------------

def _exam_values(data: dict) -> dict:
    return {name: data[name] for name in ("title", "is_final", "time_limit_minutes", "max_attempts", "pass_score",
                                          "multiple_scoring", "shuffle_questions", "shuffle_options", "instructions")}


@login_required
@require_http_methods(["GET", "POST"])
def exam_create(request: HttpRequest, course_id: int) -> HttpResponse:
    course = course_get_managed(user=request.user, course_id=course_id)
    initial = None if selectors.final_assessment_of(course=course) else {"is_final": True, "title": "结业考核"}
    form = forms.ExamForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            exam = services.exam_create(course=course, actor=request.user, **_exam_values(form.cleaned_data))
        except DomainError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, "考试已创建。下一步：设置组卷规则")
            return redirect("exams:exam_edit", exam_id=exam.pk)
    return render(request, "exams/exam_form.html", {"course": course, "form": form, "exam": None})


def _rule_rows(request: HttpRequest) -> list[services.RuleSpec]:
    kinds, modules = request.POST.getlist("rule_kind"), request.POST.getlist("rule_module")
    counts, points = request.POST.getlist("rule_count"), request.POST.getlist("rule_points")
    rows = []
    for kind, module, count, point in zip(kinds, modules, counts, points, strict=False):
        if not kind or not count.strip():
            continue
        rows.append(services.RuleSpec(kind=kind, module_id=int(module) if module.isdigit() else None,
                                      count=count.strip(), points=point.strip() or "0"))
    return rows


def _exam_page(request: HttpRequest, exam: Exam, *, form=None, rule_error: str = "", status: int = 200) -> HttpResponse:
    course = exam.course
    summary = selectors.paper_summary(exam=exam)
    counts = selectors.question_counts(course=course)
    modules = list(course.modules.order_by("position", "pk"))
    rows = [{"kind": r.kind, "module_id": r.module_id, "count": r.count, "points": r.points} for r in summary.rules]
    rows += [{"kind": "", "module_id": None, "count": "", "points": ""} for _ in range(max(3, 6 - len(rows)))]
    availability = [(kind.label, sum(n for (k, _), n in counts.items() if k == kind.value),
                     [(m.title, counts.get((kind.value, m.pk), 0)) for m in modules]) for kind in QuestionKind]
    return render(request, "exams/exam_edit.html", {
        "course": course, "exam": exam, "form": form or forms.ExamForm(initial=forms.ExamForm.initial_for(exam)),
        "summary": summary, "rule_rows": rows, "modules": modules, "kinds": QuestionKind.choices,
        "availability": availability, "rule_error": rule_error,
        "shortfalls": selectors.exam_shortfalls(exam=exam) if summary.rules else [],
        "attempt_count": Attempt.objects.filter(exam=exam).count(),
    }, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def exam_edit(request: HttpRequest, exam_id: int) -> HttpResponse:
    exam = selectors.exam_get_managed(user=request.user, exam_id=exam_id)
    if request.method == "POST":
        form = forms.ExamForm(request.POST)
        if form.is_valid():
            try:
                services.exam_update(exam=exam, actor=request.user, **_exam_values(form.cleaned_data))
            except DomainError as exc:
                _form_error(form, exc)
            else:
                messages.success(request, "考试设置已保存")
                return redirect("exams:exam_edit", exam_id=exam.pk)
        return _exam_page(request, exam, form=form, status=400)
    return _exam_page(request, exam)


@login_required
@require_POST
def exam_rules(request: HttpRequest, exam_id: int) -> HttpResponse:
    exam = selectors.exam_get_managed(user=request.user, exam_id=exam_id)
    try:
        services.exam_rules_set(exam=exam, rules=_rule_rows(request), actor=request.user)
    except DomainError as exc:
        return _exam_page(request, exam, rule_error=exc.message, status=400)
    messages.success(request, "组卷规则已保存")
    return redirect("exams:exam_edit", exam_id=exam.pk)


@login_required
@require_POST
def exam_publish(request: HttpRequest, exam_id: int) -> HttpResponse:
    exam = selectors.exam_get_managed(user=request.user, exam_id=exam_id)
    try:
        services.exam_publish(exam=exam, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "考试已发布，报名本课程的学员可以参加")
    return redirect("exams:exam_edit", exam_id=exam.pk)


@login_required
@require_POST
def exam_close(request: HttpRequest, exam_id: int) -> HttpResponse:
    exam = selectors.exam_get_managed(user=request.user, exam_id=exam_id)
    try:
        services.exam_close(exam=exam, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "考试已停止，不再接受新的作答")
    return redirect("exams:exam_edit", exam_id=exam.pk)


@login_required
@require_GET
def results(request: HttpRequest, course_id: int) -> HttpResponse:
    course = Course.objects.select_related("occupation", "provider").filter(pk=course_id).first()
    if course is None:
        raise NotFound()
    scope = selectors.results_organization_scope(user=request.user, course=course)
    return render(request, "exams/results.html", {
        "course": course, "rows": selectors.exam_results_for_course(course=course, organization_ids=scope)})


# ---- learners: exams ----------------------------------------------------------------------------

@login_required
@require_GET
def course_exams(request: HttpRequest, course_id: int) -> HttpResponse:
    course = course_get_visible(user=request.user, course_id=course_id)
    exams = [selectors.exam_intro(user=request.user, exam=e) for e in selectors.exams_for_learner(user=request.user,
                                                                                                   course=course)]
    outline = course_outline(course=course)
    exercises = selectors.exercise_for_lessons(lesson_ids=[lesson.pk for m in outline.modules for lesson in m.lessons])
    lessons = [(lesson, exercises[lesson.pk]) for m in outline.modules for lesson in m.lessons if lesson.pk in exercises]
    return render(request, "exams/course_exams.html", {"course": course, "exams": exams, "lessons": lessons})


@never_cache
@login_required
@require_GET
def intro(request: HttpRequest, exam_id: int) -> HttpResponse:
    exam = selectors.exam_get_for_learner(user=request.user, exam_id=exam_id)
    current = selectors.exam_intro(user=request.user, exam=exam).in_progress
    if current is not None:
        services.attempt_finalize_if_overdue(attempt=current)
    return render(request, "exams/intro.html", {"intro": selectors.exam_intro(user=request.user, exam=exam),
                                                "exam": exam})


@login_required
@require_POST
def start(request: HttpRequest, exam_id: int) -> HttpResponse:
    exam = selectors.exam_get_for_learner(user=request.user, exam_id=exam_id)
    try:
        attempt = services.attempt_start(exam=exam, actor=request.user, **_client(request))
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("exams:intro", exam_id=exam.pk)
    return redirect("exams:paper", attempt_id=attempt.pk)


def _open_attempt(request: HttpRequest, attempt_id: int) -> Attempt:
    attempt = selectors.attempt_get_own(user=request.user, attempt_id=attempt_id)
    return services.attempt_finalize_if_overdue(attempt=attempt)


def _posted_answers(request: HttpRequest, attempt: Attempt) -> dict[int, object]:
    answers: dict[int, object] = {}
    for item in attempt.items.order_by("position"):
        name = f"q{item.position}"
        if item.kind == QuestionKind.FILL:
            if name in request.POST:
                answers[item.position] = request.POST.get(name, "")
        else:
            answers[item.position] = request.POST.getlist(name)
    return answers


def _timer_context(attempt: Attempt) -> dict:
    return {"seconds_left": selectors.seconds_left(attempt=attempt),
            "answer_url": f"/api/exams/attempts/{attempt.pk}/answers",
            "submit_url": reverse("exams:submit", args=[attempt.pk])}


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def paper(request: HttpRequest, attempt_id: int) -> HttpResponse:
    """GET: the paper. POST (交卷): save every answer on the form, then ask to confirm."""
    attempt = _open_attempt(request, attempt_id)
    if attempt.status == Attempt.Status.SUBMITTED:
        if attempt.ended_by == Attempt.EndedBy.DEADLINE:
            messages.info(request, "考试时间已到，系统已按截止前保存的答案自动交卷")
        return redirect("exams:result", attempt_id=attempt.pk)
    if request.method == "POST":
        try:
            services.attempt_answers_save(attempt=attempt, actor=request.user,
                                          answers=_posted_answers(request, attempt), **_client(request))
        except services.TimeOver as exc:
            messages.error(request, exc.message)
            return redirect("exams:result", attempt_id=attempt.pk)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("exams:paper", attempt_id=attempt.pk)
        return redirect("exams:confirm", attempt_id=attempt.pk)
    items = selectors.attempt_paper(attempt=attempt)
    return render(request, "exams/paper.html", {
        "attempt": attempt, "exam": attempt.exam, "sections": selectors.paper_sections(items),
        "answered": sum(1 for i in items if i.answered), "total": len(items), **_timer_context(attempt)})


@never_cache
@login_required
@require_GET
def confirm(request: HttpRequest, attempt_id: int) -> HttpResponse:
    attempt = _open_attempt(request, attempt_id)
    if attempt.status == Attempt.Status.SUBMITTED:
        return redirect("exams:result", attempt_id=attempt.pk)
    return render(request, "exams/confirm.html", {
        "attempt": attempt, "exam": attempt.exam, "unanswered": selectors.unanswered_positions(attempt=attempt),
        **_timer_context(attempt)})


@login_required
@require_POST
def submit(request: HttpRequest, attempt_id: int) -> HttpResponse:
    attempt = selectors.attempt_get_own(user=request.user, attempt_id=attempt_id)
    if attempt.status == Attempt.Status.IN_PROGRESS and any(key.startswith("q") for key in request.POST):
        # the countdown posts the paper itself when time runs out: keep what is still in time
        with contextlib.suppress(DomainError):
            services.attempt_answers_save(attempt=attempt, actor=request.user,
                                          answers=_posted_answers(request, attempt), **_client(request))
    attempt = services.attempt_submit(attempt=attempt, actor=request.user, **_client(request))
    if attempt.ended_by == Attempt.EndedBy.DEADLINE:
        messages.info(request, "考试时间已到，系统已按截止前保存的答案自动交卷")
    return redirect("exams:result", attempt_id=attempt.pk)


@never_cache
@login_required
@require_GET
def result(request: HttpRequest, attempt_id: int) -> HttpResponse:
    attempt = _open_attempt(request, attempt_id)
    if attempt.status != Attempt.Status.SUBMITTED:
        return redirect("exams:paper", attempt_id=attempt.pk)
    intro_ = selectors.exam_intro(user=request.user, exam=attempt.exam)
    return render(request, "exams/result.html", {"attempt": attempt, "exam": attempt.exam, "intro": intro_,
                                                 "review": selectors.attempt_review(attempt=attempt)})


# ---- learners: exercises ------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def exercise(request: HttpRequest, lesson_id: int) -> HttpResponse:
    """One question at a time; after an answer, at once: right or wrong, the answer and the explanation."""
    exercise = selectors.exercise_get_for_learner(user=request.user, lesson_id=lesson_id)
    rows = selectors.exercise_questions(exercise=exercise, person_id=request.user.person_id)
    if not rows:
        raise NotFound("该练习暂无题目")
    feedback = None
    try:
        position = int(request.POST.get("position") or request.GET.get("q") or 0)
    except ValueError:
        position = 0
    if not 1 <= position <= len(rows):
        position = next((r.position for r in rows if r.last_correct is None), 1)
    current = rows[position - 1]
    if request.method == "POST":
        raw = request.POST.get("answer", "") if current.kind == QuestionKind.FILL else request.POST.getlist("answer")
        try:
            feedback = services.exercise_answer(exercise=exercise, question_id=current.id, answer=raw,
                                                actor=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            rows = selectors.exercise_questions(exercise=exercise, person_id=request.user.person_id)
            current = rows[position - 1]
    return render(request, "exams/exercise.html", {
        "exercise": exercise, "lesson": exercise.lesson, "rows": rows, "current": current, "feedback": feedback,
        "next_position": position + 1 if position < len(rows) else None,
        "done": sum(1 for r in rows if r.last_correct is not None),
        "right": sum(1 for r in rows if r.last_correct)})
