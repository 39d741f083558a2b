"""Forms parse; the services decide. Nothing here checks a rule the services do not check again."""

from __future__ import annotations

from django import forms

from jineng.organizations.models import Organization
from jineng.platforms.models import MATERIAL_GROUP_HELP, EvaluationCourse, MaterialGroup, Platform
from jineng.platforms.services import CourseRow, PlatformData
from jineng.regions.models import Region

EVIDENCE_ACCEPT = "application/pdf,image/png,image/jpeg,.pdf,.png,.jpg,.jpeg"


class PlatformForm(forms.Form):
    name = forms.CharField(label="平台名称（网站或 APP 产品名称）", max_length=128)
    website = forms.CharField(label="网站地址", max_length=200, required=False,
                              help_text="例如 www.example.cn；APP 请填写下面的包名")
    app_package = forms.CharField(label="APP 包名", max_length=128, required=False, help_text="例如 cn.example.training")
    icp_number = forms.CharField(label="ICP 备案号", max_length=64, required=False, help_text="例如 粤ICP备12345678号-1")
    ip_address = forms.CharField(label="IP 地址", max_length=45, required=False)
    server_city = forms.CharField(label="服务器设置城市", max_length=64, required=False, help_text="服务器须设置在中国内地")
    operator = forms.ModelChoiceField(label="运营单位", queryset=Organization.objects.none(), required=False,
                                      empty_label="（未在本系统登记，请在下面填写名称）")
    operator_name = forms.CharField(label="运营单位名称（未在本系统登记时）", max_length=128, required=False)
    contact_name = forms.CharField(label="联系人", max_length=32, required=False)
    contact_phone = forms.CharField(label="联系电话", max_length=32, required=False)
    ownership = forms.ChoiceField(label="平台归属", choices=Platform.Ownership.choices,
                                  initial=Platform.Ownership.THIRD_PARTY)
    recommendation = forms.ChoiceField(label="推荐情况", choices=Platform.Recommendation.choices,
                                       initial=Platform.Recommendation.NONE,
                                       help_text="人社部推荐的平台无需评估；推荐情况由系统管理员按文件录入")
    recommended_region = forms.ModelChoiceField(label="推荐省份", required=False,
                                                queryset=Region.objects.filter(level=Region.Level.PROVINCE),
                                                empty_label="（省级推荐时选择）")
    recommendation_source = forms.CharField(label="推荐依据（文号）", max_length=128, required=False)

    def __init__(self, *args, operators=None, admin: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["operator"].queryset = operators if operators is not None else Organization.objects.all()
        if not admin:
            for name in ("recommendation", "recommended_region", "recommendation_source"):
                self.fields[name].disabled = True

    def to_data(self) -> PlatformData:
        d = self.cleaned_data
        return PlatformData(
            name=d["name"], website=d["website"], app_package=d["app_package"], icp_number=d["icp_number"],
            ip_address=d["ip_address"], server_city=d["server_city"], operator=d["operator"],
            operator_name=d["operator_name"], contact_name=d["contact_name"], contact_phone=d["contact_phone"],
            ownership=d["ownership"], recommendation=d["recommendation"] or Platform.Recommendation.NONE,
            recommended_region=d["recommended_region"], recommendation_source=d["recommendation_source"] or "",
        )

    @staticmethod
    def initial_for(platform: Platform) -> dict:
        return {
            "name": platform.name, "website": platform.website, "app_package": platform.app_package,
            "icp_number": platform.icp_number, "ip_address": platform.ip_address or "",
            "server_city": platform.server_city, "operator": platform.operator_id,
            "operator_name": platform.operator_name, "contact_name": platform.contact_name,
            "contact_phone": platform.contact_phone, "ownership": platform.ownership,
            "recommendation": platform.recommendation, "recommended_region": platform.recommended_region_id,
            "recommendation_source": platform.recommendation_source,
        }


class EvaluationForm(forms.Form):
    """附表5-1 (the project) and the four material groups of 附表5-2. Files are optional
    here: a returned request keeps its files; the submit service requires every group."""

    platform = forms.ModelChoiceField(label="线上培训平台", queryset=Platform.objects.none())
    organization = forms.ModelChoiceField(label="申报企业", queryset=Organization.objects.none(), empty_label=None)
    project_name = forms.CharField(label="培训项目名称", max_length=128)
    occupation_name = forms.CharField(label="培训岗位（工种）", max_length=64)
    applicant_opinion = forms.CharField(label="申报企业意见", max_length=300, required=False,
                                        widget=forms.Textarea(attrs={"rows": 2}),
                                        help_text="例如：本企业拟使用该平台开展职工线上适岗培训，所填情况属实。")
    credentials = forms.FileField(label=MaterialGroup.CREDENTIALS.label, required=False,
                                  help_text=MATERIAL_GROUP_HELP[MaterialGroup.CREDENTIALS])
    construction = forms.FileField(label=MaterialGroup.CONSTRUCTION.label, required=False,
                                   help_text=MATERIAL_GROUP_HELP[MaterialGroup.CONSTRUCTION])
    operation = forms.FileField(label=MaterialGroup.OPERATION.label, required=False,
                                help_text=MATERIAL_GROUP_HELP[MaterialGroup.OPERATION])
    content = forms.FileField(label=MaterialGroup.CONTENT.label, required=False,
                              help_text=MATERIAL_GROUP_HELP[MaterialGroup.CONTENT])

    def __init__(self, *args, platforms=None, organizations=None, fixed: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["platform"].queryset = platforms if platforms is not None else Platform.objects.none()
        self.fields["organization"].queryset = organizations if organizations is not None else Organization.objects.none()
        for name in MaterialGroup.values:
            self.fields[name].widget.attrs["accept"] = EVIDENCE_ACCEPT
        if fixed:  # an existing request: platform and enterprise no longer change
            self.fields["platform"].disabled = True
            self.fields["organization"].disabled = True

    def materials(self) -> dict[str, list]:
        return {g: [self.cleaned_data[g]] for g in MaterialGroup.values if self.cleaned_data.get(g)}


class CourseRowForm(forms.Form):
    name = forms.CharField(label="课程资源名称", max_length=128, required=False)
    key_points = forms.CharField(label="内容要点", max_length=500, required=False)
    resource_form = forms.ChoiceField(label="资源形式", required=False,
                                      choices=[("", "请选择")] + list(EvaluationCourse.ResourceForm.choices))
    minutes = forms.IntegerField(label="培训时长（分钟）", min_value=1, max_value=100_000, required=False)

    def is_blank(self) -> bool:
        d = getattr(self, "cleaned_data", {}) or {}
        return not any(d.get(k) for k in ("name", "key_points", "resource_form", "minutes"))


class BaseCourseRowFormSet(forms.BaseFormSet):
    def rows(self) -> list[CourseRow]:
        """The filled rows; blank spare rows are skipped. An incomplete row is passed on so
        that the service names the row and the missing column."""
        rows = []
        for form in self.forms:
            if form.is_blank():
                continue
            d = form.cleaned_data
            rows.append(CourseRow(name=d.get("name") or "", key_points=d.get("key_points") or "",
                                  resource_form=d.get("resource_form") or "", minutes=d.get("minutes") or 0))
        return rows


def course_formset(data=None, *, evaluation=None, extra: int = 3):
    initial = None
    if evaluation is not None:
        initial = [{"name": c.name, "key_points": c.key_points, "resource_form": c.resource_form, "minutes": c.minutes}
                   for c in evaluation.courses.all()]
    formset_class = forms.formset_factory(CourseRowForm, formset=BaseCourseRowFormSet, extra=extra, max_num=100,
                                          absolute_max=100)
    return formset_class(data, initial=initial, prefix="courses")


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label="评估结论", widget=forms.RadioSelect, choices=[
        ("approve", "评估通过"), ("return", "退回修改"), ("reject", "评估不通过")])
    comment = forms.CharField(label="评估意见", max_length=2000, required=False,
                              widget=forms.Textarea(attrs={"rows": 4}),
                              help_text="退回或不通过时必填：写明需要补充或修改的材料和内容")


class FilingForm(forms.Form):
    city = forms.ModelChoiceField(label="备案城市", queryset=Region.objects.none(), empty_label=None)
    platform = forms.ModelChoiceField(label="线上培训平台", queryset=Platform.objects.none())
    note = forms.CharField(label="说明", max_length=300, required=False,
                           help_text="例如：省厅推荐平台；或本市自行遴选的理由")

    def __init__(self, *args, cities=(), platforms=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["city"].queryset = Region.objects.filter(code__in=[c.code for c in cities]).order_by("code")
        self.fields["platform"].queryset = platforms if platforms is not None else Platform.objects.all()
