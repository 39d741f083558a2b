"""Reads of the certificates app: whether an enrolment is complete (and what is still missing),
the certificates a learner holds, what the public verification page shows, who may do what.

When an enrolment is complete (结业条件; 攀人社发〔2020〕33号 二: 有签到注册、有学习记录、有答疑测试、
有结业考核, 教学课时应达到规定学时标准):

* every **required** module has its planned minutes credited. "Required" is the module's own
  ``Module.required`` flag (结业必修, on by default): a module an author marks as not required
  (an elective) never blocks completion, and its minutes still count towards class hours up to
  its plan, as ``learning.selectors`` counts them;
* the course has a final assessment (结业考核) and the learner has passed it (any submitted
  attempt at or above the pass score, ``exams.selectors.final_assessment_result``). A course
  without a final assessment cannot be completed: the Panzhihua notice requires one.

The functions the rest of the system relies on: ``certificate_for_enrolment`` and
``certificates_for_enrolments`` (claims), ``enrolment_completion``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from jineng.certificates.models import Certificate, CertificateStatus
from jineng.common import clock
from jineng.common.errors import NotFound
from jineng.common.masking import mask_name
from jineng.courses.selectors import level_label
from jineng.exams.models import Attempt, Exam
from jineng.exams.selectors import final_assessment_of, final_assessment_result
from jineng.identity.models import Role
from jineng.identity.selectors import user_has_role, user_region_scopes
from jineng.learning.models import MS_PER_MINUTE, Enrolment
from jineng.learning.selectors import (
    Progress,
    enrolment_get_visible,
    enrolment_progress,
    enrolments_visible_to,
)
from jineng.learning.services.common import SHANGHAI
from jineng.regions.selectors import regions_scope_q

ISSUING_PLATFORM = "技能 jineng 线上职业技能培训平台"
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{32,64}$")

# ---- completion --------------------------------------------------------------------------------



@dataclass(frozen=True)
class ModuleCheck:
    """One required module: its plan, what is credited, and whether the plan is met."""

    module_id: int
    title: str
    category: str
    category_label: str
    planned_minutes: int
    credited_ms: int

    @property
    def credited_minutes(self) -> int:
        return self.credited_ms // MS_PER_MINUTE

    @property
    def met(self) -> bool:
        return self.credited_ms >= self.planned_minutes * MS_PER_MINUTE

    @property
    def short_minutes(self) -> int:
        """Minutes still to study, rounded up: 44½ credited minutes of 45 still lack 1."""
        short_ms = max(self.planned_minutes * MS_PER_MINUTE - self.credited_ms, 0)
        return -(-short_ms // MS_PER_MINUTE)

    @property
    def missing(self) -> str:
        return f"{self.category_label}《{self.title}》还差 {self.short_minutes} 分钟"


@dataclass(frozen=True)
class AssessmentCheck:
    """The course's 结业考核 and this learner's standing in it."""

    exists: bool
    exam_id: int | None = None
    title: str = ""
    is_open: bool = False
    pass_score: Decimal | None = None
    passed: bool = False
    best_score: Decimal | None = None
    max_score: Decimal | None = None
    attempts_used: int = 0
    attempts_allowed: int = 0

    @property
    def attempts_left(self) -> int:
        return max(self.attempts_allowed - self.attempts_used, 0)


@dataclass(frozen=True)
class Completion:
    enrolment: Enrolment
    modules: list[ModuleCheck]
    assessment: AssessmentCheck
    class_hours: int
    planned_class_hours: int
    countable_minutes: int

    @property
    def hours_complete(self) -> bool:
        return all(m.met for m in self.modules)

    @property
    def missing(self) -> list[str]:
        """What still stands between the learner and the certificate, in Chinese, in checklist order."""
        items = [m.missing for m in self.modules if not m.met]
        if not self.assessment.exists:
            items.append("课程尚未设置结业考核，暂不能结业（请联系课程提供单位）")
        elif not self.assessment.passed:
            items.append("结业考核尚未通过")
        return items

    @property
    def complete(self) -> bool:
        return not self.missing


def _completion(progress: Progress) -> Completion:
    enrolment = progress.enrolment
    modules = [ModuleCheck(module_id=row.module.pk, title=row.module.title, category=row.module.category,
                           category_label=row.module.get_category_display(), planned_minutes=row.planned_minutes,
                           credited_ms=row.credited_ms)
               for row in progress.modules if row.module.required]
    final = final_assessment_of(course=enrolment.course)
    if final is None:
        assessment = AssessmentCheck(exists=False)
    else:
        result = final_assessment_result(enrolment=enrolment)
        used = Attempt.objects.filter(exam=final, enrolment=enrolment).count()
        assessment = AssessmentCheck(
            exists=True, exam_id=final.pk, title=final.title, is_open=final.status == Exam.Status.PUBLISHED,
            pass_score=final.pass_score, passed=bool(result and result[0]), best_score=result[1] if result else None,
            max_score=result[2].max_score if result else None, attempts_used=used,
            attempts_allowed=final.max_attempts)
    return Completion(enrolment=enrolment, modules=modules, assessment=assessment, class_hours=progress.class_hours,
                      planned_class_hours=progress.planned_class_hours, countable_minutes=progress.countable_minutes)


def enrolment_completion(*, enrolment: Enrolment) -> Completion:
    """The completion checklist of one enrolment (six queries): required modules' minutes against
    their plan, the final assessment (exists, passed, best score, attempts used/allowed), class
    hours, and the list of what is still missing."""
    return _completion(enrolment_progress(enrolment=enrolment))


def enrolments_due_for_certificate() -> QuerySet[Enrolment]:
    """Enrolments without a certificate whose learner has passed the course's final assessment —
    the candidates the scheduled task checks (their hours are checked one by one)."""
    passed = Attempt.objects.filter(exam__is_final=True, status=Attempt.Status.SUBMITTED, passed=True)
    return (Enrolment.objects.filter(certificate__isnull=True, pk__in=passed.values("enrolment_id"))
            .order_by("pk"))


# ---- certificates ------------------------------------------------------------------------------

def certificate_for_enrolment(*, enrolment: Enrolment) -> Certificate | None:
    """The enrolment's valid (not revoked) certificate, or ``None``."""
    return Certificate.objects.filter(enrolment=enrolment, status=CertificateStatus.VALID).first()


