"""Judging one case under one item of one pack.

``judge`` walks the item's compiled rules in order (the validity window first), collects
the trace, and returns a ``Judgement``: eligible or not, the amount (``Decimal``, two
places), who is paid and by which region, the first failing condition's reason code and
every step. Inputs it cannot judge raise a ``PolicyError`` with a code instead.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from jineng.policy.engine.errors import ParameterError
from jineng.policy.engine.model import Case, HistoryEntry
from jineng.policy.engine.packs import Item, PackSet, load_packs
from jineng.policy.engine.params import CENT
from jineng.policy.engine.rules import ZERO, Context
from jineng.policy.engine.trace import SKIPPED, TraceStep, money
from jineng.workdays import DEFAULT_CALENDAR, WorkingDayCalendar


@dataclass(frozen=True, slots=True)
class Judgement:
    policy: str
    subsidy: str
    eligible: bool
    amount: Decimal
    """Quantized to 0.01; ``0.00`` when not eligible."""
    payee: str
    payer_region: str | None
    """The region whose bureau pays, when an input gives it."""
    reason: str | None
    """The first failing condition, in rule order; None when eligible."""
    failures: tuple[str, ...]
    """Every failing condition, in rule order."""
    trace: tuple[TraceStep, ...]
    item: Item = field(repr=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form: money as strings with two places, dates as ISO strings."""
        return {
            "policy": self.policy,
            "subsidy": self.subsidy,
            "document_number": self.item.document_number,
            "item_title": self.item.title,
            "eligible": self.eligible,
            "amount": money(self.amount),
            "payee": self.payee,
            "payer_region": self.payer_region,
            "reason": self.reason,
            "failures": list(self.failures),
            "trace": [step.to_dict() for step in self.trace],
        }


_default_packs: PackSet | None = None


def default_packs() -> PackSet:
    global _default_packs
    if _default_packs is None:
        _default_packs = load_packs()
    return _default_packs


def judge(
    case: Case,
    *,
    history: Iterable[HistoryEntry] | None = None,
    calendar: WorkingDayCalendar = DEFAULT_CALENDAR,
    packs: PackSet | None = None,
) -> Judgement:
    """Judge ``case`` under its pack and item. ``history`` replaces ``case.history`` (pass
    the person's entries from an index); ``packs`` defaults to ``load_packs()``."""
    item = (packs if packs is not None else default_packs()).item(case.policy, case.subsidy)
    return judge_item(item, case, history=history, calendar=calendar)


def judge_item(
    item: Item,
    case: Case,
    *,
    history: Iterable[HistoryEntry] | None = None,
    calendar: WorkingDayCalendar = DEFAULT_CALENDAR,
) -> Judgement:
    entries = case.history if history is None else tuple(history)
    ctx = Context(case, entries, calendar)
    steps: list[TraceStep] = []
    append = steps.append
    for rule in item.rules:
        try:
            append(rule.evaluate(ctx))
        except ParameterError as exc:
            if ctx.in_force:
                raise
            append(TraceStep(rule, SKIPPED, (), (), None, exc.message))
    failures = ctx.failures
    if len(failures) > 1:  # two rules may fail for one cause (a certificate and its table)
        failures = list(dict.fromkeys(failures))
    eligible = not failures
    return Judgement(
        policy=item.pack_id,
        subsidy=item.id,
        eligible=eligible,
        amount=ctx.amount.quantize(CENT, rounding=ROUND_HALF_UP) if eligible else ZERO,
        payee=item.payee,
        payer_region=_payer_region(item.payer, case),
        reason=failures[0] if failures else None,
        failures=tuple(failures),
        trace=tuple(steps),
        item=item,
    )


def _payer_region(payer: str, case: Case) -> str | None:
    if payer == "hukou":
        return case.person.hukou
    if payer == "employer":
        return case.employer.region if case.employer is not None else None
    if payer == "none":
        return None
    return payer
