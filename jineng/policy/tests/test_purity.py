"""The engine is pure Python: no module in ``jineng.policy.engine`` imports Django, directly
or through what it imports (the import-linter contract in pyproject.toml says the same)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import jineng.policy.engine

ENGINE = Path(jineng.policy.engine.__file__).parent


def _imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_no_engine_module_imports_django() -> None:
    modules = sorted(ENGINE.rglob("*.py"))
    assert len(modules) >= 8
    offenders = {
        str(path.relative_to(ENGINE)): sorted(
            n for n in _imported_modules(path) if n == "django" or n.startswith("django.")
        )
        for path in modules
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_importing_the_engine_and_its_commands_loads_no_django() -> None:
    code = (
        "import sys\n"
        "import jineng.policy.engine, jineng.policy.cli, jineng.policy.bench\n"
        "from jineng.policy.engine import load_packs; load_packs()\n"
        "sys.exit(1 if any(m == 'django' or m.startswith('django.') for m in sys.modules) else 0)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr or "django was imported"
