"""The learner's own living-allowance claim (生活费补贴): the item a learner may claim for a
project, and the claim in one step, prefilled from their records and submitted at once to the
bureau of the region the pack names as payer."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from jineng.audit.services import audit_record
from jineng.claims import selectors
from jineng.claims.models import Claim, ClaimLine, ClaimState
from jineng.claims.services.building import _line_rows, _number
from jineng.claims.services.common import _event
from jineng.claims.services.transitions import claim_submit
from jineng.common import clock
from jineng.common.errors import DomainError, PermissionDenied
from jineng.policy.engine import Item, load_packs
from jineng.projects.models import Project, ProjectState, RosterEntry


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
