"""Training projects (培训项目) and their filing (备案 / 开班申请) with the bureau.

A project is the plan (培训计划), the outline (培训大纲, ``OutlineModule``), the roster
(人员名册, ``RosterEntry``) and the materials the seeds ask for (``ProjectMaterial``), filed by
an enterprise — itself or through an institution it entrusts — and reviewed by the office
its region's routing sends it to (``RoutingRule``; 攀人社发〔2020〕33号 四(一)).

The filing is a workflow: ``Project.state`` changes only in ``services`` through
``TRANSITIONS``, each transition appending a ``ProjectEvent``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from jineng.common.models import EvidenceUpload, WorkflowEvent


class TrainingKind(models.TextChoices):
    """The training types of the seeds; the keys are the policy engine's ``TRAINING_KINDS``."""

    PRE_JOB = "pre_job", "岗前培训"
    ON_THE_JOB = "on_the_job", "在岗培训"
    JOB_TRANSFER = "job_transfer", "转岗转业培训"
    APPRENTICESHIP = "apprenticeship", "新型学徒制培训"
    WORK_BASED = "work_based", "以工代训"
    SAFETY = "safety", "安全技能培训"
    KEY_INDUSTRY = "key_industry", "重点产业技能培训"
    STRUGGLING_ENTERPRISE = "struggling_enterprise", "困难企业职工培训"
    INMATE = "inmate", "服刑人员、强制隔离戒毒人员就业技能培训"


class Delivery(models.TextChoices):
    ONLINE = "online", "线上"
    BLENDED = "blended", "线上线下结合（理论线上、实操线下）"


class ProjectState(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已提交待审核"
    RETURNED = "returned", "已退回修改"
    APPROVED = "approved", "已备案（审核通过）"
    RUNNING = "running", "培训中"
    FINISHED = "finished", "已结束"
    WITHDRAWN = "withdrawn", "已撤回"


# (transition, from states, to state): the only ways ``Project.state`` changes.
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "submit": (frozenset({ProjectState.DRAFT, ProjectState.RETURNED}), ProjectState.SUBMITTED),
    "return": (frozenset({ProjectState.SUBMITTED}), ProjectState.RETURNED),
    "approve": (frozenset({ProjectState.SUBMITTED}), ProjectState.APPROVED),
    "start": (frozenset({ProjectState.APPROVED}), ProjectState.RUNNING),
    "finish": (frozenset({ProjectState.RUNNING}), ProjectState.FINISHED),
    "withdraw": (frozenset({ProjectState.DRAFT, ProjectState.SUBMITTED, ProjectState.RETURNED}),
                 ProjectState.WITHDRAWN),
}

TRANSITION_LABELS = {
    "create": "创建",
    "submit": "提交备案",
    "return": "退回修改",
    "approve": "审核通过",
    "start": "开始培训",
    "finish": "结束培训",
    "withdraw": "撤回",
}

EDITABLE_STATES = frozenset({ProjectState.DRAFT, ProjectState.RETURNED})
DRAFT_NUMBER_PREFIX = "DRAFT-"


