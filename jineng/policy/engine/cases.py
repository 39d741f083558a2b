"""Cases: parsing one case mapping into a ``Case``, and running case files.

The format is the contract of ``/work/shared/policy-cases/README.md``. ``parse_case``
checks every field's presence and type and raises ``CaseError`` naming the field, in
Chinese; it is what the Django side calls too (with ``employer.region`` as an optional
extension, used where a pack is paid by the employer's county).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from stdnum import exceptions as stdnum_errors
from stdnum.cn import ric

from jineng.policy.engine.errors import CaseError, PolicyError
from jineng.policy.engine.judge import Judgement, judge
from jineng.policy.engine.model import (
    CERTIFICATES,
    DELIVERIES,
    ENTERPRISE_SIZES,
    KEY_GROUPS,
    PAYEES,
    REASONS,
    TRAINING_KINDS,
    Case,
    Employer,
    HistoryEntry,
    Person,
    Training,
)
from jineng.policy.engine.packs import PackSet, YamlLoader
from jineng.policy.engine.trace import INPUT_LABELS, money
from jineng.workdays import DEFAULT_CALENDAR, WorkingDayCalendar

_MONEY = re.compile(r"^\d{1,9}(\.\d{1,2})?$")
_REGION = re.compile(r"^\d{6}$")

FIELD_LABELS: dict[str, str] = {
    **INPUT_LABELS,
    "case": "案例",
    "name": "案例名称",
    "policy": "政策包",
    "subsidy": "补贴项目",
    "person": "人员信息",
    "person.id_number": "身份证号",
    "employer": "企业信息",
    "employer.region": "企业所在地",
    "training": "培训信息",
    "history": "已享受补贴记录",
}


def _label(path: str) -> str:
    key = re.sub(r"\[\d+\]", "", path)
    if key.startswith("history."):
        return "已享受补贴记录的" + FIELD_LABELS.get("training." + key.split(".", 1)[1], key)
    return FIELD_LABELS.get(key, key)


def _invalid(path: str, problem: str) -> CaseError:
    return CaseError("invalid_case", f"{_label(path)}（{path}）{problem}", field=path)


# --- field readers -------------------------------------------------------------------------


def _mapping(raw: Any, path: str, required: tuple[str, ...], optional: tuple[str, ...]) -> Mapping[str, Any]:
    if not isinstance(raw, Mapping):
        raise _invalid(path, f"应为映射，实际为 {type(raw).__name__}")
    for key in required:
        if key not in raw:
            child = f"{path}.{key}" if path != "case" else key
            raise _invalid(child, "缺失")
    unknown = [k for k in raw if k not in required and k not in optional]
    if unknown:
        raise _invalid(
            path,
            f"含有不认识的字段 {'、'.join(map(str, unknown))}；可用字段：{'、'.join(required + optional)}",
        )
    return raw


def _str(raw: Any, path: str) -> str:
    if not isinstance(raw, str) or not raw.strip():
        raise _invalid(path, f"应为非空字符串（加引号），实际为 {raw!r}")
    return raw.strip()


def _date(raw: Any, path: str) -> dt.date:
    if isinstance(raw, dt.date) and not isinstance(raw, dt.datetime):
        return raw
    if isinstance(raw, str):
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            pass
    raise _invalid(path, f"应为日期 YYYY-MM-DD，实际为 {raw!r}")


def _optional_date(raw: Any, path: str) -> dt.date | None:
    return None if raw is None else _date(raw, path)


def _int(raw: Any, path: str, *, low: int = 0, high: int | None = None) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int) or raw < low or (high is not None and raw > high):
        bound = f" {low} 到 {high} 的整数" if high is not None else f"不小于 {low} 的整数"
        raise _invalid(path, f"应为{bound}，实际为 {raw!r}")
    return raw


def _bool(raw: Any, path: str) -> bool:
    if not isinstance(raw, bool):
        raise _invalid(path, f"应为 true 或 false，实际为 {raw!r}")
    return raw


def _money(raw: Any, path: str) -> Decimal:
    if isinstance(raw, Decimal) and raw.is_finite():
        raw = str(raw)
    if isinstance(raw, float):
        raise _invalid(path, f'金额须写成带引号的字符串，如 "{raw:.2f}"（不能用浮点数 {raw!r}）')
    if isinstance(raw, bool) or not isinstance(raw, str | int) or not _MONEY.match(str(raw)):
        raise _invalid(path, f'应为不小于 0、最多两位小数的金额字符串，如 "600.00"，实际为 {raw!r}')
    return Decimal(str(raw)).quantize(Decimal("0.01"))


def _choice(raw: Any, path: str, vocabulary: Mapping[str, str]) -> str:
    if raw not in vocabulary:
        raise _invalid(path, f"应为 {'、'.join(vocabulary)} 之一，实际为 {raw!r}")
    return str(raw)


def _region(raw: Any, path: str) -> str:
    if not isinstance(raw, str) or not _REGION.match(raw):
        raise _invalid(path, f"应为带引号的 6 位行政区划代码，实际为 {raw!r}")
    return raw


def _level(raw: Any, path: str) -> int | None:
    return None if raw is None else _int(raw, path, low=1, high=5)


def parse_id_number(raw: Any, path: str = "person.id_number") -> str:
    """An 18-character resident ID number (GB 11643): length, digits, check digit and birth
    date, as ``stdnum.cn.ric`` computes them. The region part is not looked up: a county
    created after stdnum's table was published is still a valid number."""
    if not isinstance(raw, str):
        raise _invalid(path, f"应写成带引号的 18 位字符串，实际为 {raw!r}")
    number = ric.compact(raw)
    if len(number) != 18:
        problem = "长度应为 18 位"
    elif not (number[:-1].isascii() and number[:-1].isdigit()):
        problem = "前 17 位应为数字"
    elif number[-1] != ric.calc_check_digit(number):
        problem = "校验位错误"
    else:
        try:
            ric.get_birth_date(number)
            return number
        except stdnum_errors.ValidationError:
            problem = "出生日期无效"
    raise CaseError("invalid_id_number", f"身份证号 {raw} {problem}（{path}）", field=path)


