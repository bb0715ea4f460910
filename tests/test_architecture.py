"""The domain contract (docs/architecture.md), enforced.

- import-linter's contracts in pyproject.toml (tiers, no cycles, the shape inside a domain) hold,
  and a deliberate violation in a copy of the package is caught;
- between domains, no module reads another domain's tables except the shared records, and no
  module imports another package's ``_private`` names.

Every import counts, function-level ones included (the walk below and grimp both see them).
"""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "qingshan"
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")

#: tables every domain may read: the platform's shared records (the monitored places and their
#: series, the accounts, the regions)
SHARED_RECORDS = frozenset({"monitoring", "accounts", "geo"})
#: packages that may import any domain's models: the registry (the model list) and the demo
#: builder (it writes every domain's tables)
ALL_MODELS = frozenset({"platform", "sim"})


def _imports(path: Path) -> list[tuple[int, str, list[str]]]:
    """(line, module imported from, names) of every import of ``qingshan`` in ``path``."""
    module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name, []) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            out.append((node.lineno, base, [a.name for a in node.names]))
    return [row for row in out if row[1].split(".")[0] == "qingshan"]


def _package(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def _sources() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts)


def test_import_contracts_hold():
    result = subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "3 kept, 0 broken" in result.stdout


@pytest.mark.parametrize(
    ("where", "line", "contract"),
    [
        # the shell reaching up into a domain
        ("db/engine.py", "import qingshan.qc.service", "Tiers"),
        # a circle between two domains
        ("archive/service.py", "import qingshan.qc.service", "No import cycle"),
        # a service reaching up to its own routes
        ("qc/service.py", "import qingshan.qc.api", "Inside a domain"),
    ],
)
def test_a_violation_is_caught(tmp_path, where, line, contract):
    copy = tmp_path / "qingshan"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("data", "static", "__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    target = copy / where
    target.write_text(target.read_text(encoding="utf-8") + f"\n{line}  # deliberate\n")
    env = os.environ | {"PYTHONPATH": str(tmp_path)}
    result = subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=tmp_path, capture_output=True, text=True, env=env
    )
    assert result.returncode == 1, result.stdout[-3000:]
    broken = result.stdout.split("Broken contracts")[-1]
    assert contract in broken, result.stdout[-3000:]


def test_domains_read_each_other_through_services():
    """No module imports another domain's models, except the shared records."""
    offences = []
    for path in _sources():
        own = _package(".".join(path.relative_to(ROOT).with_suffix("").parts))
        if own in ALL_MODELS:
            continue
        for line, module, names in _imports(path):
            for imported in (module, *(f"{module}.{n}" for n in names)):
                other = _package(imported)
                if imported.endswith(".models") and other not in (own, *SHARED_RECORDS):
                    offences.append(f"{path.relative_to(ROOT)}:{line} imports {imported}")
    assert not offences, "\n".join(offences)


def test_no_private_names_across_packages():
    offences = []
    for path in _sources():
        own = _package(".".join(path.relative_to(ROOT).with_suffix("").parts))
        for line, module, names in _imports(path):
            private = [n for n in names if n.startswith("_") and not n.startswith("__")]
            if _package(module) != own and private:
                offences.append(f"{path.relative_to(ROOT)}:{line} imports {private} from {module}")
    assert not offences, "\n".join(offences)
