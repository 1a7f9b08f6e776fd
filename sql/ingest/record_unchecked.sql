-- Messages new to staging wait here until the publish of a run whose compliance checks took them
-- (sql/compliance/scope.sql): a run that stops before it leaves them for the next.
INSERT INTO staging.unchecked_messages
SELECT hash(record_id) FROM work.changes WHERE table_name = 'messages' AND change IN ('new', 'changed')
