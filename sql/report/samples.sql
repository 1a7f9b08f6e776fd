-- A few findings per check: record ids and subject hashes only. (min_by keeps the first few of
-- each check without sorting them all: a window over millions of findings took four times longer.)
SELECT "check", sample.record_table, sample.record_id, sample.subject, sample.detail
FROM (
    SELECT "check", unnest(min_by({'record_table': record_table, 'record_id': record_id, 'subject': subject,
                                   'detail': detail}, (record_table, record_id), $per_check)) AS sample
    FROM work.report_violations
    GROUP BY "check"
)
ORDER BY "check", sample.record_table, sample.record_id
