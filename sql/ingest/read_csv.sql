-- Every column as text: types are checked by the ingest.input gate, which can name the row.
-- The dialect is fixed (no sniffing) so that a broken line is reported, not guessed around.
SELECT *
FROM read_csv(
    $path, columns = $columns, header = true, delim = ',', quote = '"', escape = '"',
    auto_detect = false, store_rejects = true
)
