"""Forms of the catalogue and author pages: they parse input only; the services validate."""

from django import forms

from jineng.courses.models import Level, Module, Occupation

LEVEL_CHOICES = [("", "不分等级"), *[(str(value), label) for value, label in Level.choices]]
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
MINUTES = forms.NumberInput(attrs={"inputmode": "numeric", "min": "1"})


class OccupationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Occupation) -> str:
        return f"{obj.code} {obj.name}"


class CatalogueFilterForm(forms.Form):
    occupation = OccupationChoiceField(label="职业（工种）", queryset=Occupation.objects.none(), required=False,
                                       empty_label="全部职业（工种）")
    level = forms.TypedChoiceField(label="等级", choices=[("", "全部等级"), *LEVEL_CHOICES[1:]], coerce=int,
                                   required=False, empty_value=None)

    def __init__(self, *args, occupations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["occupation"].queryset = occupations if occupations is not None else Occupation.objects.all()


class OccupationForm(forms.Form):
    code = forms.CharField(label="职业编码", max_length=20, help_text="《职业分类大典》编码，如 6-18-02-04",
                           widget=forms.TextInput(attrs={"inputmode": "text", "autocomplete": "off"}))
    name = forms.CharField(label="职业（工种）名称", max_length=100)
    levels = forms.TypedMultipleChoiceField(label="可培训等级", choices=Level.choices, coerce=int, required=False,
                                            widget=forms.CheckboxSelectMultiple, help_text="都不选表示不分等级")


class CourseForm(forms.Form):
    provider = forms.ModelChoiceField(label="课程提供单位", queryset=None, empty_label=None)
    occupation = OccupationChoiceField(label="职业（工种）", queryset=Occupation.objects.none(),
                                       empty_label="请选择职业（工种）")
    level = forms.TypedChoiceField(label="等级", choices=LEVEL_CHOICES, coerce=int, required=False, empty_value=None)
    title = forms.CharField(label="课程名称", max_length=120)
    summary = forms.CharField(label="课程简介", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    is_free_resource = forms.BooleanField(label="公益免费资源（学习该课程不享受培训补贴）", required=False)

    def __init__(self, *args, providers=None, with_provider=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["occupation"].queryset = Occupation.objects.order_by("code")
        if with_provider:
            self.fields["provider"].queryset = providers
        else:
            del self.fields["provider"]


class ModuleForm(forms.Form):
    title = forms.CharField(label="模块名称", max_length=120)
    category = forms.ChoiceField(label="模块类别", choices=Module.Category.choices, widget=forms.RadioSelect,
                                 initial=Module.Category.PUBLIC)
    planned_minutes = forms.IntegerField(label="计划学习时长（分钟）", min_value=1, widget=MINUTES,
                                         help_text="45 分钟为 1 学时")
    required = forms.BooleanField(label="结业必修", required=False, initial=True)


class VideoLessonForm(forms.Form):
    title = forms.CharField(label="课件名称", max_length=120)
    video = forms.FileField(label="视频文件（MP4）", widget=forms.ClearableFileInput(attrs={"accept": "video/mp4,.mp4"}),
                            help_text="MP4 格式、H.264 编码，不超过 2 GB；时长由系统读取")
    planned_minutes = forms.IntegerField(label="计划学习时长（分钟）", min_value=1, required=False, widget=MINUTES,
                                         help_text="不填则按视频时长（向上取整到分钟）")


IMAGE_INPUT = forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg"})


class DocumentLessonForm(forms.Form):
    title = forms.CharField(label="课件名称", max_length=120)
    planned_minutes = forms.IntegerField(label="计划学习时长（分钟）", min_value=1, widget=MINUTES)
    body_html = forms.CharField(
        label="图文内容", required=False, widget=forms.Textarea(attrs={"rows": 12}),
        help_text="可直接输入文字（空一行分段），也可粘贴简单 HTML。写 [图1] [图2] [图3] 标出图片位置，未标出的图片放在末尾。"
                  "脚本、样式和外站图片会被自动去除。")
    image1 = forms.FileField(label="图1", required=False, widget=IMAGE_INPUT, help_text="JPG 或 PNG，每张不超过 5 MB")
    caption1 = forms.CharField(label="图1 说明", max_length=200, required=False)
    image2 = forms.FileField(label="图2", required=False, widget=IMAGE_INPUT)
    caption2 = forms.CharField(label="图2 说明", max_length=200, required=False)
    image3 = forms.FileField(label="图3", required=False, widget=IMAGE_INPUT)
    caption3 = forms.CharField(label="图3 说明", max_length=200, required=False)

    def images(self) -> list:
        data = self.cleaned_data
        return [(data[f"image{n}"], data.get(f"caption{n}", "")) for n in (1, 2, 3) if data.get(f"image{n}")]


class LiveLessonForm(forms.Form):
    title = forms.CharField(label="课件名称", max_length=120)
    starts_at = forms.DateTimeField(label="直播开始时间", widget=DATETIME)
    ends_at = forms.DateTimeField(label="直播结束时间", widget=DATETIME)
    room_url = forms.CharField(label="直播间地址", max_length=200, help_text="以 https:// 开头，如腾讯会议、钉钉直播的链接",
                               widget=forms.URLInput(attrs={"inputmode": "url"}))
    planned_minutes = forms.IntegerField(label="计划学习时长（分钟）", min_value=1, required=False, widget=MINUTES,
                                         help_text="不填则按直播时长")


class ScormLessonForm(forms.Form):
    package = forms.FileField(label="SCORM 课件包（.zip）",
                              widget=forms.ClearableFileInput(attrs={"accept": ".zip,application/zip"}),
                              help_text="SCORM 1.2 或 2004，imsmanifest.xml 须在压缩包根目录；不超过 500 MB")
    title = forms.CharField(label="课件名称", max_length=120, required=False, help_text="不填则使用课件包里的标题")
    planned_minutes = forms.IntegerField(label="计划学习时长（分钟）", min_value=1, widget=MINUTES)


LESSON_FORMS = {
    "video": (VideoLessonForm, "添加录播视频课件"),
    "document": (DocumentLessonForm, "添加图文课件"),
    "live": (LiveLessonForm, "添加直播课"),
    "scorm": (ScormLessonForm, "上传 SCORM 课件"),
}
