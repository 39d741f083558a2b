"""Forms of the question-bank, exam and exercise pages: they parse input only; the services validate."""

from __future__ import annotations

from django import forms

from jineng.exams.bank import ANSWER_HELP
from jineng.exams.models import Difficulty, Exam, Question, QuestionKind

FORM_OPTION_KEYS = "ABCDEF"
NUMBER = forms.NumberInput(attrs={"inputmode": "numeric", "min": "1"})
DECIMAL = forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.5", "min": "0"})


class ModuleChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.title}（{obj.get_category_display()}）"


class QuestionForm(forms.Form):
    kind = forms.ChoiceField(label="题型", choices=QuestionKind.choices, widget=forms.RadioSelect,
                             initial=QuestionKind.SINGLE)
    stem = forms.CharField(label="题干", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    option_a = forms.CharField(label="选项 A", required=False, max_length=500)
    option_b = forms.CharField(label="选项 B", required=False, max_length=500)
    option_c = forms.CharField(label="选项 C", required=False, max_length=500)
    option_d = forms.CharField(label="选项 D", required=False, max_length=500)
    option_e = forms.CharField(label="选项 E", required=False, max_length=500)
    option_f = forms.CharField(label="选项 F", required=False, max_length=500,
                               help_text="选择题从 A 开始连续填写；判断题、填空题不填选项")
    answer = forms.CharField(label="答案", max_length=500, help_text=ANSWER_HELP)
    explanation = forms.CharField(label="解析", required=False, widget=forms.Textarea(attrs={"rows": 3}),
                                  help_text="练习作答后、考试交卷后展示给学员")
    module = ModuleChoiceField(label="所属模块", queryset=None, required=False, empty_label="不指定模块",
                               help_text="组卷规则可以按模块抽题")
    difficulty = forms.TypedChoiceField(label="难度", choices=[("", "不标注"), *Difficulty.choices], coerce=int,
                                        required=False, empty_value=None)

    def __init__(self, *args, course, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["module"].queryset = course.modules.order_by("position", "pk")

    def options(self) -> list[str]:
        return [self.cleaned_data.get(f"option_{k.lower()}", "") for k in FORM_OPTION_KEYS]

    @classmethod
    def initial_for(cls, question: Question, answer_text: str) -> dict:
        initial = {"kind": question.kind, "stem": question.stem, "answer": answer_text,
                   "explanation": question.explanation, "module": question.module_id,
                   "difficulty": question.difficulty}
        if question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            for key, choice in zip(FORM_OPTION_KEYS, question.choices.all(), strict=False):
                initial[f"option_{key.lower()}"] = choice.text
        return initial


class QuestionFilterForm(forms.Form):
    kind = forms.ChoiceField(label="题型", choices=[("", "全部题型"), *QuestionKind.choices], required=False)
    module = ModuleChoiceField(label="模块", queryset=None, required=False, empty_label="全部模块")
    status = forms.ChoiceField(label="状态", choices=[("active", "在用"), ("retired", "已停用")], required=False)
    search = forms.CharField(label="题干包含", required=False, max_length=50)

    def __init__(self, *args, course, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["module"].queryset = course.modules.order_by("position", "pk")


class ImportForm(forms.Form):
    file = forms.FileField(label="题库文件（.xlsx）")
    import_valid_rows = forms.BooleanField(label="仅导入正确的行（有错误的行跳过）", required=False)


class ExamForm(forms.Form):
    title = forms.CharField(label="考试名称", max_length=120)
    is_final = forms.BooleanField(label="结业考核（每门课程一场，通过后才能结业）", required=False)
    time_limit_minutes = forms.IntegerField(label="考试时长（分钟）", min_value=1, max_value=600, widget=NUMBER,
                                            initial=60)
    max_attempts = forms.IntegerField(label="允许参加次数", min_value=1, max_value=20, widget=NUMBER, initial=2)
    pass_score = forms.DecimalField(label="合格分数", min_value=0, max_digits=6, decimal_places=2, widget=DECIMAL,
                                    initial=60)
    multiple_scoring = forms.ChoiceField(label="多选题计分", choices=Exam.MultipleScoring.choices,
                                         initial=Exam.MultipleScoring.ALL_OR_NOTHING, widget=forms.RadioSelect)
    shuffle_questions = forms.BooleanField(label="每位学员题目顺序随机", required=False, initial=True)
    shuffle_options = forms.BooleanField(label="每位学员选项顺序随机（判断题除外）", required=False, initial=True)
    instructions = forms.CharField(label="考试说明", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    @classmethod
    def initial_for(cls, exam: Exam) -> dict:
        return {name: getattr(exam, name) for name in cls.base_fields}


class ExerciseForm(forms.Form):
    title = forms.CharField(label="练习名称", max_length=120, required=False, help_text="不填则为“课件名称 · 课后练习”")
    questions = forms.ModelMultipleChoiceField(label="练习题目（按题库顺序）", queryset=None,
                                               widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, course, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["questions"].queryset = Question.objects.filter(course=course, status=Question.Status.ACTIVE).order_by(
            "pk")
        self.fields["questions"].label_from_instance = lambda q: f"［{q.get_kind_display()}］{q.stem[:60]}"
