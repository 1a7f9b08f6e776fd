INSERT INTO work.report_pages VALUES ($name, $html)
