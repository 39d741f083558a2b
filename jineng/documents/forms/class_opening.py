"""附件1 攀枝花市线上职业技能培训申请表 (攀人社发〔2020〕33号 四(一), the class-opening application).

What the seed gives: only the title, and that it is filed with the roster (附件2), the business
licence and the labour contracts or key-group proofs with the office the applicant's place
sends it to. What is inferred, from the notice's own text:
- the applicant (企业 or 培训机构（职业、技工院校）, SME or large, 二/三), its address, legal
  representative and contacts, as every application form of the bureau asks;
- the project: 培训职业（工种） and 等级 (三: the same occupation and level is subsidised once),
  培训类型, 组织方式 (二: buy training services or organise it in-house), the platform used,
  培训方式 (二: 在线直播、教学视频录播、实时互动教学、文字或图片资料教学), the period and headcount;
- 学时 (1 学时 = 45 分钟): the outline's online theory and the offline practice still to come
  (二: online hours count towards the project's total);
- 培训内容（课程安排）: the outline modules;
- 提交材料 as ticked boxes (四(一));
- the applicant's commitment to the four guarantees of 二 (签到注册、学习记录、答疑测试、结业考核)
  with 法定代表人签字 and 单位盖章, and the receiving office's 审核意见 with its stamp.
"""

from __future__ import annotations

from jineng.documents.data import PANZHIHUA_METHODS, ClassOpeningForm
from jineng.documents.formatting import checkboxes, cn_period
from jineng.documents.forms.common import materials_text, pair, signed_box, wide
from jineng.documents.forms.layout import (
    Cell,
    Layout,
    Notes,
    Table,
    caption,
    number,
    render_pdf,
    render_xlsx,
    section,
)

CODE = "附件1"
TITLE = "攀枝花市线上职业技能培训申请表"
WIDTHS = (28.0, 22.0, 24.0, 20.0, 32.0, 18.0, 18.0, 18.0)
COLUMNS = len(WIDTHS)
MODULE_SPANS = (3, 2, 2, 1)
COMMITMENT = ("本单位承诺：线上补贴性培训确保参训人员有签到注册、有学习记录、有答疑测试、有结业考核，教学课时"
              "达到规定学时标准（1学时=45分钟教学时长），学习过程可查询、可追溯；参训人员每人每年参加补贴性培训"
              "不超过3次，同一职业（工种）同一等级不重复享受补贴；所填内容及提交材料真实有效。如有虚假，愿承担"
              "相应责任。")
NOTES = (
    "注：1.企业或培训机构向所在地人社部门提出开班申请；攀钢、十九冶、攀煤、钢城集团向市人社局职业技能鉴定和"
    "培训指导中心申请，钒钛新城管委会所辖企业由钒钛新城管委会收集汇总后申请，在校大学生向市人社局就业创业促进"
    "中心申请。",
    "2.随表提交《攀枝花市线上职业技能培训参训人员花名册》（附件2）、企业营业执照复印件、企业职工劳动合同复印件"
    "或重点就业群体身份证明。",
    "3.可通过电话预约时间办理，或通过 QQ、微信传输等方式进行线上预审，审核通过后再通过邮寄或现场递交方式报送"
    "纸质材料。",
)


def _hours(minutes: int) -> str:
    hours, rest = divmod(minutes, 45)
    return f"{hours} 学时{f'又 {rest} 分钟' if rest else ''}（{minutes} 分钟）"


def layout(data: ClassOpeningForm) -> Layout:
    organiser = data.organiser + (f"：{data.institution_name}" if data.institution_name else "")
    top = (
        (section("申请单位基本情况", COLUMNS),),
        pair("申请单位名称", data.applicant.name, "统一社会信用代码", data.applicant.credit_code),
        pair("单位类型", checkboxes(("企业", "培训机构（职业、技工院校）"), data.applicant_kind),
             "企业规模", checkboxes(("中小微企业", "大型企业"), data.enterprise_size)),
        wide("单位地址", data.applicant.address, columns=COLUMNS),
        pair("法定代表人", data.applicant.legal_representative, "单位电话", data.applicant.contact_phone),
        pair("培训联系人", data.contact_name, "联系电话", data.contact_phone),
        (section("培训项目情况", COLUMNS),),
        wide("培训项目名称", data.project_name, columns=COLUMNS),
        pair("培训职业（工种）", data.occupation, "培训等级", data.level or "不分等级"),
        pair("培训类型", data.kind_label, "组织方式", organiser),
        pair("线上培训平台", data.platform_name, "平台网址", data.platform_address),
        wide("培训方式", checkboxes(PANZHIHUA_METHODS, data.methods), columns=COLUMNS),
        pair("培训起止时间", cn_period(data.start_date, data.end_date), "参训人数", number(data.headcount, 3)),
        pair("线上理论学时", _hours(data.online_minutes), "线下实操学时", _hours(data.offline_minutes)),
        wide("计划总学时", Cell(f"{data.planned_class_hours} 学时（1学时=45分钟）；线上培训学时计入培训项目总学时，"
                           "疫情解除后完成剩余理论和实操课程", COLUMNS - 1), columns=COLUMNS),
    )
    header = (
        (section("培训内容（课程安排）", COLUMNS),),
        tuple(caption(text, span) for text, span in zip(
            ("课程（模块）名称", "类别", "培训方式", "时长（分钟）"), MODULE_SPANS, strict=True)),
    )
    modules = tuple(
        (Cell(m.name, 3), Cell(m.category, 2, align="C"), Cell(m.mode, 2, align="C"), number(m.minutes))
        for m in data.modules
    )
    bottom = (
        wide("提交材料", materials_text(data.materials), columns=COLUMNS),
        (caption("申请单位承诺"),
         signed_box(data.commitment, span=COLUMNS - 1, signer_lines=("法定代表人（签字）：", "申请单位（盖章）"),
                    prefix=COMMITMENT)),
        (caption("受理部门审核意见"),
         signed_box(data.review, span=COLUMNS - 1, signer_lines=("经办人（签字）：", f"{data.reviewing_office}（盖章）"))),
    )
    return Layout(
        code=CODE, title=TITLE, widths=WIDTHS, number=data.number, sheet_name="附件1 开班申请表",
        blocks=(Table(top), Table(modules, header=header), Table(bottom), Notes(NOTES)),
    )


def build_pdf(data: ClassOpeningForm) -> bytes:
    return render_pdf(layout(data))


def build_xlsx(data: ClassOpeningForm) -> bytes:
    return render_xlsx(layout(data))
