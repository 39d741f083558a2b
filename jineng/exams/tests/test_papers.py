"""The pure rules: normalising answers, drawing papers by their rules, grading each type."""

from __future__ import annotations

from decimal import Decimal

import pytest

from jineng.common.errors import DomainError
from jineng.exams import papers
from jineng.exams.papers import PoolChoice, PoolQuestion, Rule


@pytest.mark.parametrize(("raw", "expected"), [
    ("预防为主", "预防为主"),
    (" 预防 为主 ", "预防为主"),
    ("预防\u3000为主", "预防为主"),
    ("ＡＢＣ１２３", "abc123"),
    ("Ab c", "abc"),
    ("（ＰＰＥ）", "(ppe)"),
], ids=["plain", "spaces", "ideographic-space", "full-width", "case", "full-width-brackets"])
def test_normalise_text(raw, expected):
    assert papers.normalise_text(raw) == expected


def _choices(qid: int, n: int = 4, correct=(0,)) -> tuple[PoolChoice, ...]:
    return tuple(PoolChoice(id=qid * 10 + i, text=f"q{qid}-{i}", is_correct=i in correct) for i in range(n))


def _pool() -> list[PoolQuestion]:
    pool = []
    for i in range(1, 11):  # singles 1-6 in module 1, 7-10 in module 2
        pool.append(PoolQuestion(id=i, kind="single", module_id=1 if i <= 6 else 2, module_title="安全" if i <= 6 else "工艺",
                                 stem=f"单选{i}", choices=_choices(i)))
    for i in range(11, 15):
        pool.append(PoolQuestion(id=i, kind="multiple", module_id=1, module_title="安全", stem=f"多选{i}",
                                 choices=_choices(i, correct=(0, 1))))
    for i in range(15, 18):
        pool.append(PoolQuestion(id=i, kind="true_false", module_id=1, module_title="安全", stem=f"判断{i}",
                                 choices=(PoolChoice(i * 10, "正确", True), PoolChoice(i * 10 + 1, "错误", False))))
    pool.append(PoolQuestion(id=18, kind="fill", module_id=None, module_title="", stem="填空18",
                             accepted_answers=("预防为主",)))
    return pool


RULES = [Rule(kind="single", module_id=2, module_title="工艺", count=3, points=Decimal(2), position=0),
         Rule(kind="single", module_id=None, module_title="", count=5, points=Decimal(2), position=1),
         Rule(kind="multiple", module_id=None, module_title="", count=2, points=Decimal(5), position=2),
         Rule(kind="true_false", module_id=None, module_title="", count=3, points=Decimal(2), position=3),
         Rule(kind="fill", module_id=None, module_title="", count=1, points=Decimal(4), position=4)]


def test_a_paper_follows_its_rules_section_by_section():
    items = papers.draw_paper(rules=RULES, pool=_pool(), seed=7)
    assert [i.kind for i in items] == ["single"] * 8 + ["multiple"] * 2 + ["true_false"] * 3 + ["fill"]
    assert [i.position for i in items] == list(range(1, 15))
    assert len({i.question_id for i in items}) == 14
    assert sum(1 for i in items if i.kind == "single" and i.question_id >= 7) >= 3  # the module rule is filled
    assert sum(i.points for i in items) == Decimal("36")
    fill = items[-1]
    assert (fill.options, fill.correct) == ([], ["预防为主"])


def test_the_same_seed_draws_the_same_paper_and_other_seeds_differ():
    first = papers.draw_paper(rules=RULES, pool=_pool(), seed=7)
    again = papers.draw_paper(rules=RULES, pool=_pool(), seed=7)
    assert [(i.question_id, i.options) for i in first] == [(i.question_id, i.options) for i in again]
    papers_by_seed = {seed: [(i.question_id, tuple(o["choice"] for o in i.options))
                             for i in papers.draw_paper(rules=RULES, pool=_pool(), seed=seed)] for seed in range(1, 6)}
    assert len(set(map(tuple, papers_by_seed.values()))) == 5


def test_options_are_shuffled_under_neutral_keys_but_true_false_keeps_its_order():
    items = papers.draw_paper(rules=RULES, pool=_pool(), seed=11)
    choice_items = [i for i in items if i.kind in ("single", "multiple")]
    assert all([o["key"] for o in i.options] == list("ABCD") for i in choice_items)
    bank_orders = [[o["choice"] for o in i.options] == sorted(o["choice"] for o in i.options) for i in choice_items]
    assert not all(bank_orders)  # at least one permutation differs from the bank's order
    for item in items:
        if item.kind == "true_false":
            assert [o["text"] for o in item.options] == ["正确", "错误"]
        if item.kind in ("single", "multiple", "true_false"):
            assert item.correct == sorted(o["choice"] for o in item.options if o["choice"] % 10 in (
                (0,) if item.kind != "multiple" else (0, 1)))


