"""Test data and small helpers for the exam tests (and the integrity tests, which reuse them)."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from stdnum.cn import ric

from jineng.common import clock
from jineng.exams import services
from jineng.exams.models import AttemptQuestion, QuestionKind
from jineng.identity.services import learner_register
from jineng.learning.models import Enrolment

PASSWORD = "Xuexi@2026!"


def id_number(region_code: str, n: int) -> str:
    body = f"{region_code}1990{1 + n // 28 % 12:02d}{1 + n % 28:02d}{100 + n % 800:03d}"
    return body + ric.calc_check_digit(body + "0")


def make_learner(*, name: str, n: int, region_code: str = "440204"):
    user = learner_register(name=name, id_number=id_number(region_code, n), phone=f"137{n:08d}", password=PASSWORD)
    user.plain_password = PASSWORD
    return user


def enrol(*, user, course, organization=None, by) -> Enrolment:
    return Enrolment.objects.create(person=user.person, course=course, organization=organization,
                                    source="organization" if organization else "self", enrolled_by=by,
                                    enrolled_at=clock.now())


def build_bank(*, course, operator, safety, welding) -> dict:
    """安全生产: 10 single, 4 multiple, 4 true/false, 2 fill-in; 焊接工艺: 6 single."""
    made: dict[str, list] = {"single": [], "multiple": [], "true_false": [], "fill": [], "welding": []}
    for i in range(1, 11):
        made["single"].append(services.question_create(
            course=course, kind="single", stem=f"安全生产单选题{i}：焊接时应佩戴什么？", module=safety,
            options=[f"正确做法{i}", f"干扰项甲{i}", f"干扰项乙{i}", f"干扰项丙{i}"], answer="A",
            explanation=f"解析单选{i}：焊接弧光伤眼", actor=operator))
    for i in range(1, 5):
        made["multiple"].append(services.question_create(
            course=course, kind="multiple", stem=f"多选题{i}：下列属于防护用品的有", module=safety,
            options=[f"手套{i}", f"护目镜{i}", f"手机{i}", f"安全鞋{i}"], answer="ABD",
            explanation=f"解析多选{i}：手机不是防护用品", actor=operator))
    for i in range(1, 5):
        made["true_false"].append(services.question_create(
            course=course, kind="true_false", stem=f"判断题{i}：焊接后可以立即用手触摸焊件。", module=safety,
            answer="错" if i % 2 else "对", explanation=f"解析判断{i}", actor=operator))
    for i, accepted in enumerate(["预防为主|预防", "绝缘手套"], start=1):
        made["fill"].append(services.question_create(
            course=course, kind="fill", stem=f"填空题{i}：安全生产方针是安全第一、____、综合治理。", module=safety,
            answer=accepted, explanation=f"解析填空{i}", actor=operator))
    for i in range(1, 7):
        made["welding"].append(services.question_create(
            course=course, kind="single", stem=f"焊接工艺单选题{i}：焊条应如何保存？", module=welding,
            options=[f"干燥处{i}", f"潮湿处{i}", f"露天{i}"], answer="A", explanation=f"解析工艺{i}", actor=operator))
    return made


def right_answer(item: AttemptQuestion):
    """The keys (or text) that score full points on this learner's paper."""
    if item.kind == QuestionKind.FILL:
        return item.correct[0]
    return [o["key"] for o in item.options if o["choice"] in set(item.correct)]


def wrong_answer(item: AttemptQuestion):
    """A wrong answer that means the same for every learner: the wrong choice with the lowest id,
    whatever key it has on this paper (or a fixed wrong text)."""
    if item.kind == QuestionKind.FILL:
        return "不知道"
    wrong = min(o["choice"] for o in item.options if o["choice"] not in set(item.correct))
    return [o["key"] for o in item.options if o["choice"] == wrong]


def answer_paper(attempt, user, *, wrong_questions=(), skip_positions=(), ip="10.0.0.8", user_agent="pytest"):
    """Answer every question of the attempt right, except those whose question id is in
    ``wrong_questions`` (answered wrong) and the positions in ``skip_positions`` (left blank)."""
    answers = {}
    for item in attempt.items.order_by("position"):
        if item.position in skip_positions:
            continue
        answers[item.position] = wrong_answer(item) if item.question_id in wrong_questions else right_answer(item)
    services.attempt_answers_save(attempt=attempt, actor=user, answers=answers, ip=ip, user_agent=user_agent)


def xlsx_upload(rows: list[list], *, name: str = "题库.xlsx") -> SimpleUploadedFile:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(),
                              content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
