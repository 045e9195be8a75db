"""Dependencies point one way: bot -> index -> catalog, and only bot knows about Discord."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
FORBIDDEN = {"catalog": {"index", "bot", "discord"}, "index": {"bot", "discord"}}


def imported_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_no_upward_imports(package: str) -> None:
    for path in (ROOT / package).rglob("*.py"):
        wrong = imported_packages(path) & FORBIDDEN[package]
        assert not wrong, f"{path.relative_to(ROOT)} imports {sorted(wrong)}"


def index_submodules_used(path: Path) -> set[str]:
    """``index.x`` modules a file imports (``from index import X`` is the public API: fine)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    used: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            used |= {a.name for a in node.names if a.name.startswith("index.")}
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("index."):
            used.add(str(node.module))
    return used


def test_front_ends_use_only_the_index_public_api() -> None:
    for path in (ROOT / "bot").rglob("*.py"):
        private = index_submodules_used(path)
        assert not private, f"{path.relative_to(ROOT)} reaches into {sorted(private)}"


def all_modules() -> list[str]:
    names = []
    for package in ("catalog", "index", "bot"):
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


def test_every_module_imports_on_its_own() -> None:
    """A module that only imports after another one has hidden a cycle (``bot.cli_admin`` did).

    One interpreter: the project's modules are forgotten before each import, third-party ones
    are kept, so this stays fast.
    """
    script = """
import importlib, sys, traceback
failed = []
for name in sys.argv[1:]:
    for loaded in [m for m in sys.modules if m.split(".")[0] in ("bot", "index", "catalog")]:
        del sys.modules[loaded]
    try:
        importlib.import_module(name)
    except Exception:
        failed.append(name + ": " + traceback.format_exc(limit=1).strip().splitlines()[-1])
print("\\n".join(failed))
sys.exit(1 if failed else 0)
"""
    modules = [m for m in all_modules() if not m.endswith("__main__")]
    assert "bot.terminal.admin" in modules and "index.onnx_embedder" in modules
    result = subprocess.run(
        [sys.executable, "-c", script, *modules],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