def test_without_shuffling_the_bank_order_is_kept():
    items = papers.draw_paper(rules=RULES, pool=_pool(), seed=11, shuffle_options=False, shuffle_questions=False)
    assert all([o["choice"] for o in i.options] == sorted(o["choice"] for o in i.options) for i in items)
    assert [i.question_id for i in items if i.kind == "single"][:3] == sorted(
        i.question_id for i in items if i.kind == "single" and i.question_id >= 7)[:3]


def test_a_rule_the_bank_cannot_fill_is_named():
    rules = [Rule(kind="single", module_id=2, module_title="工艺", count=5, points=Decimal(2)),
             Rule(kind="single", module_id=None, module_title="", count=7, points=Decimal(2), position=1)]
    shortfalls = papers.rule_shortfalls(rules, _pool())
    assert [s.message for s in shortfalls] == [
        "组卷规则“单选题 · 模块“工艺””需要 5 道题，题库中只有 4 道可用",
        "组卷规则“单选题 · 不限模块”需要 7 道题，题库中只有 6 道可用",
    ]
    with pytest.raises(DomainError) as exc:
        papers.draw_paper(rules=rules, pool=_pool(), seed=1)
    assert exc.value.code == "not_enough_questions"


OPTIONS = [{"key": "A", "choice": 11, "text": "甲"}, {"key": "B", "choice": 12, "text": "乙"},
           {"key": "C", "choice": 13, "text": "丙"}, {"key": "D", "choice": 14, "text": "丁"}]


@pytest.mark.parametrize(("kind", "correct", "answer", "scoring", "expected"), [
    ("single", [12], ["B"], "all_or_nothing", ("5.00", True)),
    ("single", [12], ["A"], "all_or_nothing", ("0.00", False)),
    ("single", [12], None, "all_or_nothing", ("0.00", False)),
    ("true_false", [11], ["A"], "all_or_nothing", ("5.00", True)),
    ("true_false", [11], ["B"], "all_or_nothing", ("0.00", False)),
    ("multiple", [11, 12, 14], ["A", "B", "D"], "all_or_nothing", ("5.00", True)),
    ("multiple", [11, 12, 14], ["A", "B"], "all_or_nothing", ("0.00", False)),
    ("multiple", [11, 12, 14], ["A", "B", "C", "D"], "all_or_nothing", ("0.00", False)),
    ("multiple", [11, 12, 14], ["A", "B"], "partial", ("3.33", False)),
    ("multiple", [11, 12, 14], ["A", "C"], "partial", ("0.00", False)),
    ("multiple", [11, 12, 14], ["A", "B", "D"], "partial", ("5.00", True)),
    ("fill", ["预防为主", "预防"], "预防为主", "all_or_nothing", ("5.00", True)),
    ("fill", ["预防为主", "预防"], " 预防 ", "all_or_nothing", ("5.00", True)),
    ("fill", ["PPE"], "ｐｐｅ", "all_or_nothing", ("5.00", True)),
    ("fill", ["预防为主"], "安全第一", "all_or_nothing", ("0.00", False)),
    ("fill", ["预防为主"], None, "all_or_nothing", ("0.00", False)),
], ids=["single-right", "single-wrong", "single-blank", "tf-right", "tf-wrong", "multiple-all",
        "multiple-subset-all-or-nothing", "multiple-superset", "multiple-subset-partial",
        "multiple-wrong-option-partial", "multiple-all-partial", "fill-exact", "fill-spaces-alternative",
        "fill-full-width-case", "fill-wrong", "fill-blank"])
def test_grading(kind, correct, answer, scoring, expected):
    options = [] if kind == "fill" else (OPTIONS[:2] if kind == "true_false" else OPTIONS)
    awarded, ok = papers.grade(kind=kind, options=options, correct=correct, answer=answer, points=Decimal(5),
                               multiple_scoring=scoring)
    assert (str(awarded), ok) == expected


@pytest.mark.parametrize(("kind", "raw", "expected"), [
    ("single", "b", ["B"]),
    ("single", ["C"], ["C"]),
    ("multiple", "D,a", ["A", "D"]),
    ("multiple", ["B", "A", "B"], ["A", "B"]),
    ("multiple", [], None),
    ("fill", "  预防为主 ", "预防为主"),
    ("fill", "   ", None),
], ids=["single-lower", "single-list", "multiple-text", "multiple-dedup", "blank", "fill-trim", "fill-blank"])
def test_clean_answer(kind, raw, expected):
    assert papers.clean_answer(kind, OPTIONS, raw) == expected


@pytest.mark.parametrize(("kind", "raw", "message"), [
    ("single", ["A", "B"], "本题只能选择一个选项"),
    ("single", ["E"], "选项 E 不在本题中"),
    ("fill", ["A"], "填空题请填写文字答案"),
    ("fill", "字" * 201, "答案不能超过 200 个字"),
], ids=["single-two", "unknown-key", "fill-list", "fill-too-long"])
def test_clean_answer_refuses(kind, raw, message):
    with pytest.raises(DomainError) as exc:
        papers.clean_answer(kind, OPTIONS, raw)
    assert exc.value.message == message
