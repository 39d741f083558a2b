"""Integrity flags: a suspicion raised by a detector (exam collusion today; idle playing, overlapping
sessions, one device for many learners later), put in front of the reviewers of its region, and
decided by one of them with a note. A flag is generic: its ``kind`` names the detector, its
``evidence`` is the detector's JSON, its ``subject_type``/``subject_id`` point at what it is about."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class Flag(models.Model):
    class Kind(models.TextChoices):
        EXAM_COLLUSION = "exam_collusion", "考试雷同（疑似串通作答）"

    class Severity(models.TextChoices):
        LOW = "low", "低"
        MEDIUM = "medium", "中"
        HIGH = "high", "高"

    class Status(models.TextChoices):
        OPEN = "open", "待核查"
        CONFIRMED = "confirmed", "已确认"
        DISMISSED = "dismissed", "已排除"

    kind = models.CharField("类型", max_length=32)
    severity = models.CharField("严重程度", max_length=8, choices=Severity.choices)
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.OPEN)
    title = models.CharField("摘要", max_length=200)
    persons = models.ManyToManyField("identity.Person", related_name="integrity_flags", verbose_name="涉及人员")
    organization = models.ForeignKey("organizations.Organization", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", verbose_name="所属单位")
    region_code = models.CharField("所属区划", max_length=6, db_index=True,
                                   help_text="决定哪些审核人员能看到：县区审核员看本县，市级看全市")
    subject_type = models.CharField(max_length=64, blank=True)
    subject_id = models.CharField(max_length=64, blank=True)
    dedupe_key = models.CharField(max_length=200, blank=True,
                                  help_text="同一检测对同一对象只产生一条标记（如 exam_collusion:考试:人员A:人员B）")
    evidence = models.JSONField("证据", default=dict)
    created_at = models.DateTimeField("发现时间")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name="核查人")
    decided_at = models.DateTimeField("核查时间", null=True, blank=True)
    decision_note = models.TextField("核查意见", blank=True)

    class Meta:
        verbose_name = "诚信风险标记"
        verbose_name_plural = "诚信风险标记"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["dedupe_key"], condition=~Q(dedupe_key=""), name="flag_dedupe_key_unique"),
            models.CheckConstraint(name="flag_decided_has_decider",
                                   condition=Q(status="open") | Q(decided_by__isnull=False, decided_at__isnull=False)),
        ]
        indexes = [models.Index(fields=["status", "region_code"], name="flag_queue")]

    def __str__(self) -> str:
        return self.title

    @property
    def kind_label(self) -> str:
        try:
            return Flag.Kind(self.kind).label
        except ValueError:
            return self.kind
