INSERT INTO work.inputs VALUES ($table_name, $file, $format, $rows, $sha256)
