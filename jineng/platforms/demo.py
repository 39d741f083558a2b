"""Demo platforms, built through the real services. Running it again finds what exists (by
platform name, by enterprise and platform, by city and platform) and creates nothing twice.

* the first batch of platforms recommended by 山东省人社厅 (鲁人社字〔2020〕11号 附件
  “线上培训平台推荐名单（第一批）”: names, websites and contacts as printed);
* 中国职业培训在线, opened free of charge by the ministry (人社厅函〔2020〕24号, cited by
  韶人社函〔2020〕11号 一), so no evaluation is needed;
* jineng itself, operated by the demo training institution;
* one third-party platform (an invented example: ``example.com`` and documentation IP
  addresses) that one 韶关 enterprise has had approved and another has pending, with its
  due date, at 韶关市职业技能服务中心;
* 韶关's filing of the platforms it uses with the province.
"""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from jineng.common.errors import DomainError
from jineng.identity.models import Role, RoleAssignment
from jineng.organizations.models import Organization
from jineng.platforms import services
from jineng.platforms.models import (
    EvaluationStatus,
    MaterialGroup,
    Platform,
    PlatformEvaluation,
    PlatformFiling,
)
from jineng.regions.models import Region

SHANDONG_SOURCE = "鲁人社字〔2020〕11号 附件（第一批）"
SHANDONG_RECOMMENDED = [
    # (name, website, contact, phone) — 鲁人社字〔2020〕11号 附件
    ("行知学徒网", "www.ixueto.com", "安伯平", "18653156728"),
    ("潍坊职业培训网络平台", "www.wfjtip.com", "李岩", "13793126178"),
    ("乐创空间-创新创业在线实训平台", "www.leonline.cn", "刘鹏", "18678835968"),
    ("互联网+职业技能培训网", "www.wljnpx.com", "林飞", "13711119666"),
]
MINISTRY = ("中国职业培训在线", "px.class.com.cn", "人社厅函〔2020〕24号")
JINENG_NAME = "技能 jineng 线上职业技能培训平台"
THIRD_PARTY_NAME = "岭南职工云课堂（示例）"

DEMO_COURSES = [
    services.CourseRow("安全生产与职业健康", "安全生产法律法规、岗位危险源辨识、个人防护用品使用", "video", 90),
    services.CourseRow("新冠肺炎疫情防控知识", "复工复产防护要点、健康监测与报告", "document", 45),
    services.CourseRow("精密零件检验（初级）", "常用量具使用、首件检验、检验记录填写", "video", 180),
]


def _demo_pdf(title: str) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=14)
    pdf.multi_cell(0, 10, text=f"jineng demo material\n{title}\n(example document, not a real filing)")
    return bytes(pdf.output())


def _materials() -> dict[str, list]:
    titles = {
        MaterialGroup.CREDENTIALS: "1. Credentials: ICP filing, service commitment",
        MaterialGroup.CONSTRUCTION: "2. Construction: architecture, data handling, privacy policy, servers in mainland China",
        MaterialGroup.OPERATION: "3. Operation: quality control, real-name management",
        MaterialGroup.CONTENT: "4. Content: course introduction, outline, resources, process, assessment",
    }
    return {group: [SimpleUploadedFile(f"{group}.pdf", _demo_pdf(title), content_type="application/pdf")]
            for group, title in titles.items()}


def _platform(name: str, data: services.PlatformData, actor) -> Platform:
    return Platform.objects.filter(name=name).first() or services.platform_register(data=data, actor=actor)


def _training_admin(organization: Organization):
    assignment = (RoleAssignment.objects.filter(role=Role.TRAINING_ADMIN, organization=organization)
                  .select_related("user").order_by("id").first())
    return assignment.user if assignment else None


