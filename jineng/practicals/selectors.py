"""Reads about practical sessions, sign-ins, suspensions and the hours they credit, and who may
see and do what."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from jineng.common import clock
from jineng.common.errors import NotFound
from jineng.identity.models import Role
from jineng.identity.selectors import user_has_role, user_organization_ids, user_region_scopes, user_roles
from jineng.practicals import codes
from jineng.practicals.config import practicals_config
from jineng.practicals.models import PracticalSession, PracticalSignIn, PracticalSuspension, SessionState
from jineng.projects.models import Delivery, Project, ProjectState, RosterEntry
from jineng.regions.models import Region
from jineng.regions.selectors import region_contains, regions_scope_q

CLASS_HOUR_MINUTES = 45  # 1学时=45分钟教学时长 (攀人社发〔2020〕33号 二)

# A project may have practical sessions scheduled while it is filed and approved or running.
SCHEDULABLE_PROJECT_STATES = frozenset({ProjectState.APPROVED, ProjectState.RUNNING})


# --------------------------------------------------------------------------------------------
# Cities and suspensions
# --------------------------------------------------------------------------------------------


def city_code_of(region: Region) -> str:
    """The city (地级) a region lies in; a county directly under its province (省直辖, no city
    code) is its own city."""
    return region.city_code or region.code


def project_city_codes(project: Project) -> list[str]:
    """The cities whose suspension stops this project's offline sessions: the applicant's and,
    for an entrusted project, the institution's (the sessions may be held at either)."""
    found = [city_code_of(project.organization.region)]
    if project.institution_id:
        code = city_code_of(project.institution.region)
        if code not in found:
            found.append(code)
    return found


def open_suspension_for(*, project: Project) -> PracticalSuspension | None:
    return (PracticalSuspension.objects.filter(city_id__in=project_city_codes(project), lifted_at__isnull=True)
            .select_related("city").order_by("started_at").first())


def suspension_notice(suspension: PracticalSuspension) -> str:
    """The sentence every refusal and banner uses: who suspended, under which document, why."""
    return (f"{suspension.city.name}已于 {timezone.localtime(suspension.started_at):%Y-%m-%d} 暂停线下实操培训"
            f"（{suspension.document_number}：{suspension.reason}），恢复时间另行通知")


def suspensions_visible_to(*, user) -> QuerySet[PracticalSuspension]:
    """System administrators all; officers and reviewers the suspensions of the cities in their
    regions; training administrators those of the cities of their organisations."""
    qs = PracticalSuspension.objects.select_related("city", "started_by", "lifted_by")
    if user_has_role(user=user, role=Role.SYSTEM_ADMIN):
        return qs
    q = Q(pk__in=[])
    regions = user_region_scopes(user=user)
    if regions:
        q |= regions_scope_q(regions, field="city__code")
        # a county reviewer sees the suspension of the city around their county
        q |= Q(city__code__in=[city_code_of(r) for r in regions if r.level == Region.Level.COUNTY])
    organisations = [a.organization for a in user_roles(user=user) if a.organization_id]
    if organisations:
        q |= Q(city__code__in=[city_code_of(o.region) for o in organisations])
    return qs.filter(q)


def user_may_suspend(*, user, city: Region) -> bool:
    """City officers whose region covers the city (the city's own, or its province's)."""
    return any(a.role == Role.CITY_OFFICER and a.region_id and region_contains(a.region_id, city.code)
               for a in user_roles(user=user))


def cities_user_may_suspend(*, user) -> QuerySet[Region]:
    regions = [a.region for a in user_roles(user=user) if a.role == Role.CITY_OFFICER and a.region_id]
    if not regions:
        return Region.objects.none()
    return Region.objects.filter(regions_scope_q(regions, field="code"), level=Region.Level.CITY).order_by("code")


def suspension_get_visible(*, user, suspension_id: int) -> PracticalSuspension:
    suspension = suspensions_visible_to(user=user).filter(pk=suspension_id).first()
    if suspension is None:
        raise NotFound("暂停记录不存在或不在您的权限范围内", code="suspension_not_found")
    return suspension


# --------------------------------------------------------------------------------------------
# Projects and sessions: scope
# --------------------------------------------------------------------------------------------


def _projects() -> QuerySet[Project]:
    return Project.objects.select_related("organization", "organization__region", "institution",
                                          "institution__region", "occupation")


def projects_visible_to(*, user) -> QuerySet[Project]:
    """Blended projects: system administrators all; a training administrator those their
    organisation applied for or was entrusted with; reviewers and officers those of
    organisations in their regions."""
    qs = _projects().filter(delivery=Delivery.BLENDED)
    if user_has_role(user=user, role=Role.SYSTEM_ADMIN):
        return qs
    q = Q(pk__in=[])
    own = user_organization_ids(user=user, role=Role.TRAINING_ADMIN)
    if own:
        q |= Q(organization_id__in=own) | Q(institution_id__in=own)
    regions = user_region_scopes(user=user)
    if regions:
        q |= regions_scope_q(regions, field="organization__region__code")
    return qs.filter(q)


