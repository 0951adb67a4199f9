"""CSV lines DuckDB's reader rejected: why, how many lines each spans, and fixing row numbers."""

import duckdb

# Note lines under a table ('注：…', '数据来源：…') are accounted as skipped, not as bad rows.
FOOTER_PREFIXES = ("注", "数据来源", "说明", "备注：", "填报", "制表", "审核", "资料来源")
FOOTER_PATTERN = r'^"?\s*(' + "|".join(FOOTER_PREFIXES) + ")"


def collect_bad_lines(con: duckdb.DuckDBPyConnection) -> int:
    """Create temp table `pm_bad_lines` from the last CSV scan's rejects; return its row count.

    One row per rejected line. `is_cast` lines only failed a date or number cast (they are staged
    again from their text); an unterminated quote swallows every line after it, and `spanned`
    counts those so that nothing read goes unaccounted.
    """
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
        {"footer": FOOTER_PATTERN},
    )
    return con.execute("SELECT count(*) FROM pm_bad_lines").fetchone()[0]


def renumber(con: duckdb.DuckDBPyConnection, table: str, header_line: int) -> None:
    """Shift `source_row` in `table` past the rejected lines, back to the file's line numbers.

    Rows are numbered by row_number() as DuckDB returns them, and rejected lines are missing from
    that sequence. `table` is a trusted identifier; values are bound.
    """
    con.execute(
        "CREATE OR REPLACE TEMP TABLE pm_shift AS "
        "SELECT line - $h - row_number() OVER (ORDER BY line) + 1 AS first_k, "
        "       row_number() OVER (ORDER BY line) AS shift "
        "FROM pm_bad_lines",
        {"h": header_line},
    )
    con.execute(
        f"UPDATE {table} SET source_row = {table}.source_row + s.shift "
        f"FROM (SELECT p.source_row AS old_row, max(s.shift) AS shift "
        f"      FROM {table} p JOIN pm_shift s ON s.first_k <= p.source_row - $h "
        f"      GROUP BY p.source_row) s "
        f"WHERE {table}.source_row = s.old_row",
        {"h": header_line},
    )


def quarantine_bad_lines(con: duckdb.DuckDBPyConnection, ingest_id: int, file_name: str) -> None:
    """Quarantine the rejected lines that are neither notes nor merely uncastable."""
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
        FROM pm_bad_lines WHERE NOT is_footer AND NOT is_cast
        """,
        {"id": ingest_id, "file": file_name},
    )


def count_bad_lines(con: duckdb.DuckDBPyConnection) -> tuple[int, int]:
    """Return (lines read, note lines) among rejected lines that are not merely uncastable."""
    lines, footers = con.execute(
        "SELECT coalesce(sum(spanned), 0)::BIGINT, count(*) FILTER (is_footer) "
        "FROM pm_bad_lines WHERE NOT is_cast"
    ).fetchone()
    return lines, footers


def count_data_lines(path: str, header_line: int) -> int:
    """Return the number of physical lines after the header (a last line without \\n counts)."""
    lines, last = 0, b"\n"
    with open(path, "rb") as f:
        while chunk := f.read(1 << 22):
            lines += chunk.count(b"\n")
            last = chunk[-1:]
    return lines + (last != b"\n") - header_line
