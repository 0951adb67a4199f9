"""Every setting is documented in the README's settings table with its default."""

from pathlib import Path

import pytest

from appstate.settings import AppStateSettings
from dashboard.settings import DashboardSettings
from flows.notify import NotifySettings
from flows.settings import FlowSettings
from warehouse.settings import WarehouseSettings

README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
SETTINGS = [WarehouseSettings, AppStateSettings, FlowSettings, NotifySettings, DashboardSettings]


@pytest.mark.parametrize(
    ("name", "field"),
    [(name, field) for cls in SETTINGS for name, field in cls.model_fields.items()],
)
def test_setting_is_in_the_readme_table(name, field):
    variable = f"`POLICY_MONITOR_{name.upper()}`"
    line = next((row for row in README.splitlines() if row.startswith(f"| {variable}")), None)
    assert line, f"{variable} is missing from the README settings table"
    assert field.description, f"{name} has no description"
    default = "(none)" if field.default is None else f"`{field.default}`"
    assert default in line
