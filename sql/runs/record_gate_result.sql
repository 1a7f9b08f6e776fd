INSERT INTO work.gate_results VALUES (
    $gate, $table_name, $expectation, $column_name, $description, $severity, $success,
    $unexpected_count, $sample_rows, $checked_at
)
