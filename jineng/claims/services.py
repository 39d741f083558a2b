"""Every write about subsidy claims.

The workflow (``models.TRANSITIONS``)::

    draft ─submit─▶ submitted ─start_review─▶ under_review ─approve─▶ public_notice ─close_notice─▶ payment_plan ─pay─▶ paid
      ▲                │  └──────────return──────┤                      │   ▲                        (background task:
      │                └──────reject─────────────┤                 hold │   │ resume_notice            notice over, no
      └───── returned ◀──────────────────────────┘                      ▼   │                            open objection)
                                                        objected ─reject─▶ rejected

Where the pack pays project-based training partly in advance (``procedure.advance_percent``;
晋政办〔2019〕79号 二(五)2, 60 %), a running project may be claimed (phase ``advance``, judged on the
projected outcome)::

    draft ─submit─▶ submitted ─start_review─▶ under_review ─advance─▶ advance_paid
        (project finished) ─finalize─▶ submitted ─▶ … ─▶ paid (judged total less the advance)

One service per transition: it checks the actor's right, locks the claim, moves the state,
appends a ``ClaimEvent``, notifies whoever must act next (``jineng.notifications``, inside the
transaction) and writes the audit entry last.

Judging (``claim_judge_lines``): each line's facts (read from the records when the claim was
built) become an engine ``Case``; the person's history is the grants paid or reserved. At
submission the persons' ``SubsidyAccount`` rows are locked first (``select_for_update``, in
digest order), so two claims submitted at the same moment for the same person queue: the
second reads the first one's reservations and cannot pass a cap or the yearly count with it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import F, Sum
from django.urls import reverse

from jineng.audit.services import audit_record
from jineng.claims import selectors
from jineng.claims.models import (
    EDITABLE_STATES,
    TRANSITION_LABELS,
    TRANSITIONS,
    Claim,
    ClaimEvent,
    ClaimLine,
    ClaimState,
    ClaimVoucher,
    Objection,
    Payment,
    SubsidyAccount,
    SubsidyGrant,
)
from jineng.common import clock
from jineng.common.errors import DomainError, PermissionDenied
from jineng.common.masking import mask_name, mask_phone
from jineng.common.uploads import check_evidence_file
from jineng.identity.models import Person
from jineng.notifications.services import notification_send
from jineng.policy.engine import Case, Employer, Item, Pack, PolicyError, Training, judge_item, load_packs
from jineng.policy.engine import Person as EnginePerson
from jineng.projects.models import Project, ProjectState, RosterEntry
from jineng.regions.selectors import add_working_days, calendar_year_unknown_error, working_day_calendar
from jineng.workdays import CalendarYearUnknown, WorkingDayCalendar

ZERO = Decimal("0.00")
CENT = Decimal("0.01")


# --- packs and items ----------------------------------------------------------------------------

def _pack(policy: str) -> Pack:
    pack = load_packs().get(policy)
    if pack is None:
        raise DomainError("policy_unknown", f"培训项目适用的政策“{policy or '未设'}”没有对应的政策包，请联系系统管理员",
                          field="policy")
    return pack


def _item(policy: str, subsidy: str) -> Item:
    pack = _pack(policy)
    item = pack.items.get(subsidy)
    if item is None:
        raise DomainError("subsidy_unknown",
                          f"{pack.document_number} 没有补贴项目“{subsidy}”，可选：{'、'.join(pack.items)}", field="subsidy")
    return item


def claimable_items(*, project: Project, payees: Iterable[str] = ("employer", "platform")) -> list[Item]:
    """The items of the project's pack an organisation may claim for this project: the payee is
    the organisation (or the platform), and the training kind, if the item names kinds, fits."""
    pack = load_packs().get(project.policy_pack)
    if pack is None:
        return []
    items = []
    for item in pack.items.values():
        if item.payee not in payees:
            continue
        kinds = [r for r in item.rules if r.kind == "training_kind"]
        if kinds:
            try:
                allowed = kinds[0].kinds.at(project.end_date).value  # type: ignore[attr-defined]
            except PolicyError:
                continue
            if project.kind not in allowed:
                continue
        items.append(item)
    return items


def _claim_deadline(item: Item, end: dt.date) -> tuple[dt.date, str] | None:
    return selectors.claim_deadline(item, end)


def _procedure_days(policy: str, step: str, day: dt.date) -> tuple[int, str] | None:
    try:
        version = _pack(policy).procedure.at(step, day)
    except PolicyError as exc:
        raise DomainError(exc.code, exc.message, field=step) from exc
    return (int(version.value), version.citation) if version is not None else None


def advance_version(*, policy: str, on: dt.date):
    """The pack's advance share (``procedure.advance_percent``) in force on ``on``, or None when
    the pack pays nothing in advance."""
    pack = load_packs().get(policy)
    if pack is None:
        return None
    try:
        return pack.procedure.at("advance_percent", on)
    except PolicyError as exc:
        raise DomainError(exc.code, exc.message, field="project") from exc


def _add_working_days(day: dt.date, n: int, calendar: WorkingDayCalendar | None = None) -> dt.date:
    try:
        return add_working_days(day, n, calendar=calendar)
    except CalendarYearUnknown as exc:
        raise calendar_year_unknown_error(exc) from exc


# --- judging ------------------------------------------------------------------------------------

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
                        region=org.region_id)
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


def _local_date(moment: dt.datetime) -> dt.date:
    from django.utils import timezone

    return timezone.localdate(moment)


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


JUDGED_FIELDS = ["status", "judged_amount", "payee", "payer_region", "reason", "reason_clause", "trace", "judged_at",
                 "judged_at_submission"]


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


_PG_SAVE = """
UPDATE claims_claimline AS l SET status = v.status, judged_amount = v.amount, payee = v.payee,
       payer_region = v.payer_region, reason = v.reason, reason_clause = v.clause, trace = v.trace::jsonb,
       judged_at = v.judged_at, judged_at_submission = v.sub
  FROM unnest(%b::bigint[], %b::text[], %b::numeric[], %b::text[], %b::text[], %b::text[], %b::text[], %b::text[],
              %b::timestamptz[], %b::bool[]) AS v(id, status, amount, payee, payer_region, reason, clause, trace,
                                                   judged_at, sub)
 WHERE l.id = v.id
