-- What each rule selects, before one rule is chosen per record (retention/plan).
CREATE OR REPLACE TABLE work.retention_candidates (
    rule VARCHAR, record_table VARCHAR, record_id VARCHAR, subject VARCHAR, deadline TIMESTAMPTZ
);
