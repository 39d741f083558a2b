"""Demo data for training projects, built through the services and idempotent:

* 攀枝花 (攀人社发〔2020〕33号 四(一)): the four large enterprises that apply to the city's
  职业技能鉴定和培训指导中心 (攀钢、十九冶、攀煤、钢城集团, registered here as demo
  organisations) and the rule that sends university students to the 就业创业促进中心;
* 韶关: one filing by the given enterprise, submitted to its county bureau so that the
  reviewer's queue has something in it (skipped, with a message, when the working-day
  calendar does not know the coming weeks or there is no published course).
"""

from __future__ import annotations

import datetime as dt
import io

from django.core.files.uploadedfile import SimpleUploadedFile

from jineng.organizations.credit_codes import credit_code_with_check_digit
from jineng.organizations.models import Contract, Organization
from jineng.organizations.services import contract_add, organization_register
from jineng.projects import selectors, services
from jineng.projects.models import MaterialKind, OutlineModule, Project, RoutingRule
from jineng.regions.models import Bureau, Region

SOURCE = "攀人社发〔2020〕33号 四(一)"
PANZHIHUA_LARGE = [
    # (name, county, serial, legal representative, address)
    ("攀钢集团有限公司", "510402", "MA62PG01", "段向东", "攀枝花市东区向阳村"),
    ("中国十九冶集团有限公司", "510403", "MA62TJ02", "宋德伟", "攀枝花市西区清香坪"),
    ("攀枝花煤业（集团）有限责任公司", "510411", "MA62PM03", "李建华", "攀枝花市仁和区宝兴路"),
    ("攀钢集团钢城企业总公司", "510402", "MA62GC04", "王成刚", "攀枝花市东区长寿路"),
]
PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Count 0/Kids[]>>endobj\n"
       b"trailer<</Root 1 0 R>>\n%%EOF\n")
DEMO_PROJECT_NAME = "演示：职工线上在岗培训（安全生产与岗位技能）"


def load_demo(*, actor, training_admin=None, organization: Organization | None = None, stdout=print) -> None:
    """``actor``: a system administrator (sets the city's routing rules); ``training_admin`` and
    ``organization``: the Shaoguan enterprise whose demo filing is created and submitted."""
    _panzhihua_rules(actor=actor, stdout=stdout)
    if training_admin is not None and organization is not None:
        _shaoguan_filing(training_admin=training_admin, organization=organization, stdout=stdout)


def _panzhihua_rules(*, actor, stdout) -> None:
    city = Region.objects.filter(code="510400").first()
    centre = Bureau.objects.filter(region_id="510400", name="攀枝花市人社局职业技能鉴定和培训指导中心").first()
    jobs = Bureau.objects.filter(region_id="510400", name="攀枝花市人社局就业创业促进中心").first()
    if city is None or centre is None or jobs is None:
        stdout("攀枝花的人社部门尚未载入，跳过分派规则（先运行 regions_load_demo_bureaus）")
        return
    for name, county, serial, legal, address in PANZHIHUA_LARGE:
        code = credit_code_with_check_digit(f"91{county}{serial}X"[:17])
        organization = Organization.objects.filter(credit_code=code).first() or organization_register(
            kind="enterprise", name=name, credit_code=code, region_code=county, address=address,
            legal_representative=legal, size="large", actor=None)
        if not RoutingRule.objects.filter(city=city, organization=organization, active=True).exists():
            services.routing_rule_create(city=city, match=RoutingRule.Match.ORGANIZATION, organization=organization,
                                         office=centre, source=SOURCE, note="攀钢、十九冶、攀煤、钢城集团向市人社局职业技能鉴定和培训指导中心申请",
                                         actor=actor)
    if not RoutingRule.objects.filter(city=city, match=RoutingRule.Match.LEARNER_GROUP, active=True).exists():
        services.routing_rule_create(city=city, match=RoutingRule.Match.LEARNER_GROUP,
                                     learner_group=RoutingRule.LearnerGroup.UNIVERSITY_STUDENT, office=jobs,
                                     source=SOURCE, note="在校大学生向市人社局就业创业促进中心申请", actor=actor)
    stdout("攀枝花备案分派规则：4 家大型企业 → 市鉴定和培训指导中心；在校大学生 → 市就业创业促进中心")