"""


def _pg_execute(sql: str, params: list) -> None:
    """Run ``sql`` with server-side parameter binding and ``%b`` (binary) placeholders: big arrays
    go as binary parameters, neither quoted into the SQL text nor escaped element by element
    (Django's client-side binding spends seconds escaping them)."""
    import psycopg

    connection.ensure_connection()
    with psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(sql, params)


def _pg_fetch(sql: str, params: list) -> list[tuple]:
    import psycopg

    connection.ensure_connection()
    with psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _save_judgements(lines: list[ClaimLine]) -> None:
    """Save the judged fields of many lines. On PostgreSQL one ``UPDATE … FROM unnest(arrays)``
    per 5,000 lines (``bulk_update``'s CASE expressions cost seconds per thousand lines)."""
    if connection.vendor != "postgresql":
        ClaimLine.objects.bulk_update(lines, JUDGED_FIELDS, batch_size=500)
        return
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    for start in range(0, len(lines), 5000):
        chunk = lines[start:start + 5000]
        _pg_execute(_PG_SAVE, [
            [x.pk for x in chunk], [x.status for x in chunk], [x.judged_amount for x in chunk],
            [x.payee for x in chunk], [x.payer_region for x in chunk], [x.reason for x in chunk],
            [x.reason_clause for x in chunk], [dumps(x.trace) for x in chunk], [x.judged_at for x in chunk],
            [x.judged_at_submission for x in chunk],
        ])


def _digest(line: ClaimLine) -> str:
    digest = getattr(line, "digest", None)
    return digest if digest is not None else line.person.id_number_digest


_PG_CREATE_ACCOUNTS = """
INSERT INTO claims_subsidyaccount (person_digest, person_id)
SELECT * FROM unnest(%b::varchar[], %b::bigint[]) ON CONFLICT (person_digest) DO NOTHING
"""
_PG_LOCK_ACCOUNTS = """
SELECT id, person_digest FROM claims_subsidyaccount WHERE person_digest = ANY(%b::varchar[])
 ORDER BY person_digest FOR UPDATE
"""


def _lock_accounts(persons: dict[str, int]) -> dict[str, int]:
    """Create the persons' subsidy accounts if missing (digest → person id), then lock them in
    digest order (the same order in every transaction, so two submissions never deadlock).
    Returns digest → account id."""
    digests = sorted(persons)
    if connection.vendor == "postgresql":
        _pg_execute(_PG_CREATE_ACCOUNTS, [digests, [persons[d] for d in digests]])
        rows = _pg_fetch(_PG_LOCK_ACCOUNTS, [digests])
        return {digest: pk for pk, digest in rows}
    SubsidyAccount.objects.bulk_create([SubsidyAccount(person_digest=d, person_id=persons[d]) for d in digests],
                                       ignore_conflicts=True, batch_size=2000)
    locked = (SubsidyAccount.objects.select_for_update().filter(person_digest__in=digests)
              .order_by("person_digest").values_list("person_digest", "pk"))
    return dict(locked)


_PG_RESERVE = """
INSERT INTO claims_subsidygrant (account_id, claim_line_id, policy, subsidy, occupation, level, start, "end", amount,
                                 status, source, created_at)
SELECT v.account_id, v.line_id, %b, %b, %b, %b, %b, %b, v.amount, 'reserved', '', %b
  FROM unnest(%b::bigint[], %b::bigint[], %b::numeric[]) AS v(account_id, line_id, amount)
"""


def _reserve(claim: Claim, lines: list[ClaimLine], accounts: dict[str, int], project: Project,
             now: dt.datetime) -> None:
    """A reserved grant per eligible line: it counts in every later judgement until released or paid.
    The claim's earlier reservations (released by a return, or reserved for the projected amount of
    an advance) are replaced: a line has one grant."""
    SubsidyGrant.objects.filter(claim_line__claim=claim).exclude(status=SubsidyGrant.Status.PAID).delete()
    eligible = [line for line in lines if line.status == ClaimLine.Status.ELIGIBLE]
    if connection.vendor == "postgresql":
        for start in range(0, len(eligible), 10000):
            chunk = eligible[start:start + 10000]
            _pg_execute(_PG_RESERVE, [
                claim.policy, claim.subsidy, project.occupation.code, project.level, project.start_date,
                project.end_date, now, [accounts[_digest(x)] for x in chunk], [x.pk for x in chunk],
                [x.judged_amount for x in chunk]])
        return
    SubsidyGrant.objects.bulk_create([
        SubsidyGrant(account_id=accounts[_digest(line)], claim_line=line, policy=claim.policy,
                     subsidy=claim.subsidy, occupation=project.occupation.code, level=project.level,
                     start=project.start_date, end=project.end_date, amount=line.judged_amount,
                     status=SubsidyGrant.Status.RESERVED, created_at=now)
        for line in lines if line.status == ClaimLine.Status.ELIGIBLE
    ], batch_size=2000)


def _release(claim: Claim) -> int:
    return SubsidyGrant.objects.filter(claim_line__claim=claim, status=SubsidyGrant.Status.RESERVED).update(
        status=SubsidyGrant.Status.RELEASED)


def _totals(claim: Claim) -> None:
    total = claim.lines.filter(status=ClaimLine.Status.ELIGIBLE).aggregate(s=Sum("judged_amount"))["s"]
    claim.judged_total = (total or ZERO).quantize(CENT)


# --- building a claim ---------------------------------------------------------------------------

def _number(project: Project, now: dt.datetime) -> str:
    prefix = f"BT{_local_date(now):%Y%m%d}"
    count = Claim.objects.filter(number__startswith=prefix).count() + 1
    return f"{prefix}-{project.pk:05d}-{count:03d}"


def _event(claim: Claim, *, transition: str, from_state: str, actor, at: dt.datetime, comment: str = "",
           late: bool = False) -> ClaimEvent:
    return ClaimEvent.objects.create(claim=claim, transition=transition, from_state=from_state, to_state=claim.state,
                                     actor=actor, at=at, comment=comment, late=late)


def _notify_applicant(claim: Claim, *, kind: str, title: str, body: str, actor) -> None:
    """An in-site notification to whoever created the claim (the training administrator, or the
    learner of a self-claim), inside the caller's transaction."""
    notification_send(recipient=claim.created_by, kind=f"claims.{kind}", title=title, body=body,
                      link=reverse("claims:detail", args=[claim.pk]), actor=actor)


def _notify_reviewers(claim: Claim, *, kind: str, title: str, body: str, actor) -> None:
    """An in-site notification to every reviewer and officer whose region holds the claim's."""
    for user in selectors.reviewers_of(region_code=claim.region_code):
        notification_send(recipient=user, kind=f"claims.{kind}", title=title, body=body,
                          link=reverse("claims:detail", args=[claim.pk]), actor=actor)


def _line_rows(project: Project, entries: list[RosterEntry]) -> list[tuple[RosterEntry, dict]]:
    facts = selectors.line_facts(project=project, entries=entries)
    return [(entry, {**facts[entry.person_id], "on_roster": True}) for entry in entries]


def claim_create(*, project: Project, subsidy: str = "", actor) -> Claim:
    """Build a draft claim for a finished project: one line per person on the roster the bureau
    approved at filing, the facts read from the records, each line judged (a preview: the
    judgement that counts is made again at submission). Where the pack pays project-based
    training partly in advance (``procedure.advance_percent``), a running project may be claimed
    too: the claim is in the ``advance`` phase and judged on the projected outcome."""
    if not selectors.user_may_apply_for(user=actor, organization_id=project.organization_id):
        raise PermissionDenied("只有本单位的线上培训管理员可以申请本单位培训项目的补贴")
    now = clock.now()
    phase = Claim.Phase.FINAL
    if project.state != ProjectState.FINISHED:
        advance = advance_version(policy=project.policy_pack, on=_local_date(now))
        if project.state != ProjectState.RUNNING or advance is None:
            hint = (f"培训开始实施后可申请先行拨付 {advance.value}%（{advance.citation}），培训结束后申请余款"
                    if advance is not None else "培训结束后才能申请补贴")
            raise DomainError("project_not_finished",
                              f"培训项目“{project.name}”当前为“{project.get_state_display()}”，{hint}", field="project")
        phase = Claim.Phase.ADVANCE
    items = claimable_items(project=project)
    if not items:
        raise DomainError("no_claimable_item", "该项目适用的政策没有可由单位申领的补贴项目，请核对项目的培训类型和适用政策",
                          field="subsidy")
    item = next((i for i in items if i.id == subsidy), None) if subsidy else items[0]
    if item is None:
        raise DomainError("subsidy_not_claimable",
                          f"该项目可申领的补贴项目为：{'、'.join(i.title for i in items)}，请从中选择", field="subsidy")
    if Claim.objects.filter(project=project, subsidy=item.id, kind=Claim.Kind.PROJECT).exclude(
            state__in=[ClaimState.WITHDRAWN, ClaimState.REJECTED]).exists():
        raise DomainError("claim_exists", f"该项目已有“{item.title}”的补贴申请，请在原申请中继续办理", field="subsidy")
    entries = selectors.approved_roster(project=project)
    if not entries:
        raise DomainError("roster_empty", "该项目备案时的培训人员名册为空，无法申请补贴", field="project")
    org = project.organization
    with transaction.atomic():
        claim = Claim.objects.create(
            number=_number(project, now), phase=phase, project=project, organization=org, policy=item.pack_id,
            subsidy=item.id,
            document_number=item.document_number, item_title=item.title, payee_kind=item.payee,
            region_code=org.region_id, bank_account_name=org.bank_account_name or org.name,
            bank_name=org.bank_name, bank_account=org.bank_account_number or "",
            created_by=actor, created_at=now, updated_at=now)
        lines = ClaimLine.objects.bulk_create([
            ClaimLine(claim=claim, position=i, person=entry.person, roster_entry=entry, facts=facts)
            for i, (entry, facts) in enumerate(_line_rows(project, entries), start=1)
        ])
        for line, entry in zip(lines, entries, strict=True):
            line.person = entry.person
        claim_judge_lines(claim=claim, claimed_on=_local_date(now), at_submission=False, lines=lines)
        _totals(claim)
        claim.save(update_fields=["judged_total"])
        _event(claim, transition="create", from_state="", actor=actor, at=now)
        audit_record(actor=actor, action="claim.create", target=claim,
                     summary={"number": claim.number, "project": project.number, "item": f"{item.pack_id}/{item.id}",
                              "phase": phase, "lines": len(lines), "judged_total": f"{claim.judged_total:.2f}"},
                     organization_id=org.pk, region_code=claim.region_code)
    return claim


def claim_line_add(*, claim: Claim, person: Person, actor) -> ClaimLine:
    """Add a person to a draft claim: only persons on the roster the bureau approved at filing."""
    _check_applicant(claim, actor)
    if claim.state not in EDITABLE_STATES:
        raise DomainError("claim_not_editable", f"补贴申请{claim.get_state_display()}，不能再修改明细", field="person")
    project = selectors.project_for_claim(project_id=claim.project_id)
    entry = next((e for e in selectors.approved_roster(project=project) if e.person_id == person.pk), None)
    if entry is None:
        raise DomainError("not_on_roster",
                          f"{mask_name(person.name)}不在该项目备案时经审核的培训人员名册上，不能申请补贴；"
                          "名册以备案审核通过时为准", field="person")
    if claim.lines.filter(person=person).exists():
        raise DomainError("line_exists", f"{mask_name(person.name)}已在本申请中", field="person")
    with transaction.atomic():
        facts = _line_rows(project, [entry])[0][1]
        position = (claim.lines.order_by("-position").values_list("position", flat=True).first() or 0) + 1
        line = ClaimLine.objects.create(claim=claim, position=position, person=person, roster_entry=entry, facts=facts)
        claim_judge_lines(claim=claim, claimed_on=_local_date(clock.now()), at_submission=False, lines=[line])
        _totals(claim)
        claim.save(update_fields=["judged_total", "updated_at"])
        audit_record(actor=actor, action="claim.line_add", target=claim,
                     summary={"person": mask_name(person.name), "position": position},
                     organization_id=claim.organization_id, region_code=claim.region_code)
    return line


def _reread_facts(claim: Claim, project: Project) -> list[ClaimLine]:
    """Read every line's facts again from the records (the amount asked, for a living allowance,
    is kept) and save them."""
    lines = list(claim.lines.select_related("person", "roster_entry", "roster_entry__contract",
                                            "roster_entry__person"))
    entries = [line.roster_entry for line in lines if line.roster_entry_id]
    facts = selectors.line_facts(project=project, entries=entries)
    for line in lines:
        if line.person_id in facts:
            line.facts = {**facts[line.person_id], "on_roster": True,
                          **({"requested": line.facts["requested"]} if "requested" in line.facts else {})}
    ClaimLine.objects.bulk_update(lines, ["facts"])
    return lines


def claim_refresh(*, claim: Claim, actor) -> Claim:
    """Read the records again (a draft or returned claim) and judge again."""
    _check_applicant(claim, actor)
    if claim.state not in EDITABLE_STATES:
        raise DomainError("claim_not_editable", f"补贴申请{claim.get_state_display()}，不能再更新", field="claim")
    project = selectors.project_for_claim(project_id=claim.project_id)
    with transaction.atomic():
        lines = _reread_facts(claim, project)
        claim_judge_lines(claim=claim, claimed_on=_local_date(clock.now()), at_submission=False, lines=lines)
        _totals(claim)
        claim.updated_at = clock.now()
        claim.save(update_fields=["judged_total", "updated_at"])
        audit_record(actor=actor, action="claim.refresh", target=claim,
                     summary={"lines": len(lines), "judged_total": f"{claim.judged_total:.2f}"},
                     organization_id=claim.organization_id, region_code=claim.region_code)
    return claim


def _check_applicant(claim: Claim, actor) -> None:
    if claim.kind == Claim.Kind.SELF:
        if getattr(actor, "person_id", None) != claim.applicant_person_id:
            raise PermissionDenied("只有申请人本人可以办理个人申领")
        return
    if not selectors.user_may_apply_for(user=actor, organization_id=claim.organization_id):
        raise PermissionDenied("只有本单位的线上培训管理员可以办理本单位的补贴申请")


def claim_update(*, claim: Claim, cost_per_learner: Decimal | None = None, bank_account_name: str = "",
                 bank_name: str = "", bank_account: str = "", actor) -> Claim:
    """The applicant's few typed facts: the cost per learner shown by the vouchers, the bank account."""
    _check_applicant(claim, actor)
    if claim.state not in EDITABLE_STATES:
        raise DomainError("claim_not_editable", f"补贴申请{claim.get_state_display()}，不能再修改")
    if cost_per_learner is not None and (cost_per_learner < 0 or cost_per_learner != cost_per_learner.quantize(CENT)):
        raise DomainError("cost_invalid", "每人培训成本应为不小于 0 的金额，最多两位小数，如 450.00",
                          field="cost_per_learner")
    account = "".join((bank_account or "").split())
    if account and (not account.isdigit() or not 8 <= len(account) <= 32):
        raise DomainError("bank_account_invalid", "银行账号应为 8–32 位数字，请核对后重新填写", field="bank_account")
    with transaction.atomic():
        before = f"{claim.cost_per_learner:.2f}"
        if cost_per_learner is not None:
            claim.cost_per_learner = cost_per_learner
        claim.bank_account_name = (bank_account_name or claim.bank_account_name).strip()[:128]
        claim.bank_name = (bank_name or claim.bank_name).strip()[:128]
        claim.bank_account = account or claim.bank_account
        claim.updated_at = clock.now()
        claim.save()
        if cost_per_learner is not None:
            claim_judge_lines(claim=claim, claimed_on=_local_date(clock.now()), at_submission=False)
            _totals(claim)
            claim.save(update_fields=["judged_total"])
        audit_record(actor=actor, action="claim.update", target=claim,
                     summary={"cost_per_learner": [before, f"{claim.cost_per_learner:.2f}"],
                              "bank_account": "****" + claim.bank_account[-4:] if claim.bank_account else ""},
                     organization_id=claim.organization_id, region_code=claim.region_code)
    return claim


def claim_voucher_add(*, claim: Claim, upload, actor) -> ClaimVoucher:
    """A cost voucher (培训成本证明：购买培训服务的支出凭证), PDF or image, checked by content."""
    _check_applicant(claim, actor)
    if claim.state not in EDITABLE_STATES:
        raise DomainError("claim_not_editable", f"补贴申请{claim.get_state_display()}，不能再上传凭证", field="voucher")
    kind = check_evidence_file(upload, field="voucher")
    sha = hashlib.sha256()
    for chunk in upload.chunks():
        sha.update(chunk)
    upload.seek(0)
    with transaction.atomic():
        voucher = ClaimVoucher(claim=claim, original_name=upload.name[:200], file_type=kind, size=upload.size,
                               sha256=sha.hexdigest(), uploaded_by=actor, uploaded_at=clock.now())
        voucher.file.save(upload.name, upload, save=False)
        voucher.save()
        audit_record(actor=actor, action="claim.voucher_add", target=claim,
                     summary={"file": voucher.original_name, "sha256": voucher.sha256},
                     organization_id=claim.organization_id, region_code=claim.region_code)
    return voucher


# --- the official forms and the evidence archive --------------------------------------------------

def _check_applicant_or_reviewer(claim: Claim, actor) -> None:
    if selectors.user_may_review(user=actor, claim=claim):
        return
    _check_applicant(claim, actor)


def claim_form_export(*, claim: Claim, form: str, fmt: str, actor) -> tuple[bytes, str]:
    """One official form of the claim (攀枝花 附件3/附件4, 韶关 申请表/花名册) as PDF or .xlsx, for the
    applicant and the reviewers. The rosters print full ID numbers and phones (they are filed with
    the bureau), so every export is audited."""
    from jineng.claims.forms_data import claim_form_render

    _check_applicant_or_reviewer(claim, actor)
    content, filename, personal = claim_form_render(claim=claim, form=form, fmt=fmt)
    with transaction.atomic():
        audit_record(actor=actor, action="claim.form_export", target=claim,
                     summary={"number": claim.number, "form": form, "format": fmt, "personal_data": personal},
                     organization_id=claim.organization_id, region_code=claim.region_code)
    return content, filename


def claim_archive_export(*, claim: Claim, actor) -> bytes:
    """The claim's evidence as one .zip (``archive.claim_archive``), audited: it holds the official
    forms, whose rosters print full ID numbers."""
    from jineng.claims.archive import claim_archive
    from jineng.claims.forms_data import forms_of

    _check_applicant_or_reviewer(claim, actor)
    content = claim_archive(claim=claim, generated_by=str(actor))
    with transaction.atomic():
        audit_record(actor=actor, action="claim.archive_export", target=claim,
                     summary={"number": claim.number, "bytes": len(content),
                              "personal_data": any(spec.personal_data for spec in forms_of(claim))},
                     organization_id=claim.organization_id, region_code=claim.region_code)
    return content


# --- transitions ---------------------------------------------------------------------------------

def transition_refused(state: str, transition: str) -> DomainError:
    hint = {
        ClaimState.DRAFT: "申请尚未提交",
        ClaimState.SUBMITTED: "申请已提交，等待受理审核",
        ClaimState.UNDER_REVIEW: "申请正在审核",
        ClaimState.PUBLIC_NOTICE: "申请正在公示",
        ClaimState.OBJECTED: "公示收到异议，等待审核人员核查",
        ClaimState.PAYMENT_PLAN: "已列入拨付计划，等待拨付",
        ClaimState.PAID: "已拨付，已办结",
        ClaimState.RETURNED: "已退回申请单位修改",
        ClaimState.REJECTED: "审核不通过，已办结",
        ClaimState.WITHDRAWN: "已撤回",
    }[ClaimState(state)]
    return DomainError("claim_transition_not_allowed",
                       f"当前状态为“{ClaimState(state).label}”，不能“{TRANSITION_LABELS[transition]}”：{hint}",
                       details={"state": state, "transition": transition})


def _lock_for(claim: Claim, transition: str) -> Claim:
    locked = Claim.objects.select_for_update().get(pk=claim.pk)
    if locked.state not in TRANSITIONS[transition][0]:
        raise transition_refused(locked.state, transition)
    return locked


def _move(locked: Claim, transition: str, *, actor, now: dt.datetime, comment: str = "", late: bool = False) -> str:
    from_state = locked.state
    locked.state = TRANSITIONS[transition][1]
    locked.updated_at = now
    _event(locked, transition=transition, from_state=from_state, actor=actor, at=now, comment=comment, late=late)
    return from_state


def _check_deadline(item: Item, project: Project, today: dt.date) -> None:
    deadline = _claim_deadline(item, project.end_date)
    if deadline is not None and today > deadline[0]:
        raise DomainError("claim_deadline_passed",
                          f"已超过申领期限：培训于 {project.end_date:%Y年%-m月%-d日} 结束，须在 {deadline[0]:%Y年%-m月%-d日} 前提出申请"
                          f"（{deadline[1]}），本申请不能再提交", field="claim")


def _submit_locked(locked: Claim, *, project: Project, transition: str, actor, now: dt.datetime,
                   review: tuple[int, str] | None, review_due: dt.date | None) -> list[ClaimLine]:
    """Judge every line of the locked claim at submission, reserve the eligible amounts, set the
    review deadline and move the claim (``submit`` or ``finalize``). Inside the caller's transaction."""
    # the digest alone, not the person: 10,000 persons would mean 10,000 decryptions
    lines = list(locked.lines.annotate(digest=F("person__id_number_digest")).order_by("position"))
    if not lines:
        raise DomainError("lines_missing", "申请没有任何明细，无法提交", field="claim")
    accounts = _lock_accounts({_digest(line): line.person_id for line in lines})
    claim_judge_lines(claim=locked, claimed_on=_local_date(now), at_submission=True, lines=lines)
    _reserve(locked, lines, accounts, project, now)
    _totals(locked)
    locked.submitted_at, locked.review_due = now, review_due
    locked.review_due_citation = review[1] if review else ""
    locked.overdue = False
    _move(locked, transition, actor=actor, now=now)
    locked.save()
    return lines


def claim_submit(*, claim: Claim, actor) -> Claim:
    """draft/returned → submitted. Refused after the pack's claim deadline. The persons' accounts
    are locked, every line is judged again against their history as of now, eligible lines reserve
    their amount, and the review deadline is set from the pack (working days)."""
    _check_applicant(claim, actor)
    if claim.state not in TRANSITIONS["submit"][0]:
        raise transition_refused(claim.state, "submit")
    project = selectors.project_for_claim(project_id=claim.project_id)
    item = _item(claim.policy, claim.subsidy)
    now = clock.now()
    today = _local_date(now)
    _check_deadline(item, project, today)
    if claim.payee_kind == "person" and not claim.bank_account:
        raise DomainError("bank_account_required", "请填写本人银行账号后再提交", field="bank_account")
    review = _procedure_days(claim.policy, "review_working_days", today)
    review_due = _add_working_days(today, review[0]) if review else None
    with transaction.atomic():
        locked = _lock_for(claim, "submit")
        lines = _submit_locked(locked, project=project, transition="submit", actor=actor, now=now, review=review,
                               review_due=review_due)
        eligible = sum(1 for line in lines if line.status == ClaimLine.Status.ELIGIBLE)
        audit_record(actor=actor, action="claim.submit", target=locked,
                     summary={"number": locked.number, "phase": locked.phase, "lines": len(lines),
                              "eligible": eligible, "judged_total": f"{locked.judged_total:.2f}",
                              "review_due": review_due.isoformat() if review_due else None},
                     organization_id=locked.organization_id, region_code=locked.region_code)
    claim.refresh_from_db()
    return claim


def claim_finalize(*, claim: Claim, actor) -> Claim:
    """advance_paid → submitted, once the project has finished (晋政办〔2019〕79号 二(五)2: the rest
    on completion). The facts of every line are read again from the final records, the claim
    leaves the advance phase and is judged, reserved and submitted like any claim; it then goes
    through review and public notice, and ``claim_pay`` pays the judged total less the advance."""
    _check_applicant(claim, actor)
    if claim.state not in TRANSITIONS["finalize"][0]:
        raise transition_refused(claim.state, "finalize")
    project = selectors.project_for_claim(project_id=claim.project_id)
    if project.state != ProjectState.FINISHED:
        raise DomainError("project_not_finished",
                          f"培训项目“{project.name}”当前为“{project.get_state_display()}”，培训结束后才能按最终记录申请余款",
                          field="claim")
    item = _item(claim.policy, claim.subsidy)
    now = clock.now()
    today = _local_date(now)
    _check_deadline(item, project, today)
    review = _procedure_days(claim.policy, "review_working_days", today)
    review_due = _add_working_days(today, review[0]) if review else None
    with transaction.atomic():
        locked = _lock_for(claim, "finalize")
        _reread_facts(locked, project)
        locked.phase = Claim.Phase.FINAL
        projected = locked.judged_total
        lines = _submit_locked(locked, project=project, transition="finalize", actor=actor, now=now, review=review,
                               review_due=review_due)
        audit_record(actor=actor, action="claim.finalize", target=locked,
                     summary={"number": locked.number, "lines": len(lines), "projected_total": f"{projected:.2f}",
                              "judged_total": f"{locked.judged_total:.2f}",
                              "advance_paid": f"{locked.advance_paid:.2f}",
                              "review_due": review_due.isoformat() if review_due else None},
                     organization_id=locked.organization_id, region_code=locked.region_code)
    claim.refresh_from_db()
    return claim


def _check_reviewer(claim: Claim, actor) -> None:
    if not selectors.user_may_review(user=actor, claim=claim):
        raise PermissionDenied("只有申请所在县（市、区）的审核人员或市级管理人员可以审核该补贴申请")


def _late(due: dt.date | None, today: dt.date) -> bool:
    return due is not None and today > due


def claim_review_start(*, claim: Claim, actor) -> Claim:
    _check_reviewer(claim, actor)
    now = clock.now()
    with transaction.atomic():
        locked = _lock_for(claim, "start_review")
        _move(locked, "start_review", actor=actor, now=now)
        locked.save()
        audit_record(actor=actor, action="claim.start_review", target=locked, summary={"number": locked.number},
                     organization_id=locked.organization_id, region_code=locked.region_code)
    claim.refresh_from_db()
    return claim


def claim_approve(*, claim: Claim, actor, comment: str = "") -> Claim:
    """under_review → public_notice for the pack's working days (today not counted)."""
    _check_reviewer(claim, actor)
    if claim.state not in TRANSITIONS["approve"][0]:
        raise transition_refused(claim.state, "approve")
    if claim.phase == Claim.Phase.ADVANCE:
        raise DomainError("advance_phase_not_approvable",
                          "该申请是培训实施中按预计结果提出的，只能登记先行拨付（或退回、不通过）；培训结束后申请单位按最终"
                          "记录重新提交，再审核公示", field="decision")
    if not claim.lines.filter(status=ClaimLine.Status.ELIGIBLE).exists():
        raise DomainError("nothing_to_approve", "本申请没有符合条件的明细，请选择“审核不通过”并写明原因", field="decision")
    now = clock.now()
    today = _local_date(now)
    notice = _procedure_days(claim.policy, "public_notice_working_days", today)
    days, citation = notice if notice else (5, "本系统默认（政策文件未规定公示期）")
    notice_end = _add_working_days(today, days)
    with transaction.atomic():
        locked = _lock_for(claim, "approve")
        late = _late(locked.review_due, today)
        locked.notice_start, locked.notice_end, locked.notice_citation = today, notice_end, citation[:128]
        locked.decided_by, locked.decision_comment = actor, (comment or "").strip()[:2000]
        locked.overdue = False
        _move(locked, "approve", actor=actor, now=now, comment=locked.decision_comment, late=late)
        locked.save()
        _notify_applicant(locked, kind="public_notice", actor=actor,
                          title=f"补贴申请 {locked.number} 审核通过，进入公示",
                          body=f"审定金额 {locked.judged_total:.2f} 元；公示期 {today:%Y-%m-%d} 至 {notice_end:%Y-%m-%d}"
                               f"（{citation}），期满无异议后列入拨付计划。")
        audit_record(actor=actor, action="claim.approve", target=locked,
                     summary={"number": locked.number, "judged_total": f"{locked.judged_total:.2f}",
                              "notice_end": notice_end.isoformat(), "late": late},
                     organization_id=locked.organization_id, region_code=locked.region_code)
    claim.refresh_from_db()
    return claim


def _close_with(claim: Claim, transition: str, *, actor, comment: str, who_may) -> Claim:
    who_may(claim, actor)
    comment = (comment or "").strip()
    if transition in ("return", "reject") and not comment:
        raise DomainError("comment_required", "退回或不通过时请填写审核意见，写明哪些明细或材料有问题、如何补正",
                          field="comment")
    now = clock.now()
    with transaction.atomic():
        locked = _lock_for(claim, transition)
        if transition == "withdraw" and locked.advance_paid:
            raise DomainError("advance_paid", f"本申请已先行拨付 {locked.advance_paid:.2f} 元，不能撤回；培训结束后请申请余款，"
                              "如需退回已拨付资金请联系审核部门", field="claim")
        late = transition != "withdraw" and _late(locked.review_due, _local_date(now))
        released = _release(locked)
        if transition != "withdraw":
            locked.decided_by, locked.decision_comment = actor, comment[:2000]
        locked.overdue = False
        _move(locked, transition, actor=actor, now=now, comment=comment[:2000], late=late)
        locked.save()
        if transition == "return":
            _notify_applicant(locked, kind="returned", actor=actor, title=f"补贴申请 {locked.number} 已退回修改",
                              body=f"审核意见：{comment}\n请按意见修改后重新提交。")
        elif transition == "reject":
            _notify_applicant(locked, kind="rejected", actor=actor, title=f"补贴申请 {locked.number} 审核不通过",
                              body=f"审核意见：{comment}")
        audit_record(actor=actor, action=f"claim.{transition}", target=locked,
                     summary={"number": locked.number, "comment": comment[:500], "released_grants": released},
                     organization_id=locked.organization_id, region_code=locked.region_code)
    claim.refresh_from_db()
    return claim


def claim_return(*, claim: Claim, actor, comment: str) -> Claim:
    """submitted/under_review → returned: the applicant corrects and submits again; reservations are released."""
    return _close_with(claim, "return", actor=actor, comment=comment, who_may=_check_reviewer)


def claim_reject(*, claim: Claim, actor, comment: str) -> Claim:
    """→ rejected, with reasons; reservations are released."""
    return _close_with(claim, "reject", actor=actor, comment=comment, who_may=_check_reviewer)


def claim_withdraw(*, claim: Claim, actor) -> Claim:
    return _close_with(claim, "withdraw", actor=actor, comment="申请单位撤回", who_may=_check_applicant)


DECISIONS = {"approve": claim_approve, "return": claim_return, "reject": claim_reject}


def claim_decide(*, claim: Claim, decision: str, comment: str, actor) -> Claim:
    service = DECISIONS.get(decision)
    if service is None:
        raise DomainError("decision_invalid", "请选择审核结论：通过并公示、退回修改或不通过", field="decision")
    return service(claim=claim, actor=actor, comment=comment)


def claim_line_exclude(*, line: ClaimLine, reason: str, actor) -> ClaimLine:
    """The reviewer excludes one line during review (e.g. after an objection proved right): the
    amount goes to 0.00 with the reviewer's reason, and the reservation is released."""
    claim = line.claim
    _check_reviewer(claim, actor)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("comment_required", "请写明不予补贴的原因（如核查结论、依据）", field="reason")
    if claim.state not in (ClaimState.UNDER_REVIEW, ClaimState.OBJECTED):
        raise DomainError("claim_not_in_review", "只有审核中或异议核查中的申请可以剔除明细", field="reason")
    with transaction.atomic():
        locked = ClaimLine.objects.select_for_update().get(pk=line.pk)
        before = f"{locked.judged_amount:.2f}"
        locked.status, locked.judged_amount = ClaimLine.Status.EXCLUDED, ZERO
        locked.reason, locked.reason_clause = "reviewer_excluded", reason[:160]
        locked.save(update_fields=["status", "judged_amount", "reason", "reason_clause"])
        SubsidyGrant.objects.filter(claim_line=locked, status=SubsidyGrant.Status.RESERVED).update(
            status=SubsidyGrant.Status.RELEASED)
        claim_row = Claim.objects.select_for_update().get(pk=claim.pk)
        _totals(claim_row)
        claim_row.save(update_fields=["judged_total"])
        audit_record(actor=actor, action="claim.line_exclude", target=claim_row,
                     summary={"position": locked.position, "person": mask_name(line.person.name), "amount": before,
                              "reason": reason[:500]},
                     organization_id=claim.organization_id, region_code=claim.region_code)
    return locked


# --- public notice and objections ---------------------------------------------------------------

def objection_lodge(*, claim: Claim, contact_name: str, contact_phone: str, reason: str, ip: str | None = None,
                    actor=None) -> Objection:
    """Anyone may object during the notice; the claim is held (objected) until a reviewer decides."""
    name = " ".join((contact_name or "").split())
    phone = "".join((contact_phone or "").split())
    reason = (reason or "").strip()
    if not name:
        raise DomainError("contact_name_required", "请填写联系人姓名，以便审核人员核实异议", field="contact_name")
    if not phone or not phone.replace("-", "").isdigit() or not 7 <= len(phone) <= 20:
        raise DomainError("contact_phone_invalid", "请填写正确的联系电话（手机或座机号码）", field="contact_phone")
    if len(reason) < 10:
        raise DomainError("reason_too_short", "请写明异议内容（至少 10 个字）：对哪位学员或哪项内容有异议、依据是什么",
                          field="reason")
    now = clock.now()
    with transaction.atomic():
        locked = Claim.objects.select_for_update().get(pk=claim.pk)
        if locked.state not in (ClaimState.PUBLIC_NOTICE, ClaimState.OBJECTED):
            raise DomainError("not_on_notice", "该申请不在公示期内，不能提出异议", field="reason")
        if locked.notice_end and _local_date(now) > locked.notice_end:
            raise DomainError("notice_over", f"公示期已于 {locked.notice_end:%Y年%-m月%-d日} 结束，不能再提出异议",
                              field="reason")
        objection = Objection.objects.create(claim=locked, contact_name=name[:32], contact_phone=phone[:32],
                                             reason=reason[:4000], lodged_at=now, ip=ip)
        if locked.state == ClaimState.PUBLIC_NOTICE:
            _move(locked, "hold", actor=actor, now=now, comment="公示期间收到异议")
            locked.save()
        _notify_applicant(locked, kind="objection", actor=actor, title=f"补贴申请 {locked.number} 公示期间收到异议",
                          body="审核人员将核查异议，核查期间暂停拨付；如需补充说明，请与受理的人社部门联系。")
        _notify_reviewers(locked, kind="objection_lodged", actor=actor,
                          title=f"补贴申请 {locked.number} 收到公示异议，请核查",
                          body=f"{locked.organization.name if locked.kind == Claim.Kind.PROJECT else '个人申领'} · "
                               f"{locked.item_title}：{reason[:200]}")
        audit_record(actor=actor, action="claim.objection_lodge", target=locked,
                     summary={"objection": objection.pk, "contact": mask_name(name), "phone": mask_phone(phone)},
                     organization_id=locked.organization_id, region_code=locked.region_code)
    return objection


def objection_resolve(*, objection: Objection, upheld: bool, resolution: str, actor) -> Objection:
    """A reviewer decides an objection. When none is left open and none was upheld, the notice
    resumes (and closes by itself when its period is over); an upheld objection leaves the claim
    held: exclude the lines concerned or reject the claim, then resume."""
    claim = objection.claim
    _check_reviewer(claim, actor)
    resolution = (resolution or "").strip()
    if not resolution:
        raise DomainError("resolution_required", "请填写核查结论：核查了什么、异议是否属实", field="resolution")
    now = clock.now()
    with transaction.atomic():
        locked_obj = Objection.objects.select_for_update().get(pk=objection.pk)
        if locked_obj.status != Objection.Status.OPEN:
            raise DomainError("objection_resolved", "该异议已核查办结", field="resolution")
        locked_obj.status = Objection.Status.UPHELD if upheld else Objection.Status.DISMISSED
        locked_obj.resolved_by, locked_obj.resolved_at, locked_obj.resolution = actor, now, resolution[:4000]
        locked_obj.save()
        locked = Claim.objects.select_for_update().get(pk=claim.pk)
        still_open = locked.objections.filter(status=Objection.Status.OPEN).exists()
        if not upheld and not still_open and locked.state == ClaimState.OBJECTED:
            _move(locked, "resume_notice", actor=actor, now=now, comment=resolution[:2000])
            locked.save()
        audit_record(actor=actor, action="claim.objection_resolve", target=locked,
                     summary={"objection": locked_obj.pk, "upheld": upheld, "resolution": resolution[:500]},
                     organization_id=locked.organization_id, region_code=locked.region_code)
    return locked_obj


def claim_resume_notice(*, claim: Claim, actor, comment: str) -> Claim:
    """After the upheld objections were dealt with (lines excluded), the notice resumes."""
    _check_reviewer(claim, actor)
    if claim.objections.filter(status=Objection.Status.OPEN).exists():
        raise DomainError("objections_open", "还有未核查的异议，请先逐条核查", field="comment")
    if not (comment or "").strip():
        raise DomainError("comment_required", "请写明异议的处理结果（如已剔除的明细）", field="comment")
    now = clock.now()
    with transaction.atomic():
        locked = _lock_for(claim, "resume_notice")
        _move(locked, "resume_notice", actor=actor, now=now, comment=comment.strip()[:2000])
        locked.save()
        audit_record(actor=actor, action="claim.resume_notice", target=locked, summary={"comment": comment[:500]},
                     organization_id=locked.organization_id, region_code=locked.region_code)
    claim.refresh_from_db()
    return claim


def claim_close_notice(*, claim: Claim, actor=None, calendar: WorkingDayCalendar | None = None) -> Claim:
    """public_notice → payment_plan once the notice period is over without an open objection;
    the payment deadline is the pack's working days after the notice's last day."""
    if actor is not None:
        _check_reviewer(claim, actor)
    now = clock.now()
    today = _local_date(now)
    if claim.notice_end is None or today <= claim.notice_end:
        raise DomainError("notice_not_over", f"公示期到 {claim.notice_end:%Y年%-m月%-d日} 为止，期满后才能列入拨付计划"
                          if claim.notice_end else "该申请尚未公示", field="claim")
    payment = _procedure_days(claim.policy, "payment_working_days", claim.notice_end)
    payment_due = _add_working_days(claim.notice_end, payment[0], calendar) if payment else None
    with transaction.atomic():
        locked = _lock_for(claim, "close_notice")
        if locked.objections.filter(status=Objection.Status.OPEN).exists():
            raise DomainError("objections_open", "还有未核查的异议，不能列入拨付计划", field="claim")
        locked.payment_due = payment_due
        locked.payment_due_citation = payment[1][:128] if payment else ""
        _move(locked, "close_notice", actor=actor, now=now, comment="公示期满无异议")
        locked.save()
        audit_record(actor=actor, action="claim.close_notice", target=locked,
                     summary={"number": locked.number, "payment_due": payment_due.isoformat() if payment_due else None},
                     organization_id=locked.organization_id, region_code=locked.region_code)
    claim.refresh_from_db()
    return claim


def claim_pay(*, claim: Claim, reference: str, paid_on: dt.date, actor) -> Claim:
    """payment_plan → paid: the payment reference is recorded, each eligible line's paid amount
    is its judged amount, and its reservation becomes the person's subsidy history. After an
    advance the payment is the judged total less the advance (negative: the applicant pays the
    excess back, and ``reference`` is the refund's receipt)."""
    _check_reviewer(claim, actor)
    reference = (reference or "").strip()
    if not reference:
        raise DomainError("reference_required", "请填写支付凭证号（国库集中支付或银行回单编号）", field="reference")
    now = clock.now()
    if paid_on is None or paid_on > _local_date(now):
        raise DomainError("paid_on_invalid", "请填写实际支付日期（不能晚于今天）", field="paid_on")
    with transaction.atomic():
        locked = _lock_for(claim, "pay")
        if paid_on < _local_date(locked.submitted_at):
            raise DomainError("paid_on_invalid", "支付日期不能早于申请提交日期", field="paid_on")
        lines = list(locked.lines.filter(status=ClaimLine.Status.ELIGIBLE))
        for line in lines:
            line.paid_amount = line.judged_amount
        ClaimLine.objects.bulk_update(lines, ["paid_amount"])
        locked.lines.exclude(status=ClaimLine.Status.ELIGIBLE).update(paid_amount=ZERO)
        for grant in SubsidyGrant.objects.filter(claim_line__claim=locked, status=SubsidyGrant.Status.RESERVED) \
                .select_related("claim_line"):
            grant.status, grant.amount = SubsidyGrant.Status.PAID, grant.claim_line.paid_amount
            grant.save(update_fields=["status", "amount"])
        locked.paid_total = sum((line.paid_amount for line in lines), ZERO)
        late = _late(locked.payment_due, paid_on)
        rest = locked.paid_total - locked.advance_paid
        Payment.objects.create(claim=locked, kind=Payment.Kind.FINAL, amount=rest,
                               reference=reference[:64], paid_on=paid_on, recorded_by=actor, recorded_at=now)
        locked.overdue = False
        if not locked.advance_paid:
            comment = f"拨付 {rest:.2f} 元，支付凭证号 {reference[:64]}"
        elif rest >= 0:
            comment = (f"审定 {locked.paid_total:.2f} 元，已先行拨付 {locked.advance_paid:.2f} 元，拨付余款 {rest:.2f} 元，"
                       f"支付凭证号 {reference[:64]}")
        else:
            comment = (f"审定 {locked.paid_total:.2f} 元，少于已先行拨付的 {locked.advance_paid:.2f} 元："
                       f"申请单位退回多拨付的 {-rest:.2f} 元，退款凭证号 {reference[:64]}")
        _move(locked, "pay", actor=actor, now=now, comment=comment, late=late)
        locked.save()
        _notify_applicant(locked, kind="paid", actor=actor, title=f"补贴申请 {locked.number} 已拨付", body=comment)
        audit_record(actor=actor, action="claim.pay", target=locked,
                     summary={"number": locked.number, "reference": reference[:64], "paid_on": paid_on.isoformat(),
                              "paid_total": f"{locked.paid_total:.2f}", "late": late},
                     organization_id=locked.organization_id, region_code=locked.region_code)
    claim.refresh_from_db()
    return claim


def claim_advance_pay(*, claim: Claim, reference: str, paid_on: dt.date, actor) -> Payment:
    """under_review → advance_paid, for a claim built while its project runs, where the pack pays
    project-based training partly in advance (晋政办〔2019〕79号 二(五)2: 培训实施后可先行拨付 60%): the
    reviewer, having checked that the training is under way, records the payment of the pack's
    share of the judged (projected) total. Once the project has finished the applicant finalises
    the claim (``claim_finalize``) and ``claim_pay`` pays the rest."""
    _check_reviewer(claim, actor)
    reference = (reference or "").strip()
    if not reference:
        raise DomainError("reference_required", "请填写支付凭证号（国库集中支付或银行回单编号）", field="reference")
    version = advance_version(policy=claim.policy, on=claim.project.start_date)
    if version is None:
        raise DomainError("advance_not_in_policy", f"{claim.document_number} 没有先行拨付的规定，只能在公示后一次拨付",
                          field="reference")
    if claim.phase != Claim.Phase.ADVANCE:
        raise DomainError("advance_not_allowed", "该申请是培训结束后按最终结果提出的，公示期满后一次拨付，不再先行拨付",
                          field="reference")
    now = clock.now()
    if paid_on is None or paid_on > _local_date(now):
        raise DomainError("paid_on_invalid", "请填写实际支付日期（不能晚于今天）", field="paid_on")
    with transaction.atomic():
        locked = _lock_for(claim, "advance")
        if paid_on < _local_date(locked.submitted_at):
            raise DomainError("paid_on_invalid", "支付日期不能早于申请提交日期", field="paid_on")
        if not locked.lines.filter(status=ClaimLine.Status.ELIGIBLE).exists():
            raise DomainError("nothing_to_approve", "本申请没有符合条件的明细，不能先行拨付；请退回或作出不通过结论",
                              field="reference")
        amount = (locked.judged_total * version.value / 100).quantize(CENT)
        payment = Payment.objects.create(claim=locked, kind=Payment.Kind.ADVANCE, amount=amount,
                                         reference=reference[:64], paid_on=paid_on, recorded_by=actor,
                                         recorded_at=now)
        locked.advance_paid = amount
        locked.decided_by = actor
        late = _late(locked.review_due, _local_date(now))
        locked.overdue = False
        _move(locked, "advance", actor=actor, now=now, late=late,
              comment=f"先行拨付 {version.value}%（{version.citation}）：{amount:.2f} 元，凭证号 {reference[:64]}")
        locked.save()
        _notify_applicant(locked, kind="advance_paid", actor=actor, title=f"补贴申请 {locked.number} 已先行拨付 {amount:.2f} 元",
                          body=f"按{version.citation}先行拨付预计补贴的 {version.value}%。培训结束后，请在申请页面"
                               "点击“培训结束，按最终记录申请余款”。")
        audit_record(actor=actor, action="claim.advance_pay", target=locked,
                     summary={"amount": f"{amount:.2f}", "percent": str(version.value), "reference": reference[:64],
                              "projected_total": f"{locked.judged_total:.2f}", "late": late},
                     organization_id=locked.organization_id, region_code=locked.region_code)
    claim.refresh_from_db()
    return payment


# --- background tasks -------------------------------------------------------------------------

def claims_advance_due(*, on: dt.date | None = None) -> dict[str, int]:
    """Run daily (and safe to run any time): notices whose period is over without an open
    objection go into the payment plan; claims past their review or payment deadline are marked
    overdue so that the reviewer's queue and the applicant see them. Returns the counts."""
    today = on or _local_date(clock.now())
    calendar = working_day_calendar()
    closed = 0
    for claim in Claim.objects.filter(state=ClaimState.PUBLIC_NOTICE, notice_end__lt=today).order_by("notice_end"):
        if claim.objections.filter(status=Objection.Status.OPEN).exists():
            continue
        claim_close_notice(claim=claim, actor=None, calendar=calendar)
        closed += 1
    flagged = 0
    overdue = (Claim.objects.filter(state__in=[ClaimState.SUBMITTED, ClaimState.UNDER_REVIEW], review_due__lt=today,
                                    overdue=False)
               | Claim.objects.filter(state=ClaimState.PAYMENT_PLAN, payment_due__lt=today, overdue=False))
    for claim in overdue.select_related("organization"):
        with transaction.atomic():
            Claim.objects.filter(pk=claim.pk).update(overdue=True)
            due = claim.review_due if claim.state != ClaimState.PAYMENT_PLAN else claim.payment_due
            step = "拨付" if claim.state == ClaimState.PAYMENT_PLAN else "审核"
            _notify_reviewers(claim, kind="overdue", actor=None,
                              title=f"补贴申请 {claim.number} {step}已超期（期限 {due:%Y-%m-%d}）",
                              body=f"{claim.organization.name if claim.kind == Claim.Kind.PROJECT else '个人申领'} · "
                                   f"{claim.item_title}，审定 {claim.judged_total:.2f} 元。请尽快办理。")
            audit_record(actor=None, action="claim.overdue", target=claim,
                         summary={"state": claim.state, "due": due.isoformat() if due else None},
                         organization_id=claim.organization_id, region_code=claim.region_code)
        flagged += 1
    return {"notices_closed": closed, "overdue_flagged": flagged}


# --- the learner's own living-allowance claim ---------------------------------------------------

def self_claimable_item(*, project: Project) -> Item | None:
    pack = load_packs().get(project.policy_pack)
    if pack is None:
        return None
    return next((item for item in pack.items.values() if item.payee == "person"), None)


def claim_self_submit(*, roster_entry: RosterEntry, bank_name: str, bank_account: str, requested: Decimal | None = None,
                      actor) -> Claim:
    """A learner claims their own living allowance (生活费补贴) in one step: the claim is prefilled
    from their records, they confirm it and give a bank account; it is reviewed by the bureau of
    the region the pack names as payer (Shandong: the hukou county)."""
    if getattr(actor, "person_id", None) != roster_entry.person_id:
        raise PermissionDenied("只能为本人申领生活费补贴")
    project = selectors.project_for_claim(project_id=roster_entry.project_id)
    if project.state != ProjectState.FINISHED:
        raise DomainError("project_not_finished", "培训结束后才能申领生活费补贴", field="project")
    item = self_claimable_item(project=project)
    if item is None:
        raise DomainError("no_personal_subsidy", "该培训项目适用的政策没有个人申领的补贴", field="project")
    if Claim.objects.filter(kind=Claim.Kind.SELF, applicant_person_id=roster_entry.person_id, project=project,
                            subsidy=item.id).exclude(state__in=[ClaimState.WITHDRAWN, ClaimState.REJECTED]).exists():
        raise DomainError("claim_exists", "您已申领过该项目的这项补贴，请在“我的补贴申领”中查看进度", field="project")
    entries = [e for e in selectors.approved_roster(project=project) if e.pk == roster_entry.pk]
    if not entries:
        raise DomainError("not_on_roster", "您不在该项目备案时经审核的培训人员名册上，不能申领", field="project")
    account = "".join((bank_account or "").split())
    if not account.isdigit() or not 8 <= len(account) <= 32:
        raise DomainError("bank_account_invalid", "银行账号应为 8–32 位数字，请核对银行卡号后重新填写", field="bank_account")
    if not (bank_name or "").strip():
        raise DomainError("bank_name_required", "请填写开户银行，如 中国农业银行泰安分行", field="bank_name")
    facts = _line_rows(project, entries)[0][1]
    if requested is not None:
        facts["requested"] = f"{requested:.2f}"
    person = roster_entry.person
    if item.payer == "hukou":
        region_code = facts.get("hukou") or person.birth_region_code
    elif len(item.payer) == 6 and item.payer.isdigit():
        region_code = item.payer
    else:
        region_code = project.organization.region_id
    now = clock.now()
    with transaction.atomic():  # the draft and its submission stand or fall together
        claim = Claim.objects.create(
            number=_number(project, now), kind=Claim.Kind.SELF, project=project, organization=project.organization,
            applicant_person=person, policy=item.pack_id, subsidy=item.id, document_number=item.document_number,
            item_title=item.title, payee_kind=item.payee, region_code=region_code, bank_account_name=person.name,
            bank_name=bank_name.strip()[:128], bank_account=account, created_by=actor, created_at=now, updated_at=now)
        ClaimLine.objects.create(claim=claim, position=1, person=person, roster_entry=roster_entry, facts=facts)
        _event(claim, transition="create", from_state="", actor=actor, at=now, comment="学员本人申领")
        audit_record(actor=actor, action="claim.create", target=claim,
                     summary={"number": claim.number, "kind": "self", "item": f"{item.pack_id}/{item.id}"},
                     organization_id=claim.organization_id, region_code=region_code)
        return claim_submit(claim=claim, actor=actor)

