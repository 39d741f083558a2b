from django.conf import settings
from django.db import models

from jineng.common.fields import EncryptedTextField


class Organization(models.Model):
    """An enterprise (企业) or training institution (培训机构), identified by its unified
    social credit code (GB 32100)."""

    class Kind(models.TextChoices):
        ENTERPRISE = "enterprise", "企业"
        INSTITUTION = "institution", "培训机构/院校"

    class Size(models.TextChoices):
        SME = "sme", "中小微企业"
        LARGE = "large", "大型企业"

    kind = models.CharField("类型", max_length=16, choices=Kind.choices)
    name = models.CharField("单位名称", max_length=128)
    credit_code = models.CharField("统一社会信用代码", max_length=18, unique=True)
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="organizations",
                               verbose_name="所在县（市、区）")
    address = models.CharField("注册地址", max_length=200)
    legal_representative = models.CharField("法定代表人", max_length=64)
    contact_phone = models.CharField("联系电话", max_length=32, blank=True)
    size = models.CharField("企业规模", max_length=8, choices=Size.choices, blank=True)
    bank_account_name = models.CharField("开户名", max_length=128, blank=True)
    bank_name = models.CharField("开户银行", max_length=128, blank=True)
    bank_account_number = EncryptedTextField("银行账号", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "单位"
        verbose_name_plural = "单位"
        constraints = [
            models.CheckConstraint(
                name="enterprise_has_size",
                condition=models.Q(kind="institution") | ~models.Q(size=""),
            )
        ]

    def __str__(self) -> str:
        return self.name


class Contract(models.Model):
    """A labour contract (劳动合同) between a person and an organisation; ``dispatched`` marks
    agency work (劳务派遣) performed at the organisation."""

    person = models.ForeignKey("identity.Person", on_delete=models.PROTECT, related_name="contracts")
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="contracts")
    start = models.DateField("合同起始日")
    months = models.PositiveSmallIntegerField("合同期限（月）", null=True, blank=True,
                                              help_text="无固定期限合同留空")
    dispatched = models.BooleanField("劳务派遣", default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "劳动合同"
        verbose_name_plural = "劳动合同"
        constraints = [
            models.UniqueConstraint(fields=["person", "organization", "start"], name="contract_unique_start"),
        ]

    def __str__(self) -> str:
        return f"{self.person} @ {self.organization} ({self.start})"
