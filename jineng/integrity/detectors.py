"""Detectors that raise flags. Each is idempotent: a flag's ``dedupe_key`` names what it is about.

Exam collusion (考试雷同): two learners of the same organisation — the training project, until
projects exist — whose submissions lie within ``window_minutes`` of each other and whose answers
agree on the questions both drew. Answers are compared by meaning (the choices picked, or the
normalised fill-in text), never by the letters on screen, because each learner's options are
shuffled. A question where either of them was wrong weighs ``WRONG_WEIGHT`` times a question both
got right: identical right answers are what the answer key predicts, identical wrong ones are
what copying leaves behind. A pair is flagged when

* at least ``min_questions`` of the questions both drew were answered by one of them,
* the weighted share of identical answers is at least ``min_match``, and
* they share at least ``min_identical_wrong`` identical wrong answers (default 1; 0 also flags
  two perfect papers, which a reviewer will usually dismiss).
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field

from django.conf import settings

from jineng.exams import selectors as exam_selectors
from jineng.exams.selectors import ComparableAttempt
from jineng.integrity.models import Flag
from jineng.integrity.services import flag_raise

WRONG_WEIGHT = 3
DEFAULTS = {"window_minutes": 10, "min_questions": 10, "min_match": 0.9, "min_identical_wrong": 1}


@dataclass
class Comparison:
    compared: int = 0
    weight_total: int = 0
    weight_matched: int = 0
    matched_questions: list[int] = field(default_factory=list)
    identical_wrong: list[int] = field(default_factory=list)

    @property
    def ratio(self) -> float:
        return self.weight_matched / self.weight_total if self.weight_total else 0.0


def compare_attempts(a: ComparableAttempt, b: ComparableAttempt) -> Comparison:
    result = Comparison()
    for question_id in sorted(set(a.answers) & set(b.answers)):
        x, y = a.answers[question_id], b.answers[question_id]
        if x is None and y is None:
            continue
        both_right = a.correct[question_id] and b.correct[question_id]
        weight = 1 if both_right else WRONG_WEIGHT
        result.compared += 1
        result.weight_total += weight
        if x is not None and x == y:
            result.weight_matched += weight
            result.matched_questions.append(question_id)
            if not a.correct[question_id]:
                result.identical_wrong.append(question_id)
    return result


def _severity(comparison: Comparison, same_ip: bool) -> str:
    if len(comparison.identical_wrong) >= 3 or (same_ip and comparison.identical_wrong):
        return Flag.Severity.HIGH
    if comparison.identical_wrong:
        return Flag.Severity.MEDIUM
    return Flag.Severity.LOW


def _attempt_evidence(a: ComparableAttempt) -> dict:
    return {"attempt": a.id, "person": a.person_id, "name": a.person_name, "number": a.number,
            "started_at": a.started_at.isoformat(), "submitted_at": a.submitted_at.isoformat(), "score": str(a.score),
            "ip": a.ip or "", "user_agent": a.user_agent}


def _evidence(exam, a: ComparableAttempt, b: ComparableAttempt, comparison: Comparison, params: dict) -> dict:
    return {
        "exam": {"id": exam.pk, "title": exam.title, "course": exam.course_id, "is_final": exam.is_final},
        "attempts": [_attempt_evidence(a), _attempt_evidence(b)],
        "minutes_apart": round(abs((b.submitted_at - a.submitted_at).total_seconds()) / 60, 1),
        "same_ip": bool(a.ip) and a.ip == b.ip,
        "questions_in_common": len(set(a.answers) & set(b.answers)),
        "compared": comparison.compared,
        "matched": len(comparison.matched_questions),
        "weighted_match": round(comparison.ratio, 3),
        "matched_questions": comparison.matched_questions,
        "identical_wrong": [{"question": q, "stem": a.stems[q][:200], "answer": a.texts[q][:200]}
                            for q in comparison.identical_wrong],
        "parameters": {**params, "wrong_weight": WRONG_WEIGHT},
    }


def _flag_pair(exam, a: ComparableAttempt, b: ComparableAttempt, comparison: Comparison, params: dict) -> Flag:
    from jineng.identity.models import Person
    from jineng.organizations.models import Organization

    first, second = sorted([a, b], key=lambda x: x.person_id)
    same_ip = bool(a.ip) and a.ip == b.ip
    flag, _ = flag_raise(
        kind=Flag.Kind.EXAM_COLLUSION, severity=_severity(comparison, same_ip),
        title=f"考试雷同：{first.person_name} 与 {second.person_name}（{exam.title}，"
              f"{len(comparison.matched_questions)}/{comparison.compared} 题相同，其中相同错误 {len(comparison.identical_wrong)} 题）",
        persons=list(Person.objects.filter(pk__in=[first.person_id, second.person_id])),
        organization=Organization.objects.get(pk=a.organization_id), region_code=a.region_code,
        evidence=_evidence(exam, first, second, comparison, params), subject=exam,
        dedupe_key=f"{Flag.Kind.EXAM_COLLUSION}:{exam.pk}:{first.person_id}:{second.person_id}")
    return flag


def _params(window_minutes, min_questions, min_match, min_identical_wrong) -> dict:
    return {"window_minutes": window_minutes, "min_questions": min_questions, "min_match": min_match,
            "min_identical_wrong": min_identical_wrong}


def _suspicious(a: ComparableAttempt, b: ComparableAttempt, params: dict) -> Comparison | None:
    if a.person_id == b.person_id or a.organization_id is None or a.organization_id != b.organization_id:
        return None
    if abs(a.submitted_at - b.submitted_at) > dt.timedelta(minutes=params["window_minutes"]):
        return None
    comparison = compare_attempts(a, b)
    if (comparison.compared >= params["min_questions"] and comparison.ratio >= params["min_match"]
            and len(comparison.identical_wrong) >= params["min_identical_wrong"]):
        return comparison
    return None


def detect_exam_collusion(*, exam, window_minutes: float = 10, min_questions: int = 10, min_match: float = 0.9,
                          min_identical_wrong: int = 1, attempt_ids: list[int] | None = None) -> list[Flag]:
    """Compare the submitted attempts of ``exam`` pairwise (within one organisation and the time
    window) and flag each suspicious pair once. With ``attempt_ids`` only pairs that include one of
    those attempts are looked at (what runs after each submission). Returns the pairs' flags,
    new or already raised."""
    params = _params(window_minutes, min_questions, min_match, min_identical_wrong)
    window = dt.timedelta(minutes=window_minutes)
    flags: dict[int, Flag] = {}
    if attempt_ids is None:
        attempts = [a for a in exam_selectors.comparable_attempts(exam_id=exam.pk) if a.organization_id]
        by_org: dict[int, list[ComparableAttempt]] = {}
        for attempt in attempts:
            by_org.setdefault(attempt.organization_id, []).append(attempt)
        for group in by_org.values():
            for a, b in itertools.combinations(group, 2):
                if (comparison := _suspicious(a, b, params)) is not None:
                    flag = _flag_pair(exam, a, b, comparison, params)
                    flags[flag.pk] = flag
        return list(flags.values())
    for focus in exam_selectors.comparable_attempts(exam_id=exam.pk, ids=attempt_ids):
        if focus.organization_id is None:
            continue
        others = exam_selectors.comparable_attempts(exam_id=exam.pk, organization_id=focus.organization_id,
                                                    submitted_from=focus.submitted_at - window,
                                                    submitted_to=focus.submitted_at + window)
        for other in others:
            if other.id != focus.id and (comparison := _suspicious(focus, other, params)) is not None:
                flag = _flag_pair(exam, focus, other, comparison, params)
                flags[flag.pk] = flag
    return list(flags.values())


def collusion_settings() -> dict:
    return {**DEFAULTS, **getattr(settings, "JINENG_INTEGRITY", {}).get("EXAM_COLLUSION", {})}


def detect_exam_collusion_for_attempt(*, attempt_id: int) -> list[Flag]:
    """Run after a submission commits (``transaction.on_commit``): the new attempt against the others."""
    exam = exam_selectors.exam_of_attempt(attempt_id=attempt_id)
    if exam is None:
        return []
    return detect_exam_collusion(exam=exam, attempt_ids=[attempt_id], **collusion_settings())
