"""Checking a question before it enters the bank — the same rules for the form, the API and every
row of an .xlsx import — and the import template.

A question is written the way the spreadsheet has it: a type, a stem, options A–H, and an answer
in one cell (``B`` / ``ACD`` / ``对`` / ``扳手|活动扳手``). Each problem has a stable rule code:

=========================  ==================================================================
``unknown_type``           题型 is not 单选题 / 多选题 / 判断题 / 填空题
``missing_stem``           no stem
``stem_too_long``          stem longer than 2000 characters
``too_few_options``        a single or multiple choice question with fewer than 2 options
``option_gap``             an empty option before a filled one (A, B, –, D)
``option_too_long``        an option longer than 500 characters
``duplicate_option``       two options that read the same
``unexpected_options``     options given for a true/false or fill-in question
``missing_answer``         no answer
``answer_not_an_option``   an answer letter with no option, or a true/false answer not 对/错
``single_needs_one_answer``    more than one letter for a single choice question
``multiple_needs_two_answers`` fewer than two letters for a multiple choice question
``unknown_module``         a module that is not in the course
``unknown_difficulty``     difficulty not 易/中/难 (or 1/2/3)
``duplicate_question``     the same type and stem already in the bank, or earlier in the file
=========================  ==================================================================
"""

from __future__ import annotations

import io
import unicodedata
from dataclasses import dataclass, field

from jineng.exams.models import Difficulty, QuestionKind
from jineng.exams.papers import KEYS, TRUE_FALSE_OPTIONS, normalise_text, question_fingerprint

MAX_STEM = 2000
MAX_OPTION = 500
MAX_EXPLANATION = 4000

COLUMNS = ["题型", "题干", *[f"选项{k}" for k in KEYS], "答案", "解析", "模块", "难度"]
REQUIRED_COLUMNS = ["题型", "题干", "答案"]

KIND_NAMES = {
    "单选": QuestionKind.SINGLE, "单选题": QuestionKind.SINGLE, "单项选择题": QuestionKind.SINGLE,
    "single": QuestionKind.SINGLE,
    "多选": QuestionKind.MULTIPLE, "多选题": QuestionKind.MULTIPLE, "多项选择题": QuestionKind.MULTIPLE,
    "multiple": QuestionKind.MULTIPLE,
    "判断": QuestionKind.TRUE_FALSE, "判断题": QuestionKind.TRUE_FALSE, "是非题": QuestionKind.TRUE_FALSE,
    "true_false": QuestionKind.TRUE_FALSE,
    "填空": QuestionKind.FILL, "填空题": QuestionKind.FILL, "fill": QuestionKind.FILL,
}
TRUE_WORDS = {"对", "正确", "√", "✓", "是", "t", "true", "y", "yes"}
FALSE_WORDS = {"错", "错误", "×", "✗", "x", "否", "f", "false", "n", "no"}
DIFFICULTY_NAMES = {"易": 1, "容易": 1, "简单": 1, "1": 1, "中": 2, "中等": 2, "一般": 2, "2": 2,
                    "难": 3, "困难": 3, "较难": 3, "3": 3}
ANSWER_HELP = "单选题填一个字母（如 B），多选题填多个字母（如 ACD），判断题填“对”或“错”，填空题多个可接受答案用 | 分隔"


@dataclass
class Problem:
    code: str
    column: str
    message: str


@dataclass
class Draft:
    """A question as written, and — once checked — what it means."""

    kind_text: str
    stem: str
    options: list[str]
    answer: str
    explanation: str = ""
    module_text: str = ""
    difficulty_text: str = ""
    # filled in by ``check_draft``
    kind: str = ""
    correct_keys: list[str] = field(default_factory=list)
    accepted_answers: list[str] = field(default_factory=list)
    module: object | None = None
    difficulty: int | None = None
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def fingerprint(self) -> str:
        return question_fingerprint(self.kind, self.stem)

    @property
    def choices(self) -> list[tuple[str, bool]]:
        """(text, is_correct) in option order, for the choice kinds."""
        if self.kind == QuestionKind.TRUE_FALSE:
            return [(text, KEYS[i] in self.correct_keys) for i, text in enumerate(TRUE_FALSE_OPTIONS)]
        if self.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            return [(text, KEYS[i] in self.correct_keys) for i, text in enumerate(self.options)]
        return []


