"""Ordered schema migrations, each a registered function recorded in `schema_migrations`."""

from collections.abc import Callable
from datetime import UTC, datetime

import duckdb

from warehouse import ddl_commitments, ddl_findings, ids, regions

Migration = Callable[[duckdb.DuckDBPyConnection], None]
MIGRATIONS: list[tuple[int, str, Migration]] = []


def migration(version: int, name: str) -> Callable[[Migration], Migration]:
    """Register a migration; versions must be added in increasing order."""

    def register(fn: Migration) -> Migration:
        if MIGRATIONS and MIGRATIONS[-1][0] >= version:
            raise RuntimeError(f"migration {version} registered out of order")
        MIGRATIONS.append((version, name, fn))
        return fn

    return register


@migration(1, "core tables")
def _core_tables(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("""
        CREATE TABLE regions (
            region_code VARCHAR PRIMARY KEY,
            name VARCHAR NOT NULL,
            level VARCHAR NOT NULL,
            parent_code VARCHAR,
            official BOOLEAN NOT NULL DEFAULT TRUE
        );
        CREATE TABLE region_aliases (
            alias VARCHAR PRIMARY KEY,
            region_code VARCHAR NOT NULL,
            note VARCHAR
        );
        CREATE SEQUENCE ingest_id_seq START 1;
        CREATE TABLE ingests (
            ingest_id BIGINT PRIMARY KEY,
            kind VARCHAR NOT NULL,
            layout VARCHAR NOT NULL,
            file_name VARCHAR NOT NULL,
            file_path VARCHAR NOT NULL,
            sha256 VARCHAR NOT NULL UNIQUE,
            status VARCHAR NOT NULL,
            rows_read BIGINT NOT NULL,
            rows_loaded BIGINT NOT NULL,
            rows_quarantined BIGINT NOT NULL,
            rows_skipped BIGINT NOT NULL,
            rows_unchanged BIGINT NOT NULL DEFAULT 0,
            as_of DATE,
            period DATE,
            warnings VARCHAR[],
            started_at TIMESTAMPTZ NOT NULL,
            finished_at TIMESTAMPTZ NOT NULL,
            duration_ms BIGINT NOT NULL
        );
        CREATE TABLE quarantine (
            ingest_id BIGINT NOT NULL,
            file_name VARCHAR NOT NULL,
            source_row BIGINT,
            column_name VARCHAR,
            reason VARCHAR NOT NULL,
            raw_row VARCHAR
        );
        CREATE TABLE cpi_observations (
            ingest_id BIGINT NOT NULL,
            region_code VARCHAR NOT NULL,
            period DATE NOT NULL,
            indicator VARCHAR NOT NULL,
            indicator_name VARCHAR NOT NULL,
            measure VARCHAR NOT NULL,
            value_pct DECIMAL(7, 2) NOT NULL,
            published_on DATE,
            source_file VARCHAR NOT NULL,
            source_row BIGINT,
            loaded_at TIMESTAMPTZ NOT NULL
        );
        CREATE TABLE fund_snapshots (
            ingest_id BIGINT NOT NULL,
            as_of DATE NOT NULL,
            region_code VARCHAR NOT NULL,
            region_name VARCHAR NOT NULL,
            fund_code VARCHAR NOT NULL,
            fund_name VARCHAR NOT NULL,
            department VARCHAR,
            received_yuan DECIMAL(18, 2) NOT NULL,
            allocated_yuan DECIMAL(18, 2) NOT NULL,
            paid_yuan DECIMAL(18, 2) NOT NULL,
            release_date DATE,
            source_row BIGINT
        );
        CREATE TABLE fund_payments (
            ingest_id BIGINT NOT NULL,
            payment_date DATE NOT NULL,
            fund_code VARCHAR NOT NULL,
            region_code VARCHAR NOT NULL,
            region_name VARCHAR NOT NULL,
            unit_name VARCHAR,
            payee VARCHAR,
            account_type VARCHAR NOT NULL,
            own_funds_account BOOLEAN NOT NULL,
            amount_yuan DECIMAL(18, 2) NOT NULL,
            source_row BIGINT
        );
        CREATE TABLE bond_snapshots (
            ingest_id BIGINT NOT NULL,
            as_of DATE NOT NULL,
            region_code VARCHAR NOT NULL,
            region_name VARCHAR NOT NULL,
            project VARCHAR NOT NULL,
            project_unit VARCHAR,
            department VARCHAR,
            quota_yuan DECIMAL(18, 2) NOT NULL,
            spent_yuan DECIMAL(18, 2) NOT NULL,
            funds_arrived_on DATE,
            note VARCHAR,
            source_row BIGINT
        );
        CREATE TABLE beneficiary_counts (
            ingest_id BIGINT NOT NULL,
            period DATE NOT NULL,
            region_code VARCHAR NOT NULL,
            region_name VARCHAR NOT NULL,
            group_code VARCHAR NOT NULL,
            group_name VARCHAR NOT NULL,
            persons INTEGER NOT NULL,
            source_row BIGINT
        );
        CREATE TABLE benefit_standards (
            ingest_id BIGINT NOT NULL,
            period DATE NOT NULL,
            region_code VARCHAR NOT NULL,
            region_name VARCHAR NOT NULL,
            standard_code VARCHAR NOT NULL,
            standard_name VARCHAR NOT NULL,
            stated_yuan DECIMAL(14, 2) NOT NULL,
            stated_per VARCHAR NOT NULL,
            yuan_per_month DECIMAL(14, 4) NOT NULL,
            source_row BIGINT
        );
    """)


@migration(2, "current views")
def _current_views(con: duckdb.DuckDBPyConnection) -> None:
    # The newest ingest of a key is current; older vintages and revisions stay as history.
    con.execute("""
        CREATE VIEW cpi_current AS
        SELECT * FROM cpi_observations
        QUALIFY row_number() OVER (
            PARTITION BY region_code, period, indicator, measure ORDER BY ingest_id DESC) = 1;
        CREATE VIEW fund_snapshots_current AS
        SELECT * FROM fund_snapshots
        QUALIFY ingest_id = max(ingest_id) OVER (PARTITION BY as_of, region_code, fund_code);
        CREATE VIEW bond_snapshots_current AS
        SELECT * FROM bond_snapshots
        QUALIFY ingest_id = max(ingest_id) OVER (PARTITION BY as_of, region_code, project);
        CREATE VIEW beneficiary_counts_current AS
        SELECT * FROM beneficiary_counts
        QUALIFY ingest_id = max(ingest_id) OVER (PARTITION BY period, region_code, group_code);
        CREATE VIEW benefit_standards_current AS
        SELECT * FROM benefit_standards
        QUALIFY ingest_id = max(ingest_id) OVER (PARTITION BY period, region_code, standard_code);
    """)


@migration(3, "seed GB/T 2260 regions and default aliases")
def _seed_regions(con: duckdb.DuckDBPyConnection) -> None:
    regions.seed(con)


@migration(4, "findings, alerts, events, escalations, silences, notifications")
def _findings_and_alerts(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(ddl_findings.FINDINGS_AND_ALERTS)


@migration(5, "price decisions as known: first decision, payments made")
def _subsidy_follow_through(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(ddl_findings.SUBSIDY_FOLLOW_THROUGH)


@migration(6, "subsidy payments")
def _subsidy_payments(con: duckdb.DuckDBPyConnection) -> None:
    # A ledger re-sent for a region and index month replaces what the earlier one said about it
    # (the newest ingest naming that region and month is current; the older rows are history).
    con.execute("""
        CREATE TABLE subsidy_payments (
            ingest_id BIGINT NOT NULL,
            region_code VARCHAR NOT NULL,
            region_name VARCHAR NOT NULL,
            period DATE NOT NULL,
            group_name VARCHAR,
            group_code VARCHAR,
            group_codes VARCHAR,
            persons INTEGER NOT NULL,
            paid_yuan DECIMAL(18, 2) NOT NULL,
            paid_on DATE NOT NULL,
            source_row BIGINT
        );
        CREATE VIEW subsidy_payments_current AS
        SELECT * FROM subsidy_payments
        QUALIFY ingest_id = max(ingest_id) OVER (PARTITION BY region_code, period);
    """)


@migration(7, "commitment sources: arrears, measures, daily reports, bond issues")
def _commitment_sources(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(ddl_commitments.COMMITMENT_SOURCES)


@migration(8, "id sequences for evaluations, alerts, events, silences")
def _id_sequences(con: duckdb.DuckDBPyConnection) -> None:
    ids.create_sequences(con)


@migration(9, "commitment findings")
def _commitment_findings(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(ddl_commitments.COMMITMENT_FINDINGS)


@migration(10, "guarantee and procurement ledgers, bond tender-notice date")
def _caps_and_tender_notice(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(ddl_commitments.CAPS_AND_TENDER_NOTICE)


@migration(11, "the instant an evaluation graded at")
def _evaluated_at(con: duckdb.DuckDBPyConnection) -> None:
    # Asia/Shanghai wall time the report rules were graded at (the end of the day for a date)
    con.execute("ALTER TABLE evaluations ADD COLUMN evaluated_at TIMESTAMP")


def pending(con: duckdb.DuckDBPyConnection) -> list[tuple[int, str, Migration]]:
    """Return the registered migrations not yet recorded in this warehouse."""
    con.execute("""
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMPTZ NOT NULL)
    """)
    done = {v for (v,) in con.execute("SELECT version FROM schema_migrations").fetchall()}
    return [m for m in MIGRATIONS if m[0] not in done]


def migrate(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Apply pending migrations, each in its own transaction; return the versions applied."""
    applied = []
    for version, name, fn in pending(con):
        con.begin()
        try:
            fn(con)
            con.execute(
                "INSERT INTO schema_migrations VALUES (?, ?, ?)",
                [version, name, datetime.now(UTC)],
            )
            con.commit()
        except BaseException:
            con.rollback()
            raise
        applied.append(version)
    return applied
