from django import forms

from jineng.learning.models import Enrolment


class ProgressFilterForm(forms.Form):
    STATUS_CHOICES = [("", "全部"), ("not_started", "未开始"), ("in_progress", "学习中"), ("complete", "学时已满")]

    name = forms.CharField(label="姓名", required=False, max_length=32)
    course = forms.TypedChoiceField(label="课程", required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(label="学习状态", required=False, choices=STATUS_CHOICES)

    def __init__(self, *args, courses=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].choices = [("", "全部课程"), *((c.pk, c.title) for c in courses)]


class EnrolEmployeesForm(forms.Form):
    course = forms.TypedChoiceField(label="课程", coerce=int)
    persons = forms.TypedMultipleChoiceField(label="职工", coerce=int, widget=forms.CheckboxSelectMultiple,
                                             help_text="列出本单位有有效劳动合同、已注册学习账号的职工")

    def __init__(self, *args, courses=(), employees=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].choices = [(c.pk, c.title) for c in courses]
        self.fields["persons"].choices = [(p.pk, p.name) for p in employees]


SOURCE_LABELS = dict(Enrolment.Source.choices)
