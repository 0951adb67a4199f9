"""Custom rule kinds: an analyst's Python module that grades commitment items in pandas.

The contract (docs/rules.md, "Custom rule kinds"; worked example
docs/examples/rules/guarantee_fee_cap.py). A module in the rules folder defines

- `KIND`: the kind's name (`guarantee_fee_cap`), lower case, not one of the built-in kinds;
- `INPUTS`: the names of the input frames it reads (`triggers.frames.INPUTS`: "guarantees" …);
- `Params` (optional): a pydantic model whose fields are the rule's own YAML fields, added to the
  commitment fields every rule has (`CommitmentBase`: id, title, source, jurisdiction, effective,
  lead_units, responsible_units, escalation …) and validated with them;
- `evaluate(rule, inputs, as_of) -> pandas.DataFrame`: `rule` is the validated rule, `inputs` maps
  each name of `INPUTS` to a pandas DataFrame of the rows under the rule's jurisdiction (dtypes:
  `triggers.pandas_frames`), `as_of` the evaluation `date`. It returns one graded item a row, in
  the columns of `triggers.commitment_findings.COMMITMENT_SCHEMA`.

`evaluate_custom` runs it: not called outside the rule's effective range (no findings); the
result must be a DataFrame of known columns, money and decimals never floats, and is completed
(rule_id, kind, commitment, source, lead_unit, responsible_units default to the rule's) and
checked by `conform`. Anything wrong raises `CustomKindError` naming the module, which the engine
records as the rule being unhealthy; the other rules still run. The findings are "commitments".
"""

from __future__ import annotations

import functools
import operator
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Annotated, ClassVar, Literal, get_args

import polars as pl
from pydantic import BaseModel, Field, create_model

from triggers.commitment_findings import COMMITMENT_SCHEMA, conform, empty_findings
from triggers.commitment_rules import CommitmentBase
from triggers.frames import INPUTS, check_frames, collect
from triggers.jurisdictions import covers, is_under

if TYPE_CHECKING:  # pandas (~2 s to import) only when a custom kind runs
    import pandas as pd

FINDINGS = "commitments"
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_EXACT = ("amount_fen", "done_fen", "target", "actual")  # integer fen, or Decimal: never float


class CustomKindError(ValueError):
    """A custom kind's module is unusable, or its `evaluate` failed or returned bad findings."""


class CustomRule(CommitmentBase):
    """The base of every custom kind's rule model; `custom_kind` says how it is evaluated."""

    custom_kind: ClassVar[CustomKind]


@dataclass(frozen=True)
class CustomKind:
    """A custom rule kind: its name, inputs, function, the file it came from, its rule model."""

    kind: str
    inputs: tuple[str, ...]
    evaluate: Callable[..., pd.DataFrame]
    file: str
    model: type[CustomRule]


def define_kind(module: object, file: str, built_in: set[str]) -> CustomKind:
    """Return the custom kind a loaded module defines, or raise CustomKindError saying why."""
    kind = getattr(module, "KIND", None)
    if not isinstance(kind, str) or not _NAME.fullmatch(kind):
        raise CustomKindError(
            f"{file}: KIND 须为小写英文名称（如 guarantee_fee_cap），实为 {kind!r}"
        )
    if kind in built_in:
        raise CustomKindError(f"{file}: KIND {kind!r} 与内置规则类型重名；请另取名称")
    evaluate = getattr(module, "evaluate", None)
    if not callable(evaluate):
        raise CustomKindError(f"{file}: 缺少函数 evaluate(rule, inputs, as_of)")
    inputs = getattr(module, "INPUTS", None)
    if isinstance(inputs, str) or not isinstance(inputs, tuple | list) or not inputs:
        raise CustomKindError(f"{file}: INPUTS 须为输入数据名称的元组，如 ('guarantees',)")
    unknown = [name for name in inputs if name not in INPUTS]
    if unknown:
        raise CustomKindError(
            f"{file}: INPUTS 中有未知的输入数据 {', '.join(map(repr, unknown))}；"
            f"可用：{', '.join(INPUTS)}"
        )
    params = getattr(module, "Params", None)
    bases: tuple[type, ...] = (CustomRule,)
    if params is not None:
        if not (isinstance(params, type) and issubclass(params, BaseModel)):
            raise CustomKindError(f"{file}: Params 须为 pydantic BaseModel 的子类")
        taken = sorted(set(params.model_fields) & (set(CustomRule.model_fields) | {"kind"}))
        if taken:
            raise CustomKindError(f"{file}: Params 的字段 {', '.join(taken)} 与通用规则字段重名")
        bases = (CustomRule, params)
    model = create_model(
        "".join(part.title() for part in kind.split("_")) + "Rule",
        __base__=bases,
        __module__=getattr(module, "__name__", __name__),
        kind=(Literal[kind], ...),
    )
    found = CustomKind(kind, tuple(inputs), evaluate, file, model)
    model.custom_kind = found
    return found


def built_in_kinds() -> set[str]:
    """Return the kinds of `triggers.rules.Rule` (a custom kind may not reuse one)."""
    from triggers.rules import Rule
    from triggers.vocabulary import RULE_KINDS

    members = get_args(get_args(Rule)[0])
    return {get_args(m.model_fields["kind"].annotation)[0] for m in members} | set(RULE_KINDS)


