-- Purposes are dotted names; consent to a purpose covers its children.
-- purpose_ancestors('marketing.offers') = ['marketing', 'marketing.offers'].
CREATE OR REPLACE MACRO purpose_ancestors(purpose) AS
    list_transform(
        range(1, len(string_split(purpose, '.')) + 1),
        depth -> array_to_string(string_split(purpose, '.')[1:depth], '.')
    );

-- The runs a report's trends cover: the last 30 published runs up to the reported one (so a
-- report rebuilt later is the same).
CREATE OR REPLACE MACRO trend_runs(reported_run) AS TABLE
    SELECT run_id, finished_at
    FROM audit.runs
    WHERE finished_at <= (SELECT finished_at FROM audit.runs WHERE run_id = reported_run)
    ORDER BY finished_at DESC
    LIMIT 30;
