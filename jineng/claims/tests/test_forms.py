"""The official claim forms filled from a claim, downloaded from the claim page as PDF and .xlsx
(private, not cached, audited) and put in the evidence archive: 攀枝花 附件3 申请表 and 附件4 申报
花名册, the 韶关 申请表 and 申领人员花名册; a 晋江 claim has none (its notice prints no form)."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from decimal import Decimal
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jineng.audit.models import AuditEntry
from jineng.claims import services
from jineng.claims.tests import factories as f
from jineng.documents.formatting import age_on
from jineng.documents.tests.conftest import pdf_text, sheet_rows
from jineng.identity.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def pzh(regions, make_organization, make_staff, provider):
    """A 攀枝花 东区 SME whose finished online project (2020-03-16 … 2020-04-10) trained 王小川 (passed)
    and 赵六 (failed); the claim states a cost of 750.00 per learner, capped at 600.00 (三)."""
    org = make_organization("510402", kind="enterprise", name="攀枝花钒钛新材料有限公司", size="sme")
    admin = make_staff(Role.TRAINING_ADMIN, organization=org, username="admin_pzh")
    reviewer = make_staff(Role.COUNTY_REVIEWER, region=regions["dongqu"], username="reviewer_dq")
    course = f.make_course(provider=provider, created_by=admin)
    project = f.make_project(organization=org, created_by=admin, course=course, policy_pack="panzhihua-2020-33",
                             name="钒钛冶炼工线上培训")
    learners = {"passed": f.make_learner(name="王小川", region_code="510402"),
                "failed": f.make_learner(name="赵六", region_code="510402")}
    for key, score in (("passed", Decimal("91")), ("failed", Decimal("30"))):
        f.add_to_roster(project=project, user=learners[key], organization=org)
        f.study(project=project, user=learners[key], course=course, organization=org, minutes=900, by=admin,
                final_score=score)
    return {"org": org, "admin": admin, "reviewer": reviewer, "project": project, "learners": learners}


def panzhihua_claim(pzh):
    admin = pzh["admin"]
    claim = services.claim_create(project=pzh["project"], actor=admin)
    services.claim_update(claim=claim, cost_per_learner=Decimal("750.00"), bank_account_name="攀枝花钒钛新材料有限公司",
                          bank_name="中国银行攀枝花分行", bank_account="6216 6100 0000 1234 567", actor=admin)
    services.claim_voucher_add(claim=claim, upload=SimpleUploadedFile("培训服务发票.pdf", b"%PDF-1.4 invoice"),
                               actor=admin)
    claim = services.claim_submit(claim=claim, actor=admin)
    services.claim_review_start(claim=claim, actor=pzh["reviewer"])
    return services.claim_approve(claim=claim, actor=pzh["reviewer"], comment="凭证与学习记录一致")


def download(client, claim, form: str, fmt: str):
    response = client.get(f"/claims/{claim.pk}/forms/{form}.{fmt}")
    assert response.status_code == 200, response.content[:300]
    assert response["Cache-Control"] == "private, no-store"
    return response


def test_panzhihua_forms_3_and_4_as_pdf_and_xlsx(pzh, staff_client):
    claim = panzhihua_claim(pzh)
    assert (str(claim.judged_total), claim.notice_end) == ("600.00", dt.date(2020, 4, 22))  # 2 working days
    client = staff_client(pzh["admin"])
    page = client.get(f"/claims/{claim.pk}/").content.decode()
    assert f'href="/claims/{claim.pk}/forms/application.pdf"' in page
    assert f'href="/claims/{claim.pk}/forms/roster.xlsx"' in page

    response = download(client, claim, "application", "pdf")
    assert response["Content-Disposition"] == (
        f"attachment; filename*=UTF-8''{quote(f'附件3_补贴申请表_{claim.number}.pdf')}")
    text = pdf_text(response.content)
    for expected in ("攀枝花市线上职业技能培训补贴申请表", "攀枝花钒钛新材料有限公司", claim.number, "■中小微企业□大型企业",
                     "6216610000001234567", "钒钛冶炼工线上培训", pzh["project"].number, "2020年3月16日至2020年4月10日",
                     "实际支出培训费用（元）1500.00", "人均培训费用（元）750.00", "申请补贴人数1",
                     "申请补贴金额（元）600.00", "人民币陆佰元整", "最高不超过600.00元/人",
                     "■《攀枝花市线上职业技能培训补贴申报花名册》（附件4）", "■培训成本证明材料",
                     "审核通过。凭证与学习记录一致", "2020年4月20日至2020年4月22日", "公示结果：公示中"):
        assert expected in text, expected

    roster = download(client, claim, "roster", "pdf")
    text = pdf_text(roster.content)
    passed, failed = (pzh["learners"][k].person for k in ("passed", "failed"))
    for expected in ("攀枝花市线上职业技能培训补贴申报花名册", "企业、培训机构（盖章）：攀枝花钒钛新材料有限公司",
                     passed.id_number, passed.phone, failed.id_number, "王小川", "不予补贴：未通过结业考核", "共2人",
                     "合格1人"):
        assert expected in text, expected

    rows = sheet_rows(download(client, claim, "roster", "xlsx").content)
    age = age_on(passed.birth_date, dt.date(2020, 3, 16))
    assert [r for r in rows if r and r[0] == 1][0][:6] == [1, "王小川", passed.get_sex_display(), age, passed.id_number,
                                                          passed.phone]
    rows = sheet_rows(download(client, claim, "application", "xlsx").content)
    assert ["申请补贴金额（元）", Decimal("600.00"), "金额大写", "人民币陆佰元整"] in [
        [Decimal(str(v)) if isinstance(v, float) else v for v in r] for r in rows]

    exports = AuditEntry.objects.filter(action="claim.form_export").order_by("pk")
    assert [(e.summary["form"], e.summary["format"], e.summary["personal_data"]) for e in exports] == [
        ("application", "pdf", False), ("roster", "pdf", True), ("roster", "xlsx", True), ("application", "xlsx", False)]

    # the county reviewer may download them too; another organisation's administrator may not see the claim
    assert download(staff_client(pzh["reviewer"]), claim, "roster", "pdf").status_code == 200


def test_the_forms_are_the_organisations_and_the_reviewers_only(pzh, staff_client, make_staff, training_admin,
                                                                other_reviewer):
    claim = panzhihua_claim(pzh)
    for user in (training_admin, other_reviewer):
        response = staff_client(user).get(f"/claims/{claim.pk}/forms/roster.pdf")
        assert response.status_code == 404
    assert staff_client(pzh["admin"]).get(f"/claims/{claim.pk}/forms/roster.doc").status_code == 404
    assert not AuditEntry.objects.filter(action="claim.form_export").exists()


def test_shaoguan_claim_forms_show_the_yearly_cap_and_what_was_had_before(project, training_admin, learners,
                                                                          employer, course, staff_client):
    first = services.claim_submit(claim=services.claim_create(project=project, actor=training_admin),
                                  actor=training_admin)
    second_project = f.make_project(organization=employer, created_by=training_admin, course=course,
                                    name="第二期焊工培训")
    f.add_to_roster(project=second_project, user=learners["passed"], organization=employer)
    second_course = f.make_course(provider=course.provider, created_by=training_admin)
    f.study(project=second_project, user=learners["passed"], course=second_course, organization=employer,
            minutes=900, by=training_admin, final_score=Decimal("90"))
    second = services.claim_submit(claim=services.claim_create(project=second_project, actor=training_admin),
                                   actor=training_admin)
    client = staff_client(training_admin)

    text = pdf_text(download(client, first, "application", "pdf").content)
    for expected in ("韶关市企业职工线上适岗职业技能培训补贴申请表", "浈江机械厂", project.number,
                     "□岗前培训■在岗培训□转岗转业培训", "培训工作结束后6个月内（至2020年10月10日）", "实际参训人数2",
                     "申请补贴人数1", "补贴课时合计20课时", "每人每课时30.00元，每人每年不超过1000.00元",
                     "申请补贴金额（元）600.00", "人民币陆佰元整", "■学员上线登录的培训时长记载"):
        assert expected in text, expected

    person = learners["passed"].person
    text = pdf_text(download(client, second, "roster", "pdf").content)
    assert "韶关市企业职工线上适岗职业技能培训补贴申领人员花名册" in text
    assert f"{person.id_number}{person.phone}" in text
    # 30.00 × 20 = 600.00, cut to 400.00 by the 1000.00 cap: 600.00 already had this year
    assert "2030.00600.00400.00" in text
    response = download(client, second, "roster", "xlsx")
    assert response["Content-Disposition"].endswith(quote(f"补贴申领人员花名册_{second.number}.xlsx"))


def test_a_jinjiang_claim_has_no_form_and_the_archive_holds_the_forms(jj_project, jj_admin, staff_client, project,
                                                                      training_admin):
    jj_claim = services.claim_create(project=jj_project, actor=jj_admin)
    client = staff_client(jj_admin)
    page = client.get(f"/claims/{jj_claim.pk}/").content.decode()
    assert "晋政办〔2019〕79号 未附补贴申请表样式，报送时使用申请材料包中的“申请明细.xlsx”。" in page
    response = client.get(f"/claims/{jj_claim.pk}/forms/application.pdf")
    assert response.status_code == 400
    assert "本申请没有表格“application”，可下载：无（该政策文件未附补贴申请表样式）" in response.content.decode()

    claim = services.claim_create(project=project, actor=training_admin)
    response = staff_client(training_admin).get(f"/claims/{claim.pk}/archive.zip")
    assert (response.status_code, response["Cache-Control"]) == (200, "private, no-store")
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert sorted(n for n in names if n.startswith("申请表/")) == sorted(
        f"申请表/{name}_{claim.number}.{fmt}" for name in ("补贴申请表", "补贴申领人员花名册") for fmt in ("pdf", "xlsx"))
    entry = AuditEntry.objects.get(action="claim.archive_export")
    assert (entry.summary["number"], entry.summary["personal_data"]) == (claim.number, True)
