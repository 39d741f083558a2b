"""The pure part of exams: normalising answers, drawing a paper by its rules, grading an item.

Nothing here reads or writes the database, so each rule can be tested with plain values and a
seeded ``random.Random``.
"""

from __future__ import annotations

import hashlib
import random
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from jineng.common.errors import DomainError
from jineng.exams.models import CHOICE_KINDS, KIND_ORDER, QuestionKind

KEYS = "ABCDEFGH"
MAX_OPTIONS = len(KEYS)
MAX_FILL_CHARS = 200
CENT = Decimal("0.01")
TRUE_FALSE_OPTIONS = ("正确", "错误")


def normalise_text(value: str | None) -> str:
    """Full-width → half-width (NFKC), every kind of space removed, letter case folded:
    ``" ＡＢＣ　１２ "`` and ``"abc12"`` compare equal."""
    text = unicodedata.normalize("NFKC", value or "")
    return "".join(text.split()).casefold()


def question_fingerprint(kind: str, stem: str) -> str:
    return hashlib.sha256(f"{kind}|{normalise_text(stem)}".encode()).hexdigest()


def kind_label(kind: str) -> str:
    try:
        return QuestionKind(kind).label
    except ValueError:
        return kind


def rule_label(kind: str, module_title: str | None) -> str:
    return f"{kind_label(kind)} · {'模块“' + module_title + '”' if module_title else '不限模块'}"


# --- drawing -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PoolChoice:
    id: int
    text: str
    is_correct: bool


@dataclass(frozen=True)
class PoolQuestion:
    id: int
    kind: str
    module_id: int | None
    module_title: str
    stem: str
    choices: tuple[PoolChoice, ...] = ()
    accepted_answers: tuple[str, ...] = ()
    explanation: str = ""


@dataclass(frozen=True)
class Rule:
    kind: str
    module_id: int | None
    module_title: str
    count: int
    points: Decimal
    position: int = 0

    @property
    def label(self) -> str:
        return rule_label(self.kind, self.module_title)


@dataclass
class Shortfall:
    rule: Rule
    available: int

    @property
    def message(self) -> str:
        return f"组卷规则“{self.rule.label}”需要 {self.rule.count} 道题，题库中只有 {self.available} 道可用"


@dataclass
class DrawnItem:
    position: int
    question_id: int
    kind: str
    module_title: str
    points: Decimal
    stem: str
    options: list[dict] = field(default_factory=list)  # [{"key", "choice", "text"}] in display order
    correct: list = field(default_factory=list)  # sorted choice ids, or accepted answers
    explanation: str = ""


def _draw_order(rules: list[Rule]) -> list[Rule]:
    """Module rules first: an any-module rule of the same kind takes from what they leave."""
    return sorted(rules, key=lambda r: (r.module_id is None, r.position, r.kind, r.module_id or 0))


def _candidates(rule: Rule, pool: list[PoolQuestion]) -> list[PoolQuestion]:
    return [q for q in pool if q.kind == rule.kind and (rule.module_id is None or q.module_id == rule.module_id)]


def rule_shortfalls(rules: list[Rule], pool: list[PoolQuestion]) -> list[Shortfall]:
    """The rules the bank cannot fill, each with how many questions it could use."""
    taken: Counter[str] = Counter()
    problems = []
    for rule in _draw_order(rules):
        candidates = _candidates(rule, pool)
        available = len(candidates) - (taken[rule.kind] if rule.module_id is None else 0)
        if available < rule.count:
            problems.append(Shortfall(rule, max(available, 0)))
        taken[rule.kind] += min(rule.count, max(available, 0))
    return problems


def not_enough_questions(shortfalls: list[Shortfall], *, field: str = "rules") -> DomainError:
    return DomainError("not_enough_questions", "；".join(s.message for s in shortfalls) + "。请补充题目或减少题数",
                       field=field, details={"rules": [s.rule.label for s in shortfalls]})


def draw_paper(*, rules: list[Rule], pool: list[PoolQuestion], seed: int, shuffle_questions: bool = True,
               shuffle_options: bool = True) -> list[DrawnItem]:
    """A paper for one attempt. The same rules, pool and seed always give the same paper;
    sections follow ``KIND_ORDER``, and true/false options keep 正确 before 错误."""
    shortfalls = rule_shortfalls(rules, pool)
    if shortfalls:
        raise not_enough_questions(shortfalls)
    rng = random.Random(seed)
    pool = sorted(pool, key=lambda q: q.id)
    taken: set[int] = set()
    drawn: list[tuple[Rule, PoolQuestion]] = []
    for rule in _draw_order(rules):
        candidates = [q for q in _candidates(rule, pool) if q.id not in taken]
        chosen = rng.sample(candidates, rule.count)
        taken.update(q.id for q in chosen)
        drawn.extend((rule, q) for q in chosen)
    sections = []
    for kind in KIND_ORDER:
        section = [pair for pair in drawn if pair[1].kind == kind]
        if shuffle_questions:
            rng.shuffle(section)
        else:
            section.sort(key=lambda pair: (pair[0].position, pair[1].id))
        sections.extend(section)
    items = []
    for position, (rule, question) in enumerate(sections, start=1):
        items.append(_item(position, rule, question, rng, shuffle_options))
    return items


