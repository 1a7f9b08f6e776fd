-- consent purposes the policy does not list
-- Rows returned are failures; {batch} is the table the expectation names (meta.table).
SELECT event_id FROM {batch} WHERE NOT list_has_any(purpose_ancestors(purpose), (SELECT list(name) FROM work.policy_purposes))
