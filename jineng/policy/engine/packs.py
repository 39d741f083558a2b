"""Policy packs: one YAML file per policy document, validated and compiled at load.

A pack that lacks a citation, names an unknown rule kind, gives a parameter the wrong
type or lets two versions of a parameter overlap does not load; the ``PackError`` says
where (``file: items.x.rules[2].params.rate.values[0].value``) and what to write instead.
See docs/policy-packs.md for the format.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from jineng.policy.engine.errors import CaseError, PackError
from jineng.policy.engine.model import PAYEES
from jineng.policy.engine.params import (
    FLAG,
    PERCENT,
    Parameter,
    ParamSpec,
    ParamVersion,
    count,
    fail,
    parse_date,
    parse_parameter,
)
from jineng.policy.engine.rules import RULE_KINDS, Rule, ValidityRule

PACKS_DIR = Path(__file__).resolve().parent.parent / "packs"
PAYER_MODES = {
    "hukou": "参加培训人员户籍所在地县（市、区）",
    "employer": "企业所在地县（市、区）",
    "pack": "发文机关所在地",
    "none": "不确定",
}
_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_REGION = re.compile(r"^\d{6}$")

YamlLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class Validity:
    start: dt.date
    end: dt.date | None
    closed_on: dt.date | None
    """An operator's close date (last day in force) for a policy that runs "until further notice"."""
    citation: str
    quote: str | None = None

    @property
    def last(self) -> dt.date | None:
        lasts = [d for d in (self.end, self.closed_on) if d is not None]
        return min(lasts) if lasts else None

    def contains(self, day: dt.date) -> bool:
        last = self.last
        return self.start <= day and (last is None or day <= last)


@dataclass(frozen=True)
class Item:
    id: str
    pack_id: str
    document_number: str
    title: str
    citation: str
    payee: str
    payer: str
    """``hukou``, ``employer``, ``pack``, ``none`` or a fixed 6-digit region code."""
    rules: tuple[Rule, ...]
    validity: Validity
    quote: str | None = None

    def ceiling(self, day: dt.date) -> Decimal | None:
        """The most one judgement can pay on ``day`` (None when no rule bounds it)."""
        total: Decimal | None = Decimal(0)
        caps: list[Decimal] = []
        for rule in self.rules:
            if rule.role == "amount":
                bound = rule.ceiling(day)
                total = None if total is None or bound is None else total + bound
            elif rule.role == "cap":
                caps.append(rule.ceiling(day))  # type: ignore[arg-type]
        bounds = [b for b in (total, *caps) if b is not None]
        return min(bounds) if bounds else None


PROCEDURE_STEPS: dict[str, ParamSpec] = {
    "review_working_days": ParamSpec("审核期限（工作日）", count("个工作日")),
    "public_notice_working_days": ParamSpec("公示期（工作日）", count("个工作日")),
    "payment_working_days": ParamSpec("拨付期限（工作日）", count("个工作日")),
    "advance_percent": ParamSpec("培训实施后先行拨付比例", PERCENT),
    "platform_evaluation_required": ParamSpec("备案前线上培训平台须经评估（人社部推荐的除外）", FLAG),
}
"""The procedure parameters a pack may give (all optional): how many working days the bureau
has to review a claim, how long approved claims are publicly noticed, how long payment may take
after the notice, what share a project-based training may be paid in advance, and whether a
filing needs the platform evaluated first (unless a recommendation spares it)."""


@dataclass(frozen=True)
class Procedure:
    """The dated, cited procedure parameters of a pack (``procedure:`` in the YAML)."""

    params: Mapping[str, Parameter] = field(default_factory=dict)

    def at(self, name: str, day: dt.date) -> ParamVersion | None:
        """The version of ``name`` in force on ``day``; None when the pack does not set it;
        ``ParameterError`` (no_parameter_version) when it is set but has no version that day."""
        if name not in PROCEDURE_STEPS:
            raise KeyError(name)
        parameter = self.params.get(name)
        return parameter.at(day) if parameter is not None else None


