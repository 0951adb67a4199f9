"""Tables and current views of the commitment sources (migration 7).

Arrears are snapshots like the other ledgers: a re-sent snapshot for the same date supersedes the
earlier one in `arrears_current`. A measures table, a daily report or a bond issue sent again
supersedes its earlier version in the `*_current` view; every version stays as history.
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
