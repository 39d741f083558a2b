"""Judging a claim's lines: each line's facts (read from the records when the claim was built)
become an engine ``Case`` (for an advance, the projected outcome), judged against the person's
history of paid and reserved grants with the working-day calendar remembered for the batch; the
outcome, the amount and a compact trace of the rules applied are set on the line and saved."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from jineng.claims import selectors
from jineng.claims.models import Claim, ClaimLine
from jineng.claims.services.accounts import _digest, _save_judgements
from jineng.claims.services.common import ZERO, _local_date
from jineng.claims.services.packs import _item
from jineng.common import clock
from jineng.policy.engine import Case, Employer, Item, PolicyError, Training, judge_item
from jineng.policy.engine import Person as EnginePerson
from jineng.projects.models import Project
from jineng.regions.selectors import working_day_calendar
from jineng.workdays import WorkingDayCalendar


def _projected_certificate(item: Item, day: dt.date) -> str:
    """The certificate a learner who completes is expected to hold: the first kind the item
    accepts (the training certificate where accepted)."""
    for rule in item.rules:
        if rule.kind == "certificate":
            kinds = list(rule.kinds.at(day).value)  # type: ignore[attr-defined]
            return "training" if "training" in kinds else kinds[0]
    return "training"


def projection_note(item: Item, day: dt.date, planned_minutes: int) -> str:
    return (f"先行拨付按培训实施后的预计结果计算：假定学完计划的 {planned_minutes} 分钟、结业考核合格并取得"
            f"{CERTIFICATE_LABELS.get(_projected_certificate(item, day), '证书')}；培训结束后按实际记录重新判定，多退少补")


CERTIFICATE_LABELS = {"training": "培训合格证书", "qualification": "职业资格（技能等级）证书",
                      "special_ability": "专项职业能力证书", "special_operation": "特种作业操作证"}


def _case(*, claim: Claim, project: Project, line_facts: dict, claimed_on: dt.date, item: Item) -> Case:
    """The engine's case for one line. The engine reads no ID number (only hukou and groups),
    so none is put in: the person is identified by the history passed alongside. A claim for an
    advance (the project still running) is judged on the projected outcome: every planned minute
    learned, the final assessment passed, the item's certificate obtained; everything else (the
    person, the contract, the history) as recorded."""
    facts = dict(line_facts)
    if claim.phase == Claim.Phase.ADVANCE:
        facts["countable_minutes"] = max(int(facts.get("countable_minutes") or 0), int(facts.get("planned_minutes") or 0))
        facts["passed"] = True
        facts["certificate"] = _projected_certificate(item, project.end_date)
    org = claim.organization
    employer = Employer(size=org.size or None, contract_months=facts.get("contract_months"),
                        received_affected_enterprise_aid=bool(project.received_affected_aid), region=org.region_id)
    hired = facts.get("hired_on")
    training = Training(
        kind=project.kind, delivery=project.delivery, occupation=project.occupation.code,
        start=project.start_date, end=project.end_date, level=project.level,
        hired_on=dt.date.fromisoformat(hired) if hired else None,
        filed_on=_local_date(project.submitted_at) if project.submitted_at else None,
        minutes=int(facts.get("countable_minutes") or 0), passed=bool(facts.get("passed")),
        certificate=facts.get("certificate") or "none", cost=claim.cost_per_learner,
        requested=Decimal(facts.get("requested") or "0.00"),
    )
    person = EnginePerson(id_number="", hukou=facts.get("hukou") or "", groups=frozenset(facts.get("groups") or ()))
    return Case(policy=claim.policy, subsidy=claim.subsidy, claimed_on=claimed_on, person=person, training=training,
                employer=employer)


class _MemoCalendar:
    """The working-day calendar with its answers remembered for one batch of judgements (the
    engine caches only for its default calendar; ours carries the operator's overrides)."""

    def __init__(self, calendar: WorkingDayCalendar):
        self.calendar = calendar
        self._add: dict[tuple[dt.date, int], dt.date] = {}
        self._days: dict[dt.date, bool] = {}

    def is_working_day(self, day: dt.date) -> bool:
        if day not in self._days:
            self._days[day] = self.calendar.is_working_day(day)
        return self._days[day]

    def add_working_days(self, start: dt.date, n: int) -> dt.date:
        key = (start, n)
        if key not in self._add:
            self._add[key] = self.calendar.add_working_days(start, n)
        return self._add[key]

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        return self.calendar.working_days_between(start, end)


def _compact_trace(judgement) -> dict:
    return {
        "document_number": judgement.item.document_number,
        "item_title": judgement.item.title,
        "steps": [
            {"label": s.rule.label, "clause": s.citation, "outcome": s.outcome, "reason": s.reason,
             "amount": f"{s.amount:.2f}" if s.amount is not None else None, "sentence": s.sentence,
             "params": [{"label": v.label, "shown": v.shown, "from": v.start.isoformat(), "citation": v.citation}
                        for v in s.params]}
            for s in judgement.trace
        ],
    }


def _apply_judgement(line: ClaimLine, *, claim: Claim, project: Project, item: Item, history, claimed_on: dt.date,
                     now: dt.datetime, calendar: WorkingDayCalendar) -> None:
    facts = line.facts
    if not facts.get("on_roster", True):
        line.status, line.judged_amount, line.reason = ClaimLine.Status.EXCLUDED, ZERO, "not_on_roster"
        line.reason_clause, line.payee, line.payer_region = "备案名册", item.payee, ""
        line.trace = {"steps": [], "error": "不在备案时经审核的培训人员名册上"}
        line.judged_at = now
        return
    case = _case(claim=claim, project=project, line_facts=facts, claimed_on=claimed_on, item=item)
    try:
        judgement = judge_item(item, case, history=history, calendar=calendar)
    except PolicyError as exc:
        line.status, line.judged_amount, line.reason = ClaimLine.Status.EXCLUDED, ZERO, exc.code[:48]
        line.reason_clause, line.payee, line.payer_region = "", item.payee, ""
        line.trace = {"steps": [], "error": exc.message}
        line.judged_at = now
        return
    line.status = ClaimLine.Status.ELIGIBLE if judgement.eligible else ClaimLine.Status.EXCLUDED
    line.judged_amount = judgement.amount
    line.payee = judgement.payee
    line.payer_region = judgement.payer_region or ""
    line.reason = judgement.reason or ""
    line.reason_clause = next((s.citation for s in judgement.trace if s.reason == judgement.reason), "")[:160] \
        if judgement.reason else ""
    line.trace = _compact_trace(judgement)
    if claim.phase == Claim.Phase.ADVANCE:
        line.trace["projection"] = projection_note(item, project.end_date, int(facts.get("planned_minutes") or 0))
    line.judged_at = now


def claim_judge_lines(*, claim: Claim, claimed_on: dt.date, at_submission: bool,
                      lines: list[ClaimLine] | None = None) -> list[ClaimLine]:
    """Judge every line against the persons' history (paid and reserved grants, this claim's own
    excluded) and save the results. Call inside the caller's transaction; at submission the
    caller has locked the persons' accounts first."""
    project = Project.objects.select_related("occupation").get(pk=claim.project_id)
    item = _item(claim.policy, claim.subsidy)
    lines = lines if lines is not None else list(claim.lines.select_related("person").order_by("position"))
    digests = {line.person_id: _digest(line) for line in lines}
    history = selectors.history_by_digest(digests=list(set(digests.values())), exclude_claim_id=claim.pk)
    now = clock.now()
    calendar = _MemoCalendar(working_day_calendar())
    for line in lines:
        _apply_judgement(line, claim=claim, project=project, item=item, history=history.get(digests[line.person_id], ()),
                         claimed_on=claimed_on, now=now, calendar=calendar)
        line.judged_at_submission = at_submission
    _save_judgements(lines)
    return lines
