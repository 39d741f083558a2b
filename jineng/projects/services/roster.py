"""Roster import (人员名册, 韶人社函〔2020〕11号 附表4 / 攀人社发〔2020〕33号 附件2) from .xlsx.

Columns as the seed forms: 序号 姓名 性别 年龄 身份证号 联系电话 平台登录账号, and an optional
重点群体 for learners who train as a key group (their verified membership replaces the labour
contract). A title row above the header (“企业名称（盖章）…”) is allowed. Never a password.

Every row is checked; each problem carries a stable rule code:

=====================  =====================================================================
missing_value          a required cell is empty
invalid_id_number      not a valid resident ID number (GB 11643)
invalid_phone          not an 11-digit mobile number
invalid_gender         性别 is not 男 or 女
gender_mismatch        性别 differs from the ID number
age_mismatch           年龄 is not the age the ID number gives (today or on the start date)
name_mismatch          the ID number is registered under another name
duplicate_row          the same person twice in the file
duplicate_account      the same platform account twice in the file
no_contract            no labour contract with the applicant in force on the start date
contract_too_short     the contract is shorter than the pack's ``contract_length`` rule asks
key_group_invalid      重点群体 names no known key group
key_group_unverified   the person's key-group membership is not verified
=====================  =====================================================================

Nothing is half-imported silently: with any bad row and no choice by the administrator,
nothing changes; with ``import_valid_rows`` the valid rows are stored. An import replaces
the draft roster as a whole. Unknown persons on valid rows (students' rosters) are
registered through ``identity.person_register``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction

from jineng.audit.services import audit_record
from jineng.common import clock
from jineng.common.errors import DomainError
from jineng.common.masking import mask_id_number
from jineng.common.uploads import read_xlsx_rows
from jineng.identity.id_numbers import normalize_phone, parse_id_number
from jineng.identity.models import KeyGroup, KeyGroupMembership, Person
from jineng.identity.services import id_number_digest, person_register
from jineng.organizations.services import ImportRow, RowProblem, _cell_text
from jineng.projects import selectors
from jineng.projects.models import Project, RosterEntry
from jineng.projects.services.filing import _require_editable, _require_filer, commitment_void

ROSTER_COLUMNS = ["序号", "姓名", "性别", "年龄", "身份证号", "联系电话", "平台登录账号"]
OPTIONAL_COLUMNS = ["重点群体"]
REQUIRED_COLUMNS = ROSTER_COLUMNS[1:]
_ALIASES = {"身份证号码": "身份证号", "手机号码": "联系电话", "手机号": "联系电话", "学员平台账号": "平台登录账号",
            "平台账号": "平台登录账号", "重点就业群体": "重点群体"}
MAX_ROWS = 5000
_GENDERS = {"M": "男", "F": "女"}
_KEY_GROUPS = {**{g.value: g.value for g in KeyGroup}, **{g.label: g.value for g in KeyGroup}}


@dataclass
class RosterImportReport:
    rows: list[ImportRow]
    imported: int = 0
    committed: bool = False
    replaced: int = 0
    """How many entries the previous roster had (an import replaces it)."""

    @property
    def error_rows(self) -> list[ImportRow]:
        return [r for r in self.rows if not r.ok]

    @property
    def valid_rows(self) -> list[ImportRow]:
        return [r for r in self.rows if r.ok]


def _normal(header) -> str:
    text = "".join(_cell_text(header).split())
    return _ALIASES.get(text, text)


def _find_header(rows: list[list]) -> tuple[int, dict[str, int]]:
    for index, row in enumerate(rows[:10]):
        names = [_normal(c) for c in row]
        if "身份证号" in names:
            missing = [c for c in REQUIRED_COLUMNS if c not in names]
            if missing:
                raise DomainError("missing_columns",
                                  f"表头缺少列：{'、'.join(missing)}。请使用模板，表头应为：{'、'.join(ROSTER_COLUMNS)}"
                                  "（可另加“重点群体”列）", field="file")
            return index, {n: names.index(n) for n in ROSTER_COLUMNS + OPTIONAL_COLUMNS if n in names}
    raise DomainError("missing_columns", f"没有找到表头行。请使用模板，表头应为：{'、'.join(ROSTER_COLUMNS)}", field="file")


def _age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


@dataclass
class _Context:
    project: Project
    today: dt.date
    requirement: selectors.ContractRequirement | None


def _check_row(row_number: int, cells: list, columns: dict[str, int], seen: dict[str, int],
               accounts: dict[str, int], ctx: _Context) -> ImportRow:
    def cell(name: str) -> str:
        index = columns.get(name)
        return _cell_text(cells[index]) if index is not None and index < len(cells) else ""

    name, raw_id = cell("姓名"), cell("身份证号").upper()
    row = ImportRow(row_number=row_number, name=name, id_number_masked=mask_id_number(raw_id))
    problem = row.problems.append
    for column in REQUIRED_COLUMNS:
        if not cell(column):
            problem(RowProblem("missing_value", column, f"“{column}”为空，请填写"))
    facts = None
    if raw_id:
        try:
            facts = parse_id_number(raw_id)
        except DomainError as exc:
            problem(RowProblem("invalid_id_number", "身份证号", exc.message))
    phone = ""
    if cell("联系电话"):
        try:
            phone = normalize_phone(cell("联系电话"))
        except DomainError as exc:
            problem(RowProblem("invalid_phone", "联系电话", exc.message))
    gender = cell("性别")
    id_gender = _GENDERS[facts.sex] if facts else ""
    if gender and gender not in _GENDERS.values():
        problem(RowProblem("invalid_gender", "性别", "性别只能填“男”或“女”"))
    elif gender and facts and id_gender != gender:
        problem(RowProblem("gender_mismatch", "性别", f"身份证号显示性别为“{id_gender}”，与填写的“{gender}”不一致"))
    age_text = cell("年龄")
    if age_text and facts:
        allowed = sorted({_age_on(facts.birth_date, ctx.today), _age_on(facts.birth_date, ctx.project.start_date)})
        if not age_text.isdigit() or int(age_text) not in allowed:
            shown = "或".join(str(a) for a in allowed)
            problem(RowProblem("age_mismatch", "年龄", f"按身份证号出生日期，年龄应为 {shown} 岁，填写的是“{age_text}”"))
    account = cell("平台登录账号")
    if account:
        if len(account) > 150:
            problem(RowProblem("invalid_value", "平台登录账号", "平台登录账号不能超过 150 个字符"))
        elif account in accounts:
            problem(RowProblem("duplicate_account", "平台登录账号", f"与第 {accounts[account]} 行的平台登录账号相同"))
        else:
            accounts[account] = row_number
    group_text = cell("重点群体")
    group = _KEY_GROUPS.get(group_text) if group_text else ""
    if group_text and group is None:
        problem(RowProblem("key_group_invalid", "重点群体",
                           f"“{group_text}”不是重点群体类别；可填：{'、'.join(g.label for g in KeyGroup)}，不是请留空"))
    person = None
    contract = None
    if facts:
        digest = id_number_digest(facts.number)
        if digest in seen:
            problem(RowProblem("duplicate_row", "身份证号", f"与第 {seen[digest]} 行是同一人，请删除重复行"))
        else:
            seen[digest] = row_number
        person = Person.objects.filter(id_number_digest=digest).first()
        if person and name and person.name != name:
            problem(RowProblem("name_mismatch", "姓名",
                               f"该身份证号已登记的姓名为“{person.name[0]}*”，与填写的“{name}”不一致"))
        if group:
            verified = person is not None and KeyGroupMembership.objects.filter(
                person=person, group=group, status=KeyGroupMembership.Status.VERIFIED).exists()
            if not verified:
                problem(RowProblem("key_group_unverified", "重点群体",
                                   f"“{KeyGroup(group).label}”身份尚未经户籍所在地人社部门核验，请先在人员页面申报并等待核验"))
        elif not ctx.project.learners_are_students:
            contract = selectors.contract_for(person_id=person.pk, organization=ctx.project.organization,
                                              on=ctx.project.start_date) if person else None
            if contract is None:
                problem(RowProblem("no_contract", "身份证号",
                                   f"培训开始日 {ctx.project.start_date:%Y-%m-%d} 没有与{ctx.project.organization.name}"
                                   "有效的劳动合同；请先在单位页面登记（导入）劳动合同，重点群体请填写“重点群体”列"))
            elif ctx.requirement and contract.months is not None and contract.months < ctx.requirement.min_months:
                problem(RowProblem("contract_too_short", "身份证号",
                                   f"劳动合同期限 {contract.months} 个月，{ctx.requirement.citation}"
                                   f"要求至少 {ctx.requirement.min_months} 个月"))
    row.values = {"person": person, "id_number": facts.number if facts else "", "phone": phone,
                  "account": account, "contract": contract, "key_group": group or ""}
    return row


def roster_import_xlsx(*, project: Project, upload, actor, import_valid_rows: bool = False) -> RosterImportReport:
    """Check every row of the roster file; replace the draft roster with all rows, or — only
    when the administrator chooses so — with the valid rows. A file that is not Excel, or
    lacks the columns, is refused before anything changes."""
    _require_filer(actor=actor, organization=project.organization)
    _require_editable(project)
    rows = read_xlsx_rows(upload, max_rows=MAX_ROWS + 10)
    header_index, columns = _find_header(rows)
    body = [(number, cells) for number, cells in enumerate(rows[header_index + 1:], start=header_index + 2)
            if any(_cell_text(c) for c in cells)]
    if not body:
        raise DomainError("no_rows", "文件中没有人员：表头下面每行填写一名参训人员", field="file")
    if len(body) > MAX_ROWS:
        raise DomainError("too_many_rows", f"一个名册最多 {MAX_ROWS} 人，请拆分为多个培训项目", field="file")
    pack = selectors.policy_pack_for(region_code=project.organization.region_id, on=project.start_date)
    ctx = _Context(project, selectors.today(),
                   selectors.contract_requirement(pack=pack, kind=project.kind, on=project.start_date))
    seen: dict[str, int] = {}
    accounts: dict[str, int] = {}
    report = RosterImportReport(rows=[_check_row(n, cells, columns, seen, accounts, ctx) for n, cells in body])
    report.replaced = project.roster.count()
    if (report.error_rows and not import_valid_rows) or not report.valid_rows:
        return report
    now = clock.now()
    with transaction.atomic():
        locked = Project.objects.select_for_update().select_related("organization").get(pk=project.pk)
        _require_editable(locked)
        report.replaced = RosterEntry.objects.filter(project=locked).delete()[0]
        entries = []
        for position, row in enumerate(report.valid_rows, start=1):
            person = row.values["person"] or person_register(
                name=row.name, id_number=row.values["id_number"], phone=row.values["phone"], actor=actor)
            entries.append(RosterEntry(project=locked, position=position, person=person,
                                       platform_account=row.values["account"], contract=row.values["contract"],
                                       key_group=row.values["key_group"], added_at=now))
        RosterEntry.objects.bulk_create(entries)
        report.imported = len(entries)
        Project.objects.filter(pk=locked.pk).update(updated_at=now)
        audit_record(actor=actor, action="project.roster_import", target=locked,
                     summary={"imported": report.imported, "replaced": report.replaced,
                              "skipped_rows": [r.row_number for r in report.error_rows],
                              "commitment_voided": commitment_void(locked)},
                     organization_id=locked.organization_id, region_code=locked.organization.region_id)
    report.committed = True
    return report
