"""Fill the official claim forms of ``jineng.documents`` from a claim.

Which forms a claim has depends on its pack (decided here, see ``CLAIM_FORMS``):

- 攀人社发〔2020〕33号 (攀枝花): 附件3 补贴申请表 and 附件4 补贴申报花名册;
- 韶人社函〔2020〕11号 (韶关): the 补贴申请表 and 补贴申领人员花名册 inferred from 附件1;
- every other pack (晋江 晋政办〔2019〕79号, 山东 鲁人社字〔2020〕11号): none. Their notices print no
  claim form, and the Shaoguan forms carry Shaoguan's title, standard and procedure in their
  text, so printing them for another city would mislead the bureau. Those claims are filed with
  the line table (``申请明细.xlsx``) and the evidence archive, which every claim has.

Self-claims (a learner's own living allowance) have no form either.

The rosters print full ID numbers and phones (they are filed with the bureau); the caller
(``services.claim_form_export``) checks the actor's right and audits every export. Money is
``Decimal``; dates are Asia/Shanghai.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from types import ModuleType

from django.utils import timezone

from jineng.claims import selectors
from jineng.claims.models import Claim, ClaimLine, ClaimState, Objection, Payment
from jineng.common.errors import DomainError
from jineng.courses.models import Level
from jineng.documents import data as d
from jineng.documents.formatting import age_on
from jineng.documents.forms import claim_panzhihua, claim_shaoguan
from jineng.organizations.models import Organization
from jineng.projects.models import MaterialKind, Project

ZERO = Decimal("0.00")
FORMATS = {"pdf": "application/pdf",
           "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
DECIDED = frozenset({ClaimState.PUBLIC_NOTICE, ClaimState.OBJECTED, ClaimState.PAYMENT_PLAN, ClaimState.PAID})


def _local(moment: dt.datetime | None) -> dt.date | None:
    return timezone.localdate(moment) if moment else None


def _organization(org: Organization) -> d.OrganizationFacts:
    return d.OrganizationFacts(name=org.name, credit_code=org.credit_code, address=org.address,
                               legal_representative=org.legal_representative, contact_phone=org.contact_phone)


def _bank(claim: Claim) -> d.BankAccount:
    return d.BankAccount(account_name=claim.bank_account_name, bank_name=claim.bank_name,
                         account_number=claim.bank_account)


def _level(project: Project) -> str:
    return Level(project.level).label if project.level else ""


def _occupation(project: Project) -> str:
    level = _level(project)
    return f"{project.occupation.name}（{level}）" if level else project.occupation.name


def _office(project: Project) -> str:
    return project.reviewing_office.name if project.reviewing_office_id else "所在地人力资源社会保障部门"


def _commitment(claim: Claim) -> d.Opinion:
    return d.Opinion(date=_local(claim.submitted_at))


def _review(claim: Claim) -> d.Opinion:
    """The reviewing office's box: filled once the claim was approved (or rejected)."""
    decision = next((e for e in reversed(claim.event_list) if e.transition in ("approve", "reject")), None)
    if decision is None or claim.state not in DECIDED | {ClaimState.REJECTED}:
        return d.Opinion()
    if decision.transition == "approve":
        return d.Opinion(text=("审核通过。" + (decision.comment or "")).strip(), date=_local(decision.at))
    return d.Opinion(text=f"审核不通过：{decision.comment}", date=_local(decision.at))


def _notice_result(claim: Claim) -> str:
    if claim.state == ClaimState.PUBLIC_NOTICE:
        return "公示中"
    if claim.state == ClaimState.OBJECTED:
        return "收到异议，正在核查"
    if claim.state not in (ClaimState.PAYMENT_PLAN, ClaimState.PAID):
        return ""
    objections = claim.objection_list
    if not objections:
        return "无异议"
    if all(o.status == Objection.Status.DISMISSED for o in objections):
        return f"收到异议 {len(objections)} 条，经核查均不成立"
    return f"收到异议 {len(objections)} 条，已按核查结论处理"


def _paid(claim: Claim) -> tuple[Decimal | None, dt.date | None]:
    if claim.state != ClaimState.PAID:
        return None, None
    final = next((p for p in claim.payment_list if p.kind == Payment.Kind.FINAL), None)
    return claim.paid_total, final.paid_on if final else None


def _eligible(lines: list[ClaimLine]) -> list[ClaimLine]:
    return [line for line in lines if line.status == ClaimLine.Status.ELIGIBLE]


def _remark(line: ClaimLine) -> str:
    return "" if line.status == ClaimLine.Status.ELIGIBLE else f"不予补贴：{line.get_reason_label()}"


def _provider(project: Project) -> str:
    if project.institution_id:
        return f"{project.institution.name}（{project.platform.name}）"
    return project.platform.name


