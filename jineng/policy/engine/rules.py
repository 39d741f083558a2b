"""The closed set of rule kinds (after Catala: officers pick, engineers implement).

A pack's item lists rules; each names one ``kind`` below, cites its clause and gives the
kind's dated parameters (and, for a few kinds, undated structural ``options``). At load a
rule becomes an instance of its class, with its parameters bound; judging then calls
``evaluate(ctx)`` on each rule in order, which reads the case, updates the running amount
or records a failed condition, and returns a ``TraceStep``.

Roles: a *condition* passes or fails with its ``reason`` code; an *amount* rule adds to
the running amount; a *cap* clamps it (and fails when nothing is left). Every rule is
evaluated, so the trace shows all failing conditions; the first one is the reason.
"""

from __future__ import annotations

import datetime as dt
from calendar import monthrange
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import Any, ClassVar

from jineng.policy.engine.errors import CalendarError, CaseError
from jineng.policy.engine.model import (
    CERTIFICATES,
    DELIVERIES,
    ENTERPRISE_SIZES,
    KEY_GROUPS,
    TRAINING_KINDS,
    Case,
    Employer,
    HistoryEntry,
    Person,
    Training,
)
from jineng.policy.engine.params import (
    CENT,
    CERTIFICATE_TABLE,
    MONEY,
    PERCENT,
    PREFIXES,
    Parameter,
    ParamSpec,
    ParamVersion,
    codes,
    count,
    fail,
)
from jineng.policy.engine.trace import (
    AMOUNT,
    CAPPED,
    FAILED,
    PASSED,
    TraceStep,
    level_label,
    money,
    show_history,
)
from jineng.workdays import DEFAULT_CALENDAR, CalendarYearUnknown, WorkingDayCalendar

ZERO = Decimal("0.00")
HUNDRED = Decimal(100)
_new_step = tuple.__new__


class Context:
    """The mutable state of one judgement; rules read the case from it and write back."""

    __slots__ = (
        "case",
        "person",
        "employer",
        "training",
        "history",
        "day",
        "calendar",
        "amount",
        "failures",
        "in_force",
    )

    def __init__(self, case: Case, history: tuple[HistoryEntry, ...], calendar: WorkingDayCalendar):
        self.case = case
        self.person: Person = case.person
        self.employer: Employer | None = case.employer
        self.training: Training = case.training
        self.history = history
        self.day: dt.date = case.training.end
        """Parameters are read on the training's end, the day a policy's validity applies to."""
        self.calendar = calendar
        self.amount = ZERO
        self.failures: list[str] = []
        self.in_force = True


@dataclass(frozen=True)
class OptionSpec:
    label: str
    parse: Callable[[Any, str], Any]
    default: Any = None
    required: bool = False


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus calendar months; a missing day of month falls back to the month's last."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, monthrange(year, month)[1]))


_add_months_cached = lru_cache(maxsize=16384)(add_months)


