"""拨付计划: claims whose notice is over are gathered into one plan, exported for the treasury
(full bank accounts, audited) and paid by one payment order, or the plan is cancelled."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from jineng.audit.models import AuditEntry
from jineng.claims import selectors, services
from jineng.claims.models import Claim, PaymentBatch
from jineng.claims.tests import factories as f
from jineng.common.errors import DomainError

pytestmark = pytest.mark.django_db
ACCOUNT = "6222020200112233445"


def to_public_notice(claim, training_admin, reviewer) -> Claim:
    services.claim_update(claim=claim, bank_account_name="浈江机械厂", bank_name="工商银行韶关分行",
                          bank_account=ACCOUNT, actor=training_admin)
    claim = services.claim_submit(claim=claim, actor=training_admin)
    services.claim_review_start(claim=claim, actor=reviewer)
    return services.claim_approve(claim=claim, actor=reviewer, comment="材料齐全")


@pytest.fixture
def two_claims(project, training_admin, reviewer, employer, course, learners, frozen_clock):
    second = f.make_project(organization=employer, created_by=training_admin, course=course, name="2020年焊工第二期")
    third = f.make_learner(name="王五")
    f.add_to_roster(project=second, user=third, organization=employer)
    f.study(project=second, user=third, course=course, organization=employer, minutes=900, by=training_admin,
            final_score=Decimal("90"))
    claims = [to_public_notice(services.claim_create(project=p, actor=training_admin), training_admin, reviewer)
              for p in (project, second)]
    frozen_clock(f.shanghai(2020, 4, 27, 8, 0))  # the notice is over: the daily task lists them for payment
    services.claims_advance_due()
    for claim in claims:
        claim.refresh_from_db()
        assert claim.state == "payment_plan"
    return claims


def test_a_plan_gathers_claims_and_one_order_pays_them_all(two_claims, reviewer):
    assert [c.pk for c in selectors.claims_ready_for_batch(user=reviewer)] == [c.pk for c in two_claims]
    batch = services.payment_batch_create(claim_ids=[c.pk for c in two_claims], actor=reviewer)
    assert (batch.number, batch.state, str(batch.total)) == ("BF440204-20200427-01", "open", "1200.00")
    assert not selectors.claims_ready_for_batch(user=reviewer).exists()

    content, filename = services.payment_batch_export(batch=batch, actor=reviewer)
    assert filename == "拨付计划_BF440204-20200427-01.xlsx"
    rows = list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
    assert rows[3][1:3] == (two_claims[0].number, two_claims[0].item_title)
    assert rows[3][6] == ACCOUNT and rows[3][9] == 600.0
    assert rows[-1][0] == "合计" and rows[-1][9] == 1200.0
    assert AuditEntry.objects.filter(action="claim.batch_export", actor_id=reviewer.pk).count() == 1

    batch = services.payment_batch_pay(batch=batch, reference="GK2020-0428-07", paid_on=dt.date(2020, 4, 27),
                                       actor=reviewer)
    assert batch.state == "paid"
    for claim in two_claims:
        claim.refresh_from_db()
        assert (claim.state, str(claim.paid_total)) == ("paid", "600.00")
        assert claim.payments.get(kind="final").reference == "GK2020-0428-07"
    assert AuditEntry.objects.filter(action="claim.pay").count() == 2
    with pytest.raises(DomainError) as exc:
        services.payment_batch_pay(batch=batch, reference="again", paid_on=dt.date(2020, 4, 27), actor=reviewer)
    assert exc.value.code == "batch_closed"


def test_a_bad_payment_date_pays_none_of_the_plan(two_claims, reviewer):
    batch = services.payment_batch_create(claim_ids=[c.pk for c in two_claims], actor=reviewer)
    with pytest.raises(DomainError) as exc:
        services.payment_batch_pay(batch=batch, reference="GK-1", paid_on=dt.date(2020, 3, 1), actor=reviewer)
    assert exc.value.field == "paid_on"
    assert set(Claim.objects.values_list("state", flat=True)) == {"payment_plan"}
    assert PaymentBatch.objects.get().state == "open"


def test_cancelling_frees_the_claims_for_another_plan(two_claims, reviewer):
    batch = services.payment_batch_create(claim_ids=[c.pk for c in two_claims], actor=reviewer)
    with pytest.raises(DomainError) as exc:
        services.payment_batch_create(claim_ids=[two_claims[0].pk], actor=reviewer)
    assert exc.value.code == "claim_in_batch"
    with pytest.raises(DomainError) as exc:
        services.payment_batch_cancel(batch=batch, reason=" ", actor=reviewer)
    assert exc.value.field == "reason"
    services.payment_batch_cancel(batch=batch, reason="收款账号有误，待更正后重新编制", actor=reviewer)
    again = services.payment_batch_create(claim_ids=[two_claims[0].pk], actor=reviewer)
    assert (again.number, str(again.total)) == ("BF440204-20200427-02", "600.00")


def test_what_cannot_join_a_plan_is_refused_with_the_reason(project, training_admin, reviewer, other_reviewer,
                                                            two_claims):
    with pytest.raises(DomainError) as exc:
        services.payment_batch_create(claim_ids=[], actor=reviewer)
    assert exc.value.code == "batch_empty"
    with pytest.raises(DomainError) as exc:
        services.payment_batch_create(claim_ids=[two_claims[0].pk], actor=other_reviewer)
    assert exc.value.code == "claim_not_found"
    services.payment_batch_create(claim_ids=[two_claims[0].pk], actor=reviewer)
    paid = services.payment_batch_create(claim_ids=[two_claims[1].pk], actor=reviewer)
    services.payment_batch_pay(batch=paid, reference="GK-2", paid_on=dt.date(2020, 4, 27), actor=reviewer)
    with pytest.raises(DomainError) as exc:
        services.payment_batch_create(claim_ids=[two_claims[1].pk], actor=reviewer)
    assert exc.value.message == f"申请 {two_claims[1].number} 当前为“已拨付”，公示期满列入拨付计划后才能编入"
    assert not selectors.payment_batches_visible_to(user=other_reviewer).exists()


def test_the_reviewer_makes_exports_and_pays_a_plan_on_the_pages(two_claims, reviewer, staff_client, other_reviewer):
    client = staff_client(reviewer)
    assert "2 件公示期满的申请待编入拨付计划" in client.get("/claims/review/").content.decode()
    page = client.get("/claims/batches/").content.decode()
    assert page.count('name="claims"') == 2
    response = client.post("/claims/batches/", {"claims": [c.pk for c in two_claims]})
    batch = PaymentBatch.objects.get()
    assert response["Location"] == f"/claims/batches/{batch.pk}/"
    page = client.get(response["Location"]).content.decode()
    i = page.find(ACCOUNT)
    assert i < 0, page[i - 300:i + 50]
    assert "1200.00" in page and "***************3445" in page
    export = client.get(f"/claims/batches/{batch.pk}/plan.xlsx")
    assert export.status_code == 200 and export["Cache-Control"] == "private, no-store"
    refused = client.post(f"/claims/batches/{batch.pk}/pay/", {"reference": "", "paid_on": "2020-04-27"})
    assert refused.status_code == 400
    paid = client.post(f"/claims/batches/{batch.pk}/pay/", {"reference": "GK2020-0428-07", "paid_on": "2020-04-27"},
                       follow=True)
    assert "拨付已登记，计划内的申请均已拨付" in paid.content.decode()
    assert set(Claim.objects.values_list("state", flat=True)) == {"paid"}
    assert staff_client(other_reviewer).get(f"/claims/batches/{batch.pk}/").status_code == 404
