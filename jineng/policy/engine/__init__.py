"""The subsidy policy engine: pure Python, no Django (an import-linter contract holds it).

Packs (``jineng/policy/packs/*.yaml``) pick rules from a closed set of kinds
(``rules.RULE_KINDS``) with dated, cited parameters; ``judge`` applies one item to one
case and returns a ``Judgement`` with its trace. The Django side calls::

    from jineng.policy.engine import judge, parse_case, load_packs

    case = parse_case(mapping)                 # CaseError(code, message, field)
    judgement = judge(case, history=entries)   # history: the person's HistoryEntry list
    judgement.to_dict()                        # JSON-ready, money as "600.00"
"""

from jineng.policy.engine.cases import CaseResult, parse_case, run_case_file
from jineng.policy.engine.errors import CalendarError, CaseError, PackError, ParameterError, PolicyError
from jineng.policy.engine.explain import render_error, render_judgement
from jineng.policy.engine.judge import Judgement, judge, judge_item
from jineng.policy.engine.model import (
    REASONS,
    Case,
    Employer,
    HistoryEntry,
    Person,
    Training,
)
from jineng.policy.engine.packs import PACKS_DIR, Item, Pack, PackSet, load_pack, load_pack_text, load_packs
from jineng.policy.engine.rules import RULE_KINDS
from jineng.policy.engine.trace import TraceStep

__all__ = [
    "PACKS_DIR",
    "REASONS",
    "RULE_KINDS",
    "CalendarError",
    "Case",
    "CaseError",
    "CaseResult",
    "Employer",
    "HistoryEntry",
    "Item",
    "Judgement",
    "Pack",
    "PackError",
    "PackSet",
    "ParameterError",
    "Person",
    "PolicyError",
    "TraceStep",
    "Training",
    "judge",
    "judge_item",
    "load_pack",
    "load_pack_text",
    "load_packs",
    "parse_case",
    "render_error",
    "render_judgement",
    "run_case_file",
]
