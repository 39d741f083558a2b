"""Demo data for claims: a draft claim, built from the records through ``claim_create``, for every
finished demo project that has none yet, and an advance claim (phase ``advance``) for every running
project whose pack pays an advance (晋江) (idempotent). Needs the projects demo to have finished or
running projects with enrolments; does nothing otherwise."""

from __future__ import annotations

from django.db.models import Q

from jineng.claims import selectors, services
from jineng.claims.models import Claim
from jineng.common.errors import DomainError
from jineng.identity.models import Role, RoleAssignment
from jineng.projects.models import Project, ProjectState


def claims_load_demo(*, stdout=print) -> list[Claim]:
    made = []
    advance_packs = selectors.packs_with_advance(on=selectors.today())
    candidates = (Project.objects.filter(Q(state=ProjectState.FINISHED)
                                         | Q(state=ProjectState.RUNNING, policy_pack__in=advance_packs))
                  .exclude(claims__isnull=False).select_related("organization").order_by("pk"))
    for project in candidates:
        admin = (RoleAssignment.objects.filter(role=Role.TRAINING_ADMIN, organization_id=project.organization_id)
                 .select_related("user").order_by("pk").first())
        if admin is None:
            continue
        try:
            claim = services.claim_create(project=project, actor=admin.user)
        except DomainError as exc:
            stdout(f"补贴申请：项目 {project.number} 未生成申请（{exc.message}）")
            continue
        stdout(f"补贴申请：{claim.number}（{project.name}），审定 {claim.judged_total} 元")
        made.append(claim)
    return made
