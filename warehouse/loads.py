"""Loads one planned file into the warehouse in a single transaction, and accounts for every row."""

import csv
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path
from time import perf_counter
from typing import Any

import duckdb

from warehouse import regions, validation
from warehouse.datasets import DATASETS
from warehouse.staging import ArrowSource, CsvSource, Part, Plan, arrow_text_table

MAX_REPORTED_ERRORS = 1000
# Note lines under a table ('注：…', '数据来源：…') are accounted as skipped, not as bad rows.
FOOTER_PREFIXES = ("注", "数据来源", "说明", "备注：", "填报", "制表", "审核", "资料来源")
_FOOTER_PATTERN = r'^"?\s*(' + "|".join(FOOTER_PREFIXES) + ")"


@dataclass
class Account:
    """What happened to one file: the row counts that must add up, and the errors by row."""

    file: str
    kind: str
    sha256: str
    status: str  # loaded | partial | rejected | duplicate
    layout: str | None = None
    ingest_id: int | None = None
    rows_read: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    rows_skipped: int = 0
    rows_unchanged: int = 0
    as_of: str | None = None
    period: str | None = None
    errors: list[dict[str, Any]] = field(default_factory=list)
    errors_total: int = 0
    warnings: list[str] = field(default_factory=list)
    message: str | None = None
    duration_ms: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def find_ingest(con: duckdb.DuckDBPyConnection, sha256: str) -> dict[str, Any] | None:
    """Return the earlier ingest of a file with this sha256, if any."""
    row = con.execute(
        "SELECT ingest_id, file_name, finished_at FROM ingests WHERE sha256 = ?", [sha256]
    ).fetchone()
    return None if row is None else {"ingest_id": row[0], "file": row[1], "at": row[2]}


def _iso(value: Any) -> str | None:
    return value.isoformat() if isinstance(value, date) else value


def _stage(con: duckdb.DuckDBPyConnection, part: Part, context: dict[str, Any]) -> bool:
    """Create temp table `parsed` for `part` (and `pm_bad_lines` for CSV lines DuckDB could not
    read); return True if some lines could not be split into columns.

    A CSV is first read on the fast path, DuckDB parsing dates and numbers itself. Lines it
    cannot cast (a Chinese date, a thousands separator, a 合计 row) are staged again leniently
    from their text; for a dataset with a key the whole file is, so duplicates are seen.
    """
    dataset = DATASETS[part.dataset]
    if not isinstance(part.source, CsvSource):
        sql, params = validation.build(dataset, part, context)
        con.register("pm_arrow_source", part.source.table)
        try:
            con.execute(sql, params)
        finally:
            con.unregister("pm_arrow_source")
        return False
    con.execute(*validation.build(dataset, part, context, fast=True))
    _collect_bad_lines(con)
    cast_lines = con.execute("SELECT line, csv_line FROM pm_bad_lines WHERE is_cast").fetchall()
    if cast_lines and dataset.key:
        con.execute(*validation.build(dataset, part, context))
        _collect_bad_lines(con)
    elif cast_lines:
        _renumber_after_rejects(con, part.source.header_line)
        _stage_lenient(con, part, context, cast_lines)
        con.execute("DELETE FROM pm_bad_lines WHERE is_cast")
        return bool(con.execute("SELECT count(*) FROM pm_bad_lines").fetchone()[0])
    if not con.execute("SELECT count(*) FROM pm_bad_lines").fetchone()[0]:
        return False
    _renumber_after_rejects(con, part.source.header_line)
    return True


def _collect_bad_lines(con: duckdb.DuckDBPyConnection) -> None:
    # One row per rejected line; an unterminated quote swallows every line after it, and each
    # of those is counted so that nothing read goes unaccounted.
    con.execute(
        "CREATE OR REPLACE TEMP TABLE pm_bad_lines AS "
        "SELECT *, len(string_split(csv_line, chr(10))) AS spanned, "
        "       regexp_matches(csv_line, $footer) AS is_footer "
        "FROM (SELECT line, arg_min(error_type, column_idx) AS error_type, "
        "             arg_min(error_message, column_idx) AS error_message, "
        "             trim(arg_min(csv_line, column_idx), chr(10) || chr(13)) AS csv_line, "
        "             bool_and(error_type = 'CAST') AS is_cast "
        "      FROM pm_rejects WHERE scan_id = (SELECT max(scan_id) FROM pm_reject_scans) "
        "      GROUP BY line)",
        {"footer": _FOOTER_PATTERN},
    )


def _stage_lenient(con, part: Part, context: dict[str, Any], lines: list[tuple]) -> None:
    """Parse the text of lines the fast path could not cast, and add them to `parsed`."""
    width = len(part.headers)
    cells = [next(csv.reader([text]), []) for _, text in lines]
    columns = [[(row[i] if i < len(row) else None) for row in cells] for i in range(width)]
    lenient = replace(part, source=ArrowSource(arrow_text_table(columns, [n for n, _ in lines])))
    sql, params = validation.build(DATASETS[part.dataset], lenient, context, table="parsed_lenient")
    con.register("pm_arrow_source", lenient.source.table)
    try:
        con.execute(sql, params)
    finally:
        con.unregister("pm_arrow_source")
    con.execute("INSERT INTO parsed BY NAME SELECT * FROM parsed_lenient")