def project_get_visible(*, user, project_id: int) -> Project:
    project = projects_visible_to(user=user).filter(pk=project_id).first()
    if project is None:
        raise NotFound("培训项目不存在、不是线上线下结合项目，或不在您的权限范围内", code="project_not_found")
    return project


def user_organises(*, user, project: Project) -> bool:
    """The training administrators of the applicant and of the entrusted institution organise
    the project's practical sessions."""
    own = user_organization_ids(user=user, role=Role.TRAINING_ADMIN)
    return project.organization_id in own or bool(project.institution_id and project.institution_id in own)


def sessions_of(*, project: Project) -> QuerySet[PracticalSession]:
    return (PracticalSession.objects.filter(project=project).select_related("outline_module")
            .annotate(signed_count=Count("sign_ins")).order_by("starts_at", "id"))


def session_get_visible(*, user, session_id: int) -> PracticalSession:
    session = (PracticalSession.objects.filter(pk=session_id, project__in=projects_visible_to(user=user))
               .select_related("project", "project__organization", "project__organization__region",
                               "project__institution", "project__institution__region", "outline_module")
               .first())
    if session is None:
        raise NotFound("实操安排不存在或不在您的权限范围内", code="session_not_found")
    return session


def session_for_sign_in(*, session_id: int) -> PracticalSession:
    """The session a scanned code names; whether the scanner may sign in is the service's question."""
    session = (PracticalSession.objects.filter(pk=session_id)
               .select_related("project", "project__organization", "project__organization__region",
                               "project__institution", "project__institution__region").first())
    if session is None:
        raise NotFound("二维码对应的实操安排不存在，请扫描现场大屏上的最新二维码", code="session_not_found")
    return session


def sign_ins_of(*, session: PracticalSession) -> QuerySet[PracticalSignIn]:
    return (PracticalSignIn.objects.filter(session=session).select_related("person", "roster_entry")
            .order_by("signed_at", "id"))


def roster_size(*, project: Project) -> int:
    return RosterEntry.objects.filter(project=project).count()


def offline_modules_of(*, project: Project):
    return project.outline.filter(mode="offline").order_by("position")


# --------------------------------------------------------------------------------------------
# The sign-in window and the display
# --------------------------------------------------------------------------------------------


def sign_in_window(session: PracticalSession) -> tuple[dt.datetime, dt.datetime]:
    config = practicals_config()
    return (session.starts_at - dt.timedelta(minutes=config.SIGN_IN_OPENS_MINUTES),
            session.ends_at + dt.timedelta(minutes=config.SIGN_IN_CLOSES_MINUTES_AFTER_END))


def sign_in_path(*, session: PracticalSession, code: str) -> str:
    return f"/practicals/s/{session.pk}/{code}/"


@dataclass
class DisplayFacts:
    """What the organiser's big screen shows at ``now``: the current code (if sign-in is open)
    or why not, and the live count."""

    session: PracticalSession
    open: bool
    message: str
    code: str = ""
    path: str = ""
    seconds_left: int = 0
    signed_count: int = 0
    roster_size: int = 0
    minute: int = 0
    suspension: PracticalSuspension | None = field(default=None)


def display_facts(*, session: PracticalSession, now: dt.datetime | None = None) -> DisplayFacts:
    now = now or clock.now()
    facts = DisplayFacts(session=session, open=False, message="",
                         signed_count=PracticalSignIn.objects.filter(session=session).count(),
                         roster_size=roster_size(project=session.project), minute=codes.minute_index(now))
    opens, closes = sign_in_window(session)
    suspension = open_suspension_for(project=session.project)
    if session.state != SessionState.SCHEDULED:
        facts.message = f"本场实操{session.get_state_display()}，不再签到"
    elif suspension is not None:
        facts.suspension = suspension
        facts.message = f"{suspension_notice(suspension)}；暂停期间不能签到"
    elif now < opens:
        facts.message = (f"签到将于 {timezone.localtime(opens):%m-%d %H:%M} 开放"
                         f"（开始前 {practicals_config().SIGN_IN_OPENS_MINUTES} 分钟）")
    elif now > closes:
        facts.message = f"签到已于 {timezone.localtime(closes):%m-%d %H:%M} 结束"
    else:
        facts.open = True
        facts.code = codes.code_for(session_id=session.pk, secret=session.secret, minute=facts.minute)
        facts.path = sign_in_path(session=session, code=facts.code)
        facts.seconds_left = codes.seconds_left_in_minute(now)
        facts.message = "请用手机扫码签到（须先登录本人账号）"
    return facts


