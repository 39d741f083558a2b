"""Online training platforms (线上培训平台), the city's evaluation of a platform for an
enterprise (平台评估, 韶人社函〔2020〕11号 附表5-1/5-2) and a city's filing of the platforms
it uses with the province (鲁人社字〔2020〕11号 二).

The evaluation is a workflow: its ``status`` changes only in ``services`` through the
transitions of ``TRANSITIONS`` below, each of which appends a ``PlatformEvaluationEvent``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from jineng.common.models import EvidenceUpload, WorkflowEvent


class Platform(models.Model):
    class Recommendation(models.TextChoices):
        NONE = "none", "未列入推荐名单"
        MINISTRY = "ministry", "人力资源社会保障部推荐"
        PROVINCE = "province", "省人力资源社会保障厅推荐"

    class Ownership(models.TextChoices):
        OURS = "ours", "本系统平台"
        THIRD_PARTY = "third_party", "第三方平台"

    name = models.CharField("平台名称（网站或 APP 产品名称）", max_length=128)
    website = models.CharField("网站地址", max_length=200, blank=True)
    app_package = models.CharField("APP 包名", max_length=128, blank=True)
    icp_number = models.CharField("ICP 备案号", max_length=64, blank=True)
    ip_address = models.GenericIPAddressField("IP 地址", null=True, blank=True)
    server_city = models.CharField("服务器设置城市", max_length=64, blank=True)
    operator = models.ForeignKey(
        "organizations.Organization", null=True, blank=True, on_delete=models.PROTECT,
        related_name="operated_platforms", verbose_name="运营单位",
    )
    operator_name = models.CharField("运营单位名称（未在本系统登记时）", max_length=128, blank=True)
    contact_name = models.CharField("联系人", max_length=32, blank=True)
    contact_phone = models.CharField("联系电话", max_length=32, blank=True)
    ownership = models.CharField("平台归属", max_length=12, choices=Ownership.choices, default=Ownership.THIRD_PARTY)
    recommendation = models.CharField("推荐情况", max_length=12, choices=Recommendation.choices,
                                      default=Recommendation.NONE)
    recommended_region = models.ForeignKey(
        "regions.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name="推荐省份",
    )
    recommendation_source = models.CharField("推荐依据（文号）", max_length=128, blank=True)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="+")
    registered_for = models.ForeignKey(
        "organizations.Organization", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name="登记单位（使用该平台的企业）",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "线上培训平台"
        verbose_name_plural = "线上培训平台"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["name"], name="platform_unique_name"),
            models.CheckConstraint(
                name="platform_province_recommendation_has_region",
                condition=~models.Q(recommendation="province") | models.Q(recommended_region__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def address(self) -> str:
        return self.website or self.app_package

    @property
    def operator_label(self) -> str:
        return self.operator.name if self.operator_id else self.operator_name


class EvaluationStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "待评估"
    APPROVED = "approved", "评估通过"
    RETURNED = "returned", "退回修改"
    REJECTED = "rejected", "评估不通过"


# The workflow: transition name → (states it may start from, the state it leads to).
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "submit": (frozenset({EvaluationStatus.DRAFT, EvaluationStatus.RETURNED}), EvaluationStatus.SUBMITTED),
    "approve": (frozenset({EvaluationStatus.SUBMITTED}), EvaluationStatus.APPROVED),
    "return": (frozenset({EvaluationStatus.SUBMITTED}), EvaluationStatus.RETURNED),
    "reject": (frozenset({EvaluationStatus.SUBMITTED}), EvaluationStatus.REJECTED),
}
TRANSITION_LABELS = {"create": "创建申请", "submit": "提交评估", "approve": "评估通过", "return": "退回修改",
                     "reject": "评估不通过"}
EDITABLE_STATES = frozenset({EvaluationStatus.DRAFT, EvaluationStatus.RETURNED})
OPEN_STATES = (EvaluationStatus.DRAFT, EvaluationStatus.SUBMITTED, EvaluationStatus.RETURNED)


class PlatformEvaluation(models.Model):
    """An enterprise's request that the city's skills service centre evaluate a platform it
    wants to use (韶关 附表5-1 with the materials of 附表5-2). The centre answers within
    3 working days of submission (``due_date``); a later decision is allowed and recorded late."""

    platform = models.ForeignKey(Platform, on_delete=models.PROTECT, related_name="evaluations")
    organization = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT,
                                     related_name="platform_evaluations", verbose_name="申报企业")
    centre = models.ForeignKey("regions.Bureau", on_delete=models.PROTECT, related_name="platform_evaluations",
                               verbose_name="受理的职业技能服务中心")
    city_code = models.CharField("企业所在市区划代码", max_length=6, db_index=True)
    status = models.CharField("状态", max_length=12, choices=EvaluationStatus.choices, default=EvaluationStatus.DRAFT)
    project_name = models.CharField("培训项目名称", max_length=128)
    occupation_name = models.CharField("培训岗位（工种）", max_length=64)
    applicant_opinion = models.CharField("申报企业意见", max_length=300, blank=True)
    platform_facts = models.JSONField("提交时的平台基本情况", default=dict, blank=True)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    due_date = models.DateField("评估期限", null=True, blank=True)
    rounds = models.PositiveSmallIntegerField("提交次数", default=0)
    decided_at = models.DateTimeField("评估时间", null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decision_comment = models.TextField("市职业技能服务中心评估意见", blank=True)
    decided_late = models.BooleanField("超期评估", default=False)
    late_working_days = models.PositiveSmallIntegerField("超期工作日数", default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "平台评估申请"
        verbose_name_plural = "平台评估申请"
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "platform"], condition=models.Q(status__in=OPEN_STATES),
                name="platform_evaluation_one_open_per_enterprise",
            ),
            models.UniqueConstraint(
                fields=["organization", "platform"], condition=models.Q(status="approved"),
                name="platform_evaluation_one_approval_per_enterprise",
            ),
            models.CheckConstraint(
                name="platform_evaluation_submitted_has_due_date",
                condition=models.Q(status="draft") | models.Q(due_date__isnull=False, submitted_at__isnull=False),
            ),
        ]
        indexes = [models.Index(fields=["status", "due_date"], name="platform_eval_queue")]

    def __str__(self) -> str:
        return f"{self.organization} · {self.platform}"

    @property
    def editable(self) -> bool:
        return self.status in EDITABLE_STATES


class MaterialGroup(models.TextChoices):
    """The four groups of 附表5-2 评估内容清单."""

    CREDENTIALS = "credentials", "资信类材料"
    CONSTRUCTION = "construction", "平台建设材料"
    OPERATION = "operation", "平台运行材料"
    CONTENT = "content", "平台培训内容材料"


MATERIAL_GROUP_HELP = {
    MaterialGroup.CREDENTIALS: "平台所属机构的 ICP（互联网信息服务）备案、服务承诺等",
    MaterialGroup.CONSTRUCTION: "平台架构、信息数据交互及处理能力、个人信息保护制度、服务器设置在中国内地等",
    MaterialGroup.OPERATION: "线上培训质量管控体系介绍、职业培训补贴实名制管理应用情况等",
    MaterialGroup.CONTENT: "课程介绍、培训大纲、培训资源、培训流程、考核安排；引进的资源另附合法使用证明",
}


class EvaluationMaterial(EvidenceUpload):
    evaluation = models.ForeignKey(PlatformEvaluation, on_delete=models.PROTECT, related_name="materials")
    group = models.CharField("材料类别", max_length=16, choices=MaterialGroup.choices)
    file = models.FileField("文件", upload_to="evidence/platform_evaluations/%Y/%m/")
    kind = models.CharField("文件类型", max_length=8)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "评估材料"
        verbose_name_plural = "评估材料"
        ordering = ["group", "id"]

    def __str__(self) -> str:
        return f"{self.get_group_display()} · {self.original_name}"

    @property
    def is_image(self) -> bool:
        return self.kind in {"png", "jpg"}


class EvaluationCourse(models.Model):
    """One line of 附表5-1 线上培训计划: a course the enterprise plans to use on the platform."""

    class ResourceForm(models.TextChoices):
        VIDEO = "video", "录播视频"
        LIVE = "live", "直播"
        DOCUMENT = "document", "图文"
        SCORM = "scorm", "课件包（SCORM）"
        MIXED = "mixed", "多种形式"

    evaluation = models.ForeignKey(PlatformEvaluation, on_delete=models.CASCADE, related_name="courses")
    position = models.PositiveSmallIntegerField("序号")
    name = models.CharField("课程资源名称", max_length=128)
    key_points = models.CharField("内容要点", max_length=500)
    resource_form = models.CharField("资源形式", max_length=12, choices=ResourceForm.choices)
    minutes = models.PositiveIntegerField("培训时长（分钟）")

    class Meta:
        verbose_name = "线上培训课程"
        verbose_name_plural = "线上培训课程"
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "position"], name="evaluation_course_position_unique"),
            models.CheckConstraint(name="evaluation_course_minutes_positive", condition=models.Q(minutes__gt=0)),
        ]

    def __str__(self) -> str:
        return self.name


class PlatformEvaluationEvent(WorkflowEvent):
    """One row per transition of an evaluation (and one for its creation)."""

    TRANSITION_LABELS = TRANSITION_LABELS

    evaluation = models.ForeignKey(PlatformEvaluation, on_delete=models.PROTECT, related_name="events")
    from_status = models.CharField("原状态", max_length=12, blank=True)
    to_status = models.CharField("新状态", max_length=12)

    class Meta(WorkflowEvent.Meta):
        verbose_name = "平台评估记录"
        verbose_name_plural = "平台评估记录"

    def __str__(self) -> str:
        return f"{self.evaluation_id} {self.transition} → {self.to_status}"


class PlatformFiling(models.Model):
    """A city's filing of a platform it uses with the province (鲁人社字〔2020〕11号 二:
    each city files at least one platform)."""

    city = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="platform_filings",
                             verbose_name="备案城市")
    platform = models.ForeignKey(Platform, on_delete=models.PROTECT, related_name="filings")
    note = models.CharField("说明", max_length=300, blank=True)
    filed_at = models.DateTimeField("备案时间")
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    withdrawn_at = models.DateTimeField("撤回时间", null=True, blank=True)
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")

    class Meta:
        verbose_name = "平台备案"
        verbose_name_plural = "平台备案"
        ordering = ["city_id", "filed_at"]
        constraints = [
            models.UniqueConstraint(fields=["city", "platform"], condition=models.Q(withdrawn_at__isnull=True),
                                    name="platform_filing_once_per_city"),
        ]

    def __str__(self) -> str:
        return f"{self.city} · {self.platform}"
