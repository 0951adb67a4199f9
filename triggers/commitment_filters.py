"""What a commitment rule reads from its ledger: the ledger, its columns in the documents' units,
and simple conditions on them (`where:`), validated against `triggers.frames.INPUTS`.

A rule names a column the way the documents speak: a money column `owed_fen` is `owed` in yuan,
a rate `fee_rate_bp` is `fee_rate` in percent; every other column by its own name. Values in a
rule are exact decimals and are converted to fen / hundredths exactly (a value finer than a fen
or a hundredth of a hundredth of a percent is an error, not rounded).
"""

from datetime import date
from decimal import Decimal
from typing import Literal

import polars as pl
from pydantic import BaseModel, ConfigDict, field_validator

from triggers.frames import INPUTS

# the ledgers a commitment may read (every input frame with regions), with the columns that
# name an item by default, whose item it is (party) and when it was met (done_on)
# and the money column an item is about (amount)
LEDGER_DEFAULTS: dict[str, dict] = {
    "arrears": {"item": ["debtor", "creditor"], "party": "debtor", "amount": "owed_fen"},
    "bond_issues": {"item": ["bond_code"], "party": None, "amount": "issued_fen"},
    "bond_readiness": {"item": ["project"], "party": "project_unit", "amount": "quota_fen"},
    "guarantees": {"item": ["guarantor", "borrower"], "party": "guarantor", "amount": "amount_fen"},
    "procurement": {"item": ["project"], "party": "purchaser", "amount": "budget_fen"},
    "funds": {"item": ["fund_code"], "party": "department", "amount": "received_fen"},
    "bonds": {"item": ["project"], "party": "project_unit", "amount": "quota_fen"},
}
DONE_ON = {"arrears": "repaid_on", "bond_issues": "issued_on", "bond_readiness": "tender_notice_on"}
# what the columns are called in reasons (the rule's names; others are shown as they are)
WORDS = {
    "owed": "欠款金额",
    "repaid": "已清偿金额",
    "issued": "发行金额",
    "quota": "债券额度",
    "tender_notice_on": "招标公告发布日期",
    "fee_rate": "担保费率",
    "amount": "担保金额",
    "budget": "采购预算",
    "sme_reserved": "面向中小企业预留金额",
}
LEDGERS = tuple(LEDGER_DEFAULTS)
OPS = ("<", "<=", "==", "!=", ">=", ">", "in", "is_null", "not_null")
Unit = Literal["yuan", "percent", "count"]


def columns(ledger: str) -> dict[str, tuple[str, str]]:
    """Return the names a rule may use for the ledger's columns → (frame column, unit).

    The unit is yuan (money in fen), percent (hundredths), date, text, bool or count.
    """
    out: dict[str, tuple[str, str]] = {}
    for name, dtype in INPUTS[ledger].items():
        if name.endswith("_fen"):
            out[name.removesuffix("_fen")] = (name, "yuan")
        elif name.endswith("_bp"):
            out[name.removesuffix("_bp")] = (name, "percent")
        elif dtype == pl.Date:
            out[name] = (name, "date")
        elif dtype == pl.Boolean:
            out[name] = (name, "bool")
        elif dtype == pl.Int64:
            out[name] = (name, "count")
        else:
            out[name] = (name, "text")
    return out


def check_ledger(value: str) -> str:
    if value not in LEDGER_DEFAULTS:
        raise ValueError(f"未知的台账 {value!r}；可用：{', '.join(LEDGERS)}")
    return value


def column_of(ledger: str, name: str, field: str, units: tuple[str, ...] = ()) -> tuple[str, str]:
    """Return (frame column, unit) of the rule's column name, or raise naming the field."""
    known = columns(ledger)
    if name not in known:
        raise ValueError(f"{field}: 台账 {ledger} 没有列 {name!r}；可用：{', '.join(known)}")
    if units and known[name][1] not in units:
        raise ValueError(
            f"{field}: 列 {name} 的单位是 {known[name][1]}，此处须为 {'/'.join(units)}"
        )
    return known[name]


def exact(value: object) -> object:
    """A YAML float's shortest repr is the decimal its author wrote."""
    return Decimal(repr(value)) if isinstance(value, float) else value


def scaled(value: Decimal, unit: str, field: str) -> int:
    """Return yuan in fen, percent in hundredths (exactly), a count as it is."""
    factor = {"yuan": 100, "percent": 100}.get(unit, 1)
    out = Decimal(value) * factor
    if out != out.to_integral_value():
        finest = {"yuan": "1 分", "percent": "0.01%"}.get(unit, "整数")
        raise ValueError(f"{field}: {value} 不能精确到{finest}")
    return int(out)


