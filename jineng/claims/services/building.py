"""Building a claim and editing it while it is a draft or returned: the draft made from the roster
the bureau approved at filing (a line per person, the facts read from the records, judged as a
preview), a person added, the records read again, the applicant's typed facts (the cost per
learner, the bank account) and the cost vouchers."""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal

from django.db import transaction

from jineng.audit.services import audit_record
from jineng.claims import selectors
from jineng.claims.models import EDITABLE_STATES, Claim, ClaimLine, ClaimState, ClaimVoucher
from jineng.claims.services.accounts import _totals
from jineng.claims.services.common import CENT, _check_applicant, _event, _local_date
from jineng.claims.services.judging import claim_judge_lines
from jineng.claims.services.packs import advance_version, claimable_items
from jineng.common import clock
from jineng.common.errors import DomainError, PermissionDenied
from jineng.common.masking import mask_name
from jineng.common.uploads import check_evidence_file
from jineng.identity.models import Person
from jineng.projects.models import Project, ProjectState, RosterEntry


def _number(project: Project, now: dt.datetime) -> str:
    prefix = f"BT{_local_date(now):%Y%m%d}"
    count = Claim.objects.filter(number__startswith=prefix).count() + 1
    return f"{prefix}-{project.pk:05d}-{count:03d}"


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