def _item(position: int, rule: Rule, question: PoolQuestion, rng: random.Random, shuffle_options: bool) -> DrawnItem:
    item = DrawnItem(position=position, question_id=question.id, kind=question.kind,
                     module_title=question.module_title, points=rule.points, stem=question.stem,
                     explanation=question.explanation)
    if question.kind in CHOICE_KINDS:
        choices = list(question.choices)
        if shuffle_options and question.kind != QuestionKind.TRUE_FALSE:
            rng.shuffle(choices)
        item.options = [{"key": KEYS[i], "choice": c.id, "text": c.text} for i, c in enumerate(choices)]
        item.correct = sorted(c.id for c in question.choices if c.is_correct)
    else:
        item.correct = list(question.accepted_answers)
    return item


# --- answers and grading -------------------------------------------------------------------------

_KEY_SEPARATORS = re.compile(r"[\s,，、;；/|]+")


def clean_answer(kind: str, options: list[dict], raw) -> list[str] | str | None:
    """A learner's answer as stored: the sorted option keys, or the fill-in text; ``None`` when
    left blank. Keys that are not on this paper are refused."""
    if kind == QuestionKind.FILL:
        if raw is None:
            return None
        if not isinstance(raw, str):
            raise DomainError("invalid_answer", "填空题请填写文字答案", field="answer")
        text = raw.strip()
        if len(text) > MAX_FILL_CHARS:
            raise DomainError("answer_too_long", f"答案不能超过 {MAX_FILL_CHARS} 个字", field="answer")
        return text or None
    if raw is None:
        return None
    if isinstance(raw, str):
        keys = [k for k in _KEY_SEPARATORS.sub("", unicodedata.normalize("NFKC", raw).upper())]
    elif isinstance(raw, list | tuple) and all(isinstance(k, str) for k in raw):
        keys = [unicodedata.normalize("NFKC", k).strip().upper() for k in raw if k.strip()]
    else:
        raise DomainError("invalid_answer", "请选择选项", field="answer")
    keys = sorted(set(keys))
    if not keys:
        return None
    valid = {o["key"] for o in options}
    unknown = [k for k in keys if k not in valid]
    if unknown:
        raise DomainError("invalid_answer", f"选项 {'、'.join(unknown)} 不在本题中", field="answer")
    if kind in (QuestionKind.SINGLE, QuestionKind.TRUE_FALSE) and len(keys) != 1:
        raise DomainError("invalid_answer", "本题只能选择一个选项", field="answer")
    return keys


def canonical_answer(kind: str, options: list[dict], answer) -> tuple | str | None:
    """What an answer means, independent of this learner's option order: the chosen choice ids,
    or the normalised fill-in text. Two learners with different permutations compare equal here."""
    if answer in (None, "", []):
        return None
    if kind == QuestionKind.FILL:
        return normalise_text(answer)
    by_key = {o["key"]: o["choice"] for o in options}
    return tuple(sorted(by_key[k] for k in answer if k in by_key))


def grade(*, kind: str, options: list[dict], correct: list, answer, points: Decimal,
          multiple_scoring: str = "all_or_nothing") -> tuple[Decimal, bool]:
    """(points awarded, fully correct). Multiple choice is all-or-nothing unless ``partial``:
    then a subset of the right options earns its share and any wrong option earns nothing."""
    points = Decimal(points)
    meaning = canonical_answer(kind, options, answer)
    if meaning is None:
        return Decimal("0.00"), False
    if kind == QuestionKind.FILL:
        ok = meaning in {normalise_text(a) for a in correct}
        return (points if ok else Decimal("0")).quantize(CENT), ok
    chosen, right = set(meaning), set(correct)
    if chosen == right:
        return points.quantize(CENT), True
    if kind == QuestionKind.MULTIPLE and multiple_scoring == "partial" and chosen < right:
        return (points * len(chosen) / len(right)).quantize(CENT, rounding=ROUND_HALF_UP), False
    return Decimal("0.00"), False


def answer_display(kind: str, answer) -> str:
    """How an answer reads on the result page: ``A、C`` or the text; ``未作答`` when blank."""
    if answer in (None, "", []):
        return "未作答"
    if kind == QuestionKind.FILL:
        return str(answer)
    return "、".join(answer)


def answer_texts(kind: str, options: list[dict], answer) -> str:
    """An answer by its option texts (the same for every permutation), for evidence and reports."""
    if answer in (None, "", []):
        return "未作答"
    if kind == QuestionKind.FILL:
        return str(answer)
    chosen = sorted((o for o in options if o["key"] in set(answer)), key=lambda o: o["choice"])
    return "；".join(o["text"] for o in chosen)


def correct_display(kind: str, options: list[dict], correct: list) -> str:
    if kind == QuestionKind.FILL:
        return " 或 ".join(correct)
    return "、".join(o["key"] for o in options if o["choice"] in set(correct))
