"""Dated parameters: every number a rule uses has versions, each with a start date and
the clause it comes from (after OpenFisca's parameters).

In a pack::

    rate:
      values:
        - {from: 2020-03-02, value: "30.00"}                    # cites the rule's clause
        - {from: 2021-01-01, value: "35.00", clause: 二, document: 韶人社函〔2020〕99号}

A version runs from ``from`` to ``until`` (both inclusive; no ``until`` = open). Versions
that overlap fail to load; a day outside every version is refused with
``no_parameter_version`` when a judgement needs it, never read as zero.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from jineng.policy.engine.errors import PackError, ParameterError
from jineng.policy.engine.model import CERTIFICATES, LEVELS

_MONEY = re.compile(r"^\d{1,9}(\.\d{1,2})?$")
_PERCENT = re.compile(r"^\d{1,3}(\.\d{1,4})?$")
CENT = Decimal("0.01")


def fail(where: str, problem: str) -> PackError:
    return PackError(f"{where}：{problem}", field=where)


# --- value types ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ParamType:
    """How one parameter's values are written in YAML and shown in Chinese."""

    parse: Callable[[Any, str], Any]
    show: Callable[[Any], str]
    describe: str
    """What a policy officer must write, for error messages."""


def _parse_money(raw: Any, where: str) -> Decimal:
    if isinstance(raw, bool) or not isinstance(raw, str | int):
        raise fail(where, f'金额须写成带引号的字符串，如 "30.00"（不能写成 {raw!r}）')
    text = str(raw)
    if not _MONEY.match(text):
        raise fail(where, f'金额 {text!r} 格式不对，应为不小于 0、最多两位小数的数，如 "30.00"')
    return Decimal(text).quantize(CENT)


def _show_money(value: Decimal) -> str:
    return f"{value:.2f} 元"


def _parse_count(raw: Any, where: str) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int) or raw < 0:
        raise fail(where, f"应为不小于 0 的整数（不能写成 {raw!r}）")
    return raw


def _parse_flag(raw: Any, where: str) -> bool:
    if not isinstance(raw, bool):
        raise fail(where, f"应为 true 或 false（不能写成 {raw!r}）")
    return raw


def _parse_percent(raw: Any, where: str) -> Decimal:
    if isinstance(raw, bool) or not isinstance(raw, str | int) or not _PERCENT.match(str(raw)):
        raise fail(where, f'百分比须写成带引号的数，如 "20" 表示 20%（不能写成 {raw!r}）')
    value = Decimal(str(raw))
    if value > 100:
        raise fail(where, "百分比不能超过 100")
    return value


def _codes_type(vocabulary: Mapping[str, str], what: str) -> ParamType:
    def parse(raw: Any, where: str) -> frozenset[str]:
        if not isinstance(raw, list) or not raw:
            raise fail(where, f"应为非空列表，列出{what}，可选：{'、'.join(vocabulary)}")
        unknown = [x for x in raw if x not in vocabulary]
        if unknown:
            raise fail(where, f"未知的{what} {unknown!r}，可选：{'、'.join(vocabulary)}")
        return frozenset(raw)

    def show(value: frozenset[str]) -> str:
        return "、".join(vocabulary[code] for code in vocabulary if code in value)

    return ParamType(parse, show, f"{what}列表")


def _parse_prefixes(raw: Any, where: str) -> tuple[str, ...]:
    if not isinstance(raw, list) or not raw:
        raise fail(where, '应为非空列表，列出行政区划代码前缀，如 ["64", "54"]')
    for prefix in raw:
        if not isinstance(prefix, str) or not prefix.isdigit() or len(prefix) not in (2, 4, 6):
            raise fail(where, f"行政区划代码前缀 {prefix!r} 应为带引号的 2、4 或 6 位数字")
    return tuple(raw)


def _show_prefixes(value: tuple[str, ...]) -> str:
    return "、".join(value) + " 开头的行政区划"


CertificateTable = Mapping[str, Mapping[int | None, Decimal]]


def _parse_certificate_table(raw: Any, where: str) -> CertificateTable:
    """``{qualification: {5: "700.00", 4: "1000.00"}, special_ability: "500.00"}``: by
    certificate kind, then by level (a single amount = whatever the level)."""
    if not isinstance(raw, dict) or not raw:
        raise fail(where, "应为“证书种类 → 金额”或“证书种类 → {等级 → 金额}”的表")
    table: dict[str, dict[int | None, Decimal]] = {}
    for kind, amounts in raw.items():
        if kind not in CERTIFICATES or kind == "none":
            raise fail(
                where, f"未知的证书种类 {kind!r}，可选：{'、'.join(c for c in CERTIFICATES if c != 'none')}"
            )
        if isinstance(amounts, dict):
            by_level: dict[int | None, Decimal] = {}
            for level, amount in amounts.items():
                if level not in LEVELS:
                    raise fail(f"{where}.{kind}", f"等级 {level!r} 应为 1 到 5 的整数")
                by_level[level] = _parse_money(amount, f"{where}.{kind}.{level}")
            table[kind] = by_level
        else:
            table[kind] = {None: _parse_money(amounts, f"{where}.{kind}")}
    return table


def _show_certificate_table(table: CertificateTable) -> str:
    parts = []
    for kind, by_level in table.items():
        for level, amount in by_level.items():
            label = CERTIFICATES[kind] if level is None else f"{CERTIFICATES[kind]}{LEVELS[level]}"
            parts.append(f"{label} {amount:.2f} 元")
    return "；".join(parts)