# --- the parts of a case -------------------------------------------------------------------


def _person(raw: Any) -> Person:
    body = _mapping(raw, "person", ("id_number",), ("hukou", "groups"))
    id_number = parse_id_number(body["id_number"])
    hukou = _region(body["hukou"], "person.hukou") if body.get("hukou") is not None else id_number[:6]
    groups_raw = body.get("groups") or []
    if not isinstance(groups_raw, list):
        raise _invalid("person.groups", "应为列表，如 [migrant_worker]")
    groups = frozenset(_choice(g, f"person.groups[{i}]", KEY_GROUPS) for i, g in enumerate(groups_raw))
    return Person(id_number=id_number, hukou=hukou, groups=groups)


def _employer(raw: Any) -> Employer | None:
    if raw is None:
        return None
    body = _mapping(
        raw, "employer", (), ("size", "contract_months", "received_affected_enterprise_aid", "region")
    )
    size = body.get("size")
    months = body.get("contract_months")
    aid = body.get("received_affected_enterprise_aid")
    region = body.get("region")
    return Employer(
        size=_choice(size, "employer.size", ENTERPRISE_SIZES) if size is not None else None,
        contract_months=_int(months, "employer.contract_months") if months is not None else None,
        received_affected_enterprise_aid=_bool(aid, "employer.received_affected_enterprise_aid")
        if aid is not None
        else False,
        region=_region(region, "employer.region") if region is not None else None,
    )


_TRAINING_REQUIRED = ("kind", "delivery", "occupation", "start", "end")
_TRAINING_OPTIONAL = (
    "level",
    "hired_on",
    "filed_on",
    "minutes",
    "passed",
    "certificate",
    "cost",
    "free_resource",
    "months",
    "local_standard",
    "requested",
)


def _training(raw: Any) -> Training:
    body = _mapping(raw, "training", _TRAINING_REQUIRED, _TRAINING_OPTIONAL)
    start = _date(body["start"], "training.start")
    end = _date(body["end"], "training.end")
    if end < start:
        raise _invalid("training.end", f"{end} 早于培训开始日期 {start}")
    get = body.get
    return Training(
        kind=_choice(body["kind"], "training.kind", TRAINING_KINDS),
        delivery=_choice(body["delivery"], "training.delivery", DELIVERIES),
        occupation=_str(body["occupation"], "training.occupation"),
        start=start,
        end=end,
        level=_level(get("level"), "training.level"),
        hired_on=_optional_date(get("hired_on"), "training.hired_on"),
        filed_on=_optional_date(get("filed_on"), "training.filed_on"),
        minutes=_int(get("minutes", 0), "training.minutes"),
        passed=_bool(get("passed", False), "training.passed"),
        certificate=_choice(get("certificate", "none"), "training.certificate", CERTIFICATES),
        cost=_money(get("cost", "0.00"), "training.cost"),
        free_resource=_bool(get("free_resource", False), "training.free_resource"),
        months=_int(get("months", 0), "training.months"),
        local_standard=_money(get("local_standard", "0.00"), "training.local_standard"),
        requested=_money(get("requested", "0.00"), "training.requested"),
    )