# --- 攀枝花 附件3 / 附件4 -----------------------------------------------------------------------------

def panzhihua_application(claim: Claim) -> d.PanzhihuaClaimForm:
    """附件3. ``cost_per_person`` is the cost per learner the applicant showed by the vouchers (what
    the engine judged with); ``actual_cost`` is that cost for every learner trained."""
    project, lines = claim.project, claim.line_list
    org = claim.organization
    eligible = _eligible(lines)
    paid_amount, paid_on = _paid(claim)
    materials = (
        d.MaterialCheck(d.PANZHIHUA_CLAIM_MATERIALS[0], bool(lines)),
        d.MaterialCheck(d.PANZHIHUA_CLAIM_MATERIALS[1], any(line.facts.get("courses") for line in lines)),
        d.MaterialCheck(d.PANZHIHUA_CLAIM_MATERIALS[2], bool(claim.voucher_list)),
    )
    return d.PanzhihuaClaimForm(
        number=claim.number, applicant=_organization(org),
        enterprise_size=org.get_size_display() if org.size else "", contact_name=project.contact_name,
        contact_phone=project.contact_phone, bank=_bank(claim), class_number=project.number,
        class_approved_on=_local(project.decided_at), project_name=project.name, occupation=project.occupation.name,
        level=_level(project), provider=_provider(project), start_date=project.start_date, end_date=project.end_date,
        class_hours=project.planned_class_hours, trained_headcount=len(lines),
        passed_headcount=sum(1 for line in lines if line.facts.get("passed")), claimed_headcount=len(eligible),
        actual_cost=(claim.cost_per_learner * len(lines)).quantize(Decimal("0.01")),
        cost_per_person=claim.cost_per_learner, amount=claim.judged_total, materials=materials,
        reviewing_office=_office(project), commitment=_commitment(claim), review=_review(claim),
        public_notice_start=claim.notice_start, public_notice_end=claim.notice_end,
        public_notice_result=_notice_result(claim), paid_amount=paid_amount, paid_on=paid_on,
    )


def panzhihua_roster(claim: Claim) -> d.PanzhihuaClaimRoster:
    """附件4: every line of the claim, the excluded ones with the reason in 备注."""
    project = claim.project
    return d.PanzhihuaClaimRoster(
        number=claim.number, organization_name=claim.organization.name, project_name=project.name,
        lines=tuple(
            d.PanzhihuaClaimRosterLine(
                name=line.person.name, sex=line.person.get_sex_display(),
                age=age_on(line.person.birth_date, project.start_date), id_number=line.person.id_number,
                phone=line.person.phone, course_class_hours=int(line.facts.get("planned_minutes") or 0) // 45,
                completed_class_hours=int(line.facts.get("class_hours") or 0),
                platform_account=line.roster_entry.platform_account if line.roster_entry_id else "",
                passed=bool(line.facts.get("passed")) if line.facts.get("assessed") else None, remark=_remark(line))
            for line in claim.line_list
        ),
    )


# --- 韶关 补贴申请表 / 补贴申领人员花名册 ------------------------------------------------------------------

def _item_param(claim: Claim, kind: str, name: str, day: dt.date, default: Decimal) -> Decimal:
    from jineng.policy.engine import load_packs

    item = load_packs()[claim.policy].items[claim.subsidy]
    for rule in item.rules:
        if rule.kind == kind:
            return rule.params[name].at(day).value
    return default


def shaoguan_application(claim: Claim) -> d.ShaoguanClaimForm:
    project, lines = claim.project, claim.line_list
    eligible = _eligible(lines)
    paid_amount, paid_on = _paid(claim)
    present = claim.material_kinds
    materials = [
        d.MaterialCheck(d.SHAOGUAN_CLAIM_MATERIALS[0], project.decided_at is not None),
        d.MaterialCheck(d.SHAOGUAN_CLAIM_MATERIALS[1], MaterialKind.LABOUR_CONTRACTS in present),
        d.MaterialCheck(d.SHAOGUAN_CLAIM_MATERIALS[2], any(line.facts.get("courses") for line in lines)),
        d.MaterialCheck(d.SHAOGUAN_CLAIM_MATERIALS[3], any(line.facts.get("assessed") for line in lines)),
    ]
    if project.organiser == Project.Organiser.ENTRUSTED:
        materials.append(d.MaterialCheck(d.SHAOGUAN_CLAIM_MATERIALS[4], MaterialKind.SERVICE_CONTRACT in present))
    return d.ShaoguanClaimForm(
        number=claim.number, enterprise=_organization(claim.organization), bank=_bank(claim),
        filing_number=project.number, filed_on=_local(project.decided_at), project_name=project.name,
        kind_label=project.get_kind_display(), occupation=_occupation(project), platform_name=project.platform.name,
        start_date=project.start_date, end_date=project.end_date, claim_deadline=claim.claim_deadline,
        trained_headcount=len(lines), claimed_headcount=len(eligible),
        class_hours=sum(int(line.facts.get("class_hours") or 0) for line in eligible), amount=claim.judged_total,
        received_affected_subsidy=project.received_affected_aid, materials=tuple(materials), reviewing_office=_office(project),
        standard_per_hour=_item_param(claim, "rate_per_class_hour", "rate", project.end_date, Decimal("30.00")),
        annual_cap=_item_param(claim, "yearly_cap", "cap", project.end_date, Decimal("1000.00")),
        commitment=_commitment(claim), review=_review(claim), public_notice_start=claim.notice_start,
        public_notice_end=claim.notice_end, public_notice_result=_notice_result(claim), paid_amount=paid_amount,
        paid_on=paid_on,
    )


