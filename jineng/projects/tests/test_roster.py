"""Roster import: one test per rule code, all-or-valid-only, replacing the draft roster, and
files that are not Excel."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jineng.common.errors import DomainError
from jineng.identity.models import KeyGroupMembership, Person
from jineng.identity.services import person_register
from jineng.organizations.services import contract_add
from jineng.projects import selectors, services
from jineng.projects.models import RosterEntry
from jineng.projects.tests.conftest import EMPLOYEES, HEADER, PDF_BYTES, plan, roster_row, xlsx_file

pytestmark = pytest.mark.django_db


def import_rows(project, admin, rows, **kwargs):
    return services.roster_import_xlsx(project=project, upload=xlsx_file(rows), actor=admin, **kwargs)


def codes(report) -> list[tuple[int, str, str]]:
    return [(row.row_number, p.code, p.column) for row in report.error_rows for p in row.problems]


def test_a_clean_roster_is_imported_in_order(draft, training_admin, roster_rows, employees):
    report = import_rows(draft, training_admin, roster_rows)
    assert (report.committed, report.imported, report.replaced, codes(report)) == (True, 3, 0, [])
    roster = selectors.roster_of(project=draft)
    assert [(e.position, e.person.name, e.platform_account) for e in roster] == [
        (1, "李小红", "dx001"), (2, "王志强", "dx002"), (3, "张丽", "dx003")]
    assert all(e.contract is not None for e in roster)


def test_a_title_row_above_the_header_is_allowed(draft, training_admin, roster_rows):
    upload = xlsx_file(roster_rows, title="韶关市企业职工线上适岗职业技能培训人员名册  企业名称（盖章）：")
    report = services.roster_import_xlsx(project=draft, upload=upload, actor=training_admin)
    assert (report.committed, report.imported) == (True, 3)
    assert report.rows[0].row_number == 3


@pytest.mark.parametrize(("override", "expected"), [
    ({"身份证号": "440204199003071235"}, (2, "invalid_id_number", "身份证号")),
    ({"姓名": "李晓红"}, (2, "name_mismatch", "姓名")),
    ({"性别": "男"}, (2, "gender_mismatch", "性别")),
    ({"性别": "M"}, (2, "invalid_gender", "性别")),
    ({"年龄": 45}, (2, "age_mismatch", "年龄")),
    ({"平台登录账号": None}, (2, "missing_value", "平台登录账号")),
    ({"联系电话": "12345"}, (2, "invalid_phone", "联系电话")),
    ({"平台登录账号": "dx002"}, (3, "duplicate_account", "平台登录账号")),
], ids=["invalid_id_number", "name_mismatch", "gender_mismatch", "invalid_gender", "age_mismatch", "missing_value",
        "invalid_phone", "duplicate_account"])
def test_one_bad_cell_one_rule_code(draft, training_admin, employees, id_number_factory, override, expected):
    rows = [roster_row(1, 0, id_number_factory, **override), roster_row(2, 1, id_number_factory)]
    report = import_rows(draft, training_admin, rows)
    assert codes(report) == [expected]
    assert (report.committed, RosterEntry.objects.count()) == (False, 0)


def test_the_age_message_says_the_right_age(draft, training_admin, employees, id_number_factory):
    report = import_rows(draft, training_admin, [roster_row(1, 0, id_number_factory, 年龄="三十")])
    assert report.error_rows[0].problems[0].message == "按身份证号出生日期，年龄应为 30 岁，填写的是“三十”"


def test_duplicate_row(draft, training_admin, employees, id_number_factory):
    rows = [roster_row(1, 0, id_number_factory), roster_row(2, 0, id_number_factory, 平台登录账号="dx009")]
    report = import_rows(draft, training_admin, rows)
    assert codes(report) == [(3, "duplicate_row", "身份证号")]
    assert report.error_rows[0].problems[0].message == "与第 2 行是同一人，请删除重复行"


def test_no_contract_with_this_organisation(draft, training_admin, employees, id_number_factory, make_organization):
    stranger = person_register(name="赵六", id_number=id_number_factory("440204", dt.date(1992, 2, 2), 311),
                               phone="13900000009", actor=None)
    other = make_organization("440204", name="另一家企业")
    contract_add(organization=other, person=stranger, start=dt.date(2019, 1, 1), months=36, dispatched=False,
                 actor=None)
    rows = [roster_row(1, 0, id_number_factory),
            [2, "赵六", "男", 28, id_number_factory("440204", dt.date(1992, 2, 2), 311), "13900000009", "zl01"]]
    report = import_rows(draft, training_admin, rows)
    assert codes(report) == [(3, "no_contract", "身份证号")]
    assert report.error_rows[0].problems[0].message.startswith(
        "培训开始日 2020-04-15 没有与韶关市浈江区丹霞精密制造有限公司有效的劳动合同")


def test_an_expired_contract_does_not_count(draft, training_admin, employees, id_number_factory, enterprise):
    person = person_register(name="钱七", id_number=id_number_factory("440204", dt.date(1993, 5, 5), 411),
                             phone="13900000008", actor=None)
    contract_add(organization=enterprise, person=person, start=dt.date(2018, 1, 1), months=12, dispatched=False,
                 actor=None)
    rows = [[1, "钱七", "男", 26, id_number_factory("440204", dt.date(1993, 5, 5), 411), "13900000008", "qq01"]]
    assert codes(import_rows(draft, training_admin, rows)) == [(2, "no_contract", "身份证号")]


@pytest.fixture
def jinjiang(db, regions, make_organization, make_staff, id_number_factory):
    """晋江 (晋政办〔2019〕79号: on-the-job training needs a contract of at least 12 months)."""
    from jineng.regions.models import Region
    from jineng.regions.services import bureau_upsert

    fj = Region.objects.create(code="350000", name="福建省", level="province", province_code="350000", city_code="")
    qz = Region.objects.create(code="350500", name="泉州市", level="city", parent=fj, province_code="350000",
                               city_code="350500")
    Region.objects.create(code="350582", name="晋江市", level="county", parent=qz, province_code="350000",
                          city_code="350500")
    bureau_upsert(region_code="350582", name="晋江市人力资源和社会保障局", kind="bureau", actor=None)
    enterprise = make_organization("350582", name="晋江市陈埭鞋业有限公司")
    admin = make_staff("training_admin", organization=enterprise, username="chendai_admin")
    short = person_register(name="陈明", id_number=id_number_factory("350582", dt.date(1999, 1, 23), 133),
                            phone="13800000004", actor=None)
    contract_add(organization=enterprise, person=short, start=dt.date(2020, 1, 1), months=6, dispatched=False,
                 actor=None)
    return enterprise, admin


def test_contract_too_short_for_the_pack(jinjiang, occupation, platform, id_number_factory):
    enterprise, admin = jinjiang
    project = services.project_create(data=plan(enterprise, occupation, platform), actor=admin)
    assert project.policy_pack == "jinjiang-2019-79"
    rows = [[1, "陈明", "男", 21, id_number_factory("350582", dt.date(1999, 1, 23), 133), "13800000004", "cm01"]]
    report = import_rows(project, admin, rows)
    assert codes(report) == [(2, "contract_too_short", "身份证号")]
    assert report.error_rows[0].problems[0].message == (
        "劳动合同期限 6 个月，晋政办〔2019〕79号 二(六)2要求至少 12 个月")


def test_key_group_rows_need_a_verified_membership(draft, training_admin, employees, id_number_factory, reviewer):
    header = HEADER + ["重点群体"]
    person = employees[0]
    membership = KeyGroupMembership.objects.create(person=person, group="migrant_worker", evidence="x.pdf",
                                                   evidence_name="x.pdf")
    rows = [roster_row(1, 0, id_number_factory) + ["农民工"]]
    report = services.roster_import_xlsx(project=draft, upload=xlsx_file(rows, header=header), actor=training_admin)
    assert codes(report) == [(2, "key_group_unverified", "重点群体")]
    membership.status = KeyGroupMembership.Status.VERIFIED
    membership.save()
    report = services.roster_import_xlsx(project=draft, upload=xlsx_file(rows, header=header), actor=training_admin)
    assert report.committed
    assert selectors.roster_of(project=draft)[0].key_group == "migrant_worker"
    assert "key_group_proof" in selectors.required_material_kinds(project=draft)


def test_an_unknown_key_group(draft, training_admin, employees, id_number_factory):
    rows = [roster_row(1, 0, id_number_factory) + ["外卖骑手"]]
    report = services.roster_import_xlsx(project=draft, upload=xlsx_file(rows, header=HEADER + ["重点群体"]),
                                         actor=training_admin)
    assert codes(report) == [(2, "key_group_invalid", "重点群体")]


def test_nothing_is_stored_unless_the_administrator_chooses_the_valid_rows(draft, training_admin, employees,
                                                                          id_number_factory):
    rows = [roster_row(1, 0, id_number_factory), roster_row(2, 1, id_number_factory, 性别="女"),
            roster_row(3, 2, id_number_factory)]
    report = import_rows(draft, training_admin, rows)
    assert (report.committed, report.imported, len(report.valid_rows), RosterEntry.objects.count()) == (False, 0, 2, 0)
    report = import_rows(draft, training_admin, rows, import_valid_rows=True)
    assert (report.committed, report.imported) == (True, 2)
    assert [e.person.name for e in selectors.roster_of(project=draft)] == ["李小红", "张丽"]


def test_a_new_import_replaces_the_draft_roster(draft, training_admin, roster_rows):
    import_rows(draft, training_admin, roster_rows)
    report = import_rows(draft, training_admin, roster_rows[:1])
    assert (report.replaced, report.imported) == (3, 1)
    assert [e.person.name for e in selectors.roster_of(project=draft)] == ["李小红"]


def test_a_file_that_is_not_excel_changes_nothing(draft, training_admin, roster_rows):
    import_rows(draft, training_admin, roster_rows)
    fake = SimpleUploadedFile("名册.xlsx", PDF_BYTES, content_type="application/pdf")
    with pytest.raises(DomainError) as exc:
        services.roster_import_xlsx(project=draft, upload=fake, actor=training_admin)
    assert (exc.value.code, exc.value.field) == ("not_excel", "file")
    assert RosterEntry.objects.filter(project=draft).count() == 3


def test_missing_columns_are_named(draft, training_admin):
    upload = xlsx_file([[1, "李小红"]], header=["序号", "姓名", "身份证号"])
    with pytest.raises(DomainError) as exc:
        services.roster_import_xlsx(project=draft, upload=upload, actor=training_admin)
    assert exc.value.code == "missing_columns"
    assert exc.value.message.startswith("表头缺少列：性别、年龄、联系电话、平台登录账号。")


def test_students_are_registered_without_a_contract(pzh_enterprise, pzh_admin, occupation, platform, bureaus,
                                                   id_number_factory):
    project = services.project_create(data=plan(pzh_enterprise, occupation, platform, learners_are_students=True),
                                      actor=pzh_admin)
    number = id_number_factory("510402", dt.date(2001, 9, 1), 215)
    report = import_rows(project, pzh_admin, [[1, "刘同学", "男", 18, number, "13700000001", "stu01"]])
    assert (report.committed, codes(report)) == (True, [])
    assert Person.objects.get(name="刘同学").hukou_region_id == "510402"
    assert "labour_contracts" not in selectors.required_material_kinds(project=project)


def test_the_roster_never_has_a_password_column():
    assert services.ROSTER_COLUMNS == ["序号", "姓名", "性别", "年龄", "身份证号", "联系电话", "平台登录账号"]
    assert EMPLOYEES[0][0] == "李小红"