def _evaluation(*, organization: Organization, platform: Platform, approve: bool, officer, stdout) -> None:
    admin = _training_admin(organization)
    if admin is None:
        stdout(f"（跳过平台评估示例：{organization.name} 没有线上培训管理员）")
        return
    if PlatformEvaluation.objects.filter(organization=organization, platform=platform).exists():
        return
    evaluation = services.evaluation_create(
        organization=organization, platform=platform, project_name="2020 年职工线上适岗培训",
        occupation_name="机械加工（检验）", courses=DEMO_COURSES, materials=_materials(),
        applicant_opinion="本企业拟使用该平台开展职工线上适岗培训，所填情况属实。", actor=admin)
    try:
        evaluation = services.evaluation_submit(evaluation=evaluation, actor=admin)
    except DomainError as exc:  # e.g. next year's holidays not entered yet: leave the draft
        stdout(f"（平台评估示例未提交：{exc.message}）")
        return
    if approve and evaluation.status == EvaluationStatus.SUBMITTED:
        services.evaluation_approve(evaluation=evaluation, actor=officer,
                                    comment="经评估，平台资信、建设、运行和培训内容材料齐全，同意用于企业职工线上适岗培训。")


def platforms_load_demo(*, operator_org: Organization, enterprises: list[Organization], officer, actor=None,
                        stdout=print) -> list[Platform]:
    """Load the demo platforms. ``operator_org`` runs jineng; ``enterprises`` are 韶关
    enterprises with a training administrator each: the first has an evaluation pending, the
    second (if given) an approved one; ``officer`` is the 韶关 city officer who decides and files.
    ``actor`` registers the recommended platforms (``None``: the system)."""
    shandong = Region.objects.get(code="370000")
    platforms = []
    for name, website, contact, phone in SHANDONG_RECOMMENDED:
        platforms.append(_platform(name, services.PlatformData(
            name=name, website=website, contact_name=contact, contact_phone=phone,
            recommendation=Platform.Recommendation.PROVINCE, recommended_region=shandong,
            recommendation_source=SHANDONG_SOURCE), actor))
    name, website, source = MINISTRY
    platforms.append(_platform(name, services.PlatformData(
        name=name, website=website, recommendation=Platform.Recommendation.MINISTRY,
        recommendation_source=source), actor))
    jineng = _platform(JINENG_NAME, services.PlatformData(
        name=JINENG_NAME, website="127.0.0.1:8000", operator=operator_org, ownership=Platform.Ownership.OURS,
        server_city="泉州市"), actor)
    platforms.append(jineng)

    registrant = _training_admin(enterprises[0]) if enterprises else None
    third_party = Platform.objects.filter(name=THIRD_PARTY_NAME).first()
    if third_party is None and registrant is not None:
        third_party = services.platform_register(data=services.PlatformData(
            name=THIRD_PARTY_NAME, website="ketang.example.com", app_package="com.example.ketang",
            icp_number="粤ICP备00000000号-1（示例）", ip_address="203.0.113.10", server_city="广州市",
            operator_name="广东岭南职教科技有限公司（示例）", contact_name="梁晓峰", contact_phone="020-00000000"),
            actor=registrant)
    if third_party is not None:
        platforms.append(third_party)
        if len(enterprises) > 1:
            _evaluation(organization=enterprises[1], platform=third_party, approve=True, officer=officer, stdout=stdout)
        _evaluation(organization=enterprises[0], platform=third_party, approve=False, officer=officer, stdout=stdout)

    city_scopes = [a.region for a in RoleAssignment.objects.filter(user=officer, role=Role.CITY_OFFICER)
                   .select_related("region") if a.region.level == Region.Level.CITY]
    for city in city_scopes[:1]:
        for platform in (jineng, third_party):
            if platform is not None and not PlatformFiling.objects.filter(city=city, platform=platform,
                                                                          withdrawn_at__isnull=True).exists():
                services.platform_filing_create(city=city, platform=platform, note="本市推广使用的线上培训平台",
                                                actor=officer)
    return platforms
