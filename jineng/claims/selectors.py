"""Reads of the claims app: who sees which claim, the facts of a line read from the platform's
records, the subsidy history the engine reads, the reviewer's queue, the public notices.

Projects are read through the projects app's selectors (``projects_visible_to``,
``project_get_visible``, ``roster_of``); only the claims' own rule is added on top: the roster
that counts is the one the bureau approved at filing (entries added later do not count).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F, Prefetch, Q, QuerySet
from django.utils import timezone

from jineng.claims.models import (
    NOTICE_STATES,
    PENDING_STATES,
    Claim,
    ClaimEvent,
    ClaimLine,
    ClaimState,
    ClaimVoucher,
    Objection,
    Payment,
    PaymentBatch,
    SubsidyAccount,
    SubsidyGrant,
)
from jineng.common import clock
from jineng.common.errors import NotFound
from jineng.identity.models import KeyGroupMembership, Person, Role, RoleAssignment
from jineng.identity.selectors import user_has_role, user_organization_ids, user_roles
from jineng.learning.models import MS_PER_MINUTE, Enrolment
from jineng.learning.selectors import ModuleRow, Progress
from jineng.policy.engine import HistoryEntry
from jineng.projects.models import Project, ProjectMaterial, ProjectState, RosterEntry
from jineng.projects.selectors import projects_visible_to, roster_of
from jineng.regions.selectors import region_contains, regions_scope_q

REVIEWER_ROLES = {Role.COUNTY_REVIEWER, Role.CITY_OFFICER}
ZERO = Decimal("0.00")


def today() -> dt.date:
    return timezone.localdate(clock.now())


# --- who may do what ----------------------------------------------------------------------------

def _review_regions(user) -> list:
    return [a.region for a in user_roles(user=user) if a.role in REVIEWER_ROLES and a.region_id]


def user_may_apply_for(*, user, organization_id: int) -> bool:
    return organization_id in user_organization_ids(user=user, role=Role.TRAINING_ADMIN)


def user_may_review(*, user, claim: Claim) -> bool:
    if user_has_role(user=user, role=Role.SYSTEM_ADMIN):
        return True
    return any(region_contains(region.code, claim.region_code) for region in _review_regions(user))


def user_may_review_region(*, user, region_code: str) -> bool:
    """Whether ``user`` reviews claims paid by ``region_code`` (a system administrator every region)."""
    if user_has_role(user=user, role=Role.SYSTEM_ADMIN):
        return True
    return any(region_contains(region.code, region_code) for region in _review_regions(user))


def reviewers_of(*, region_code: str) -> list:
    """The active users who review claims of ``region_code``: the county reviewers and city
    officers whose region holds it (its county, city or province), each once."""
    candidates = {region_code, region_code[:4] + "00", region_code[:2] + "0000"}
    users = {}
    for assignment in (RoleAssignment.objects.filter(role__in=REVIEWER_ROLES, region_id__in=candidates,
                                                     user__is_active=True)
                       .select_related("user").order_by("user_id")):
        if region_contains(assignment.region_id, region_code):
            users.setdefault(assignment.user_id, assignment.user)
    return list(users.values())


def user_is_reviewer(*, user) -> bool:
    return user_has_role(user=user, role=Role.SYSTEM_ADMIN) or bool(_review_regions(user))


def claims_visible_to(*, user) -> QuerySet[Claim]:
    """Training administrators their organisation's claims; reviewers and officers the claims of
    their regions; a learner their own; system administrators all."""
    qs = Claim.objects.select_related("project", "organization", "applicant_person")
    if user_has_role(user=user, role=Role.SYSTEM_ADMIN):
        return qs
    q = Q(pk__in=[])
    org_ids = user_organization_ids(user=user, role=Role.TRAINING_ADMIN)
    if org_ids:
        q |= Q(organization_id__in=org_ids, kind=Claim.Kind.PROJECT)
    regions = _review_regions(user)
    if regions:
        q |= regions_scope_q(regions, field="region_code") & ~Q(state=ClaimState.DRAFT)
    if getattr(user, "person_id", None):
        q |= Q(applicant_person_id=user.person_id)
    return qs.filter(q)


def claim_get_visible(*, user, claim_id: int) -> Claim:
    claim = claims_visible_to(user=user).filter(pk=claim_id).first()
    if claim is None:
        raise NotFound("补贴申请不存在或不在您的权限范围内")
    return claim


def claim_lines(*, claim: Claim) -> list[ClaimLine]:
    return list(claim.lines.select_related("person").order_by("position"))


def claim_for_forms(*, claim_id: int) -> Claim:
    """A claim with everything its forms print, in a fixed number of queries: the project with
    its organisation, institution, platform, occupation and office; the lines in order with
    persons and roster entries (``line_list``); the events, objections, payments and vouchers
    (``event_list`` …); the kinds of the project's filed materials (``material_kinds``) and the
    claim deadline of the item (``claim_deadline``)."""
    from jineng.policy.engine import load_packs

    claim = (Claim.objects.select_related("organization", "project", "project__organization", "project__institution",
                                          "project__platform", "project__occupation", "project__reviewing_office")
             .prefetch_related(
                 Prefetch("lines", queryset=ClaimLine.objects.select_related("person", "roster_entry")
                          .order_by("position"), to_attr="line_list"),
                 Prefetch("events", queryset=ClaimEvent.objects.order_by("pk"), to_attr="event_list"),
                 Prefetch("objections", queryset=Objection.objects.order_by("pk"), to_attr="objection_list"),
                 Prefetch("payments", queryset=Payment.objects.order_by("pk"), to_attr="payment_list"),
                 Prefetch("vouchers", queryset=ClaimVoucher.objects.order_by("pk"), to_attr="voucher_list"))
             .get(pk=claim_id))
    claim.material_kinds = set(ProjectMaterial.objects.filter(project_id=claim.project_id, removed_at__isnull=True)
                               .values_list("kind", flat=True))
    pack = load_packs().get(claim.policy)
    item = pack.items.get(claim.subsidy) if pack else None
    found = claim_deadline(item, claim.project.end_date) if item else None
    claim.claim_deadline = found[0] if found else None
    return claim


def claim_deadline(item, end: dt.date) -> tuple[dt.date, str] | None:
    """The last day to claim (the item's ``claim_deadline`` rule: months after the training's
    end) and its citation; None when the item sets none."""
    from jineng.policy.engine.rules import ClaimDeadlineRule, add_months

    for rule in item.rules:
        if isinstance(rule, ClaimDeadlineRule):
            version = rule.months.at(end)
            return add_months(end, version.value), version.citation
    return None


def year_total_before(*, claim: Claim, lines: list[ClaimLine]) -> dict[int, Decimal]:
    """Per line: what the person already had (paid or reserved) under the claim's item in the
    year its training ended, from other claims and imported history recorded before this claim
    was submitted (the yearly cap's reading of the history), keyed by line id."""
    year = claim.project.end_date.year
    before = claim.submitted_at or clock.now()
    digests = {line.pk: line.person.id_number_digest for line in lines}
    totals: dict[str, Decimal] = defaultdict(lambda: ZERO)
    grants = (SubsidyGrant.objects.filter(account__person_digest__in=set(digests.values()), status__in=COUNTING,
                                          policy=claim.policy, subsidy=claim.subsidy, end__year=year,
                                          created_at__lte=before)
              .exclude(claim_line__claim_id=claim.pk).values_list("account__person_digest", "amount"))
    for digest, amount in grants:
        totals[digest] += amount
    return {pk: totals[digest] for pk, digest in digests.items()}


# --- projects -----------------------------------------------------------------------------------

def packs_with_advance(*, on: dt.date) -> set[str]:
    """The packs that pay project-based training partly in advance (``procedure.advance_percent``
    in force on ``on``)."""
    from jineng.policy.engine import PolicyError, load_packs

    found = set()
    for pack_id, pack in load_packs().items():
        try:
            if pack.procedure.at("advance_percent", on) is not None:
                found.add(pack_id)
        except PolicyError:
            continue
    return found


def claimable_projects_for(*, user) -> list[Project]:
    """The projects a training administrator may claim for, newest first: the finished projects
    of their organisations, and the running ones whose pack pays an advance once the training is
    implemented (晋政办〔2019〕79号 二(五)2). Each carries ``advance`` (True for the running ones)."""
    org_ids = user_organization_ids(user=user, role=Role.TRAINING_ADMIN)
    qs = (projects_visible_to(user=user)
          .filter(organization_id__in=org_ids, state__in=[ProjectState.FINISHED, ProjectState.RUNNING])
          .order_by("-end_date", "-pk"))
    advance_packs = packs_with_advance(on=today())
    projects = []
    for project in qs[:100]:
        project.advance = project.state == ProjectState.RUNNING
        if project.advance and project.policy_pack not in advance_packs:
            continue
        projects.append(project)
    return projects


def project_for_claim(*, project_id: int) -> Project:
    """The project of a claim with what judging and the forms read (inside services, where the
    actor's right to the claim has been checked already)."""
    project = (Project.objects.select_related("organization", "organization__region", "occupation", "platform",
                                              "institution", "reviewing_office")
               .filter(pk=project_id).first())
    if project is None:
        raise NotFound("培训项目不存在")
    return project


def approved_roster(*, project: Project) -> list[RosterEntry]:
    """The roster as the bureau approved it at filing: entries added before the approval."""
    entries = roster_of(project=project)
    if project.decided_at is not None:
        entries = [e for e in entries if e.added_at <= project.decided_at]
    return entries


# --- the facts of a line, from the records --------------------------------------------------

def _certificates_for(enrolment_ids: list[int]) -> dict[int, object]:
    """``jineng.certificates.selectors.certificates_for_enrolments`` when the certificates app
    offers it; until then no enrolment has a certificate."""
    try:
        from jineng.certificates.selectors import certificates_for_enrolments  # type: ignore[attr-defined]
    except ImportError:
        return {}
    return dict(certificates_for_enrolments(enrolment_ids=enrolment_ids))


def _final_results(enrolments: list[Enrolment]) -> dict[int, tuple[bool, Decimal] | None]:
    from jineng.exams.selectors import final_assessment_result

    results = {}
    for enrolment in enrolments:
        result = final_assessment_result(enrolment=enrolment)
        results[enrolment.pk] = (result[0], result[1]) if result else None
    return results


def _contract_months(entry: RosterEntry) -> int | None:
    contract = entry.contract
    if contract is None:
        return None
    return contract.months if contract.months is not None else 999  # 无固定期限


def line_facts(*, project: Project, entries: list[RosterEntry]) -> dict[int, dict]:
    """For each roster entry's person: the enrolments of the project, their planned, credited
    and countable minutes, class hours, the final assessment and the certificate — read from the
    learning, exams and certificates records, never typed. Keys are person ids."""
    person_ids = [e.person_id for e in entries]
    enrolments = list(
        Enrolment.objects.filter(project=project, person_id__in=person_ids)
        .select_related("course")
        .prefetch_related("course__modules", "module_progress")
        .order_by("pk")
    )
    by_person: dict[int, list[Enrolment]] = defaultdict(list)
    for enrolment in enrolments:
        by_person[enrolment.person_id].append(enrolment)
    finals = _final_results(enrolments)
    certificates = _certificates_for([e.pk for e in enrolments])
    groups: dict[int, list[str]] = defaultdict(list)
    for person_id, group in (KeyGroupMembership.objects.filter(person_id__in=person_ids,
                                                               status=KeyGroupMembership.Status.VERIFIED)
                             .values_list("person_id", "group")):
        groups[person_id].append(group)
    facts: dict[int, dict] = {}
    for entry in entries:
        person = entry.person
        courses, planned, credited, countable = [], 0, 0, 0
        passed: bool | None = None
        score: str | None = None
        certificate, certificate_number = "none", ""
        for enrolment in by_person.get(person.pk, []):
            credited_by_module = {p.module_id: p.credited_ms for p in enrolment.module_progress.all()}
            modules = sorted(enrolment.course.modules.all(), key=lambda m: (m.position, m.pk))
            progress = Progress(enrolment=enrolment,
                                modules=[ModuleRow(module=m, credited_ms=credited_by_module.get(m.pk, 0))
                                         for m in modules])
            courses.append({"enrolment": enrolment.pk, "course": enrolment.course.title,
                            "planned_minutes": progress.planned_minutes,
                            "credited_minutes": enrolment.credited_ms // MS_PER_MINUTE,
                            "countable_minutes": progress.countable_minutes, "class_hours": progress.class_hours})
            planned += progress.planned_minutes
            credited += enrolment.credited_ms // MS_PER_MINUTE
            countable += progress.countable_minutes
            result = finals.get(enrolment.pk)
            if result is not None:
                passed = result[0] if passed is None else (passed and result[0])
                score = f"{result[1]:.2f}"
            cert = certificates.get(enrolment.pk)
            if cert is not None:
                certificate = getattr(cert, "kind", "training")
                certificate_number = str(getattr(cert, "number", ""))
        hukou = person.hukou_region_id or person.birth_region_code
        facts[person.pk] = {
            "courses": courses,
            "planned_minutes": planned,
            "credited_minutes": credited,
            "countable_minutes": countable,
            "class_hours": countable // 45,
            "passed": bool(passed) if passed is not None else False,
            "assessed": passed is not None,
            "score": score,
            "certificate": certificate,
            "certificate_number": certificate_number,
            "groups": sorted(set(groups.get(person.pk, []))),  # verified memberships only
            "hukou": hukou,
            "contract_months": _contract_months(entry),
            "hired_on": entry.contract.start.isoformat() if entry.contract_id else None,
        }
    return facts


# --- the subsidy history -----------------------------------------------------------------------

COUNTING = (SubsidyGrant.Status.RESERVED, SubsidyGrant.Status.PAID)


def _entry(grant) -> HistoryEntry:
    return HistoryEntry(policy=grant[0], subsidy=grant[1], occupation=grant[2], level=grant[3], start=grant[4],
                        end=grant[5], amount=grant[6])


GRANT_FIELDS = ("policy", "subsidy", "occupation", "level", "start", "end", "amount")


def history_by_digest(*, digests: list[str], exclude_claim_id: int | None = None,
                      statuses=COUNTING) -> dict[str, list[HistoryEntry]]:
    """The history of many persons at once (one query), keyed by ID-number digest: the grants
    paid and those reserved by claims still pending (they count until released)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        return _history_pg(digests, exclude_claim_id, statuses)
    qs = SubsidyGrant.objects.filter(account__person_digest__in=digests, status__in=statuses)
    if exclude_claim_id is not None:
        qs = qs.exclude(claim_line__claim_id=exclude_claim_id)
    history: dict[str, list[HistoryEntry]] = defaultdict(list)
    for row in qs.values_list("account__person_digest", *GRANT_FIELDS).iterator(chunk_size=5000):
        history[row[0]].append(_entry(row[1:]))
    return history


_PG_HISTORY = """
SELECT a.person_digest, g.policy, g.subsidy, g.occupation, g.level, g.start, g."end", g.amount
  FROM claims_subsidyaccount a JOIN claims_subsidygrant g ON g.account_id = a.id
  LEFT JOIN claims_claimline l ON l.id = g.claim_line_id
 WHERE a.person_digest = ANY(%b::varchar[]) AND g.status = ANY(%b::varchar[])
   AND (l.claim_id IS NULL OR l.claim_id <> %b)
"""


def _history_pg(digests: list[str], exclude_claim_id: int | None, statuses) -> dict[str, list[HistoryEntry]]:
    """The same read for thousands of persons, with the digests as one binary array parameter."""
    import psycopg
    from django.db import connection

    connection.ensure_connection()
    history: dict[str, list[HistoryEntry]] = defaultdict(list)
    with psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(_PG_HISTORY, [list(digests), [str(s) for s in statuses], exclude_claim_id or 0])
        for row in cursor:
            history[row[0]].append(_entry(row[1:]))
    return history


def subsidy_history_of(*, person_digest: str) -> list[HistoryEntry]:
    return history_by_digest(digests=[person_digest]).get(person_digest, [])


def grants_of_person(*, person: Person) -> QuerySet[SubsidyGrant]:
    return (SubsidyGrant.objects.filter(account__person_digest=person.id_number_digest)
            .select_related("claim_line__claim").order_by("-end", "-pk"))


def account_exists(*, person_digest: str) -> bool:
    return SubsidyAccount.objects.filter(person_digest=person_digest).exists()


# --- totals ----------------------------------------------------------------------------------

@dataclass
class PayeeTotal:
    payee: str
    label: str
    name: str
    lines: int
    judged: Decimal
    paid: Decimal | None


PAYEE_LABELS = {"employer": "企业", "person": "个人", "platform": "线上培训平台"}


def claim_totals(*, claim: Claim, lines: list[ClaimLine]) -> list[PayeeTotal]:
    """Per payee: the employer (the applicant), the platform, or each person."""
    totals: dict[tuple[str, str], PayeeTotal] = {}
    for line in lines:
        if line.status != ClaimLine.Status.ELIGIBLE:
            continue
        if line.payee == "person":
            name = line.person.name
        elif line.payee == "platform":
            name = claim.project.platform.name
        else:
            name = claim.organization.name
        key = (line.payee, name if line.payee != "person" else str(line.person_id))
        total = totals.setdefault(key, PayeeTotal(line.payee, PAYEE_LABELS.get(line.payee, line.payee), name, 0,
                                                   ZERO, None))
        total.lines += 1
        total.judged += line.judged_amount
        if line.paid_amount is not None:
            total.paid = (total.paid or ZERO) + line.paid_amount
    return list(totals.values())


# --- the reviewer's queue and the overdue ------------------------------------------------------

@dataclass
class QueueRow:
    claim: Claim
    due: dt.date | None
    due_label: str
    overdue: bool
    open_objections: int


def _due_of(claim: Claim) -> tuple[dt.date | None, str]:
    if claim.state in (ClaimState.SUBMITTED, ClaimState.UNDER_REVIEW):
        return claim.review_due, "审核期限"
    if claim.state in NOTICE_STATES:
        return claim.notice_end, "公示截止"
    if claim.state == ClaimState.PAYMENT_PLAN:
        return claim.payment_due, "拨付期限"
    if claim.advance_outstanding > 0:
        return None, f"待退回先行拨付 {claim.advance_outstanding:.2f} 元"
    return None, ""


def review_queue(*, user, on: dt.date | None = None) -> list[QueueRow]:
    """Every pending claim of the reviewer's regions, the most urgent first (overdue, then by deadline),
    and the rejected ones whose advance has not all been paid back yet (last)."""
    on = on or today()
    owing = Q(state=ClaimState.REJECTED, advance_paid__gt=F("advance_recovered"))
    qs = claims_visible_to(user=user).filter(Q(state__in=PENDING_STATES) | owing).prefetch_related(
        Prefetch("objections", queryset=Objection.objects.filter(status=Objection.Status.OPEN), to_attr="open_list"))
    rows = []
    for claim in qs:
        due, label = _due_of(claim)
        overdue = due is not None and due < on and claim.state not in NOTICE_STATES
        rows.append(QueueRow(claim, due, label, overdue or claim.overdue, len(claim.open_list)))
    rows.sort(key=lambda r: (not r.overdue, r.open_objections == 0, r.due or dt.date.max, r.claim.pk))
    return rows


def flags_by_person(*, user, person_ids: list[int]) -> dict[int, list]:
    """The integrity flags the reviewer may see on these persons, by person id."""
    from jineng.integrity.selectors import flags_visible_to

    found: dict[int, list] = defaultdict(list)
    for flag in flags_visible_to(user=user).filter(persons__in=person_ids).distinct():
        for person in flag.persons.all():
            if person.pk in person_ids:
                found[person.pk].append(flag)
    return found


# --- the public notice -------------------------------------------------------------------------

def claims_on_notice() -> QuerySet[Claim]:
    return (Claim.objects.filter(state__in=NOTICE_STATES)
            .select_related("organization", "project").order_by("notice_end", "pk"))


def claim_on_notice(*, claim_id: int) -> Claim:
    claim = claims_on_notice().filter(pk=claim_id).first()
    if claim is None:
        raise NotFound("该补贴申请不在公示期内")
    return claim


# --- the learner's own claims ----------------------------------------------------------------

def self_claim_candidates(*, user) -> list[RosterEntry]:
    """Roster entries of finished projects of the learner, for a living-allowance self-claim."""
    if not getattr(user, "person_id", None):
        return []
    return list(RosterEntry.objects.filter(person_id=user.person_id, project__state=ProjectState.FINISHED)
                .select_related("project", "project__organization", "project__occupation")
                .order_by("-project__end_date"))


# --- 拨付计划 ----------------------------------------------------------------------------------

def claims_ready_for_batch(*, user) -> QuerySet[Claim]:
    """Claims ``user`` reviews that wait in ``payment_plan`` outside any plan and owe a positive
    amount (a claim that owes a refund is settled on its own page)."""
    if not user_is_reviewer(user=user):
        return Claim.objects.none()
    return (claims_visible_to(user=user).filter(state=ClaimState.PAYMENT_PLAN, payment_batch__isnull=True,
                                                judged_total__gt=F("advance_paid"))
            .order_by("payment_due", "pk"))


def payment_batches_visible_to(*, user) -> QuerySet[PaymentBatch]:
    if user_has_role(user=user, role=Role.SYSTEM_ADMIN):
        return PaymentBatch.objects.all()
    regions = _review_regions(user)
    if not regions:
        return PaymentBatch.objects.none()
    return PaymentBatch.objects.filter(regions_scope_q(regions, field="region_code"))


def payment_batch_get_visible(*, user, batch_id: int) -> PaymentBatch:
    batch = payment_batches_visible_to(user=user).filter(pk=batch_id).first()
    if batch is None:
        raise NotFound("拨付计划不存在或不在您的权限范围内")
    return batch
