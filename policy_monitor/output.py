"""How the CLI prints findings: JSON (money as decimal strings in yuan, ISO dates) or text."""

import json
from datetime import date, datetime
from decimal import Decimal

import typer

from dashboard.format import LEVELS, STATUS, SUBSIDY

# the same words as the dashboard shows
LEVEL_WORDS = {level: word for level, (word, _) in LEVELS.items()}
STATUS_WORDS = STATUS
SUBSIDY_WORDS = SUBSIDY


def _plain(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"cannot print {type(value).__name__} as JSON")


def echo_json(rows) -> None:
    """Print rows as indented JSON with decimal strings and ISO dates."""
    typer.echo(json.dumps(rows, ensure_ascii=False, indent=2, default=_plain))


def wan(yuan: Decimal | None) -> str:
    """Return yuan as 万元 with two decimals ('—' for none)."""
    if yuan is None:
        return "—"
    return f"{(Decimal(yuan) / 10000).quantize(Decimal('0.01')):,} 万元"


def pct(rate: float | None) -> str:
    """Return a 0–1 rate as a percentage with one decimal."""
    return "—" if rate is None else f"{rate * 100:.1f}%"
