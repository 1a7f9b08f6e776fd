-- What a delivery of one table did (the ingest.output gate compares `staged` to the rows read).
INSERT INTO work.deliveries
SELECT $table_name, $delivery, $rows, $staged,
       count(*) FILTER (WHERE change = 'new'), count(*) FILTER (WHERE change = 'changed'),
       count(*) FILTER (WHERE change = 'gone')
FROM work.changes WHERE table_name = $table_name
