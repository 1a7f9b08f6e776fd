CREATE OR REPLACE TABLE work.report_pages (name VARCHAR, html VARCHAR);
