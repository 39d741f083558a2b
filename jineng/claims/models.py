"""Subsidy claims (补贴申请): built from the platform's records, judged by the policy packs,
reviewed, publicly noticed and paid.

* ``Claim`` — one project's claim under one item of its pack (or a learner's own living-allowance
  claim). Its ``state`` changes only in ``services`` through ``TRANSITIONS``; every transition
  appends a ``ClaimEvent``. Its ``phase`` is ``advance`` while it rests on a running project's
  projected outcome (packs with ``procedure.advance_percent``, 晋政办〔2019〕79号 二(五)2) and
  ``final`` once judged from the final records.
* ``ClaimLine`` — one learner: the facts read from the records (never typed), the judgement
  (amount judged at submission, the trace, reason code and clause when excluded) and the amount
  finally paid.
* ``SubsidyAccount`` / ``SubsidyGrant`` — the subsidy history the engine reads. One account row
  per person (keyed by the ID-number digest, so history imported for people who never studied
  here fits too) is the lock that makes concurrent submissions for one person queue; a grant is
  ``reserved`` while its claim is pending and ``paid`` once paid; a released grant no longer counts.
* ``Objection`` (异议) during the public notice, ``Payment`` (拨付, with its reference) and
  ``ClaimVoucher`` (cost vouchers, uploads checked by content).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q

from jineng.common.fields import EncryptedTextField
from jineng.common.models import EvidenceUpload, WorkflowEvent


class ClaimState(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已提交待受理"
    UNDER_REVIEW = "under_review", "审核中"
    PUBLIC_NOTICE = "public_notice", "公示中"
    OBJECTED = "objected", "公示有异议，待核查"
    ADVANCE_PAID = "advance_paid", "已先行拨付，待培训结束后申请余款"
    PAYMENT_PLAN = "payment_plan", "已列入拨付计划"
    PAID = "paid", "已拨付"
    RETURNED = "returned", "已退回修改"
    REJECTED = "rejected", "审核不通过"
    WITHDRAWN = "withdrawn", "已撤回"


S = ClaimState
# (transition, from states, to state): the only ways ``Claim.state`` changes.
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "submit": (frozenset({S.DRAFT, S.RETURNED}), S.SUBMITTED),
    "start_review": (frozenset({S.SUBMITTED}), S.UNDER_REVIEW),
    "approve": (frozenset({S.UNDER_REVIEW}), S.PUBLIC_NOTICE),
    "return": (frozenset({S.SUBMITTED, S.UNDER_REVIEW}), S.RETURNED),
    # from advance_paid: the project stopped or was not run as filed; the advance is then paid back
    "reject": (frozenset({S.SUBMITTED, S.UNDER_REVIEW, S.OBJECTED, S.ADVANCE_PAID}), S.REJECTED),
    "withdraw": (frozenset({S.DRAFT, S.SUBMITTED, S.RETURNED}), S.WITHDRAWN),
    "hold": (frozenset({S.PUBLIC_NOTICE}), S.OBJECTED),
    "resume_notice": (frozenset({S.OBJECTED}), S.PUBLIC_NOTICE),
    "close_notice": (frozenset({S.PUBLIC_NOTICE}), S.PAYMENT_PLAN),
    "pay": (frozenset({S.PAYMENT_PLAN}), S.PAID),
    # project-based training whose pack pays part in advance (晋政办〔2019〕79号 二(五)2): the claim
    # built while the project runs is paid its share after review, and is finalised (judged
    # again from the final records, submitted again) once the project has finished
    "advance": (frozenset({S.UNDER_REVIEW}), S.ADVANCE_PAID),
    "finalize": (frozenset({S.ADVANCE_PAID}), S.SUBMITTED),
}

TRANSITION_LABELS = {
    "create": "生成申请",
    "submit": "提交申请",
    "start_review": "受理审核",
    "approve": "审核通过并公示",
    "return": "退回修改",
    "reject": "审核不通过",
    "withdraw": "撤回",
    "hold": "收到异议，暂停公示",
    "resume_notice": "异议不成立，恢复公示",
    "close_notice": "公示期满无异议，列入拨付计划",
    "pay": "拨付",
    "advance": "先行拨付",
    "finalize": "培训结束，按最终记录申请余款",
    "recover": "登记退回先行拨付资金",  # an event only: the rejected claim stays rejected
}

EDITABLE_STATES = frozenset({S.DRAFT, S.RETURNED})
PENDING_STATES = frozenset({S.SUBMITTED, S.UNDER_REVIEW, S.ADVANCE_PAID, S.PUBLIC_NOTICE, S.OBJECTED,
                            S.PAYMENT_PLAN})
CLOSED_STATES = frozenset({S.PAID, S.REJECTED, S.WITHDRAWN})
NOTICE_STATES = frozenset({S.PUBLIC_NOTICE, S.OBJECTED})


class Claim(models.Model):
    class Kind(models.TextChoices):
        PROJECT = "project", "项目补贴申请（单位申报）"
        SELF = "self", "个人申领（学员本人）"

    class Phase(models.TextChoices):
        FINAL = "final", "按培训结果申请"
        ADVANCE = "advance", "培训实施中申请先行拨付"

    number = models.CharField("申请编号", max_length=32, unique=True)
    kind = models.CharField("申请方式", max_length=8, choices=Kind.choices, default=Kind.PROJECT)
    phase = models.CharField("申请阶段", max_length=8, choices=Phase.choices, default=Phase.FINAL,
                             help_text="先行拨付：项目培训中按预计结果申请，先拨付政策规定的比例；培训结束后按最终记录重新判定并申请余款")
    project = models.ForeignKey("projects.Project", on_delete=models.PROTECT, related_name="claims",
                                verbose_name="培训项目")
    organization = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="claims",
                                     verbose_name="申请单位")
    applicant_person = models.ForeignKey("identity.Person", null=True, blank=True, on_delete=models.PROTECT,
                                         related_name="own_claims", verbose_name="申请人（个人申领）")
    policy = models.CharField("政策包", max_length=64)
    subsidy = models.CharField("补贴项目", max_length=64)
    document_number = models.CharField("文号", max_length=64)
    item_title = models.CharField("补贴项目名称", max_length=128)
    payee_kind = models.CharField("受领方", max_length=12)
    region_code = models.CharField("受理区划", max_length=6, db_index=True,
                                   help_text="审核与公示的县（市、区）：单位所在地，或个人申领时的户籍地")
    state = models.CharField("状态", max_length=16, choices=ClaimState.choices, default=ClaimState.DRAFT)
    cost_per_learner = models.DecimalField("每人培训成本（元）", max_digits=10, decimal_places=2, default=0,
                                           help_text="按成本凭证填写；实际成本补贴（攀人社发〔2020〕33号）用")
    bank_account_name = models.CharField("收款户名", max_length=128, blank=True)
    bank_name = models.CharField("开户银行", max_length=128, blank=True)
    bank_account = EncryptedTextField("银行账号", blank=True)
    judged_total = models.DecimalField("审定金额（元）", max_digits=14, decimal_places=2, default=0)
    paid_total = models.DecimalField("实付金额（元）", max_digits=14, decimal_places=2, default=0)
    advance_paid = models.DecimalField("已先行拨付（元）", max_digits=14, decimal_places=2, default=0)
    advance_recovered = models.DecimalField("已退回先行拨付（元）", max_digits=14, decimal_places=2, default=0,
                                            help_text="申请不通过后申请单位退回的先行拨付资金")
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    review_due = models.DateField("审核期限", null=True, blank=True)
    review_due_citation = models.CharField(max_length=128, blank=True)
    notice_start = models.DateField("公示开始", null=True, blank=True)
    notice_end = models.DateField("公示截止", null=True, blank=True)
    notice_citation = models.CharField(max_length=128, blank=True)
    payment_due = models.DateField("拨付期限", null=True, blank=True)
    payment_due_citation = models.CharField(max_length=128, blank=True)
    overdue = models.BooleanField("已超期", default=False, help_text="由后台任务按工作日标记")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decision_comment = models.TextField("审核意见", blank=True)
    payment_batch = models.ForeignKey("claims.PaymentBatch", null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="claims", verbose_name="拨付计划")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("创建时间")
    updated_at = models.DateTimeField("更新时间")

    class Meta:
        verbose_name = "补贴申请"
        verbose_name_plural = "补贴申请"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["state", "review_due"], name="claim_state_due"),
                   models.Index(fields=["state", "notice_end"], name="claim_state_notice")]

    def __str__(self) -> str:
        return f"{self.number} {self.item_title}"

    @property
    def editable(self) -> bool:
        return self.state in EDITABLE_STATES

    @property
    def rest_to_pay(self) -> Decimal:
        """What the final payment pays: the judged total less any advance (negative: owed back)."""
        return self.judged_total - self.advance_paid

    @property
    def advance_outstanding(self) -> Decimal:
        """The advance a rejected claim still owes back (0 for any other claim)."""
        if self.state != ClaimState.REJECTED:
            return Decimal("0.00")
        return self.advance_paid - self.advance_recovered


class ClaimLine(models.Model):
    class Status(models.TextChoices):
        ELIGIBLE = "eligible", "符合条件"
        EXCLUDED = "excluded", "不予补贴"

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField("序号")
    person = models.ForeignKey("identity.Person", on_delete=models.PROTECT, related_name="claim_lines")
    roster_entry = models.ForeignKey("projects.RosterEntry", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    facts = models.JSONField("学习记录事实", default=dict,
                             help_text="从平台记录读取：课程学时、有效学时、计入学时、结业考核、证书、重点群体等")
    status = models.CharField("判定结果", max_length=12, choices=Status.choices, default=Status.EXCLUDED)
    judged_amount = models.DecimalField("审定金额（元）", max_digits=12, decimal_places=2, default=0)
    paid_amount = models.DecimalField("实付金额（元）", max_digits=12, decimal_places=2, null=True, blank=True)
    payee = models.CharField("受领方", max_length=12, blank=True)
    payer_region = models.CharField("支付地区", max_length=6, blank=True)
    reason = models.CharField("不予补贴原因", max_length=48, blank=True)
    reason_clause = models.CharField("依据条款", max_length=160, blank=True)
    trace = models.JSONField("判定过程", default=dict)
    judged_at = models.DateTimeField("判定时间", null=True, blank=True)
    judged_at_submission = models.BooleanField("提交时判定", default=False)

    class Meta:
        verbose_name = "补贴申请明细"
        verbose_name_plural = "补贴申请明细"
        ordering = ["claim_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["claim", "person"], name="claim_line_person_once"),
            models.UniqueConstraint(fields=["claim", "position"], name="claim_line_position_unique"),
            models.CheckConstraint(name="claim_line_excluded_is_zero",
                                   condition=Q(status="eligible") | Q(judged_amount=0)),
        ]

    def __str__(self) -> str:
        return f"{self.claim_id}#{self.position}"

    def get_reason_label(self) -> str:
        from jineng.policy.engine import REASONS

        return REASONS.get(self.reason) or EXTRA_REASONS.get(self.reason, self.reason)


EXTRA_REASONS = {
    "not_on_roster": "不在备案时经审核的培训人员名册上",
    "reviewer_excluded": "审核剔除",
    "no_parameter_version": "该日期没有生效的政策参数",
    "calendar_year_unknown": "该年度节假日安排尚未录入",
    "invalid_case": "培训记录不完整，无法判定",
}


class ClaimEvent(WorkflowEvent):
    TRANSITION_LABELS = TRANSITION_LABELS

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="events")
    from_state = models.CharField("原状态", max_length=16, blank=True)
    to_state = models.CharField("新状态", max_length=16)

    class Meta(WorkflowEvent.Meta):
        verbose_name = "补贴申请记录"
        verbose_name_plural = "补贴申请记录"

    def __str__(self) -> str:
        return f"{self.claim_id} {self.transition} → {self.to_state}"


class SubsidyAccount(models.Model):
    """One row per person whose subsidies are recorded: the lock that queues concurrent
    judgements of the same person (``select_for_update``)."""

    person_digest = models.CharField(max_length=64, unique=True, help_text="身份证号的keyed hash（identity.Person.id_number_digest）")
    person = models.OneToOneField("identity.Person", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="subsidy_account")

    class Meta:
        verbose_name = "补贴台账人员"
        verbose_name_plural = "补贴台账人员"

    def __str__(self) -> str:
        return f"补贴台账 {self.pk}"


class SubsidyGrant(models.Model):
    """A subsidised training of a person: the engine's ``HistoryEntry``."""

    class Status(models.TextChoices):
        RESERVED = "reserved", "申请中（已占用额度）"
        PAID = "paid", "已享受"
        RELEASED = "released", "已释放（申请未通过或撤回）"

    account = models.ForeignKey(SubsidyAccount, on_delete=models.PROTECT, related_name="grants")
    claim_line = models.OneToOneField(ClaimLine, null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="grant")
    policy = models.CharField(max_length=64)
    subsidy = models.CharField(max_length=64)
    occupation = models.CharField(max_length=16)
    level = models.PositiveSmallIntegerField(null=True, blank=True)
    start = models.DateField()
    end = models.DateField()
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.RESERVED)
    source = models.CharField("来源", max_length=64, blank=True, help_text="非本系统记录时写明来源")
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = "补贴享受记录"
        verbose_name_plural = "补贴享受记录"
        indexes = [models.Index(fields=["account", "status"], name="grant_account_status")]

    def __str__(self) -> str:
        return f"{self.policy}/{self.subsidy} {self.amount}"


