"""Simultaneous requests (PostgreSQL only: SQLite serialises writers). The session's row lock
keeps the capacity and one sign-in per learner; the partial unique constraint keeps one open
suspension per city."""

from __future__ import annotations

import pytest
from django.db import connection

from jineng.common import clock
from jineng.common.errors import DomainError
from jineng.common.testing import run_together
from jineng.practicals import selectors, services
from jineng.practicals.models import PracticalSession, PracticalSignIn, PracticalSuspension
from jineng.practicals.tests.conftest import SESSION_START, session_data

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (row locks between connections)"),
    pytest.mark.django_db(transaction=True),
]


def test_the_same_learner_scanning_twice_at_once_signs_in_once(session, learner):
    clock.travel_to(SESSION_START)
    code = selectors.display_facts(session=session).code

    def scan(_n: int):
        fresh = PracticalSession.objects.select_related("project", "project__organization").get(pk=session.pk)
        return services.practical_sign_in(session=fresh, code=code, actor=learner, ip=None).created

    results, errors = run_together(4, scan)
    assert errors == [] and sorted(results) == [False, False, False, True]
    assert PracticalSignIn.objects.count() == 1


def test_the_last_place_goes_to_one_of_two(project, training_admin, learner, second_learner):
    small = services.session_schedule(project=project, data=session_data(capacity=1), actor=training_admin)
    clock.travel_to(SESSION_START)
    code = selectors.display_facts(session=small).code
    actors = [learner, second_learner]

    def scan(n: int):
        fresh = PracticalSession.objects.select_related("project", "project__organization").get(pk=small.pk)
        return services.practical_sign_in(session=fresh, code=code, actor=actors[n], ip=None)

    results, errors = run_together(2, scan)
    assert len(results) == 1 and len(errors) == 1
    assert isinstance(errors[0], DomainError) and errors[0].code == "session_full"
    assert PracticalSignIn.objects.filter(session=small).count() == 1


def test_two_officers_suspending_one_city_at_once_make_one_suspension(regions, officer, make_staff):
    province = make_staff("city_officer", region=regions["guangdong"], username="gd_province")
    actors = [officer, province]

    def suspend(n: int):
        return services.suspension_start(city=regions["shaoguan"], reason="疫情防控", document_number=f"文号{n}",
                                         actor=actors[n])

    results, errors = run_together(2, suspend)
    assert len(results) == 1 and len(errors) == 1
    assert isinstance(errors[0], DomainError) and errors[0].code == "already_suspended"
    assert PracticalSuspension.objects.count() == 1
