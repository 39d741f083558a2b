"""Forms parse; the services decide. Nothing here checks a rule the services do not check again."""

from __future__ import annotations

from django import forms

from jineng.courses.models import Course, Occupation
from jineng.organizations.models import Organization
from jineng.platforms.models import Platform
from jineng.projects.models import (
    Delivery,
    MaterialKind,
    OutlineModule,
    Project,
    ProjectState,
    RoutingRule,
    TrainingKind,
)
from jineng.projects.services import OutlineRow, ProjectData
from jineng.regions.models import Bureau, Region

EVIDENCE_ACCEPT = "application/pdf,image/png,image/jpeg,.pdf,.png,.jpg,.jpeg"
XLSX_ACCEPT = ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LEVEL_CHOICES = [("", "不分等级"), ("5", "五级/初级工"), ("4", "四级/中级工"), ("3", "三级/高级工"),
                 ("2", "二级/技师"), ("1", "一级/高级技师")]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class PlanForm(forms.Form):
    organization = forms.ModelChoiceField(label="申请单位", queryset=Organization.objects.none(), empty_label=None)
    organiser = forms.ChoiceField(label="组织方式", choices=Project.Organiser.choices, widget=forms.RadioSelect,
                                  initial=Project.Organiser.SELF)
    institution = forms.ModelChoiceField(label="受托培训机构", required=False,
                                         queryset=Organization.objects.filter(kind=Organization.Kind.INSTITUTION),
                                         empty_label="（自行组织时不选）",
                                         help_text="委托培训时须另上传委托培训服务合同和平台功能说明")
    kind = forms.ChoiceField(label="培训类型", choices=TrainingKind.choices, initial=TrainingKind.ON_THE_JOB,
                             help_text="备案材料按培训类型分别填写（韶人社函〔2020〕11号 附件1 二(一)）")
    delivery = forms.ChoiceField(label="培训方式", choices=Delivery.choices, initial=Delivery.ONLINE)
    occupation = forms.ModelChoiceField(label="职业（工种）", queryset=Occupation.objects.order_by("code"))
    level = forms.ChoiceField(label="等级", choices=LEVEL_CHOICES, required=False)
    platform = forms.ModelChoiceField(label="线上培训平台", queryset=Platform.objects.order_by("name"))
    name = forms.CharField(label="培训项目名称", max_length=128)
    start_date = forms.DateField(label="培训开始日期", widget=DateInput())
    end_date = forms.DateField(label="培训结束日期", widget=DateInput())
    purpose = forms.CharField(label="培训目的", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    planned_headcount = forms.IntegerField(label="计划培训人数", min_value=1, max_value=10000)
    planned_class_hours = forms.IntegerField(label="计划课时（每课时 45 分钟）", min_value=1, max_value=2000)
    contact_name = forms.CharField(label="培训负责人", max_length=32)
    contact_phone = forms.CharField(label="联系手机", max_length=32)
    learners_are_students = forms.BooleanField(label="参训人员全部为在校大学生", required=False,
                                               help_text="勾选后不要求劳动合同，按本市对在校大学生的分派规则受理")
    received_affected_aid = forms.TypedChoiceField(
        label="是否已领取受影响企业培训补助", required=False, widget=forms.RadioSelect, empty_value=None,
        choices=[("no", "否"), ("yes", "是")], coerce=lambda value: value == "yes",
        help_text="附表1 企业基本情况。韶关市转岗转业培训：已领取受影响企业培训补助的，不能再申领企业培训补贴")

    def __init__(self, *args, organizations=None, fixed_organization: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations if organizations is not None else Organization.objects.none()
        if fixed_organization:
            self.fields["organization"].disabled = True

    def to_data(self) -> ProjectData:
        d = self.cleaned_data
        return ProjectData(
            organization=d["organization"], organiser=d["organiser"], institution=d["institution"], kind=d["kind"],
            delivery=d["delivery"], occupation=d["occupation"], level=int(d["level"]) if d["level"] else None,
            platform=d["platform"], name=d["name"], start_date=d["start_date"], end_date=d["end_date"],
            purpose=d["purpose"], planned_headcount=d["planned_headcount"],
            planned_class_hours=d["planned_class_hours"], contact_name=d["contact_name"],
            contact_phone=d["contact_phone"], learners_are_students=d["learners_are_students"],
            received_affected_aid=d["received_affected_aid"],
        )

    @staticmethod
    def initial_for(project: Project) -> dict:
        return {
            "organization": project.organization_id, "organiser": project.organiser,
            "institution": project.institution_id, "kind": project.kind, "delivery": project.delivery,
            "occupation": project.occupation_id, "level": str(project.level or ""), "platform": project.platform_id,
            "name": project.name, "start_date": project.start_date, "end_date": project.end_date,
            "purpose": project.purpose, "planned_headcount": project.planned_headcount,
            "planned_class_hours": project.planned_class_hours, "contact_name": project.contact_name,
            "contact_phone": project.contact_phone, "learners_are_students": project.learners_are_students,
            "received_affected_aid": {None: None, True: "yes", False: "no"}[project.received_affected_aid],
        }


class OutlineRowForm(forms.Form):
    title = forms.CharField(label="模块名称", max_length=128, required=False)
    category = forms.ChoiceField(label="类别", choices=OutlineModule.Category.choices, required=False)
    mode = forms.ChoiceField(label="方式", choices=OutlineModule.Mode.choices, required=False)
    minutes = forms.IntegerField(label="学习时长（分钟）", min_value=1, max_value=100000, required=False)
    goals = forms.CharField(label="培训目标与内容", max_length=2000, required=False,
                            widget=forms.Textarea(attrs={"rows": 2}))


class BaseOutlineFormSet(forms.BaseFormSet):
    def rows(self) -> list[OutlineRow]:
        rows = []
        for form in self.forms:
            d = getattr(form, "cleaned_data", None) or {}
            if not (d.get("title") or d.get("minutes")):
                continue
            rows.append(OutlineRow(title=d.get("title") or "", category=d.get("category") or "",
                                   minutes=d.get("minutes") or 0, goals=d.get("goals") or "",
                                   mode=d.get("mode") or OutlineModule.Mode.ONLINE))
        return rows


def outline_formset(data=None, *, project: Project, extra: int = 2):
    initial = [{"title": m.title, "category": m.category, "mode": m.mode, "minutes": m.minutes, "goals": m.goals}
               for m in project.outline.order_by("position")]
    formset_class = forms.formset_factory(OutlineRowForm, formset=BaseOutlineFormSet, extra=extra, max_num=60)
    return formset_class(data, initial=initial, prefix="outline")


class CoursesForm(forms.Form):
    courses = forms.ModelMultipleChoiceField(label="线上课程", queryset=Course.objects.none(),
                                             widget=forms.CheckboxSelectMultiple,
                                             help_text="备案通过后，名册人员自动报名所选课程")

    def __init__(self, *args, courses=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["courses"].queryset = courses if courses is not None else Course.objects.none()


class RosterImportForm(forms.Form):
    file = forms.FileField(label="人员名册（Excel .xlsx）", widget=forms.ClearableFileInput(attrs={"accept": XLSX_ACCEPT}),
                           help_text="表头：序号、姓名、性别、年龄、身份证号、联系电话、平台登录账号（可另加“重点群体”列）。不要填写密码。")
    import_valid_rows = forms.BooleanField(label="有错误时，仅导入正确的行", required=False)


class MaterialForm(forms.Form):
    kind = forms.ChoiceField(label="材料类别", choices=MaterialKind.choices)
    file = forms.FileField(label="文件（PDF 或图片，不超过 10 MB）",
                           widget=forms.ClearableFileInput(attrs={"accept": EVIDENCE_ACCEPT}))


class CommitmentForm(forms.Form):
    accept = forms.BooleanField(label="我已阅读并代表本单位作出以上承诺", required=True)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label="审核结论", widget=forms.RadioSelect,
                                 choices=[("approve", "同意备案"), ("return", "退回修改")])
    comment = forms.CharField(label="审核意见", max_length=2000, required=False,
                              widget=forms.Textarea(attrs={"rows": 4}),
                              help_text="退回时必填：写明需要补充或修改的内容和材料")


class QueueFilterForm(forms.Form):
    state = forms.ChoiceField(label="状态", required=False,
                              choices=[("", "全部状态"), *[(s.value, s.label) for s in ProjectState]],
                              initial=ProjectState.SUBMITTED)
    region = forms.ChoiceField(label="申请单位所在地", required=False)
    kind = forms.ChoiceField(label="培训类型", required=False, choices=[("", "全部类型"), *TrainingKind.choices])
    overdue = forms.BooleanField(label="只看已超期", required=False)

    def __init__(self, *args, regions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", "全部区域"), *[(r.code, r.name) for r in regions]]


class RoutingRuleForm(forms.Form):
    city = forms.ModelChoiceField(label="所属城市", queryset=Region.objects.none(), empty_label=None)
    match = forms.ChoiceField(label="匹配方式", choices=RoutingRule.Match.choices, widget=forms.RadioSelect,
                              initial=RoutingRule.Match.ORGANIZATION)
    organization = forms.ModelChoiceField(label="单位（按指定单位时）", required=False,
                                          queryset=Organization.objects.none())
    region = forms.ModelChoiceField(label="区域（按单位所在区域时）", required=False, queryset=Region.objects.none())
    learner_group = forms.ChoiceField(label="参训人员类别（按人员类别时）", required=False,
                                      choices=[("", "—"), *RoutingRule.LearnerGroup.choices])
    office = forms.ModelChoiceField(label="受理部门", queryset=Bureau.objects.none())
    source = forms.CharField(label="依据（文号及条款）", max_length=128, help_text="例如 攀人社发〔2020〕33号 四(一)")
    note = forms.CharField(label="说明", max_length=200, required=False)

    def __init__(self, *args, cities=(), **kwargs):
        super().__init__(*args, **kwargs)
        codes = [c.code for c in cities]
        self.fields["city"].queryset = Region.objects.filter(code__in=codes).order_by("code")
        self.fields["organization"].queryset = Organization.objects.filter(
            region__city_code__in=codes).order_by("region_id", "name")
        self.fields["region"].queryset = Region.objects.filter(city_code__in=codes, level=Region.Level.COUNTY)
        self.fields["office"].queryset = Bureau.objects.filter(region__city_code__in=codes).exclude(
            kind=Bureau.Kind.FINANCE).order_by("region_id", "kind", "id")