def _renumber_after_rejects(con: duckdb.DuckDBPyConnection, header_line: int) -> None:
    # Rows the CSV reader rejected are missing from the row_number() sequence; shift the rows
    # after each rejected line so source_row is the file's own line number again.
    con.execute(
        "CREATE OR REPLACE TEMP TABLE pm_shift AS "
        "SELECT line - $h - row_number() OVER (ORDER BY line) + 1 AS first_k, "
        "       row_number() OVER (ORDER BY line) AS shift "
        "FROM pm_bad_lines",
        {"h": header_line},
    )
    con.execute(
        "UPDATE parsed SET source_row = parsed.source_row + s.shift "
        "FROM (SELECT p.source_row AS old_row, max(s.shift) AS shift "
        "      FROM parsed p JOIN pm_shift s ON s.first_k <= p.source_row - $h "
        "      GROUP BY p.source_row) s "
        "WHERE parsed.source_row = s.old_row",
        {"h": header_line},
    )


def _insert_rows(con, part: Part, ingest_id: int) -> int:
    dataset = DATASETS[part.dataset]
    columns = ", ".join(dataset.insert)
    vintage = ""
    if dataset.vintage_key:
        same = " AND ".join(f"c.{k} = p.{k}" for k in dataset.vintage_key)
        vintage = (
            f"AND NOT EXISTS (SELECT 1 FROM cpi_current c WHERE {same} "
            "AND c.value_pct = p.value_pct)"
        )
    return con.execute(
        f"INSERT INTO {dataset.table} (ingest_id, {columns}) "
        f"SELECT $ingest_id, {columns} FROM parsed p "
        f"WHERE ok {vintage}",
        {"ingest_id": ingest_id},
    ).fetchone()[0]


def _quarantine_rows(con, ingest_id: int, file_name: str, bad_lines: bool) -> None:
    con.execute(
        """
        INSERT INTO quarantine
        SELECT $id, $file, source_row, e.column, e.message, quarantine_raw
        FROM (SELECT source_row, quarantine_raw, unnest(errors) AS e
              FROM parsed WHERE skip_reason IS NULL AND errors IS NOT NULL)
        """,
        {"id": ingest_id, "file": file_name},
    )
    if bad_lines:
        con.execute(
            """
            INSERT INTO quarantine
            SELECT $id, $file, line, NULL,
                   CASE error_type
                        WHEN 'MISSING COLUMNS' THEN '列数不足：' || error_message
                        WHEN 'TOO MANY COLUMNS' THEN '列数过多：' || error_message
                        WHEN 'INVALID ENCODING' THEN '含有无法识别的字符（编码错误）'
                        WHEN 'UNQUOTED VALUE' THEN '引号未闭合：从本行到文件末尾共 ' || spanned
                             || ' 行无法读取'
                        ELSE 'CSV 格式错误：' || error_message END,
                   csv_line
            FROM pm_bad_lines WHERE NOT is_footer
            """,
            {"id": ingest_id, "file": file_name},
        )


def _count(con, bad_lines: bool) -> tuple[int, int, int]:
    """Return (read, skipped, quarantined) for the staged part."""
    total, skipped, bad = con.execute(
        "SELECT count(*), count(*) FILTER (skip_reason IS NOT NULL), "
        "count(*) FILTER (skip_reason IS NULL AND errors IS NOT NULL) FROM parsed"
    ).fetchone()
    if bad_lines:
        lines, footers = con.execute(
            "SELECT sum(spanned)::BIGINT, count(*) FILTER (is_footer) FROM pm_bad_lines"
        ).fetchone()
        return total + lines, skipped + footers, bad + lines - footers
    return total, skipped, bad


def load_plan(
    con: duckdb.DuckDBPyConnection,
    plan: Plan,
    *,
    path: Path,
    sha256: str,
    home_region: str,
    published_on: date | None = None,
) -> Account:
    """Load every part of `plan` in one transaction and record the ingest; return its account."""
    started, clock = datetime.now(UTC), perf_counter()
    account = Account(
        file=path.name,
        kind=plan.kind,
        sha256=sha256,
        status="loaded",
        layout=plan.layout,
        as_of=_iso(plan.as_of),
        period=_iso(plan.period),
        warnings=list(plan.warnings),
    )
    con.begin()
    try:
        regions.build_lookup(con, home_region)
        ingest_id = con.execute("SELECT nextval('ingest_id_seq')").fetchone()[0]
        context = {"file_name": path.name, "published_on": published_on}
        for part in plan.parts:
            bad_lines = _stage(con, part, context)
            read, skipped, bad = _count(con, bad_lines)
            inserted = _insert_rows(con, part, ingest_id)
            _quarantine_rows(con, ingest_id, path.name, bad_lines)
            good = read - skipped - bad
            account.rows_read += read + len(part.skipped)
            account.rows_skipped += skipped + len(part.skipped)
            account.rows_quarantined += bad
            account.rows_loaded += good
            account.rows_unchanged += good - inserted
        account.ingest_id = ingest_id
        account.status = "partial" if account.rows_quarantined else "loaded"
        account.errors_total = con.execute(
            "SELECT count(*) FROM quarantine WHERE ingest_id = ?", [ingest_id]
        ).fetchone()[0]
        account.errors = [
            {"row": row, "column": column, "message": message}
            for row, column, message in con.execute(
                "SELECT source_row, column_name, reason FROM quarantine WHERE ingest_id = ? "
                "ORDER BY source_row, column_name LIMIT ?",
                [ingest_id, MAX_REPORTED_ERRORS],
            ).fetchall()
        ]
        account.duration_ms = int((perf_counter() - clock) * 1000)
        con.execute(
            "INSERT INTO ingests VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                ingest_id,
                plan.kind,
                plan.layout,
                path.name,
                str(path.resolve()),
                sha256,
                account.status,
                account.rows_read,
                account.rows_loaded,
                account.rows_quarantined,
                account.rows_skipped,
                account.rows_unchanged,
                plan.as_of,
                plan.period,
                account.warnings,
                started,
                datetime.now(UTC),
                account.duration_ms,
            ],
        )
        con.commit()
    except BaseException:
        con.rollback()
        raise
    return account
