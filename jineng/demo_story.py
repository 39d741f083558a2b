"""The demo's story: filings, training, certificates, claims and practical sessions, built
through the real services with ``jineng.common.clock`` moved into the recent past, so that
every page of the demo shows believable records rather than empty lists:

1. the projects demo (Panzhihua's routing rules, one Shaoguan filing submitted to 浈江区);
2. two finished projects of 韶关市浈江区丹霞精密制造有限公司 on 焊工（初级）线上理论培训 — filed
   seven working days before the start (韶人社函〔2020〕11号 附件1 二(一) asks for five),
   approved by the 浈江区 reviewer, run and finished; in each, one learner studied every module
   (credited through the heartbeat service), passed the final assessment and holds a
   certificate, and one did not pass. ``claims_load_demo`` then builds a claim for each; the
   first period's claim is submitted (it waits in the 浈江区 reviewer's queue), the second
   stays a draft;
3. a blended project of 攀枝花市东区钒钛新材料有限公司, filed two working days ago, approved and
   started today, with practical sessions (``practicals_load_demo``);
4. the Q&A and notification demos on the welding course.

Dates follow the day the demo is built (``clock.now()``), within the years the working-day
calendar knows (chinese-calendar: up to 2026); a part that cannot be dated is skipped with a
printed line. Running it again finds every object by name and creates nothing twice.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from jineng.common import clock
from jineng.common.errors import DomainError
from jineng.workdays import CalendarYearUnknown

SHANGHAI = ZoneInfo("Asia/Shanghai")
PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Count 0/Kids[]>>endobj\n"
       b"trailer<</Root 1 0 R>>\n%%EOF\n")
DEVICE_PREFIX = "demo-story-"
BEATS_PER_BATCH = 180  # 15 minutes of 5-second beats per request
ORG_PHONE = "0751-8879882"


@dataclass(frozen=True)
class StoryLearner:
    phone: str
    name: str
    hukou: str
    birth: dt.date
    seq: int
    outcome: str  # "passed": every module + final passed; "failed": every module, final failed; "partial"


@dataclass(frozen=True)
class FinishedProject:
    name: str
    ends_days_ago: int
    learners: tuple[StoryLearner, ...]
    submit_claim: bool


FINISHED = (
    FinishedProject("焊工（初级）职工线上适岗培训（第一期）", 33, (
        StoryLearner("13800000006", "周海波", "440204", dt.date(1992, 4, 15), 317, "passed"),
        StoryLearner("13800000007", "吴秀英", "440203", dt.date(1987, 8, 21), 206, "failed"),
    ), submit_claim=True),
    FinishedProject("焊工（初级）职工线上适岗培训（第二期）", 5, (
        StoryLearner("13800000008", "郑伟", "440204", dt.date(1996, 12, 3), 153, "passed"),
        StoryLearner("13800000009", "黄丽娟", "440204", dt.date(1993, 5, 30), 428, "partial"),
    ), submit_claim=False),
)
BLENDED_NAME = "焊工理论线上＋实操线下结合培训"
BLENDED_NEW_LEARNER = StoryLearner("13800000010", "刘洪涛", "510402", dt.date(1990, 10, 10), 215, "")
CONTRACT_START = dt.date(2023, 3, 1)
SHAOGUAN_OUTLINE = [
    # (title, category, minutes, goals)
    ("职业道德与职业素养", "public", 45, "敬业、诚信，遵守操作规程"),
    ("安全生产与疫情防控知识", "public", 90, "焊接作业安全须知，复工复产个人防护"),
    ("焊接基础理论", "professional", 135, "焊条电弧焊原理、常见缺陷与预防"),
]


# --------------------------------------------------------------------------------------------
# Time
# --------------------------------------------------------------------------------------------


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


class Calendar:
    """The working-day calendar read once for the whole story."""

    def __init__(self) -> None:
        from jineng.regions.selectors import working_day_calendar

        self.calendar = working_day_calendar()

    def is_working_day(self, day: dt.date) -> bool:
        return self.calendar.is_working_day(day)

    def add(self, day: dt.date, n: int) -> dt.date:
        return self.calendar.add_working_days(day, n)

    def on_or_after(self, day: dt.date) -> dt.date:
        return day if self.is_working_day(day) else self.add(day, 1)

    def on_or_before(self, day: dt.date) -> dt.date:
        return day if self.is_working_day(day) else self.add(day, -1)

    def knows(self, day: dt.date) -> bool:
        try:
            self.is_working_day(day)
        except CalendarYearUnknown:
            return False
        return True


def _anchor(today: dt.date, calendar: Calendar) -> dt.date | None:
    """Today, or the last day of the latest year the calendar knows when today's year is unknown."""
    if calendar.knows(today):
        return today
    day = dt.date(today.year - 1, 12, 31)
    while day.year >= today.year - 3:
        if calendar.knows(day):
            return day
        day = dt.date(day.year - 1, 12, 31)
    return None


