SELECT table_name, file FROM work.inputs
