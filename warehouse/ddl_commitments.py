"""Tables and current views of the commitment sources (migrations 7 and 10), and their findings (9).

Arrears are snapshots like the other ledgers: a re-sent snapshot for the same date supersedes the
earlier one in `arrears_current`. A measures table, a daily report or a bond issue sent again
supersedes its earlier version in the `*_current` view; every version stays as history.
Guarantees and procurement projects are snapshots like arrears (migration 10).
"""

COMMITMENT_SOURCES = """
    CREATE TABLE arrears_snapshots (
        ingest_id BIGINT NOT NULL,
        as_of DATE NOT NULL,
        region_code VARCHAR NOT NULL,
        region_name VARCHAR NOT NULL,
        debtor VARCHAR NOT NULL,
        creditor VARCHAR NOT NULL,
        owed_yuan DECIMAL(18, 2) NOT NULL,
        disputed BOOLEAN,
        plan_due_on DATE,
        repaid_yuan DECIMAL(18, 2),
        repaid_on DATE,
        department VARCHAR,
        source_row BIGINT
    );
    CREATE TABLE measures (
        ingest_id BIGINT NOT NULL,
        region_code VARCHAR,
        region_name VARCHAR,
        measure_no VARCHAR NOT NULL,
        title VARCHAR NOT NULL,
        lead_units VARCHAR[] NOT NULL,
        responsible_units VARCHAR[],
        report_requirement VARCHAR,
        report_cadence VARCHAR,
        report_by TIME,
        source_row BIGINT
    );
    CREATE TABLE daily_reports (
        ingest_id BIGINT NOT NULL,
        unit VARCHAR NOT NULL,
        report_date DATE NOT NULL,
        submitted_at TIMESTAMP,
        measure_no VARCHAR,
        progress VARCHAR NOT NULL,
        problems VARCHAR,
        next_steps VARCHAR,
        source_row BIGINT
    );
    CREATE TABLE bond_issues (
        ingest_id BIGINT NOT NULL,
        region_code VARCHAR NOT NULL,
        region_name VARCHAR NOT NULL,
        bond_name VARCHAR NOT NULL,
        bond_code VARCHAR,
        issued_yuan DECIMAL(18, 2) NOT NULL,
        issued_on DATE NOT NULL,
        source_row BIGINT
    );
    CREATE VIEW arrears_current AS
    SELECT * FROM arrears_snapshots
    QUALIFY ingest_id = max(ingest_id) OVER (PARTITION BY as_of, region_code, debtor, creditor);
    CREATE VIEW measures_current AS
    SELECT * FROM measures
    QUALIFY ingest_id = max(ingest_id) OVER (PARTITION BY region_code, measure_no);
    CREATE VIEW daily_reports_current AS
    SELECT * FROM daily_reports
    QUALIFY ingest_id = max(ingest_id) OVER (PARTITION BY unit, report_date, measure_no);
    CREATE VIEW bond_issues_current AS
    SELECT * FROM bond_issues
    QUALIFY ingest_id = max(ingest_id) OVER (PARTITION BY region_code, bond_name);
"""

# Migration 9: the latest evaluation's commitment findings, one graded item a row, whatever the
# rule kind (triggers/commitment_findings.py). Money in fen; target/actual in the row's unit.
COMMITMENT_FINDINGS = """
    CREATE TABLE commitment_findings (
        evaluation_id BIGINT NOT NULL,
        rule_id VARCHAR NOT NULL,
        kind VARCHAR NOT NULL,
        commitment VARCHAR,
        source VARCHAR,
        as_of DATE,
        region_code VARCHAR NOT NULL,
        region_name VARCHAR,
        item VARCHAR NOT NULL,
        subject VARCHAR NOT NULL,
        party VARCHAR,
        lead_unit VARCHAR,
        responsible_units VARCHAR[],
        deadline DATE,
        due_at TIMESTAMP,
        done_at TIMESTAMP,
        unit VARCHAR,
        target DECIMAL(38, 4),
        actual DECIMAL(38, 4),
        amount_fen BIGINT,
        done_fen BIGINT,
        overdue BOOLEAN NOT NULL,
        disputed BOOLEAN NOT NULL,
        level VARCHAR NOT NULL,
        reasons VARCHAR[] NOT NULL
    );
"""

# Migration 10: guarantee and procurement ledgers (snapshots, like arrears); the bond ledger's
# tender-notice date. DuckDB binds a view's `*` when the view is created, so the bond view is
# created again to include the new column.
CAPS_AND_TENDER_NOTICE = """
    CREATE TABLE guarantee_snapshots (
        ingest_id BIGINT NOT NULL,
        as_of DATE NOT NULL,
        region_code VARCHAR NOT NULL,
        region_name VARCHAR NOT NULL,
        guarantor VARCHAR NOT NULL,
        borrower VARCHAR NOT NULL,
        amount_yuan DECIMAL(18, 2) NOT NULL,
        fee_rate_pct DECIMAL(9, 4) NOT NULL,
        started_on DATE NOT NULL,
        source_row BIGINT
    );
    CREATE TABLE procurement_snapshots (
        ingest_id BIGINT NOT NULL,
        as_of DATE NOT NULL,
        region_code VARCHAR NOT NULL,
        region_name VARCHAR NOT NULL,
        project VARCHAR NOT NULL,
        purchaser VARCHAR NOT NULL,
        category VARCHAR NOT NULL,
        budget_yuan DECIMAL(18, 2) NOT NULL,
        sme_reserved_yuan DECIMAL(18, 2),
        announced_on DATE,
        source_row BIGINT
    );
    CREATE VIEW guarantees_current AS
    SELECT * FROM guarantee_snapshots
    QUALIFY ingest_id = max(ingest_id) OVER (
        PARTITION BY as_of, region_code, guarantor, borrower, started_on);
    CREATE VIEW procurement_current AS
    SELECT * FROM procurement_snapshots
    QUALIFY ingest_id = max(ingest_id) OVER (PARTITION BY as_of, region_code, project, purchaser);
    ALTER TABLE bond_snapshots ADD COLUMN tender_notice_on DATE;
    CREATE OR REPLACE VIEW bond_snapshots_current AS
    SELECT * FROM bond_snapshots
    QUALIFY ingest_id = max(ingest_id) OVER (PARTITION BY as_of, region_code, project);
"""
