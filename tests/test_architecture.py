"""House rules: imports point one way, triggers stay pure, modules stay small."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
PACKAGES = (
    "flows",
    "warehouse",
    "triggers",
    "dashboard",
    "policy_monitor",
    "appstate",
    "brief",
    "samples",
)
OURS = set(PACKAGES)
# package → packages it must never import. The arrows: policy_monitor (CLI, Python API) → all;
# flows → triggers, warehouse, appstate, samples; dashboard → warehouse, appstate, triggers' pure
# domain helpers; brief → warehouse and triggers' words (vocabulary, wording), not dashboard; warehouse → appstate (queued actions) and triggers (the pure
# alert state machine and vocabulary it stores by); triggers, appstate and samples → nothing of ours.
FORBIDDEN = {
    "warehouse": OURS - {"warehouse", "appstate", "triggers"},
    "triggers": OURS - {"triggers"} | {"prefect", "dash", "duckdb"},
    "appstate": OURS - {"appstate"} | {"duckdb", "prefect", "dash"},
    "samples": OURS - {"samples"},
    "dashboard": {"flows", "policy_monitor", "brief", "samples"},
    "brief": {"flows", "policy_monitor", "samples", "dashboard"},
    "flows": {"dashboard", "policy_monitor", "brief"},
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
    # appstate keeps its own SQLite database (users, queued actions); DuckDB SQL is warehouse's
    keywords = ("SELECT ", "INSERT INTO", "CREATE TABLE", "UPDATE ")
    offenders = [
        str(path.relative_to(ROOT))
        for package in ("flows", "dashboard", "triggers", "policy_monitor", "brief", "samples")
        for path in (ROOT / package).rglob("*.py")
        if any(k in path.read_text(encoding="utf-8") for k in keywords)
    ]
    assert offenders == []


def test_commands_do_not_pay_for_what_they_do_not_use():
    """The CLI loads no heavy library to start; a flow loads no pandas (custom kinds load it)."""
    import subprocess
    import sys

    check = (
        "import sys, policy_monitor.cli; heavy = {'prefect', 'polars', 'duckdb', 'pandas', 'dash'}"
        "; assert not heavy & set(sys.modules), heavy & set(sys.modules)"
        "; import flows.ingest, flows.evaluate; assert 'pandas' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", check], check=True, cwd=ROOT)
