"""Every write about organisations: registration, training administrators, labour contracts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction

from jineng.audit.services import audit_record
from jineng.common.errors import DomainError, PermissionDenied
from jineng.common.masking import mask_id_number
from jineng.common.uploads import read_xlsx_rows
from jineng.identity.id_numbers import normalize_phone, parse_id_number
from jineng.identity.models import Person, Role, User
from jineng.identity.selectors import user_has_role, user_organization_ids, user_region_scopes
from jineng.identity.services import id_number_digest, person_register, role_grant
from jineng.organizations.credit_codes import parse_credit_code
from jineng.organizations.models import Contract, Organization


def _can_manage_organization(*, actor: User | None, organization: Organization) -> bool:
    if actor is None or user_has_role(user=actor, role=Role.SYSTEM_ADMIN):
        return True
    return organization.pk in user_organization_ids(user=actor, role=Role.TRAINING_ADMIN)


def organization_register(
    *, kind: str, name: str, credit_code: str, region_code: str, address: str, legal_representative: str,
    size: str = "", contact_phone: str = "", bank_account_name: str = "", bank_name: str = "",
    bank_account_number: str = "", actor: User | None,
) -> Organization:
    """Registered by a system administrator or a reviewer of the organisation's region."""
    from jineng.regions.models import Region

    if kind not in Organization.Kind.values:
        raise DomainError("invalid_kind", "请选择单位类型：企业或培训机构", field="kind")
    code = parse_credit_code(credit_code)
    region = Region.objects.filter(code=region_code, level=Region.Level.COUNTY).first()
    if region is None:
        raise DomainError("invalid_region", "请选择单位所在的县（市、区）", field="region_code")
    if actor is not None and not user_has_role(user=actor, role=Role.SYSTEM_ADMIN) and not any(
        scope.contains(region) for scope in user_region_scopes(user=actor)
    ):
        raise PermissionDenied("只能登记本辖区的单位")
    if kind == Organization.Kind.ENTERPRISE and size not in Organization.Size.values:
        raise DomainError("size_required", "企业须选择规模：中小微企业或大型企业", field="size")
    for field_name, value, label in [("name", name, "单位名称"), ("address", address, "注册地址"),
                                     ("legal_representative", legal_representative, "法定代表人")]:
        if not (value or "").strip():
            raise DomainError("required", f"请填写{label}", field=field_name)
    if Organization.objects.filter(credit_code=code).exists():
        raise DomainError("organization_exists", "该统一社会信用代码已登记", field="credit_code")
    with transaction.atomic():
        organization = Organization.objects.create(
            kind=kind, name=name.strip(), credit_code=code, region=region, address=address.strip(),
            legal_representative=legal_representative.strip(), size=size if kind == Organization.Kind.ENTERPRISE else "",
            contact_phone=contact_phone.strip(), bank_account_name=bank_account_name.strip(),
            bank_name=bank_name.strip(), bank_account_number=bank_account_number.strip(),
        )
        audit_record(actor=actor, action="organization.register", target=organization,
                     summary={"name": organization.name, "credit_code": code, "kind": kind, "size": organization.size},
                     organization_id=organization.pk, region_code=region.code)
    return organization


def training_admin_appoint(*, organization: Organization, user: User, actor: User | None):
    """线上培训管理员: the person an organisation names to run its online training."""
    return role_grant(user=user, role=Role.TRAINING_ADMIN, organization=organization, actor=actor)


def contract_add(*, organization: Organization, person: Person, start: dt.date, months: int | None,
                 dispatched: bool, actor: User | None) -> Contract:
    if not _can_manage_organization(actor=actor, organization=organization):
        raise PermissionDenied("只能为本单位登记劳动合同")
    if months is not None and not (1 <= months <= 600):
        raise DomainError("invalid_months", "合同期限应为 1–600 个月；无固定期限合同请留空", field="months")
    if Contract.objects.filter(person=person, organization=organization, start=start).exists():
        raise DomainError("contract_exists", "该职工在本单位同一起始日的劳动合同已登记", field="start")
    with transaction.atomic():
        contract = Contract.objects.create(person=person, organization=organization, start=start, months=months,
                                           dispatched=dispatched, created_by=actor)
        audit_record(actor=actor, action="contract.add", target=contract,
                     summary={"person": person.pk, "start": start.isoformat(), "months": months, "dispatched": dispatched},
                     organization_id=organization.pk, region_code=organization.region_id)
    return contract


# ---- contract import from .xlsx ---------------------------------------------------------

CONTRACT_COLUMNS = ["序号", "姓名", "身份证号", "联系电话", "合同起始日期", "合同期限（月）", "是否劳务派遣"]
_COLUMN_ALIASES = {"合同期限(月)": "合同期限（月）", "身份证号码": "身份证号", "手机号码": "联系电话"}


@dataclass
class RowProblem:
    code: str
    column: str
    message: str


@dataclass
class ImportRow:
    row_number: int  # as Excel shows it: the header is row 1, the first learner row 2
    name: str
    id_number_masked: str
    problems: list[RowProblem] = field(default_factory=list)
    values: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class ContractImportReport:
    rows: list[ImportRow]
    imported: int = 0
    committed: bool = False

    @property
    def error_rows(self) -> list[ImportRow]:
        return [r for r in self.rows if not r.ok]

    @property
    def valid_rows(self) -> list[ImportRow]:
        return [r for r in self.rows if r.ok]


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _cell_date(value) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _cell_text(value).replace("/", "-").replace(".", "-").replace("年", "-").replace("月", "-").rstrip("日")
    try:
        return dt.date.fromisoformat("-".join(part.zfill(2) for part in text.split("-")))
    except ValueError:
        return None


