-- undeclared_field: a contacts column outside the data contract and the policy's declared_fields.
-- One finding per column; the column's values were never loaded.
SELECT
    'contacts' AS record_table,
    column_name AS record_id,
    NULL AS subject,
    'column ' || column_name || ' is not in the data contract or declared_fields; it was not loaded' AS detail
FROM work.undeclared_fields
