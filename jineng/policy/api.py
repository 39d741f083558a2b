from typing import Any

from django.http import HttpRequest
from ninja import Body, Router, Schema

from jineng.policy import selectors

router = Router(tags=["policy"])


class JudgementOut(Schema):
    policy: str
    subsidy: str
    document_number: str
    item_title: str
    eligible: bool
    amount: str
    payee: str
    payer_region: str | None
    reason: str | None
    failures: list[str]
    trace: list[dict[str, Any]]


@router.post("/judge", response=JudgementOut, summary="补贴测算：按政策包判断一个案例并给出每一步依据")
def judge_case(request: HttpRequest, case: Body[dict[str, Any]]):
    """The body is one case in the policy-case format (../shared/policy-cases/README.md) without
    ``history`` and ``expect``: the person's subsidy history comes from the records."""
    return selectors.policy_calculate(case_data=case).to_dict()


@router.get("/items", summary="可测算的政策与补贴项目")
def items(request: HttpRequest):
    return [{"id": key, "label": label} for key, label in selectors.policy_items()]
