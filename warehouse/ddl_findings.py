"""DDL of migration 4: the latest evaluation's findings, and alerts with their history.

Money is integer fen (`*_fen`) or whole yuan (subsidy amounts are whole yuan by rule);
percentages of CPI are hundredths (`*_bp`). Queries convert to decimal yuan and percent.
"""

FINDINGS_AND_ALERTS = """
CREATE TABLE evaluations (
    evaluation_id BIGINT PRIMARY KEY,
    as_of DATE NOT NULL,
    started_at TIMESTAMPTZ NOT NULL,
    finished_at TIMESTAMPTZ NOT NULL,
    rules INTEGER NOT NULL,
    unhealthy INTEGER NOT NULL,
    cause VARCHAR NOT NULL
);
CREATE TABLE rule_health (
    evaluation_id BIGINT NOT NULL,
    rule_id VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    healthy BOOLEAN NOT NULL,
    error VARCHAR,
    findings BIGINT NOT NULL
);
CREATE TABLE subsidy_findings (
    evaluation_id BIGINT NOT NULL,
    rule_id VARCHAR NOT NULL,
    rule_version VARCHAR NOT NULL,
    region_code VARCHAR NOT NULL,
    period DATE NOT NULL,
    status VARCHAR NOT NULL,
    triggered BOOLEAN NOT NULL,
    reasons VARCHAR[] NOT NULL,
    cpi_region VARCHAR,
    cpi_bp BIGINT,
    food_region VARCHAR,
    food_bp BIGINT,
    cpi_threshold_bp BIGINT NOT NULL,
    food_threshold_bp BIGINT NOT NULL,
    rate_bp BIGINT,
    due_on DATE NOT NULL,
    published_on DATE,
    published_on_estimated BOOLEAN NOT NULL,
    pay_by DATE,
    per_person_yuan BIGINT,
    persons BIGINT,
    total_yuan BIGINT,
    groups STRUCT(region_code VARCHAR, group_code VARCHAR, persons BIGINT,
                  per_person_yuan BIGINT, total_yuan BIGINT)[]
);
CREATE TABLE fund_warnings (
    evaluation_id BIGINT NOT NULL,
    rule_id VARCHAR NOT NULL,
    as_of DATE NOT NULL,
    region_code VARCHAR NOT NULL,
    region_name VARCHAR NOT NULL,
    fund_code VARCHAR NOT NULL,
    fund_name VARCHAR NOT NULL,
    department VARCHAR,
    received_fen BIGINT NOT NULL,
    allocated_fen BIGINT NOT NULL,
    paid_fen BIGINT NOT NULL,
    allocation_rate DOUBLE,
    spending_rate DOUBLE,
    time_progress DOUBLE NOT NULL,
    allocation_deadline DATE,
    own_funds_payments BIGINT NOT NULL,
    level VARCHAR NOT NULL,
    reasons VARCHAR[] NOT NULL,
    stale BOOLEAN NOT NULL
);
CREATE TABLE bond_projects (
    evaluation_id BIGINT NOT NULL,
    rule_id VARCHAR NOT NULL,
    as_of DATE NOT NULL,
    region_code VARCHAR NOT NULL,
    region_name VARCHAR NOT NULL,
    project VARCHAR NOT NULL,
    project_unit VARCHAR,
    department VARCHAR,
    quota_fen BIGINT NOT NULL,
    spent_fen BIGINT NOT NULL,
    spending_rate DOUBLE,
    deadline DATE NOT NULL,
    target_e4 INTEGER NOT NULL,
    at_risk_days INTEGER NOT NULL,
    previous_as_of DATE,
    pace_basis VARCHAR,
    pace_days BIGINT,
    delta_fen BIGINT,
    projected_date DATE,
    reached BOOLEAN NOT NULL,
    level VARCHAR NOT NULL,
    reason VARCHAR NOT NULL
);
CREATE TABLE bond_counties (
    evaluation_id BIGINT NOT NULL,
    rule_id VARCHAR NOT NULL,
    as_of DATE NOT NULL,
    region_code VARCHAR NOT NULL,
    region_name VARCHAR NOT NULL,
    projects BIGINT NOT NULL,
    quota_fen BIGINT NOT NULL,
    spent_fen BIGINT NOT NULL,
    spending_rate DOUBLE,
    deadline DATE NOT NULL,
    target_e4 INTEGER NOT NULL,
    previous_as_of DATE,
    per_day_fen DOUBLE,
    projected_date DATE,
    reached BOOLEAN NOT NULL,
    level VARCHAR NOT NULL,
    reason VARCHAR NOT NULL
);
CREATE TABLE carryover_findings (
    evaluation_id BIGINT NOT NULL,
    rule_id VARCHAR NOT NULL,
    as_of DATE NOT NULL,
    region_code VARCHAR NOT NULL,
    region_name VARCHAR NOT NULL,
    fund_code VARCHAR NOT NULL,
    fund_name VARCHAR NOT NULL,
    budget_year INTEGER NOT NULL,
    received_fen BIGINT NOT NULL,
    paid_fen BIGINT NOT NULL,
    balance_fen BIGINT NOT NULL,
    recall_on DATE NOT NULL,
    days_left BIGINT NOT NULL,
    level VARCHAR NOT NULL,
    reason VARCHAR NOT NULL
);
CREATE TABLE alerts (
    alert_id BIGINT PRIMARY KEY,
    rule_id VARCHAR NOT NULL,
    subject VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    region_code VARCHAR NOT NULL,
    level VARCHAR NOT NULL,
    status VARCHAR NOT NULL,
    message VARCHAR NOT NULL,
    opened_at TIMESTAMPTZ NOT NULL,
    opened_as_of DATE NOT NULL,
    resolved_at TIMESTAMPTZ,
    red_since DATE,
    escalation_step INTEGER NOT NULL DEFAULT 0,
    step_on DATE,
    acknowledged_by VARCHAR,
    acknowledged_at TIMESTAMPTZ,
    ack_note VARCHAR
);
CREATE TABLE alert_events (
    event_id BIGINT PRIMARY KEY,
    alert_id BIGINT NOT NULL,
    rule_id VARCHAR NOT NULL,
    subject VARCHAR NOT NULL,
    happened_at TIMESTAMPTZ NOT NULL,
    as_of DATE,
    from_status VARCHAR,
    to_status VARCHAR NOT NULL,
    from_level VARCHAR,
    to_level VARCHAR NOT NULL,
    actor VARCHAR NOT NULL,
    note VARCHAR,
    message VARCHAR
);
CREATE TABLE escalations (
    alert_id BIGINT NOT NULL,
    rule_id VARCHAR NOT NULL,
    subject VARCHAR NOT NULL,
    escalation_step INTEGER NOT NULL,
    step_name VARCHAR NOT NULL,
    step_on DATE NOT NULL,
    document VARCHAR NOT NULL,
    text VARCHAR NOT NULL,
    PRIMARY KEY (alert_id, escalation_step)
);
CREATE TABLE silences (
    silence_id BIGINT PRIMARY KEY,
    rule_id VARCHAR,
    subject_prefix VARCHAR,
    region_prefix VARCHAR,
    author VARCHAR NOT NULL,
    reason VARCHAR NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
);
CREATE TABLE notifications (
    event_id BIGINT PRIMARY KEY,
    alert_id BIGINT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    status VARCHAR NOT NULL,
    silence_id BIGINT,
    sent_at TIMESTAMPTZ,
    channel VARCHAR
);
"""

# Migration 5: what was paid for a triggered month, and the decision on the values first known
# (a month whose first and latest decisions differ is a revision).
SUBSIDY_FOLLOW_THROUGH = """
ALTER TABLE subsidy_findings ADD COLUMN paid_fen BIGINT;
ALTER TABLE subsidy_findings ADD COLUMN payment_status VARCHAR;
ALTER TABLE subsidy_findings ADD COLUMN first_status VARCHAR;
ALTER TABLE subsidy_findings ADD COLUMN first_cpi_bp BIGINT;
ALTER TABLE subsidy_findings ADD COLUMN first_food_bp BIGINT;
ALTER TABLE subsidy_findings ADD COLUMN first_known_on DATE;
"""
