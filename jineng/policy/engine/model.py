"""The inputs of a judgement: one person's one training under one subsidy item.

Plain frozen dataclasses, built once (by ``parse_case`` or by the Django side from its
models) and never changed. The vocabularies below are the case-file contract of
``/work/shared/policy-cases/README.md``; their Chinese labels are what users see.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

KEY_GROUPS: dict[str, str] = {
    "migrant_worker": "农民工",
    "unemployed_graduate": "离校2年未就业大学生",
    "poverty_registered": "建档立卡贫困劳动力",
    "poverty_family_child": "贫困家庭子女",
    "veteran": "退役军人",
    "laid_off": "下岗失业人员",
    "disabled": "残疾人",
    "two_after": "两后生",
    "zero_employment_family": "零就业家庭成员",
    "hard_to_employ": "就业困难人员",
    "inmate": "服刑人员、强制隔离戒毒人员",
}

TRAINING_KINDS: dict[str, str] = {
    "pre_job": "岗前培训",
    "on_the_job": "在岗培训",
    "job_transfer": "转岗转业培训",
    "apprenticeship": "新型学徒制培训",
    "work_based": "以工代训",
    "safety": "安全技能培训",
    "key_industry": "重点产业技能培训",
    "struggling_enterprise": "困难企业职工培训",
    "inmate": "服刑人员、强制隔离戒毒人员就业技能培训",
}

DELIVERIES: dict[str, str] = {"online": "线上", "offline": "线下", "blended": "线上线下结合"}

CERTIFICATES: dict[str, str] = {
    "none": "无证书",
    "training": "培训合格证书",
    "qualification": "职业资格证书或职业技能等级证书",
    "special_ability": "专项职业能力证书",
    "special_operation": "特种作业操作证书",
}

ENTERPRISE_SIZES: dict[str, str] = {"sme": "中小企业", "large": "大企业"}

PAYEES: dict[str, str] = {"employer": "企业", "person": "个人", "platform": "线上培训平台"}

LEVELS: dict[int, str] = {
    5: "五级（初级工）",
    4: "四级（中级工）",
    3: "三级（高级工）",
    2: "二级（技师）",
    1: "一级（高级技师）",
}

REASONS: dict[str, str] = {
    "not_passed": "未通过结业考核",
    "no_certificate": "未取得本项目要求的证书",
    "free_resource": "使用线上平台免费资源培训，不享受补贴",
    "not_key_group": "不属于本项目的补贴对象群体",
    "not_sme": "不是本项目要求规模的企业",
    "contract_too_short": "劳动合同期限不足",
    "yearly_count_exceeded": "本年度享受补贴次数已达上限",
    "duplicate_occupation_level": "同一职业（工种）同一等级已享受过补贴",
    "previous_training_unfinished": "上一个补贴性培训尚未结束",
    "claim_deadline_passed": "超过申领期限",
    "filed_too_late": "未在规定的工作日前备案",
    "policy_not_in_force": "培训结束日期不在政策有效期内",
    "exclusive_with_prior_subsidy": "已享受不可重复享受的补贴",
    "annual_cap_reached": "本年度补贴已达上限",
    # Beyond the README's list: conditions of the seeds that no listed code names.
    "kind_not_covered": "培训类型不在本项目补贴范围内",
    "delivery_not_covered": "培训方式不在本项目补贴范围内",
    "not_new_hire": "不是规定期限内新招用的人员",
}

CLASS_HOUR_MINUTES = 45


@dataclass(frozen=True, slots=True)
class Person:
    id_number: str
    hukou: str
    """The hukou county (6 digits); the first six digits of ``id_number`` unless given."""
    groups: frozenset[str] = frozenset()

    @property
    def birth_date(self) -> dt.date:
        n = self.id_number
        return dt.date(int(n[6:10]), int(n[10:12]), int(n[12:14]))

    @property
    def sex(self) -> str:
        return "male" if int(self.id_number[16]) % 2 else "female"


@dataclass(frozen=True, slots=True)
class Employer:
    size: str | None = None
    contract_months: int | None = None
    received_affected_enterprise_aid: bool = False
    region: str | None = None
    """Where the employer is registered (6 digits); pays where a pack says "企业所在地"."""


@dataclass(frozen=True, slots=True)
class Training:
    kind: str
    delivery: str
    occupation: str
    start: dt.date
    end: dt.date
    level: int | None = None
    hired_on: dt.date | None = None
    filed_on: dt.date | None = None
    minutes: int = 0
    passed: bool = False
    certificate: str = "none"
    cost: Decimal = Decimal("0.00")
    free_resource: bool = False
    months: int = 0
    local_standard: Decimal = Decimal("0.00")
    requested: Decimal = Decimal("0.00")

    @property
    def class_hours(self) -> int:
        return self.minutes // CLASS_HOUR_MINUTES


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """A subsidised training the person already had (granted, whatever the pack)."""

    policy: str
    subsidy: str
    occupation: str
    level: int | None
    start: dt.date
    end: dt.date
    amount: Decimal


@dataclass(frozen=True, slots=True)
class Case:
    policy: str
    subsidy: str
    claimed_on: dt.date
    person: Person
    training: Training
    employer: Employer | None = None
    history: tuple[HistoryEntry, ...] = ()
    name: str | None = None