def _header_map(header: list) -> dict[str, int]:
    names = [_COLUMN_ALIASES.get(_cell_text(h), _cell_text(h)) for h in header]
    missing = [c for c in CONTRACT_COLUMNS[1:] if c not in names]
    if missing:
        raise DomainError(
            "missing_columns",
            f"表头缺少列：{'、'.join(missing)}。请使用模板，表头应为：{'、'.join(CONTRACT_COLUMNS)}",
            field="file",
        )
    return {name: names.index(name) for name in CONTRACT_COLUMNS if name in names}


def _check_row(row_number: int, cells: list, columns: dict[str, int], seen: dict[str, int],
               organization: Organization) -> ImportRow:
    def cell(name):
        index = columns.get(name)
        return cells[index] if index is not None and index < len(cells) else None

    name = _cell_text(cell("姓名"))
    raw_id = _cell_text(cell("身份证号")).upper()
    result = ImportRow(row_number=row_number, name=name, id_number_masked=mask_id_number(raw_id))
    if not name:
        result.problems.append(RowProblem("name_required", "姓名", "姓名为空，请填写与身份证一致的姓名"))
    facts = None
    try:
        facts = parse_id_number(raw_id)
    except DomainError as exc:
        result.problems.append(RowProblem("invalid_id_number", "身份证号", exc.message))
    try:
        phone = normalize_phone(_cell_text(cell("联系电话")), required=False)
    except DomainError as exc:
        phone = ""
        result.problems.append(RowProblem("invalid_phone", "联系电话", exc.message))
    start = _cell_date(cell("合同起始日期"))
    if start is None:
        result.problems.append(RowProblem("invalid_date", "合同起始日期", "合同起始日期无法识别，请写成 2020-03-01 格式"))
    months_text = _cell_text(cell("合同期限（月）"))
    months = None
    if months_text and months_text not in {"无固定期限", "无固定"}:
        if not months_text.isdigit() or not 1 <= int(months_text) <= 600:
            result.problems.append(RowProblem("invalid_months", "合同期限（月）",
                                              "合同期限应为 1–600 的整数月数；无固定期限请填“无固定期限”"))
        else:
            months = int(months_text)
    flag = _cell_text(cell("是否劳务派遣"))
    if flag not in {"", "是", "否"}:
        result.problems.append(RowProblem("invalid_flag", "是否劳务派遣", "“是否劳务派遣”只能填“是”或“否”"))
    if facts:
        digest = id_number_digest(facts.number)
        if digest in seen:
            result.problems.append(RowProblem("duplicate_row", "身份证号", f"与第 {seen[digest]} 行是同一人，请删除重复行"))
        else:
            seen[digest] = row_number
        existing = Person.objects.filter(id_number_digest=digest).first()
        if existing and name and existing.name != name:
            result.problems.append(RowProblem("name_mismatch", "姓名",
                                              f"该身份证号已登记的姓名为“{existing.name[0]}*”，与填写的“{name}”不一致"))
        if existing and start and Contract.objects.filter(person=existing, organization=organization, start=start).exists():
            result.problems.append(RowProblem("contract_exists", "合同起始日期", "该职工同一起始日的劳动合同已登记，无需重复导入"))
        result.values = {"person": existing, "id_number": facts.number}
    result.values.update({"phone": phone, "start": start, "months": months, "dispatched": flag == "是"})
    return result


def contracts_import_xlsx(*, organization: Organization, upload, actor: User | None,
                          import_valid_rows: bool = False) -> ContractImportReport:
    """Check every row; store all of them, or — only when the administrator chooses so — the
    valid rows. Nothing is half-imported silently: with any bad row and no such choice,
    nothing is stored and the report says what to fix, row by row."""
    if not _can_manage_organization(actor=actor, organization=organization):
        raise PermissionDenied("只能为本单位导入劳动合同")
    rows = read_xlsx_rows(upload)
    while rows and not any(_cell_text(c) for c in rows[-1]):
        rows.pop()
    if len(rows) < 2:
        raise DomainError("no_rows", "文件中没有数据行：第 1 行为表头，从第 2 行开始每行一名职工", field="file")
    columns = _header_map(rows[0])
    seen: dict[str, int] = {}
    report = ContractImportReport(
        rows=[_check_row(number, cells, columns, seen, organization) for number, cells in enumerate(rows[1:], start=2)
              if any(_cell_text(c) for c in cells)]
    )
    if report.error_rows and not import_valid_rows:
        return report
    if not report.valid_rows:
        return report
    with transaction.atomic():
        for row in report.valid_rows:
            person = row.values["person"] or person_register(
                name=row.name, id_number=row.values["id_number"], phone=row.values["phone"], actor=actor
            )
            Contract.objects.create(person=person, organization=organization, start=row.values["start"],
                                    months=row.values["months"], dispatched=row.values["dispatched"], created_by=actor)
            report.imported += 1
        audit_record(actor=actor, action="contract.import", target=organization,
                     summary={"imported": report.imported, "skipped_rows": [r.row_number for r in report.error_rows]},
                     organization_id=organization.pk, region_code=organization.region_id)
    report.committed = True
    return report
