"""Two requests issue the same certificate at the same instant (a double click, the learner and
the scheduled task), and several learners take numbers at once (PostgreSQL only: SQLite
serialises writers). The enrolment row lock gives one certificate; the series row lock gives
consecutive numbers without duplicates."""

from __future__ import annotations

import pytest
from django.db import connection

from jineng.audit.models import AuditEntry
from jineng.certificates import services
from jineng.certificates.models import Certificate, CertificateEvent, CertificateNumberSeries
from jineng.certificates.tests.conftest import credit, sit_final
from jineng.common.testing import run_together
from jineng.exams.tests import helpers as exam_helpers

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (row locks between connections)"),
    pytest.mark.django_db(transaction=True),
]


def test_simultaneous_issues_make_one_certificate(complete_enrolment, learner):
    actors = [learner, None, learner, None, learner, learner]  # the learner's clicks and the scheduled task

    results, errors = run_together(len(actors), lambda n: services.certificate_issue(
        enrolment=complete_enrolment, actor=actors[n]).number)

    assert errors == []
    assert results == ["JN-2026-000001"] * len(actors)
    assert Certificate.objects.count() == 1
    assert CertificateEvent.objects.count() == 1
    assert AuditEntry.objects.filter(action="certificate.issue").count() == 1
    assert CertificateNumberSeries.objects.get(year=2026).last == 1


def test_simultaneous_learners_get_distinct_consecutive_numbers(complete_enrolment, learner, make_learner, course,
                                                                 employer, operator, safety, welding, final_exam):
    enrolments = [complete_enrolment]
    for name in ("赵一", "钱二", "孙三"):
        user = make_learner(name)
        enrolments.append(exam_helpers.enrol(user=user, course=course, organization=employer, by=operator))
        credit(user, safety, 45)
        credit(user, welding, 45)
        sit_final(user, final_exam, passing=True)

    results, errors = run_together(len(enrolments), lambda n: services.certificate_issue(
        enrolment=enrolments[n], actor=None).number)

    assert errors == []
    assert sorted(results) == ["JN-2026-000001", "JN-2026-000002", "JN-2026-000003", "JN-2026-000004"]
    assert CertificateNumberSeries.objects.get(year=2026).last == 4