class Project(models.Model):
    """One filed training for a group of learners (培训项目)."""

    class Organiser(models.TextChoices):
        SELF = "self", "企业自行组织"
        ENTRUSTED = "entrusted", "委托培训机构"

    number = models.CharField("备案编号", max_length=32, unique=True,
                              help_text="提交时生成，如 440204-2026-0007")
    organization = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT,
                                     related_name="projects", verbose_name="申请单位")
    organiser = models.CharField("组织方式", max_length=12, choices=Organiser.choices, default=Organiser.SELF)
    institution = models.ForeignKey("organizations.Organization", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="entrusted_projects", verbose_name="受托培训机构")
    kind = models.CharField("培训类型", max_length=24, choices=TrainingKind.choices)
    delivery = models.CharField("培训方式", max_length=8, choices=Delivery.choices, default=Delivery.ONLINE)
    occupation = models.ForeignKey("courses.Occupation", on_delete=models.PROTECT, related_name="projects",
                                   verbose_name="职业（工种）")
    level = models.PositiveSmallIntegerField("等级", null=True, blank=True,
                                             help_text="5 初级 … 1 高级技师；不分等级留空")
    platform = models.ForeignKey("platforms.Platform", on_delete=models.PROTECT, related_name="projects",
                                 verbose_name="线上培训平台")
    courses = models.ManyToManyField("courses.Course", blank=True, related_name="projects",
                                     verbose_name="线上课程")
    # 培训计划 (附表2): name, period and purpose
    name = models.CharField("培训项目名称", max_length=128)
    start_date = models.DateField("培训开始日期")
    end_date = models.DateField("培训结束日期")
    purpose = models.TextField("培训目的")
    planned_headcount = models.PositiveIntegerField("计划培训人数")
    planned_class_hours = models.PositiveIntegerField("计划课时（每课时 45 分钟）")
    contact_name = models.CharField("联系人", max_length=32)
    contact_phone = models.CharField("联系电话", max_length=32)
    learners_are_students = models.BooleanField(
        "参训人员为在校大学生", default=False,
        help_text="名册全部为在校大学生时勾选：不要求劳动合同，并按“参训人员类别”分派规则受理（攀人社发〔2020〕33号 四(一)）")
    received_affected_aid = models.BooleanField(
        "是否已领取受影响企业培训补助", null=True, blank=True,
        help_text="附表1 企业基本情况；空：未填写。已领取的，转岗转业培训不能再申领企业培训补贴（韶人社函〔2020〕11号 附件1 一(四)）")
    # routing and the policy pack that governs the filing
    policy_pack = models.CharField("适用政策", max_length=64, blank=True,
                                   help_text="政策包代码，按申请单位所在地确定")
    reviewing_office = models.ForeignKey("regions.Bureau", null=True, blank=True, on_delete=models.PROTECT,
                                         related_name="projects", verbose_name="受理部门")
    routing_rule = models.ForeignKey("projects.RoutingRule", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", verbose_name="分派规则")
    state = models.CharField("状态", max_length=12, choices=ProjectState.choices, default=ProjectState.DRAFT)
    commitment_accepted_at = models.DateTimeField("承诺时间", null=True, blank=True,
                                                  help_text="附表1 单位承诺：所填内容及材料真实有效")
    commitment_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="+")
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    review_due = models.DateField("审核期限", null=True, blank=True)
    decided_at = models.DateTimeField("审核时间", null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    review_comment = models.TextField("审核意见", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("创建时间")
    updated_at = models.DateTimeField("更新时间")

    class Meta:
        verbose_name = "培训项目"
        verbose_name_plural = "培训项目"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["state", "review_due"], name="project_state_due")]
        constraints = [
            models.CheckConstraint(name="project_period_ordered", condition=models.Q(end_date__gte=models.F("start_date"))),
            models.CheckConstraint(
                name="project_entrusted_has_institution",
                condition=models.Q(organiser="self", institution__isnull=True)
                | models.Q(organiser="entrusted", institution__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"

    @property
    def editable(self) -> bool:
        return self.state in EDITABLE_STATES

    @property
    def has_number(self) -> bool:
        """Drafts carry a placeholder until their first submission gives them the real number."""
        return not self.number.startswith(DRAFT_NUMBER_PREFIX)


class OutlineModule(models.Model):
    """One module of the outline (培训大纲, 附表3): category, minutes and goals."""

    class Category(models.TextChoices):
        PUBLIC = "public", "公共必修课"
        PROFESSIONAL = "professional", "专业技能课"

    class Mode(models.TextChoices):
        ONLINE = "online", "线上"
        OFFLINE = "offline", "线下实操"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="outline")
    position = models.PositiveSmallIntegerField("序号")
    title = models.CharField("模块名称", max_length=128)
    category = models.CharField("类别", max_length=16, choices=Category.choices)
    mode = models.CharField("方式", max_length=8, choices=Mode.choices, default=Mode.ONLINE)
    minutes = models.PositiveIntegerField("学习时长（分钟）")
    goals = models.TextField("培训目标与内容", blank=True)

    class Meta:
        verbose_name = "培训大纲模块"
        verbose_name_plural = "培训大纲模块"
        ordering = ["project_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["project", "position"], name="outline_position_unique"),
            models.CheckConstraint(name="outline_minutes_positive", condition=models.Q(minutes__gt=0)),
        ]

    def __str__(self) -> str:
        return self.title


class RosterEntry(models.Model):
    """One learner on the roster (人员名册, 附表4 / 附件2). Never a password: reviewers read
    the learning records instead."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="roster")
    position = models.PositiveIntegerField("序号")
    person = models.ForeignKey("identity.Person", on_delete=models.PROTECT, related_name="roster_entries")
    platform_account = models.CharField("平台登录账号", max_length=150)
    contract = models.ForeignKey("organizations.Contract", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+", verbose_name="劳动合同")
    key_group = models.CharField("重点群体", max_length=32, blank=True,
                                 help_text="以重点群体身份参训时的类别（须已核验）")
    added_at = models.DateTimeField("加入时间")

    class Meta:
        verbose_name = "名册人员"
        verbose_name_plural = "名册人员"
        ordering = ["project_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["project", "person"], name="roster_person_once"),
            models.UniqueConstraint(fields=["project", "position"], name="roster_position_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.project_id}#{self.position}"


class MaterialKind(models.TextChoices):
    BUSINESS_LICENCE = "business_licence", "营业执照复印件"
    LABOUR_CONTRACTS = "labour_contracts", "职工劳动合同复印件"
    KEY_GROUP_PROOF = "key_group_proof", "重点就业群体身份证明"
    SERVICE_CONTRACT = "service_contract", "委托培训服务合同"
    PLATFORM_FUNCTIONS = "platform_functions", "线上培训平台功能说明"
    OTHER = "other", "其他材料"


class ProjectMaterial(EvidenceUpload):
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="materials")
    kind = models.CharField("材料类别", max_length=24, choices=MaterialKind.choices)
    file = models.FileField("文件", upload_to="evidence/projects/%Y/%m/")
    file_type = models.CharField("文件类型", max_length=8)
    uploaded_at = models.DateTimeField("上传时间")
    removed_at = models.DateTimeField("删除时间", null=True, blank=True,
                                      help_text="草稿阶段可删除；删除只做标记，文件保留备查")

    class Meta:
        verbose_name = "备案材料"
        verbose_name_plural = "备案材料"
        ordering = ["kind", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.original_name}"


class ProjectEvent(WorkflowEvent):
    """One row per transition of a project's filing (and one for its creation)."""

    TRANSITION_LABELS = TRANSITION_LABELS

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="events")
    from_state = models.CharField("原状态", max_length=12, blank=True)
    to_state = models.CharField("新状态", max_length=12)

    class Meta(WorkflowEvent.Meta):
        verbose_name = "备案记录"
        verbose_name_plural = "备案记录"

    def __str__(self) -> str:
        return f"{self.project_id} {self.transition} → {self.to_state}"


class RoutingRule(models.Model):
    """Where a city sends a filing instead of the applicant's county bureau (攀人社发〔2020〕33号
    四(一): 攀钢、十九冶、攀煤、钢城集团 → 市鉴定和培训指导中心; 钒钛新城管委会所辖企业 → 管委会
    汇总转报; 在校大学生 → 市就业创业促进中心). The most specific matching rule wins:
    an organisation, then an organisation's region, then a learner group."""

    class Match(models.TextChoices):
        ORGANIZATION = "organization", "指定单位"
        REGION = "region", "单位所在区域"
        LEARNER_GROUP = "learner_group", "参训人员类别"

    class LearnerGroup(models.TextChoices):
        UNIVERSITY_STUDENT = "university_student", "在校大学生"

    city = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="routing_rules",
                             verbose_name="所属城市")
    match = models.CharField("匹配方式", max_length=16, choices=Match.choices)
    organization = models.ForeignKey("organizations.Organization", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+", verbose_name="单位")
    region = models.ForeignKey("regions.Region", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+", verbose_name="区域")
    learner_group = models.CharField("参训人员类别", max_length=24, choices=LearnerGroup.choices, blank=True)
    office = models.ForeignKey("regions.Bureau", on_delete=models.PROTECT, related_name="routing_rules",
                               verbose_name="受理部门")
    source = models.CharField("依据（文号及条款）", max_length=128)
    note = models.CharField("说明", max_length=200, blank=True)
    active = models.BooleanField("生效", default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("创建时间")

    class Meta:
        verbose_name = "分派规则"
        verbose_name_plural = "分派规则"
        ordering = ["city_id", "match", "id"]
        constraints = [
            models.CheckConstraint(
                name="routing_rule_target_matches_kind",
                condition=models.Q(match="organization", organization__isnull=False)
                | models.Q(match="region", region__isnull=False)
                | models.Q(match="learner_group") & ~models.Q(learner_group=""),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.city} · {self.get_match_display()} → {self.office}"