# --------------------------------------------------------------------------------------------
# People
# --------------------------------------------------------------------------------------------


def _learner(spec: StoryLearner, organization):
    """The learner's account (registered as a learner would) and an open-ended labour contract
    with ``organization`` from ``CONTRACT_START``."""
    from jineng.demo import DEMO_PASSWORD, demo_id_number
    from jineng.identity.models import User
    from jineng.identity.services import learner_register

    user = User.objects.filter(username=spec.phone).first() or learner_register(
        name=spec.name, id_number=demo_id_number(spec.hukou, spec.birth, spec.seq), phone=spec.phone,
        password=DEMO_PASSWORD)
    _ensure_contract(user.person, organization, on=CONTRACT_START, start=CONTRACT_START)
    return user


def _ensure_contract(person, organization, *, on: dt.date, start: dt.date | None = None) -> None:
    """A labour contract with ``organization`` in force on ``on``: when there is none, an
    open-ended one from ``start`` (1 January of that year by default) is added."""
    from jineng.organizations.services import contract_add
    from jineng.projects.selectors import contract_for

    if contract_for(person_id=person.pk, organization=organization, on=on) is not None:
        return
    contract_add(organization=organization, person=person, start=start or on.replace(month=1, day=1), months=None,
                 dispatched=False, actor=None)


def _roster_upload(persons: list, start: dt.date) -> SimpleUploadedFile:
    from openpyxl import Workbook

    from jineng.projects.services import ROSTER_COLUMNS

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["企业名称（盖章）：培训人员名册"])
    sheet.append(ROSTER_COLUMNS)
    for position, person in enumerate(persons, start=1):
        birth = person.birth_date
        age = start.year - birth.year - ((start.month, start.day) < (birth.month, birth.day))
        sheet.append([position, person.name, person.get_sex_display(), age, person.id_number, person.phone,
                      person.phone])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("人员名册.xlsx", buffer.getvalue())


# --------------------------------------------------------------------------------------------
# Filing
# --------------------------------------------------------------------------------------------


def _platform():
    from jineng.platforms.demo import JINENG_NAME
    from jineng.platforms.models import Platform

    return Platform.objects.filter(name=JINENG_NAME).first() or Platform.objects.order_by("id").first()


def _draft(*, organization, admin, name: str, delivery: str, start: dt.date, end: dt.date, course,
           outline: list, persons: list, purpose: str, planned_headcount: int):
    """A complete draft: plan, outline, course, roster, materials and the commitment."""
    from jineng.projects import services
    from jineng.projects.models import MaterialKind

    project = services.project_create(data=services.ProjectData(
        organization=organization, kind="on_the_job", occupation=course.occupation, level=course.level,
        platform=_platform(), name=name, start_date=start, end_date=end, purpose=purpose,
        planned_headcount=planned_headcount, planned_class_hours=sum(row.minutes for row in outline) // 45,
        contact_name=str(admin.display_name or admin), contact_phone=ORG_PHONE, delivery=delivery), actor=admin)
    services.project_outline_set(project=project, modules=outline, actor=admin)
    services.project_courses_set(project=project, courses=[course], actor=admin)
    report = services.roster_import_xlsx(project=project, upload=_roster_upload(persons, start), actor=admin)
    if not report.committed:
        problems = "；".join(f"第 {row.row_number} 行 {p.message}" for row in report.error_rows for p in row.problems)
        raise DomainError("demo_roster_invalid", f"演示名册未通过校验：{problems}")
    for kind, filename in ((MaterialKind.BUSINESS_LICENCE, "营业执照.pdf"), (MaterialKind.LABOUR_CONTRACTS, "劳动合同.pdf")):
        services.project_material_add(project=project, kind=kind, upload=SimpleUploadedFile(filename, PDF),
                                      actor=admin)
    return services.project_commitment_accept(project=project, actor=admin)


