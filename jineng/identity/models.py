from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models

from jineng.common.fields import EncryptedTextField


class User(AbstractUser):
    """A sign-in account. Real-name facts live on ``Person``; what the account may do lives
    on its ``RoleAssignment`` rows, each scoped to an organisation or a region."""

    display_name = models.CharField("姓名/称呼", max_length=64, blank=True)
    person = models.OneToOneField(
        "identity.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="user"
    )

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def __str__(self) -> str:
        return self.display_name or self.username


class Role(models.TextChoices):
    LEARNER = "learner", "学员"
    TRAINING_ADMIN = "training_admin", "线上培训管理员"
    PLATFORM_OPERATOR = "platform_operator", "平台运营方"
    COUNTY_REVIEWER = "county_reviewer", "县区审核员"
    CITY_OFFICER = "city_officer", "市/省级管理人员"
    SYSTEM_ADMIN = "system_admin", "系统管理员"


ORGANIZATION_ROLES = {Role.TRAINING_ADMIN, Role.PLATFORM_OPERATOR}
REGION_ROLES = {Role.COUNTY_REVIEWER, Role.CITY_OFFICER}
STAFF_ROLES = ORGANIZATION_ROLES | REGION_ROLES | {Role.SYSTEM_ADMIN}


class RoleAssignment(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField("角色", max_length=24, choices=Role.choices)
    organization = models.ForeignKey(
        "organizations.Organization", null=True, blank=True, on_delete=models.PROTECT, related_name="role_assignments"
    )
    region = models.ForeignKey(
        "regions.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="role_assignments"
    )
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "角色授权"
        verbose_name_plural = "角色授权"
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "organization", "region"], name="role_unique_per_scope"),
            models.CheckConstraint(
                name="role_scope_matches_role",
                condition=(
                    models.Q(role__in=["training_admin", "platform_operator"], organization__isnull=False, region__isnull=True)
                    | models.Q(role__in=["county_reviewer", "city_officer"], region__isnull=False, organization__isnull=True)
                    | models.Q(role__in=["learner", "system_admin"], region__isnull=True, organization__isnull=True)
                ),
            ),
        ]

    def __str__(self) -> str:
        scope = self.organization or self.region or ""
        return f"{self.get_role_display()} {scope}".strip()


class Sex(models.TextChoices):
    MALE = "M", "男"
    FEMALE = "F", "女"


class Person(models.Model):
    """A real-name person, identified by the resident ID number (GB 11643). The number and the
    phone are encrypted at rest; ``*_digest`` columns are keyed hashes for look-up and uniqueness."""

    name = models.CharField("姓名", max_length=64)
    id_number = EncryptedTextField("身份证号")
    id_number_digest = models.CharField(max_length=64, unique=True, editable=False)
    phone = EncryptedTextField("手机号码", blank=True)
    phone_digest = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    birth_date = models.DateField("出生日期")
    sex = models.CharField("性别", max_length=1, choices=Sex.choices)
    birth_region_code = models.CharField("出生地区划代码", max_length=6)
    hukou_region = models.ForeignKey(
        "regions.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="hukou_persons",
        verbose_name="户籍所在地",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "实名人员"
        verbose_name_plural = "实名人员"

    def __str__(self) -> str:
        return self.name


class KeyGroup(models.TextChoices):
    MIGRANT_WORKER = "migrant_worker", "农民工"
    UNEMPLOYED_GRADUATE = "unemployed_graduate", "离校2年未就业大学生"
    POVERTY_REGISTERED = "poverty_registered", "建档立卡贫困劳动力"
    POVERTY_FAMILY_CHILD = "poverty_family_child", "贫困家庭子女"
    VETERAN = "veteran", "退役军人"
    LAID_OFF = "laid_off", "下岗失业人员"
    DISABLED = "disabled", "残疾人"
    TWO_AFTER = "two_after", "两后生（未升学初高中毕业生）"
    ZERO_EMPLOYMENT_FAMILY = "zero_employment_family", "零就业家庭成员"
    HARD_TO_EMPLOY = "hard_to_employ", "就业困难人员"
    INMATE = "inmate", "服刑/强制隔离戒毒人员"


class KeyGroupMembership(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "待核验"
        VERIFIED = "verified", "已核验"
        REJECTED = "rejected", "未通过"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="key_groups")
    group = models.CharField("重点群体", max_length=32, choices=KeyGroup.choices)
    evidence = models.FileField("证明材料", upload_to="evidence/key_groups/%Y/%m/")
    evidence_name = models.CharField("材料文件名", max_length=200)
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.PENDING)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    review_note = models.CharField("核验意见", max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "重点群体身份"
        verbose_name_plural = "重点群体身份"
        constraints = [models.UniqueConstraint(fields=["person", "group"], name="key_group_once_per_person")]

    def __str__(self) -> str:
        return f"{self.person} · {self.get_group_display()}"
