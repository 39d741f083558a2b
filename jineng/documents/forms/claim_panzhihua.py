"""攀枝花 claim forms (攀人社发〔2020〕33号 四(二)): 附件3 攀枝花市线上职业技能培训补贴申请表 and
附件4 攀枝花市线上职业技能培训补贴申报花名册. Pure builders: the claims app fills
``PanzhihuaClaimForm`` / ``PanzhihuaClaimRoster`` (see ``jineng.documents.data``) and calls
``build_pdf`` / ``build_xlsx`` with either.

附件4 — what the seed gives: the whole column list (序号 / 姓名 / 性别 / 年龄 / 身份证号 / 联系电话 /
课程学时 / 完成学时 / 学员平台账号 / 密码 / 考核是否合格 / 备注) under "企业、培训机构（盖章）：".
The 密码 column is printed but never filled: the system neither stores nor exports learners'
passwords; a note under the list says reviewers read the learning records by the account.
A 合计 row (人数, 学时, 合格人数) is added.

附件3 — what the seed gives: only the title, and that the claim is made by an SME within a year
of the training's end with the roster, proof of the teaching (授课记录证明材料) and proof of the
cost (企业购买第三方培训服务支出凭证), subsidised at the actual cost up to 600 元 per learner (三),
published for at least 2 working days and then paid to the enterprise's account. What is
inferred: the applicant with its bank account (the money goes to the enterprise's account),
the class-opening approval it follows (number and date), the training (occupation and level,
provider, period, 学时, headcounts trained / passed / claimed), the cost and the amount in
figures and in capitals, the checklist of materials, the applicant's commitment with
法定代表人签字 and 单位盖章, and boxes for the reviewing office's opinion, the public notice and
the payment.
"""

from __future__ import annotations

from jineng.documents.data import PanzhihuaClaimForm, PanzhihuaClaimRoster
from jineng.documents.formatting import checkboxes, cn_date, cn_period, money, rmb_upper
from jineng.documents.forms.common import (
    centred,
    list_header,
    list_table,
    materials_text,
    pair,
    signed_box,
    wide,
)
from jineng.documents.forms.layout import (
    Cell,
    Layout,
    Meta,
    Notes,
    Table,
    amount,
    caption,
    number,
    render_pdf,
    render_xlsx,
    section,
)

APPLICATION_CODE = "附件3"
APPLICATION_TITLE = "攀枝花市线上职业技能培训补贴申请表"
ROSTER_CODE = "附件4"
ROSTER_TITLE = "攀枝花市线上职业技能培训补贴申报花名册"

WIDTHS = (28.0, 22.0, 24.0, 20.0, 32.0, 18.0, 18.0, 18.0)
COLUMNS = len(WIDTHS)
COMMITMENT = ("本单位承诺：所报线上培训真实开展，参训人员、授课记录及培训费用支出凭证真实有效，培训费用为实际支出；"
              "未使用线上培训平台免费提供的培训资源申报补贴，参训人员同一职业（工种）同一等级未重复享受补贴。"
              "如有虚假，自愿退回补贴资金并承担相应法律责任。")
APPLICATION_NOTES = (
    "注：1.中、小企业组织职工参加有偿线上培训结束后 1 年内，由企业向开班审批人社部门申请培训补贴。",
    "2.按购买第三方培训服务支出凭证的实际支出培训费用予以补贴，最高不超过 600 元/人；参加线上培训平台免费提供的"
    "培训资源进行培训的不享受培训补贴。",
    "3.经审核通过的培训项目由审核部门在相应人力资源和社会保障局官网进行不少于 2 个工作日的公示，公示无异议后拨付到"
    "企业账户。",
)

ROSTER_WIDTHS = (12.0, 20.0, 11.0, 11.0, 42.0, 28.0, 18.0, 18.0, 36.0, 14.0, 20.0, 37.0)
ROSTER_HEADERS = ("序号", "姓名", "性别", "年龄", "身份证号", "联系电话", "课程学时", "完成学时", "学员平台账号", "密码",
                  "考核是否合格", "备注")
ROSTER_NOTES = ("注：“密码”栏不填写：本系统不保存、不导出学员密码，审核部门可凭学员平台账号查询学习记录。",)


