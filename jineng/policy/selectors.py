"""The Django side of the policy engine: build a case from what a user entered and from the
records, judge it, and shape the trace for a page. The engine itself (``engine/``) stays pure."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from jineng.policy.engine import HistoryEntry, Judgement, judge, load_packs, parse_case
from jineng.policy.engine.trace import FAILED, INPUT_LABELS, OUTCOME_LABELS, reason_label, show_input


def policy_items() -> list[tuple[str, str]]:
    """(``pack:item``, label) for every item of every loaded pack, for a choice list."""
    choices = []
    for pack_id, pack in sorted(load_packs().items()):
        for item_id, item in pack.items.items():
            choices.append((f"{pack_id}:{item_id}", f"{pack.document_number} · {item.title}"))
    return choices


def subsidy_history_for(*, id_number: str) -> list[HistoryEntry]:
    """The person's subsidies as the engine reads them: the claim lines paid, and those reserved
    by claims still pending (submitted and not yet rejected, returned or withdrawn), from the
    claims app's ``SubsidyGrant`` rows, found by the ID number's keyed digest."""
    from jineng.claims.selectors import subsidy_history_of
    from jineng.identity.services import id_number_digest

    number = (id_number or "").strip().upper()
    if not number:
        return []
    return subsidy_history_of(person_digest=id_number_digest(number))


@dataclass(frozen=True)
class StepView:
    number: int
    label: str
    kind: str
    citation: str
    quote: str | None
    inputs: list[tuple[str, str]]
    params: list[dict[str, Any]]
    outcome: str
    outcome_label: str
    failed: bool
    reason: str | None
    reason_label: str | None
    amount: str | None
    sentence: str


def judgement_steps(judgement: Judgement) -> list[StepView]:
    steps = []
    for number, step in enumerate(judgement.trace, start=1):
        steps.append(
            StepView(
                number=number,
                label=step.rule.label,
                kind=step.rule.kind,
                citation=step.citation,
                quote=step.rule.quote,
                inputs=[
                    (INPUT_LABELS.get(name, name), show_input(name, value))
                    for name, value in step.named_inputs()
                ],
                params=[
                    {
                        "label": v.label,
                        "shown": v.shown,
                        "start": v.start,
                        "until": v.until,
                        "citation": v.citation,
                    }
                    for v in step.params
                ],
                outcome=step.outcome,
                outcome_label=OUTCOME_LABELS[step.outcome],
                failed=step.outcome == FAILED,
                reason=step.reason,
                reason_label=reason_label(step.reason) if step.reason else None,
                amount=f"{step.amount:.2f}" if step.amount is not None else None,
                sentence=step.sentence,
            )
        )
    return steps


def policy_calculate(*, case_data: dict[str, Any]) -> Judgement:
    """Judge one case given in the case-file format (see ../shared/policy-cases/README.md),
    with the person's subsidy history taken from the records, never from the caller."""
    data = dict(case_data)
    id_number = str(data.get("person", {}).get("id_number", "")).strip().upper()
    data["history"] = []
    case = parse_case(data)
    return judge(case, history=subsidy_history_for(id_number=id_number))


def case_data_from_form(cleaned: dict[str, Any]) -> dict[str, Any]:
    policy, subsidy = cleaned["item"].split(":", 1)
    person: dict[str, Any] = {"id_number": cleaned["id_number"], "groups": list(cleaned.get("groups") or [])}
    if cleaned.get("hukou"):
        person["hukou"] = cleaned["hukou"]
    training = {
        key: cleaned[key]
        for key in (
            "kind",
            "delivery",
            "occupation",
            "start",
            "end",
            "minutes",
            "passed",
            "certificate",
            "free_resource",
            "months",
        )
    }
    training["level"] = int(cleaned["level"]) if cleaned.get("level") else None
    for key in ("filed_on", "hired_on"):
        if cleaned.get(key):
            training[key] = cleaned[key]
    for key in ("cost", "local_standard", "requested"):
        training[key] = f"{cleaned.get(key) or 0:.2f}"
    data: dict[str, Any] = {
        "name": "补贴测算",
        "policy": policy,
        "subsidy": subsidy,
        "claimed_on": cleaned["claimed_on"],
        "person": person,
        "training": training,
    }
    if cleaned.get("employer_size"):
        employer: dict[str, Any] = {
            "size": cleaned["employer_size"],
            "received_affected_enterprise_aid": bool(cleaned.get("received_affected_enterprise_aid")),
        }
        if cleaned.get("employer_region"):
            employer["region"] = cleaned["employer_region"]
        if cleaned.get("contract_months") is not None:
            employer["contract_months"] = cleaned["contract_months"]
        data["employer"] = employer
    return data


def today_in_shanghai() -> dt.date:
    from django.utils import timezone

    return timezone.localdate()