def _quantize(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _need(value: Any, field: str, label: str, rule: Rule) -> Any:
    if value is None:
        raise CaseError(
            "invalid_case",
            f"缺少{label}（{field}）：补贴项目 {rule.policy}/{rule.subsidy} 的“{rule.label}”规则需要它",
            field=field,
        )
    return value


class Rule:
    kind: ClassVar[str]
    label: ClassVar[str]
    role: ClassVar[str] = "condition"
    reason: ClassVar[str | None] = None
    param_specs: ClassVar[Mapping[str, ParamSpec]] = {}
    option_specs: ClassVar[Mapping[str, OptionSpec]] = {}
    input_names: ClassVar[tuple[str, ...]] = ()

    def __init__(
        self,
        *,
        policy: str,
        subsidy: str,
        citation: str,
        quote: str | None = None,
        params: Mapping[str, Parameter] | None = None,
        options: Mapping[str, Any] | None = None,
    ):
        self.policy = policy
        self.subsidy = subsidy
        self.citation = citation
        self.quote = quote
        self.params: dict[str, Parameter] = dict(params or {})
        self.options: dict[str, Any] = dict(options or {})
        self.setup()

    def setup(self) -> None:
        """Bind parameters and options to attributes (judging reads them many times)."""

    def evaluate(self, ctx: Context) -> TraceStep:
        raise NotImplementedError

    def sentence(self, step: TraceStep) -> str:
        raise NotImplementedError

    def ceiling(self, day: dt.date) -> Decimal | None:
        """For amount and cap rules: the most this rule can let through on ``day``."""
        return None

    def _passed(
        self, inputs: tuple[Any, ...], params: tuple[ParamVersion, ...], detail: Any = None
    ) -> TraceStep:
        return TraceStep(self, PASSED, inputs, params, None, detail)

    def _failed(
        self, ctx: Context, inputs: tuple[Any, ...], params: tuple[ParamVersion, ...], detail: Any = None
    ) -> TraceStep:
        ctx.failures.append(self.reason)  # type: ignore[arg-type]
        return TraceStep(self, FAILED, inputs, params, None, detail)

    def _check(
        self,
        ok: bool,
        ctx: Context,
        inputs: tuple[Any, ...],
        params: tuple[ParamVersion, ...],
        detail: Any = None,
    ) -> TraceStep:
        # tuple.__new__ directly: the hot path of every judgement (see bench.py)
        if ok:
            return _new_step(TraceStep, (self, PASSED, inputs, params, None, detail))
        ctx.failures.append(self.reason)  # type: ignore[arg-type]
        return _new_step(TraceStep, (self, FAILED, inputs, params, None, detail))


def _ok(step: TraceStep) -> bool:
    return step.outcome == PASSED


# --- the validity window ------------------------------------------------------------------


class ValidityRule(Rule):
    """Implicit first rule of every item: the training's end must fall in the pack's (or the
    item's) period of validity; an operator's close date shortens an open period."""

    kind = "validity"
    label = "政策有效期"
    reason = "policy_not_in_force"
    input_names = ("training.end",)

    def setup(self) -> None:
        self.start: dt.date = self.options["start"]
        self.end: dt.date | None = self.options.get("end")
        self.closed_on: dt.date | None = self.options.get("closed_on")
        lasts = [d for d in (self.end, self.closed_on) if d is not None]
        self.last: dt.date | None = min(lasts) if lasts else None

    def evaluate(self, ctx: Context) -> TraceStep:
        end = ctx.training.end
        ok = self.start <= end and (self.last is None or end <= self.last)
        if not ok:
            ctx.in_force = False
        return self._check(ok, ctx, (end,), ())

    def window(self) -> str:
        if self.last is None:
            return f"{self.start.isoformat()} 起，未定截止日期"
        text = f"{self.start.isoformat()} 至 {self.last.isoformat()}"
        if self.closed_on is not None and self.last == self.closed_on:
            text += "，经办机构已宣布于该日停止"
        return text

    def sentence(self, step: TraceStep) -> str:
        (end,) = step.inputs
        inside = "在" if _ok(step) else "不在"
        tail = "" if _ok(step) else "，不予补贴"
        return f"培训结束日期 {end.isoformat()} {inside}政策有效期（{self.window()}）内{tail}。"


# --- conditions on the person and the employer ---------------------------------------------


class KeyGroupRule(Rule):
    kind = "key_group"
    label = "补贴对象（重点群体）"
    reason = "not_key_group"
    param_specs = {"groups": ParamSpec("补贴对象群体", codes(KEY_GROUPS, "重点群体"))}
    input_names = ("person.groups",)

    def setup(self) -> None:
        self.groups = self.params["groups"]

    def evaluate(self, ctx: Context) -> TraceStep:
        version = self.groups.at(ctx.day)
        held = ctx.person.groups
        return self._check(not version.value.isdisjoint(held), ctx, (held,), (version,))

    def sentence(self, step: TraceStep) -> str:
        (held,) = step.inputs
        allowed = step.params[0]
        if _ok(step):
            matched = "、".join(KEY_GROUPS[g] for g in sorted(held & allowed.value))
            return f"本人属于{matched}，在本项目补贴对象（{allowed.shown}）之内。"
        mine = "、".join(KEY_GROUPS[g] for g in sorted(held)) or "无重点群体身份"
        return f"本人身份（{mine}）不在本项目补贴对象（{allowed.shown}）之内。"


class HukouRegionRule(Rule):
    kind = "hukou_region"
    label = "户籍地（籍贯）范围"
    reason = "not_key_group"
    param_specs = {"regions": ParamSpec("户籍地范围", PREFIXES)}
    input_names = ("person.hukou",)

    def setup(self) -> None:
        self.regions = self.params["regions"]

    def evaluate(self, ctx: Context) -> TraceStep:
        version = self.regions.at(ctx.day)
        hukou = ctx.person.hukou
        return self._check(hukou.startswith(version.value), ctx, (hukou,), (version,))

    def sentence(self, step: TraceStep) -> str:
        (hukou,) = step.inputs
        verb = "属于" if _ok(step) else "不属于"
        return f"户籍地 {hukou} {verb}本项目补贴对象的地区（{step.params[0].shown}）。"


class EnterpriseSizeRule(Rule):
    kind = "enterprise_size"
    label = "企业规模"
    reason = "not_sme"
    param_specs = {"sizes": ParamSpec("补贴的企业规模", codes(ENTERPRISE_SIZES, "企业规模"))}
    input_names = ("employer.size",)

    def setup(self) -> None:
        self.sizes = self.params["sizes"]

    def evaluate(self, ctx: Context) -> TraceStep:
        employer = ctx.employer
        size = _need(employer.size if employer else None, "employer.size", "企业规模", self)
        version = self.sizes.at(ctx.day)
        return self._check(size in version.value, ctx, (size,), (version,))

    def sentence(self, step: TraceStep) -> str:
        (size,) = step.inputs
        verb = "符合" if _ok(step) else "不符合"
        return f"企业规模为{ENTERPRISE_SIZES[size]}，{verb}本项目要求（{step.params[0].shown}）。"


class ContractLengthRule(Rule):
    kind = "contract_length"
    label = "劳动合同期限"
    reason = "contract_too_short"
    param_specs = {"min_months": ParamSpec("最短劳动合同期限", count("个月"))}
    input_names = ("employer.contract_months",)

    def setup(self) -> None:
        self.min_months = self.params["min_months"]

    def evaluate(self, ctx: Context) -> TraceStep:
        employer = ctx.employer
        months = _need(
            employer.contract_months if employer else None, "employer.contract_months", "劳动合同期限", self
        )
        version = self.min_months.at(ctx.day)
        return self._check(months >= version.value, ctx, (months,), (version,))

    def sentence(self, step: TraceStep) -> str:
        (months,) = step.inputs
        verb = "达到" if _ok(step) else "不足"
        return f"劳动合同期限 {months} 个月，{verb}规定的 {step.params[0].value} 个月。"


class NoPriorAidRule(Rule):
    """The employer has not already received an aid this item excludes (a flag of the
    employer, e.g. Shaoguan's 受影响企业培训补助); ``kinds`` limits it to some training kinds."""

    kind = "no_prior_aid"
    label = "未领取不可同时享受的补助"
    reason = "exclusive_with_prior_subsidy"
    option_specs = {
        "kinds": OptionSpec("只适用于这些培训类型", codes(TRAINING_KINDS, "培训类型").parse, None),
    }
    input_names = ("employer.received_affected_enterprise_aid", "training.kind")

    def setup(self) -> None:
        self.kinds: frozenset[str] | None = self.options.get("kinds")

    def evaluate(self, ctx: Context) -> TraceStep:
        received = ctx.employer.received_affected_enterprise_aid if ctx.employer else False
        kind = ctx.training.kind
        applies = self.kinds is None or kind in self.kinds
        return self._check(not (received and applies), ctx, (received, kind), (), applies)

    def sentence(self, step: TraceStep) -> str:
        received, kind = step.inputs
        if not received:
            return "企业未领取受影响企业培训补助。"
        if not step.detail:
            kinds = "、".join(TRAINING_KINDS[k] for k in sorted(self.kinds or ()))
            return f"企业已领取受影响企业培训补助，但该限制只适用于{kinds}，本次为{TRAINING_KINDS[kind]}。"
        return "企业已领取受影响企业培训补助，不能再申领此项补贴。"


# --- conditions on the training --------------------------------------------------------------


class TrainingKindRule(Rule):
    kind = "training_kind"
    label = "培训类型"
    reason = "kind_not_covered"
    param_specs = {"kinds": ParamSpec("补贴的培训类型", codes(TRAINING_KINDS, "培训类型"))}
    input_names = ("training.kind",)

    def setup(self) -> None:
        self.kinds = self.params["kinds"]

    def evaluate(self, ctx: Context) -> TraceStep:
        version = self.kinds.at(ctx.day)
        kind = ctx.training.kind
        return self._check(kind in version.value, ctx, (kind,), (version,))

    def sentence(self, step: TraceStep) -> str:
        (kind,) = step.inputs
        verb = "在" if _ok(step) else "不在"
        return f"培训类型为{TRAINING_KINDS[kind]}，{verb}本项目补贴范围（{step.params[0].shown}）内。"


class DeliveryRule(Rule):
    kind = "delivery"
    label = "培训方式"
    reason = "delivery_not_covered"
    param_specs = {"deliveries": ParamSpec("补贴的培训方式", codes(DELIVERIES, "培训方式"))}
    input_names = ("training.delivery",)

    def setup(self) -> None:
        self.deliveries = self.params["deliveries"]

    def evaluate(self, ctx: Context) -> TraceStep:
        version = self.deliveries.at(ctx.day)
        delivery = ctx.training.delivery
        return self._check(delivery in version.value, ctx, (delivery,), (version,))

    def sentence(self, step: TraceStep) -> str:
        (delivery,) = step.inputs
        verb = "在" if _ok(step) else "不在"
        return f"培训方式为{DELIVERIES[delivery]}，{verb}本项目补贴范围（{step.params[0].shown}）内。"


class NewHireRule(Rule):
    """Training of a new hire: it starts within ``months`` of the hiring date (and the
    person was hired by the time it ended)."""

    kind = "new_hire"
    label = "新招用人员"
    reason = "not_new_hire"
    param_specs = {"months": ParamSpec("招用后开训的期限", count("个月"))}
    input_names = ("training.hired_on", "training.start")

    def setup(self) -> None:
        self.months = self.params["months"]

    def evaluate(self, ctx: Context) -> TraceStep:
        version = self.months.at(ctx.day)
        training = ctx.training
        hired, start = training.hired_on, training.start
        if hired is None:
            return self._failed(ctx, (hired, start), (version,))
        limit = _add_months_cached(hired, version.value)
        ok = start <= limit and hired <= training.end
        return self._check(ok, ctx, (hired, start), (version,), limit)

    def sentence(self, step: TraceStep) -> str:
        hired, start = step.inputs
        months = step.params[0].value
        if hired is None:
            return "未提供招用日期，不能认定为新招用人员。"
        inside = "在" if _ok(step) else "不在"
        return f"培训开始日期 {start.isoformat()} {inside}招用之日 {hired.isoformat()} 起 {months} 个月内（至 {step.detail.isoformat()}）。"


def _parse_bool(raw: Any, where: str) -> bool:
    if not isinstance(raw, bool):
        raise fail(where, "应为 true 或 false")
    return raw


class CertificateRule(Rule):
    kind = "certificate"
    label = "取得证书"
    reason = "no_certificate"
    param_specs = {
        "kinds": ParamSpec(
            "认可的证书", codes({k: v for k, v in CERTIFICATES.items() if k != "none"}, "证书种类")
        )
    }
    option_specs = {"level_required": OptionSpec("证书须注明等级", _parse_bool, False)}
    input_names = ("training.certificate", "training.level")

    def setup(self) -> None:
        self.kinds = self.params["kinds"]
        self.level_required: bool = self.options.get("level_required", False)

    def evaluate(self, ctx: Context) -> TraceStep:
        version = self.kinds.at(ctx.day)
        training = ctx.training
        ok = training.certificate in version.value and (not self.level_required or training.level is not None)
        return self._check(ok, ctx, (training.certificate, training.level), (version,))

    def sentence(self, step: TraceStep) -> str:
        certificate, level = step.inputs
        allowed = step.params[0].shown
        if _ok(step):
            return f"取得{CERTIFICATES[certificate]}，是本项目认可的证书（{allowed}）。"
        if certificate == "none":
            return f"未取得证书；本项目要求取得{allowed}。"
        if certificate in step.params[0].value:
            return f"取得的{CERTIFICATES[certificate]}未注明等级，无法按等级补贴。"
        return f"取得的是{CERTIFICATES[certificate]}，不是本项目认可的证书（{allowed}）。"


class PassedRule(Rule):
    kind = "passed"
    label = "结业考核合格"
    reason = "not_passed"
    input_names = ("training.passed",)

    def evaluate(self, ctx: Context) -> TraceStep:
        passed = ctx.training.passed
        return self._check(passed, ctx, (passed,), ())

    def sentence(self, step: TraceStep) -> str:
        return "结业考核合格。" if _ok(step) else "结业考核不合格或未参加考核。"


class NoFreeResourceRule(Rule):
    kind = "no_free_resource"
    label = "非平台免费资源"
    reason = "free_resource"
    input_names = ("training.free_resource",)

    def evaluate(self, ctx: Context) -> TraceStep:
        free = ctx.training.free_resource
        return self._check(not free, ctx, (free,), ())

    def sentence(self, step: TraceStep) -> str:
        if _ok(step):
            return "培训使用的不是线上平台免费提供的资源。"
        return "培训使用的是线上平台免费提供的资源，不享受培训补贴。"


# --- conditions on the person's subsidy history ----------------------------------------------


def _parse_scope(raw: Any, where: str) -> str:
    if raw not in ("all", "item"):
        raise fail(where, "应为 all（全部政策的记录）或 item（本政策本项目的记录）")
    return str(raw)


class YearlyCountRule(Rule):
    """At most N subsidised trainings a year (the year of ``end``); ``scope: all`` counts
    every history entry whatever its pack, ``scope: item`` only this pack and item."""

    kind = "yearly_count"
    label = "每年享受次数"
    reason = "yearly_count_exceeded"
    param_specs = {"max_count": ParamSpec("每人每年最多次数", count("次"))}
    option_specs = {"scope": OptionSpec("计数范围", _parse_scope, "all")}
    input_names = ("training.end", "history.year_count")

    def setup(self) -> None:
        self.max_count = self.params["max_count"]
        self.same_item: bool = self.options.get("scope", "all") == "item"

    def evaluate(self, ctx: Context) -> TraceStep:
        version = self.max_count.at(ctx.day)
        year = ctx.day.year
        if self.same_item:
            policy, subsidy = self.policy, self.subsidy
            n = sum(
                1 for h in ctx.history if h.end.year == year and h.subsidy == subsidy and h.policy == policy
            )
        else:
            n = sum(1 for h in ctx.history if h.end.year == year)
        return self._check(n < version.value, ctx, (ctx.day, n), (version,))

    def sentence(self, step: TraceStep) -> str:
        end, n = step.inputs
        limit = step.params[0].value
        what = "本项目补贴" if self.same_item else "补贴（各项政策合计）"
        if _ok(step):
            return f"{end.year} 年已享受{what} {n} 次，未达每人每年 {limit} 次的上限。"
        return f"{end.year} 年已享受{what} {n} 次，已达每人每年 {limit} 次的上限。"


class OncePerOccupationLevelRule(Rule):
    """The same occupation at the same level is subsidised only once (any pack, any year)."""

    kind = "once_per_occupation_level"
    label = "同一职业同一等级只享受一次"
    reason = "duplicate_occupation_level"
    input_names = ("training.occupation", "training.level", "history.same_occupation_level")

    def evaluate(self, ctx: Context) -> TraceStep:
        training = ctx.training
        occupation, level = training.occupation, training.level
        for h in ctx.history:
            if h.occupation == occupation and h.level == level:
                return self._failed(ctx, (occupation, level, h), ())
        return self._passed((occupation, level, None), ())

    def sentence(self, step: TraceStep) -> str:
        occupation, level, entry = step.inputs
        if entry is None:
            return f"此前未就职业（工种）{occupation}、{level_label(level)}享受过补贴。"
        return f"已就同一职业（工种）{occupation}、同一等级（{level_label(level)}）享受过补贴（{show_history(entry)}），不可重复享受。"


class PreviousFinishedRule(Rule):
    """One training at a time: every subsidised training in the history ended before this start."""

    kind = "previous_finished"
    label = "上一个培训结束后方可参加下一个"
    reason = "previous_training_unfinished"
    input_names = ("training.start", "history.unfinished")

    def evaluate(self, ctx: Context) -> TraceStep:
        start = ctx.training.start
        for h in ctx.history:
            if h.end >= start:
                return self._failed(ctx, (start, h), ())
        return self._passed((start, None), ())

    def sentence(self, step: TraceStep) -> str:
        start, entry = step.inputs
        if entry is None:
            return f"已享受补贴的培训都在本次开始日期 {start.isoformat()} 之前结束。"
        return f"已享受补贴的培训（{show_history(entry)}）在本次开始日期 {start.isoformat()} 时尚未结束。"


def _parse_item_refs(raw: Any, where: str) -> tuple[tuple[str | None, str], ...]:
    """``[pre_job_training, other-pack/item]``: an item of this pack, or ``pack/item``."""
    if not isinstance(raw, list) or not raw:
        raise fail(where, "应为非空列表，列出不可重复享受的补贴项目，如 [pre_job_training] 或 [pack-id/item]")
    refs: list[tuple[str | None, str]] = []
    for ref in raw:
        if not isinstance(ref, str) or not ref or ref.count("/") > 1:
            raise fail(where, f"补贴项目 {ref!r} 应写成 item 或 pack-id/item")
        policy, _, subsidy = ref.rpartition("/")
        refs.append((policy or None, subsidy))
    return tuple(refs)


class ExclusiveWithRule(Rule):
    """Items that cannot both be received by one person (any year)."""

    kind = "exclusive_with"
    label = "不可重复享受的补贴"
    reason = "exclusive_with_prior_subsidy"
    option_specs = {"items": OptionSpec("不可重复享受的补贴项目", _parse_item_refs, required=True)}
    input_names = ("history.exclusive",)

    def setup(self) -> None:
        refs = self.options["items"]
        self.excluded = frozenset((policy or self.policy, subsidy) for policy, subsidy in refs)

    def evaluate(self, ctx: Context) -> TraceStep:
        excluded = self.excluded
        for h in ctx.history:
            if (h.policy, h.subsidy) in excluded:
                return self._failed(ctx, (h,), ())
        return self._passed((None,), ())

    def refs(self) -> str:
        return "、".join(f"{p}/{s}" for p, s in sorted(self.excluded))

    def sentence(self, step: TraceStep) -> str:
        (entry,) = step.inputs
        if entry is None:
            return f"未享受过与本项目不可重复享受的补贴（{self.refs()}）。"
        return f"已享受补贴（{show_history(entry)}），与本项目（{self.policy}/{self.subsidy}）不可重复享受。"


# --- deadlines ---------------------------------------------------------------------------


class ClaimDeadlineRule(Rule):
    kind = "claim_deadline"
    label = "申领期限"
    reason = "claim_deadline_passed"
    param_specs = {"months": ParamSpec("培训结束后申领期限", count("个月"))}
    input_names = ("training.end", "claimed_on")

    def setup(self) -> None:
        self.months = self.params["months"]

    def evaluate(self, ctx: Context) -> TraceStep:
        version = self.months.at(ctx.day)
        end = ctx.training.end
        deadline = _add_months_cached(end, version.value)
        claimed = ctx.case.claimed_on
        return self._check(claimed <= deadline, ctx, (end, claimed), (version,), deadline)

    def sentence(self, step: TraceStep) -> str:
        end, claimed = step.inputs
        verb = "不晚于" if _ok(step) else "晚于"
        months = step.params[0].value
        return (
            f"申领日期 {claimed.isoformat()} {verb}培训结束（{end.isoformat()}）后 {months} 个月的"
            f"截止日 {step.detail.isoformat()}。"
        )


class FilingLeadTimeRule(Rule):
    """Filed at least N working days before the start: ``filed_on`` is on or before the N-th
    working day counted back from ``start`` (``start`` not counted), 调休 included."""

    kind = "filing_lead_time"
    label = "培训前备案"
    reason = "filed_too_late"
    param_specs = {"working_days": ParamSpec("开训前备案的工作日数", count("个工作日"))}
    input_names = ("training.filed_on", "training.start")

    def setup(self) -> None:
        self.working_days = self.params["working_days"]
        self._cache: dict[tuple[dt.date, int], dt.date] = {}

    def latest_filing(self, start: dt.date, n: int, calendar: WorkingDayCalendar) -> dt.date:
        cacheable = calendar is DEFAULT_CALENDAR
        if cacheable:
            cached = self._cache.get((start, n))
            if cached is not None:
                return cached
        try:
            latest = calendar.add_working_days(start, -n)
        except CalendarYearUnknown as exc:
            raise CalendarError(str(exc), field="training.start", details={"year": exc.year}) from exc
        if cacheable and len(self._cache) < 100_000:
            self._cache[(start, n)] = latest
        return latest

    def evaluate(self, ctx: Context) -> TraceStep:
        version = self.working_days.at(ctx.day)
        training = ctx.training
        latest = self.latest_filing(training.start, version.value, ctx.calendar)
        filed = training.filed_on
        ok = filed is not None and filed <= latest
        return self._check(ok, ctx, (filed, training.start), (version,), latest)

    def sentence(self, step: TraceStep) -> str:
        filed, start = step.inputs
        n = step.params[0].value
        limit = f"开训日期 {start.isoformat()} 前第 {n} 个工作日（{step.detail.isoformat()}）"
        if filed is None:
            return f"未提供备案日期；须不晚于{limit}备案。"
        verb = "不晚于" if _ok(step) else "晚于"
        return f"备案日期 {filed.isoformat()} {verb}{limit}。"


# --- amounts -------------------------------------------------------------------------------


class AmountRule(Rule):
    role = "amount"

    def _add(
        self,
        ctx: Context,
        amount: Decimal,
        inputs: tuple[Any, ...],
        params: tuple[ParamVersion, ...],
        detail: Any = None,
    ) -> TraceStep:
        ctx.amount += amount
        return _new_step(TraceStep, (self, AMOUNT, inputs, params, ctx.amount, (amount, detail)))


class RatePerClassHourRule(AmountRule):
    kind = "rate_per_class_hour"
    label = "按学时补贴"
    param_specs = {"rate": ParamSpec("每学时补贴标准", MONEY)}
    input_names = ("training.minutes",)

    def setup(self) -> None:
        self.rate = self.params["rate"]

    def evaluate(self, ctx: Context) -> TraceStep:
        version = self.rate.at(ctx.day)
        minutes = ctx.training.minutes
        hours = minutes // 45
        return self._add(ctx, version.value * hours, (minutes,), (version,), hours)

    def sentence(self, step: TraceStep) -> str:
        amount, hours = step.detail
        (minutes,) = step.inputs
        rate = step.params[0].value
        return f"{hours} 学时（{minutes} 分钟 ÷ 45 分钟，不足一学时的部分不计）× {money(rate)} 元/学时 = {money(amount)} 元。"


class FixedAmountRule(AmountRule):
    kind = "fixed_amount"
    label = "定额补贴"
    param_specs = {"amount": ParamSpec("每人补贴标准", MONEY)}

    def setup(self) -> None:
        self.amount = self.params["amount"]

    def evaluate(self, ctx: Context) -> TraceStep:
        version = self.amount.at(ctx.day)
        return self._add(ctx, version.value, (), (version,))

    def ceiling(self, day: dt.date) -> Decimal | None:
        return self.amount.at(day).value

    def sentence(self, step: TraceStep) -> str:
        return f"按每人 {money(step.params[0].value)} 元的标准补贴。"


class AmountByCertificateRule(AmountRule):
    """An amount by certificate kind and level; a certificate the table does not list fails
    with ``no_certificate`` (nothing is paid for it)."""

    kind = "amount_by_certificate"
    label = "按证书等级补贴"
    reason = "no_certificate"
    param_specs = {"table": ParamSpec("证书补贴标准", CERTIFICATE_TABLE)}
    input_names = ("training.certificate", "training.level")

    def setup(self) -> None:
        self.table = self.params["table"]

    def evaluate(self, ctx: Context) -> TraceStep:
        version = self.table.at(ctx.day)
        training = ctx.training
        by_level = version.value.get(training.certificate)
        amount = None
        if by_level is not None:
            amount = by_level.get(training.level, by_level.get(None))
        inputs = (training.certificate, training.level)
        if amount is None:
            return self._failed(ctx, inputs, (version,))
        return self._add(ctx, amount, inputs, (version,))

    def ceiling(self, day: dt.date) -> Decimal | None:
        return max(amount for by_level in self.table.at(day).value.values() for amount in by_level.values())

    def sentence(self, step: TraceStep) -> str:
        certificate, level = step.inputs
        held = CERTIFICATES[certificate] + (f"（{level_label(level)}）" if level is not None else "")
        if step.outcome == FAILED:
            return f"补贴标准表（{step.params[0].shown}）中没有{held}的标准，不予补贴。"
        return f"{held}的补贴标准为 {money(step.detail[0])} 元。"


def _parse_cost_input(raw: Any, where: str) -> str:
    if raw not in ("cost", "requested"):
        raise fail(where, "应为 cost（实际支出培训费用）或 requested（申请金额）")
    return str(raw)


class ActualCostRule(AmountRule):
    """What was actually paid (``cost``) or asked for (``requested``), up to a ceiling."""

    kind = "actual_cost"
    label = "按实际支出补贴（有上限）"
    param_specs = {"ceiling": ParamSpec("每人最高补贴", MONEY)}
    option_specs = {"input": OptionSpec("按哪个金额", _parse_cost_input, "cost")}

    def setup(self) -> None:
        self.max_amount = self.params["ceiling"]
        self.use_requested = self.options.get("input", "cost") == "requested"
        self.input_names = ("training.requested",) if self.use_requested else ("training.cost",)  # type: ignore[misc]

    def evaluate(self, ctx: Context) -> TraceStep:
        version = self.max_amount.at(ctx.day)
        spent = ctx.training.requested if self.use_requested else ctx.training.cost
        return self._add(ctx, min(spent, version.value), (spent,), (version,))

    def ceiling(self, day: dt.date) -> Decimal | None:
        return self.max_amount.at(day).value

    def sentence(self, step: TraceStep) -> str:
        (spent,) = step.inputs
        what = "申请金额" if self.use_requested else "实际支出培训费用"
        return f"{what} {money(spent)} 元，每人最高 {money(step.params[0].value)} 元，补贴 {money(step.detail[0])} 元。"


class MonthlyRateRule(AmountRule):
    kind = "monthly_rate"
    label = "按月补贴（有月数上限）"
    param_specs = {
        "rate": ParamSpec("每人每月补贴标准", MONEY),
        "max_months": ParamSpec("最长补贴月数", count("个月")),
    }
    input_names = ("training.months",)

    def setup(self) -> None:
        self.rate = self.params["rate"]
        self.max_months = self.params["max_months"]

    def evaluate(self, ctx: Context) -> TraceStep:
        rate = self.rate.at(ctx.day)
        most = self.max_months.at(ctx.day)
        months = ctx.training.months
        paid = min(months, most.value)
        return self._add(ctx, rate.value * paid, (months,), (rate, most), paid)

    def ceiling(self, day: dt.date) -> Decimal | None:
        return self.rate.at(day).value * self.max_months.at(day).value

    def sentence(self, step: TraceStep) -> str:
        amount, paid = step.detail
        (months,) = step.inputs
        rate, most = step.params
        return f"{months} 个月，最多按 {most.value} 个月计：{paid} 个月 × {money(rate.value)} 元/月 = {money(amount)} 元。"


class PercentageOfStandardRule(AmountRule):
    kind = "percentage_of_standard"
    label = "按当地培训补贴标准的比例补贴"
    param_specs = {"percent": ParamSpec("占当地补贴标准的比例", PERCENT)}
    input_names = ("training.local_standard",)

    def setup(self) -> None:
        self.percent = self.params["percent"]

    def evaluate(self, ctx: Context) -> TraceStep:
        version = self.percent.at(ctx.day)
        standard = ctx.training.local_standard
        return self._add(ctx, _quantize(standard * version.value / HUNDRED), (standard,), (version,))

    def sentence(self, step: TraceStep) -> str:
        (standard,) = step.inputs
        return f"当地该培训项目补贴标准 {money(standard)} 元 × {step.params[0].value}% = {money(step.detail[0])} 元。"


# --- caps ----------------------------------------------------------------------------------


class YearlyCapRule(Rule):
    """Up to N 元 per person per year for this pack and item (history of the same year):
    the amount is cut to what is left; nothing left fails with ``annual_cap_reached``."""

    kind = "yearly_cap"
    label = "每人每年补贴上限"
    role = "cap"
    reason = "annual_cap_reached"
    param_specs = {"cap": ParamSpec("每人每年补贴上限", MONEY)}
    input_names = ("training.end", "history.year_total")

    def setup(self) -> None:
        self.cap = self.params["cap"]

    def evaluate(self, ctx: Context) -> TraceStep:
        version = self.cap.at(ctx.day)
        year, policy, subsidy = ctx.day.year, self.policy, self.subsidy
        used = ZERO
        for h in ctx.history:
            if h.end.year == year and h.subsidy == subsidy and h.policy == policy:
                used += h.amount
        left = version.value - used
        inputs = (ctx.day, used)
        before = ctx.amount
        if left <= 0:
            ctx.failures.append("annual_cap_reached")
            return TraceStep(self, FAILED, inputs, (version,), ctx.amount, (before, left))
        if before > left:
            ctx.amount = left
            return TraceStep(self, CAPPED, inputs, (version,), left, (before, left))
        return TraceStep(self, PASSED, inputs, (version,), before, (before, left))

    def ceiling(self, day: dt.date) -> Decimal | None:
        return self.cap.at(day).value

    def sentence(self, step: TraceStep) -> str:
        end, used = step.inputs
        before, left = step.detail
        cap = money(step.params[0].value)
        head = f"每人每年上限 {cap} 元，{end.year} 年已享受本项目 {money(used)} 元"
        if step.outcome == FAILED:
            return f"{head}，已无余额。"
        if step.outcome == CAPPED:
            return f"{head}，尚余 {money(left)} 元；本次 {money(before)} 元调减为 {money(left)} 元。"
        return f"{head}，尚余 {money(left)} 元；本次 {money(before)} 元未超过余额。"


RULE_KINDS: dict[str, type[Rule]] = {
    cls.kind: cls
    for cls in (
        KeyGroupRule,
        HukouRegionRule,
        EnterpriseSizeRule,
        ContractLengthRule,
        NoPriorAidRule,
        TrainingKindRule,
        DeliveryRule,
        NewHireRule,
        CertificateRule,
        PassedRule,
        NoFreeResourceRule,
        YearlyCountRule,
        OncePerOccupationLevelRule,
        PreviousFinishedRule,
        ExclusiveWithRule,
        ClaimDeadlineRule,
        FilingLeadTimeRule,
        RatePerClassHourRule,
        FixedAmountRule,
        AmountByCertificateRule,
        ActualCostRule,
        MonthlyRateRule,
        PercentageOfStandardRule,
        YearlyCapRule,
    )
}
"""The closed set a pack may pick from (``validity`` is implicit in every item)."""
