"""培训合格证书 (certificate kind ``training``): issued once per enrolment when the enrolment is
complete (see ``selectors.enrolment_completion``), checked by anyone on a public page whose
address carries an unguessable token.

The certificate is a small workflow: ``status`` changes only in ``services`` through the
transitions of ``TRANSITIONS`` below, each of which appends a ``CertificateEvent``.

* ``number`` — ``JN-<year>-<6 digits>``, the year of issue in Asia/Shanghai, allocated from the
  locked ``CertificateNumberSeries`` row of that year (no gaps under concurrency, no duplicates:
  a unique constraint backs it);
* the verification token — 192 random bits from ``secrets``, kept encrypted at rest
  (``EncryptedTextField``, so the PDF's QR code can be drawn again) and looked up by its keyed
  digest (``token_digest``), so the table alone neither yields working addresses nor lets anyone
  look a certificate up by its number;
* what the certificate says is frozen at issue: course title, occupation, level, provider, class
  hours, credited minutes and the final assessment's score.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from jineng.common.fields import EncryptedTextField


class CertificateKind(models.TextChoices):
    TRAINING = "training", "培训合格证书"


class CertificateStatus(models.TextChoices):
    VALID = "valid", "有效"
    REVOKED = "revoked", "已撤销"


# transition → (allowed from-states, to-state); "" is "no certificate yet".
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "issue": (frozenset({""}), CertificateStatus.VALID),
    "revoke": (frozenset({CertificateStatus.VALID}), CertificateStatus.REVOKED),
}
TRANSITION_LABELS = {"issue": "发放证书", "revoke": "撤销证书"}


class CertificateNumberSeries(models.Model):
    """The last number allocated in one year; locked (``select_for_update``) while a number is taken."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "证书编号序列"
        verbose_name_plural = "证书编号序列"

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class Certificate(models.Model):
    kind = models.CharField("证书类型", max_length=16, choices=CertificateKind.choices, default=CertificateKind.TRAINING)
    number = models.CharField("证书编号", max_length=20, unique=True)
    status = models.CharField("状态", max_length=8, choices=CertificateStatus.choices, default=CertificateStatus.VALID)
    enrolment = models.OneToOneField("learning.Enrolment", on_delete=models.PROTECT, related_name="certificate",
                                     verbose_name="报名")
    person = models.ForeignKey("identity.Person", on_delete=models.PROTECT, related_name="certificates",
                               verbose_name="持证人")
    course = models.ForeignKey("courses.Course", on_delete=models.PROTECT, related_name="certificates",
                               verbose_name="课程")
    # frozen at issue
    course_title = models.CharField("培训课程", max_length=120)
    occupation_name = models.CharField("职业（工种）", max_length=100)
    occupation_code = models.CharField("职业编码", max_length=20)
    level = models.PositiveSmallIntegerField("等级", null=True, blank=True)
    provider_name = models.CharField("培训单位", max_length=200)
    class_hours = models.PositiveIntegerField("学时")
    credited_minutes = models.PositiveIntegerField("计入学时的学习时长（分钟）")
    final_score = models.DecimalField("结业考核成绩", max_digits=7, decimal_places=2)
    final_max_score = models.DecimalField("结业考核满分", max_digits=7, decimal_places=2)
    issued_at = models.DateTimeField("发证时间")
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+", help_text="空表示系统定时任务发放")
    # the public check
    token = EncryptedTextField("核验令牌")
    token_digest = models.CharField(max_length=64, unique=True, editable=False)
    # revocation
    revoked_at = models.DateTimeField("撤销时间", null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    revoke_reason = models.CharField("撤销原因", max_length=200, blank=True)

    class Meta:
        verbose_name = "培训合格证书"
        verbose_name_plural = "培训合格证书"
        ordering = ["-issued_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="certificate_revocation_consistent",
                condition=(Q(status="valid", revoked_at__isnull=True, revoke_reason="")
                           | (Q(status="revoked", revoked_at__isnull=False) & ~Q(revoke_reason=""))),
            ),
        ]
        indexes = [models.Index(fields=["person", "issued_at"], name="certificate_person_issued")]

    def __str__(self) -> str:
        return f"{self.number}（{self.course_title}）"

    @property
    def is_valid(self) -> bool:
        return self.status == CertificateStatus.VALID


class CertificateEvent(models.Model):
    """One row per transition of a certificate."""

    certificate = models.ForeignKey(Certificate, on_delete=models.PROTECT, related_name="events")
    transition = models.CharField("操作", max_length=16)
    from_status = models.CharField("原状态", max_length=8, blank=True)
    to_status = models.CharField("新状态", max_length=8)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    at = models.DateTimeField("时间")
    comment = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "证书记录"
        verbose_name_plural = "证书记录"
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.certificate_id} {self.transition} → {self.to_status}"

    def get_transition_label(self) -> str:
        return TRANSITION_LABELS.get(self.transition, self.transition)
