SELECT table_name, delivery, rows, new, changed, gone FROM work.deliveries ORDER BY table_name
