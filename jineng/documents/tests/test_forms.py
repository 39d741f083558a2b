"""Every form in both formats, from its dataclass: the PDF parses and carries the title, the
column headers and the filled values, it renders to PNG, and the .xlsx reopens with the
values in their cells and an A4, fit-to-width print set-up."""

from __future__ import annotations

import functools
import io
import subprocess
from dataclasses import dataclass
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from jineng.documents.forms import (
    claim_panzhihua,
    claim_shaoguan,
    class_opening,
    class_roster,
    evaluation,
    filing,
    outline,
    plan,
    roster,
)
from jineng.documents.forms.layout import Cell, Layout, Table, render_pdf
from jineng.documents.tests import samples
from jineng.documents.tests.conftest import pdf_pages, pdf_text, sheet_rows, squash

S = samples


@dataclass(frozen=True)
class Case:
    module: object
    sample: object
    title: str
    headers: tuple[str, ...]  # captions and column headers, as printed
    values: tuple[str, ...]  # filled values, as printed
    rows: tuple[list, ...]  # rows of the .xlsx (non-empty cells in column order)
    landscape: bool = False


CASES = {
    "附表1 备案表": Case(
        filing, S.filing, "韶关市企业职工线上适岗职业技能培训备案表",
        ("企业基本情况", "是否已领取受影响企业培训补助", "培训机构基本情况（企业自行组织开展培训无须填写此项）",
         "线上培训平台基本情况", "平台名称（网站或 APP 产品名称）", "ICP 备案号", "网站地址（APP 的包名）",
         "IP地址及服务器设置城市名称", "培训项目基本情况", "培训岗位（工种）", "培训计划人数", "培训负责人",
         "线上培训计划（此栏目内容可根据实际情况增加）", "课程资源名称", "内容要点", "资源形式", "培训时长（分钟）",
         "申报企业承诺", "法定代表人（签字）：", "申报企业（盖章）", "县（市、区）人力资源社会保障部门审核备案意见",
         "注：1.此表由开展企业职工线上适岗职业技能培训的企业填写。", "4.与此表同时报送本项目培训计划、培训大纲、培训人员花名册。"),
        ("编号：440204-2020-0007", S.ENTERPRISE.name, S.ENTERPRISE.credit_code, "□是 ■否", S.INSTITUTION.name,
         "粤ICP备00000000号-1", "203.0.113.10 广州市", "□岗前培训 ■在岗培训 □转岗转业培训",
         "2020年4月13日至2020年5月15日", "24 课时（每课时 45 分钟）", "安全生产法律法规、危险源辨识、个人防护用品使用",
         "同意备案。", "2020年4月3日", "2020年4月8日"),
        (["企业名称", S.ENTERPRISE.name, "统一社会信用代码", S.ENTERPRISE.credit_code],
         ["培训计划人数", 40, "培训方式", "线上"],
         ["培训起止时间", "2020年4月13日至2020年5月15日", "培训课时", 24],
         ["课程资源名称", "内容要点", "资源形式", "培训时长（分钟）"],
         ["数控车床操作规程", "开机检查、对刀、程序校验与首件检验", "直播", 180])),
    "附表2 培训计划": Case(
        plan, S.plan, "韶关市企业职工线上适岗职业技能培训计划",
        ("序号", "课程资源名称（培训项目）", "内容要点", "培训时长（分钟）", "资源名称（网络平台）", "培训人数",
         "培训项目名称", "培训周期", "培训目的", "备注：培训项目的备案材料按岗前培训、在岗培训和转岗转业培训三种培训类型分别填写。"),
        ("企业名称（盖章）：" + S.ENTERPRISE.name, "填报日期：2020年4月3日", "提升数控车工安全操作和质量检验能力。",
         "折合 6 课时（每课时 45 分钟）"),
        (["培训项目名称", "2020 年数控车工在岗培训", "培训类型", "在岗培训"],
         [1, "安全生产与职业健康", "安全生产法律法规、危险源辨识", 90, "岭南职工云课堂", 40],
         ["合计", 270, "折合 6 课时（每课时 45 分钟）"]),
        landscape=True),
    "附表3 培训大纲": Case(
        outline, S.outline, "韶关市企业职工线上适岗职业技能培训大纲",
        ("序号", "课程资源名称（培训项目）", "培训起止时间", "培训模块（公共必修课/专业技能课）",
         "培训效果（学习目的、掌握程度）", "备注"),
        ("填报日期：\u3000\u3000\u3000年\u3000\u3000月\u3000\u3000日", "培训类型：在岗培训", "公共必修课",
         "掌握安全生产法律法规，能辨识常见危险源", "线上，学习时长 180 分钟", "共 2 个模块"),
        ([1, "安全生产与职业健康", "2020年4月13日至2020年5月15日", "公共必修课", "掌握安全生产法律法规，能辨识常见危险源",
          "线上，学习时长 90 分钟"],),
        landscape=True),
    "附表4 人员名册": Case(
        roster, S.roster, "韶关市企业职工线上适岗职业技能培训人员名册",
        ("序号", "姓名", "性别", "身份证号码", "手机号码", "平台登录账号", "（此名册可顺延）"),
        ("欧阳娜娜", S.ID_1, S.ID_2, "13800138002", "ouyang.nana@example.com", "共 2 人"),
        ([1, "张三", "男", S.ID_1, "13800138001", "zhangsan"],
         [2, "欧阳娜娜", "女", S.ID_2, "13800138002", "ouyang.nana@example.com"])),
    "附表5-1 评估表": Case(
        evaluation, S.evaluation, "韶关市企业职工线上适岗职业技能培训评估表",
        ("企业名称", "线上培训平台基本情况", "IP地址及服务器设置城市名称", "培训项目基本情况", "课程资源名称",
         "申报企业意见", "市职业技能服务中心评估意见", "3.此表同时附上《韶关市企业职工线上适岗职业技能培训评估内容清单》"),
        ("机械加工（检验）", "评估通过：平台具备培训记录与全程跟踪功能。", "韶关市职业技能服务中心（盖章）", "2020年5月6日",
         "2020年4月29日", "请予评估。"),
        (["ICP 备案号", "粤ICP备00000000号-1", "IP地址及服务器设置城市名称", "203.0.113.10 广州市"],
         ["安全生产与职业健康", "安全生产法律法规、危险源辨识、个人防护用品使用", "录播视频", 90],
         ["合计", 270])),
    "附件1 开班申请表": Case(
        class_opening, S.class_opening, "攀枝花市线上职业技能培训申请表",
        ("申请单位基本情况", "培训项目情况", "培训职业（工种）", "组织方式", "培训方式", "线上理论学时", "线下实操学时",
         "培训内容（课程安排）", "课程（模块）名称", "提交材料", "申请单位承诺", "受理部门审核意见", "经办人（签字）："),
        ("■企业 □培训机构（职业、技工院校）", "■中小微企业 □大型企业", "■在线直播 ■教学视频录播 □实时互动教学 □文字或图片资料教学",
         "30 学时（1350 分钟）", "20 学时（900 分钟）", "■企业营业执照复印件", "□企业职工劳动合同复印件或重点就业群体身份证明",
         "攀枝花市东区人力资源和社会保障局（盖章）", "委托培训机构（购买培训服务）：攀枝花市职业技术培训学校",
         "2020年2月25日"),
        (["培训起止时间", "2020年3月2日至2020年3月31日", "参训人数", 30],
         ["钒钛冶炼工艺", "专业技能课", "线上", 900])),
    "附件2 参训人员花名册": Case(
        class_roster, S.class_roster, "攀枝花市线上职业技能培训参训人员花名册",
        ("序号", "姓名", "性别", "年龄", "身份证号", "联系电话", "备注"),
        ("企业、培训机构（盖章）：" + S.PZH.name, S.ID_2, "农民工"),
        ([2, "欧阳娜娜", "女", 34, S.ID_2, "13800138002", "农民工"],)),
    "附件3 补贴申请表": Case(
        claim_panzhihua, S.panzhihua_claim, "攀枝花市线上职业技能培训补贴申请表",
        ("申请单位基本情况", "开户银行", "银行账号", "开班批准编号", "实际支出培训费用（元）", "人均培训费用（元）",
         "申请补贴金额（元）", "金额大写", "提交材料", "申请单位承诺", "审核部门意见", "公示情况", "拨付情况"),
        ("6230580000012345678", "19600.00", "700.00", "16800.00", "最高不超过 600.00 元/人", "人民币壹万陆仟捌佰元整",
         "■授课记录证明材料", "（不少于 2 个工作日）", "2020年2月28日"),
        (["实际支出培训费用（元）", 19600, "人均培训费用（元）", 700],
         ["申请补贴金额（元）", 16800, "金额大写", "人民币壹万陆仟捌佰元整"])),
    "附件4 补贴申报花名册": Case(
        claim_panzhihua, S.panzhihua_claim_roster, "攀枝花市线上职业技能培训补贴申报花名册",
        ("序号", "姓名", "性别", "年龄", "身份证号", "联系电话", "课程学时", "完成学时", "学员平台账号", "密码",
         "考核是否合格", "备注"),
        (S.ID_1, "未完成学时", "合格 1 人", "“密码”栏不填写"),
        ([1, "张三", "男", 30, S.ID_1, "13800138001", 30, 30, "zhangsan", "—", "是"],
         ["合计", "2 人", 60, 52, "合格 1 人"]),
        landscape=True),
    "韶关补贴申请表": Case(
        claim_shaoguan, S.shaoguan_claim, "韶关市企业职工线上适岗职业技能培训补贴申请表",
        ("企业基本情况", "备案编号", "申领期限", "是否已领取受影响企业培训补助", "补贴课时合计", "补贴标准",
         "申请补贴金额（元）", "归档佐证材料", "申报企业承诺", "县（市、区）人力资源社会保障部门审核意见", "公示情况",
         "资金拨付", "2.县（市、区）人力资源社会保障局收到补贴申请后 15 个工作日内提出审核意见"),
        ("1300.00", "人民币壹仟叁佰元整", "每人每课时 30.00 元，每人每年不超过 1000.00 元", "（至 2020年11月15日）",
         "□委托机构的名称", "■学员上线登录的培训时长记载", "2005000000000012345"),
        (["申请补贴金额（元）", 1300, "金额大写", "人民币壹仟叁佰元整"],
         ["实际参训人数", 40, "申请补贴人数", 2])),
    "韶关补贴申领花名册": Case(
        claim_shaoguan, S.shaoguan_claim_roster, "韶关市企业职工线上适岗职业技能培训补贴申领人员花名册",
        ("序号", "姓名", "身份证号码", "手机号码", "平台登录账号", "完成课时", "补贴标准（元/课时）",
         "本年度已享受补贴（元）", "本次申请补贴（元）"),
        ("720.00", "580.00", "420.00", "1300.00", "备案编号：440204-2020-0007"),
        ([1, "张三", "男", S.ID_1, "13800138001", "zhangsan", 24, 30, 0, 720],
         ["合计", "2 人", 44, 420, 1300]),
        landscape=True),
}
IDS = list(CASES)


