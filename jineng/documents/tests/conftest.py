"""Fixtures for the documents tests: a 韶关 enterprise with a filed project (outline, roster of
real-name people under contracts, a course with video and text lessons, materials), a
攀枝花 one, and a platform evaluation built through the platforms services. Projects are
written with the ORM (the projects services belong to another app and are not needed to
print forms)."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
from zoneinfo import ZoneInfo

import pytest

from jineng.identity.models import Role
from jineng.identity.services import person_register
from jineng.organizations.services import contract_add
from jineng.regions.services import bureau_upsert

SHANGHAI = ZoneInfo("Asia/Shanghai")
START, END = dt.date(2020, 4, 15), dt.date(2020, 5, 15)

# (name, birth, seq, phone): an odd sequence digit is a man, an even one a woman
PEOPLE = [("李小红", dt.date(1990, 4, 20), 124, "13800000001"),  # 29 on the start date (birthday 5 days later)
          ("王志强", dt.date(1988, 11, 2), 351, "13800000002"),  # 31
          ("欧阳娜娜", dt.date(1995, 4, 15), 552, "13800000003")]  # 25 on her birthday


def shanghai(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SHANGHAI)


def pdf_text(content: bytes, *, first: int | None = None, last: int | None = None) -> str:
    """The PDF's text in drawing order with all whitespace removed, so that a value wrapped
    over two lines of a cell still reads as one string."""
    command = ["pdftotext", "-raw", "-enc", "UTF-8"]
    if first:
        command += ["-f", str(first), "-l", str(last or first)]
    result = subprocess.run([*command, "-", "-"], input=content, capture_output=True, check=True)
    return "".join(result.stdout.decode().split())


def pdf_pages(content: bytes) -> int:
    result = subprocess.run(["pdfinfo", "-"], input=content, capture_output=True, check=True)
    line = next(line for line in result.stdout.decode().splitlines() if line.startswith("Pages:"))
    return int(line.split()[1])


def sheet_rows(content: bytes) -> list[list]:
    """Each row of the only sheet as its non-empty values, in column order."""
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(content)).active
    return [[value for value in row if value not in (None, "")] for row in sheet.iter_rows(values_only=True)]


def squash(text: str) -> str:
    return "".join(text.split())


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = str(root)
    return root


@pytest.fixture
def bureaus(regions):
    zhenjiang, _ = bureau_upsert(region_code="440204", name="韶关市浈江区人力资源和社会保障局", kind="bureau", actor=None)
    centre, _ = bureau_upsert(region_code="440200", name="韶关市职业技能服务中心", kind="service_centre", actor=None)
    dongqu, _ = bureau_upsert(region_code="510402", name="攀枝花市东区人力资源和社会保障局", kind="bureau", actor=None)
    return {"zhenjiang": zhenjiang, "centre": centre, "dongqu": dongqu}


@pytest.fixture
def enterprise(regions, make_organization):
    return make_organization("440204", name="韶关市浈江区丹霞精密制造有限公司")


@pytest.fixture
def institution(regions, make_organization):
    return make_organization("440204", kind="institution", name="韶关市浈江区职业培训学校")


@pytest.fixture
def pzh_enterprise(regions, make_organization):
    return make_organization("510402", name="攀枝花市东区钒钛新材料有限公司")


@pytest.fixture
def training_admin(make_staff, enterprise):
    return make_staff(Role.TRAINING_ADMIN, organization=enterprise, username="danxia_admin")


@pytest.fixture
def reviewer(make_staff, regions):
    return make_staff(Role.COUNTY_REVIEWER, region=regions["zhenjiang"], username="zhenjiang")


@pytest.fixture
def occupation(db):
    from jineng.courses.models import Occupation

    return Occupation.objects.create(code="6-18-01-01", name="车工", levels=[5, 4, 3])


@pytest.fixture
def platform(training_admin):
    from jineng.platforms import services

    return services.platform_register(data=services.PlatformData(
        name="岭南职工云课堂", website="ketang.example.com", icp_number="粤ICP备00000000号-1",
        ip_address="203.0.113.10", server_city="广州市", operator_name="广东岭南职教科技有限公司"),
        actor=training_admin)


@pytest.fixture
def course(institution, make_staff):
    from jineng.learning.tests.factories import add_document, add_video, make_course

    author = make_staff(Role.PLATFORM_OPERATOR, organization=institution, username="course_author")
    course = make_course(provider=institution, created_by=author, title="车工安全操作与职业素养")
    first = course.modules.order_by("position").first()
    add_video(first)
    add_document(first)
    return course


@pytest.fixture
def people(enterprise, id_number_factory):
    """Three employees of the enterprise (the second one dispatched by an agency)."""
    persons = []
    for index, (name, birth, seq, phone) in enumerate(PEOPLE):
        person = person_register(name=name, id_number=id_number_factory("440204", birth, seq), phone=phone, actor=None)
        contract_add(organization=enterprise, person=person, start=dt.date(2019, 1, 1), months=24,
                     dispatched=index == 1, actor=None)
        persons.append(person)
    return persons


OUTLINE = [
    ("安全生产与职业道德", "public", "online", 90, "掌握安全生产法律法规，能辨识车间常见危险源"),
    ("数控车床操作规程", "professional", "online", 180, "熟练完成对刀、程序校验与首件检验"),
    ("车床实操考核", "professional", "offline", 135, "独立完成典型零件加工"),
]


@pytest.fixture
def make_project(training_admin, occupation, platform, bureaus):
    """A project written with the ORM: outline, roster, materials as given."""
    from jineng.projects.models import OutlineModule, Project, ProjectMaterial, RosterEntry

    def factory(*, organization, people=(), number="440204-2020-0007", state="draft", organiser="self",
                institution=None, courses=(), outline=OUTLINE, materials=(), office=None, level=4, **fields):
        moment = shanghai(2020, 4, 1, 10, 0)
        values = dict(
            number=number, organization=organization, organiser=organiser, institution=institution,
            kind="on_the_job", occupation=occupation, level=level, platform=platform,
            name="2020 年数控车工在岗培训", start_date=START, end_date=END,
            purpose="提升数控车工安全操作和质量检验能力，减少首件不良。", planned_headcount=40,
            planned_class_hours=9, contact_name="王晓明", contact_phone="13900139000", state=state,
            reviewing_office=office or bureaus["zhenjiang"], created_by=training_admin, created_at=moment,
            updated_at=moment,
        )
        values.update(fields)
        project = Project.objects.create(**values)
        project.courses.set(courses)
        for position, (title, category, mode, minutes, goals) in enumerate(outline, start=1):
            OutlineModule.objects.create(project=project, position=position, title=title, category=category,
                                         mode=mode, minutes=minutes, goals=goals)
        for position, person in enumerate(people, start=1):
            RosterEntry.objects.create(project=project, position=position, person=person,
                                       contract=person.contracts.first(), platform_account=f"dx{position:03d}",
                                       key_group="migrant_worker" if position == 3 else "", added_at=moment)
        for kind in materials:
            ProjectMaterial.objects.create(project=project, kind=kind, file=f"evidence/projects/{kind}.pdf",
                                           original_name=f"{kind}.pdf", file_type="pdf", size=100, sha256="0" * 64,
                                           uploaded_by=training_admin, uploaded_at=moment)
        return project

    return factory
