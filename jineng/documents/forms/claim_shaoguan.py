"""韶关 claim forms (韶人社函〔2020〕11号 附件1): 补贴申请表 and 补贴申领人员花名册. Pure builders:
the claims app fills ``ShaoguanClaimForm`` / ``ShaoguanClaimRoster`` (``jineng.documents.data``)
and calls ``build_pdf`` / ``build_xlsx`` with either.

What the seed gives (附件1): the claim is made within 6 months after the training ends
(一(三)), by an enterprise whose filing was approved and which completed the plan; it pays
30 元 per learner per class hour of at least 45 minutes, at most 1000 元 per learner a year,
and not for transfer training already paid as 受影响企业培训补助 (一(四)); the county bureau
gives its opinion within 15 working days, publishes approved claims for 5 working days and
pays within 30 working days (二(二)); the evidence to keep is listed in 三 (培训计划、培训大纲、
培训人员名册、劳动合同、学员上线登录的培训时长记载、培训成绩或成果截图; 委托机构名称和信用代码;
劳务派遣协议). The seed prints no claim form: the claim is entered in the province's system
(《广东省职业技能提升培训补贴申领管理信息系统》), "正在开发当中".

What is inferred: a paper application in the style of 附表1 — the enterprise and the account to
pay, the approved filing it rests on (number and date), the training (type as boxes, post,
platform, period, deadline to claim), headcounts, class hours, the standard and the cap, the
amount in figures and capitals, 是否已领取受影响企业培训补助, the 三 evidence as a checklist, the
enterprise's commitment with 法定代表人签字 and 盖章, and boxes for the county bureau's opinion,
the public notice and the payment — and a roster in the style of 附表4 with, per learner, the
class hours completed, the standard, what they already had this year and the amount claimed.
"""

from __future__ import annotations

from decimal import Decimal

from jineng.documents.data import SHAOGUAN_KINDS, ShaoguanClaimForm, ShaoguanClaimRoster
from jineng.documents.formatting import checkboxes, cn_date, cn_period, money, rmb_upper, yes_no
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

APPLICATION_CODE = ""  # the seed numbers no claim form
APPLICATION_TITLE = "韶关市企业职工线上适岗职业技能培训补贴申请表"
ROSTER_CODE = ""
ROSTER_TITLE = "韶关市企业职工线上适岗职业技能培训补贴申领人员花名册"

WIDTHS = (30.0, 20.0, 24.0, 18.0, 32.0, 16.0, 20.0, 20.0)
COLUMNS = len(WIDTHS)
COMMITMENT = ("承诺：本企业已按备案的培训计划完成职工线上适岗培训，培训效果达到计划要求；所报参训人员均为本企业签订"
              "劳动合同的职工（含在本企业工作的劳务派遣人员）或签订服务协议的员工制家政服务人员，培训课时、培训成绩等"
              "资料真实有效。如有弄虚作假骗取培训补贴，愿承担相应法律责任，接受相关处理。")
APPLICATION_NOTES = (
    "注：1.企业在培训工作结束后 6 个月内，向企业所在地县（市、区）人力资源社会保障局提出申领。",
    "2.县（市、区）人力资源社会保障局收到补贴申请后 15 个工作日内提出审核意见；审核通过的公示 5 个工作日；公示无"
    "异议的，制定资金拨付计划并在 30 个工作日内按规定支付。",
    "3.按实际参加培训人数每人每课时（不少于 45 分钟）30 元的标准补贴，每人每年补贴上限不超过 1000 元；受影响企业"
    "开展受影响职工转岗转业培训已申领受影响企业培训补助的，不能再申领此项补贴。",
    "4.随表附《补贴申领人员花名册》；培训资料按要求归档，以备核查。",
)

ROSTER_WIDTHS = (12.0, 20.0, 12.0, 42.0, 28.0, 36.0, 18.0, 22.0, 26.0, 24.0, 27.0)
ROSTER_HEADERS = ("序号", "姓名", "性别", "身份证号码", "手机号码", "平台登录账号", "完成课时", "补贴标准（元/课时）",
                  "本年度已享受补贴（元）", "本次申请补贴（元）", "备注")