def application_layout(data: PanzhihuaClaimForm) -> Layout:
    applicant = data.applicant
    rows = (
        (section("申请单位基本情况", COLUMNS),),
        pair("申请单位名称", applicant.name, "统一社会信用代码", applicant.credit_code),
        pair("单位地址", applicant.address, "企业规模", checkboxes(("中小微企业", "大型企业"), data.enterprise_size)),
        pair("法定代表人", applicant.legal_representative, "单位电话", applicant.contact_phone),
        pair("联系人", data.contact_name, "联系电话", data.contact_phone),
        pair("开户名", data.bank.account_name, "开户银行", data.bank.bank_name),
        wide("银行账号", data.bank.account_number, columns=COLUMNS),
        (section("培训情况", COLUMNS),),
        pair("开班批准编号", data.class_number, "开班批准日期",
             cn_date(data.class_approved_on) if data.class_approved_on else ""),
        wide("培训项目名称", data.project_name, columns=COLUMNS),
        pair("培训职业（工种）", data.occupation, "培训等级", data.level or "不分等级"),
        wide("培训服务提供方", data.provider, columns=COLUMNS),
        pair("培训起止时间", cn_period(data.start_date, data.end_date), "培训学时",
             Cell(f"{data.class_hours} 学时", 3, value=data.class_hours, number_format='0" 学时"')),
        pair("参训人数", number(data.trained_headcount, 3), "考核合格人数", number(data.passed_headcount, 3)),
        (section("补贴申请", COLUMNS),),
        pair("实际支出培训费用（元）", amount(data.actual_cost, 3), "人均培训费用（元）", amount(data.cost_per_person, 3)),
        pair("补贴标准", f"按实际支出培训费用补贴，最高不超过 {money(data.cap_per_person)} 元/人",
             "申请补贴人数", number(data.claimed_headcount, 3)),
        pair("申请补贴金额（元）", amount(data.amount, 3), "金额大写", f"人民币{rmb_upper(data.amount)}"),
        wide("提交材料", materials_text(data.materials), columns=COLUMNS),
    )
    notice = (f"公示期：{cn_period(data.public_notice_start, data.public_notice_end)}（不少于 2 个工作日）"
              if data.public_notice_start else "公示期：          至          （不少于 2 个工作日）")
    paid = money(data.paid_amount) if data.paid_amount is not None else ""
    bottom = (
        (caption("申请单位承诺"),
         signed_box(data.commitment, span=COLUMNS - 1, signer_lines=("法定代表人（签字）：", "申请单位（盖章）"),
                    prefix=COMMITMENT)),
        (caption("审核部门意见"),
         signed_box(data.review, span=COLUMNS - 1,
                    signer_lines=("经办人（签字）：", "审核人（签字）：", f"{data.reviewing_office}（盖章）"))),
        wide("公示情况", f"{notice}\n公示结果：{data.public_notice_result}", columns=COLUMNS),
        wide("拨付情况", f"拨付金额（元）：{paid}\n拨付日期：{cn_date(data.paid_on) if data.paid_on else ''}",
             columns=COLUMNS),
    )
    return Layout(
        code=APPLICATION_CODE, title=APPLICATION_TITLE, widths=WIDTHS, number=data.number,
        sheet_name="附件3 补贴申请表",
        blocks=(Table(rows), Table(bottom), Notes(APPLICATION_NOTES)),
    )


def _passed(value: bool | None) -> str:
    return "" if value is None else ("是" if value else "否")


def roster_layout(data: PanzhihuaClaimRoster) -> Layout:
    rows = [
        (number(index), centred(line.name), centred(line.sex), number(line.age), centred(line.id_number),
         centred(line.phone), number(line.course_class_hours), number(line.completed_class_hours),
         Cell(line.platform_account), centred("—"), centred(_passed(line.passed)), Cell(line.remark))
        for index, line in enumerate(data.lines, start=1)
    ]
    rows.append((
        caption("合计", 2), Cell(f"{len(data.lines)} 人", 4, align="C"),
        number(sum(line.course_class_hours for line in data.lines)),
        number(sum(line.completed_class_hours for line in data.lines)),
        Cell("", 2), Cell(f"合格 {sum(1 for line in data.lines if line.passed)} 人", 1, align="C"), Cell(""),
    ))
    return Layout(
        code=ROSTER_CODE, title=ROSTER_TITLE, widths=ROSTER_WIDTHS, landscape=True, number=data.number,
        sheet_name="附件4 补贴申报花名册",
        blocks=(
            Meta(f"企业、培训机构（盖章）：{data.organization_name}", height=14),
            Meta(f"培训项目名称：{data.project_name}", f"共 {len(data.lines)} 人", height=8),
            list_table(list_header(*ROSTER_HEADERS), rows, size=9),
            Notes(ROSTER_NOTES),
        ),
    )


def layout(data: PanzhihuaClaimForm | PanzhihuaClaimRoster) -> Layout:
    if isinstance(data, PanzhihuaClaimForm):
        return application_layout(data)
    if isinstance(data, PanzhihuaClaimRoster):
        return roster_layout(data)
    raise TypeError(f"not a Panzhihua claim form: {type(data).__name__}")


def build_pdf(data: PanzhihuaClaimForm | PanzhihuaClaimRoster) -> bytes:
    return render_pdf(layout(data))


def build_xlsx(data: PanzhihuaClaimForm | PanzhihuaClaimRoster) -> bytes:
    return render_xlsx(layout(data))
