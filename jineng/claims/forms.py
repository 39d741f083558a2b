"""Forms of the claims pages: they parse and check types only; the services decide."""

from __future__ import annotations

from django import forms


class CreateForm(forms.Form):
    subsidy = forms.ChoiceField(label="补贴项目")

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subsidy"].choices = [(i.id, f"{i.title}（{i.document_number} {i.citation.split(' ', 1)[-1]}）")
                                          for i in items]


class ApplicantForm(forms.Form):
    cost_per_learner = forms.DecimalField(label="每人培训成本（元）", min_value=0, max_digits=10, decimal_places=2,
                                          required=False, help_text="按上传的成本凭证填写；按实际成本补贴的政策（攀枝花）用")
    bank_account_name = forms.CharField(label="收款户名", max_length=128, required=False)
    bank_name = forms.CharField(label="开户银行", max_length=128, required=False)
    bank_account = forms.CharField(label="银行账号", max_length=40, required=False,
                                   help_text="只显示后 4 位；重新填写即更换")


class VoucherForm(forms.Form):
    voucher = forms.FileField(label="成本凭证（PDF 或图片）")


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label="审核结论", widget=forms.RadioSelect, choices=[
        ("approve", "通过，进入公示"), ("return", "退回修改"), ("reject", "不通过")])
    comment = forms.CharField(label="审核意见", widget=forms.Textarea(attrs={"rows": 3}), required=False,
                              help_text="退回或不通过时必填：写明哪些明细或材料有问题、如何补正")


class ExcludeForm(forms.Form):
    reason = forms.CharField(label="剔除原因", max_length=160)


class ResolveForm(forms.Form):
    upheld = forms.TypedChoiceField(label="核查结论", coerce=lambda v: v == "1", widget=forms.RadioSelect,
                                    choices=[("0", "异议不成立"), ("1", "异议成立")])
    resolution = forms.CharField(label="核查情况", widget=forms.Textarea(attrs={"rows": 2}))


class CommentForm(forms.Form):
    comment = forms.CharField(label="处理结果", widget=forms.Textarea(attrs={"rows": 2}))


class PaymentForm(forms.Form):
    reference = forms.CharField(label="支付凭证号", max_length=64)
    paid_on = forms.DateField(label="支付日期", widget=forms.DateInput(attrs={"type": "date"}))


class BatchCancelForm(forms.Form):
    reason = forms.CharField(label="撤销原因", max_length=200, widget=forms.Textarea(attrs={"rows": 2}),
                             help_text="例如“收款账号有误，待更正后重新编制”；计划内的申请回到待编入状态")


class RecoveryForm(forms.Form):
    amount = forms.DecimalField(label="本次退回金额（元）", max_digits=14, decimal_places=2, min_value=0.01, required=False,
                                help_text="留空：按尚未退回的全部金额登记")
    reference = forms.CharField(label="退款凭证号", max_length=64, help_text="银行回单或非税收入缴款书编号")
    paid_on = forms.DateField(label="退款日期", widget=forms.DateInput(attrs={"type": "date"}))


class ObjectionForm(forms.Form):
    contact_name = forms.CharField(label="联系人姓名", max_length=32)
    contact_phone = forms.CharField(label="联系电话", max_length=32)
    reason = forms.CharField(label="异议内容", widget=forms.Textarea(attrs={"rows": 4}),
                             help_text="写明对哪位学员或哪项内容有异议、依据是什么；联系方式只供审核人员核实，不公开")


class SelfClaimForm(forms.Form):
    roster_entry = forms.IntegerField(widget=forms.HiddenInput)
    bank_name = forms.CharField(label="开户银行", max_length=128)
    bank_account = forms.CharField(label="本人银行卡号", max_length=40)
    confirm = forms.BooleanField(label="我确认以上培训记录属实，申领本人的生活费补贴")
