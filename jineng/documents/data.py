"""What each official form prints: one frozen dataclass per form, free of Django.

The builders in ``jineng.documents.forms`` turn these into PDF and .xlsx bytes; the adapters in
``jineng.documents.project_forms`` (and, for claims, the claims app) fill them from the
database. Conventions for whoever fills them:

- text is printed as given (no masking here): the roster forms are filed with the bureau and
  carry the full ID number and phone; pages on screen must keep masking with
  ``jineng.common.masking``;
- dates are ``datetime.date`` in Asia/Shanghai; ``None`` prints the blank ``年 月 日`` to be
  written in by hand — use it for every date a person or the bureau still has to sign;
- money is ``Decimal`` and prints with two decimals (``600.00``);
- class hours (课时/学时) are whole 45-minute units, minutes are whole minutes;
- ``Opinion`` is a signed box (审核意见 and the like): the text and the date it was given,
  both empty until someone has given it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

# ---- shared pieces -----------------------------------------------------------------------------


@dataclass(frozen=True)
class OrganizationFacts:
    """An enterprise or training institution as the forms print it (企业基本情况)."""

    name: str
    credit_code: str = ""  # 统一社会信用代码
    address: str = ""  # 注册地址
    legal_representative: str = ""  # 法人代表 / 法定代表人 / 机构负责人
    contact_phone: str = ""


@dataclass(frozen=True)
class PlatformFacts:
    """线上培训平台基本情况 (附表1, 附表5-1)."""

    name: str  # 平台名称（网站或 APP 产品名称）
    icp_number: str = ""  # ICP 备案号
    address: str = ""  # 网站地址（APP 的包名）
    ip_and_server_city: str = ""  # IP 地址及服务器设置城市名称, e.g. "203.0.113.10 广州市"


@dataclass(frozen=True)
class CourseLine:
    """One line of 线上培训计划 (附表1, 附表5-1): 课程资源名称 / 内容要点 / 资源形式 / 培训时长."""

    name: str
    key_points: str
    resource_form: str  # 录播视频、直播、图文 …
    minutes: int


@dataclass(frozen=True)
class Opinion:
    """A signed and stamped box: what was said and when. Empty text and ``date=None`` leave
    the box blank for a pen."""

    text: str = ""
    date: dt.date | None = None


@dataclass(frozen=True)
class BankAccount:
    """Where the subsidy is paid (the claim forms print the full account number)."""

    account_name: str = ""  # 开户名
    bank_name: str = ""  # 开户银行
    account_number: str = ""  # 银行账号


@dataclass(frozen=True)
class MaterialCheck:
    """One line of a materials checklist: ``■`` when ``provided``."""

    label: str
    provided: bool


# ---- 韶关 (韶人社函〔2020〕11号 附件1) ---------------------------------------------------------------


SHAOGUAN_KINDS = ("岗前培训", "在岗培训", "转岗转业培训")


@dataclass(frozen=True)
class FilingForm:
    """附表1 韶关市企业职工线上适岗职业技能培训备案表."""

    number: str  # 备案编号, printed top right
    enterprise: OrganizationFacts
    received_affected_subsidy: bool | None  # 是否已领取受影响企业培训补助; None leaves both boxes empty
    institution: OrganizationFacts | None  # 培训机构基本情况; None when the enterprise trains itself
    platform: PlatformFacts
    project_name: str
    occupation: str  # 培训岗位（工种）
    kind_label: str  # 岗前培训 / 在岗培训 / 转岗转业培训 (another label prints as an extra ticked box)
    planned_headcount: int
    delivery: str  # 培训方式, e.g. "线上"
    start_date: dt.date
    end_date: dt.date
    class_hours: int  # 培训课时 (45 分钟)
    manager_name: str  # 培训负责人
    manager_phone: str  # 联系手机
    goal: str  # 培训目标
    courses: tuple[CourseLine, ...]
    commitment: Opinion = field(default_factory=Opinion)  # 申报企业承诺: only the date is printed
    review: Opinion = field(default_factory=Opinion)  # 县（市、区）人力资源社会保障部门审核备案意见


@dataclass(frozen=True)
class PlanLine:
    """附表2 one row."""

    name: str  # 课程资源名称（培训项目）
    key_points: str  # 内容要点
    minutes: int  # 培训时长（分钟）
    resource: str  # 资源名称（网络平台）
    headcount: int  # 培训人数


@dataclass(frozen=True)
class PlanForm:
    """附表2 韶关市企业职工线上适岗职业技能培训计划 (培训项目名称、培训周期和培训目的, then the lines)."""

    number: str
    enterprise_name: str
    filled_on: dt.date | None  # 填报日期
    project_name: str
    kind_label: str
    start_date: dt.date
    end_date: dt.date
    purpose: str
    lines: tuple[PlanLine, ...]


@dataclass(frozen=True)
class OutlineLine:
    """附表3 one row."""

    name: str  # 课程资源名称（培训项目）
    start_date: dt.date  # 培训起止时间
    end_date: dt.date
    module: str  # 培训模块（公共必修课/专业技能课）
    effect: str  # 培训效果（学习目的、掌握程度）
    remark: str = ""  # 备注


@dataclass(frozen=True)
class OutlineForm:
    """附表3 韶关市企业职工线上适岗职业技能培训大纲."""

    number: str
    enterprise_name: str
    filled_on: dt.date | None
    project_name: str
    kind_label: str
    lines: tuple[OutlineLine, ...]


@dataclass(frozen=True)
class RosterLine:
    """附表4 one row (full ID number and phone: the roster is filed with the bureau)."""

    name: str
    sex: str  # 男 / 女
    id_number: str
    phone: str
    platform_account: str


@dataclass(frozen=True)
class RosterForm:
    """附表4 韶关市企业职工线上适岗职业技能培训人员名册."""

    number: str
    enterprise_name: str
    filled_on: dt.date | None
    project_name: str
    kind_label: str
    lines: tuple[RosterLine, ...]


@dataclass(frozen=True)
class EvaluationForm:
    """附表5-1 韶关市企业职工线上适岗职业技能培训评估表."""

    number: str  # printed top right (the evaluation request's number)
    enterprise_name: str
    platform: PlatformFacts
    project_name: str
    occupation: str  # 培训岗位（工种）
    courses: tuple[CourseLine, ...]
    applicant_opinion: Opinion  # 申报企业意见（盖章）
    centre_name: str  # the city's skills service centre
    centre_opinion: Opinion  # 市职业技能服务中心评估意见（盖章）


# ---- 攀枝花 (攀人社发〔2020〕33号) -------------------------------------------------------------------


PANZHIHUA_METHODS = ("在线直播", "教学视频录播", "实时互动教学", "文字或图片资料教学")


@dataclass(frozen=True)
class ModuleLine:
    """One outline module as 附件1 lists it under 培训内容（课程安排）."""

    name: str
    category: str  # 公共必修课 / 专业技能课
    mode: str  # 线上 / 线下实操
    minutes: int


@dataclass(frozen=True)
class ClassOpeningForm:
    """附件1 攀枝花市线上职业技能培训申请表 (开班申请). The seed gives only the title; the
    fields follow 四(一) and 二/三 of the notice — see ``forms.class_opening``."""

    number: str
    applicant: OrganizationFacts
    applicant_kind: str  # 企业 / 培训机构（职业、技工院校）
    enterprise_size: str  # 中小微企业 / 大型企业 / "" for an institution
    contact_name: str
    contact_phone: str
    organiser: str  # 组织方式: 企业自行组织 / 委托培训机构（购买培训服务）
    institution_name: str  # the entrusted institution, "" when the enterprise trains itself
    project_name: str
    occupation: str  # 培训职业（工种）
    level: str  # 培训等级, "" when not graded
    kind_label: str  # 培训类型
    platform_name: str
    platform_address: str
    methods: tuple[str, ...]  # the ticked ones of PANZHIHUA_METHODS
    start_date: dt.date
    end_date: dt.date
    headcount: int  # 参训人数 (the roster's size)
    online_minutes: int  # 线上理论 minutes of the outline
    offline_minutes: int  # 线下实操 minutes of the outline
    planned_class_hours: int  # 计划总学时 (45 分钟)
    modules: tuple[ModuleLine, ...]  # 培训内容（课程安排）
    materials: tuple[MaterialCheck, ...]  # 提交材料
    reviewing_office: str  # 受理（审核）部门
    commitment: Opinion = field(default_factory=Opinion)
    review: Opinion = field(default_factory=Opinion)


@dataclass(frozen=True)
class ClassRosterLine:
    """附件2 one row; ``age`` is the age on the project's start date."""

    name: str
    sex: str
    age: int
    id_number: str
    phone: str
    remark: str = ""