@functools.cache
def built_pdf(name: str) -> bytes:
    """Each form's PDF is built once for the tests that read it (a build takes about a second:
    fpdf2 parses and subsets the CJK font)."""
    case = CASES[name]
    return case.module.build_pdf(case.sample())


@pytest.mark.parametrize("name", IDS)
def test_the_pdf_carries_the_title_headers_and_values(name):
    case = CASES[name]
    content = built_pdf(name)
    assert content.startswith(b"%PDF-")
    text = pdf_text(content)
    missing = [s for s in (case.title, *case.headers, *case.values) if squash(s) not in text]
    assert missing == []
    pages = pdf_pages(content)
    assert squash(f"第 1 页 共 {pages} 页") in text


@pytest.mark.parametrize("name", IDS)
def test_the_pdf_renders_to_png(name, tmp_path):
    source = tmp_path / "form.pdf"
    source.write_bytes(built_pdf(name))
    result = subprocess.run(["pdftoppm", "-png", "-r", "50", str(source), str(tmp_path / "page")],
                            capture_output=True, check=False)
    assert (result.returncode, result.stderr) == (0, b"")
    first = sorted(tmp_path.glob("page-*.png"))[0]
    assert first.read_bytes().startswith(b"\x89PNG")


@pytest.mark.parametrize("name", IDS)
def test_the_xlsx_has_the_values_in_their_cells_and_prints_on_a4(name):
    case = CASES[name]
    content = case.module.build_xlsx(case.sample())
    rows = sheet_rows(content)
    assert rows[1] == [case.title]
    missing = [row for row in case.rows if row not in rows]
    assert missing == []

    sheet = load_workbook(io.BytesIO(content)).active
    columns = sheet.max_column
    assert f"A2:{get_column_letter(columns)}2" in {str(r) for r in sheet.merged_cells.ranges}
    setup = sheet.page_setup
    assert (setup.paperSize, setup.orientation, setup.fitToWidth, setup.fitToHeight) == (
        9, "landscape" if case.landscape else "portrait", 1, 0)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage is True
    assert sheet.oddFooter.center.text == "第 &P 页 共 &N 页"
    assert sheet.cell(row=rows_index(sheet, case.rows[0]), column=1).border.left.style == "thin"


