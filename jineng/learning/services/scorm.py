"""SCORM run-time data: what scorm-again posts on LMSCommit / LMSFinish (1.2) and Commit / Terminate (2004).

Time for SCORM lessons is credited by the same heartbeats as every other lesson (the player page
must be visible and focused); the SCO's own ``session_time`` / ``total_time`` are kept as what the
courseware reported, never credited.
"""

from __future__ import annotations

import math
import re

from django.db import transaction

from jineng.audit.services import audit_record
from jineng.common import clock
from jineng.common.errors import DomainError
from jineng.courses.models import Lesson
from jineng.identity.models import User
from jineng.learning.models import Enrolment, ScormRuntime
from jineng.learning.services.common import learner_person

LESSON_STATUSES = {"passed", "completed", "failed", "incomplete", "browsed", "not attempted"}
COMPLETION_STATUSES = {"completed", "incomplete", "not attempted", "unknown"}
SUCCESS_STATUSES = {"passed", "failed", "unknown"}
EXITS = {"", "time-out", "suspend", "logout", "normal"}
MAX_SUSPEND_DATA = 64_000

_CMI_TIMESPAN = re.compile(r"^(\d{1,4}):([0-5]?\d):([0-5]?\d)(\.\d{1,2})?$")
_ISO_DURATION = re.compile(
    r"^P(?:(?P<y>\d+(?:\.\d+)?)Y)?(?:(?P<mo>\d+(?:\.\d+)?)M)?(?:(?P<d>\d+(?:\.\d+)?)D)?"
    r"(?:T(?:(?P<h>\d+(?:\.\d+)?)H)?(?:(?P<mi>\d+(?:\.\d+)?)M)?(?:(?P<s>\d+(?:\.\d+)?)S)?)?$"
)


def scorm_duration_seconds(value: str) -> int | None:
    """``HHHH:MM:SS.SS`` (SCORM 1.2) or ISO 8601 ``PT1H2M3.5S`` (2004) → whole seconds."""
    value = (value or "").strip()
    if not value:
        return None
    match = _CMI_TIMESPAN.match(value)
    if match:
        return int(match[1]) * 3600 + int(match[2]) * 60 + int(match[3])
    match = _ISO_DURATION.match(value)
    if match and value not in {"P", "PT"}:
        parts = {k: float(v) for k, v in match.groupdict().items() if v}
        return int(parts.get("y", 0) * 365 * 86400 + parts.get("mo", 0) * 30 * 86400 + parts.get("d", 0) * 86400
                   + parts.get("h", 0) * 3600 + parts.get("mi", 0) * 60 + parts.get("s", 0))
    return None


def flatten_cmi(data, prefix: str = "") -> dict[str, object]:
    """Accept scorm-again's nested JSON (``{"cmi": {"core": {...}}}``) or a flattened object
    (``{"cmi.core.lesson_status": ...}``) and return dotted keys."""
    flat: dict[str, object] = {}
    if isinstance(data, dict):
        for key, value in data.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            if isinstance(value, dict):
                flat.update(flatten_cmi(value, name))
            else:
                flat[name] = value
    return flat


def _number(flat: dict, key: str) -> float | None:
    value = flat.get(key)
    if value in (None, ""):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise DomainError("invalid_cmi", f"{key} 不是数字", field=key) from None
    if not math.isfinite(number):
        raise DomainError("invalid_cmi", f"{key} 不是有限数字", field=key)
    return number


def _choice(flat: dict, key: str, allowed: set[str]) -> str | None:
    value = flat.get(key)
    if value is None:
        return None
    value = str(value).strip()
    if value not in allowed:
        raise DomainError("invalid_cmi", f"{key} 的取值 {value[:40]!r} 不符合 SCORM 规范", field=key)
    return value


