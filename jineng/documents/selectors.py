"""Reads for the forms: a project with everything its forms print, in a fixed number of
queries however long the roster is."""

from __future__ import annotations

from django.db.models import Prefetch

from jineng.courses.models import Lesson
from jineng.projects.models import OutlineModule, Project, ProjectMaterial, RosterEntry


def project_for_forms(*, project_id: int) -> Project:
    """The project with its organisation, institution, occupation, platform, office, outline
    (in order), roster (in order, with people and contracts) and the materials not removed."""
    return (
        Project.objects.select_related("organization", "institution", "occupation", "platform", "reviewing_office")
        .prefetch_related(
            Prefetch("outline", queryset=OutlineModule.objects.order_by("position")),
            Prefetch("roster", queryset=RosterEntry.objects.select_related("person", "contract").order_by("position")),
            Prefetch("materials", queryset=ProjectMaterial.objects.filter(removed_at__isnull=True).order_by("kind", "id")),
        )
        .get(pk=project_id)
    )


def project_lesson_kinds(*, project: Project) -> set[str]:
    """The kinds of lesson (live, video, document, scorm) in the project's online courses."""
    return set(Lesson.objects.filter(module__course__projects=project).values_list("kind", flat=True).distinct())
