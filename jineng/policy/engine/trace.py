"""The trace of a judgement is data: one ``TraceStep`` per rule, in rule order.

A step records the rule (its kind and the clause it cites), the inputs it read, the
parameter versions it used (value, start date, citation), its outcome and, for amount
rules, the running amount. The Chinese sentence is rendered from that data on demand, so
judging stays cheap and the sentence can never say something the data does not.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any, NamedTuple

from jineng.policy.engine.model import (
    CERTIFICATES,
    DELIVERIES,
    ENTERPRISE_SIZES,
    KEY_GROUPS,
    LEVELS,
    REASONS,
    TRAINING_KINDS,
    HistoryEntry,
)
from jineng.policy.engine.params import ParamVersion

if TYPE_CHECKING:
    from jineng.policy.engine.rules import Rule

PASSED = "passed"
FAILED = "failed"
AMOUNT = "amount"
CAPPED = "capped"
SKIPPED = "skipped"

OUTCOME_LABELS = {
    PASSED: "通过",
    FAILED: "不通过",
    AMOUNT: "计算金额",
    CAPPED: "按上限调减",
    SKIPPED: "未评估",
}


class TraceStep(NamedTuple):
    rule: Rule
    outcome: str
    inputs: tuple[Any, ...]
    """Values of ``rule.input_names``, in that order."""
    params: tuple[ParamVersion, ...]
    amount: Decimal | None = None
    """For amount and cap rules: the running amount after this step."""
    detail: Any = None
    """What the rule derived (a deadline, a count…), for the sentence."""

    @property
    def kind(self) -> str:
        return self.rule.kind

    @property
    def citation(self) -> str:
        return self.rule.citation

    @property
    def reason(self) -> str | None:
        return self.rule.reason if self.outcome == FAILED else None

    @property
    def sentence(self) -> str:
        if self.outcome == SKIPPED:
            return f"政策不在有效期内，且该日期没有生效的参数版本，本条未评估（{self.detail}）。"
        return self.rule.sentence(self)

    def named_inputs(self) -> list[tuple[str, Any]]:
        return list(zip(self.rule.input_names, self.inputs, strict=False))

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "label": self.rule.label,
            "clause": self.citation,
            "inputs": {name: jsonable(value) for name, value in self.named_inputs()},
            "params": [version.to_dict() for version in self.params],
            "outcome": self.outcome,
            "reason": self.reason,
            "amount": money(self.amount) if self.amount is not None else None,
            "sentence": self.sentence,
        }


def money(value: Decimal) -> str:
    return f"{value:.2f}"


def jsonable(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return money(value)
    if isinstance(value, frozenset | set):
        return sorted(value)
    if isinstance(value, HistoryEntry):
        return {
            "policy": value.policy,
            "subsidy": value.subsidy,
            "occupation": value.occupation,
            "level": value.level,
            "start": value.start.isoformat(),
            "end": value.end.isoformat(),
            "amount": money(value.amount),
        }
    if isinstance(value, tuple | list):
        return [jsonable(v) for v in value]
    return value


# --- inputs in Chinese ---------------------------------------------------------------------

INPUT_LABELS: dict[str, str] = {
    "claimed_on": "申领日期",
    "person.groups": "重点群体身份",
    "person.hukou": "户籍地",
    "employer.size": "企业规模",
    "employer.contract_months": "劳动合同期限（月）",
    "employer.received_affected_enterprise_aid": "已领取受影响企业培训补助",
    "training.kind": "培训类型",
    "training.delivery": "培训方式",
    "training.occupation": "职业（工种）",
    "training.level": "等级",
    "training.hired_on": "招用日期",
    "training.filed_on": "备案日期",
    "training.start": "培训开始日期",
    "training.end": "培训结束日期",
    "training.minutes": "学习分钟数",
    "training.passed": "结业考核合格",
    "training.certificate": "取得证书",
    "training.cost": "实际支出培训费用",
    "training.free_resource": "使用平台免费资源",
    "training.months": "以工代训月数",
    "training.local_standard": "当地该培训项目补贴标准",
    "training.requested": "申请金额",
    "history.year_count": "同年已享受补贴次数",
    "history.same_occupation_level": "同职业同等级的已享受记录",
    "history.unfinished": "开始日期时尚未结束的已享受记录",
    "history.exclusive": "不可重复享受的已享受记录",
    "history.year_total": "同年本项目已享受金额",
}


def level_label(level: int | None) -> str:
    return LEVELS.get(level, "未定级") if level is not None else "未定级"


def show_history(entry: HistoryEntry) -> str:
    return (
        f"{entry.policy}/{entry.subsidy}，{entry.occupation} {level_label(entry.level)}，"
        f"{entry.start.isoformat()} 至 {entry.end.isoformat()}，{money(entry.amount)} 元"
    )


def _labels(vocabulary: dict[str, str]) -> Callable[[Any], str]:
    def show(value: Any) -> str:
        if isinstance(value, frozenset | set | tuple | list):
            return "、".join(vocabulary.get(v, v) for v in sorted(value)) or "无"
        return vocabulary.get(value, str(value))

    return show


_SHOW_INPUT: dict[str, Callable[[Any], str]] = {
    "person.groups": _labels(KEY_GROUPS),
    "employer.size": _labels(ENTERPRISE_SIZES),
    "training.kind": _labels(TRAINING_KINDS),
    "training.delivery": _labels(DELIVERIES),
    "training.certificate": _labels(CERTIFICATES),
    "training.level": level_label,
}


def show_input(name: str, value: Any) -> str:
    if value is None:
        if name.startswith("history."):
            return "无"
        return "未定级" if name == "training.level" else "（未提供）"
    if name in _SHOW_INPUT:
        return _SHOW_INPUT[name](value)
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{money(value)} 元"
    if isinstance(value, HistoryEntry):
        return show_history(value)
    return str(value)


def reason_label(code: str | None) -> str:
    return REASONS.get(code, code) if code else ""
