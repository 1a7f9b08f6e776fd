SELECT path, rows FROM core.exports ORDER BY path