def _roster_file(rows: list[list]) -> SimpleUploadedFile:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(services.ROSTER_COLUMNS)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("人员名册.xlsx", buffer.getvalue())


def _shaoguan_filing(*, training_admin, organization: Organization, stdout) -> None:
    from jineng.courses.selectors import courses_published
    from jineng.platforms.models import Platform
    from jineng.regions.selectors import add_working_days
    from jineng.workdays import CalendarYearUnknown

    if Project.objects.filter(organization=organization, name=DEMO_PROJECT_NAME).exists():
        return
    course = courses_published().order_by("id").first()
    # A ministry-recommended platform needs no evaluation before filing (韶人社函〔2020〕11号 一).
    platform = (Platform.objects.filter(recommendation=Platform.Recommendation.MINISTRY).order_by("id").first()
                or Platform.objects.order_by("id").first())
    occupation = course.occupation if course else None
    today = selectors.today()
    try:
        start = add_working_days(today, 10)
    except CalendarYearUnknown:
        stdout("工作日历尚未录入未来几周，跳过演示备案")
        return
    if course is None or platform is None:
        stdout("没有已发布的课程或平台，跳过演示备案")
        return
    persons = []
    for contract in Contract.objects.filter(organization=organization).select_related("person").order_by("id"):
        if selectors.contract_for(person_id=contract.person_id, organization=organization, on=start) is None:
            contract_add(organization=organization, person=contract.person, start=today.replace(month=1, day=1),
                         months=None, dispatched=False, actor=None)
        if contract.person not in persons:
            persons.append(contract.person)
    if not persons:
        stdout("该企业没有职工，跳过演示备案")
        return
    project = services.project_create(data=services.ProjectData(
        organization=organization, kind="on_the_job", occupation=occupation, level=course.level, platform=platform,
        name=DEMO_PROJECT_NAME, start_date=start, end_date=start + dt.timedelta(days=20),
        purpose="提升职工安全生产意识和岗位操作技能", planned_headcount=len(persons), planned_class_hours=4,
        contact_name=str(training_admin), contact_phone="0751-8879882"), actor=training_admin)
    services.project_outline_set(project=project, actor=training_admin, modules=[
        services.OutlineRow("职业道德与安全生产", OutlineModule.Category.PUBLIC, 90, "安全意识、法律法规"),
        services.OutlineRow("岗位操作技能", OutlineModule.Category.PROFESSIONAL, 90, "掌握岗位操作要领")])
    services.project_courses_set(project=project, courses=[course], actor=training_admin)
    rows = []
    for position, person in enumerate(persons, start=1):
        age = start.year - person.birth_date.year - ((start.month, start.day) < (person.birth_date.month,
                                                                                 person.birth_date.day))
        rows.append([position, person.name, person.get_sex_display(), age, person.id_number,
                     person.phone or f"1380000{position:04d}", f"demo{position:03d}"])
    services.roster_import_xlsx(project=project, upload=_roster_file(rows), actor=training_admin,
                               import_valid_rows=True)
    for kind, name in ((MaterialKind.BUSINESS_LICENCE, "营业执照.pdf"), (MaterialKind.LABOUR_CONTRACTS, "劳动合同.pdf")):
        services.project_material_add(project=project, kind=kind, upload=SimpleUploadedFile(name, PDF),
                                      actor=training_admin)
    services.project_commitment_accept(project=project, actor=training_admin)
    project = services.project_submit(project=project, actor=training_admin)
    stdout(f"演示备案 {project.number} 已提交{project.reviewing_office.name}")
