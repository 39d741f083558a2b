"""Fixtures for the projects tests: 韶关 (浈江区) and 攀枝花 (东区) with their bureaus and
centres, enterprises with employees under labour contracts, a published course, a
ministry-recommended platform, and a filing ready to submit — all through the real services.
The clock stands on Wednesday 2020-04-01 10:00 in Shanghai (Qingming: 4–6 April off)."""

from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jineng.common import clock
from jineng.identity.models import Role
from jineng.identity.services import person_register
from jineng.organizations.services import contract_add
from jineng.projects import services
from jineng.projects.models import MaterialKind, OutlineModule
from jineng.regions.services import bureau_upsert

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2020, 4, 1, 10, 0, tzinfo=SHANGHAI)
START = dt.date(2020, 4, 15)
END = dt.date(2020, 4, 30)
PDF_BYTES = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Count 0/Kids[]>>endobj\n"
             b"trailer<</Root 1 0 R>>\n%%EOF\n")
HEADER = ["序号", "姓名", "性别", "年龄", "身份证号", "联系电话", "平台登录账号"]

# (name, birth, seq, sex) — an odd sequence digit is a man, an even one a woman
EMPLOYEES = [("李小红", dt.date(1990, 3, 7), 124, "女"), ("王志强", dt.date(1988, 11, 2), 351, "男"),
             ("张丽", dt.date(1995, 6, 18), 552, "女")]


def shanghai(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SHANGHAI)


def pdf(name: str = "材料.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def xlsx_file(rows: list[list], *, header: list | None = None, name: str = "名册.xlsx",
              title: str | None = None) -> SimpleUploadedFile:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    if title:
        sheet.append([title])
    sheet.append(header or HEADER)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(),
                              content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = str(root)
    return root


@pytest.fixture(autouse=True)
def frozen_clock():
    clock.travel_to(NOW)
    yield clock.travel_to
    clock.reset()


@pytest.fixture
def bureaus(regions):
    made = {}
    for key, code, name, kind in [
        ("zhenjiang", "440204", "韶关市浈江区人力资源和社会保障局", "bureau"),
        ("wujiang", "440203", "韶关市武江区人力资源和社会保障局", "bureau"),
        ("shaoguan", "440200", "韶关市人力资源和社会保障局", "bureau"),
        ("dongqu", "510402", "攀枝花市东区人力资源和社会保障局", "bureau"),
        ("pzh_centre", "510400", "攀枝花市人社局职业技能鉴定和培训指导中心", "service_centre"),
        ("pzh_jobs", "510400", "攀枝花市人社局就业创业促进中心", "service_centre"),
        ("pzh_finance", "510400", "攀枝花市财政局", "finance"),
    ]:
        made[key], _ = bureau_upsert(region_code=code, name=name, kind=kind, actor=None)
    return made


@pytest.fixture
def enterprise(regions, make_organization):
    return make_organization("440204", name="韶关市浈江区丹霞精密制造有限公司")


@pytest.fixture
def institution(regions, make_organization):
    return make_organization("440204", kind="institution", name="韶关市浈江区职业培训学校")


@pytest.fixture
def pzh_enterprise(regions, make_organization):
    return make_organization("510402", size="large", name="攀钢集团有限公司")


@pytest.fixture
def training_admin(make_staff, enterprise):
    return make_staff(Role.TRAINING_ADMIN, organization=enterprise, username="danxia_admin")


@pytest.fixture
def institution_admin(make_staff, institution):
    return make_staff(Role.TRAINING_ADMIN, organization=institution, username="school_admin")


@pytest.fixture
def pzh_admin(make_staff, pzh_enterprise):
    return make_staff(Role.TRAINING_ADMIN, organization=pzh_enterprise, username="pangang_admin")


@pytest.fixture
def reviewer(make_staff, regions):
    return make_staff(Role.COUNTY_REVIEWER, region=regions["zhenjiang"], username="zhenjiang")


@pytest.fixture
def wujiang_reviewer(make_staff, regions):
    return make_staff(Role.COUNTY_REVIEWER, region=regions["wujiang"], username="wujiang")


@pytest.fixture
def officer(make_staff, regions):
    return make_staff(Role.CITY_OFFICER, region=regions["shaoguan"], username="sg_city")


@pytest.fixture
def pzh_officer(make_staff, regions):
    return make_staff(Role.CITY_OFFICER, region=regions["panzhihua"], username="pzh_city")