@dataclass(frozen=True)
class Pack:
    id: str
    title: str
    document_number: str
    issuer: str
    region: str
    validity: Validity
    items: Mapping[str, Item]
    issued_on: dt.date | None = None
    source: str = ""
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)
    procedure: Procedure = field(default_factory=Procedure)

    def item(self, subsidy: str) -> Item:
        try:
            return self.items[subsidy]
        except KeyError:
            raise CaseError(
                "invalid_case",
                f"政策 {self.id} 没有补贴项目 {subsidy!r}；可选：{'、'.join(self.items)}",
                field="subsidy",
            ) from None

    def with_close_date(self, closed_on: dt.date | None) -> Pack:
        """The same pack with an operator's close date (e.g. the day the epidemic was declared over)."""
        raw = dict(self.raw)
        raw["validity"] = {**raw["validity"], "closed_on": closed_on}
        return build_pack(raw, source=self.source)


class PackSet(Mapping[str, Pack]):
    """The loaded packs by id."""

    def __init__(self, packs: Mapping[str, Pack]):
        self._packs = dict(packs)

    def __getitem__(self, key: str) -> Pack:
        return self._packs[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._packs)

    def __len__(self) -> int:
        return len(self._packs)

    def item(self, policy: str, subsidy: str) -> Item:
        pack = self._packs.get(policy)
        if pack is None:
            raise CaseError(
                "invalid_case", f"未知的政策 {policy!r}；可选：{'、'.join(self._packs)}", field="policy"
            )
        return pack.item(subsidy)

    def with_close_dates(self, closures: Mapping[str, dt.date | None]) -> PackSet:
        return PackSet(
            {
                pid: pack.with_close_date(closures[pid]) if pid in closures else pack
                for pid, pack in self._packs.items()
            }
        )


# --- loading ---------------------------------------------------------------------------------


def load_pack(path: str | Path) -> Pack:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise PackError(f"{path}：无法读取（{exc.strerror}）") from exc
    return load_pack_text(text, source=path.name)


def load_pack_text(text: str, *, source: str = "<pack>") -> Pack:
    try:
        raw = yaml.load(text, Loader=YamlLoader)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"（第 {mark.line + 1} 行第 {mark.column + 1} 列）" if mark is not None else ""
        problem = " ".join(str(getattr(exc, "problem", None) or exc).split())
        raise PackError(f"{source}：YAML 格式错误{where}：{problem}") from exc
    if not isinstance(raw, dict):
        raise PackError(f"{source}：政策包应为一个映射（id、title、document_number…）")
    return build_pack(raw, source=source)


@lru_cache(maxsize=8)
def _load_dir(directory: str) -> PackSet:
    packs: dict[str, Pack] = {}
    for path in sorted(Path(directory).glob("*.yaml")):
        pack = load_pack(path)
        if pack.id != path.stem:
            raise PackError(f"{path.name}：id {pack.id!r} 应与文件名 {path.stem!r} 相同", field="id")
        packs[pack.id] = pack
    return PackSet(packs)


def load_packs(directory: str | Path | None = None) -> PackSet:
    """All packs of a directory (default: ``jineng/policy/packs``), loaded once and cached."""
    return _load_dir(str(Path(directory).resolve() if directory else PACKS_DIR))


# --- building --------------------------------------------------------------------------------


def _keys(raw: Mapping[str, Any], where: str, required: set[str], optional: set[str]) -> None:
    missing = required - set(raw)
    if missing:
        raise fail(where, f"缺少 {'、'.join(sorted(missing))}")
    unknown = set(raw) - required - optional
    if unknown:
        raise fail(
            where,
            f"不认识的键 {'、'.join(sorted(map(str, unknown)))}；可用：{'、'.join(sorted(required | optional))}",
        )


def _text(raw: Mapping[str, Any], key: str, where: str, problem: str = "不能为空") -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        raise fail(f"{where}.{key}" if where else key, problem)
    return value.strip()


def _optional_text(raw: Mapping[str, Any], key: str, where: str) -> str | None:
    value = raw.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise fail(f"{where}.{key}", "应为文字")
    return value.strip() or None


def _citation(raw: Mapping[str, Any], where: str, document: str) -> str:
    clause = _text(
        raw, "clause", where, "缺少出处 clause：每条规则和有效期都必须引用所依据的条款，如 “附件1 一(四)”"
    )
    own = _optional_text(raw, "document", where)
    return f"{own or document} {clause}"


def build_pack(raw: Mapping[str, Any], *, source: str = "<pack>") -> Pack:
    try:
        return _build_pack(raw, source)
    except PackError as exc:
        if exc.message.startswith(f"{source}："):
            raise
        raise PackError(f"{source}：{exc.message}", field=exc.field) from None