def certificates_for_enrolments(*, enrolment_ids) -> dict[int, Certificate]:
    """Enrolment id → its valid certificate, for the enrolments that have one (one query)."""
    ids = list(enrolment_ids)
    if not ids:
        return {}
    return {c.enrolment_id: c for c in Certificate.objects.filter(enrolment_id__in=ids,
                                                                  status=CertificateStatus.VALID)}


def certificate_of_enrolment_any(*, enrolment: Enrolment) -> Certificate | None:
    """The enrolment's certificate whatever its state (the completion page shows a revoked one too)."""
    return Certificate.objects.filter(enrolment=enrolment).select_related("revoked_by").first()


@dataclass
class LearnerRow:
    progress: Progress
    certificate: Certificate | None

    @property
    def enrolment(self) -> Enrolment:
        return self.progress.enrolment


def learner_certificate_rows(*, user) -> list[LearnerRow]:
    """我的证书: each of the learner's enrolments with its progress and certificate (any state).
    Four queries, whatever the number of enrolments."""
    from jineng.learning.selectors import learner_enrolments

    progresses = learner_enrolments(user=user)
    certificates = {c.enrolment_id: c for c in Certificate.objects.filter(
        enrolment_id__in=[p.enrolment.pk for p in progresses])}
    rows = [LearnerRow(progress=p, certificate=certificates.get(p.enrolment.pk)) for p in progresses]
    rows.sort(key=lambda r: (r.certificate is None, -(r.certificate.issued_at.timestamp() if r.certificate else 0)))
    return rows


def certificates_of_user(*, user) -> QuerySet[Certificate]:
    """The certificates the user holds as a learner (the API's list)."""
    if not user.person_id:
        return Certificate.objects.none()
    return Certificate.objects.filter(person_id=user.person_id).order_by("-issued_at", "-pk")


def certificate_get_visible(*, user, certificate_id: int) -> Certificate:
    """A certificate of an enrolment ``user`` may see (the learner theirs; staff as
    ``learning.selectors.enrolments_visible_to`` says)."""
    certificate = (Certificate.objects.filter(pk=certificate_id,
                                              enrolment__in=enrolments_visible_to(user=user).values("pk"))
                   .select_related("person", "enrolment", "course").first())
    if certificate is None:
        raise NotFound("证书不存在或不在您的权限范围内")
    return certificate


def user_can_revoke(*, user, enrolment: Enrolment) -> bool:
    """System administrators; county reviewers and city officers whose region holds the enrolling
    organisation or the learner's hukou."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user_has_role(user=user, role=Role.SYSTEM_ADMIN):
        return True
    regions = user_region_scopes(user=user)
    if not regions:
        return False
    return Enrolment.objects.filter(pk=enrolment.pk).filter(
        regions_scope_q(regions, field="organization__region__code")
        | regions_scope_q(regions, field="person__hukou_region__code")).exists()


def user_can_issue(*, user, enrolment: Enrolment) -> bool:
    """The learner themself, and anyone who may follow the enrolment (training administrator of the
    enrolling organisation, reviewers and officers of its region, system administrators)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return enrolments_visible_to(user=user).filter(pk=enrolment.pk).exists()


@dataclass
class CompletionPage:
    enrolment: Enrolment
    completion: Completion
    certificate: Certificate | None
    can_issue: bool
    can_revoke: bool
    is_owner: bool


