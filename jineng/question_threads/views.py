"""答疑 pages: the overview and search, a course's questions, the ask form, a thread, and the
staff queue. Each view parses, calls one selector or service, and renders; a ``DomainError``
goes back beside the field it names, with nothing already stored lost."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jineng.common.errors import DomainError, PermissionDenied
from jineng.question_threads import forms, selectors, services

PAGE_SIZE = 20


def _form_error(form, exc: DomainError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def _rows_page(request: HttpRequest, qs):
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return page, selectors.rows_for(user=request.user, threads=page.object_list)


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """Every question the user may read, searchable, with the courses whose Q&A they can open."""
    form = forms.SearchForm(request.GET or None, show_mine=bool(request.user.person_id))
    page, rows = _rows_page(request, selectors.threads_search(user=request.user, **form.filters()))
    return render(request, "question_threads/index.html", {
        "form": form, "page": page, "rows": rows, "searching": bool(request.GET.get("q")),
        "courses": selectors.courses_with_threads_for(user=request.user),
        "is_answerer": selectors.user_is_answerer(user=request.user)})


@login_required
@require_GET
def course_threads(request: HttpRequest, course_id: int) -> HttpResponse:
    access = selectors.course_access(user=request.user, course_id=course_id)
    lessons = selectors.lessons_of_course(course=access.course)
    form = forms.SearchForm(request.GET or None, lessons=lessons, show_mine=access.enrolment is not None)
    page, rows = _rows_page(request, selectors.threads_search(user=request.user, course=access.course,
                                                              **form.filters()))
    return render(request, "question_threads/course.html", {
        "access": access, "course": access.course, "form": form, "page": page, "rows": rows,
        "searching": bool(request.GET.get("q")), "is_answerer": selectors.user_is_answerer(user=request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def ask(request: HttpRequest, course_id: int) -> HttpResponse:
    access = selectors.course_access(user=request.user, course_id=course_id)
    if access.enrolment is None:
        raise PermissionDenied("只有报名该课程的学员可以提问：请先在课程页报名学习")
    lessons = selectors.lessons_of_course(course=access.course)
    initial = {"idempotency_key": uuid.uuid4().hex, "lesson": request.GET.get("lesson") or None}
    form = forms.AskForm(request.POST or None, initial=initial, lessons=lessons)
    if request.method == "POST" and form.is_valid():
        try:
            asked = services.question_thread_ask(
                course=access.course, title=form.cleaned_data["title"], body=form.cleaned_data["body"],
                lesson=form.lesson_obj(), idempotency_key=form.cleaned_data["idempotency_key"], actor=request.user)
        except DomainError as exc:
            _form_error(form, exc)
        else:
            if asked.created:
                messages.success(request, "问题已提交。老师回复后，会在站内通知您。")
            else:
                messages.info(request, "您刚才已经提交过这个问题，不会重复提交。")
            return redirect("question_threads:thread", thread_id=asked.thread.pk)
    return render(request, "question_threads/ask.html", {"access": access, "course": access.course, "form": form},
                  status=400 if form.errors else 200)


def _thread_response(request: HttpRequest, thread_id: int, *, reply_form=None, close_form=None,
                     status: int = 200) -> HttpResponse:
    page = selectors.thread_page(user=request.user, thread_id=thread_id)
    reply_form = reply_form or forms.ReplyForm()
    if page.mine:
        reply_form.fields["body"].label = "追问或补充内容"
    return render(request, "question_threads/thread.html", {
        "p": page, "thread": page.thread, "reply_form": reply_form, "close_form": close_form or forms.CloseForm()},
        status=status)


@login_required
@require_GET
def thread_detail(request: HttpRequest, thread_id: int) -> HttpResponse:
    return _thread_response(request, thread_id)


@login_required
@require_POST
def thread_reply(request: HttpRequest, thread_id: int) -> HttpResponse:
    thread = selectors.thread_get_visible(user=request.user, thread_id=thread_id)
    form = forms.ReplyForm(request.POST)
    form.is_valid()
    try:
        reply = services.question_thread_reply(thread=thread, body=form.cleaned_data.get("body", ""),
                                               actor=request.user)
    except DomainError as exc:
        if exc.status != 400:
            raise
        _form_error(form, exc)
        return _thread_response(request, thread_id, reply_form=form, status=400)
    messages.success(request, "追问已发送，等待老师回复" if thread.asker_id == request.user.pk
                     else "回复已发送，提问学员会收到站内通知")
    return redirect(f"{selectors.thread_url(thread)}#reply-{reply.pk}")


@login_required
@require_POST
def thread_resolve(request: HttpRequest, thread_id: int) -> HttpResponse:
    thread = selectors.thread_get_visible(user=request.user, thread_id=thread_id)
    services.question_thread_resolve(thread=thread, actor=request.user)
    messages.success(request, "已将问题标为已解决，感谢反馈")
    return redirect("question_threads:thread", thread_id=thread.pk)


@login_required
@require_POST
def thread_close(request: HttpRequest, thread_id: int) -> HttpResponse:
    thread = selectors.thread_get_visible(user=request.user, thread_id=thread_id)
    form = forms.CloseForm(request.POST)
    form.is_valid()
    try:
        services.question_thread_close(thread=thread, reason=form.cleaned_data.get("reason", ""), actor=request.user)
    except DomainError as exc:
        if exc.status != 400:
            raise
        _form_error(form, exc)
        return _thread_response(request, thread_id, close_form=form, status=400)
    messages.success(request, "问题已关闭，提问学员会收到站内通知")
    return redirect("question_threads:thread", thread_id=thread.pk)


@login_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    """Staff: questions waiting for an answer, the longest waiting first."""
    if not selectors.user_is_answerer(user=request.user):
        raise PermissionDenied("待回复队列只对授课老师、线上培训管理员和系统管理员开放")
    course_id = request.GET.get("course")
    course_id = int(course_id) if course_id and course_id.isdigit() else None
    page, rows = _rows_page(request, selectors.threads_waiting(user=request.user, course_id=course_id))
    return render(request, "question_threads/queue.html", {
        "page": page, "rows": rows, "course_id": course_id, "long_wait_seconds": 48 * 3600,
        "courses": selectors.courses_with_threads_for(user=request.user), "is_answerer": True})