def rows_index(sheet, wanted: list) -> int:
    for index, row in enumerate(sheet.iter_rows(values_only=True), start=1):
        if [v for v in row if v not in (None, "")] == wanted:
            return index
    raise AssertionError(f"row {wanted} not found")


def test_list_forms_repeat_their_header_row_when_printed():
    sheet = load_workbook(io.BytesIO(roster.build_xlsx(S.roster()))).active
    assert sheet.print_title_rows == "$5:$5"
    assert [c.value for c in sheet[5]] == ["序号", "姓名", "性别", "身份证号码", "手机号码", "平台登录账号"]
    assert sheet.column_dimensions["D"].width >= 20  # an 18-digit ID number fits


def test_money_is_a_number_formatted_with_two_decimals_in_the_xlsx():
    sheet = load_workbook(io.BytesIO(claim_panzhihua.build_xlsx(S.panzhihua_claim(amount=Decimal("600"))))).active
    cell = next(row[1] for row in sheet.iter_rows() if row[0].value == "申请补贴金额（元）")
    assert (cell.value, cell.number_format) == (600, "0.00")
    text = pdf_text(claim_panzhihua.build_pdf(S.panzhihua_claim(amount=Decimal("600"))))
    assert "申请补贴金额（元）600.00" in text
    assert "人民币陆佰元整" in text


