"""Fixtures for the platforms tests: 韶关 and 攀枝花 with their service centres, enterprises
with training administrators, officers, platforms registered and requests built through the
real services, and small real PDF / PNG files."""

from __future__ import annotations

import datetime as dt
import struct
import zlib
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jineng.common import clock
from jineng.identity.models import Role
from jineng.platforms import services
from jineng.platforms.models import MaterialGroup, Platform
from jineng.regions.services import bureau_upsert

SHANGHAI = ZoneInfo("Asia/Shanghai")

PDF_BYTES = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Count 0/Kids[]>>endobj\n"
             b"trailer<</Root 1 0 R>>\n%%EOF\n")
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64 + b"This program cannot be run"


def png_bytes(width: int = 2, height: int = 2) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def pdf(name: str = "材料.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def four_materials() -> dict[str, list]:
    return {
        MaterialGroup.CREDENTIALS: [pdf("ICP备案及服务承诺.pdf")],
        MaterialGroup.CONSTRUCTION: [pdf("平台架构与个人信息保护.pdf")],
        MaterialGroup.OPERATION: [SimpleUploadedFile("质量管控体系.png", png_bytes(), content_type="image/png")],
        MaterialGroup.CONTENT: [pdf("课程介绍与培训大纲.pdf")],
    }


COURSES = [
    services.CourseRow("安全生产与职业健康", "安全生产法律法规、危险源辨识", "video", 90),
    services.CourseRow("疫情防控知识", "复工复产防护要点", "document", 45),
]


def stored_files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def shanghai(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = str(root)
    return root


@pytest.fixture
def frozen_clock():
    """Move the one clock; always put it back."""
    yield clock.travel_to
    clock.reset()


@pytest.fixture
def centres(regions):
    sg, _ = bureau_upsert(region_code="440200", name="韶关市职业技能服务中心", kind="service_centre", actor=None)
    pzh, _ = bureau_upsert(region_code="510400", name="攀枝花市人社局职业技能鉴定和培训指导中心",
                           kind="service_centre", actor=None)
    bureau_upsert(region_code="440200", name="韶关市人力资源和社会保障局", kind="bureau", actor=None)
    return {"shaoguan": sg, "panzhihua": pzh}


@pytest.fixture
def enterprise(regions, make_organization):
    return make_organization("440204", name="韶关市浈江区丹霞精密制造有限公司")


@pytest.fixture
def other_enterprise(regions, make_organization):
    return make_organization("440203", name="韶关市武江区顺达物流股份有限公司")


@pytest.fixture
def pzh_enterprise(regions, make_organization):
    return make_organization("510402", name="攀枝花市东区钒钛新材料有限公司")


@pytest.fixture
def institution(regions, make_organization):
    return make_organization("440204", kind="institution", name="韶关市浈江区职业培训学校")


@pytest.fixture
def training_admin(make_staff, enterprise):
    return make_staff(Role.TRAINING_ADMIN, organization=enterprise, username="danxia_admin")


@pytest.fixture
def other_admin(make_staff, other_enterprise):
    return make_staff(Role.TRAINING_ADMIN, organization=other_enterprise, username="shunda_admin")


@pytest.fixture
def pzh_admin(make_staff, pzh_enterprise):
    return make_staff(Role.TRAINING_ADMIN, organization=pzh_enterprise, username="fantai_admin")


@pytest.fixture
def officer(make_staff, regions):
    return make_staff(Role.CITY_OFFICER, region=regions["shaoguan"], username="sg_city")


@pytest.fixture
def province_officer(make_staff, regions):
    return make_staff(Role.CITY_OFFICER, region=regions["guangdong"], username="gd_province")


@pytest.fixture
def pzh_officer(make_staff, regions):
    return make_staff(Role.CITY_OFFICER, region=regions["panzhihua"], username="pzh_city")


@pytest.fixture
def county_reviewer(make_staff, regions):
    return make_staff(Role.COUNTY_REVIEWER, region=regions["zhenjiang"], username="zhenjiang")


@pytest.fixture
def operator(make_staff, institution):
    return make_staff(Role.PLATFORM_OPERATOR, organization=institution, username="school_operator")


@pytest.fixture
def sysadmin(make_staff):
    return make_staff(Role.SYSTEM_ADMIN, username="sysadmin")


@pytest.fixture
def platform(training_admin):
    return services.platform_register(data=services.PlatformData(
        name="岭南职工云课堂", website="ketang.example.com", icp_number="粤ICP备00000000号-1", ip_address="203.0.113.10",
        server_city="广州市", operator_name="广东岭南职教科技有限公司"), actor=training_admin)


@pytest.fixture
def ministry_platform(sysadmin):
    return services.platform_register(data=services.PlatformData(
        name="中国职业培训在线", website="px.class.com.cn", recommendation=Platform.Recommendation.MINISTRY,
        recommendation_source="人社厅函〔2020〕24号"), actor=sysadmin)


@pytest.fixture
def shandong(db):
    from jineng.regions.models import Region

    return Region.objects.create(code="370000", name="山东省", level="province", province_code="370000", city_code="")


@pytest.fixture
def shandong_platform(sysadmin, shandong):
    return services.platform_register(data=services.PlatformData(
        name="行知学徒网", website="www.ixueto.com", recommendation=Platform.Recommendation.PROVINCE,
        recommended_region=shandong, recommendation_source="鲁人社字〔2020〕11号 附件"), actor=sysadmin)


@pytest.fixture
def make_request(centres):
    def factory(*, admin, organization, platform, materials=None, courses=None):
        return services.evaluation_create(
            organization=organization, platform=platform, project_name="2020 年职工线上适岗培训",
            occupation_name="机械加工（检验）", courses=COURSES if courses is None else courses,
            materials=four_materials() if materials is None else materials, actor=admin)

    return factory


@pytest.fixture
def draft(make_request, training_admin, enterprise, platform):
    return make_request(admin=training_admin, organization=enterprise, platform=platform)


@pytest.fixture
def submitted(draft, training_admin, frozen_clock):
    frozen_clock(shanghai(2020, 4, 29, 10, 0))
    return services.evaluation_submit(evaluation=draft, actor=training_admin)
