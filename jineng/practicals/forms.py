"""Forms only parse and show errors; the services validate."""

from __future__ import annotations

from django import forms

from jineng.practicals.services import SessionData

LOCAL_INPUT = "%Y-%m-%dT%H:%M"


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format=LOCAL_INPUT, **kwargs)


class SessionForm(forms.Form):
    title = forms.CharField(label="实操内容", max_length=128)
    outline_module = forms.ModelChoiceField(label="大纲模块（线下实操）", queryset=None, required=False,
                                            empty_label="（不对应大纲模块）")
    location = forms.CharField(label="地点（详细地址）", max_length=200)
    starts_at = forms.DateTimeField(label="开始时间", widget=LocalDateTimeInput(), input_formats=[LOCAL_INPUT, "%Y-%m-%d %H:%M"])
    ends_at = forms.DateTimeField(label="结束时间", widget=LocalDateTimeInput(), input_formats=[LOCAL_INPUT, "%Y-%m-%d %H:%M"])
    credited_minutes = forms.IntegerField(label="计入时长（分钟）", required=False, min_value=1,
                                          help_text="留空则按开始至结束的时长计入；1 学时 = 45 分钟")
    trainer_name = forms.CharField(label="实操指导教师", max_length=64)
    capacity = forms.IntegerField(label="场地容量（人）", min_value=1)

    def __init__(self, *args, modules, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outline_module"].queryset = modules
        self.fields["outline_module"].label_from_instance = lambda m: f"{m.position}. {m.title}（{m.minutes} 分钟）"

    def to_data(self) -> SessionData:
        d = self.cleaned_data
        return SessionData(title=d["title"], location=d["location"], starts_at=d["starts_at"], ends_at=d["ends_at"],
                           trainer_name=d["trainer_name"], capacity=d["capacity"],
                           credited_minutes=d.get("credited_minutes"), outline_module=d.get("outline_module"))


class CancelForm(forms.Form):
    reason = forms.CharField(label="取消原因", max_length=500, widget=forms.Textarea(attrs={"rows": 2}),
                             help_text="学员扫码时会看到")


class SuspensionForm(forms.Form):
    city = forms.ModelChoiceField(label="城市", queryset=None, empty_label=None)
    document_number = forms.CharField(label="文号", max_length=64, help_text="如 鲁人社字〔2020〕11号")
    reason = forms.CharField(label="暂停原因", max_length=500, widget=forms.Textarea(attrs={"rows": 2}),
                             help_text="如：疫情防控期间，全面暂停各级各类线下聚集性职业培训活动")

    def __init__(self, *args, cities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["city"].queryset = cities
        self.fields["city"].label_from_instance = lambda r: r.name


class LiftForm(forms.Form):
    lift_document_number = forms.CharField(label="恢复通知文号", max_length=64, required=False)