# --------------------------------------------------------------------------------------------
# Learning and assessment
# --------------------------------------------------------------------------------------------


def _study_lesson(module):
    from jineng.courses.models import Lesson

    lessons = list(module.lessons.exclude(kind=Lesson.Kind.LIVE).order_by("position", "pk"))
    preferred = [lesson for lesson in lessons if lesson.kind in (Lesson.Kind.DOCUMENT, Lesson.Kind.VIDEO)]
    return (preferred or lessons or [None])[0]


def _study(user, module, minutes: int, start: dt.datetime) -> None:
    """Study ``minutes`` of ``module`` from ``start`` through the real session and heartbeat
    services: 5-second beats, visible and focused, sent every 15 minutes; presence prompts are
    answered at once."""
    from jineng.learning.services import Beat, heartbeats_record, presence_answer, session_end, session_start

    lesson = _study_lesson(module)
    if lesson is None:
        return
    clock.travel_to(start)
    device = f"{DEVICE_PREFIX}{user.username}"
    session = session_start(actor=user, lesson=lesson, device_id=device,
                            user_agent="Mozilla/5.0 (Linux; Android 13) Chrome/120.0 Mobile")
    left, seq = minutes * 12, 1
    while left:
        count = min(left, BEATS_PER_BATCH)
        clock.advance(seconds=count * 5)
        result = heartbeats_record(actor=user, session_id=session.pk, device_id=device, beats=[
            Beat(seq=seq + i, lesson=lesson.pk, position=None, rate=1.0, visible=True, focused=True, dur=5.0)
            for i in range(count)])
        if result.presence_id:
            presence_answer(actor=user, session_id=session.pk, check_id=result.presence_id)
        seq += count
        left -= count
    session_end(actor=user, session_id=session.pk)


def _answer(item, right: bool):
    from jineng.exams.models import QuestionKind

    correct = set(item.correct)
    if item.kind == QuestionKind.FILL:
        return item.correct[0] if right else "不清楚"
    if right:
        return [o["key"] for o in item.options if o["choice"] in correct]
    wrong = [o["key"] for o in item.options if o["choice"] not in correct]
    if not wrong:  # every option is right (多选 ABCD): choosing only one is wrong
        return [item.options[0]["key"]]
    return [sorted(wrong)[0]]


def _sit_final(user, exam, *, start: dt.datetime, right_share: float, ip: str):
    """One attempt at the final assessment through the exam services; the first ``right_share``
    of the questions answered right, the rest wrong."""
    from jineng.exams import services as exam_services

    clock.travel_to(start)
    agent = "Mozilla/5.0 (Linux; Android 13) Chrome/120.0 Mobile"
    attempt = exam_services.attempt_start(exam=exam, actor=user, ip=ip, user_agent=agent)
    items = list(attempt.items.order_by("position"))
    right = round(len(items) * right_share)
    clock.advance(seconds=60 * 17)
    exam_services.attempt_answers_save(attempt=attempt, actor=user, ip=ip, user_agent=agent,
                                       answers={item.position: _answer(item, i < right) for i, item in enumerate(items)})
    clock.advance(seconds=60 * 2)
    return exam_services.attempt_submit(attempt=attempt, actor=user, ip=ip, user_agent=agent)


