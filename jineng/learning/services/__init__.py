"""Every write of the learning app. Import from here: ``from jineng.learning import services``."""

from jineng.learning.services.config import learning_config
from jineng.learning.services.enrolment import (
    enrollable_employees,
    enrolment_create,
    enrolments_create_for_employees,
)
from jineng.learning.services.evidence import Beat, evidence_purge, pack_beats, unpack_beats
from jineng.learning.services.heartbeats import BatchResult, heartbeats_record
from jineng.learning.services.scorm import scorm_commit
from jineng.learning.services.sessions import (
    presence_answer,
    session_end,
    session_start,
    sessions_expire_stale,
)
from jineng.learning.services.sign_in import sign_in

__all__ = [
    "BatchResult",
    "Beat",
    "enrollable_employees",
    "enrolment_create",
    "enrolments_create_for_employees",
    "evidence_purge",
    "heartbeats_record",
    "learning_config",
    "pack_beats",
    "presence_answer",
    "scorm_commit",
    "session_end",
    "session_start",
    "sessions_expire_stale",
    "sign_in",
    "unpack_beats",
]
