"""A judgement's trace in readable Chinese: what ``jineng policy explain`` prints and what a
reviewer or a claimant can be shown."""

from __future__ import annotations

from jineng.policy.engine.errors import PolicyError
from jineng.policy.engine.judge import Judgement
from jineng.policy.engine.model import PAYEES
from jineng.policy.engine.packs import PAYER_MODES
from jineng.policy.engine.trace import (
    FAILED,
    INPUT_LABELS,
    OUTCOME_LABELS,
    TraceStep,
    money,
    reason_label,
    show_input,
)


def render_judgement(judgement: Judgement, *, title: str | None = None) -> str:
    item = judgement.item
    lines = []
    if title:
        lines.append(f"案例：{title}")
    lines.append(f"政策：{item.document_number}（{item.pack_id}）")
    lines.append(f"补贴项目：{item.title}（{item.id}），依据 {item.citation}")
    lines.append(_conclusion(judgement))
    for number, step in enumerate(judgement.trace, 1):
        lines.extend(render_step(number, step))
    return "\n".join(lines)


def _conclusion(judgement: Judgement) -> str:
    payee = PAYEES[judgement.payee]
    payer = _payer(judgement)
    if judgement.eligible:
        return f"结论：符合条件，补贴 {money(judgement.amount)} 元，支付给{payee}；{payer}。"
    reasons = "；".join(f"{code}（{reason_label(code)}）" for code in judgement.failures)
    return f"结论：不符合条件，补贴 0.00 元。原因：{judgement.reason}（{reason_label(judgement.reason)}）。全部不符合的条件：{reasons}。"


def _payer(judgement: Judgement) -> str:
    if judgement.payer_region:
        return f"由行政区划 {judgement.payer_region} 的人力资源社会保障部门支付"
    mode = judgement.item.payer
    where = PAYER_MODES.get(mode, mode)
    return f"由{where}人力资源社会保障部门支付（案例未给出该地区代码）"


def render_step(number: int, step: TraceStep) -> list[str]:
    rule = step.rule
    lines = [f"第 {number} 步  {rule.label}（{rule.kind}）", f"  依据：{step.citation}"]
    if rule.quote:
        lines.append(f"  原文：{rule.quote}")
    if step.inputs:
        inputs = "；".join(
            f"{INPUT_LABELS.get(name, name)}（{name}）= {show_input(name, value)}"
            for name, value in step.named_inputs()
        )
        lines.append(f"  输入：{inputs}")
    for version in step.params:
        period = f"{version.start.isoformat()} 起施行" + (
            f"，至 {version.until.isoformat()}" if version.until else ""
        )
        lines.append(f"  参数：{version.label} = {version.shown}（{period}；出处 {version.citation}）")
    outcome = OUTCOME_LABELS[step.outcome]
    if step.outcome == FAILED and step.reason:
        outcome += f"（{step.reason}：{reason_label(step.reason)}）"
    if step.amount is not None:
        outcome += f"；累计金额 {money(step.amount)} 元"
    lines.append(f"  结果：{outcome}")
    lines.append(f"  说明：{step.sentence}")
    return lines


def render_error(error: PolicyError, *, title: str | None = None) -> str:
    head = f"案例：{title}\n" if title else ""
    field = f"（字段 {error.field}）" if error.field else ""
    return f"{head}输入被拒绝：{error.code}{field}\n  {error.message}"