@dataclass(frozen=True)
class ClassRosterForm:
    """附件2 攀枝花市线上职业技能培训参训人员花名册."""

    number: str
    organization_name: str  # 企业、培训机构（盖章）
    project_name: str
    lines: tuple[ClassRosterLine, ...]


# ---- claims (filled by the claims app) ----------------------------------------------------------


@dataclass(frozen=True)
class PanzhihuaClaimForm:
    """附件3 攀枝花市线上职业技能培训补贴申请表. The seed gives only the title and, in 三 and
    四(二), what the claim rests on; see ``forms.claim_panzhihua`` for what is inferred.

    Fill it from the claim and the class-opening approval it follows:
    ``amount`` is what is claimed (the claims engine's result: the actual cost per learner,
    at most ``cap_per_person`` = 600.00 for SMEs); ``actual_cost`` is the total on the
    third-party invoices; ``cost_per_person`` = actual_cost / claimed_headcount as the engine
    computed it. ``materials`` is the checklist of 四(二) (use ``PANZHIHUA_CLAIM_MATERIALS``
    for the labels). ``public_notice_*`` and ``payment_*`` stay empty until those steps happen.
    """

    number: str  # the claim's number, printed top right
    applicant: OrganizationFacts
    enterprise_size: str  # 中小微企业 / 大型企业
    contact_name: str
    contact_phone: str
    bank: BankAccount
    class_number: str  # 开班批准编号 (the project's number)
    class_approved_on: dt.date | None  # 开班批准日期
    project_name: str
    occupation: str
    level: str
    provider: str  # 培训服务提供方（线上培训平台 / 培训机构）
    start_date: dt.date
    end_date: dt.date
    class_hours: int  # 培训学时 (45 分钟)
    trained_headcount: int  # 参训人数
    passed_headcount: int  # 考核合格人数
    claimed_headcount: int  # 申请补贴人数
    actual_cost: Decimal  # 实际支出培训费用（元）
    cost_per_person: Decimal  # 人均培训费用（元）
    amount: Decimal  # 申请补贴金额（元）
    materials: tuple[MaterialCheck, ...]
    reviewing_office: str
    cap_per_person: Decimal = Decimal("600.00")
    commitment: Opinion = field(default_factory=Opinion)
    review: Opinion = field(default_factory=Opinion)  # 审核部门意见
    public_notice_start: dt.date | None = None  # 公示（不少于 2 个工作日）
    public_notice_end: dt.date | None = None
    public_notice_result: str = ""  # e.g. "无异议"
    paid_amount: Decimal | None = None  # 拨付金额
    paid_on: dt.date | None = None