class Condition(BaseModel):
    """One condition of `where:` (`column op value`); its column is checked by the rule."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    column: str
    op: Literal["<", "<=", "==", "!=", ">=", ">", "in", "is_null", "not_null"]
    value: Decimal | date | bool | str | list[Decimal | date | str] | None = None

    @field_validator("value", mode="before")
    @classmethod
    def _exact(cls, value: object) -> object:
        if isinstance(value, list):
            return [exact(v) for v in value]
        return exact(value) if not isinstance(value, int | bool) else _int(value)


def _int(value: int | bool) -> object:
    return value if isinstance(value, bool) else Decimal(value)


def check_condition(ledger: str, cond: Condition, field: str) -> None:
    """Raise ValueError naming the field unless the condition fits its ledger's column."""
    _, unit = column_of(ledger, cond.column, f"{field}.column")
    field = f"{field}.value"
    if cond.op in ("is_null", "not_null"):
        if cond.value is not None:
            raise ValueError(f"{field}: {cond.op} 不带 value")
        return
    values = cond.value if isinstance(cond.value, list) else [cond.value]
    if cond.op == "in" and not isinstance(cond.value, list):
        raise ValueError(f"{field}: in 的 value 须为列表")
    if cond.op != "in" and isinstance(cond.value, list):
        raise ValueError(f"{field}: {cond.op} 的 value 不能是列表")
    wanted = {
        "yuan": Decimal,
        "percent": Decimal,
        "count": Decimal,
        "date": date,
        "bool": bool,
        "text": str,
    }[unit]
    for v in values:
        if not isinstance(v, wanted) or (wanted is Decimal and isinstance(v, bool)):
            raise ValueError(f"{field}: 列 {cond.column} 须与 {unit} 比较，收到 {v!r}")
        if wanted is Decimal:
            scaled(v, unit, field)
    if unit in ("bool", "text") and cond.op not in ("==", "!=", "in"):
        raise ValueError(
            f"{field.removesuffix('.value')}.op: 列 {cond.column} 只能用 ==、!=、in 比较"
        )


def condition_expr(ledger: str, cond: Condition) -> pl.Expr:
    """Return the condition as a polars filter on the ledger's frame columns (null → false)."""
    name, unit = columns(ledger)[cond.column]
    col = pl.col(name)
    if cond.op == "is_null":
        return col.is_null()
    if cond.op == "not_null":
        return col.is_not_null()

    def lit(v):
        return scaled(v, unit, "") if isinstance(v, Decimal) else v

    if cond.op == "in":
        return col.is_in([lit(v) for v in cond.value]).fill_null(False)
    value = pl.lit(lit(cond.value))
    compare = {
        "<": col < value,
        "<=": col <= value,
        "==": col == value,
        "!=": col != value,
        ">=": col >= value,
        ">": col > value,
    }[cond.op]
    return compare.fill_null(False)


def wan(fen: pl.Expr) -> pl.Expr:
    """Return fen as 万元 text with two decimals, half-up, exactly (1,078,540 yuan → 107.85)."""
    sign = pl.when(fen < 0).then(pl.lit("-")).otherwise(pl.lit(""))
    hundredths = (fen.abs().cast(pl.Int64) + 5_000) // 10_000
    return pl.format(
        "{}{}.{}", sign, hundredths // 100, (hundredths % 100).cast(pl.String).str.zfill(2)
    )


def word(name: str) -> str:
    """Return what the rule's column `name` is called in reasons."""
    return WORDS.get(name, name)


def ledger_rows(rule, frames: dict) -> pl.LazyFrame:
    """Return the rows of the rule's ledger in its jurisdiction that meet its `where:`."""
    from triggers.jurisdictions import covers

    frame = frames[rule.ledger].filter(covers(rule.jurisdiction))
    for cond in rule.where:
        frame = frame.filter(condition_expr(rule.ledger, cond))
    return frame


def identity(rule, as_of) -> dict[str, pl.Expr]:
    """Return the columns every item of the rule carries (who answers for it, its document; the
    evaluation date, not the ledger snapshot's)."""
    return {
        "as_of": pl.lit(as_of, dtype=pl.Date),
        "rule_id": pl.lit(rule.id),
        "kind": pl.lit(rule.kind),
        "commitment": pl.lit(rule.title),
        "source": pl.lit(rule.source),
        "lead_unit": pl.lit(rule.lead_units[0]),
        "responsible_units": pl.lit(list(rule.responsible_units), dtype=pl.List(pl.String)),
    }


def per_row(rule, frame: pl.LazyFrame) -> pl.LazyFrame:
    """Add `item` (the item columns joined by '/', '#2' … on a repeat within a region),
    `subject` (joined by ' → ') and `party`."""
    parts = [pl.col(c).cast(pl.String).fill_null("—") for c in rule.item_columns()]
    key = pl.concat_str(parts, separator="/")
    party = rule.party_column()
    frame = frame.with_columns(
        _key=key,
        subject=pl.concat_str(parts, separator=" → "),
        party=pl.col(columns(rule.ledger)[party][0]) if party else pl.lit(None, pl.String),
    ).with_columns(_n=pl.int_range(pl.len()).over("region_code", "_key"))
    item = pl.when(pl.col("_n") == 0).then(pl.col("_key"))
    item = item.otherwise(pl.format("{}#{}", pl.col("_key"), pl.col("_n") + 1))
    return frame.with_columns(item=item).drop("_key", "_n")


def fen_decimal(fen: pl.Expr) -> pl.Expr:
    """Return integer fen as exact yuan (Decimal(38, 4))."""
    return fen.cast(pl.Decimal(38, 4)) / pl.lit(100).cast(pl.Decimal(38, 4))


def percent_e4(num: pl.Expr, den: pl.Expr) -> pl.Expr:
    """Return num ÷ den in percent, truncated to 4 decimals (39.99999 % stays below 40 %);
    null when den is not positive."""
    e4 = num.cast(pl.Int128) * 1_000_000 // den.cast(pl.Int128)
    scale = pl.lit(10_000).cast(pl.Decimal(38, 4))
    return pl.when(den > 0).then(e4.cast(pl.Int64).cast(pl.Decimal(38, 4)) / scale)


def decimal_text(value: pl.Expr) -> pl.Expr:
    """Return a decimal as text without trailing zeros (40.0000 → 40, 0.8100 → 0.81)."""
    text = value.cast(pl.String)
    return pl.when(text.str.contains(r"\.")).then(text.str.replace(r"\.?0+$", "")).otherwise(text)
