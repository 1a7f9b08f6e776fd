INSERT INTO core.exports VALUES ($path, $purpose, $rows, $written_at)
