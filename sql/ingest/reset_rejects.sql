-- read_csv(store_rejects) writes the lines it could not read into these temporary tables.
DROP TABLE IF EXISTS temp.reject_errors;
DROP TABLE IF EXISTS temp.reject_scans;