def text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _parse_kind(draft: Draft) -> None:
    key = normalise_text(draft.kind_text)
    draft.kind = KIND_NAMES.get(key, "")
    if not draft.kind:
        shown = draft.kind_text or "（空）"
        draft.problems.append(Problem("unknown_type", "题型",
                                      f"题型“{shown}”无法识别，应为 单选题、多选题、判断题 或 填空题"))


def _check_options(draft: Draft) -> list[str]:
    raw = [text(o) for o in draft.options]
    while raw and not raw[-1]:
        raw.pop()
    if draft.kind in (QuestionKind.TRUE_FALSE, QuestionKind.FILL):
        if raw:
            draft.problems.append(Problem("unexpected_options", "选项",
                                          f"{QuestionKind(draft.kind).label}不需要填写选项，请清空选项列或改为选择题"))
        return []
    gaps = [KEYS[i] for i, o in enumerate(raw) if not o]
    if gaps:
        draft.problems.append(Problem("option_gap", f"选项{gaps[0]}",
                                      f"选项{gaps[0]}为空但后面还有选项，请把选项从 A 开始连续填写"))
    options = [o for o in raw if o]
    if len(raw) > len(KEYS):
        draft.problems.append(Problem("too_many_options", "选项", f"最多 {len(KEYS)} 个选项（A–{KEYS[-1]}）"))
    if len(options) < 2:
        draft.problems.append(Problem("too_few_options", "选项",
                                      f"{QuestionKind(draft.kind).label}至少需要 2 个选项，当前有 {len(options)} 个"))
    for i, option in enumerate(options):
        if len(option) > MAX_OPTION:
            draft.problems.append(Problem("option_too_long", f"选项{KEYS[i]}", f"选项不能超过 {MAX_OPTION} 个字"))
    seen: dict[str, str] = {}
    for i, option in enumerate(options):
        norm = normalise_text(option)
        if norm in seen:
            draft.problems.append(Problem("duplicate_option", f"选项{KEYS[i]}",
                                          f"选项{KEYS[i]}与选项{seen[norm]}内容相同"))
        else:
            seen[norm] = KEYS[i]
    return options


def _check_answer(draft: Draft) -> None:
    answer = unicodedata.normalize("NFKC", draft.answer or "").strip()
    if not answer:
        draft.problems.append(Problem("missing_answer", "答案", f"答案为空。{ANSWER_HELP}"))
        return
    if draft.kind == QuestionKind.FILL:
        accepted, seen = [], set()
        for part in answer.replace("｜", "|").split("|"):
            part = part.strip()
            if part and normalise_text(part) not in seen:
                seen.add(normalise_text(part))
                accepted.append(part)
        if not accepted:
            draft.problems.append(Problem("missing_answer", "答案", "填空题请至少填写一个可接受的答案"))
        draft.accepted_answers = accepted
        return
    if draft.kind == QuestionKind.TRUE_FALSE:
        word = answer.casefold()
        if word in TRUE_WORDS:
            draft.correct_keys = ["A"]
        elif word in FALSE_WORDS:
            draft.correct_keys = ["B"]
        else:
            draft.problems.append(Problem("answer_not_an_option", "答案", f"判断题答案“{answer}”无法识别，请填“对”或“错”"))
        return
    letters = [c for c in answer.upper() if c not in " ,，、;；/|"]
    keys = KEYS[:len(draft.options)]
    bad = [c for c in letters if c not in keys]
    if bad:
        draft.problems.append(Problem(
            "answer_not_an_option", "答案",
            f"答案“{answer}”中的 {'、'.join(dict.fromkeys(bad))} 不是本题的选项"
            + (f"（本题选项为 {keys[0]}–{keys[-1]}）" if keys else "")))
        return
    draft.correct_keys = sorted(set(letters))
    if draft.kind == QuestionKind.SINGLE and len(draft.correct_keys) != 1:
        draft.problems.append(Problem("single_needs_one_answer", "答案",
                                      f"单选题只能有一个正确答案，当前为 {''.join(draft.correct_keys)}；多个答案请改为多选题"))
    if draft.kind == QuestionKind.MULTIPLE and len(draft.correct_keys) < 2:
        draft.problems.append(Problem("multiple_needs_two_answers", "答案",
                                      "多选题至少需要 2 个正确答案；只有一个正确答案请改为单选题"))