@pytest.fixture
def dongqu_reviewer(make_staff, regions):
    return make_staff(Role.COUNTY_REVIEWER, region=regions["dongqu"], username="pzh_dongqu")


@pytest.fixture
def sysadmin(make_staff):
    return make_staff(Role.SYSTEM_ADMIN, username="sysadmin")


@pytest.fixture
def employees(enterprise, id_number_factory):
    """Three employees of the enterprise with 24-month contracts from 2019-01-01."""
    persons = []
    for number, (name, birth, seq, _sex) in enumerate(EMPLOYEES, start=1):
        person = person_register(name=name, id_number=id_number_factory("440204", birth, seq),
                                 phone=f"1380000000{number}", actor=None)
        contract_add(organization=enterprise, person=person, start=dt.date(2019, 1, 1), months=24, dispatched=False,
                     actor=None)
        persons.append(person)
    return persons


def roster_row(position: int, person_index: int, id_number_factory, **overrides) -> list:
    name, birth, seq, sex = EMPLOYEES[person_index]
    row = {"序号": position, "姓名": name, "性别": sex, "年龄": age_on(birth, NOW.date()),
           "身份证号": id_number_factory("440204", birth, seq), "联系电话": f"1380000000{person_index + 1}",
           "平台登录账号": f"dx{person_index + 1:03d}"}
    row.update(overrides)
    return [row[h] for h in HEADER]


@pytest.fixture
def roster_rows(employees, id_number_factory):
    return [roster_row(i + 1, i, id_number_factory) for i in range(len(EMPLOYEES))]


@pytest.fixture
def occupation(db):
    from jineng.courses.models import Occupation

    return Occupation.objects.create(code="6-18-01-01", name="车工", levels=[5, 4, 3])


@pytest.fixture
def course(institution, make_staff, occupation):
    from jineng.learning.tests.factories import make_course

    author = make_staff(Role.PLATFORM_OPERATOR, organization=institution, username="course_author")
    return make_course(provider=institution, created_by=author, title="车工安全操作与职业素养")


@pytest.fixture
def platform(db):
    from jineng.platforms.models import Platform
    from jineng.platforms.services import PlatformData, platform_register

    return platform_register(data=PlatformData(
        name="中国职业培训在线", website="px.class.com.cn", recommendation=Platform.Recommendation.MINISTRY,
        recommendation_source="人社厅函〔2020〕24号"), actor=None)


def plan(organization, occupation, platform, **overrides) -> services.ProjectData:
    values = dict(
        organization=organization, kind="on_the_job", occupation=occupation, level=5, platform=platform,
        name="2020 年车工在岗线上培训", start_date=START, end_date=END, purpose="提升车工安全操作与岗位技能",
        planned_headcount=3, planned_class_hours=4, contact_name="黄小燕", contact_phone="0751-8879882",
    )
    values.update(overrides)
    return services.ProjectData(**values)


OUTLINE = [services.OutlineRow("职业道德与安全生产", OutlineModule.Category.PUBLIC, 90, "安全意识"),
           services.OutlineRow("车床操作要领", OutlineModule.Category.PROFESSIONAL, 90, "掌握基本操作")]


@pytest.fixture
def draft(training_admin, enterprise, occupation, platform, bureaus):
    return services.project_create(data=plan(enterprise, occupation, platform), actor=training_admin)


@pytest.fixture
def ready(draft, training_admin, course, roster_rows):
    """A draft with everything a submission needs."""
    services.project_outline_set(project=draft, modules=OUTLINE, actor=training_admin)
    services.project_courses_set(project=draft, courses=[course], actor=training_admin)
    report = services.roster_import_xlsx(project=draft, upload=xlsx_file(roster_rows), actor=training_admin)
    assert report.committed, [(r.row_number, [p.code for p in r.problems]) for r in report.error_rows]
    services.project_material_add(project=draft, kind=MaterialKind.BUSINESS_LICENCE, upload=pdf("营业执照.pdf"),
                                  actor=training_admin)
    services.project_material_add(project=draft, kind=MaterialKind.LABOUR_CONTRACTS, upload=pdf("劳动合同.pdf"),
                                  actor=training_admin)
    services.project_commitment_accept(project=draft, actor=training_admin)
    draft.refresh_from_db()
    return draft


@pytest.fixture
def submitted(ready, training_admin):
    return services.project_submit(project=ready, actor=training_admin)