# --------------------------------------------------------------------------------------------
# Hours and attendance
# --------------------------------------------------------------------------------------------


def _credited_sign_ins(project: Project) -> QuerySet[PracticalSignIn]:
    return PracticalSignIn.objects.filter(session__project=project, session__state=SessionState.HELD)


def practical_minutes_by_person(*, project: Project) -> dict[int, int]:
    """Offline practical minutes per person (``person_id → minutes``) of one project.

    Rule: a learner's sign-in credits the session's full ``credited_minutes`` once the organiser
    has confirmed the session as held (state ``held``); scheduled and cancelled sessions credit
    nothing. The notices ask for sign-in (有签到注册) and do not require a sign-out, so none is
    asked for; who arrived late is visible in the sign-in times of the attendance export. The
    minutes are not capped here by the outline's offline modules — the claim's rules decide
    what counts.

    The claims engineer adds these minutes to the learner's credited online minutes of the
    project before converting to class hours (1学时=45分钟, 攀人社发〔2020〕33号 二): use
    ``(online_minutes + practical_minutes) // 45``, not the sum of separately floored hours.
    Persons with no credited session are absent from the dict (read it with ``.get(pid, 0)``).
    """
    rows = (_credited_sign_ins(project).values("person_id").annotate(minutes=Sum("session__credited_minutes"))
            .order_by("person_id"))
    return {row["person_id"]: int(row["minutes"] or 0) for row in rows}


def practical_minutes_for(*, project: Project, person) -> int:
    """The practical minutes of one person in one project (see ``practical_minutes_by_person``)."""
    person_id = getattr(person, "pk", person)
    total = _credited_sign_ins(project).filter(person_id=person_id).aggregate(m=Sum("session__credited_minutes"))["m"]
    return int(total or 0)


def practical_class_hours_for(*, project: Project, person) -> int:
    """Whole class hours (45 minutes) of practical time alone. To combine with online study,
    add minutes first (``practical_minutes_for``) and floor once."""
    return practical_minutes_for(project=project, person=person) // CLASS_HOUR_MINUTES


@dataclass
class AttendanceRow:
    session: PracticalSession
    signed: int
    roster: int

    @property
    def rate(self) -> int:
        return round(self.signed * 100 / self.roster) if self.roster else 0


@dataclass
class LearnerHours:
    entry: RosterEntry
    sessions: int
    minutes: int

    @property
    def class_hours(self) -> int:
        return self.minutes // CLASS_HOUR_MINUTES


@dataclass
class Attendance:
    project: Project
    rows: list[AttendanceRow]
    learners: list[LearnerHours]
    roster: int

    @property
    def chart(self) -> dict:
        return {"titles": [f"{timezone.localtime(r.session.starts_at):%m-%d %H:%M} {r.session.title}" for r in self.rows],
                "signed": [r.signed for r in self.rows], "roster": [r.roster for r in self.rows]}


def project_attendance(*, project: Project) -> Attendance:
    """Per session: signed-in learners against the roster size; per roster learner: held
    sessions attended and the minutes they credit. A fixed number of queries."""
    roster = list(RosterEntry.objects.filter(project=project).select_related("person").order_by("position"))
    rows = [AttendanceRow(session=s, signed=s.signed_count, roster=len(roster)) for s in sessions_of(project=project)]
    per_person = {row["person_id"]: row for row in
                  _credited_sign_ins(project).values("person_id")
                  .annotate(n=Count("id"), minutes=Sum("session__credited_minutes")).order_by("person_id")}
    learners = [LearnerHours(entry=e, sessions=per_person.get(e.person_id, {}).get("n", 0),
                             minutes=int(per_person.get(e.person_id, {}).get("minutes") or 0)) for e in roster]
    return Attendance(project=project, rows=rows, learners=learners, roster=len(roster))


def project_sign_ins(*, project: Project) -> QuerySet[PracticalSignIn]:
    return (PracticalSignIn.objects.filter(session__project=project).select_related("session", "person", "roster_entry")
            .order_by("session__starts_at", "session_id", "signed_at", "id"))


# --------------------------------------------------------------------------------------------
# The learner
# --------------------------------------------------------------------------------------------


@dataclass
class LearnerSession:
    session: PracticalSession
    signed_at: dt.datetime | None


def learner_sessions(*, user) -> list[LearnerSession]:
    """The sessions of the blended projects the learner is on the roster of, with their sign-ins."""
    if not getattr(user, "person_id", None):
        return []
    sessions = (PracticalSession.objects.filter(project__roster__person_id=user.person_id)
                .exclude(state=SessionState.CANCELLED).select_related("project").order_by("starts_at", "id").distinct())
    signed = dict(PracticalSignIn.objects.filter(person_id=user.person_id).values_list("session_id", "signed_at"))
    return [LearnerSession(session=s, signed_at=signed.get(s.pk)) for s in sessions]