def _learn(user, *, course, exam, outcome: str, days: list[dt.date], exam_day: dt.date, index: int) -> None:
    """What one roster learner did during the project (nothing twice: an enrolment with credited
    time has studied, one with an attempt has sat the assessment)."""
    from jineng.certificates.services import certificate_issue
    from jineng.exams.models import Attempt
    from jineng.learning.models import Enrolment

    enrolment = Enrolment.objects.get(person=user.person, course=course)
    modules = list(course.modules.order_by("position", "pk"))
    if enrolment.credited_ms == 0:
        plan = modules if outcome in ("passed", "failed") else modules[:1]
        first_day, second_day = days[0], days[-1]
        evening = 19 + index  # the learners do not study at the same minute
        moment = _at(first_day, evening, 0)
        for position, module in enumerate(plan):
            if position == 2:  # the professional module on the second day
                moment = _at(second_day, evening, 0)
            _study(user, module, module.planned_minutes, moment)
            moment = clock.now() + dt.timedelta(minutes=5)
    if exam is None or outcome == "partial":
        return
    if not Attempt.objects.filter(enrolment=enrolment, exam=exam).exists():
        _sit_final(user, exam, start=_at(exam_day, 14 + index, 0), right_share=0.9 if outcome == "passed" else 0.4,
                   ip=f"10.20.0.{11 + index}")
    if outcome == "passed":
        clock.travel_to(_at(exam_day, 16, 30))
        certificate_issue(enrolment=enrolment, actor=user)


# --------------------------------------------------------------------------------------------
# The story
# --------------------------------------------------------------------------------------------


@dataclass
class Cast:
    admin_user: object
    sg_org: object
    sg_admin: object
    zhenjiang: object
    pzh_org: object
    pzh_admin: object
    pzh_reviewer: object
    operator: object
    welding: object
    learners: list


def _cast(welding):
    from jineng.demo import LEARNERS, ORGANIZATIONS, demo_credit_code
    from jineng.identity.models import User
    from jineng.organizations.models import Organization

    codes = {key: demo_credit_code(region, serial) for key, _k, _n, region, serial, *_ in ORGANIZATIONS}
    users = {u.username: u for u in User.objects.filter(username__in=[
        "admin", "danxia_admin", "zhenjiang", "fantai_admin", "pzh_dongqu", "school_operator",
        *[row[0] for row in LEARNERS]])}
    return Cast(
        admin_user=users["admin"], sg_org=Organization.objects.get(credit_code=codes["sg_mfg"]),
        sg_admin=users["danxia_admin"], zhenjiang=users["zhenjiang"],
        pzh_org=Organization.objects.get(credit_code=codes["pzh_vt"]), pzh_admin=users["fantai_admin"],
        pzh_reviewer=users["pzh_dongqu"], operator=users["school_operator"], welding=welding,
        learners=[users[row[0]] for row in LEARNERS])


def _shaoguan_outline():
    from jineng.projects import services

    return [services.OutlineRow(title, category, minutes, goals) for title, category, minutes, goals in SHAOGUAN_OUTLINE]


def _platform_evaluation(*, cast: Cast, anchor: dt.date, calendar: Calendar, stdout) -> None:
    """Shaoguan files only on an evaluated platform (韶人社函〔2020〕11号 一): the enterprise had
    jineng evaluated by the city's service centre well before its first filing."""
    from jineng.identity.models import User
    from jineng.platforms.demo import _evaluation
    from jineng.platforms.models import EvaluationStatus, PlatformEvaluation

    platform = _platform()
    done = PlatformEvaluation.objects.filter(organization=cast.sg_org, platform=platform,
                                             status=EvaluationStatus.APPROVED).exists()
    if not done:
        clock.travel_to(_at(calendar.on_or_after(anchor - dt.timedelta(days=90)), 10, 0))
        _evaluation(organization=cast.sg_org, platform=platform, approve=True,
                    officer=User.objects.get(username="sg_city"), stdout=stdout)
    stdout(f"平台评估：{cast.sg_org.name} 使用“{platform.name}”已通过韶关市职业技能服务中心评估")