def scorm_commit(*, actor: User, lesson: Lesson, data: dict, terminate: bool = False) -> ScormRuntime:
    """Store the run-time data the SCO reported for the actor's enrolment; on Terminate/LMSFinish
    add the session time to the reported total and remember whether the SCO suspended."""
    person = learner_person(actor)
    if lesson.kind != Lesson.Kind.SCORM or lesson.scorm_package_id is None:
        raise DomainError("not_scorm", "该课件不是 SCORM 课件", field="lesson")
    enrolment = Enrolment.objects.filter(person=person, course_id=lesson.module.course_id).first()
    if enrolment is None:
        raise DomainError("not_enrolled", "请先报名该课程", field="lesson")
    if isinstance(data, dict) and isinstance(data.get("cmi"), dict):
        flat = flatten_cmi(data["cmi"], "cmi")
    else:
        flat = {k: v for k, v in flatten_cmi(data if isinstance(data, dict) else {}).items() if k.startswith("cmi.")}
    version = "2004" if any(k.startswith("cmi.completion_status") or k.startswith("cmi.success_status")
                            or k == "cmi.location" for k in flat) else "1.2"
    values: dict[str, object] = {}
    if version == "1.2":
        values["lesson_status"] = _choice(flat, "cmi.core.lesson_status", LESSON_STATUSES)
        score = "cmi.core.score"
        values["location"] = flat.get("cmi.core.lesson_location")
        values["exit"] = _choice(flat, "cmi.core.exit", EXITS)
        session_time = flat.get("cmi.core.session_time")
        total_time = flat.get("cmi.core.total_time")
    else:
        values["completion_status"] = _choice(flat, "cmi.completion_status", COMPLETION_STATUSES)
        values["success_status"] = _choice(flat, "cmi.success_status", SUCCESS_STATUSES)
        values["score_scaled"] = _number(flat, "cmi.score.scaled")
        score = "cmi.score"
        values["location"] = flat.get("cmi.location")
        values["exit"] = _choice(flat, "cmi.exit", EXITS)
        session_time = flat.get("cmi.session_time")
        total_time = flat.get("cmi.total_time")
    for part in ("raw", "min", "max"):
        values[f"score_{part}"] = _number(flat, f"{score}.{part}")
    suspend = flat.get("cmi.suspend_data")
    if suspend is not None:
        if len(str(suspend)) > MAX_SUSPEND_DATA:
            raise DomainError("invalid_cmi", "suspend_data 过长", field="cmi.suspend_data")
        values["suspend_data"] = str(suspend)
    if values.get("location") is not None:
        values["location"] = str(values["location"])[:1000]
    session_seconds = scorm_duration_seconds(str(session_time or ""))
    now = clock.now()
    with transaction.atomic():
        runtime, _ = ScormRuntime.objects.select_for_update().get_or_create(
            enrolment=enrolment, lesson=lesson, defaults={"version": version})
        was_complete = runtime.is_complete
        for name, value in values.items():
            if value is not None:
                setattr(runtime, name, value)
        if session_time:
            runtime.session_time = str(session_time)[:32]
        if total_time and not terminate:
            runtime.total_time = str(total_time)[:32]
        runtime.commits += 1
        runtime.first_commit_at = runtime.first_commit_at or now
        runtime.last_commit_at = now
        if runtime.is_complete and not was_complete:
            runtime.completed_at = now
        if terminate:
            runtime.terminations += 1
            runtime.total_seconds += session_seconds or 0
            hours, rest = divmod(runtime.total_seconds, 3600)
            runtime.total_time = f"{hours:04d}:{rest // 60:02d}:{rest % 60:02d}"
            runtime.entry = "resume" if runtime.exit == "suspend" else ""
        runtime.save()
        if terminate or (runtime.is_complete and not was_complete):
            audit_record(actor=actor, action="learning.scorm.terminate" if terminate else "learning.scorm.complete",
                         target=runtime,
                         summary={"lesson": lesson.pk, "lesson_status": runtime.lesson_status,
                                  "completion_status": runtime.completion_status,
                                  "success_status": runtime.success_status,
                                  "score_raw": None if runtime.score_raw is None else f"{runtime.score_raw:g}",
                                  "session_time": runtime.session_time},
                         organization_id=enrolment.organization_id)
    return runtime