def _build_pack(raw: Mapping[str, Any], source: str) -> Pack:
    _keys(
        raw,
        "政策包",
        {"id", "title", "document_number", "issuer", "region", "validity", "items"},
        {"issued_on", "notes", "procedure"},
    )
    pack_id = _text(raw, "id", "")
    if not _ID.match(pack_id):
        raise fail("id", "只能用小写字母、数字、- 和 _，如 shaoguan-2020-11")
    document = _text(raw, "document_number", "", "缺少文号 document_number，如 “韶人社函〔2020〕11号”")
    region = raw.get("region")
    if not isinstance(region, str) or not _REGION.match(region):
        raise fail("region", '应为带引号的 6 位行政区划代码，如 "440200"')
    issued_on = parse_date(raw["issued_on"], "issued_on") if raw.get("issued_on") is not None else None
    validity = _validity(raw["validity"], "validity", document)
    items_raw = raw["items"]
    if not isinstance(items_raw, dict) or not items_raw:
        raise fail("items", "至少要有一个补贴项目")
    items = {
        str(item_id): _item(
            str(item_id), body, pack_id=pack_id, region=region, document=document, validity=validity
        )
        for item_id, body in items_raw.items()
    }
    return Pack(
        id=pack_id,
        title=_text(raw, "title", ""),
        document_number=document,
        issuer=_text(raw, "issuer", ""),
        region=region,
        validity=validity,
        items=items,
        issued_on=issued_on,
        source=source,
        raw=dict(raw),
        procedure=_procedure(raw.get("procedure"), document),
    )


def _procedure(raw: Any, document: str) -> Procedure:
    """``procedure: {review_working_days: {clause: …, values: […]}, …}``: each step cites its
    clause like a rule, and its values are dated like any parameter."""
    if raw is None:
        return Procedure()
    where = "procedure"
    if not isinstance(raw, dict) or not raw:
        raise fail(where, f"应为映射，可用：{'、'.join(PROCEDURE_STEPS)}")
    _keys(raw, where, set(), set(PROCEDURE_STEPS))
    params: dict[str, Parameter] = {}
    for name, body in raw.items():
        step = f"{where}.{name}"
        if not isinstance(body, dict):
            raise fail(step, "应写成 {clause: 条款, values: [{from: 日期, value: 值}]}")
        _keys(body, step, {"clause", "values"}, {"document", "quote", "notes"})
        citation = _citation(body, step, document)
        own_document = _optional_text(body, "document", step) or document
        params[name] = parse_parameter(
            name,
            PROCEDURE_STEPS[name],
            {"values": body["values"]},
            where=step,
            document=own_document,
            clause=citation[len(own_document) + 1 :],
        )
    return Procedure(params)


def _validity(raw: Any, where: str, document: str) -> Validity:
    if not isinstance(raw, dict):
        raise fail(where, "应写成 {start: 日期, end: 日期或 null, clause: 条款}")
    _keys(raw, where, {"start", "clause"}, {"end", "closed_on", "document", "quote"})
    start = parse_date(raw["start"], f"{where}.start")
    end = parse_date(raw["end"], f"{where}.end") if raw.get("end") is not None else None
    closed_on = (
        parse_date(raw["closed_on"], f"{where}.closed_on") if raw.get("closed_on") is not None else None
    )
    if end is not None and end < start:
        raise fail(where, f"end {end} 早于 start {start}")
    if closed_on is not None and closed_on < start:
        raise fail(where, f"closed_on {closed_on} 早于 start {start}")
    return Validity(
        start, end, closed_on, _citation(raw, where, document), _optional_text(raw, "quote", where)
    )


def _item_validity(raw: Any, where: str, document: str, pack: Validity) -> Validity:
    """An item may run shorter than its pack: its window is the intersection."""
    if raw is None:
        return pack
    if not isinstance(raw, dict):
        raise fail(where, "应写成 {start: 日期, end: 日期, clause: 条款}")
    _keys(raw, where, {"clause"}, {"start", "end", "document", "quote"})
    start = (
        max(pack.start, parse_date(raw["start"], f"{where}.start"))
        if raw.get("start") is not None
        else pack.start
    )
    end = parse_date(raw["end"], f"{where}.end") if raw.get("end") is not None else None
    if pack.end is not None:
        end = pack.end if end is None else min(end, pack.end)
    if end is not None and end < start:
        raise fail(where, "补贴项目的有效期与政策有效期没有交集")
    return Validity(
        start, end, pack.closed_on, _citation(raw, where, document), _optional_text(raw, "quote", where)
    )


