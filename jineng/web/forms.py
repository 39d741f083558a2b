from django import forms

from jineng.identity.models import KeyGroup
from jineng.organizations.models import Organization


class LoginForm(forms.Form):
    username = forms.CharField(label="手机号或用户名", max_length=150,
                               widget=forms.TextInput(attrs={"autocomplete": "username", "inputmode": "text"}))
    password = forms.CharField(label="密码", widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))


class RegisterForm(forms.Form):
    name = forms.CharField(label="姓名", max_length=32, help_text="与身份证一致",
                           widget=forms.TextInput(attrs={"autocomplete": "name"}))
    id_number = forms.CharField(label="身份证号", max_length=18, help_text="18 位，末位可为 X",
                                widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text"}))
    phone = forms.CharField(label="手机号码", max_length=11, help_text="用于登录",
                            widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "numeric"}))
    password = forms.CharField(label="设置密码", help_text="至少 8 位，不要只用数字",
                               widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    password_again = forms.CharField(label="再次输入密码", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    consent = forms.BooleanField(label="我同意平台为培训和补贴审核使用我的实名信息（身份证号、手机号加密保存）")

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password_again") and data["password"] != data["password_again"]:
            self.add_error("password_again", "两次输入的密码不一致")
        return data


class OtpForm(forms.Form):
    token = forms.CharField(label="6 位动态口令", max_length=6, min_length=6,
                            widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}))


class KeyGroupClaimForm(forms.Form):
    group = forms.ChoiceField(label="重点群体类别", choices=KeyGroup.choices)
    evidence = forms.FileField(label="证明材料", help_text="PDF、JPG 或 PNG，不超过 10 MB")


class KeyGroupDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "通过"), ("reject", "不通过")], widget=forms.RadioSelect,
                                 label="核验结论")
    note = forms.CharField(label="核验意见", max_length=200, required=False, help_text="不通过时必填：说明需要补充什么")


class ContractImportForm(forms.Form):
    file = forms.FileField(label="劳动合同花名册（.xlsx）")
    import_valid_rows = forms.BooleanField(label="有错误行时，仅导入正确的行（错误行需修改后再次导入）", required=False)


class PersonFilterForm(forms.Form):
    q = forms.CharField(label="姓名", required=False)
    key_group = forms.ChoiceField(label="重点群体", required=False, choices=[("", "全部"), *KeyGroup.choices])


class OrganizationForm(forms.Form):
    kind = forms.ChoiceField(label="单位类型", choices=Organization.Kind.choices)
    name = forms.CharField(label="单位名称", max_length=128)
    credit_code = forms.CharField(label="统一社会信用代码", max_length=18)
    region_code = forms.CharField(label="所在县（市、区）区划代码", max_length=6, help_text="如 440204（浈江区）")
    address = forms.CharField(label="注册地址", max_length=200)
    legal_representative = forms.CharField(label="法定代表人", max_length=64)
    size = forms.ChoiceField(label="企业规模", choices=[("", "（培训机构不填）"), *Organization.Size.choices], required=False)
    contact_phone = forms.CharField(label="联系电话", max_length=32, required=False)
    bank_account_name = forms.CharField(label="开户名", max_length=128, required=False)
    bank_name = forms.CharField(label="开户银行", max_length=128, required=False)
    bank_account_number = forms.CharField(label="银行账号", max_length=40, required=False)
