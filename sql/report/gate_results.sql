SELECT gate, table_name, expectation, column_name, description, severity, success, unexpected_count, sample_rows
FROM work.report_gate_results
ORDER BY checked_at, gate, table_name, expectation, column_name
