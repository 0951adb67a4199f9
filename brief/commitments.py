"""The brief's 承诺事项 part: red/yellow counts per commitment and the red items, in the brief's
region, read through the same scoped queries as the dashboard and the CLI.

`gather_commitments` returns a `Commitments` that `brief.model.Brief` carries; the PDF and Excel
renderers show the first `limit` red items and say "及其他 N 项" for the rest.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import duckdb

from warehouse import reads

MAX_RED = 8  # red items listed on the one page; the count of the rest is stated


@dataclass(frozen=True)
class CommitmentLine:
    """One commitment (a rule): its items at each light and what is outstanding / overdue."""

    rule_id: str
    commitment: str
    source: str | None
    red: int
    yellow: int
    green: int
    outstanding_yuan: Decimal | None
    overdue_yuan: Decimal | None
    disputed_items: int


@dataclass(frozen=True)
class RedItem:
    """A red item: where, what, who answers for it, by when, why."""

    region_name: str
    commitment: str
    subject: str
    lead_unit: str | None
    deadline: date | None
    reasons: str


@dataclass(frozen=True)
class Commitments:
    """The brief's commitments section."""

    lines: tuple[CommitmentLine, ...] = ()
    red_items: tuple[RedItem, ...] = ()  # the first `limit` red items, worst rule first

    @property
    def red_total(self) -> int:
        return sum(c.red for c in self.lines)

    @property
    def yellow_total(self) -> int:
        return sum(c.yellow for c in self.lines)

    def more_text(self) -> str:
        """Return '及其他 N 项' when red items were left out, else ''."""
        more = self.red_total - len(self.red_items)
        return f"及其他 {more} 项" if more > 0 else ""

    def headline(self) -> str:
        """Return the summary sentence of the section."""
        if not self.lines:
            return "承诺事项：暂无评估结果。"
        worst = max(self.lines, key=lambda c: (c.red, c.yellow))
        most = f"；红灯最多：{worst.commitment}（{worst.red} 项）" if worst.red else ""
        return (
            f"承诺事项：{len(self.lines)} 项承诺中红灯 {self.red_total}、"
            f"黄灯 {self.yellow_total}{most}。"
        )


def gather_commitments(
    con: duckdb.DuckDBPyConnection, region: str | None, limit: int = MAX_RED
) -> Commitments:
    """Return the commitments section for `region` (None: everything)."""
    lines = tuple(
        CommitmentLine(
            **{k: r[k] for k in CommitmentLine.__dataclass_fields__ if k != "commitment"},
            commitment=r["commitment"] or r["rule_id"],
        )
        for r in reads.query_commitment_summary(con, region, "rule").iter_rows(named=True)
    )
    red = reads.query_commitments(con, region, level="red", limit=limit)
    items = tuple(
        RedItem(
            region_name=r["region_name"] or r["region_code"],
            commitment=r["commitment"] or r["rule_id"],
            subject=r["subject"],
            lead_unit=r["lead_unit"],
            deadline=r["deadline"],
            reasons="；".join(r["reasons"] or []),
        )
        for r in red.iter_rows(named=True)
    )
    return Commitments(lines=lines, red_items=items)


NO_COMMITMENTS = Commitments()  # a brief built without commitment findings
