"""Two people acting on one request at the same moment (PostgreSQL only: SQLite serialises
writers with BEGIN IMMEDIATE). The row lock lets one decision through; the partial unique
constraint keeps one open request per enterprise and platform."""

from __future__ import annotations

import pytest
from django.db import connection

from jineng.common.errors import DomainError
from jineng.common.testing import run_together
from jineng.platforms import services
from jineng.platforms.models import PlatformEvaluation, PlatformEvaluationEvent
from jineng.platforms.tests.conftest import COURSES, four_materials

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (row locks between connections)"),
    pytest.mark.django_db(transaction=True),
]




def test_only_one_of_two_simultaneous_decisions_goes_through(submitted, officer, province_officer):
    actors = [officer, province_officer]
    decisions = ["approve", "reject"]

    def decide(n: int):
        evaluation = PlatformEvaluation.objects.get(pk=submitted.pk)
        return services.evaluation_decide(evaluation=evaluation, decision=decisions[n], comment="意见", actor=actors[n])

    results, errors = run_together(2, decide)
    assert len(results) == 1 and len(errors) == 1
    assert isinstance(errors[0], DomainError) and errors[0].code == "evaluation_transition_not_allowed"
    final = PlatformEvaluation.objects.get(pk=submitted.pk)
    assert final.status == results[0].status
    assert PlatformEvaluationEvent.objects.filter(evaluation=final).exclude(
        transition__in=["create", "submit"]).count() == 1


def test_two_simultaneous_requests_for_one_platform_make_one(training_admin, enterprise, platform, centres):
    def create(n: int):
        return services.evaluation_create(organization=enterprise, platform=platform, project_name=f"项目{n}",
                                          occupation_name="工种", courses=COURSES, materials=four_materials(),
                                          actor=training_admin)

    results, errors = run_together(4, create)
    assert len(results) == 1
    assert sorted({e.code for e in errors}) == ["evaluation_exists"]
    assert PlatformEvaluation.objects.count() == 1
