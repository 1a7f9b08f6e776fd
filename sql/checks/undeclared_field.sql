/* check
job: ingest
severity: medium
principle: minimisation
rule: policy declared_fields; GDPR Art. 5(1)(c)
explanation: A contacts column outside the data contract and the policy's declared fields.
finds: a contacts column outside the contract and `declared_fields` (one finding per column)
binds:
  number_like: engine.number_like
*/
-- undeclared_field: a contacts column outside the data contract and the policy's declared_fields.
-- One finding per column; the column's values were never loaded. A column name is data too: one
-- that looks like a phone number ($number_like) is named by its keyed hash, never as written.
SELECT
    'contacts' AS record_table,
    CASE WHEN regexp_matches(column_name, $number_like)
         THEN 'column ' || left(keyed_hash('column name:' || column_name), 16)
         ELSE column_name END AS record_id,
    NULL AS subject,
    CASE WHEN regexp_matches(column_name, $number_like)
         THEN 'a column whose name looks like a phone number (named by its keyed hash)'
         ELSE 'column ' || column_name END
        || ' is not in the data contract or declared_fields; it was not loaded' AS detail
FROM work.undeclared_fields