def _finished_project(spec: FinishedProject, *, cast: Cast, anchor: dt.date, calendar: Calendar, stdout):
    """File, approve, run and finish one Shaoguan project in the past (or carry on where an
    interrupted run stopped)."""
    from jineng.exams.selectors import final_assessment_of
    from jineng.projects import services
    from jineng.projects.models import Project, ProjectState

    project = Project.objects.filter(organization=cast.sg_org, name=spec.name).first()
    if project is not None and project.state == ProjectState.FINISHED:
        stdout(f"已结束的培训项目：{project.number} {project.name}（已有，不再重建）")
        return project
    if project is None:
        end = calendar.on_or_before(anchor - dt.timedelta(days=spec.ends_days_ago))
        start = calendar.on_or_after(end - dt.timedelta(days=9))
    else:
        start, end = project.start_date, project.end_date
    filed = calendar.add(start, -7)
    approved = calendar.add(filed, 2)
    study_days = [calendar.on_or_after(start), calendar.add(calendar.on_or_after(start), 1)]
    exam_day = calendar.on_or_before(end)
    clock.travel_to(_at(calendar.add(filed, -3), 11, 0))  # the new hires register before the filing
    users = [_learner(learner, cast.sg_org) for learner in spec.learners]
    for user in users:
        _ensure_contract(user.person, cast.sg_org, on=start)
    if project is None:
        clock.travel_to(_at(filed, 9, 30))
        project = _draft(organization=cast.sg_org, admin=cast.sg_admin, name=spec.name, delivery="online", start=start,
                         end=end, course=cast.welding, outline=_shaoguan_outline(), persons=[u.person for u in users],
                         purpose="新入职和转岗焊工的岗位安全与焊接基础理论培训，提升职工适岗能力",
                         planned_headcount=len(users))
    if project.state in (ProjectState.DRAFT, ProjectState.RETURNED):
        clock.travel_to(_at(filed, 10, 0))
        project = services.project_submit(project=project, actor=cast.sg_admin)
    if project.state == ProjectState.SUBMITTED:
        clock.travel_to(_at(approved, 15, 0))
        project = services.project_approve(project=project, actor=cast.zhenjiang,
                                           comment="材料齐全，培训计划和名册符合要求，同意备案。").project
    if project.state == ProjectState.APPROVED:
        clock.travel_to(_at(start, 8, 30))
        project = services.project_start(project=project, actor=cast.sg_admin)
    exam = final_assessment_of(course=cast.welding)
    for index, (spec_learner, user) in enumerate(zip(spec.learners, users, strict=True)):
        _learn(user, course=cast.welding, exam=exam, outcome=spec_learner.outcome, days=study_days,
               exam_day=exam_day, index=index)
    clock.travel_to(_at(end, 17, 30))
    project = services.project_finish(project=project, actor=cast.sg_admin)
    clock.reset()
    stdout(f"已结束的培训项目：{project.number} {project.name}（{start:%m月%d日}–{end:%m月%d日}，"
           f"{len(users)} 人；{'、'.join(f'{s.name}{_OUTCOME[s.outcome]}' for s in spec.learners)}）")
    return project


_OUTCOME = {"passed": "考核合格并获证书", "failed": "考核未通过", "partial": "未学完、未参加考核"}


def _claims(*, cast: Cast, projects: list, now: dt.datetime, stdout) -> None:
    from jineng.claims import services as claim_services
    from jineng.claims.demo import claims_load_demo
    from jineng.claims.models import Claim, ClaimState

    clock.travel_to(now)
    claims_load_demo(stdout=stdout)
    summary = []
    for spec, project in projects:
        claim = Claim.objects.filter(project=project).order_by("pk").first()
        if claim is None:
            continue
        if spec.submit_claim and claim.state == ClaimState.DRAFT:
            try:
                claim = claim_services.claim_submit(claim=claim, actor=cast.sg_admin)
            except DomainError as exc:
                stdout(f"补贴申请 {claim.number} 未提交：{exc.message}")
        summary.append(f"{claim.number} {claim.get_state_display()}")
    if summary:
        stdout(f"补贴申请（丹霞精密）：{'；'.join(summary)}")


