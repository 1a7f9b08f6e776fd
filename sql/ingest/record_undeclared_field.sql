INSERT INTO work.undeclared_fields VALUES ($column_name)
