-- The messages re-checked are records of the scope (see scope.sql): their findings open or close.
INSERT INTO work.scope_records SELECT 'messages', hash(message_id) FROM work.message_consent