class Objection(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "待核查"
        UPHELD = "upheld", "异议成立"
        DISMISSED = "dismissed", "异议不成立"

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="objections")
    contact_name = models.CharField("联系人", max_length=32)
    contact_phone = models.CharField("联系电话", max_length=32)
    reason = models.TextField("异议内容")
    lodged_at = models.DateTimeField("提出时间")
    ip = models.GenericIPAddressField(null=True, blank=True)
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.OPEN)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution = models.TextField("核查结论", blank=True)

    class Meta:
        verbose_name = "公示异议"
        verbose_name_plural = "公示异议"
        ordering = ["lodged_at", "pk"]

    def __str__(self) -> str:
        return f"异议 {self.pk}（{self.claim_id}）"


class Payment(models.Model):
    class Kind(models.TextChoices):
        ADVANCE = "advance", "先行拨付"
        FINAL = "final", "拨付"
        REFUND = "refund", "退回先行拨付"  # recorded negative: money back from the applicant

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="payments")
    kind = models.CharField("类型", max_length=8, choices=Kind.choices)
    amount = models.DecimalField("金额（元）", max_digits=14, decimal_places=2)
    reference = models.CharField("支付凭证号", max_length=64)
    paid_on = models.DateField("支付日期")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        verbose_name = "拨付记录"
        verbose_name_plural = "拨付记录"
        ordering = ["paid_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["claim"], condition=Q(kind="advance"), name="payment_one_advance"),
            models.UniqueConstraint(fields=["claim"], condition=Q(kind="final"), name="payment_one_final"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount}"


class ClaimVoucher(EvidenceUpload):
    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="vouchers")
    file = models.FileField("文件", upload_to="evidence/claims/%Y/%m/")
    file_type = models.CharField("文件类型", max_length=8)
    uploaded_at = models.DateTimeField("上传时间")

    class Meta:
        verbose_name = "成本凭证"
        verbose_name_plural = "成本凭证"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name


class PaymentBatch(models.Model):
    """拨付计划: claims of one paying county, listed together for the treasury and paid with one
    payment order. While it is open its claims are reserved to it; paying it pays every claim
    (``claim_pay``) with the order's reference; cancelling it frees them for another plan."""

    class State(models.TextChoices):
        OPEN = "open", "待拨付"
        PAID = "paid", "已拨付"
        CANCELLED = "cancelled", "已撤销"

    number = models.CharField("计划编号", max_length=32, unique=True)
    region_code = models.CharField("支付区划", max_length=6, db_index=True)
    state = models.CharField("状态", max_length=12, choices=State.choices, default=State.OPEN)
    total = models.DecimalField("拨付合计（元）", max_digits=16, decimal_places=2)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("编制时间")
    reference = models.CharField("支付凭证号", max_length=64, blank=True)
    paid_on = models.DateField("支付日期", null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    closed_at = models.DateTimeField("拨付或撤销时间", null=True, blank=True)
    cancel_reason = models.CharField("撤销原因", max_length=200, blank=True)

    class Meta:
        verbose_name = "拨付计划"
        verbose_name_plural = "拨付计划"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.number