def application_layout(data: ShaoguanClaimForm) -> Layout:
    enterprise = data.enterprise
    kinds = SHAOGUAN_KINDS if data.kind_label in SHAOGUAN_KINDS else (*SHAOGUAN_KINDS, data.kind_label)
    rows = (
        (section("企业基本情况", COLUMNS),),
        pair("企业名称", enterprise.name, "统一社会信用代码", enterprise.credit_code),
        wide("注册地址", enterprise.address, columns=COLUMNS),
        pair("法人代表", enterprise.legal_representative, "联系电话", enterprise.contact_phone),
        pair("开户名", data.bank.account_name, "开户银行", data.bank.bank_name),
        wide("银行账号", data.bank.account_number, columns=COLUMNS),
        (section("培训项目情况", COLUMNS),),
        pair("备案编号", data.filing_number, "备案日期", cn_date(data.filed_on) if data.filed_on else ""),
        pair("培训项目名称", data.project_name, "培训岗位（工种）", data.occupation),
        wide("培训类型", checkboxes(kinds, data.kind_label), columns=COLUMNS),
        pair("线上培训平台", data.platform_name, "培训起止时间", cn_period(data.start_date, data.end_date)),
        wide("申领期限", "培训工作结束后 6 个月内" + (f"（至 {cn_date(data.claim_deadline)}）" if data.claim_deadline else ""),
             columns=COLUMNS),
        (caption("是否已领取受影响企业培训补助", 4), Cell(yes_no(data.received_affected_subsidy), 4, align="C")),
        (section("补贴申请", COLUMNS),),
        pair("实际参训人数", number(data.trained_headcount, 3), "申请补贴人数", number(data.claimed_headcount, 3)),
        pair("补贴课时合计", Cell(f"{data.class_hours} 课时", 3, value=data.class_hours, number_format='0" 课时"'),
             "补贴标准", f"每人每课时 {money(data.standard_per_hour)} 元，每人每年不超过 {money(data.annual_cap)} 元"),
        pair("申请补贴金额（元）", amount(data.amount, 3), "金额大写", f"人民币{rmb_upper(data.amount)}"),
        wide("归档佐证材料", materials_text(data.materials), columns=COLUMNS),
    )
    notice = (f"公示期：{cn_period(data.public_notice_start, data.public_notice_end)}（5 个工作日）"
              if data.public_notice_start else "公示期：          至          （5 个工作日）")
    paid = money(data.paid_amount) if data.paid_amount is not None else ""
    bottom = (
        (caption("申报企业承诺"),
         signed_box(data.commitment, span=COLUMNS - 1, signer_lines=("法定代表人（签字）：", "申报企业（盖章）"),
                    prefix=COMMITMENT)),
        (caption("县（市、区）人力资源社会保障部门审核意见"),
         signed_box(data.review, span=COLUMNS - 1,
                    signer_lines=("经办人（签字）：", "审核人（签字）：", f"{data.reviewing_office}（盖章）"))),
        wide("公示情况", f"{notice}\n公示结果：{data.public_notice_result}", columns=COLUMNS),
        wide("资金拨付", f"拨付金额（元）：{paid}\n拨付日期：{cn_date(data.paid_on) if data.paid_on else ''}",
             columns=COLUMNS),
    )
    return Layout(
        code=APPLICATION_CODE, title=APPLICATION_TITLE, widths=WIDTHS, number=data.number,
        sheet_name="补贴申请表", blocks=(Table(rows), Table(bottom), Notes(APPLICATION_NOTES)),
    )


def roster_layout(data: ShaoguanClaimRoster) -> Layout:
    rows = [
        (number(index), centred(line.name), centred(line.sex), centred(line.id_number), centred(line.phone),
         Cell(line.platform_account), number(line.class_hours), amount(data.standard_per_hour),
         amount(line.already_this_year), amount(line.amount), Cell(line.remark))
        for index, line in enumerate(data.lines, start=1)
    ]
    rows.append((
        caption("合计", 2), Cell(f"{len(data.lines)} 人", 4, align="C"),
        number(sum(line.class_hours for line in data.lines)), Cell(""),
        amount(sum((line.already_this_year for line in data.lines), start=Decimal("0.00"))),
        amount(sum((line.amount for line in data.lines), start=Decimal("0.00"))), Cell(""),
    ))
    return Layout(
        code=ROSTER_CODE, title=ROSTER_TITLE, widths=ROSTER_WIDTHS, landscape=True, number=data.number,
        sheet_name="补贴申领花名册",
        blocks=(
            Meta(f"企业名称（盖章）：{data.enterprise_name}", f"填报日期：{cn_date(data.filled_on)}", height=14),
            Meta(f"培训项目名称：{data.project_name}", f"备案编号：{data.filing_number}", height=8),
            list_table(list_header(*ROSTER_HEADERS), rows, size=9),
            Notes(("（此名册可顺延）",)),
        ),
    )


def layout(data: ShaoguanClaimForm | ShaoguanClaimRoster) -> Layout:
    if isinstance(data, ShaoguanClaimForm):
        return application_layout(data)
    if isinstance(data, ShaoguanClaimRoster):
        return roster_layout(data)
    raise TypeError(f"not a Shaoguan claim form: {type(data).__name__}")


def build_pdf(data: ShaoguanClaimForm | ShaoguanClaimRoster) -> bytes:
    return render_pdf(layout(data))


def build_xlsx(data: ShaoguanClaimForm | ShaoguanClaimRoster) -> bytes:
    return render_xlsx(layout(data))
