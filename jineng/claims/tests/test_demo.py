"""The claims demo loader: drafts for finished projects, an advance claim for a running 晋江
project, nothing twice."""

from __future__ import annotations

import pytest

from jineng.claims.demo import claims_load_demo
from jineng.claims.models import Claim

pytestmark = pytest.mark.django_db


def test_the_demo_builds_each_claim_once(project, jj_project, course, employer, training_admin):
    from jineng.claims.tests import factories as f

    f.make_project(organization=employer, created_by=training_admin, course=course, state="running",
                   name="韶关在训项目")  # no advance in Shaoguan: left alone
    lines: list[str] = []
    made = claims_load_demo(stdout=lines.append)
    assert sorted((c.project_id, c.phase, str(c.judged_total)) for c in made) == sorted([
        (project.pk, "final", "600.00"), (jj_project.pk, "advance", "1600.00")])
    assert len(lines) == 2
    assert claims_load_demo(stdout=lines.append) == []
    assert Claim.objects.count() == 2
