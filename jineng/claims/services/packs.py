"""The policy packs behind a claim: the pack and the item a claim names, the items an organisation
may claim for a project, and the pack's procedure in force on a day (the claim deadline, the review,
notice and payment periods in working days, the share paid in advance)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from jineng.claims import selectors
from jineng.common.errors import DomainError
from jineng.policy.engine import Item, Pack, PolicyError, load_packs
from jineng.projects.models import Project
from jineng.regions.selectors import add_working_days, calendar_year_unknown_error
from jineng.workdays import CalendarYearUnknown, WorkingDayCalendar


def _pack(policy: str) -> Pack:
    pack = load_packs().get(policy)
    if pack is None:
        raise DomainError("policy_unknown", f"培训项目适用的政策“{policy or '未设'}”没有对应的政策包，请联系系统管理员",
                          field="policy")
    return pack


def _item(policy: str, subsidy: str) -> Item:
    pack = _pack(policy)
    item = pack.items.get(subsidy)
    if item is None:
        raise DomainError("subsidy_unknown",
                          f"{pack.document_number} 没有补贴项目“{subsidy}”，可选：{'、'.join(pack.items)}", field="subsidy")
    return item


def claimable_items(*, project: Project, payees: Iterable[str] = ("employer", "platform")) -> list[Item]:
    """The items of the project's pack an organisation may claim for this project: the payee is
    the organisation (or the platform), and the training kind, if the item names kinds, fits."""
    pack = load_packs().get(project.policy_pack)
    if pack is None:
        return []
    items = []
    for item in pack.items.values():
        if item.payee not in payees:
            continue
        kinds = [r for r in item.rules if r.kind == "training_kind"]
        if kinds:
            try:
                allowed = kinds[0].kinds.at(project.end_date).value  # type: ignore[attr-defined]
            except PolicyError:
                continue
            if project.kind not in allowed:
                continue
        items.append(item)
    return items


def _claim_deadline(item: Item, end: dt.date) -> tuple[dt.date, str] | None:
    return selectors.claim_deadline(item, end)


def _procedure_days(policy: str, step: str, day: dt.date) -> tuple[int, str] | None:
    try:
        version = _pack(policy).procedure.at(step, day)
    except PolicyError as exc:
        raise DomainError(exc.code, exc.message, field=step) from exc
    return (int(version.value), version.citation) if version is not None else None


def advance_version(*, policy: str, on: dt.date):
    """The pack's advance share (``procedure.advance_percent``) in force on ``on``, or None when
    the pack pays nothing in advance."""
    pack = load_packs().get(policy)
    if pack is None:
        return None
    try:
        return pack.procedure.at("advance_percent", on)
    except PolicyError as exc:
        raise DomainError(exc.code, exc.message, field="project") from exc


def _add_working_days(day: dt.date, n: int, calendar: WorkingDayCalendar | None = None) -> dt.date:
    try:
        return add_working_days(day, n, calendar=calendar)
    except CalendarYearUnknown as exc:
        raise calendar_year_unknown_error(exc) from exc
