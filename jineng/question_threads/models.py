"""答疑 (Q&A): per course, a learner asks, the course's teachers (or the learner's training
administrator) answer, the learner may follow up, and marks the question resolved.

The workflow (``TRANSITIONS``)::

    (ask) ──▶ open ──answer──▶ answered ──resolve──▶ resolved
               ▲  │              │  │
               │  └─follow_up◀───┘  └──close──▶ closed
               └─────────────────────
    open ──resolve──▶ resolved      open ──close──▶ closed

``open`` means "waiting for staff": a new question, or a learner's follow-up after an answer.
One service per transition (``services``); each appends a ``QuestionThreadEvent``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class ThreadStatus(models.TextChoices):
    OPEN = "open", "待回复"
    ANSWERED = "answered", "已回复"
    RESOLVED = "resolved", "已解决"
    CLOSED = "closed", "已关闭"


ACTIVE_STATUSES = {ThreadStatus.OPEN, ThreadStatus.ANSWERED}

# transition: (allowed from, to)
TRANSITIONS = {
    "answer": (ACTIVE_STATUSES, ThreadStatus.ANSWERED),
    "follow_up": (ACTIVE_STATUSES, ThreadStatus.OPEN),
    "resolve": (ACTIVE_STATUSES, ThreadStatus.RESOLVED),
    "close": (ACTIVE_STATUSES, ThreadStatus.CLOSED),
}
TRANSITION_LABELS = {"ask": "提问", "answer": "回复", "follow_up": "追问", "resolve": "标为已解决", "close": "关闭"}


class QuestionThread(models.Model):
    course = models.ForeignKey("courses.Course", on_delete=models.PROTECT, related_name="question_threads",
                               verbose_name="课程")
    lesson = models.ForeignKey("courses.Lesson", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="question_threads", verbose_name="课件")
    enrolment = models.ForeignKey("learning.Enrolment", on_delete=models.PROTECT, related_name="question_threads",
                                  verbose_name="提问人的报名")
    asker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="question_threads",
                              verbose_name="提问人")
    title = models.CharField("问题", max_length=80)
    body = models.TextField("问题描述")
    status = models.CharField("状态", max_length=12, choices=ThreadStatus.choices, default=ThreadStatus.OPEN)
    idempotency_key = models.CharField(max_length=64, blank=True, editable=False,
                                       help_text="表单或接口给出的防重复提交标识")
    content_digest = models.CharField(max_length=64, editable=False, help_text="SHA-256(课程, 问题, 描述)")
    created_at = models.DateTimeField("提问时间")
    last_activity_at = models.DateTimeField("最近动态")
    waiting_since = models.DateTimeField("等待回复自", null=True, blank=True,
                                         help_text="学员最近一次未获回复的提问或追问的时间；已回复或已办结为空")
    first_answered_at = models.DateTimeField("首次回复", null=True, blank=True)
    reply_count = models.PositiveIntegerField("回复数", default=0)
    resolved_at = models.DateTimeField("解决时间", null=True, blank=True)
    closed_at = models.DateTimeField("关闭时间", null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    close_reason = models.CharField("关闭原因", max_length=200, blank=True)

    class Meta:
        verbose_name = "答疑"
        verbose_name_plural = "答疑"
        constraints = [
            models.UniqueConstraint(fields=["asker", "idempotency_key"], condition=~Q(idempotency_key=""),
                                    name="question_thread_idempotent"),
            models.CheckConstraint(name="question_thread_waiting_only_when_open",
                                   condition=Q(status="open", waiting_since__isnull=False)
                                   | (~Q(status="open") & Q(waiting_since__isnull=True))),
        ]
        indexes = [
            models.Index(fields=["course", "-last_activity_at"], name="question_thread_course"),
            models.Index(fields=["status", "waiting_since"], name="question_thread_queue"),
            models.Index(fields=["asker", "content_digest", "created_at"], name="question_thread_dedupe"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES


class ReplyRole(models.TextChoices):
    ASKER = "asker", "提问学员"
    TEACHER = "teacher", "授课老师"
    TRAINING_ADMIN = "training_admin", "培训管理员"
    SYSTEM_ADMIN = "system_admin", "系统管理员"


STAFF_REPLY_ROLES = {ReplyRole.TEACHER, ReplyRole.TRAINING_ADMIN, ReplyRole.SYSTEM_ADMIN}


class QuestionReply(models.Model):
    thread = models.ForeignKey(QuestionThread, on_delete=models.PROTECT, related_name="replies")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    author_role = models.CharField("回复人身份", max_length=16, choices=ReplyRole.choices)
    body = models.TextField("内容")
    created_at = models.DateTimeField("时间")

    class Meta:
        verbose_name = "答疑回复"
        verbose_name_plural = "答疑回复"
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.thread_id} #{self.pk}"

    @property
    def is_staff_reply(self) -> bool:
        return self.author_role in STAFF_REPLY_ROLES


class QuestionThreadEvent(models.Model):
    """One row per transition of a thread (and one for the question itself)."""

    thread = models.ForeignKey(QuestionThread, on_delete=models.PROTECT, related_name="events")
    transition = models.CharField("操作", max_length=16)
    from_status = models.CharField("原状态", max_length=12, blank=True)
    to_status = models.CharField("新状态", max_length=12)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reply = models.ForeignKey(QuestionReply, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField("时间")
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "答疑记录"
        verbose_name_plural = "答疑记录"
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.thread_id} {self.transition} → {self.to_status}"

    @property
    def transition_label(self) -> str:
        return TRANSITION_LABELS.get(self.transition, self.transition)
