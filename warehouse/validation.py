"""Builds the one SQL statement that parses, resolves and checks a part's rows.

The result (kept as the temp table `parsed`, or inserted straight into its table on the CSV fast
path) is one row per source row with its typed fields, a
`skip_reason` for total rows, an `errors` list of {column, message}, and the raw row for
quarantine. Identifiers come from the dataset declarations; every value from a file is bound.
"""

import re
from typing import Any

from warehouse import rejects
from warehouse.datasets import Dataset, Field
from warehouse.staging import ArrowSource, CsvSource, Part

TOTAL_PATTERN = r"^(合计|总计|小计|总合计|.+小计|.+合计)$"
TYPE_WORDS = {
    "date": "日期",
    "month": "月份",
    "money": "金额",
    "count": "人数",
    "number": "数值",
}


def _parse(f: Field, raw: str, is_constant: bool, multiplier: int = 1, typed: bool = False) -> str:
    if is_constant:
        return {"date": f"{raw}::DATE", "month": f"{raw}::DATE"}.get(f.type, raw)
    if typed:  # DuckDB's CSV reader already parsed it
        return _money(raw, multiplier) if f.type == "money" else raw
    return {
        "text": raw,
        "region": raw,
        "date": f"pm_date({raw})",
        # pm_month leaves a full date ('2022-08-31') as it is: truncate whatever it returns
        "month": f"date_trunc('month', COALESCE(pm_month({raw}), pm_date({raw})))::DATE",
        "money": _money(f"pm_number({raw})", multiplier),
        "count": f"pm_number({raw})",
        "number": f"COALESCE(pm_number({raw}), pm_percent({raw}))",
    }[f.type]


def _money(number: str, multiplier: int) -> str:
    # 18 digits keep DuckDB's fast 64-bit decimals. An amount of 1万亿元 or more in one row
    # would overflow them when scaled from 万元, so it becomes NULL (a quarantined value)
    # instead of an error. The multiplier is a trusted int literal.
    if multiplier == 1:
        return f"TRY_CAST({number} AS DECIMAL(18, 2))"
    limit = 10**12 // int(multiplier)
    return (
        f"CASE WHEN abs({number}) < {limit} "
        f"THEN TRY_CAST({number} * {int(multiplier)} AS DECIMAL(18, 2)) END"
    )


def _error(condition: str, column_param: str, message_sql: str) -> tuple[str, str]:
    """Return (condition, the {column, message} struct it yields when true)."""
    struct = f"{{'column': {column_param}, 'message': {message_sql}}}"
    return condition, f"CASE WHEN {condition} THEN {struct} END"


def _errors_sql(errors: list[tuple[str, str]]) -> str:
    # Build the list only for rows with a problem: most rows have none, and lists are costly.
    if not errors:
        return 'NULL::STRUCT("column" VARCHAR, message VARCHAR)[]'
    anything = " OR ".join(f"coalesce({condition}, FALSE)" for condition, _ in errors)
    structs = ", ".join(struct for _, struct in errors)
    return f"CASE WHEN {anything} THEN list_filter([{structs}], lambda e: e IS NOT NULL) END"


def _field_errors(f: Field, label: str) -> list[tuple[str, str]]:
    raw = f"{f.name}__raw"
    out = []
    if f.required:
        out.append(_error(f"{raw} IS NULL", label, f"'缺少「' || {label} || '」'"))
    if f.type == "region":
        out.append(
            _error(
                f"{raw} IS NOT NULL AND region_code IS NULL",
                label,
                f"CASE WHEN region_candidates > 1 THEN '地区「' || {raw} || "
                "'」对应多个行政区划，请在地区别名表中指定' "
                f"ELSE '未知地区「' || {raw} || '」：不在行政区划代码表或地区别名表中' END",
            )
        )
    elif f.type in TYPE_WORDS:
        word = TYPE_WORDS[f.type]
        out.append(
            _error(
                f"{raw} IS NOT NULL AND {f.name} IS NULL",
                label,
                f"'「' || {label} || '」的值“' || {raw} || '”不是有效的{word}'",
            )
        )
    if f.type == "money":
        out.append(
            _error(f"{f.name} < 0", label, f"'「' || {label} || '」为负数：' || {raw}::VARCHAR")
        )
    if f.type == "count":
        out.append(
            _error(
                f"{f.name} < 0 OR {f.name} <> floor({f.name})",
                label,
                f"'「' || {label} || '」应为非负整数：' || {raw}::VARCHAR",
            )
        )
    return out