def _history_entry(raw: Any, path: str) -> HistoryEntry:
    body = _mapping(raw, path, ("policy", "subsidy", "occupation", "start", "end", "amount"), ("level",))
    start = _date(body["start"], f"{path}.start")
    end = _date(body["end"], f"{path}.end")
    if end < start:
        raise _invalid(f"{path}.end", f"{end} 早于开始日期 {start}")
    return HistoryEntry(
        policy=_str(body["policy"], f"{path}.policy"),
        subsidy=_str(body["subsidy"], f"{path}.subsidy"),
        occupation=_str(body["occupation"], f"{path}.occupation"),
        level=_level(body.get("level"), f"{path}.level"),
        start=start,
        end=end,
        amount=_money(body["amount"], f"{path}.amount"),
    )


CASE_FIELDS = ("policy", "subsidy", "claimed_on", "person", "training")
CASE_OPTIONAL = ("name", "employer", "history")


def parse_case(raw: Any, *, packs: PackSet | None = None) -> Case:
    """A ``Case`` from a mapping in the case-file format (without ``expect``); raises
    ``CaseError`` (``invalid_case`` or ``invalid_id_number``) naming the field. With
    ``packs``, an unknown pack or item is rejected here rather than by ``judge``."""
    body = _mapping(raw, "case", CASE_FIELDS, CASE_OPTIONAL)
    name = body.get("name")
    if name is not None and not isinstance(name, str):
        raise _invalid("name", "应为文字")
    policy = _str(body["policy"], "policy")
    subsidy = _str(body["subsidy"], "subsidy")
    if packs is not None:
        packs.item(policy, subsidy)
    claimed_on = _date(body["claimed_on"], "claimed_on")
    person = _person(body["person"])
    employer = _employer(body.get("employer"))
    training = _training(body["training"])
    history_raw = body.get("history") or []
    if not isinstance(history_raw, list):
        raise _invalid("history", "应为列表")
    history = tuple(_history_entry(entry, f"history[{i}]") for i, entry in enumerate(history_raw))
    return Case(
        policy=policy,
        subsidy=subsidy,
        claimed_on=claimed_on,
        person=person,
        training=training,
        employer=employer,
        history=history,
        name=name,
    )


# --- case files ------------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseResult:
    file: str
    name: str
    passed: bool
    differences: tuple[str, ...] = ()
    case: Case | None = None
    judgement: Judgement | None = None
    error: PolicyError | None = None


@dataclass(frozen=True)
class Expectation:
    error: str | None
    values: Mapping[str, Any]
    """The keys given among eligible, amount, payee, payer_region, reason."""


_EXPECT_KEYS = ("eligible", "amount", "payee", "payer_region", "reason", "error")


def parse_expectation(raw: Any) -> Expectation:
    if not isinstance(raw, Mapping):
        raise ValueError("expect 应为映射（eligible、amount、payee…或 error）")
    unknown = [k for k in raw if k not in _EXPECT_KEYS]
    if unknown:
        raise ValueError(f"expect 含有不认识的字段 {'、'.join(map(str, unknown))}")
    error = raw.get("error")
    if error is not None:
        if not isinstance(error, str):
            raise ValueError("expect.error 应为错误代码，如 invalid_id_number")
        return Expectation(error, {})
    if not isinstance(raw.get("eligible"), bool):
        raise ValueError("expect.eligible 缺失或不是 true/false")
    if "amount" in raw and not isinstance(raw["amount"], str):
        raise ValueError(f'expect.amount 应写成带引号的两位小数，如 "600.00"，实际为 {raw["amount"]!r}')
    if "payee" in raw and raw["payee"] not in PAYEES:
        raise ValueError(f"expect.payee 应为 {'、'.join(PAYEES)} 之一")
    if raw.get("reason") is not None and raw["reason"] not in REASONS:
        raise ValueError(f"expect.reason {raw['reason']!r} 不是已知的原因代码")
    return Expectation(None, {k: raw[k] for k in _EXPECT_KEYS[:-1] if k in raw})


