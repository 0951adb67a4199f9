"""House rules: imports point one way, triggers stay pure, modules stay small."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
PACKAGES = ("flows", "warehouse", "triggers", "dashboard", "policy_monitor")
# package → our packages it must never import
FORBIDDEN = {
    "warehouse": {"flows", "dashboard", "triggers", "policy_monitor"},
    "triggers": {"flows", "dashboard", "warehouse", "policy_monitor", "prefect", "dash", "duckdb"},
    "dashboard": {"flows", "policy_monitor"},
    "flows": {"dashboard", "policy_monitor"},
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_imports_point_one_way(package):
    offenders = {
        str(path.relative_to(ROOT)): sorted(_imports(path) & FORBIDDEN[package])
        for path in (ROOT / package).rglob("*.py")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_modules_stay_small():
    big = {
        str(path.relative_to(ROOT)): n
        for package in PACKAGES
        for path in (ROOT / package).rglob("*.py")
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > 300
    }
    assert big == {}


def test_no_sql_outside_the_warehouse():
    keywords = ("SELECT ", "INSERT INTO", "CREATE TABLE", "UPDATE ")
    offenders = [
        str(path.relative_to(ROOT))
        for package in ("flows", "dashboard", "triggers", "policy_monitor")
        for path in (ROOT / package).rglob("*.py")
        if any(k in path.read_text(encoding="utf-8") for k in keywords)
    ]
    assert offenders == []