def _label(part: Part, name: str) -> str:
    """SQL for the column name an error reports: the file's header, or a per-row label."""
    if name in part.row_labels:
        return f"coalesce(c{part.row_labels[name]}, $label_{name})"
    return f"$label_{name}"


CSV_TYPES = {"date": "DATE", "money": "DECIMAL(18, 6)", "count": "DECIMAL(18, 6)"}
NULL_TEXTS = ["", "-", "—", "－", "--", "/"]


def csv_types(dataset: Dataset, part: Part) -> dict[int, str]:
    """Column index → the type DuckDB's CSV reader parses it as on the fast path."""
    types = {}
    for f in dataset.fields:
        if f.name in part.columns and f.type in CSV_TYPES:
            types[part.columns[f.name]] = CSV_TYPES[f.type]
    return types


def _source_sql(part: Part, types: dict[int, str], numbered: bool) -> str:
    n = len(part.headers)
    if isinstance(part.source, CsvSource):
        columns = "{" + ", ".join(f"'c{i}': '{types.get(i, 'VARCHAR')}'" for i in range(n)) + "}"
        # row_number() makes DuckDB read on one thread: only number rows when they are needed
        number = "row_number() OVER () + $header_line" if numbered else "NULL::BIGINT"
        return (
            f"SELECT {number} AS source_row, * FROM read_csv("
            "$csv_path, header = false, skip = $header_line, auto_detect = false, "
            "delim = ',', quote = '\"', escape = '\"', nullstr = $null_texts, "
            f"columns = {columns}, store_rejects = true, rejects_table = 'pm_rejects', "
            "rejects_scan = 'pm_reject_scans')"
        )
    assert isinstance(part.source, ArrowSource)
    return "SELECT * FROM pm_arrow_source"


