"""Forms parse; the services decide (lengths, sanitising, who may). The ``maxlength`` attributes
only spare the learner a round trip."""

from __future__ import annotations

from django import forms

from jineng.question_threads.models import ThreadStatus
from jineng.question_threads.services import MAX_BODY, MAX_CLOSE_REASON, MAX_REPLY, MAX_TITLE


class AskForm(forms.Form):
    title = forms.CharField(label="问题标题", required=False, help_text=f"一句话概括您的问题，4–{MAX_TITLE} 个字",
                            widget=forms.TextInput(attrs={"maxlength": MAX_TITLE, "autocomplete": "off"}))
    body = forms.CharField(label="问题描述", required=False,
                           help_text=f"写清楚在哪一步遇到了什么问题，最多 {MAX_BODY} 字；只支持纯文本",
                           widget=forms.Textarea(attrs={"rows": 6, "maxlength": MAX_BODY}))
    lesson = forms.TypedChoiceField(label="相关课件（可不选）", required=False, coerce=int, empty_value=None)
    idempotency_key = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, lessons=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.lessons = {lesson.pk: lesson for lesson in lessons}
        self.fields["lesson"].choices = [("", "（不针对某个课件）")] + [
            (lesson.pk, f"{lesson.module.title} · {lesson.title}") for lesson in lessons]

    def lesson_obj(self):
        return self.lessons.get(self.cleaned_data.get("lesson"))


class ReplyForm(forms.Form):
    body = forms.CharField(label="回复内容", required=False,
                           widget=forms.Textarea(attrs={"rows": 4, "maxlength": MAX_REPLY}))


class CloseForm(forms.Form):
    reason = forms.CharField(label="关闭原因（学员会看到）", required=False,
                             widget=forms.TextInput(attrs={"maxlength": MAX_CLOSE_REASON}),
                             help_text="如“与课程无关”“重复提问，请查看已有问答”")


class SearchForm(forms.Form):
    q = forms.CharField(label="搜索", required=False, max_length=100,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": "问题、描述或回复中的文字"}))
    unanswered = forms.BooleanField(label="只看待回复", required=False)
    mine = forms.BooleanField(label="只看我的提问", required=False)
    status = forms.ChoiceField(label="状态", required=False, choices=[("", "全部状态"), *ThreadStatus.choices])
    lesson = forms.TypedChoiceField(label="课件", required=False, coerce=int, empty_value=None)

    def __init__(self, *args, lessons=(), show_mine: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if lessons:
            self.fields["lesson"].choices = [("", "全部课件")] + [(lesson.pk, lesson.title) for lesson in lessons]
        else:
            del self.fields["lesson"]
        if not show_mine:
            del self.fields["mine"]

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {"q": data.get("q", ""), "unanswered": bool(data.get("unanswered")), "mine": bool(data.get("mine")),
                "status": data.get("status", ""), "lesson_id": data.get("lesson")}
