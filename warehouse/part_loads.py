"""Loading one part of a file: stage, insert good rows, quarantine the rest, count everything.

Two routes. Small files and keyed datasets are staged whole in the temp table `parsed`. A large
CSV of a dataset without a key (payment detail) takes the direct route: good rows go straight
from DuckDB's CSV reader into their table, and only the rows that are not good are kept aside.
"""

import csv
from dataclasses import dataclass, replace
from typing import Any

from warehouse import rejects, validation
from warehouse.datasets import DATASETS
from warehouse.staging import ArrowSource, CsvSource, Part, arrow_text_table


@dataclass
class Counts:
    """Rows of one part: read = loaded + quarantined + skipped; inserted ≤ loaded."""

    read: int = 0
    loaded: int = 0
    quarantined: int = 0
    skipped: int = 0
    inserted: int = 0

    def add(self, other: "Counts") -> None:
        for name in ("read", "loaded", "quarantined", "skipped", "inserted"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def load_part(con, part: Part, context: dict[str, Any], ingest_id: int) -> Counts:
    """Load one part inside the caller's transaction; return its counts."""
    dataset = DATASETS[part.dataset]
    if isinstance(part.source, CsvSource) and not dataset.key and not dataset.vintage_key:
        counts = _load_direct(con, part, context, ingest_id)
    else:
        counts = _load_staged(con, part, context, ingest_id)
    counts.read += len(part.skipped)
    counts.skipped += len(part.skipped)
    return counts


def _create(con, table: str, select: str, params: dict, part: Part, where: str = "TRUE") -> None:
    sql = f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT * FROM ({select}) WHERE {where}"
    if isinstance(part.source, ArrowSource):
        con.register("pm_arrow_source", part.source.table)
    try:
        con.execute(sql, params)
    finally:
        if isinstance(part.source, ArrowSource):
            con.unregister("pm_arrow_source")


def _insert(con, part: Part, source: str, ingest_id: int, params: dict | None = None) -> int:
    """Insert the good rows of `source` (a table, or a parenthesised SELECT) into the dataset."""
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
        f"SELECT $ingest_id, {columns} FROM {source} p WHERE ok {vintage}",
        {**(params or {}), "ingest_id": ingest_id},
    ).fetchone()[0]


def _quarantine_parsed(con, ingest_id: int, file_name: str, table: str = "parsed") -> None:
    con.execute(
        f"""
        INSERT INTO quarantine
        SELECT $id, $file, source_row, e.column, e.message, quarantine_raw
        FROM (SELECT source_row, quarantine_raw, unnest(errors) AS e
              FROM {table} WHERE skip_reason IS NULL AND errors IS NOT NULL)
        """,
        {"id": ingest_id, "file": file_name},
    )


def _count_parsed(con, table: str = "parsed") -> Counts:
    read, skipped, bad = con.execute(
        f"SELECT count(*), count(*) FILTER (skip_reason IS NOT NULL), "
        f"count(*) FILTER (skip_reason IS NULL AND errors IS NOT NULL) FROM {table}"
    ).fetchone()
    return Counts(read=read, skipped=skipped, quarantined=bad, loaded=read - skipped - bad)


def _with_bad_lines(con, counts: Counts, ingest_id: int, file_name: str) -> Counts:
    lines, footers = rejects.count_bad_lines(con)
    rejects.quarantine_bad_lines(con, ingest_id, file_name)
    counts.read += lines
    counts.skipped += footers
    counts.quarantined += lines - footers
    return counts


def _load_staged(con, part: Part, context: dict, ingest_id: int) -> Counts:
    dataset, file_name = DATASETS[part.dataset], context["file_name"]
    fast = isinstance(part.source, CsvSource)
    _create(con, "parsed", *validation.build(dataset, part, context, fast=fast), part)
    if fast and rejects.collect_bad_lines(con):
        if con.execute("SELECT count(*) FROM pm_bad_lines WHERE is_cast").fetchone()[0]:
            # rows the fast path could not cast: read the whole file as text, so keys see all
            _create(con, "parsed", *validation.build(dataset, part, context), part)
            rejects.collect_bad_lines(con)
            # read as text nothing fails a cast: lines the first scan could not cast are rows
            # now, and must not shift the numbers of the rows after them
            con.execute("DELETE FROM pm_bad_lines WHERE is_cast")
        rejects.renumber(con, "parsed", part.source.header_line)
    counts = _count_parsed(con)
    counts.inserted = _insert(con, part, "parsed", ingest_id)
    _quarantine_parsed(con, ingest_id, file_name)
    if fast:
        counts = _with_bad_lines(con, counts, ingest_id, file_name)
    return counts


def _load_direct(con, part: Part, context: dict, ingest_id: int) -> Counts:
    dataset, file_name = DATASETS[part.dataset], context["file_name"]
    # Good rows keep their file (ingest_id) but not their line: numbering costs the parallel read.
    select, params = validation.build(dataset, part, context, fast=True, numbered=False)
    inserted = _insert(con, part, f"({select})", ingest_id, params)
    header_line = part.source.header_line
    rejects.collect_bad_lines(con)
    spanned = con.execute("SELECT coalesce(sum(spanned), 0) FROM pm_bad_lines").fetchone()[0]
    # When every physical line is either inserted or rejected there is nothing else to find;
    # otherwise read the file again, numbered, and keep only the rows that were not good.
    lines = context.get("file_lines")  # counted by the caller while hashing, if it did
    if lines is None:
        lines = rejects.count_data_lines(part.source.path, 0)
    everything = inserted + spanned == lines - header_line
    select, params = validation.build(dataset, part, context, fast=True)
    _create(con, "parsed", select, params, part, "FALSE" if everything else "NOT ok")
    if not everything:
        rejects.collect_bad_lines(con)
    if not everything and spanned:
        rejects.renumber(con, "parsed", header_line)
    counts = _count_parsed(con)
    counts.read += inserted
    counts.loaded += inserted
    counts.inserted = inserted
    _quarantine_parsed(con, ingest_id, file_name)
    cast_lines = con.execute("SELECT line, csv_line FROM pm_bad_lines WHERE is_cast").fetchall()
    if cast_lines:
        counts.add(_load_lenient_lines(con, part, context, ingest_id, cast_lines))
    return _with_bad_lines(con, counts, ingest_id, file_name)


def _load_lenient_lines(con, part: Part, context: dict, ingest_id: int, lines) -> Counts:
    """Load the lines the fast path could not cast, parsed here from their text."""
    width = len(part.headers)
    cells = [next(csv.reader([text]), []) for _, text in lines]
    columns = [[(row[i] if i < len(row) else None) for row in cells] for i in range(width)]
    table = arrow_text_table(columns, [number for number, _ in lines])
    lenient = replace(part, source=ArrowSource(table), skipped=[])
    _create(
        con, "parsed_lenient", *validation.build(DATASETS[part.dataset], lenient, context), lenient
    )
    counts = _count_parsed(con, "parsed_lenient")
    counts.inserted = _insert(con, part, "parsed_lenient", ingest_id)
    _quarantine_parsed(con, ingest_id, context["file_name"], "parsed_lenient")
    return counts
