"""Offline practical sessions (线下实操) of blended projects, the learners' QR sign-ins, and the
cities' suspensions of offline training.

鲁人社字〔2020〕11号 二: theory online first, "实际操作部分待疫情结束后再行组织"; 攀人社发〔2020〕33号
二: after the epidemic, learners "完成剩余理论课程和实操课程学习达到规定学时". A blended project
(``Project.delivery == "blended"``) schedules ``PracticalSession`` rows; learners on its roster
sign in on site by scanning a QR code that changes every minute (``codes``); a city suspends all
offline sessions of its organisations with a ``PracticalSuspension`` (鲁人社字〔2020〕11号 一
"全面暂停各级各类聚集性职业技能培训活动，恢复时间视疫情防控情况另行通知").

``PracticalSession.state`` changes only in ``services`` through ``TRANSITIONS``, each transition
appending a ``PracticalSessionEvent``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class SessionState(models.TextChoices):
    SCHEDULED = "scheduled", "已安排"
    CANCELLED = "cancelled", "已取消"
    HELD = "held", "已举行"


# (transition, from states, to state): the only ways ``PracticalSession.state`` changes.
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "cancel": (frozenset({SessionState.SCHEDULED}), SessionState.CANCELLED),
    "hold": (frozenset({SessionState.SCHEDULED}), SessionState.HELD),
}

TRANSITION_LABELS = {
    "schedule": "安排实操",
    "cancel": "取消",
    "hold": "确认已举行",
}


class PracticalSession(models.Model):
    """One offline practical session (实操课) of a blended project."""

    project = models.ForeignKey("projects.Project", on_delete=models.PROTECT, related_name="practical_sessions",
                                verbose_name="培训项目")
    outline_module = models.ForeignKey("projects.OutlineModule", null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="practical_sessions", verbose_name="大纲模块（线下实操）")
    title = models.CharField("实操内容", max_length=128)
    location = models.CharField("地点（详细地址）", max_length=200)
    starts_at = models.DateTimeField("开始时间")
    ends_at = models.DateTimeField("结束时间")
    credited_minutes = models.PositiveIntegerField("计入时长（分钟）", help_text="默认为开始至结束的时长")
    trainer_name = models.CharField("实操指导教师", max_length=64)
    capacity = models.PositiveIntegerField("场地容量（人）")
    state = models.CharField("状态", max_length=12, choices=SessionState.choices, default=SessionState.SCHEDULED)
    secret = models.CharField(max_length=64, editable=False, help_text="签到二维码的密钥，只在服务器端使用")
    cancel_reason = models.TextField("取消原因", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("安排时间")

    class Meta:
        verbose_name = "线下实操"
        verbose_name_plural = "线下实操"
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["project", "starts_at"], name="practical_project_start")]
        constraints = [
            models.CheckConstraint(name="practical_ends_after_start", condition=models.Q(ends_at__gt=models.F("starts_at"))),
            models.CheckConstraint(name="practical_minutes_positive", condition=models.Q(credited_minutes__gt=0)),
            models.CheckConstraint(name="practical_capacity_positive", condition=models.Q(capacity__gt=0)),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def length_minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)


class PracticalSessionEvent(models.Model):
    """One row per transition of a session (and one for its scheduling)."""

    session = models.ForeignKey(PracticalSession, on_delete=models.PROTECT, related_name="events")
    transition = models.CharField("操作", max_length=16)
    from_state = models.CharField("原状态", max_length=12, blank=True)
    to_state = models.CharField("新状态", max_length=12)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField("时间")
    comment = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = "实操记录"
        verbose_name_plural = "实操记录"
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.session_id} {self.transition} → {self.to_state}"

    def get_transition_label(self) -> str:
        return TRANSITION_LABELS.get(self.transition, self.transition)


class PracticalSignIn(models.Model):
    """A learner's on-site sign-in (签到), made by scanning the session's current QR code.
    Server time, once per session and person."""

    class Method(models.TextChoices):
        QR = "qr", "扫码签到"

    session = models.ForeignKey(PracticalSession, on_delete=models.PROTECT, related_name="sign_ins")
    person = models.ForeignKey("identity.Person", on_delete=models.PROTECT, related_name="practical_sign_ins")
    roster_entry = models.ForeignKey("projects.RosterEntry", on_delete=models.PROTECT, related_name="practical_sign_ins")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField("签到时间")
    scanned_at = models.DateTimeField("扫码时间", help_text="扫码后先登录的，为登录前扫码的服务器时间")
    ip = models.GenericIPAddressField("IP 地址", null=True, blank=True)
    device_label = models.CharField("设备", max_length=120, blank=True)
    method = models.CharField("方式", max_length=8, choices=Method.choices, default=Method.QR)

    class Meta:
        verbose_name = "实操签到"
        verbose_name_plural = "实操签到"
        ordering = ["session_id", "signed_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "person"], name="practical_sign_in_once"),
        ]

    def __str__(self) -> str:
        return f"{self.session_id} · {self.person_id}"


class PracticalSuspension(models.Model):
    """A city's suspension of offline training sessions, open until lifted. At most one open per city."""

    city = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="practical_suspensions",
                             verbose_name="城市")
    reason = models.TextField("暂停原因")
    document_number = models.CharField("文号", max_length=64)
    started_at = models.DateTimeField("暂停时间")
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    lifted_at = models.DateTimeField("恢复时间", null=True, blank=True)
    lifted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    lift_document_number = models.CharField("恢复通知文号", max_length=64, blank=True)

    class Meta:
        verbose_name = "线下培训暂停"
        verbose_name_plural = "线下培训暂停"
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["city"], condition=models.Q(lifted_at__isnull=True),
                                    name="practical_one_open_suspension_per_city"),
            models.CheckConstraint(name="practical_lifted_after_start",
                                   condition=models.Q(lifted_at__isnull=True) | models.Q(lifted_at__gte=models.F("started_at"))),
        ]

    def __str__(self) -> str:
        return f"{self.city_id} {self.document_number}"

    @property
    def is_open(self) -> bool:
        return self.lifted_at is None