def completion_page(*, user, enrolment_id: int) -> CompletionPage:
    enrolment = enrolment_get_visible(user=user, enrolment_id=enrolment_id)
    certificate = certificate_of_enrolment_any(enrolment=enrolment)
    completion = enrolment_completion(enrolment=enrolment)
    return CompletionPage(enrolment=enrolment, completion=completion, certificate=certificate,
                          can_issue=certificate is None and completion.complete,  # visible ⇒ may issue
                          can_revoke=bool(certificate and certificate.is_valid
                                          and user_can_revoke(user=user, enrolment=enrolment)),
                          is_owner=bool(user.person_id) and user.person_id == enrolment.person_id)


# ---- the public check --------------------------------------------------------------------------

@dataclass(frozen=True)
class PublicView:
    """What anyone holding the QR address may read: no full name, no ID number."""

    state: str  # "valid" | "revoked" | "not_found"
    number: str = ""
    masked_name: str = ""
    course_title: str = ""
    occupation: str = ""
    level: str = ""
    class_hours: int = 0
    issued_on: str = ""
    provider_name: str = ""
    issuer: str = ISSUING_PLATFORM
    revoked_on: str = ""

    @property
    def state_label(self) -> str:
        return {"valid": "有效", "revoked": "已撤销", "not_found": "未查到"}[self.state]


def certificate_by_token(*, token: str) -> Certificate | None:
    from jineng.common.crypto import lookup_digest

    if not isinstance(token, str) or not TOKEN_PATTERN.match(token):
        return None
    return (Certificate.objects.filter(token_digest=lookup_digest(token, purpose="certificate_token"))
            .select_related("person").first())


def shanghai_date(moment) -> str:
    return f"{moment.astimezone(SHANGHAI):%Y年%m月%d日}" if moment else ""


def certificate_public_view(*, token: str) -> PublicView:
    """The public verification of the certificate behind ``token``. An unknown or malformed token
    gives the same ``not_found`` answer, so the page tells nothing about which numbers exist."""
    certificate = certificate_by_token(token=token)
    if certificate is None:
        return PublicView(state="not_found")
    return PublicView(
        state=certificate.status, number=certificate.number, masked_name=mask_name(certificate.person.name),
        course_title=certificate.course_title, occupation=certificate.occupation_name,
        level=level_label(certificate.level), class_hours=certificate.class_hours,
        issued_on=shanghai_date(certificate.issued_at), provider_name=certificate.provider_name,
        revoked_on=shanghai_date(certificate.revoked_at))


def verification_url(*, certificate: Certificate, request=None) -> str:
    """The absolute address of the public check: ``settings.JINENG_PUBLIC_URL`` (e.g.
    ``https://jineng.example.gov.cn``) when set, else the address the request came to."""
    path = reverse("certificates:verify", args=[certificate.token])
    base = getattr(settings, "JINENG_PUBLIC_URL", "")
    if base:
        return base.rstrip("/") + path
    if request is not None:
        return request.build_absolute_uri(path)
    return path


# ---- the register staff keep -------------------------------------------------------------------

def certificates_visible_to(*, user) -> QuerySet[Certificate]:
    """Certificates of the enrolments ``user`` may follow (a training administrator their
    organisation's learners; reviewers and officers their region; system administrators all)."""
    return Certificate.objects.filter(enrolment__in=enrolments_visible_to(user=user).values("pk"))


def certificate_register(*, user, status: str = "", q: str = "", issued_from=None, issued_to=None
                         ) -> QuerySet[Certificate]:
    """The staff register, newest first: by status, by a number, a learner's name or a course
    title (``q``), and by the Asia/Shanghai issue date (both ends included)."""
    qs = certificates_visible_to(user=user).select_related("person", "course")
    if status:
        qs = qs.filter(status=status)
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(number__icontains=q) | Q(person__name__contains=q) | Q(course_title__contains=q))
    if issued_from:
        qs = qs.filter(issued_at__gte=_shanghai_midnight(issued_from))
    if issued_to:
        qs = qs.filter(issued_at__lt=_shanghai_midnight(issued_to + dt.timedelta(days=1)))
    return qs.order_by("-issued_at", "-pk")


def _shanghai_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=SHANGHAI)


def certificates_by_month(qs: QuerySet[Certificate], *, months: int = 12, today: dt.date | None = None
                          ) -> list[tuple[str, int]]:
    """Certificates issued per Asia/Shanghai month over the last ``months`` months (oldest first,
    empty months included), for the register's chart."""
    today = today or timezone.localdate(clock.now())
    index = today.year * 12 + today.month - 1 - (months - 1)
    first = dt.date(index // 12, index % 12 + 1, 1)
    labels = [f"{(index + i) // 12:04d}-{(index + i) % 12 + 1:02d}" for i in range(months)]
    counts = dict.fromkeys(labels, 0)
    for issued_at in qs.filter(issued_at__gte=_shanghai_midnight(first)).values_list("issued_at", flat=True):
        key = issued_at.astimezone(SHANGHAI).strftime("%Y-%m")
        if key in counts:
            counts[key] += 1
    return list(counts.items())
