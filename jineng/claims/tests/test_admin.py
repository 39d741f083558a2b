"""The back office shows claims read-only, with names, the bank account and objectors masked."""

from __future__ import annotations

import pytest

from jineng.claims import services
from jineng.claims.models import Claim, ClaimLine, Objection
from jineng.identity.models import Role

pytestmark = pytest.mark.django_db


def test_claims_in_the_admin_are_read_only_and_masked(project, training_admin, reviewer, learners, make_staff,
                                                      signed_in):
    claim = services.claim_create(project=project, actor=training_admin)
    services.claim_update(claim=claim, bank_account="6222000011112222", actor=training_admin)
    claim = services.claim_submit(claim=claim, actor=training_admin)
    services.claim_review_start(claim=claim, actor=reviewer)
    services.claim_approve(claim=claim, actor=reviewer)
    services.objection_lodge(claim=claim, contact_name="赵小六", contact_phone="13900001111",
                             reason="张三丰培训期间在外地出差，请核实学习记录")
    client = signed_in(make_staff(Role.SYSTEM_ADMIN, username="root"))

    page = client.get(f"/admin/claims/claim/{claim.pk}/change/").content.decode()
    assert "************2222" in page and "6222000011112222" not in page
    assert client.get("/admin/claims/claim/add/").status_code == 403
    listing = client.get("/admin/claims/claim/").content.decode()
    assert claim.number in listing and "/admin/claims/claim/add/" not in listing

    line = ClaimLine.objects.get(claim=claim, position=1)
    page = client.get(f"/admin/claims/claimline/{line.pk}/change/").content.decode()
    assert "张*丰" in page and "张三丰" not in page
    assert learners["passed"].person.id_number not in page
    listing = client.get("/admin/claims/claimline/").content.decode()
    assert "张*丰" in listing and "李*" in listing and "张三丰" not in listing

    objection = Objection.objects.get()
    page = client.get(f"/admin/claims/objection/{objection.pk}/change/").content.decode()
    assert "赵*六" in page and "139****1111" in page and "13900001111" not in page
    for model in ("subsidygrant", "subsidyaccount"):
        assert client.get(f"/admin/claims/{model}/").status_code == 200
    response = client.post(f"/admin/claims/claim/{claim.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403 and Claim.objects.filter(pk=claim.pk).exists()
