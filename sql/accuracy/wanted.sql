-- Every phone value of the sources with the region to parse it in: a contact's number and the
-- numbers messages went to take the contact's country; inbound and deactivation numbers none.
CREATE OR REPLACE TABLE work.numbers_wanted AS
SELECT phone AS raw, country AS default_region FROM staging.contacts
UNION
SELECT m.to_phone, c.country FROM staging.messages AS m LEFT JOIN staging.contacts AS c USING (contact_id)
UNION
SELECT from_phone, NULL FROM staging.inbound
UNION
SELECT phone, NULL FROM staging.deactivations