def _blended_project(*, cast: Cast, today: dt.date, now: dt.datetime, calendar: Calendar, stdout):
    """A blended Panzhihua project: filed two working days ago (攀人社发〔2020〕33号 sets no lead
    time), approved and started today; its end lies within the year the calendar knows."""
    from jineng.projects import services
    from jineng.projects.models import OutlineModule, Project, ProjectState

    project = Project.objects.filter(organization=cast.pzh_org, name=BLENDED_NAME).first()
    if project is None:
        if not calendar.knows(today):
            stdout(f"工作日历未录入 {today.year} 年，跳过线上线下结合的演示项目和线下实操")
            return None
        last_known = dt.date(today.year, 12, 31)
        end = min(today + dt.timedelta(days=13), last_known) if calendar.knows(last_known) else today
        start = today
        filed = calendar.add(start, -2)
        clock.travel_to(_at(filed, 9, 0))
        newcomer = _learner(BLENDED_NEW_LEARNER, cast.pzh_org)
        zhang = cast.learners[2]  # 张丽, the demo learner of the Panzhihua enterprise
        for user in (zhang, newcomer):
            _ensure_contract(user.person, cast.pzh_org, on=start)
        outline = [
            services.OutlineRow("职业道德与安全生产", OutlineModule.Category.PUBLIC, 135, "安全意识、法律法规、疫情防控"),
            services.OutlineRow("焊接基础理论", OutlineModule.Category.PROFESSIONAL, 135, "焊条电弧焊原理与常见缺陷"),
            services.OutlineRow("焊条电弧焊实操", OutlineModule.Category.PROFESSIONAL, 180, "平焊、立焊基本操作，接线与安全检查",
                                OutlineModule.Mode.OFFLINE),
        ]
        clock.travel_to(_at(filed, 10, 0))
        project = _draft(organization=cast.pzh_org, admin=cast.pzh_admin, name=BLENDED_NAME, delivery="blended",
                         start=start, end=end, course=cast.welding, outline=outline,
                         persons=[zhang.person, newcomer.person], planned_headcount=10,
                         purpose="理论部分线上学习，实操部分在企业实训车间分批进行，提升职工焊接操作技能")
    if project.state in (ProjectState.DRAFT, ProjectState.RETURNED):
        filed = calendar.add(project.start_date, -2)
        clock.travel_to(_at(filed, 10, 30) if filed < today else now)
        project = services.project_submit(project=project, actor=cast.pzh_admin)
    clock.travel_to(now)
    if project.state == ProjectState.SUBMITTED:
        project = services.project_approve(project=project, actor=cast.pzh_reviewer,
                                           comment="同意备案。线下实操请按计划安排并组织现场签到。").project
    if project.state == ProjectState.APPROVED and project.start_date <= today:
        project = services.project_start(project=project, actor=cast.pzh_admin)
    stdout(f"线上线下结合项目：{project.number} {project.name}（{project.get_state_display()}，"
           f"{project.start_date:%m月%d日}–{project.end_date:%m月%d日}）")
    return project


def _practicals(project, *, cast: Cast, now: dt.datetime, stdout) -> None:
    from jineng.practicals.demo import practicals_load_demo

    clock.travel_to(now)
    practicals_load_demo(project=project, organiser=cast.pzh_admin, stdout=stdout)


def _questions_and_notifications(*, cast: Cast, now: dt.datetime, stdout) -> None:
    from jineng.notifications.demo import load_demo as notifications_load_demo
    from jineng.question_threads.demo import load_demo as question_threads_load_demo

    clock.travel_to(now)
    question_threads_load_demo(course=cast.welding, teacher=cast.operator, learners=cast.learners[:3], stdout=stdout)
    notifications_load_demo(users=cast.learners, stdout=stdout)


def _step(stdout: Callable[[str], None], label: str, function: Callable[[], object]):
    """Run one part of the story; a part the calendar cannot date is skipped with a message."""
    try:
        return function()
    except CalendarYearUnknown as exc:
        stdout(f"{label}：工作日历未录入 {exc.year} 年，跳过")
    except DomainError as exc:
        if exc.code != CalendarYearUnknown.code:
            raise
        stdout(f"{label}：{exc.message}（跳过）")
    finally:
        clock.reset()
    return None


