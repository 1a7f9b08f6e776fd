SELECT file FROM work.inputs WHERE table_name = $table_name