def compare(expectation: Expectation, judgement: Judgement | None, error: PolicyError | None) -> list[str]:
    """What differs between the expectation and the engine's answer (empty when it passes)."""
    if expectation.error is not None:
        if error is not None:
            return (
                []
                if error.code == expectation.error
                else [f"error 应为 {expectation.error}，实际为 {error.code}（{error.message}）"]
            )
        assert judgement is not None
        return [f"error 应为 {expectation.error}，实际未拒绝：{_summary(judgement)}"]
    if error is not None:
        return [f"未预期的错误 {error.code}：{error.message}"]
    assert judgement is not None
    got = {
        "eligible": judgement.eligible,
        "amount": money(judgement.amount),
        "payee": judgement.payee,
        "payer_region": judgement.payer_region,
        "reason": judgement.reason,
    }
    return [
        f"{key} 应为 {_show(want)}，实际为 {_show(got[key])}"
        for key, want in expectation.values.items()
        if got[key] != want
    ]


def _show(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _summary(judgement: Judgement) -> str:
    if judgement.eligible:
        return f"符合条件，{money(judgement.amount)} 元"
    return f"不符合条件（{judgement.reason}）"


def run_case(
    raw: Any,
    *,
    file: str,
    index: int,
    packs: PackSet | None = None,
    calendar: WorkingDayCalendar = DEFAULT_CALENDAR,
) -> CaseResult:
    name = (
        raw.get("name") if isinstance(raw, Mapping) and isinstance(raw.get("name"), str) else f"#{index + 1}"
    )
    if not isinstance(raw, Mapping):
        return CaseResult(file, name, False, (f"案例应为映射，实际为 {type(raw).__name__}",))
    try:
        expectation = parse_expectation(raw.get("expect"))
    except ValueError as exc:
        return CaseResult(file, name, False, (str(exc),))
    body = {k: v for k, v in raw.items() if k != "expect"}
    case: Case | None = None
    judgement: Judgement | None = None
    error: PolicyError | None = None
    try:
        case = parse_case(body)
        judgement = judge(case, calendar=calendar, packs=packs)
    except PolicyError as exc:
        error = exc
    except Exception as exc:  # a bug must not hide the other cases' results
        return CaseResult(file, name, False, (f"内部错误 {type(exc).__name__}：{exc}",), case)
    differences = compare(expectation, judgement, error)
    return CaseResult(file, name, not differences, tuple(differences), case, judgement, error)


def read_case_file(path: str | Path) -> list[Any]:
    """The raw cases of a file; ``ValueError`` with a Chinese message when unreadable."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ValueError(f"无法读取文件（{exc.strerror}）") from exc
    except UnicodeDecodeError as exc:
        raise ValueError("文件不是 UTF-8 编码") from exc
    try:
        raw = yaml.load(text, Loader=YamlLoader)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        raise ValueError(yaml_problem(exc)) from exc
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise ValueError("案例文件应为一个列表，每项是一个案例")
    return raw


def yaml_problem(exc: yaml.YAMLError) -> str:
    """A YAML error on one line, with where it is."""
    mark = getattr(exc, "problem_mark", None)
    where = f"（第 {mark.line + 1} 行第 {mark.column + 1} 列）" if mark is not None else ""
    problem = getattr(exc, "problem", None) or str(exc)
    return " ".join(f"YAML 格式错误{where}：{problem}".split())


def run_case_file(
    path: str | Path, *, packs: PackSet | None = None, calendar: WorkingDayCalendar = DEFAULT_CALENDAR
) -> list[CaseResult]:
    file = str(path)
    try:
        raws = read_case_file(path)
    except ValueError as exc:
        return [CaseResult(file, "（整个文件）", False, (str(exc),))]
    return [run_case(raw, file=file, index=i, packs=packs, calendar=calendar) for i, raw in enumerate(raws)]


def find_case(path: str | Path, name: str | None) -> list[tuple[str, Any]]:
    """(name, raw) of the cases in a file, or of the one named ``name``."""
    raws = read_case_file(path)
    named = [
        (
            raw.get("name") if isinstance(raw, Mapping) and isinstance(raw.get("name"), str) else f"#{i + 1}",
            raw,
        )
        for i, raw in enumerate(raws)
    ]
    if name is None:
        return named
    return [(n, raw) for n, raw in named if n == name]
