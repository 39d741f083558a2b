"""Two claims that include the same person, submitted at the same moment in two transactions
(PostgreSQL only: SQLite serialises writers). The person's subsidy account row is locked before
the history is read, so the second judgement sees the first one's reservation: together they
stay within Shaoguan's yearly cap of 1000.00 (附件1 一(四))."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection

from jineng.claims import services
from jineng.claims.models import Claim, ClaimLine, SubsidyAccount, SubsidyGrant
from jineng.claims.tests import factories as f
from jineng.common.testing import run_together

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (row locks between connections)"),
    pytest.mark.django_db(transaction=True),
]


def test_two_simultaneous_submissions_cannot_pass_the_yearly_cap(project, training_admin, learners, employer,
                                                                 course):
    second_project = f.make_project(organization=employer, created_by=training_admin, course=course,
                                    name="第二期焊工培训")
    f.add_to_roster(project=second_project, user=learners["passed"], organization=employer)
    other_course = f.make_course(provider=course.provider, created_by=training_admin)
    f.study(project=second_project, user=learners["passed"], course=other_course, organization=employer,
            minutes=900, by=training_admin, final_score=Decimal("90"))
    person = learners["passed"].person
    # the account exists already (a subsidy of an earlier year): only the row lock can queue the two
    SubsidyAccount.objects.create(person_digest=person.id_number_digest, person=person)
    claims = [services.claim_create(project=p, actor=training_admin) for p in (project, second_project)]
    # each draft alone would be paid 600.00
    assert [str(c.judged_total) for c in claims] == ["600.00", "600.00"]

    results, errors = run_together(2, lambda n: services.claim_submit(claim=claims[n], actor=training_admin).state)
    assert errors == []
    assert results == ["submitted", "submitted"]
    amounts = sorted(str(a) for a in ClaimLine.objects.filter(person=person).values_list("judged_amount", flat=True))
    assert amounts == ["400.00", "600.00"]
    assert sorted(str(g.amount) for g in SubsidyGrant.objects.filter(status="reserved")) == ["400.00", "600.00"]
    assert SubsidyAccount.objects.filter(person=person).count() == 1
    assert sorted(str(c.judged_total) for c in Claim.objects.all()) == ["400.00", "600.00"]