PANZHIHUA_CLAIM_MATERIALS = (
    "《攀枝花市线上职业技能培训补贴申报花名册》（附件4）",
    "授课记录证明材料",
    "培训成本证明材料（企业购买第三方培训服务支出凭证）",
)


@dataclass(frozen=True)
class PanzhihuaClaimRosterLine:
    """附件4 one row. The form's 密码 column is printed empty on purpose: the system never
    stores or exports a learner's password; reviewers read the learning records instead."""

    name: str
    sex: str
    age: int  # on the project's start date
    id_number: str
    phone: str
    course_class_hours: int  # 课程学时
    completed_class_hours: int  # 完成学时
    platform_account: str  # 学员平台账号
    passed: bool | None  # 考核是否合格; None prints empty
    remark: str = ""


@dataclass(frozen=True)
class PanzhihuaClaimRoster:
    """附件4 攀枝花市线上职业技能培训补贴申报花名册."""

    number: str
    organization_name: str  # 企业、培训机构（盖章）
    project_name: str
    lines: tuple[PanzhihuaClaimRosterLine, ...]


@dataclass(frozen=True)
class ShaoguanClaimForm:
    """韶关市企业职工线上适岗职业技能培训补贴申请表 (inferred from 韶人社函〔2020〕11号 附件1
    一(三)(四), 二(二), 三; see ``forms.claim_shaoguan``).

    ``standard_per_hour`` is 30.00 元 per learner per class hour and ``annual_cap`` 1000.00 元
    per learner a year (一(四)); ``amount`` is the engine's total after the cap. Fill
    ``claim_deadline`` with the last day of the 6 months after ``end_date`` (一(三)).
    ``received_affected_subsidy``: 受影响企业转岗转业培训已申领受影响企业培训补助的不能再申领.
    ``materials``: use ``SHAOGUAN_CLAIM_MATERIALS`` for the labels (三 培训资料归档要求)."""

    number: str
    enterprise: OrganizationFacts
    bank: BankAccount
    filing_number: str  # 备案编号 (the project's number)
    filed_on: dt.date | None  # 备案日期 (approval of the filing)
    project_name: str
    kind_label: str
    occupation: str
    platform_name: str
    start_date: dt.date
    end_date: dt.date
    claim_deadline: dt.date | None
    trained_headcount: int  # 实际参训人数
    claimed_headcount: int  # 申请补贴人数
    class_hours: int  # 补贴课时合计 (sum over the roster)
    amount: Decimal  # 申请补贴金额（元）
    received_affected_subsidy: bool | None
    materials: tuple[MaterialCheck, ...]
    reviewing_office: str  # 企业所在地县（市、区）人力资源社会保障局
    standard_per_hour: Decimal = Decimal("30.00")
    annual_cap: Decimal = Decimal("1000.00")
    commitment: Opinion = field(default_factory=Opinion)
    review: Opinion = field(default_factory=Opinion)  # 审核意见 (15 个工作日内)
    public_notice_start: dt.date | None = None  # 公示 5 个工作日
    public_notice_end: dt.date | None = None
    public_notice_result: str = ""
    paid_amount: Decimal | None = None  # 拨付 (30 个工作日内)
    paid_on: dt.date | None = None


