-- Contacts whose messages the plan deletes: the next compliance check re-checks them (their
-- other messages' frequency and repeats, the replies to the numbers they messaged).
INSERT INTO core.rescope_contacts
SELECT DISTINCT hash(m.contact_id)
FROM staging.messages AS m
SEMI JOIN (SELECT record_id FROM work.deletion_plan WHERE table_name = 'messages' AND action = 'delete') AS p
    ON p.record_id = m.message_id
