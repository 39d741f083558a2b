"""Reads of notifications. A user only ever sees their own: there is no other scope."""

from __future__ import annotations

from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet

from jineng.common.errors import NotFound
from jineng.notifications.models import Notification


def unread_count(*, user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notifications_for(*, user, unread_only: bool = False, kind: str = "") -> QuerySet[Notification]:
    """``user``'s notifications: unread first, then newest first."""
    if not getattr(user, "is_authenticated", False):
        return Notification.objects.none()
    qs = Notification.objects.filter(recipient=user)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    if kind:
        qs = qs.filter(kind=kind)
    unread = ExpressionWrapper(Q(read_at__isnull=True), output_field=BooleanField())
    return qs.annotate(unread=unread).order_by("-unread", "-created_at", "-pk")


def notification_get_own(*, user, notification_id: int) -> Notification:
    notification = Notification.objects.filter(pk=notification_id, recipient_id=getattr(user, "pk", None)).first() \
        if getattr(user, "is_authenticated", False) else None
    if notification is None:
        raise NotFound("通知不存在或已被删除")
    return notification