def check_draft(draft: Draft, *, modules_by_title: dict[str, object]) -> Draft:
    """Fill in what ``draft`` means and list its problems (duplicates are checked by the caller)."""
    draft.stem = (draft.stem or "").strip()
    draft.explanation = (draft.explanation or "").strip()
    _parse_kind(draft)
    if not draft.stem:
        draft.problems.append(Problem("missing_stem", "题干", "题干为空，请填写题目内容"))
    elif len(draft.stem) > MAX_STEM:
        draft.problems.append(Problem("stem_too_long", "题干", f"题干不能超过 {MAX_STEM} 个字"))
    if len(draft.explanation) > MAX_EXPLANATION:
        draft.problems.append(Problem("explanation_too_long", "解析", f"解析不能超过 {MAX_EXPLANATION} 个字"))
    if draft.kind:
        draft.options = _check_options(draft)
        _check_answer(draft)
    module_key = " ".join(draft.module_text.split())
    if module_key:
        draft.module = modules_by_title.get(module_key)
        if draft.module is None:
            names = "、".join(modules_by_title) or "（本课程还没有模块）"
            draft.problems.append(Problem("unknown_module", "模块", f"课程中没有模块“{module_key}”，可填：{names}"))
    difficulty = normalise_text(draft.difficulty_text)
    if difficulty:
        draft.difficulty = DIFFICULTY_NAMES.get(difficulty)
        if draft.difficulty is None:
            draft.problems.append(Problem("unknown_difficulty", "难度", "难度只能填“易”“中”“难”，或留空"))
    return draft


def header_map(header: list) -> dict[str, int] | list[str]:
    """Column name → index; or the list of required columns that are missing."""
    names = [text(h).replace(" ", "") for h in header]
    missing = [c for c in REQUIRED_COLUMNS if c not in names]
    if missing:
        return missing
    return {name: names.index(name) for name in COLUMNS if name in names}


def draft_from_row(cells: list, columns: dict[str, int]) -> Draft:
    def cell(name: str) -> str:
        index = columns.get(name)
        return text(cells[index]) if index is not None and index < len(cells) else ""

    return Draft(kind_text=cell("题型"), stem=cell("题干"), options=[cell(f"选项{k}") for k in KEYS],
                 answer=cell("答案"), explanation=cell("解析"), module_text=cell("模块"),
                 difficulty_text=cell("难度"))


def template_xlsx(*, module_titles: list[str]) -> bytes:
    """The import template: the header, one example of each type, and a sheet that explains the columns."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    module = module_titles[0] if module_titles else ""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "题库"
    sheet.append(COLUMNS)
    blank = [""] * (len(KEYS) - 4)
    sheet.append(["单选题", "焊接作业时必须佩戴的是", "安全帽", "焊接面罩", "耳机", "围巾", *blank, "B",
                  "焊接弧光会灼伤眼睛，必须使用焊接面罩。", module, "易"])
    sheet.append(["多选题", "下列属于个人防护用品的有", "绝缘手套", "防护眼镜", "手机", "安全鞋", *blank, "ABD",
                  "手机不是防护用品。", module, "中"])
    sheet.append(["判断题", "焊接完成后可以立即用手触摸焊件。", "", "", "", "", *blank, "错",
                  "焊件温度很高，会烫伤。", module, ""])
    sheet.append(["填空题", "我国安全生产方针是安全第一、____、综合治理。", "", "", "", "", *blank, "预防为主",
                  "", module, ""])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    widths = {"A": 8, "B": 40, "K": 8, "L": 30, "M": 14, "N": 6}
    for column, width in widths.items():
        sheet.column_dimensions[column].width = width
    notes = workbook.create_sheet("填写说明")
    for row in [
        ["列", "说明"],
        ["题型", "单选题、多选题、判断题、填空题"],
        ["题干", "必填，不超过 2000 字"],
        [f"选项A–选项{KEYS[-1]}", "选择题从 A 开始连续填写，至少 2 个；判断题、填空题不填"],
        ["答案", ANSWER_HELP],
        ["解析", "交卷或练习作答后展示给学员"],
        ["模块", "用于组卷规则，可留空；可填：" + ("、".join(module_titles) or "（本课程还没有模块）")],
        ["难度", "易、中、难，可留空"],
        ["重复", "同一课程中题型和题干相同（忽略全半角与空格）的题目视为重复，不会导入"],
    ]:
        notes.append(row)
    notes.column_dimensions["A"].width = 14
    notes.column_dimensions["B"].width = 80
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


DIFFICULTY_LABELS = dict(Difficulty.choices)