def story_load_demo(*, welding, stdout=print) -> list[tuple[str, str, str]]:
    """Build the story (see the module's docstring). Returns the accounts of the learners it adds
    as (phone, name, organisation name)."""
    from jineng.projects.demo import load_demo as projects_load_demo

    cast = _cast(welding)
    now = clock.now()
    today = timezone.localdate(now)
    calendar = Calendar()
    try:
        _step(stdout, "备案演示", lambda: projects_load_demo(actor=cast.admin_user, training_admin=cast.sg_admin,
                                                         organization=cast.sg_org, stdout=stdout))
        anchor = _anchor(today, calendar)
        finished: list = []
        if anchor is not None:
            _step(stdout, "平台评估", lambda: _platform_evaluation(cast=cast, anchor=anchor, calendar=calendar,
                                                              stdout=stdout))
        if anchor is None:
            stdout("工作日历不认识近几年，跳过已结束的演示培训项目")
        else:
            for spec in FINISHED:
                project = _step(stdout, spec.name, lambda spec=spec: _finished_project(
                    spec, cast=cast, anchor=anchor, calendar=calendar, stdout=stdout))
                if project is not None:
                    finished.append((spec, project))
        _step(stdout, "补贴申请", lambda: _claims(cast=cast, projects=finished, now=now, stdout=stdout))
        blended = _step(stdout, "线上线下结合项目",
                        lambda: _blended_project(cast=cast, today=today, now=now, calendar=calendar, stdout=stdout))
        if blended is not None:
            _step(stdout, "线下实操", lambda: _practicals(blended, cast=cast, now=now, stdout=stdout))
        _step(stdout, "答疑与通知", lambda: _questions_and_notifications(cast=cast, now=now, stdout=stdout))
    finally:
        clock.reset()
    accounts = []
    for spec in [*(learner for project in FINISHED for learner in project.learners), BLENDED_NEW_LEARNER]:
        organization = cast.pzh_org if spec is BLENDED_NEW_LEARNER else cast.sg_org
        accounts.append((spec.phone, spec.name, organization.name))
    return accounts


def story_notes(*, base_url: str) -> list[str]:
    """Where to look in the demo: certificate holders and their public check, claims, the
    reviewers' queues, practical sessions. Read from the database (nothing if the story is absent)."""
    from django.urls import reverse

    from jineng.certificates.models import Certificate, CertificateStatus
    from jineng.claims.models import Claim
    from jineng.practicals.models import PracticalSession
    from jineng.projects.models import Project, ProjectState

    lines = []
    for certificate in (Certificate.objects.filter(status=CertificateStatus.VALID).select_related("person__user")
                        .order_by("number")[:10]):
        user = getattr(certificate.person, "user", None)
        who = f"{certificate.person.name}（{user.username}）" if user else certificate.person.name
        lines.append(f"培训合格证书 {certificate.number}：{who}；公开核验 "
                     f"{base_url}{reverse('certificates:verify', args=[certificate.token])}")
    for claim in Claim.objects.select_related("project").order_by("pk")[:10]:
        lines.append(f"补贴申请 {claim.number}（{claim.project.name}）：{claim.get_state_display()}，审定 {claim.judged_total} 元"
                     f" — {base_url}{reverse('claims:detail', args=[claim.pk])}")
    if Claim.objects.exists():
        lines.append(f"补贴审核队列（zhenjiang）：{base_url}{reverse('claims:queue')}；公示：{base_url}{reverse('claims:notices')}")
    waiting = Project.objects.filter(state=ProjectState.SUBMITTED).count()
    if waiting:
        lines.append(f"备案审核队列（zhenjiang）：{waiting} 件待审核 — {base_url}{reverse('projects:queue')}")
    for project in Project.objects.filter(delivery="blended", state=ProjectState.RUNNING).order_by("pk"):
        sessions = list(PracticalSession.objects.filter(project=project).order_by("starts_at"))
        if sessions:
            lines.append(f"线下实操（fantai_admin）：{project.name} {len(sessions)} 场，签到大屏 "
                         f"{base_url}{reverse('practicals:display', args=[sessions[0].pk])}")
    return lines
