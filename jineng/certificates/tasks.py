"""Background task (django-tasks): the same work as ``manage.py certificates_issue_due``, for a
scheduler that enqueues tasks instead of running commands."""

from django_tasks import task

from jineng.certificates.services import certificates_issue_due


@task()
def issue_due_certificates(limit: int = 500) -> int:
    return certificates_issue_due(limit=limit)