def rule_file(base: type[BaseModel], rule: object, kinds: tuple[CustomKind, ...]) -> type:
    """Return the rule-file model `base`, or one whose `rules` union also holds `kinds`' models."""
    if not kinds:
        return base
    members = get_args(get_args(rule)[0]) + tuple(k.model for k in kinds)
    union = Annotated[functools.reduce(operator.or_, members), Field(discriminator="kind")]
    return create_model(base.__name__, __base__=base, rules=(list[union], ...))


def is_custom(rule: object) -> bool:
    """Return whether `rule` is of a custom kind."""
    return isinstance(rule, CustomRule)


def evaluate_custom(rule: CustomRule, kind: CustomKind, frames: dict, as_of: date) -> pl.DataFrame:
    """Return the rule's findings (`COMMITMENT_SCHEMA`); raise CustomKindError if it fails."""
    from triggers.pandas_frames import to_pandas

    if not rule.effective.covers(as_of):
        return empty_findings()
    check_frames(frames, list(kind.inputs))
    inputs = {
        name: to_pandas(
            collect(frames[name].filter(covers(rule.jurisdiction)))
            if "region_code" in INPUTS[name]
            else collect(frames[name])
        )
        for name in kind.inputs
    }
    try:
        returned = kind.evaluate(rule, inputs, as_of)
    except Exception as exc:
        raise CustomKindError(
            f"{kind.file}{_line(exc, kind.file)}: {type(exc).__name__}: {exc}"
        ) from exc
    return findings_of(rule, kind, returned, as_of)


def _line(exc: BaseException, file: str) -> str:
    frame = exc.__traceback__
    line = None
    while frame is not None:
        if frame.tb_frame.f_code.co_filename == file:
            line = frame.tb_lineno
        frame = frame.tb_next
    return f" 第 {line} 行" if line else ""


def findings_of(rule: CustomRule, kind: CustomKind, returned: object, as_of: date) -> pl.DataFrame:
    """Return the pandas frame `returned` as conformed findings, or raise CustomKindError."""
    import pandas as pd

    from triggers.pandas_frames import is_float, to_polars

    where = f"{kind.file}: evaluate 的返回值"
    if not isinstance(returned, pd.DataFrame):
        raise CustomKindError(f"{where}应为 pandas.DataFrame，实为 {type(returned).__name__}")
    if returned.empty and not len(returned.columns):  # pd.DataFrame(): nothing to grade
        return empty_findings()
    names = [str(name) for name in returned.columns]
    problems = [f"未知的列 {name}" for name in names if name not in COMMITMENT_SCHEMA]
    if len(set(names)) < len(names):
        problems.append("列名重复")
    problems += [
        f"列 {name} 是浮点数（{returned[name].dtype}）：金额用整数分（Int64），"
        "target/actual 用 Decimal（见 yuan()、percent()）"
        for name in _EXACT
        if name in names and is_float(returned[name])
    ]
    if problems:
        raise CustomKindError(f"{where}有误：" + "；".join(problems))
    frame, problems = to_polars(returned)
    if problems:
        raise CustomKindError(f"{where}有误：" + "；".join(problems))
    for name, value in (("rule_id", rule.id), ("kind", rule.kind)):
        column = frame.get_column(name) if name in frame.columns else pl.Series([], dtype=str)
        if column.cast(pl.String).drop_nulls().ne(value).any():
            raise CustomKindError(f"{where}有误：列 {name} 只能是本规则的 {value}")
    try:
        out = conform(frame.with_columns(_defaults(rule, frame)), as_of)
    except (ValueError, pl.exceptions.PolarsError) as exc:
        raise CustomKindError(f"{where}有误：{exc}") from None
    outside = sorted({c for c in out["region_code"] if not is_under(c, rule.jurisdiction)})
    if outside:
        raise CustomKindError(
            f"{where}有误：地区 {', '.join(outside)} 不在规则辖区 {rule.jurisdiction} 内"
        )
    return out


def _defaults(rule: CustomRule, frame: pl.DataFrame) -> list[pl.Expr]:
    """Return the columns the rule itself knows, for those the module left out or null."""
    known = {
        "rule_id": pl.lit(rule.id),
        "kind": pl.lit(rule.kind),
        "commitment": pl.lit(rule.title),
        "source": pl.lit(rule.source),
        "lead_unit": pl.lit(rule.lead_units[0]),
        "responsible_units": pl.lit(rule.responsible_units, dtype=pl.List(pl.String)),
    }
    out = [
        (pl.col(name).fill_null(value) if name in frame.columns else value).alias(name)
        for name, value in known.items()
    ]
    if frame.schema.get("reasons") == pl.String:  # one reason as text: a list of one
        out.append(pl.concat_list(pl.col("reasons")).list.drop_nulls())
    return out


def __getattr__(name: str):
    # `from triggers.custom_kinds import yuan, percent` in an analyst's module: pandas loads then
    if name in ("percent", "yuan"):
        from triggers import pandas_frames

        return getattr(pandas_frames, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["CustomKind", "CustomKindError", "define_kind", "evaluate_custom"]  # + yuan, percent
