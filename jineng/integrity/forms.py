"""Forms of the reviewers' flag pages: they parse input only; the services validate."""

from django import forms

from jineng.integrity.models import Flag


class FlagFilterForm(forms.Form):
    status = forms.ChoiceField(label="状态", choices=[("", "全部"), *Flag.Status.choices], required=False)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label="核查结论", widget=forms.RadioSelect, choices=[
        ("confirmed", "确认违规（雷同属实）"), ("dismissed", "排除嫌疑（有合理解释）")])
    note = forms.CharField(label="核查意见", max_length=2000, widget=forms.Textarea(attrs={"rows": 4}),
                           help_text="写明核实了什么、依据是什么；该意见将留档并进入审计记录")