SHAOGUAN_CLAIM_MATERIALS = (
    "培训计划、培训大纲、培训人员名册（附表2、3、4）",
    "企业参训职工劳动合同（劳务派遣人员另附派遣协议或合同复印件）",
    "学员上线登录的培训时长记载",
    "培训成绩或培训成果（线上完成的培训课时、作业、考试）截图证明",
    "委托机构的名称、统一社会信用代码及培训合作（服务）协议（委托培训的）",
)


@dataclass(frozen=True)
class ShaoguanClaimRosterLine:
    """One learner of the Shaoguan claim: the class hours credited and the money claimed for
    them after the 1000 元-a-year cap (``already_this_year`` is what they already had)."""

    name: str
    sex: str
    id_number: str
    phone: str
    platform_account: str
    class_hours: int  # 完成课时 (每课时不少于 45 分钟)
    already_this_year: Decimal  # 本年度已享受补贴（元）
    amount: Decimal  # 本次申请补贴（元）
    remark: str = ""


@dataclass(frozen=True)
class ShaoguanClaimRoster:
    """韶关市企业职工线上适岗职业技能培训补贴申领人员花名册 (inferred)."""

    number: str
    enterprise_name: str
    filled_on: dt.date | None
    project_name: str
    filing_number: str
    lines: tuple[ShaoguanClaimRosterLine, ...]
    standard_per_hour: Decimal = Decimal("30.00")