def test_a_roster_of_120_spans_pages_with_the_header_on_each():
    content = roster.build_pdf(S.roster(lines=S.roster_lines(120)))
    pages = pdf_pages(content)
    assert pages == 4
    for page in range(1, pages + 1):
        text = pdf_text(content, first=page)
        assert "序号姓名性别身份证号码手机号码平台登录账号" in text, page
        assert f"第{page}页共{pages}页" in text
    assert "附表4韶关市企业职工线上适岗职业技能培训人员名册（续）" in pdf_text(content, first=2)
    everything = pdf_text(content)
    assert all(f"学员{n:03d}" in everything for n in range(1, 121))
    last = pdf_text(content, first=pages)
    assert "学员120" in last and "（此名册可顺延）" in last

    rows = sheet_rows(roster.build_xlsx(S.roster(lines=S.roster_lines(120))))
    assert rows[-2][:2] == [120, "学员120"]


def test_a_long_course_list_in_the_filing_form_repeats_its_heading_on_the_next_page():
    courses = tuple(S.COURSES[0].__class__(f"课程{n:02d}", "要点", "录播视频", 45) for n in range(1, 41))
    content = filing.build_pdf(S.filing(courses=courses))
    pages = pdf_pages(content)
    assert pages >= 3
    with_courses = [page for page in range(1, pages + 1)
                    if any(f"课程{n:02d}要点" in pdf_text(content, first=page) for n in range(1, 41))]
    assert len(with_courses) >= 2
    for page in with_courses:
        assert "线上培训计划（此栏目内容可根据实际情况增加）课程资源名称内容要点资源形式培训时长（分钟）" in pdf_text(
            content, first=page), page


def test_a_form_without_a_filed_value_leaves_the_box_for_a_pen():
    text = pdf_text(filing.build_pdf(S.filing(received_affected_subsidy=None, review=S.d.Opinion(), institution=None)))
    assert "□是□否" in text
    assert "（盖章）年月日" in text


def test_a_row_that_does_not_add_up_to_the_grid_is_a_programming_error():
    layout = Layout(code="附表X", title="测试", widths=(90.0, 90.0), blocks=(Table(((Cell("a"),),)),))
    with pytest.raises(ValueError, match="spans 1 of 2 columns"):
        render_pdf(layout)


def test_a_claim_builder_refuses_another_form():
    with pytest.raises(TypeError):
        claim_shaoguan.build_pdf(S.panzhihua_claim())
