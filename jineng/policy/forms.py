from django import forms

from jineng.identity.models import KeyGroup
from jineng.policy.selectors import policy_items, today_in_shanghai

KINDS = [
    ("on_the_job", "在岗培训"),
    ("pre_job", "岗前培训"),
    ("job_transfer", "转岗转业培训"),
    ("apprenticeship", "新型学徒制"),
    ("work_based", "以工代训"),
    ("safety", "安全技能培训"),
    ("key_industry", "重点产业培训"),
    ("struggling_enterprise", "困难企业职工培训"),
    ("inmate", "服刑人员培训"),
]
DELIVERIES = [("online", "线上"), ("offline", "线下"), ("blended", "线上线下结合")]
LEVELS = [
    ("", "不分等级"),
    ("5", "五级/初级工"),
    ("4", "四级/中级工"),
    ("3", "三级/高级工"),
    ("2", "二级/技师"),
    ("1", "一级/高级技师"),
]
CERTIFICATES = [
    ("none", "无"),
    ("training", "培训合格证书"),
    ("qualification", "职业资格/职业技能等级证书"),
    ("special_ability", "专项职业能力证书"),
    ("special_operation", "特种作业操作证"),
]
DATE = forms.DateInput(attrs={"type": "date"})


class CalculatorForm(forms.Form):
    item = forms.ChoiceField(label="政策与补贴项目")
    claimed_on = forms.DateField(label="申领日期", widget=DATE)
    id_number = forms.CharField(label="学员身份证号", max_length=18)
    hukou = forms.CharField(
        label="户籍地区划代码", max_length=6, required=False, help_text="不填则取身份证号前 6 位"
    )
    groups = forms.MultipleChoiceField(
        label="已核验的重点群体身份",
        choices=KeyGroup.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    employer_size = forms.ChoiceField(
        label="企业规模",
        required=False,
        choices=[("", "（无用人单位）"), ("sme", "中小微企业"), ("large", "大型企业")],
    )
    employer_region = forms.CharField(label="用人单位所在县（市、区）区划代码", max_length=6, required=False,
                                      help_text="如 440204；用于确定由哪个人社部门支付")
    contract_months = forms.IntegerField(
        label="劳动合同期限（月）", required=False, min_value=0, max_value=600
    )
    received_affected_enterprise_aid = forms.BooleanField(
        label="企业已领取受影响企业培训补助", required=False
    )
    kind = forms.ChoiceField(label="培训类型", choices=KINDS)
    delivery = forms.ChoiceField(label="培训方式", choices=DELIVERIES)
    occupation = forms.CharField(label="职业（工种）代码", max_length=20, initial="6-31-01-03")
    level = forms.ChoiceField(label="等级", choices=LEVELS, required=False)
    hired_on = forms.DateField(label="入职日期", required=False, widget=DATE)
    filed_on = forms.DateField(label="备案日期", required=False, widget=DATE)
    start = forms.DateField(label="培训开始日期", widget=DATE)
    end = forms.DateField(label="培训结束日期", widget=DATE)
    minutes = forms.IntegerField(
        label="平台认定的学习分钟数", min_value=0, max_value=100_000, help_text="45 分钟为 1 学时"
    )
    passed = forms.BooleanField(label="结业考核合格", required=False, initial=True)
    certificate = forms.ChoiceField(label="取得证书", choices=CERTIFICATES)
    free_resource = forms.BooleanField(label="使用平台免费公益资源学习", required=False)
    cost = forms.DecimalField(
        label="向第三方支付的培训费（元）", required=False, min_value=0, max_digits=10, decimal_places=2
    )
    months = forms.IntegerField(label="以工代训月数", required=False, min_value=0, max_value=24, initial=0)
    local_standard = forms.DecimalField(
        label="当地该项目培训补贴标准（元）", required=False, min_value=0, max_digits=10, decimal_places=2
    )
    requested = forms.DecimalField(
        label="申请金额（元）", required=False, min_value=0, max_digits=10, decimal_places=2
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = policy_items()
        self.fields["claimed_on"].initial = today_in_shanghai()

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", "培训结束日期不能早于开始日期")
        data["months"] = data.get("months") or 0
        return data
