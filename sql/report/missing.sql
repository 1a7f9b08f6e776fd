-- Published runs whose report was never written (killed between publishing and reporting).
SELECT r.run_id FROM audit.runs AS r ANTI JOIN core.reports AS w USING (run_id) ORDER BY r.finished_at
