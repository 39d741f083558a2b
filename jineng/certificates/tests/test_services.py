"""Issuing (refused with the reasons, idempotent, numbered), revoking, the scheduled task, and
the selectors the claims app relies on."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from jineng.audit.models import AuditEntry
from jineng.certificates import selectors, services
from jineng.certificates.models import Certificate, CertificateEvent, CertificateNumberSeries
from jineng.certificates.tests.conftest import SHANGHAI, credit, sit_final
from jineng.common import clock
from jineng.common.crypto import lookup_digest
from jineng.common.errors import DomainError, PermissionDenied
from jineng.exams.tests import helpers as exam_helpers
from jineng.identity.models import Role

pytestmark = pytest.mark.django_db


def test_issuing_an_incomplete_enrolment_is_refused_with_what_is_missing(enrolment, learner, safety, welding,
                                                                          final_exam):
    credit(learner, safety, 45)
    credit(learner, welding, 8)

    with pytest.raises(DomainError) as caught:
        services.certificate_issue(enrolment=enrolment, actor=learner)

    assert caught.value.code == "enrolment_incomplete"
    assert caught.value.field == "enrolment"
    assert caught.value.message == ("尚未达到结业条件，暂不能领取培训合格证书：专业技能课《焊接工艺》还差 37 分钟；"
                                    "结业考核尚未通过。请完成以上各项后再领取。")
    assert caught.value.details == {"missing": ["专业技能课《焊接工艺》还差 37 分钟", "结业考核尚未通过"]}
    assert Certificate.objects.count() == 0
    assert CertificateNumberSeries.objects.count() == 0


def test_a_failed_final_assessment_is_the_reason(enrolment, learner, safety, welding, final_exam):
    credit(learner, safety, 45)
    credit(learner, welding, 45)
    sit_final(learner, final_exam, passing=False)

    with pytest.raises(DomainError) as caught:
        services.certificate_issue(enrolment=enrolment, actor=learner)

    assert caught.value.details == {"missing": ["结业考核尚未通过"]}


def test_issue_freezes_what_the_certificate_says(complete_enrolment, learner):
    certificate = services.certificate_issue(enrolment=complete_enrolment, actor=learner)

    assert certificate.number == "JN-2026-000001"
    assert (certificate.kind, certificate.status, certificate.person_id, certificate.course_id) == (
        "training", "valid", learner.person_id, complete_enrolment.course_id)
    assert (certificate.course_title, certificate.occupation_name, certificate.occupation_code, certificate.level,
            certificate.provider_name) == ("焊工（初级）线上理论培训", "焊工", "6-18-02-04", 5, "韶关技工学校")
    assert (certificate.class_hours, certificate.credited_minutes) == (2, 90)
    assert (certificate.final_score, certificate.final_max_score) == (Decimal("100.00"), Decimal("100.00"))
    assert certificate.issued_at == clock.now()
    assert certificate.issued_by == learner
    # the token: 192 random bits, URL-safe, looked up by its keyed digest
    assert len(certificate.token) == 32
    assert certificate.token_digest == lookup_digest(certificate.token, purpose="certificate_token")
    assert [(e.transition, e.from_status, e.to_status, e.actor_id) for e in CertificateEvent.objects.all()] == [
        ("issue", "", "valid", learner.pk)]
    entry = AuditEntry.objects.get(action="certificate.issue")
    assert entry.summary["number"] == "JN-2026-000001"
    assert entry.summary["class_hours"] == 2
    assert entry.summary["final_score"] == "100.00"
    assert certificate.token not in str(entry.summary)


def test_the_token_is_encrypted_at_rest(complete_enrolment, learner):
    from django.db import connection

    certificate = services.certificate_issue(enrolment=complete_enrolment, actor=learner)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT token FROM {Certificate._meta.db_table} WHERE id = %s", [certificate.pk])
        (stored,) = cursor.fetchone()
    assert certificate.token not in stored


def test_issuing_twice_returns_the_same_certificate(complete_enrolment, learner):
    first = services.certificate_issue(enrolment=complete_enrolment, actor=learner)
    second = services.certificate_issue(enrolment=complete_enrolment, actor=learner)

    assert second.pk == first.pk
    assert (Certificate.objects.count(), CertificateEvent.objects.count(),
            AuditEntry.objects.filter(action="certificate.issue").count()) == (1, 1, 1)
    assert CertificateNumberSeries.objects.get(year=2026).last == 1


def test_numbers_count_up_within_a_year_and_restart_in_the_next(complete_enrolment, learner, make_learner, course,
                                                                 employer, operator, safety, welding, final_exam):
    first = services.certificate_issue(enrolment=complete_enrolment, actor=learner)
    clock.travel_to(dt.datetime(2027, 1, 1, 0, 30, tzinfo=SHANGHAI))  # already 2027 in Shanghai, still 2026 in UTC
    other = make_learner("赵大勇")
    enrolment = exam_helpers.enrol(user=other, course=course, organization=employer, by=operator)
    credit(other, safety, 45)
    credit(other, welding, 45)
    sit_final(other, final_exam, passing=True)

    certificate = services.certificate_issue(enrolment=enrolment, actor=other)

    assert certificate.number == "JN-2027-000001"
    assert certificate.token != first.token
    assert dict(CertificateNumberSeries.objects.values_list("year", "last")) == {2026: 1, 2027: 1}


def test_another_learner_cannot_issue_someone_elses_certificate(complete_enrolment, make_learner):
    with pytest.raises(PermissionDenied):
        services.certificate_issue(enrolment=complete_enrolment, actor=make_learner("王五"))
    assert Certificate.objects.count() == 0


def test_the_training_administrator_of_the_enrolling_organisation_may_issue(complete_enrolment, make_staff,
                                                                            employer):
    admin = make_staff(Role.TRAINING_ADMIN, organization=employer)

    certificate = services.certificate_issue(enrolment=complete_enrolment, actor=admin)

    assert certificate.issued_by == admin


@pytest.fixture
def reviewer(make_staff, regions):
    return make_staff(Role.COUNTY_REVIEWER, region=regions["zhenjiang"], username="zhenjiang_reviewer")


def test_a_reviewer_of_the_region_revokes_with_a_reason(complete_enrolment, learner, reviewer):
    certificate = services.certificate_issue(enrolment=complete_enrolment, actor=learner)
    clock.advance(seconds=3600)

    revoked = services.certificate_revoke(certificate=certificate, reason="  经核查学习记录不实  ", actor=reviewer)

    assert (revoked.status, revoked.revoked_at, revoked.revoked_by, revoked.revoke_reason) == (
        "revoked", clock.now(), reviewer, "经核查学习记录不实")
    assert [(e.transition, e.from_status, e.to_status, e.comment) for e in revoked.events.order_by("id")] == [
        ("issue", "", "valid", ""), ("revoke", "valid", "revoked", "经核查学习记录不实")]
    assert AuditEntry.objects.get(action="certificate.revoke").summary == {
        "number": "JN-2026-000001", "enrolment": complete_enrolment.pk, "reason": "经核查学习记录不实"}
    assert selectors.certificate_for_enrolment(enrolment=complete_enrolment) is None
    with pytest.raises(DomainError) as caught:
        services.certificate_issue(enrolment=complete_enrolment, actor=learner)
    assert caught.value.code == "certificate_revoked"
    assert "已于 2026年03月02日撤销，原因：经核查学习记录不实" in caught.value.message
    with pytest.raises(DomainError) as again:
        services.certificate_revoke(certificate=revoked, reason="重复", actor=reviewer)
    assert again.value.code == "already_revoked"


def test_revoking_needs_a_reason(complete_enrolment, learner, reviewer):
    certificate = services.certificate_issue(enrolment=complete_enrolment, actor=learner)

    with pytest.raises(DomainError) as caught:
        services.certificate_revoke(certificate=certificate, reason="   ", actor=reviewer)

    assert (caught.value.code, caught.value.field) == ("reason_required", "reason")
    assert caught.value.message == "请填写撤销原因（例如：经核查培训记录不实）"
    certificate.refresh_from_db()
    assert certificate.status == "valid"


@pytest.mark.parametrize("who", ["learner", "training_admin", "other_county_reviewer"])
def test_only_region_staff_and_system_admins_revoke(who, complete_enrolment, learner, make_staff, employer, regions):
    certificate = services.certificate_issue(enrolment=complete_enrolment, actor=learner)
    actor = {"learner": lambda: learner,
             "training_admin": lambda: make_staff(Role.TRAINING_ADMIN, organization=employer),
             "other_county_reviewer": lambda: make_staff(Role.COUNTY_REVIEWER, region=regions["wujiang"])}[who]()

    with pytest.raises(PermissionDenied):
        services.certificate_revoke(certificate=certificate, reason="测试", actor=actor)


def test_a_city_officer_and_a_system_admin_may_revoke(complete_enrolment, learner, make_staff, regions):
    certificate = services.certificate_issue(enrolment=complete_enrolment, actor=learner)
    officer = make_staff(Role.CITY_OFFICER, region=regions["shaoguan"])
    admin = make_staff(Role.SYSTEM_ADMIN)

    assert selectors.user_can_revoke(user=officer, enrolment=complete_enrolment) is True
    assert selectors.user_can_revoke(user=admin, enrolment=complete_enrolment) is True
    assert services.certificate_revoke(certificate=certificate, reason="培训机构虚假培训", actor=admin).status == "revoked"


def test_the_scheduled_task_issues_every_complete_enrolment_once(complete_enrolment, make_learner, course, employer,
                                                                 operator, safety, welding, final_exam):
    short = make_learner("钱多多")
    short_enrolment = exam_helpers.enrol(user=short, course=course, organization=employer, by=operator)
    credit(short, safety, 45)
    sit_final(short, final_exam, passing=True)  # passed, but 焊接工艺 has no minutes

    assert services.certificates_issue_due() == 1
    assert services.certificates_issue_due() == 0

    certificate = Certificate.objects.get()
    assert (certificate.enrolment_id, certificate.issued_by) == (complete_enrolment.pk, None)
    assert selectors.certificate_for_enrolment(enrolment=short_enrolment) is None
    assert AuditEntry.objects.get(action="certificate.issue").actor_id is None


def test_the_claims_selectors(complete_enrolment, learner, make_learner, course, employer, operator):
    other = exam_helpers.enrol(user=make_learner("孙七"), course=course, organization=employer, by=operator)
    certificate = services.certificate_issue(enrolment=complete_enrolment, actor=learner)

    assert selectors.certificate_for_enrolment(enrolment=complete_enrolment) == certificate
    assert selectors.certificate_for_enrolment(enrolment=other) is None
    assert selectors.certificates_for_enrolments(enrolment_ids=[complete_enrolment.pk, other.pk]) == {
        complete_enrolment.pk: certificate}
    assert selectors.certificates_for_enrolments(enrolment_ids=[]) == {}


def test_the_management_command_runs_the_scheduled_task(complete_enrolment):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("certificates_issue_due", stdout=out)

    assert out.getvalue() == "已发放 1 张培训合格证书\n"
    assert Certificate.objects.get().enrolment_id == complete_enrolment.pk
