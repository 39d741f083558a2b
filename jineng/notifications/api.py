"""Notifications API (mounted at /api/notifications/): the signed-in user's own notifications.
State-changing calls need the session cookie and ``X-CSRFToken`` (``jineng.api``)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from jineng.notifications import selectors, services
from jineng.notifications.models import Notification

router = Router(tags=["notifications"])


class NotificationOut(Schema):
    id: int
    kind: str
    kind_label: str
    title: str
    body: str
    link: str
    created_at: dt.datetime
    read_at: dt.datetime | None
    is_read: bool


class NotificationListOut(Schema):
    unread: int
    total: int
    items: list[NotificationOut]


class ListFilters(Schema):
    unread_only: bool = False
    limit: int = Field(20, ge=1, le=100)
    offset: int = Field(0, ge=0)


class UnreadOut(Schema):
    unread: int


class ReadAllOut(Schema):
    marked: int
    unread: int


def _out(n: Notification) -> dict:
    return {"id": n.pk, "kind": n.kind, "kind_label": n.kind_label, "title": n.title, "body": n.body, "link": n.link,
            "created_at": n.created_at, "read_at": n.read_at, "is_read": n.read_at is not None}


@router.get("/", response=NotificationListOut, summary="我的站内通知（未读在前）")
def notification_list(request: HttpRequest, filters: Query[ListFilters]):
    qs = selectors.notifications_for(user=request.auth, unread_only=filters.unread_only)
    items = list(qs[filters.offset:filters.offset + filters.limit])
    return {"unread": selectors.unread_count(user=request.auth), "total": qs.count(), "items": [_out(n) for n in items]}


@router.get("/unread-count", response=UnreadOut, summary="未读通知数（页头角标）")
def notification_unread_count(request: HttpRequest):
    return {"unread": selectors.unread_count(user=request.auth)}


@router.post("/read-all", response=ReadAllOut, summary="全部标为已读")
def notifications_read_all(request: HttpRequest):
    marked = services.notifications_mark_all_read(actor=request.auth)
    return {"marked": marked, "unread": selectors.unread_count(user=request.auth)}


@router.post("/{int:notification_id}/read", response=NotificationOut, summary="标为已读")
def notification_read(request: HttpRequest, notification_id: int):
    notification = selectors.notification_get_own(user=request.auth, notification_id=notification_id)
    return _out(services.notification_mark_read(notification=notification, actor=request.auth))