def _item(item_id: str, raw: Any, *, pack_id: str, region: str, document: str, validity: Validity) -> Item:
    where = f"items.{item_id}"
    if not _ID.match(item_id):
        raise fail(where, "补贴项目标识只能用小写字母、数字、- 和 _")
    if not isinstance(raw, dict):
        raise fail(where, "应为映射（title、clause、payee、payer_region、rules）")
    _keys(
        raw,
        where,
        {"title", "clause", "payee", "payer_region", "rules"},
        {"document", "quote", "validity", "notes"},
    )
    payee = raw["payee"]
    if payee not in PAYEES:
        raise fail(f"{where}.payee", f"应为 {'、'.join(PAYEES)} 之一")
    payer = raw["payer_region"]
    if not isinstance(payer, str) or not (payer in PAYER_MODES or _REGION.match(payer)):
        raise fail(
            f"{where}.payer_region", f"应为 {'、'.join(PAYER_MODES)} 之一，或带引号的 6 位行政区划代码"
        )
    if payer == "pack":
        payer = region
    item_validity = _item_validity(raw.get("validity"), f"{where}.validity", document, validity)
    rules_raw = raw["rules"]
    if not isinstance(rules_raw, list) or not rules_raw:
        raise fail(f"{where}.rules", "至少要有一条规则")
    validity_rule = ValidityRule(
        policy=pack_id,
        subsidy=item_id,
        citation=item_validity.citation,
        quote=item_validity.quote,
        options={
            "start": item_validity.start,
            "end": item_validity.end,
            "closed_on": item_validity.closed_on,
        },
    )
    rules = [validity_rule]
    rules += [
        _rule(body, where=f"{where}.rules[{i}]", pack_id=pack_id, item_id=item_id, document=document)
        for i, body in enumerate(rules_raw)
    ]
    if not any(rule.role == "amount" for rule in rules):
        raise fail(f"{where}.rules", "至少要有一条计算金额的规则（如 rate_per_class_hour、fixed_amount）")
    return Item(
        id=item_id,
        pack_id=pack_id,
        document_number=document,
        title=_text(raw, "title", where),
        citation=_citation(raw, where, document),
        payee=payee,
        payer=payer,
        rules=tuple(rules),
        validity=item_validity,
        quote=_optional_text(raw, "quote", where),
    )


def _rule(raw: Any, *, where: str, pack_id: str, item_id: str, document: str) -> Rule:
    if not isinstance(raw, dict):
        raise fail(where, "每条规则应为映射（kind、clause、params）")
    _keys(raw, where, {"kind", "clause"}, {"document", "quote", "params", "options", "notes"})
    kind = raw["kind"]
    cls = RULE_KINDS.get(kind) if isinstance(kind, str) else None
    if cls is None:
        raise fail(f"{where}.kind", f"未知的规则种类 {kind!r}；可选：{'、'.join(RULE_KINDS)}")
    citation = _citation(raw, where, document)
    clause = citation[len(raw.get("document") or document) + 1 :]
    params_raw = raw.get("params") or {}
    if not isinstance(params_raw, dict):
        raise fail(f"{where}.params", "应为映射：参数名 → {values: […]}")
    _keys(params_raw, f"{where}.params", set(cls.param_specs), set())
    params = {
        name: parse_parameter(
            name,
            spec,
            params_raw[name],
            where=f"{where}.params.{name}",
            document=raw.get("document") or document,
            clause=clause,
        )
        for name, spec in cls.param_specs.items()
    }
    options_raw = raw.get("options") or {}
    if not isinstance(options_raw, dict):
        raise fail(f"{where}.options", "应为映射")
    required_options = {name for name, spec in cls.option_specs.items() if spec.required}
    _keys(options_raw, f"{where}.options", required_options, set(cls.option_specs))
    options = {
        name: cls.option_specs[name].parse(value, f"{where}.options.{name}")
        for name, value in options_raw.items()
    }
    return cls(
        policy=pack_id,
        subsidy=item_id,
        citation=citation,
        quote=_optional_text(raw, "quote", where),
        params=params,
        options=options,
    )


__all__ = [
    "PACKS_DIR",
    "PROCEDURE_STEPS",
    "Item",
    "Pack",
    "PackSet",
    "Procedure",
    "Validity",
    "build_pack",
    "load_pack",
    "load_pack_text",
    "load_packs",
]
