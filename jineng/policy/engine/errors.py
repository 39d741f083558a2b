"""Errors of the policy engine: a stable code, a Chinese message and the field at fault.

They are ``DomainError``s (``jineng.common.errors`` is plain Python), so the web and API
layers map them with the project's one handler. A judgement that *refuses* a case is not
an error: errors are inputs the engine cannot judge at all.
"""

from __future__ import annotations

from jineng.common.errors import DomainError


class PolicyError(DomainError):
    """Base class; ``code`` is what a case file's ``expect.error`` names."""


class CaseError(PolicyError):
    """``invalid_case`` (a field missing or of the wrong type, an unknown pack or item) or
    ``invalid_id_number``."""


class ParameterError(PolicyError):
    """A parameter has no version in force on the day asked: refuse, never zero."""

    def __init__(self, message: str, *, field: str, details: dict | None = None):
        super().__init__("no_parameter_version", message, field=field, details=details)


class CalendarError(PolicyError):
    """The working-day calendar does not know the year (see ``jineng.workdays``)."""

    def __init__(self, message: str, *, field: str | None = None, details: dict | None = None):
        super().__init__("calendar_year_unknown", message, field=field, details=details)


class PackError(PolicyError):
    """A pack that fails to load: missing citation, overlapping versions, unknown rule kind…"""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__("invalid_pack", message, field=field)