MONEY = ParamType(_parse_money, _show_money, "金额")
PERCENT = ParamType(_parse_percent, lambda v: f"{v}%", "百分比")
FLAG = ParamType(_parse_flag, lambda v: "是" if v else "否", "是/否（true/false）")
PREFIXES = ParamType(_parse_prefixes, _show_prefixes, "行政区划代码前缀列表")
CERTIFICATE_TABLE = ParamType(_parse_certificate_table, _show_certificate_table, "证书补贴标准表")


def count(unit: str) -> ParamType:
    return ParamType(_parse_count, lambda v: f"{v} {unit}", f"整数（{unit}）")


def codes(vocabulary: Mapping[str, str], what: str) -> ParamType:
    return _codes_type(vocabulary, what)


# --- dated versions ------------------------------------------------------------------------


@dataclass(frozen=True)
class ParamVersion:
    name: str
    label: str
    start: dt.date
    until: dt.date | None
    value: Any
    citation: str
    shown: str
    """The value in Chinese, e.g. ``30.00 元``."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "label": self.label,
            "value": _jsonable(self.value),
            "shown": self.shown,
            "from": self.start.isoformat(),
            "until": self.until.isoformat() if self.until else None,
            "clause": self.citation,
        }


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return f"{value:.2f}" if value.as_tuple().exponent == -2 else str(value)
    if isinstance(value, frozenset):
        return sorted(value)
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return value


@dataclass(frozen=True)
class ParamSpec:
    label: str
    type: ParamType


class Parameter:
    """A named parameter of one rule with its dated versions, sorted by start."""

    __slots__ = ("name", "label", "versions", "_only", "_start", "_until")

    def __init__(self, name: str, label: str, versions: tuple[ParamVersion, ...]):
        self.name = name
        self.label = label
        self.versions = versions
        self._only = versions[0] if len(versions) == 1 else None
        self._start = versions[0].start
        self._until = versions[0].until

    def at(self, day: dt.date) -> ParamVersion:
        only = self._only
        if only is not None and self._start <= day and (self._until is None or day <= self._until):
            return only
        for version in self.versions:
            if version.start <= day and (version.until is None or day <= version.until):
                return version
        raise ParameterError(
            f"参数“{self.label}”（{self.name}）在 {day.isoformat()} 没有生效的版本，无法判定；"
            f"已有版本：{self.spans()}",
            field=self.name,
            details={"day": day.isoformat()},
        )

    def spans(self) -> str:
        return "；".join(
            f"{v.start.isoformat()} 至 {v.until.isoformat() if v.until else '今后'}" for v in self.versions
        )


def parse_date(raw: Any, where: str) -> dt.date:
    if isinstance(raw, dt.date) and not isinstance(raw, dt.datetime):
        return raw
    if isinstance(raw, str):
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            pass
    raise fail(where, f"应为日期 YYYY-MM-DD（不能写成 {raw!r}）")


def parse_parameter(
    name: str, spec: ParamSpec, raw: Any, *, where: str, document: str, clause: str
) -> Parameter:
    if not isinstance(raw, dict) or set(raw) != {"values"}:
        raise fail(where, "参数须写成 {values: [{from: 日期, value: 值}, …]}，每个值都要有起始日期")
    rows = raw["values"]
    if not isinstance(rows, list) or not rows:
        raise fail(f"{where}.values", "至少要有一个版本")
    versions = [
        _parse_version(name, spec, row, f"{where}.values[{i}]", document, clause)
        for i, row in enumerate(rows)
    ]
    versions.sort(key=lambda v: v.start)
    _check_no_overlap(versions, where)
    return Parameter(name, spec.label, tuple(versions))


def _parse_version(
    name: str, spec: ParamSpec, row: Any, where: str, document: str, clause: str
) -> ParamVersion:
    if not isinstance(row, dict):
        raise fail(where, "每个版本须写成 {from: 日期, value: 值}")
    unknown = set(row) - {"from", "until", "value", "clause", "document"}
    if unknown:
        raise fail(where, f"不认识的键 {sorted(unknown)}，可用：from、until、value、clause、document")
    if "from" not in row:
        raise fail(where, "缺少起始日期 from")
    if "value" not in row:
        raise fail(where, "缺少 value")
    start = parse_date(row["from"], f"{where}.from")
    until = parse_date(row["until"], f"{where}.until") if row.get("until") is not None else None
    if until is not None and until < start:
        raise fail(where, f"until {until} 早于 from {start}")
    version_document = _text(row.get("document", document), f"{where}.document")
    version_clause = _text(row.get("clause", clause), f"{where}.clause")
    value = spec.type.parse(row["value"], f"{where}.value")
    return ParamVersion(
        name=name,
        label=spec.label,
        start=start,
        until=until,
        value=value,
        citation=f"{version_document} {version_clause}",
        shown=spec.type.show(value),
    )


def _text(raw: Any, where: str) -> str:
    if not isinstance(raw, str) or not raw.strip():
        raise fail(where, "缺少出处：须写明文件文号和条款")
    return raw.strip()


def _check_no_overlap(versions: list[ParamVersion], where: str) -> None:
    for earlier, later in zip(versions, versions[1:], strict=False):
        if earlier.until is None or earlier.until >= later.start:
            ends = earlier.until.isoformat() if earlier.until else "未设 until（长期有效）"
            raise fail(
                where,
                f"参数版本重叠：{earlier.start.isoformat()} 起的版本（止于 {ends}）"
                f"与 {later.start.isoformat()} 起的版本重叠；请给前一版本写上 until（不晚于 {later.start - dt.timedelta(days=1)}）",
            )


__all__ = [
    "CENT",
    "CERTIFICATE_TABLE",
    "MONEY",
    "PERCENT",
    "PREFIXES",
    "ParamSpec",
    "ParamType",
    "ParamVersion",
    "Parameter",
    "codes",
    "count",
    "fail",
    "parse_date",
    "parse_parameter",
]
