"""The question bank: adding and editing questions, and the .xlsx import with its row-by-row report."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jineng.audit.models import AuditEntry
from jineng.common.errors import DomainError, PermissionDenied
from jineng.exams import bank as bank_rules
from jineng.exams import selectors, services
from jineng.exams.models import Choice, Question
from jineng.exams.tests.helpers import xlsx_upload

pytestmark = pytest.mark.django_db

HEADER = bank_rules.COLUMNS


def row(kind, stem, options=(), answer="", explanation="", module="", difficulty=""):
    opts = list(options) + [""] * (8 - len(options))
    return [kind, stem, *opts, answer, explanation, module, difficulty]


def test_each_type_is_stored_with_its_answer(course, operator, safety):
    single = services.question_create(course=course, kind="single", stem="焊接时必须佩戴", options=["安全帽", "焊接面罩"],
                                      answer="b", explanation="弧光伤眼", module=safety, difficulty=1, actor=operator)
    multiple = services.question_create(course=course, kind="multiple", stem="防护用品有",
                                        options=["手套", "手机", "护目镜"], answer="A、C", actor=operator)
    judge = services.question_create(course=course, kind="true_false", stem="焊件可立即触摸", answer="×", actor=operator)
    fill = services.question_create(course=course, kind="fill", stem="安全第一、____、综合治理",
                                    answer="预防为主 | 预防 |预防为主", actor=operator)
    assert [(c.text, c.is_correct) for c in single.choices.all()] == [("安全帽", False), ("焊接面罩", True)]
    assert [(c.text, c.is_correct) for c in multiple.choices.all()] == [("手套", True), ("手机", False), ("护目镜", True)]
    assert [(c.text, c.is_correct) for c in judge.choices.all()] == [("正确", False), ("错误", True)]
    assert (fill.accepted_answers, fill.choices.count()) == (["预防为主", "预防"], 0)
    assert (single.module, single.difficulty, single.occupation_id) == (safety, 1, course.occupation_id)
    assert [selectors.question_answer_text(q) for q in (single, multiple, judge, fill)] == ["B", "AC", "错", "预防为主|预防"]
    assert AuditEntry.objects.filter(action="question.create").count() == 4


@pytest.mark.parametrize(("kind", "options", "answer", "code"), [
    ("essay", ["甲", "乙"], "A", "unknown_type"),
    ("single", ["甲"], "A", "too_few_options"),
    ("single", ["甲", "乙"], "", "missing_answer"),
    ("single", ["甲", "乙"], "C", "answer_not_an_option"),
    ("single", ["甲", "乙", "丙"], "AB", "single_needs_one_answer"),
    ("multiple", ["甲", "乙", "丙"], "B", "multiple_needs_two_answers"),
    ("single", ["甲", "甲 "], "A", "duplicate_option"),
    ("single", ["甲", "", "丙"], "A", "option_gap"),
    ("true_false", [], "也许", "answer_not_an_option"),
    ("true_false", ["对", "错"], "对", "unexpected_options"),
    ("fill", [], " | ", "missing_answer"),
], ids=["unknown-type", "one-option", "no-answer", "letter-not-an-option", "single-two-answers",
        "multiple-one-answer", "same-options", "gap", "true-false-word", "true-false-options", "fill-empty"])
def test_a_bad_question_is_refused_with_its_rule_code(course, operator, kind, options, answer, code):
    with pytest.raises(DomainError) as exc:
        services.question_create(course=course, kind=kind, stem="题干", options=options, answer=answer, actor=operator)
    assert exc.value.code == code
    assert not Question.objects.exists()


def test_the_same_stem_of_the_same_type_is_a_duplicate(course, operator):
    services.question_create(course=course, kind="fill", stem="安全第一、____、综合治理", answer="预防为主", actor=operator)
    with pytest.raises(DomainError) as exc:
        services.question_create(course=course, kind="fill", stem=" 安全第一、＿＿＿＿、综合治理".replace("＿", "_"),
                                 answer="预防", actor=operator)
    assert exc.value.code == "duplicate_question"


def test_editing_replaces_the_choices_and_retiring_frees_the_stem(course, operator):
    question = services.question_create(course=course, kind="single", stem="焊接时必须佩戴", options=["安全帽", "面罩"],
                                        answer="B", actor=operator)
    services.question_update(question=question, kind="multiple", stem="焊接时必须佩戴", options=["手套", "面罩", "围巾"],
                             answer="AB", explanation="新解析", actor=operator)
    question.refresh_from_db()
    assert (question.kind, question.explanation) == ("multiple", "新解析")
    assert list(Choice.objects.filter(question=question).values_list("text", "is_correct")) == [
        ("手套", True), ("面罩", True), ("围巾", False)]
    services.question_retire(question=question, actor=operator)
    again = services.question_create(course=course, kind="multiple", stem="焊接时必须佩戴", options=["甲", "乙"],
                                     answer="AB", actor=operator)
    assert again.status == "active"


def test_only_the_course_provider_s_operators_write_the_bank(course, other_operator, learner):
    for actor in (other_operator, learner):
        with pytest.raises(PermissionDenied):
            services.question_create(course=course, kind="fill", stem="题", answer="答", actor=actor)


def test_the_template_imports_as_it_is(course, operator):
    data = bank_rules.template_xlsx(module_titles=["安全生产", "焊接工艺"])
    report = services.questions_import_xlsx(course=course, upload=SimpleUploadedFile("模板.xlsx", data),
                                            actor=operator)
    assert (report.committed, report.imported, report.error_rows) == (True, 4, [])
    assert sorted(Question.objects.values_list("kind", "module__title", "difficulty")) == [
        ("fill", "安全生产", None), ("multiple", "安全生产", 2), ("single", "安全生产", 1), ("true_false", "安全生产", None)]


BAD_FILE = [
    HEADER,
    row("单选题", "正确的一题", ["甲", "乙"], "B", "解析", "安全生产", "易"),                   # 2 ok
    row("问答题", "怎么焊接", [], "随便"),                                                     # 3
    row("单选题", "没有答案的题", ["甲", "乙"], ""),                                            # 4
    row("多选题", "答案超出选项", ["甲", "乙", "丙"], "ABE"),                                     # 5
    row("单选题", "正确的一题", ["丙", "丁"], "A"),                                             # 6 duplicate of row 2
    row("判断题", "模块写错了", [], "对", "", "焊接安全"),                                        # 7
    row("填空题", "已经在题库里的题", [], "答案"),                                               # 8 duplicate in bank
    row("单选题", "难度写错", ["甲", "乙"], "A", "", "", "很难"),                                 # 9
    row("多选题", "少了一个答案", ["甲", "乙", "丙"], "A"),                                       # 10
    row("填空题", "第二道正确的题", [], "预防为主|预防", "", "焊接工艺"),                         # 11 ok
    [None] * len(HEADER),                                                                       # blank row: skipped
]


def test_a_file_with_bad_rows_is_reported_row_by_row_and_nothing_is_stored(course, operator):
    services.question_create(course=course, kind="fill", stem="已经在题库里的题", answer="答", actor=operator)
    report = services.questions_import_xlsx(course=course, upload=xlsx_upload(BAD_FILE), actor=operator)
    assert [(r.row_number, [p.code for p in r.problems]) for r in report.error_rows] == [
        (3, ["unknown_type"]),
        (4, ["missing_answer"]),
        (5, ["answer_not_an_option"]),
        (6, ["duplicate_question"]),
        (7, ["unknown_module"]),
        (8, ["duplicate_question"]),
        (9, ["unknown_difficulty"]),
        (10, ["multiple_needs_two_answers"]),
    ]
    assert [r.row_number for r in report.valid_rows] == [2, 11]
    assert (report.committed, report.imported, Question.objects.count()) == (False, 0, 1)
    messages = {r.row_number: r.problems[0].message for r in report.error_rows}
    assert messages[5] == "答案“ABE”中的 E 不是本题的选项（本题选项为 A–C）"
    assert messages[6] == "与第 2 行的题目重复"
    assert messages[7] == "课程中没有模块“焊接安全”，可填：安全生产、焊接工艺"
    assert not AuditEntry.objects.filter(action="question.import").exists()


def test_the_author_may_choose_to_import_only_the_valid_rows(course, operator):
    report = services.questions_import_xlsx(course=course, upload=xlsx_upload(BAD_FILE), actor=operator,
                                            import_valid_rows=True)
    assert (report.committed, report.imported, len(report.error_rows)) == (True, 3, 7)
    assert sorted(Question.objects.values_list("stem", "kind", "module__title")) == [
        ("已经在题库里的题", "fill", None), ("正确的一题", "single", "安全生产"), ("第二道正确的题", "fill", "焊接工艺")]
    entry = AuditEntry.objects.get(action="question.import")
    assert entry.summary["imported"] == 3 and entry.summary["skipped_rows"] == [3, 4, 5, 6, 7, 9, 10]


@pytest.mark.parametrize(("upload", "code"), [
    (SimpleUploadedFile("题库.xlsx", b"not a workbook at all"), "not_excel"),
    (xlsx_upload([["题型", "题干", "选项A"], ["单选题", "题", "甲"]]), "missing_columns"),
    (xlsx_upload([HEADER]), "no_rows"),
], ids=["not-excel", "missing-columns", "header-only"])
def test_a_file_that_cannot_be_read_is_refused(course, operator, upload, code):
    with pytest.raises(DomainError) as exc:
        services.questions_import_xlsx(course=course, upload=upload, actor=operator)
    assert exc.value.code == code


def test_the_import_page_shows_the_report_and_the_template_downloads(course, operator, staff_client):
    client = staff_client(operator)
    response = client.get(f"/exams/manage/courses/{course.pk}/questions/template.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    from openpyxl import load_workbook

    header = [c.value for c in load_workbook(io.BytesIO(response.content)).active[1]]
    assert header == HEADER
    response = client.post(f"/exams/manage/courses/{course.pk}/questions/import/", {"file": xlsx_upload(BAD_FILE)})
    assert response.status_code == 400
    html = response.content.decode()
    assert "共 10 行，其中 7 行有错误，本次未导入任何题目" in html
    assert 'data-row="5" data-code="answer_not_an_option"' in html
    response = client.post(f"/exams/manage/courses/{course.pk}/questions/import/",
                           {"file": xlsx_upload(BAD_FILE), "import_valid_rows": "on"})
    assert response.status_code == 200
    assert "已导入 3 道题，另有 7 行有错误未导入" in response.content.decode()
