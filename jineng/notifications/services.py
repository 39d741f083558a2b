"""Every write about in-site notifications.

``notification_send`` is for other apps: call it inside your own ``transaction.atomic()`` (it
joins it, so the notification exists exactly when your write commits). The recipient marks
notifications read; nobody else can touch them.
"""

from __future__ import annotations

import re

from django.db import transaction
from django.utils.http import url_has_allowed_host_and_scheme

from jineng.audit.services import audit_record
from jineng.common import clock
from jineng.common.errors import DomainError, NotFound
from jineng.identity.models import User
from jineng.notifications.models import Notification

MAX_TITLE = 120
MAX_BODY = 2000
MAX_LINK = 300
KIND_PATTERN = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _clean_link(link: str) -> str:
    link = (link or "").strip()
    if not link:
        return ""
    if (len(link) > MAX_LINK or not link.startswith("/") or link.startswith(("//", "/\\")) or _CONTROL.search(link)
            or any(c.isspace() for c in link) or not url_has_allowed_host_and_scheme(link, allowed_hosts=set())):
        raise DomainError("notification_link_invalid", "通知链接必须是本站的相对地址（以 / 开头，不超过 300 个字符）",
                          field="link")
    return link


def notification_send(*, recipient: User, kind: str, title: str, body: str = "", link: str = "",
                      actor: User | None = None) -> Notification:
    """Put a notification in ``recipient``'s list. ``kind`` is a dotted lower-case name
    (``question_threads.answered``); ``link`` a same-site path. Over-long titles and bodies are
    shortened with "…" rather than failing the caller's write. ``actor`` is who caused it
    (``None`` for the system); it only goes into the audit entry."""
    if recipient is None or recipient.pk is None:
        raise DomainError("notification_recipient_required", "通知必须有已注册的接收人", field="recipient")
    if not KIND_PATTERN.match(kind or "") or len(kind) > 48:
        raise DomainError("notification_kind_invalid", "通知类型应为小写点分名称，如 question_threads.answered",
                          field="kind")
    title = _shorten(" ".join(_CONTROL.sub("", title or "").split()), MAX_TITLE)
    if not title:
        raise DomainError("notification_title_required", "请填写通知标题", field="title")
    body = _shorten(_CONTROL.sub("", (body or "").replace("\r\n", "\n")).strip(), MAX_BODY)
    link = _clean_link(link)
    with transaction.atomic():
        notification = Notification.objects.create(recipient=recipient, kind=kind, title=title, body=body, link=link,
                                                   created_at=clock.now())
        audit_record(actor=actor, action="notifications.notification.send", target=notification,
                     summary={"recipient": recipient.pk, "kind": kind})
    return notification


def notification_mark_read(*, notification: Notification, actor: User) -> Notification:
    """The recipient marks one notification read; reading it again changes nothing."""
    if actor is None or not actor.is_authenticated or notification.recipient_id != actor.pk:
        raise NotFound("通知不存在")
    if notification.read_at is not None:
        return notification
    with transaction.atomic():
        locked = Notification.objects.select_for_update().get(pk=notification.pk)
        if locked.read_at is not None:
            return locked
        locked.read_at = clock.now()
        locked.save(update_fields=["read_at"])
        audit_record(actor=actor, action="notifications.notification.read", target=locked,
                     summary={"kind": locked.kind})
    return locked


def notifications_mark_all_read(*, actor: User) -> int:
    """Mark every unread notification of ``actor`` read; returns how many there were."""
    if actor is None or not actor.is_authenticated:
        raise NotFound("通知不存在")
    with transaction.atomic():
        count = Notification.objects.filter(recipient=actor, read_at__isnull=True).update(read_at=clock.now())
        if count:
            audit_record(actor=actor, action="notifications.notification.read_all",
                         target_type="identity.user", target_id=str(actor.pk), summary={"count": count})
    return count
