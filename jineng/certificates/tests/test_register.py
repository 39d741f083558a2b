"""The staff register of certificates: each role sees only the learners it follows, filters work,
the chart counts issues per month, and the export is audited with ID numbers masked."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from jineng.audit.models import AuditEntry
from jineng.certificates import selectors, services
from jineng.certificates.tests.conftest import credit, sit_final
from jineng.exams.tests import helpers as exam_helpers
from jineng.identity.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def issued(complete_enrolment, learner):
    return services.certificate_issue(enrolment=complete_enrolment, actor=learner)


@pytest.fixture
def employer_admin(make_staff, employer):
    return make_staff(Role.TRAINING_ADMIN, organization=employer, username="danxia_admin")


@pytest.fixture
def reviewer(make_staff, regions):
    return make_staff(Role.COUNTY_REVIEWER, region=regions["zhenjiang"], username="zhenjiang_reviewer")


def page(client, query: str = "") -> str:
    response = client.get(f"/certificates/register/{query}")
    assert response.status_code == 200
    return response.content.decode()


def test_the_training_administrator_sees_their_learners_certificates(staff_client, employer_admin, issued):
    text = page(staff_client(employer_admin))
    assert issued.number in text and "李*红" in text and "李小红" not in text
    assert "共 1 张" in text


def test_another_organisation_and_a_learner_see_none(staff_client, make_staff, make_organization, issued, client,
                                                      learner):
    stranger = make_staff(Role.TRAINING_ADMIN, organization=make_organization("440204", name="别家企业"))
    assert issued.number not in page(staff_client(stranger))
    client.force_login(learner)
    assert client.get("/certificates/register/")["Location"] == "/certificates/"
    assert client.get("/certificates/register.xlsx")["Location"] == "/certificates/"


def test_the_reviewer_filters_by_number_status_and_date(staff_client, reviewer, issued, make_learner, course,
                                                       employer, operator, safety, welding, final_exam):
    second_user = make_learner("王志强")
    second = exam_helpers.enrol(user=second_user, course=course, organization=employer, by=operator)
    credit(second_user, safety, 45)
    credit(second_user, welding, 45)
    sit_final(second_user, final_exam, passing=True)
    other = services.certificate_issue(enrolment=second, actor=second_user)
    services.certificate_revoke(certificate=other, reason="冒名顶替参训", actor=reviewer)
    client = staff_client(reviewer)
    assert issued.number in page(client) and other.number in page(client)
    assert other.number not in page(client, "?status=valid")
    assert issued.number not in page(client, "?status=revoked")
    found = page(client, f"?q={issued.number}")
    assert issued.number in found and other.number not in found
    day = issued.issued_at.date().isoformat()
    assert issued.number in page(client, f"?issued_from={day}&issued_to={day}")
    assert "没有符合条件的证书" in page(client, "?issued_from=2020-01-01&issued_to=2020-01-31")
    assert "结束日期不能早于开始日期" in page(client, "?issued_from=2026-03-02&issued_to=2026-03-01")


def test_the_chart_counts_issues_per_month(reviewer, issued):
    months = selectors.certificates_by_month(selectors.certificates_visible_to(user=reviewer))
    assert len(months) == 12 and months[-1] == ("2026-03", 1)
    assert sum(count for _, count in months) == 1


def test_the_export_is_audited_and_masks_the_id_number(staff_client, employer_admin, issued, learner):
    response = staff_client(employer_admin).get("/certificates/register.xlsx")
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    rows = [[c for c in row] for row in load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)]
    assert rows[1][:4] == ["序号", "证书编号", "姓名", "身份证号"]
    assert rows[2][1:3] == [issued.number, "李小红"]
    assert "*" in rows[2][3] and rows[2][3] != learner.person.id_number
    entry = AuditEntry.objects.get(action="certificate.register_export")
    assert (entry.actor_id, entry.summary["count"], entry.summary["certificates"]) == (employer_admin.pk, 1, [issued.pk])