def shaoguan_roster(claim: Claim) -> d.ShaoguanClaimRoster:
    """Every line: the class hours credited, what the learner already had this year under the same
    item (before this claim was submitted) and the amount claimed after the yearly cap."""
    project = claim.project
    already = selectors.year_total_before(claim=claim, lines=claim.line_list)
    return d.ShaoguanClaimRoster(
        number=claim.number, enterprise_name=claim.organization.name, filled_on=_local(claim.submitted_at),
        project_name=project.name, filing_number=project.number,
        standard_per_hour=_item_param(claim, "rate_per_class_hour", "rate", project.end_date, Decimal("30.00")),
        lines=tuple(
            d.ShaoguanClaimRosterLine(
                name=line.person.name, sex=line.person.get_sex_display(), id_number=line.person.id_number,
                phone=line.person.phone,
                platform_account=line.roster_entry.platform_account if line.roster_entry_id else "",
                class_hours=int(line.facts.get("class_hours") or 0), already_this_year=already.get(line.pk, ZERO),
                amount=line.judged_amount, remark=_remark(line))
            for line in claim.line_list
        ),
    )


# --- which forms a claim has ---------------------------------------------------------------------

@dataclass(frozen=True)
class ClaimFormSpec:
    key: str  # application / roster
    code: str  # 附件3 …, "" where the notice numbers none
    name: str
    module: ModuleType
    fill: Callable[[Claim], object]
    personal_data: bool  # prints full ID numbers and phones


CLAIM_FORMS: dict[str, tuple[ClaimFormSpec, ...]] = {
    "panzhihua-2020-33": (
        ClaimFormSpec("application", "附件3", "补贴申请表", claim_panzhihua, panzhihua_application, False),
        ClaimFormSpec("roster", "附件4", "补贴申报花名册", claim_panzhihua, panzhihua_roster, True),
    ),
    "shaoguan-2020-11": (
        ClaimFormSpec("application", "", "补贴申请表", claim_shaoguan, shaoguan_application, False),
        ClaimFormSpec("roster", "", "补贴申领人员花名册", claim_shaoguan, shaoguan_roster, True),
    ),
}


def forms_of(claim: Claim) -> tuple[ClaimFormSpec, ...]:
    """The official forms of the claim's pack (none for self-claims and packs without a form)."""
    if claim.kind != Claim.Kind.PROJECT:
        return ()
    return CLAIM_FORMS.get(claim.policy, ())


def form_file_name(claim: Claim, spec: ClaimFormSpec, fmt: str) -> str:
    return "_".join(x for x in (spec.code, spec.name, claim.number) if x) + f".{fmt}"


def claim_form_render(*, claim: Claim, form: str, fmt: str) -> tuple[bytes, str, bool]:
    """One official form of the claim as PDF or .xlsx: the bytes, the file name
    (``附件3_补贴申请表_BT20200420-00001-001.pdf``) and whether it prints full ID numbers."""
    specs = {spec.key: spec for spec in forms_of(claim)}
    if form not in specs:
        allowed = "、".join(f"{s.code}{s.name}" for s in specs.values()) or "无（该政策文件未附补贴申请表样式）"
        raise DomainError("claim_form_unknown", f"本申请没有表格“{form}”，可下载：{allowed}", field="form")
    if fmt not in FORMATS:
        raise DomainError("document_format_unknown", f"文件格式“{fmt}”不支持，请选择 pdf（打印盖章）或 xlsx（电子表格）",
                          field="fmt")
    spec = specs[form]
    filled = spec.fill(selectors.claim_for_forms(claim_id=claim.pk))
    content = spec.module.build_pdf(filled) if fmt == "pdf" else spec.module.build_xlsx(filled)
    return content, form_file_name(claim, spec, fmt), spec.personal_data
