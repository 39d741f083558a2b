"""站内通知: a message to one user inside the site (e.g. "您的提问有了新回复"), with a link to
what it is about. Other apps create them through ``services.notification_send``; the recipient
reads them on ``/notifications/`` and marks them read."""

from __future__ import annotations

from django.conf import settings
from django.db import models

# Labels of the kinds other apps send; an unknown kind is shown as "通知".
KIND_LABELS = {
    "question_threads.answered": "答疑回复",
    "question_threads.follow_up": "学员追问",
    "question_threads.closed": "答疑关闭",
    "general": "通知",
}


class Notification(models.Model):
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications",
                                  verbose_name="接收人")
    kind = models.CharField("类型", max_length=48)
    title = models.CharField("标题", max_length=120)
    body = models.TextField("内容", blank=True)
    link = models.CharField("链接", max_length=300, blank=True, help_text="站内相对地址，如 /questions/12/")
    created_at = models.DateTimeField("时间")
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    class Meta:
        verbose_name = "站内通知"
        verbose_name_plural = "站内通知"
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
            models.Index(fields=["recipient", "-created_at"], name="notification_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.recipient_id}: {self.title}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, "通知")
