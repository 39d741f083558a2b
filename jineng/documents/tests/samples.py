"""One filled example of every form's dataclass, for the builder tests."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from jineng.documents import data as d
from jineng.identity.id_numbers import id_number_with_check_digit

ENTERPRISE = d.OrganizationFacts(
    name="韶关市浈江区丹霞精密制造有限公司", credit_code="91440204MA4U00001X", address="韶关市浈江区风采路 18 号",
    legal_representative="李建国", contact_phone="0751-8123456")
INSTITUTION = d.OrganizationFacts(
    name="韶关市浈江区职业培训学校", credit_code="52440204MJ0000001Y", address="韶关市浈江区解放路 3 号",
    legal_representative="陈红", contact_phone="0751-8765432")
PLATFORM = d.PlatformFacts(name="岭南职工云课堂", icp_number="粤ICP备00000000号-1", address="ketang.example.com",
                           ip_and_server_city="203.0.113.10 广州市")
COURSES = (
    d.CourseLine("安全生产与职业健康", "安全生产法律法规、危险源辨识、个人防护用品使用", "录播视频", 90),
    d.CourseLine("数控车床操作规程", "开机检查、对刀、程序校验与首件检验", "直播", 180),
)
START, END = dt.date(2020, 4, 13), dt.date(2020, 5, 15)
PZH = d.OrganizationFacts(name="攀枝花市东区钒钛新材料有限公司", credit_code="91510402MA6200001Q",
                          address="攀枝花市东区炳草岗大街 8 号", legal_representative="张大勇", contact_phone="0812-3334444")

ID_1 = id_number_with_check_digit("44020419900307123")
ID_2 = id_number_with_check_digit("44020419851120002")


def filing(**changes) -> d.FilingForm:
    values = dict(
        number="440204-2020-0007", enterprise=ENTERPRISE, received_affected_subsidy=False, institution=INSTITUTION,
        platform=PLATFORM, project_name="2020 年数控车工在岗培训", occupation="车工（四级/中级工）",
        kind_label="在岗培训", planned_headcount=40, delivery="线上", start_date=START, end_date=END, class_hours=24,
        manager_name="王晓明", manager_phone="13800138000", goal="掌握数控车床安全操作与质量检验要点，减少首件不良。",
        courses=COURSES, commitment=d.Opinion(date=dt.date(2020, 4, 3)),
        review=d.Opinion("同意备案。", dt.date(2020, 4, 8)))
    values.update(changes)
    return d.FilingForm(**values)


def plan(**changes) -> d.PlanForm:
    values = dict(
        number="440204-2020-0007", enterprise_name=ENTERPRISE.name, filled_on=dt.date(2020, 4, 3),
        project_name="2020 年数控车工在岗培训", kind_label="在岗培训", start_date=START, end_date=END,
        purpose="提升数控车工安全操作和质量检验能力。",
        lines=(d.PlanLine("安全生产与职业健康", "安全生产法律法规、危险源辨识", 90, "岭南职工云课堂", 40),
               d.PlanLine("数控车床操作规程", "开机检查、对刀、程序校验", 180, "岭南职工云课堂", 40)))
    values.update(changes)
    return d.PlanForm(**values)


def outline(**changes) -> d.OutlineForm:
    values = dict(
        number="440204-2020-0007", enterprise_name=ENTERPRISE.name, filled_on=None,
        project_name="2020 年数控车工在岗培训", kind_label="在岗培训",
        lines=(d.OutlineLine("安全生产与职业健康", START, END, "公共必修课", "掌握安全生产法律法规，能辨识常见危险源",
                             "线上，学习时长 90 分钟"),
               d.OutlineLine("数控车床操作规程", START, END, "专业技能课", "熟练完成对刀与首件检验",
                             "线上，学习时长 180 分钟")))
    values.update(changes)
    return d.OutlineForm(**values)


def roster_lines(count: int) -> tuple[d.RosterLine, ...]:
    return tuple(d.RosterLine(f"学员{n:03d}", "男" if n % 2 else "女", f"4402041990030{n:05d}"[:18],
                              f"138{n:08d}", f"dx{n:04d}") for n in range(1, count + 1))


def roster(**changes) -> d.RosterForm:
    values = dict(
        number="440204-2020-0007", enterprise_name=ENTERPRISE.name, filled_on=dt.date(2020, 4, 3),
        project_name="2020 年数控车工在岗培训", kind_label="在岗培训",
        lines=(d.RosterLine("张三", "男", ID_1, "13800138001", "zhangsan"),
               d.RosterLine("欧阳娜娜", "女", ID_2, "13800138002", "ouyang.nana@example.com")))
    values.update(changes)
    return d.RosterForm(**values)


def evaluation(**changes) -> d.EvaluationForm:
    values = dict(
        number="评估 12", enterprise_name=ENTERPRISE.name, platform=PLATFORM, project_name="2020 年职工线上适岗培训",
        occupation="机械加工（检验）", courses=COURSES,
        applicant_opinion=d.Opinion("请予评估。", dt.date(2020, 4, 29)), centre_name="韶关市职业技能服务中心",
        centre_opinion=d.Opinion("评估通过：平台具备培训记录与全程跟踪功能。", dt.date(2020, 5, 6)))
    values.update(changes)
    return d.EvaluationForm(**values)


def class_opening(**changes) -> d.ClassOpeningForm:
    values = dict(
        number="510402-2020-0003", applicant=PZH, applicant_kind="企业", enterprise_size="中小微企业",
        contact_name="刘芳", contact_phone="13900139000", organiser="委托培训机构（购买培训服务）",
        institution_name="攀枝花市职业技术培训学校", project_name="2020 年钒钛冶炼工线上培训", occupation="冶炼工",
        level="四级/中级工", kind_label="在岗培训", platform_name="攀枝花职业技能提升行动公共服务平台",
        platform_address="pzhjnp.chinahrt.com", methods=("在线直播", "教学视频录播"), start_date=dt.date(2020, 3, 2),
        end_date=dt.date(2020, 3, 31), headcount=30, online_minutes=1350, offline_minutes=900, planned_class_hours=50,
        modules=(d.ModuleLine("职业道德与安全生产", "公共必修课", "线上", 450),
                 d.ModuleLine("钒钛冶炼工艺", "专业技能课", "线上", 900),
                 d.ModuleLine("冶炼设备实操", "专业技能课", "线下实操", 900)),
        materials=(d.MaterialCheck("《攀枝花市线上职业技能培训参训人员花名册》（附件2）", True),
                   d.MaterialCheck("企业营业执照复印件", True),
                   d.MaterialCheck("企业职工劳动合同复印件或重点就业群体身份证明", False)),
        reviewing_office="攀枝花市东区人力资源和社会保障局", commitment=d.Opinion(date=dt.date(2020, 2, 25)))
    values.update(changes)
    return d.ClassOpeningForm(**values)


def class_roster(**changes) -> d.ClassRosterForm:
    values = dict(
        number="510402-2020-0003", organization_name=PZH.name, project_name="2020 年钒钛冶炼工线上培训",
        lines=(d.ClassRosterLine("张三", "男", 30, ID_1, "13800138001", ""),
               d.ClassRosterLine("欧阳娜娜", "女", 34, ID_2, "13800138002", "农民工")))
    values.update(changes)
    return d.ClassRosterForm(**values)


def panzhihua_claim(**changes) -> d.PanzhihuaClaimForm:
    values = dict(
        number="补贴 2020-0001", applicant=PZH, enterprise_size="中小微企业", contact_name="刘芳",
        contact_phone="13900139000",
        bank=d.BankAccount("攀枝花市东区钒钛新材料有限公司", "攀枝花市商业银行东区支行", "6230580000012345678"),
        class_number="510402-2020-0003", class_approved_on=dt.date(2020, 2, 28),
        project_name="2020 年钒钛冶炼工线上培训", occupation="冶炼工", level="四级/中级工",
        provider="攀枝花市职业技术培训学校（攀枝花职业技能提升行动公共服务平台）", start_date=dt.date(2020, 3, 2),
        end_date=dt.date(2020, 3, 31), class_hours=30, trained_headcount=30, passed_headcount=28,
        claimed_headcount=28, actual_cost=Decimal("19600.00"), cost_per_person=Decimal("700.00"),
        amount=Decimal("16800.00"),
        materials=tuple(d.MaterialCheck(label, True) for label in d.PANZHIHUA_CLAIM_MATERIALS),
        reviewing_office="攀枝花市东区人力资源和社会保障局", commitment=d.Opinion(date=dt.date(2020, 4, 10)))
    values.update(changes)
    return d.PanzhihuaClaimForm(**values)


def panzhihua_claim_roster(**changes) -> d.PanzhihuaClaimRoster:
    values = dict(
        number="补贴 2020-0001", organization_name=PZH.name, project_name="2020 年钒钛冶炼工线上培训",
        lines=(d.PanzhihuaClaimRosterLine("张三", "男", 30, ID_1, "13800138001", 30, 30, "zhangsan", True),
               d.PanzhihuaClaimRosterLine("欧阳娜娜", "女", 34, ID_2, "13800138002", 30, 22, "nana", False,
                                          "未完成学时")))
    values.update(changes)
    return d.PanzhihuaClaimRoster(**values)


def shaoguan_claim(**changes) -> d.ShaoguanClaimForm:
    values = dict(
        number="补贴 2020-0002", enterprise=ENTERPRISE,
        bank=d.BankAccount(ENTERPRISE.name, "中国工商银行韶关浈江支行", "2005000000000012345"),
        filing_number="440204-2020-0007", filed_on=dt.date(2020, 4, 8), project_name="2020 年数控车工在岗培训",
        kind_label="在岗培训", occupation="车工", platform_name="岭南职工云课堂", start_date=START, end_date=END,
        claim_deadline=dt.date(2020, 11, 15), trained_headcount=40, claimed_headcount=2, class_hours=44,
        amount=Decimal("1300.00"), received_affected_subsidy=False,
        materials=tuple(d.MaterialCheck(label, index != 4) for index, label in enumerate(d.SHAOGUAN_CLAIM_MATERIALS)),
        reviewing_office="韶关市浈江区人力资源和社会保障局", commitment=d.Opinion(date=dt.date(2020, 6, 1)))
    values.update(changes)
    return d.ShaoguanClaimForm(**values)


def shaoguan_claim_roster(**changes) -> d.ShaoguanClaimRoster:
    values = dict(
        number="补贴 2020-0002", enterprise_name=ENTERPRISE.name, filled_on=dt.date(2020, 6, 1),
        project_name="2020 年数控车工在岗培训", filing_number="440204-2020-0007",
        lines=(d.ShaoguanClaimRosterLine("张三", "男", ID_1, "13800138001", "zhangsan", 24, Decimal("0.00"),
                                         Decimal("720.00")),
               d.ShaoguanClaimRosterLine("欧阳娜娜", "女", ID_2, "13800138002", "nana", 20, Decimal("420.00"),
                                         Decimal("580.00"), "年度上限 1000 元")))
    values.update(changes)
    return d.ShaoguanClaimRoster(**values)
