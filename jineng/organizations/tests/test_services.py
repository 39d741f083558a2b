import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from jineng.common.errors import DomainError, PermissionDenied
from jineng.identity import services as identity_services
from jineng.identity.models import Person, Role
from jineng.organizations import selectors, services
from jineng.organizations.models import Contract

HEADER = ["序号", "姓名", "身份证号", "联系电话", "合同起始日期", "合同期限（月）", "是否劳务派遣"]


def xlsx(rows, header=HEADER) -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("roster.xlsx", buffer.getvalue())


@pytest.mark.django_db
def test_a_credit_code_with_a_wrong_check_digit_is_refused_with_the_right_digit(regions):
    with pytest.raises(DomainError) as caught:
        services.organization_register(kind="enterprise", name="某公司", credit_code="91440204MA4UJ5L8XA",
                                       region_code="440204", address="路", legal_representative="人", size="sme", actor=None)
    assert caught.value.field == "credit_code"
    assert "应为 P" in caught.value.message


@pytest.mark.django_db
def test_an_enterprise_must_say_its_size(regions):
    with pytest.raises(DomainError) as caught:
        services.organization_register(kind="enterprise", name="某公司", credit_code="91440204MA4UJ5L8XP",
                                       region_code="440204", address="路", legal_representative="人", actor=None)
    assert caught.value.field == "size"


@pytest.mark.django_db
def test_an_administrator_sees_only_their_own_organisation_and_its_people(regions, make_organization, make_staff,
                                                                          id_number_factory):
    own, other = make_organization("440204"), make_organization("440203")
    mine = identity_services.person_register(name="本厂", id_number=id_number_factory(seq=1), actor=None)
    theirs = identity_services.person_register(name="别厂", id_number=id_number_factory(seq=2), actor=None)
    services.contract_add(organization=own, person=mine, start=dt.date(2020, 1, 1), months=24, dispatched=False, actor=None)
    services.contract_add(organization=other, person=theirs, start=dt.date(2020, 1, 1), months=24, dispatched=False,
                          actor=None)
    admin = make_staff(Role.TRAINING_ADMIN, organization=own)
    from jineng.identity.selectors import persons_visible_to

    assert list(persons_visible_to(user=admin)) == [mine]
    assert list(selectors.organizations_visible_to(user=admin)) == [own]
    with pytest.raises(PermissionDenied):
        services.contract_add(organization=other, person=mine, start=dt.date(2020, 2, 1), months=12, dispatched=False,
                              actor=admin)


@pytest.mark.django_db
def test_import_with_one_bad_row_imports_nothing_and_names_the_row(regions, make_organization, id_number_factory):
    organization = make_organization()
    report = services.contracts_import_xlsx(organization=organization, actor=None, upload=xlsx([
        [1, "张三", id_number_factory(seq=11), "13800000011", "2020-01-06", 24, "否"],
        [2, "李四", "440204199003071235", "13800000012", "2020-01-06", 24, "否"],
        [3, "王五", id_number_factory(seq=13), "", dt.datetime(2020, 2, 1), "", "是"],
    ]))
    assert not report.committed
    assert [(r.row_number, [p.code for p in r.problems]) for r in report.error_rows] == [(3, ["invalid_id_number"])]
    assert Person.objects.count() == 0 and Contract.objects.count() == 0


@pytest.mark.django_db
def test_import_of_the_valid_rows_when_the_administrator_chooses_so(regions, make_organization, id_number_factory):
    organization = make_organization()
    upload = xlsx([
        [1, "张三", id_number_factory(seq=11), "13800000011", "2020-01-06", 24, "否"],
        [2, "张三", id_number_factory(seq=11), "13800000011", "2020-01-06", 24, "否"],
        [3, "王五", id_number_factory(seq=13), "", "2020/2/1", "无固定期限", "是"],
    ])
    report = services.contracts_import_xlsx(organization=organization, actor=None, upload=upload, import_valid_rows=True)
    assert report.committed and report.imported == 2
    assert [p.code for p in report.error_rows[0].problems] == ["duplicate_row"]
    contract = Contract.objects.get(person__name="王五")
    assert (contract.start, contract.months, contract.dispatched) == (dt.date(2020, 2, 1), None, True)


@pytest.mark.django_db
def test_a_known_person_under_another_name_is_a_row_error(regions, make_organization, id_number_factory):
    organization = make_organization()
    number = id_number_factory(seq=11)
    identity_services.person_register(name="张三", id_number=number, actor=None)
    report = services.contracts_import_xlsx(organization=organization, actor=None, upload=xlsx([
        [1, "张叁", number, "", "2020-01-06", 24, "否"]]))
    assert [p.code for p in report.error_rows[0].problems] == ["name_mismatch"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "code"),
    [
        pytest.param(b"name,id\n", "not_excel", id="csv-renamed"),
        pytest.param(b"PK\x03\x04garbage", "not_excel", id="broken-zip"),
        pytest.param(b"", "file_empty", id="empty"),
    ],
)
def test_a_file_that_is_not_excel_is_refused_before_anything_is_stored(regions, make_organization, content, code):
    organization = make_organization()
    with pytest.raises(DomainError) as caught:
        services.contracts_import_xlsx(organization=organization, actor=None,
                                       upload=SimpleUploadedFile("合同.xlsx", content))
    assert (caught.value.code, caught.value.field) == (code, "file")


@pytest.mark.django_db
def test_missing_columns_are_named(regions, make_organization):
    with pytest.raises(DomainError) as caught:
        services.contracts_import_xlsx(organization=make_organization(), actor=None,
                                       upload=xlsx([[1, "张三"]], header=["序号", "姓名"]))
    assert "身份证号" in caught.value.message and caught.value.code == "missing_columns"
