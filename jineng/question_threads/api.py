"""答疑 API (mounted at /api/questions/): search, ask, read a thread, reply, resolve, close, and
the staff queue. Session auth with CSRF on every state-changing call (``jineng.api``); domain
errors come back as ``{"error": {"code", "message", "field"}}`` before anything is stored.

Asking is idempotent: send the same ``idempotency_key`` again (or the same title and question
within ten minutes) and you get the first thread back with status 200 and ``created: false``."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from jineng.common import clock
from jineng.common.errors import DomainError
from jineng.courses.models import Lesson
from jineng.question_threads import selectors, services
from jineng.question_threads.models import QuestionReply, ThreadStatus
from jineng.question_threads.services import MAX_BODY, MAX_CLOSE_REASON, MAX_REPLY

router = Router(tags=["question_threads"])


class ThreadOut(Schema):
    id: int
    url: str
    course_id: int
    course_title: str
    lesson_id: int | None
    lesson_title: str | None
    title: str
    status: str
    status_label: str
    asker: str
    mine: bool
    reply_count: int
    created_at: dt.datetime
    last_activity_at: dt.datetime
    waiting_since: dt.datetime | None
    waiting_seconds: int | None


class ThreadListOut(Schema):
    total: int
    items: list[ThreadOut]


class ReplyOut(Schema):
    id: int
    author: str
    author_role: str
    author_role_label: str
    body: str
    created_at: dt.datetime


class ThreadDetailOut(ThreadOut):
    body: str
    created: bool | None = None
    can_reply: bool
    can_resolve: bool
    can_close: bool
    close_reason: str
    replies: list[ReplyOut]


class SearchFilters(Schema):
    q: str = Field("", max_length=100, description="标题、描述或回复中的文字（空格分隔多个词，须全部出现）")
    unanswered: bool = False
    mine: bool = False
    status: str = ""
    lesson_id: int | None = None
    limit: int = Field(20, ge=1, le=100)
    offset: int = Field(0, ge=0)


class AskIn(Schema):
    title: str = Field(..., max_length=200)
    body: str = Field(..., max_length=MAX_BODY * 2)
    lesson_id: int | None = None
    idempotency_key: str = Field("", max_length=64)


class ReplyIn(Schema):
    body: str = Field(..., max_length=MAX_REPLY * 2)


class CloseIn(Schema):
    reason: str = Field(..., max_length=MAX_CLOSE_REASON * 2)


def _row_out(row: selectors.ThreadRow) -> dict:
    t = row.thread
    return {"id": t.pk, "url": selectors.thread_url(t), "course_id": t.course_id, "course_title": t.course.title,
            "lesson_id": t.lesson_id, "lesson_title": t.lesson.title if t.lesson_id else None, "title": t.title,
            "status": t.status, "status_label": ThreadStatus(t.status).label, "asker": row.asker_label,
            "mine": row.mine, "reply_count": t.reply_count, "created_at": t.created_at,
            "last_activity_at": t.last_activity_at, "waiting_since": t.waiting_since,
            "waiting_seconds": int(row.waiting_seconds) if row.waiting_seconds is not None else None}


def _list_out(request: HttpRequest, qs, limit: int, offset: int) -> dict:
    threads = list(qs[offset:offset + limit])
    return {"total": qs.count(), "items": [_row_out(r) for r in selectors.rows_for(user=request.auth, threads=threads)]}


def _reply_out(reply: QuestionReply, page: selectors.ThreadPage) -> dict:
    author = page.asker_label if reply.author_role == "asker" else str(reply.author)
    return {"id": reply.pk, "author": author, "author_role": reply.author_role,
            "author_role_label": reply.get_author_role_display(), "body": reply.body, "created_at": reply.created_at}


def _detail_out(request: HttpRequest, thread_id: int, *, created: bool | None = None) -> dict:
    page = selectors.thread_page(user=request.auth, thread_id=thread_id)
    row = selectors.rows_for(user=request.auth, threads=[page.thread], now=clock.now())[0]
    return {**_row_out(row), "body": page.thread.body, "created": created, "can_reply": page.can_reply,
            "can_resolve": page.can_resolve, "can_close": page.can_close,
            "close_reason": page.thread.close_reason, "replies": [_reply_out(r, page) for r in page.replies]}


def _filters(filters: SearchFilters) -> dict:
    return {"q": filters.q, "unanswered": filters.unanswered, "mine": filters.mine, "status": filters.status,
            "lesson_id": filters.lesson_id}


@router.get("/threads", response=ThreadListOut, summary="搜索我可以查看的答疑")
def threads_search(request: HttpRequest, filters: Query[SearchFilters]):
    qs = selectors.threads_search(user=request.auth, **_filters(filters))
    return _list_out(request, qs, filters.limit, filters.offset)


@router.get("/courses/{int:course_id}/threads", response=ThreadListOut, summary="课程答疑列表与搜索")
def course_threads(request: HttpRequest, course_id: int, filters: Query[SearchFilters]):
    access = selectors.course_access(user=request.auth, course_id=course_id)
    qs = selectors.threads_search(user=request.auth, course=access.course, **_filters(filters))
    return _list_out(request, qs, filters.limit, filters.offset)


@router.post("/courses/{int:course_id}/threads", response={200: ThreadDetailOut, 201: ThreadDetailOut},
             summary="学员提问（可带 idempotency_key 防重复提交）")
def thread_ask(request: HttpRequest, course_id: int, payload: AskIn):
    access = selectors.course_access(user=request.auth, course_id=course_id)
    lesson = None
    if payload.lesson_id is not None:
        lesson = Lesson.objects.select_related("module").filter(pk=payload.lesson_id).first()
        if lesson is None:
            raise DomainError("lesson_not_in_course", "所选课件不存在，请重新选择（也可以不选）", field="lesson_id")
    asked = services.question_thread_ask(course=access.course, title=payload.title, body=payload.body, lesson=lesson,
                                         idempotency_key=payload.idempotency_key, actor=request.auth)
    return Status(201 if asked.created else 200, _detail_out(request, asked.thread.pk, created=asked.created))


@router.get("/threads/{int:thread_id}", response=ThreadDetailOut, summary="问题与全部回复")
def thread_detail(request: HttpRequest, thread_id: int):
    return _detail_out(request, thread_id)


@router.post("/threads/{int:thread_id}/replies", response={201: ThreadDetailOut},
             summary="回复（老师、培训管理员）或追问（提问学员）")
def thread_reply(request: HttpRequest, thread_id: int, payload: ReplyIn):
    thread = selectors.thread_get_visible(user=request.auth, thread_id=thread_id)
    services.question_thread_reply(thread=thread, body=payload.body, actor=request.auth)
    return Status(201, _detail_out(request, thread_id))


@router.post("/threads/{int:thread_id}/resolve", response=ThreadDetailOut, summary="提问学员标为已解决")
def thread_resolve(request: HttpRequest, thread_id: int):
    thread = selectors.thread_get_visible(user=request.auth, thread_id=thread_id)
    services.question_thread_resolve(thread=thread, actor=request.auth)
    return _detail_out(request, thread_id)


@router.post("/threads/{int:thread_id}/close", response=ThreadDetailOut, summary="老师或管理员关闭问题（须说明原因）")
def thread_close(request: HttpRequest, thread_id: int, payload: CloseIn):
    thread = selectors.thread_get_visible(user=request.auth, thread_id=thread_id)
    services.question_thread_close(thread=thread, reason=payload.reason, actor=request.auth)
    return _detail_out(request, thread_id)


class QueueFilters(Schema):
    course_id: int | None = None
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0)


@router.get("/queue", response=ThreadListOut, summary="待回复队列（等待最久的在前）")
def queue(request: HttpRequest, filters: Query[QueueFilters]):
    qs = selectors.threads_waiting(user=request.auth, course_id=filters.course_id)
    return _list_out(request, qs, filters.limit, filters.offset)