def build(
    dataset: Dataset,
    part: Part,
    context: dict[str, Any],
    *,
    fast: bool = False,
    numbered: bool = True,
) -> tuple[str, dict[str, Any]]:
    """Return the SELECT that parses, resolves and checks `part`, and its bound parameters.

    `context` holds file-level values derived columns may use ($file_name, $published_on).
    With `fast`, DuckDB's CSV reader parses dates and numbers itself and rejects the lines it
    cannot cast (they are then staged leniently, see loads); otherwise every cell is read as
    text and parsed here, accepting Chinese dates, thousands separators and the like. Without
    `numbered`, CSV rows get no source_row (it costs DuckDB its parallel read).
    """
    params: dict[str, Any] = dict(context)
    types = csv_types(dataset, part) if fast and isinstance(part.source, CsvSource) else {}
    if isinstance(part.source, CsvSource):
        params.update(
            csv_path=part.source.path, header_line=part.source.header_line, null_texts=NULL_TEXTS
        )
    typed, errors = [], []
    for f in dataset.fields:
        is_constant = f.name in part.constants
        is_typed = False
        if is_constant:
            raw = f"$const_{f.name}"
            params[f"const_{f.name}"] = part.constants[f.name]
            params[f"label_{f.name}"] = f.label
        elif f.name in part.columns:
            index = part.columns[f.name]
            raw = f"k{index}"
            is_typed = index in types
            params[f"label_{f.name}"] = part.headers[index] or f.label
            errors += _field_errors(f, _label(part, f.name))
        else:
            raw = "NULL"
            params[f"label_{f.name}"] = f.label
            errors += _field_errors(f, _label(part, f.name))
        multiplier = int(part.constants.get(f"mult_{f.name}", 1))
        typed.append(f"{raw} AS {f.name}__raw")  # typed on the fast path: cast only in messages
        typed.append(f"{_parse(f, raw, is_constant, multiplier, is_typed)} AS {f.name}")
    for check in dataset.checks:
        label = _label(part, check.column)
        errors.append(_error(f"coalesce({check.condition}, FALSE)", label, f"'{check.message}'"))
    derived = "".join(f", {sql} AS {name}" for name, sql in dataset.derived.items())
    keyed = (
        "keyed AS (SELECT *, NULL::BIGINT AS key_count, NULL::BIGINT AS key_first, "
        "NULL::BIGINT AS key_last FROM resolved)"
    )
    if dataset.key:
        key = ", ".join(dataset.key)
        present = " AND ".join(f"{k} IS NOT NULL" for k in dataset.key)
        same = " AND ".join(f"r.{k} = d.{k}" for k in dataset.key)
        # an aggregate of the duplicated keys only, joined back: a window over one-row
        # partitions costs far more when nearly every key is unique
        keyed = (
            f"dups AS (SELECT {key}, count(*) AS key_count, min(source_row) AS key_first, "
            f"max(source_row) AS key_last FROM resolved WHERE {present} AND NOT is_total "
            f"GROUP BY {key} HAVING count(*) > 1), "
            f"keyed AS (SELECT r.*, d.key_count, d.key_first, d.key_last FROM resolved r "
            f"LEFT JOIN dups d ON {same} AND NOT r.is_total)"
        )
        key_field = (
            dataset.key[0].removesuffix("_code")
            if dataset.key[0] == "region_code"
            else dataset.key[0]
        )
        errors.append(
            _error(
                "key_count > 1",
                _label(part, key_field),
                "'与第 ' || CASE WHEN source_row = key_first THEN key_last ELSE key_first END "
                "|| ' 行重复' || CASE WHEN key_count > 2 THEN '（共 ' || key_count || ' 行相同）' "
                "ELSE '' END || '，同一记录出现多次，均未导入'",
            )
        )
    marker_cols = [f"coalesce(k{i}, '')" for i in part.markers if i not in types] or ["''"]
    is_blank, is_note = "FALSE", "FALSE"
    if part.notes:  # a blank row is no row at all; a lone 注：… in the first column is a note
        width = len(part.headers)
        others = ", ".join(f"pm_clean(c{i})" for i in range(1, width)) or "NULL"
        is_blank = f"coalesce(pm_clean(c0), {others}) IS NULL"
        params["note_pattern"] = rejects.FOOTER_PATTERN
        is_note = (
            f"(regexp_matches(coalesce(c0, ''), $note_pattern) AND coalesce({others}) IS NULL)"
        )
    params["total_pattern"] = TOTAL_PATTERN
    is_total = " OR ".join(f"regexp_full_match({c}, $total_pattern)" for c in marker_cols)
    if part.headers and not part.has_raw_row:
        pairs = ", ".join(f"$header_{i}, c{i}" for i in range(len(part.headers)))
        params.update({f"header_{i}": h or f"列{i + 1}" for i, h in enumerate(part.headers)})
        raw_row = f"json_object({pairs})::VARCHAR"
    else:
        raw_row = "raw_row"
    used = sorted(set(part.columns.values()) | set(part.markers))
    if fast and isinstance(part.source, CsvSource):
        # The reader made blanks and dashes NULL; text is kept exactly as read, because every
        # string DuckDB has to rebuild costs it dearly when the row is stored.
        clean = {i: f"c{i}" for i in used}
    else:
        clean = {i: f"pm_clean(c{i})" for i in used}
    cleaned = ", ".join(f"{sql} AS k{i}" for i, sql in clean.items()) or "NULL AS k_none"
    region_field = next((f for f in dataset.fields if f.type == "region"), None)
    region_join = (
        f"LEFT JOIN region_lookup rl ON rl.name = typed.{region_field.name}__raw"
        if region_field
        else "LEFT JOIN (SELECT NULL AS region_code, 0 AS candidates) rl ON FALSE"
    )
    region_name = f"{region_field.name}__raw AS region_name, " if region_field else ""
    outputs = ["source_row", "region_code"] + (["region_name"] if region_field else [])
    outputs += [f.name for f in dataset.fields] + list(dataset.derived)
    sql = f"""
        WITH src AS ({_source_sql(part, types, numbered)}),
        cleaned AS (SELECT *, {cleaned} FROM src),
        typed AS (
            SELECT cleaned.*, ({is_total}) AS is_total, {is_blank} AS is_blank,
                   {is_note} AS is_note, {", ".join(typed)} FROM cleaned
        ),
        resolved AS {"MATERIALIZED " if dataset.key else ""}(
            SELECT typed.*, {region_name}rl.region_code,
                   coalesce(rl.candidates, 0) AS region_candidates{derived}
            FROM typed {region_join}
        ),
        {keyed},
        checked AS (
            SELECT *,
                   CASE WHEN is_note THEN '注释行' WHEN is_total THEN '合计/小计行' END
                       AS skip_reason,
                   {_errors_sql(errors)} AS errors
            FROM keyed
        )
        SELECT {", ".join(outputs)}, skip_reason, errors,
               skip_reason IS NULL AND errors IS NULL AS ok,
               CASE WHEN skip_reason IS NULL AND errors IS NOT NULL THEN {raw_row} END
                   AS quarantine_raw
        FROM checked
        WHERE NOT is_blank
    """
    return sql, {k: v for k, v in params.items() if re.search(rf"\${k}\b", sql)}
